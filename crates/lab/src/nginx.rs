//! Debian's nginx in the foreground, as one process (`master_process off`),
//! from a config rendered into a temporary directory.

use std::process::Stdio;

use anyhow::{Context, Result};
use tokio::process::{Child, Command};

use crate::{free_port, wait_for_port};

const MAIN: &str = include_str!("../nginx/main.conf");

pub struct Nginx {
    pub port: u16,
    child: Child,
    dir: tempfile::TempDir,
}

/// Replaces every `{{NAME}}` with its value.
pub fn render(template: &str, vars: &[(&str, &str)]) -> String {
    vars.iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{{{name}}}}}"), value)
        })
}

impl Nginx {
    /// Starts nginx with `server` (the contents of a `server {}` block, with
    /// `{{PORT}}` for its listen port) and `http` (more http-level lines).
    pub async fn start(http: &str, server: &str) -> Result<Nginx> {
        Self::start_on(free_port()?, http, server).await
    }

    /// [`Nginx::start`] on a port chosen beforehand (a free one), for
    /// configs that must know their origin before nginx runs.
    pub async fn start_on(port: u16, http: &str, server: &str) -> Result<Nginx> {
        let dir = tempfile::tempdir()?;
        let port_text = port.to_string();
        let tmp = dir.path().display().to_string();
        let server = render(server, &[("PORT", &port_text)]);
        let config = render(
            MAIN,
            &[
                ("TMP", &tmp),
                ("HTTP", http),
                ("SERVER", &server),
                ("PORT", &port_text),
            ],
        );
        Self::start_config(port, dir, &config, &[]).await
    }

    /// nginx from a whole `config` (written into `dir`, which is also its
    /// prefix) listening on `port`, with `globals` passed by `-g` (as a
    /// container image's command line does). Its error log is expected at
    /// `dir/error.log`.
    pub async fn start_config(
        port: u16,
        dir: tempfile::TempDir,
        config: &str,
        globals: &[&str],
    ) -> Result<Nginx> {
        let path = dir.path().join("nginx.conf");
        std::fs::write(&path, config)?;
        let binary = if std::path::Path::new("/usr/sbin/nginx").exists() {
            "/usr/sbin/nginx"
        } else {
            "nginx"
        };
        let mut command = Command::new(binary);
        command.arg("-c").arg(&path).arg("-p").arg(dir.path());
        if !globals.is_empty() {
            command.arg("-g").arg(globals.join(" "));
        }
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .context("cannot start nginx (installed by scripts/setup.sh)")?;
        let error_log = dir.path().join("error.log");
        wait_for_port(port, "nginx", || match child.try_wait()? {
            Some(status) => {
                let log = std::fs::read_to_string(&error_log).unwrap_or_default();
                anyhow::bail!("nginx exited at start ({status}): {log}")
            }
            None => Ok(()),
        })
        .await?;
        Ok(Nginx { port, child, dir })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// nginx's error log so far, for failing tests to show.
    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}
