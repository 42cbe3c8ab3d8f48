//! Running the terminal client (`crates/cli`, binary `conncheck`) from the
//! lab's tests and examples: the workspace's own build of it, beside the
//! running test's or example's directory (`cargo build -p conncheck-cli`
//! first; scripts/test.sh does).

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result};

/// `target/<profile>/conncheck` for a test (`target/<profile>/deps/..`) or
/// an example (`target/<profile>/examples/..`).
pub fn binary() -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .context("target/<profile>/")?;
    let bin = dir.join("conncheck");
    anyhow::ensure!(
        bin.is_file(),
        "{} is missing: build it first (cargo build -p conncheck-cli)",
        bin.display()
    );
    Ok(bin)
}

/// What one run printed, and its exit status.
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `conncheck args…` without colour, bounded by `timeout`.
pub async fn run(args: &[&str], timeout: Duration) -> Result<Ran> {
    let child = tokio::process::Command::new(binary()?)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let out = tokio::time::timeout(timeout, child.wait_with_output())
        .await
        .with_context(|| format!("conncheck {args:?} ran longer than {timeout:?}"))??;
    Ok(Ran {
        code: out.status.code().context("killed by a signal")?,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}
