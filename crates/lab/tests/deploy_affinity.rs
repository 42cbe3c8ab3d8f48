//! ingress-nginx's `affinity-mode: persistent` with the page beside the
//! app. In that mode a cookie's value is the backend's salt (its name) and
//! one of its endpoints, hashed: a backend finds only values it set itself.
//! Sent a value of another backend, it picks an endpoint at random and sets
//! its own cookie (rootfs/etc/nginx/lua/balancer/sticky_persistent.lua and
//! util/nodemap.lua of ingress-nginx). With the page in the app's Ingress
//! (affinity on every path, cookie Path=/), opening the page re-pins the
//! cookie to a conncheck pod, and the app's next request reaches a random
//! app pod: "Session ID unknown". (The lab's own emulation,
//! crates/lab/nginx/affinity-cookie.conf, hashes any value to some pod,
//! like `balanced` mode, and cannot show this.)
//!
//! Here Debian's nginx emulates persistent mode for the Ingresses given,
//! read from manifests: per backend, a map of its own cookie values to its
//! pods (values `<backend>.<pod>`, opaque like the real hashes), any other
//! value picks a pod (round robin, for a deterministic test) and sets the
//! backend's cookie where its Ingress asks for affinity. The app's pods are
//! socketioxide servers (production defaults); the page's pods answer a
//! static body.

mod deploy_support;

use anyhow::{Context, Result};
use conncheck_lab::nginx::Nginx;
use conncheck_lab::{free_port, Lab, LabOptions};
use deploy_support::get;
use deploy_support::manifests::{build, object, parse_one, patched, text, APP_INGRESS};
use serde_yaml::Value;

const HOST: &str = "chat.example.com";

/// The layout shipped before: the page as a path of the app's Ingress,
/// which carries the affinity annotations.
const ONE_INGRESS: &str = "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app
  annotations:
    nginx.ingress.kubernetes.io/affinity: cookie
    nginx.ingress.kubernetes.io/affinity-mode: persistent
    nginx.ingress.kubernetes.io/session-cookie-name: INGRESSCOOKIE
    nginx.ingress.kubernetes.io/session-cookie-path: /
spec:
  rules:
    - host: chat.example.com
      http:
        paths:
          - {path: /conncheck, pathType: Prefix, backend: {service: {name: conncheck, port: {name: http}}}}
          - {path: /socket.io, pathType: Prefix, backend: {service: {name: app, port: {number: 3000}}}}
";

/// nginx's config for `ingresses` in front of the pods `ports` of each
/// backend: (http-level text, server-level text).
fn emulate(ingresses: &[Value], ports: &[(&str, Vec<u16>)]) -> (String, String) {
    let (mut http, mut server) = (String::new(), String::new());
    for (backend, pods) in ports {
        let servers: String = pods
            .iter()
            .map(|p| format!(" server 127.0.0.1:{p};"))
            .collect();
        http += &format!("upstream {backend}_any {{{servers} }}\n");
        for (i, p) in pods.iter().enumerate() {
            http += &format!("upstream {backend}_{i} {{ server 127.0.0.1:{p}; }}\n");
        }
    }
    for ingress in ingresses {
        let annotation = |key: &str| {
            ingress["metadata"]["annotations"][format!("nginx.ingress.kubernetes.io/{key}")]
                .as_str()
        };
        let sticky = annotation("affinity") == Some("cookie");
        if sticky {
            assert_eq!(annotation("affinity-mode"), Some("persistent"));
        }
        let cookie = annotation("session-cookie-name").unwrap_or("INGRESSCOOKIE");
        for rule in ingress["spec"]["rules"].as_sequence().expect("rules") {
            for path in rule["http"]["paths"].as_sequence().expect("paths") {
                let location = text(path, &["path"]);
                let backend = text(path, &["backend", "service", "name"]);
                let pods = &ports.iter().find(|(b, _)| *b == backend).expect("pods").1;
                if !sticky {
                    server +=
                        &format!("location {location} {{ proxy_pass http://{backend}_any; }}\n");
                    continue;
                }
                let cookie_path = annotation("session-cookie-path").unwrap_or(location);
                let var = format!(
                    "{backend}_{}",
                    location.trim_start_matches('/').replace(['/', '.'], "_")
                );
                let mut pick =
                    format!("map $cookie_{cookie} ${var}_pick {{\n default {backend}_any;\n");
                let mut set = format!(
                    "map \"$cookie_{cookie}|$upstream_addr\" ${var}_set {{\n default \"\";\n"
                );
                for (i, p) in pods.iter().enumerate() {
                    pick += &format!(" \"{backend}.{i}\" {backend}_{i};\n");
                    // A value of another backend (or none): set ours.
                    set += &format!(
                        " \"~^(?!{backend}\\.)[^|]*\\|127\\.0\\.0\\.1:{p}$\" \"{cookie}={backend}.{i}; Path={cookie_path}; HttpOnly\";\n"
                    );
                }
                http += &format!("{pick}}}\n{set}}}\n");
                server += &format!(
                    "location {location} {{ proxy_pass http://${var}_pick; add_header Set-Cookie ${var}_set always; }}\n"
                );
            }
        }
    }
    (http, server)
}

/// Handshake, open the page, then the session's next request: the status
/// of that request, the page's Set-Cookie and the app's second one.
async fn user_opens_the_page_mid_session(
    ingresses: &[Value],
) -> Result<(u16, Vec<String>, Vec<String>)> {
    let apps = [
        Lab::start(LabOptions::backend("/socket.io")).await?,
        Lab::start(LabOptions::backend("/socket.io")).await?,
    ];
    let page_ports = [free_port()?, free_port()?];
    let ports = [
        ("app", apps.iter().map(|a| a.addr.port()).collect()),
        ("conncheck", page_ports.to_vec()),
    ];
    let (mut http, server) = emulate(ingresses, &ports);
    for (i, p) in page_ports.iter().enumerate() {
        http += &format!(
            "server {{ listen 127.0.0.1:{p}; location / {{ return 200 \"page {i}\"; }} }}\n"
        );
    }
    let nginx = Nginx::start(&http, &server).await?;
    let cookie_of = |answer: &deploy_support::Answer| -> Vec<String> {
        answer
            .headers("set-cookie")
            .iter()
            .map(|c| c.to_string())
            .collect()
    };
    let mut jar = String::new();
    let send_jar = |jar: &str| {
        if jar.is_empty() {
            String::new()
        } else {
            format!("Cookie: {jar}\r\n")
        }
    };
    let keep = |jar: &mut String, set: &[String]| {
        if let Some(value) = set.last().and_then(|c| c.split(';').next()) {
            *jar = value.to_owned();
        }
    };

    let handshake = get(nginx.port, HOST, "/socket.io/?EIO=4&transport=polling", "")?;
    assert_eq!(
        handshake.status,
        200,
        "{handshake:?}\n{}",
        nginx.error_log()
    );
    keep(&mut jar, &cookie_of(&handshake));
    assert!(
        jar.starts_with("INGRESSCOOKIE=app."),
        "the app pins the session: {jar:?}"
    );
    let sid = handshake
        .body
        .split("\"sid\":\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .context("sid")?
        .to_owned();

    let page = get(nginx.port, HOST, "/conncheck/", &send_jar(&jar))?;
    assert_eq!(page.status, 200, "{page:?}");
    let page_cookies = cookie_of(&page);
    keep(&mut jar, &page_cookies);

    // The session's next request (CONNECT to the main namespace): only the
    // pod that holds the session knows its id.
    let next = deploy_support::post(
        nginx.port,
        HOST,
        &format!("/socket.io/?EIO=4&transport=polling&sid={sid}"),
        &send_jar(&jar),
        "40",
    )?;
    let app_cookies = cookie_of(&next);
    nginx.stop().await;
    Ok((next.status, page_cookies, app_cookies))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_in_the_apps_ingress_moves_the_session_to_another_pod() -> Result<()> {
    let (status, page_cookies, app_cookies) =
        user_opens_the_page_mid_session(&[parse_one(ONE_INGRESS)?]).await?;
    assert_eq!(
        page_cookies,
        ["INGRESSCOOKIE=conncheck.0; Path=/; HttpOnly"],
        "the page re-pins the cookie"
    );
    assert_eq!(status, 400, "Session ID unknown on the other app pod");
    assert_eq!(
        app_cookies,
        ["INGRESSCOOKIE=app.1; Path=/; HttpOnly"],
        "and the app re-pins it again"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_shipped_layout_leaves_the_apps_cookie_alone() -> Result<()> {
    let docs = build("ingress-nginx")?;
    let page = object(&docs, "Ingress", "conncheck").clone();
    let app = parse_one(&patched(
        APP_INGRESS,
        "ingress-nginx/app-ingress.patch.yaml",
        "merge",
    )?)?;
    let (status, page_cookies, app_cookies) = user_opens_the_page_mid_session(&[app, page]).await?;
    assert_eq!(
        page_cookies,
        Vec::<String>::new(),
        "the page sets no cookie"
    );
    assert_eq!(status, 200, "the session stays on its pod");
    assert_eq!(app_cookies, Vec::<String>::new());
    Ok(())
}
