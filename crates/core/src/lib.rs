//! conncheck's pure logic: no browser, no I/O, no clock.
//!
//! Checks are state machines ([`check::Check`]) fed events and the current
//! time by a driver that lives in the page crate; diagnosis rules turn the
//! finished checks into findings; [`report`] is the public report schema;
//! [`share`] encodes and decodes it for links and copy text;
//! [`view`] derives every text a person reads of a record, once; and
//! [`page`], the top layer, is the page's state and reducer. The layers and
//! one observation's way through them: `docs/architecture.md`.

pub mod catalog;
pub mod check;
pub mod checks;
pub mod classify;
pub mod config;
pub mod diagnosis;
pub mod engineio;
pub mod ice;
pub mod json;
#[cfg(any(test, feature = "test-fixtures"))]
pub mod marker_fixture;
pub mod page;
pub mod privacy;
pub mod report;
pub mod run;
pub mod share;
pub mod socketio;
pub mod view;
pub mod weburl;

#[cfg(test)]
mod docs_tests;
#[cfg(test)]
pub(crate) mod harness;
#[cfg(test)]
#[path = "layers_tests.rs"]
mod layers;
