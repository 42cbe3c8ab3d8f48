#!/usr/bin/env bash
# Sets up and runs every test: formatting and lints, native unit tests of the
# core, browser tests of the page (wasm-bindgen-test in headless Chromium),
# and end-to-end tests of the built page against the lab's real servers.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

step() { printf '\n== %s\n' "$*"; }

step "format"
cargo fmt --all --check
step "lints"
cargo clippy --quiet -p conncheck-core -p conncheck-lab -p conncheck-companion -p conncheck-cli --all-targets -- -D warnings
cargo clippy --quiet -p conncheck --target wasm32-unknown-unknown --all-targets -- -D warnings
step "build the release page"
scripts/build.sh
step "native tests: core units and end-to-end against the lab"
# The terminal client's binary, which crates/lab/tests/cli*.rs run (cli_table.rs
# on every row of the scenario table, ~2.5 min).
cargo build --quiet -p conncheck-cli
# Every test file runs even when one fails, so a run shows all that is wrong.
cargo test --no-fail-fast -p conncheck-core -p conncheck-lab -p conncheck-cli
step "server companions: Node (node --test) and socketioxide, with real redis-server"
(cd companions/node && npm test)
cargo test -p conncheck-companion
step "browser tests of the page crate"
# In headless Chromium: wasm-bindgen-test-runner takes geckodriver first when
# it is on PATH (setup.sh installs it for the lab's Firefox tests).
CHROMEDRIVER="$(command -v chromedriver)" cargo test --target wasm32-unknown-unknown -p conncheck
