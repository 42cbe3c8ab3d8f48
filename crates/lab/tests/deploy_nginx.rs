//! The operators' snippet (`deploy/nginx/conncheck.conf`) in Debian's
//! nginx, inside a server as operators write them: behind a TLS proxy the
//! bare prefix must not redirect to nginx's own `http://host:port`, and a
//! server-level regex location for static files must not take the page's
//! files away from the snippet (which would serve them without its CSP, or
//! 404 them).

mod deploy_support;

use anyhow::Result;
use conncheck_lab::nginx::Nginx;
use conncheck_lab::workspace_dir;
use deploy_support::{get, replace_once, write_page, PAGE_FILES};

/// The snippet with `root /srv;` pointed at a site holding the page.
fn snippet(site: &std::path::Path) -> Result<String> {
    let text = std::fs::read_to_string(workspace_dir().join("deploy/nginx/conncheck.conf"))?;
    write_page(&site.join("conncheck"))?;
    let root = format!("root {};", site.display());
    let text = replace_once(&text, "root /srv;", &root);
    // No operator headers here (hostile_deploy.rs covers them).
    Ok(replace_once(
        &text,
        "include /etc/nginx/conncheck-headers.d/*.conf;",
        "",
    ))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_bare_prefix_redirects_without_leaving_the_users_scheme() -> Result<()> {
    let site = tempfile::tempdir()?;
    let nginx = Nginx::start("", &snippet(site.path())?).await?;
    let answer = get(nginx.port, "chat.example.com", "/conncheck", "")?;
    assert_eq!(answer.status, 301, "{answer:?}");
    // Relative: the browser keeps https and the public host. An absolute
    // one would be http://chat.example.com:<nginx's port>/conncheck/.
    assert_eq!(answer.header("location"), Some("/conncheck/"), "{answer:?}");
    let page = get(nginx.port, "chat.example.com", "/conncheck/", "")?;
    assert_eq!(page.status, 200, "{page:?}");
    nginx.stop().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operators_regex_location_does_not_take_over_the_page() -> Result<()> {
    let site = tempfile::tempdir()?;
    let assets = tempfile::tempdir()?;
    // A usual block of an app's server: its own static files by extension,
    // from its own root, cached a week.
    let operator = format!(
        "location ~* \\.(css|js|json|wasm|html)$ {{\n    root {};\n    expires 7d;\n}}\n",
        assets.path().display()
    );
    let server = operator + &snippet(site.path())?;
    let nginx = Nginx::start("", &server).await?;

    let expected = [
        ("/conncheck/", "index.html", "text/html", "no-cache"),
        (
            "/conncheck/index.html",
            "index.html",
            "text/html",
            "no-cache",
        ),
        (
            "/conncheck/conncheck.json",
            "conncheck.json",
            "application/json",
            "no-cache",
        ),
        (
            "/conncheck/conncheck-0123abcd.js",
            "conncheck-0123abcd.js",
            "application/javascript",
            "max-age=315360000",
        ),
        (
            "/conncheck/conncheck-0123abcd_bg.wasm",
            "conncheck-0123abcd_bg.wasm",
            "application/wasm",
            "max-age=315360000",
        ),
    ];
    for (path, file, content_type, cache) in expected {
        let answer = get(nginx.port, "chat.example.com", path, "")?;
        let body = PAGE_FILES.iter().find(|(name, _)| *name == file).unwrap().1;
        assert_eq!(answer.status, 200, "{path}: {answer:?}");
        assert_eq!(answer.body, body, "{path}");
        assert_eq!(answer.header("content-type"), Some(content_type), "{path}");
        assert_eq!(answer.header("cache-control"), Some(cache), "{path}");
        assert_eq!(
            answer.csp_sources("connect-src"),
            Some(vec!["'self'".to_owned()]),
            "{path}: the snippet's CSP: {answer:?}"
        );
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
    }
    // The operator's own location still serves everything else.
    std::fs::write(assets.path().join("app.js"), "app")?;
    let app = get(nginx.port, "chat.example.com", "/app.js", "")?;
    assert_eq!((app.status, app.body.as_str()), (200, "app"), "{app:?}");
    assert_eq!(app.header("content-security-policy"), None);
    nginx.stop().await;
    Ok(())
}
