//! The deploy snippet as an operator includes it, in Debian's nginx: the
//! operator's server-level headers (HSTS here) still reach the page through
//! the snippet's headers include, though the page's location has its own
//! `add_header` lines; and its CSP enforces Trusted Types. (That the page
//! raises no violation under this CSP is hardening.rs's watcher, which runs
//! every check under it.)

use std::io::{Read, Write};

use anyhow::{Context, Result};
use conncheck_lab::nginx::Nginx;
use conncheck_lab::{default_dist, workspace_dir};

const HSTS: &str = "max-age=63072000; includeSubDomains";

fn headers(port: u16, path: &str) -> Result<String> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(5)))?;
    write!(
        stream,
        "HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer.to_ascii_lowercase())
}

#[tokio::test(flavor = "multi_thread")]
async fn operator_server_headers_survive_and_trusted_types_are_enforced() -> Result<()> {
    let snippet = std::fs::read_to_string(workspace_dir().join("deploy/nginx/conncheck.conf"))?;
    let site = tempfile::tempdir()?;
    std::os::unix::fs::symlink(
        default_dist()
            .canonicalize()
            .context("build the page first")?,
        site.path().join("conncheck"),
    )?;
    let include_dir = site.path().join("headers.d");
    std::fs::create_dir(&include_dir)?;
    let server_headers = format!("add_header Strict-Transport-Security \"{HSTS}\" always;\n");
    // The operator's own file, included at server level and by the snippet.
    std::fs::write(include_dir.join("security.conf"), &server_headers)?;
    let site_text = site.path().display().to_string();
    let include = "include /etc/nginx/conncheck-headers.d/*.conf;";
    assert_eq!(snippet.matches(include).count(), 1, "the snippet's include");
    assert_eq!(snippet.matches("root /srv;").count(), 1);
    let page = snippet
        .replace("root /srv;", &format!("root {site_text};"))
        .replace(include, &format!("include {site_text}/headers.d/*.conf;"));
    let server = format!("include {site_text}/headers.d/*.conf;\n{page}");
    let nginx = Nginx::start("", &server).await?;

    for path in ["/conncheck/", "/conncheck/conncheck.json"] {
        let answer = headers(nginx.port, path)?;
        assert!(answer.starts_with("http/1.1 200"), "{path}: {answer}");
        assert!(
            answer.contains(&format!(
                "strict-transport-security: {}",
                HSTS.to_ascii_lowercase()
            )),
            "{path}: the operator's HSTS is kept: {answer}"
        );
        assert!(
            answer.contains("require-trusted-types-for 'script'")
                && answer.contains("trusted-types 'none'"),
            "{path}: {answer}"
        );
    }

    // Without any file in the include directory nginx still starts.
    std::fs::remove_file(include_dir.join("security.conf"))?;
    let bare = Nginx::start("", &page).await?;
    let answer = headers(bare.port, "/conncheck/")?;
    assert!(answer.starts_with("http/1.1 200"), "{answer}");
    assert!(!answer.contains("strict-transport-security"));
    nginx.stop().await;
    bare.stop().await;
    Ok(())
}
