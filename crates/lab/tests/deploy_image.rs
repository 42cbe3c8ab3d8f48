//! The container image's runtime files (deploy/image/: nginx.conf, the page
//! locations' template and the start script that renders it), run by
//! Debian's nginx: no container runtime runs on the test machines, so the
//! image's build itself is not exercised here. The script renders the
//! template exactly as the image's entrypoint runs it; the paths the image
//! uses (/tmp, /srv/conncheck, /etc/conncheck) are moved into a temporary
//! directory, and nothing else is changed.

mod deploy_support;

use anyhow::{Context, Result};
use conncheck_lab::workspace_dir;
use deploy_support::image::{image_file, render, Container};
use deploy_support::{get, replace_once};

/// The template is the operators' snippet, changed only where the image
/// takes its settings: what the lab's scenarios run is what the image runs.
#[test]
fn the_template_is_the_snippet_with_the_deploy_time_settings() -> Result<()> {
    let snippet = std::fs::read_to_string(workspace_dir().join("deploy/nginx/conncheck.conf"))?;
    let template = image_file("conncheck.conf.template")?;
    let json_location = "    # conncheck.json from the mounted config directory (the ConfigMap,\n    # mounted as a directory: kubelet's updates reach the running pod, and\n    # the file is revalidated on every load).\n    location = ${CONNCHECK_PATH}/conncheck.json {\n        alias /etc/conncheck/conncheck.json;\n    }\n\n    # Hashed file names change";
    let mut expected = snippet;
    for (from, to) in [
        ("location = /conncheck {", "location = ${CONNCHECK_PATH} {"),
        ("return 301 /conncheck/;", "return 301 ${CONNCHECK_PATH}/;"),
        (
            "location ^~ /conncheck/ {",
            "location ^~ ${CONNCHECK_PATH}/ {",
        ),
        ("root /srv;", "alias /srv/conncheck/;"),
        (
            "connect-src 'self'",
            "connect-src ${CONNCHECK_CONNECT_SOURCES}",
        ),
        ("    # Hashed file names change", json_location),
    ] {
        expected = replace_once(&expected, from, to);
    }
    let body = template
        .split_once("\n\n")
        .map(|(_header, body)| body)
        .context("the template's header comment")?;
    assert_eq!(body, expected);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn defaults_serve_the_page_at_conncheck_with_connect_src_self() -> Result<()> {
    let container = Container::new()?;
    std::fs::create_dir_all(container.path("/etc/conncheck"))?;
    std::fs::write(
        container.path("/etc/conncheck/conncheck.json"),
        "{\"lifetime\": 0}",
    )?;
    let nginx = container.start(&[]).await?;
    let bare = get(nginx.port, "chat.example.com", "/conncheck", "")?;
    assert_eq!(
        (bare.status, bare.header("location")),
        (301, Some("/conncheck/"))
    );
    let page = get(nginx.port, "chat.example.com", "/conncheck/", "")?;
    assert_eq!(page.status, 200, "{page:?}");
    assert_eq!(
        page.csp_sources("connect-src"),
        Some(vec!["'self'".to_owned()])
    );
    let config = get(
        nginx.port,
        "chat.example.com",
        "/conncheck/conncheck.json",
        "",
    )?;
    assert_eq!(
        (config.status, config.body.as_str()),
        (200, "{\"lifetime\": 0}")
    );
    assert_eq!(config.header("cache-control"), Some("no-cache"));
    let health = get(nginx.port, "10.0.0.1", "/healthz", "")?;
    assert_eq!((health.status, health.body.as_str()), (200, "ok\n"));
    let other = get(nginx.port, "chat.example.com", "/", "")?;
    assert_eq!(other.status, 404, "nothing but the page: {other:?}");
    nginx.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn prefix_and_connect_src_are_set_at_deploy_time() -> Result<()> {
    let container = Container::new()?;
    std::fs::create_dir_all(container.path("/etc/conncheck"))?;
    std::fs::write(container.path("/etc/conncheck/conncheck.json"), "{}")?;
    let env = [
        ("CONNCHECK_PATH", "/support/check"),
        (
            "CONNCHECK_CONNECT_SRC",
            "https://rtc.example.com  wss://rtc.example.com:8443",
        ),
    ];
    let nginx = container.start(&env).await?;
    let bare = get(nginx.port, "chat.example.com", "/support/check", "")?;
    assert_eq!(
        (bare.status, bare.header("location")),
        (301, Some("/support/check/"))
    );
    for path in [
        "/support/check/",
        "/support/check/conncheck-0123abcd.js",
        "/support/check/conncheck.json",
    ] {
        let answer = get(nginx.port, "chat.example.com", path, "")?;
        assert_eq!(answer.status, 200, "{path}: {answer:?}");
        assert_eq!(
            answer.csp_sources("connect-src"),
            Some(vec![
                "'self'".to_owned(),
                "https://rtc.example.com".to_owned(),
                "wss://rtc.example.com:8443".to_owned()
            ]),
            "{path}"
        );
    }
    let old = get(nginx.port, "chat.example.com", "/conncheck/", "")?;
    assert_eq!(old.status, 404, "{old:?}");
    nginx.stop().await;
    Ok(())
}

/// A value that would end a directive or a quoted string in nginx's config
/// (or open the CSP) stops the start with a message, and renders nothing.
#[test]
fn unsafe_settings_stop_the_start() -> Result<()> {
    let refused = [
        ("CONNCHECK_PATH", "/a;b"),
        ("CONNCHECK_PATH", "/a b"),
        ("CONNCHECK_PATH", "/a\"b"),
        ("CONNCHECK_PATH", "/a{b}"),
        ("CONNCHECK_PATH", "conncheck"),
        ("CONNCHECK_PATH", "/"),
        ("CONNCHECK_PATH", "/conncheck/"),
        ("CONNCHECK_PATH", "/a/../b"),
        ("CONNCHECK_PATH", "/a\nb"),
        ("CONNCHECK_CONNECT_SRC", "https://a.example 'unsafe-inline'"),
        ("CONNCHECK_CONNECT_SRC", "https://a.example; script-src *"),
        ("CONNCHECK_CONNECT_SRC", "https://a.example\" always; x"),
    ];
    for (name, value) in refused {
        let out = tempfile::tempdir()?;
        let output = render(&[(name, value)], out.path())?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{name}={value:?} was accepted");
        assert!(
            stderr.starts_with(&format!("40-conncheck.sh: {name}")),
            "{stderr}"
        );
        assert!(
            !out.path().join("conncheck.conf").exists(),
            "{name}={value:?}"
        );
    }
    Ok(())
}
