//! The Kubernetes manifests of `deploy/kubernetes/` parse, hold the fields
//! each platform needs (docs/contracts.md, Findings), refer to each other consistently, and
//! carry a `conncheck.json` that the page reads without a configuration
//! error. (The nginx snippet is run for real by the lab's scenarios.)

use std::collections::BTreeMap;

use anyhow::{bail, Context, Result};
use conncheck_core::config::{resolve, FileLoad};
use conncheck_lab::workspace_dir;
use serde::Deserialize;
use serde_yaml::Value;

fn documents(file: &str) -> Result<Vec<Value>> {
    let path = workspace_dir().join("deploy/kubernetes").join(file);
    let text = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
    let mut docs = Vec::new();
    for doc in serde_yaml::Deserializer::from_str(&text) {
        let value = Value::deserialize(doc).with_context(|| format!("{file} does not parse"))?;
        for field in ["apiVersion", "kind", "metadata"] {
            if value.get(field).is_none() {
                bail!("{file}: a document without {field}: {value:?}");
            }
        }
        docs.push(value);
    }
    Ok(docs)
}

fn kind<'a>(docs: &'a [Value], kind: &str, name: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

fn text<'a>(value: &'a Value, path: &[&str]) -> &'a str {
    path.iter()
        .fold(value, |v, key| &v[*key])
        .as_str()
        .unwrap_or_else(|| panic!("{} is not a string in {value:?}", path.join(".")))
}

/// Every `(path, service name)` an Ingress routes.
fn routes(ingress: &Value) -> BTreeMap<String, String> {
    let mut routes = BTreeMap::new();
    for rule in ingress["spec"]["rules"].as_sequence().expect("rules") {
        for path in rule["http"]["paths"].as_sequence().expect("paths") {
            assert_eq!(path["pathType"], "Prefix", "{path:?}");
            routes.insert(
                text(path, &["path"]).to_owned(),
                text(path, &["backend", "service", "name"]).to_owned(),
            );
        }
    }
    routes
}

#[test]
fn conncheck_deployment_service_and_config_fit_together() -> Result<()> {
    let docs = documents("conncheck.yaml")?;
    let deployment = kind(&docs, "Deployment", "conncheck");
    assert_eq!(deployment["apiVersion"], "apps/v1");
    let labels = &deployment["spec"]["template"]["metadata"]["labels"];
    assert_eq!(&deployment["spec"]["selector"]["matchLabels"], labels);
    let container = &deployment["spec"]["template"]["spec"]["containers"][0];
    assert!(!text(container, &["image"]).is_empty());
    assert_eq!(container["ports"][0]["containerPort"], 8080);
    assert_eq!(container["ports"][0]["name"], "http");
    assert_eq!(
        text(container, &["readinessProbe", "httpGet", "path"]),
        "/healthz"
    );
    let mount = container["volumeMounts"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "config")
        .expect("conncheck.json mounted");
    assert_eq!(
        mount["mountPath"], "/srv/conncheck/conncheck.json",
        "where the snippet's root serves it"
    );

    let service = kind(&docs, "Service", "conncheck");
    assert_eq!(&service["spec"]["selector"], labels);
    assert_eq!(service["spec"]["ports"][0]["targetPort"], "http");

    let config = kind(&docs, "ConfigMap", "conncheck-config");
    let json = text(config, &["data", "conncheck.json"]);
    let page = conncheck_core::weburl::Url::parse("https://chat.example.com/conncheck/")
        .expect("a literal URL");
    let resolved = resolve(&page, &FileLoad::Loaded(json.to_owned()), "");
    assert!(resolved.errors.is_empty(), "{:?}", resolved.errors);
    assert_eq!(
        resolved.socketio.map(|u| u.to_string()).as_deref(),
        Some("https://chat.example.com/socket.io/")
    );

    // The image serves what the manifests expect.
    let dockerfile = std::fs::read_to_string(workspace_dir().join("deploy/image/Dockerfile"))?;
    assert!(
        dockerfile.contains("COPY dist/ /srv/conncheck/"),
        "{dockerfile}"
    );
    let server = std::fs::read_to_string(workspace_dir().join("deploy/image/default.conf"))?;
    assert!(server.contains("listen 8080;") && server.contains("location = /healthz"));
    Ok(())
}

#[test]
fn ingress_nginx_has_websocket_and_affinity_annotations() -> Result<()> {
    let docs = documents("ingress-nginx.yaml")?;
    // One Ingress: the affinity cookie comes with the page load.
    let app = kind(&docs, "Ingress", "app");
    assert_eq!(app["spec"]["ingressClassName"], "nginx");
    let routes = routes(app);
    assert_eq!(
        routes.get("/conncheck").map(String::as_str),
        Some("conncheck")
    );
    assert_eq!(routes.get("/socket.io").map(String::as_str), Some("app"));
    let page = app["spec"]["rules"][0]["http"]["paths"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|p| p["path"] == "/conncheck")
        .unwrap();
    assert_eq!(page["backend"]["service"]["port"]["name"], "http");
    let annotation = |key: &str| {
        text(
            app,
            &[
                "metadata",
                "annotations",
                &format!("nginx.ingress.kubernetes.io/{key}"),
            ],
        )
        .to_owned()
    };
    assert_eq!(annotation("affinity"), "cookie");
    assert_eq!(annotation("affinity-mode"), "persistent");
    assert_eq!(annotation("session-cookie-name"), "INGRESSCOOKIE");
    assert_eq!(annotation("session-cookie-samesite"), "None");
    assert_eq!(
        annotation("session-cookie-secure"),
        "true",
        "SameSite=None needs Secure"
    );
    for timeout in ["proxy-read-timeout", "proxy-send-timeout"] {
        let seconds: u32 = annotation(timeout).parse()?;
        assert!(seconds >= 3600, "{timeout} {seconds}");
    }
    // The cookie the page looks for is the one the Ingress sets.
    let config = kind(
        &documents("conncheck.yaml")?,
        "ConfigMap",
        "conncheck-config",
    )
    .clone();
    assert!(text(&config, &["data", "conncheck.json"]).contains("\"cookie\": \"INGRESSCOOKIE\""));
    Ok(())
}

#[test]
fn gke_backend_configs_give_long_timeouts_affinity_and_health_checks() -> Result<()> {
    let docs = documents("gke.yaml")?;
    let app = kind(&docs, "BackendConfig", "app-socketio");
    assert_eq!(app["apiVersion"], "cloud.google.com/v1");
    assert!(
        app["spec"]["timeoutSec"].as_u64().unwrap() >= 3600,
        "30 s default cuts WebSockets"
    );
    assert_eq!(
        app["spec"]["sessionAffinity"]["affinityType"],
        "GENERATED_COOKIE"
    );

    let page = kind(&docs, "BackendConfig", "conncheck");
    assert_eq!(page["spec"]["healthCheck"]["requestPath"], "/healthz");
    assert_eq!(page["spec"]["healthCheck"]["port"], 8080);

    for (service, config) in [("app", "app-socketio"), ("conncheck", "conncheck")] {
        let service = kind(&docs, "Service", service);
        let reference: serde_json::Value = serde_json::from_str(text(
            service,
            &["metadata", "annotations", "cloud.google.com/backend-config"],
        ))?;
        assert_eq!(reference["default"], config);
    }
    let ingress = kind(&docs, "Ingress", "chat");
    assert_eq!(
        text(
            ingress,
            &["metadata", "annotations", "kubernetes.io/ingress.class"]
        ),
        "gce"
    );
    let routes = routes(ingress);
    assert_eq!(
        routes.get("/conncheck").map(String::as_str),
        Some("conncheck")
    );
    assert_eq!(routes.get("/socket.io").map(String::as_str), Some("app"));
    let certificate = text(
        ingress,
        &[
            "metadata",
            "annotations",
            "networking.gke.io/managed-certificates",
        ],
    );
    kind(&docs, "ManagedCertificate", certificate);
    Ok(())
}

#[test]
fn operator_docs_explain_every_finding() -> Result<()> {
    let docs = std::fs::read_to_string(workspace_dir().join("deploy/README.md"))?;
    for id in conncheck_core::catalog::FindingId::ALL {
        let id = serde_json::to_value(id)?;
        let row = format!("| `{}` |", id.as_str().unwrap());
        assert!(docs.contains(&row), "deploy/README.md has no row {row}");
    }
    Ok(())
}
