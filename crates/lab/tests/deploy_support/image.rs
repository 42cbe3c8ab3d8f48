//! The container image's file system as Debian's nginx sees it: the
//! image's start script renders the page's locations exactly as the
//! image's entrypoint runs it; the paths the image uses (/tmp,
//! /srv/conncheck, /etc/conncheck) are moved into a temporary directory,
//! and nothing else in its nginx.conf is changed.

use std::path::{Path, PathBuf};
use std::process::Output;

use anyhow::{Context, Result};
use conncheck_lab::nginx::Nginx;
use conncheck_lab::{free_port, workspace_dir};

use super::{replace_once, write_page};

pub const IMAGE: &str = "deploy/image";

pub fn image_file(name: &str) -> Result<String> {
    let path = workspace_dir().join(IMAGE).join(name);
    std::fs::read_to_string(&path).with_context(|| path.display().to_string())
}

/// Runs the image's start script with only `env` set (and PATH).
pub fn render(env: &[(&str, &str)], out_dir: &Path) -> Result<Output> {
    let mut command = std::process::Command::new("sh");
    command
        .arg(workspace_dir().join(IMAGE).join("40-conncheck.sh"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(
            "CONNCHECK_TEMPLATE",
            workspace_dir().join(IMAGE).join("conncheck.conf.template"),
        )
        .env("CONNCHECK_RENDER_DIR", out_dir);
    for (name, value) in env {
        command.env(name, value);
    }
    Ok(command.output()?)
}

/// The image's file system, moved under one temporary directory.
pub struct Container {
    root: tempfile::TempDir,
}

impl Container {
    pub fn new() -> Result<Container> {
        let container = Container {
            root: tempfile::tempdir()?,
        };
        write_page(&container.path("/srv/conncheck"))?;
        std::fs::create_dir_all(container.path("/tmp"))?;
        Ok(container)
    }

    /// The image with the built page `dist` (not a stand-in) in it.
    pub fn with_dist(dist: &Path) -> Result<Container> {
        let container = Container {
            root: tempfile::tempdir()?,
        };
        let srv = container.path("/srv");
        std::fs::create_dir_all(&srv)?;
        std::os::unix::fs::symlink(dist.canonicalize()?, srv.join("conncheck"))?;
        std::fs::create_dir_all(container.path("/tmp"))?;
        Ok(container)
    }

    /// Where the image's absolute `path` is here.
    pub fn path(&self, path: &str) -> PathBuf {
        self.root.path().join(path.trim_start_matches('/'))
    }

    /// Renders with `env` and starts nginx as the image's command does.
    pub async fn start(self, env: &[(&str, &str)]) -> Result<Nginx> {
        self.start_on(free_port()?, env).await
    }

    /// [`Container::start`] on a port chosen beforehand.
    pub async fn start_on(self, port: u16, env: &[(&str, &str)]) -> Result<Nginx> {
        let output = render(env, &self.path("/tmp/conncheck"))?;
        assert!(output.status.success(), "{output:?}");
        let rendered_path = self.path("/tmp/conncheck/conncheck.conf");
        let rendered = std::fs::read_to_string(&rendered_path)?;
        let here = |p: &str| self.path(p).display().to_string();
        let rendered = replace_once(
            &rendered,
            "alias /srv/conncheck/;",
            &format!("alias {}/;", here("/srv/conncheck")),
        );
        let rendered = replace_once(
            &rendered,
            "alias /etc/conncheck/conncheck.json;",
            &format!("alias {};", here("/etc/conncheck/conncheck.json")),
        );
        let rendered = replace_once(
            &rendered,
            "include /etc/nginx/conncheck-headers.d/*.conf;",
            &format!("include {}/*.conf;", here("/etc/nginx/conncheck-headers.d")),
        );
        std::fs::write(&rendered_path, rendered)?;

        let config = image_file("nginx.conf")?;
        assert!(config.matches("/tmp/").count() >= 6, "{config}");
        let config = config.replace("/tmp/", &format!("{}/", here("/tmp")));
        let config = replace_once(
            &config,
            "listen 8080;",
            &format!("listen 127.0.0.1:{port};"),
        );
        let config = replace_once(
            &config,
            "error_log /dev/stderr warn;",
            "error_log error.log warn;",
        );
        let Container { root } = self;
        // The image's CMD is `nginx -g "daemon off;"`; one process here.
        let nginx =
            Nginx::start_config(port, root, &config, &["daemon off;", "master_process off;"])
                .await?;
        Ok(nginx)
    }
}
