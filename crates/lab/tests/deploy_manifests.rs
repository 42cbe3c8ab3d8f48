//! The Kubernetes overlays of deploy/kubernetes (built by kustomize) hold
//! the fields each platform needs (docs/contracts.md, Findings), refer to
//! each other consistently, never re-declare an object of the operator's
//! app, and carry a `conncheck.json` that the page reads without a
//! configuration error. (Schemas: deploy_validate.rs; Gateway API:
//! deploy_gateway.rs; the image's runtime: deploy_image.rs.)

mod deploy_support;

use anyhow::Result;
use conncheck_core::config::{resolve, FileLoad};
use conncheck_lab::workspace_dir;
use deploy_support::manifests::{build, configured_cookie, file, object, text};
use serde_yaml::Value;

const OVERLAYS: [&str; 5] = [
    "base",
    "ingress-nginx",
    "gke-ingress",
    "gateway-api/envoy-gateway",
    "gateway-api/istio",
];

/// Objects an overlay may create besides conncheck's own: new ones, under
/// names of their own, that the operator's app then uses.
const NEW_FOR_THE_APP: [(&str, &str); 7] = [
    ("BackendConfig", "app-socketio"),
    ("FrontendConfig", "conncheck-https-redirect"),
    ("Gateway", "chat"),
    ("HTTPRoute", "https-redirect"),
    ("HTTPRoute", "app-socketio"),
    ("DestinationRule", "app-socketio-affinity"),
    ("ClientTrafficPolicy", "chat-socketio-timeouts"),
];

#[test]
fn no_overlay_re_declares_an_object_of_the_app() -> Result<()> {
    for overlay in OVERLAYS {
        for doc in build(overlay)? {
            let kind = text(&doc, &["kind"]);
            let name = text(&doc, &["metadata", "name"]);
            assert!(
                name.starts_with("conncheck") || NEW_FOR_THE_APP.contains(&(kind, name)),
                "{overlay}: {kind} {name} may be an object of the app"
            );
        }
    }
    Ok(())
}

#[test]
fn the_deployment_runs_the_image_as_it_expects() -> Result<()> {
    let template =
        std::fs::read_to_string(workspace_dir().join("deploy/image/conncheck.conf.template"))?;
    let nginx = std::fs::read_to_string(workspace_dir().join("deploy/image/nginx.conf"))?;
    for overlay in OVERLAYS {
        let docs = build(overlay)?;
        let deployment = object(&docs, "Deployment", "conncheck");
        let labels = &deployment["spec"]["template"]["metadata"]["labels"];
        assert_eq!(&deployment["spec"]["selector"]["matchLabels"], labels);
        let pod = &deployment["spec"]["template"]["spec"];
        assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
        let container = &pod["containers"][0];
        assert_eq!(
            text(container, &["image"]),
            "registry.example.com/conncheck:0.1.0"
        );
        assert_eq!(container["ports"][0]["containerPort"], 8080);
        assert!(nginx.contains("listen 8080;"));
        for probe in ["readinessProbe", "livenessProbe"] {
            assert_eq!(text(container, &[probe, "httpGet", "path"]), "/healthz");
        }
        assert!(nginx.contains("location = /healthz {"));
        assert_eq!(container["securityContext"]["readOnlyRootFilesystem"], true);
        // One worker under the memory limit (worker_processes auto would
        // start one per CPU of the node).
        assert!(nginx.contains("worker_processes 1;"));
        assert_eq!(text(container, &["resources", "limits", "memory"]), "64Mi");

        let mounts = container["volumeMounts"].as_sequence().expect("mounts");
        let mount = |name: &str| {
            mounts
                .iter()
                .find(|m| m["name"] == name)
                .unwrap_or_else(|| panic!("{overlay}: no mount {name}"))
        };
        // The directory where the image reads conncheck.json, no subPath
        // (deploy_reload.rs shows why).
        assert_eq!(mount("config")["mountPath"], "/etc/conncheck");
        assert!(mount("config").get("subPath").is_none());
        assert!(template.contains("alias /etc/conncheck/conncheck.json;"));
        assert_eq!(
            mount("tmp")["mountPath"],
            "/tmp",
            "the image writes only there"
        );
        let volume = pod["volumes"]
            .as_sequence()
            .expect("volumes")
            .iter()
            .find(|v| v["name"] == "config")
            .expect("the config volume");
        assert_eq!(volume["configMap"]["name"], "conncheck-config");

        let service = object(&docs, "Service", "conncheck");
        assert_eq!(&service["spec"]["selector"], labels);
        assert_eq!(service["spec"]["ports"][0]["targetPort"], "http");

        let env = |name: &str| {
            container["env"]
                .as_sequence()
                .expect("env")
                .iter()
                .find(|e| e["name"] == name)
                .map(|e| text(e, &["value"]).to_owned())
                .unwrap_or_else(|| panic!("{overlay}: no {name}"))
        };
        assert_eq!(env("CONNCHECK_PATH"), "/conncheck", "the routes' prefix");
        assert_eq!(env("CONNCHECK_CONNECT_SRC"), "", "same origin");

        let config = object(&docs, "ConfigMap", "conncheck-config");
        let page = conncheck_core::weburl::Url::parse("https://chat.example.com/conncheck/")
            .expect("a literal URL");
        let json = text(config, &["data", "conncheck.json"]);
        let resolved = resolve(&page, &FileLoad::Loaded(json.to_owned()), "");
        assert!(
            resolved.errors.is_empty(),
            "{overlay}: {:?}",
            resolved.errors
        );
        assert_eq!(
            resolved.socketio.map(|u| u.to_string()).as_deref(),
            Some("https://chat.example.com/socket.io/")
        );
    }
    Ok(())
}

#[test]
fn the_image_builds_the_page_itself_and_runs_unprivileged() -> Result<()> {
    let dockerfile = std::fs::read_to_string(workspace_dir().join("deploy/image/Dockerfile"))?;
    let stages: Vec<&str> = dockerfile
        .lines()
        .filter(|l| l.starts_with("FROM "))
        .collect();
    assert_eq!(stages.len(), 2, "{stages:?}");
    assert!(stages[0].ends_with(" AS builder") && stages[0].contains("rust:1.95"));
    assert!(
        stages[1].contains("nginx-unprivileged:1.30-"),
        "stable branch: {}",
        stages[1]
    );
    assert!(dockerfile.contains("RUN cargo fetch"));
    assert!(dockerfile.contains("scripts/build.sh"));
    assert!(dockerfile.contains("COPY --from=builder /src/dist/ /srv/conncheck/"));
    assert!(dockerfile.contains("/docker-entrypoint.d/40-conncheck.sh"));
    let users: Vec<&str> = dockerfile
        .lines()
        .filter(|l| l.starts_with("USER "))
        .collect();
    assert_eq!(users, ["USER 101"]);
    Ok(())
}

/// Every path the overlay's Ingresses route, with its backend Service.
fn ingress_paths(ingress: &Value) -> Vec<(String, String)> {
    let mut paths = Vec::new();
    for rule in ingress["spec"]["rules"].as_sequence().expect("rules") {
        for path in rule["http"]["paths"].as_sequence().expect("paths") {
            assert_eq!(path["pathType"], "Prefix", "{path:?}");
            paths.push((
                text(path, &["path"]).to_owned(),
                text(path, &["backend", "service", "name"]).to_owned(),
            ));
        }
    }
    paths
}

#[test]
fn ingress_nginx_routes_the_page_without_affinity_and_the_app_with_it() -> Result<()> {
    let docs = build("ingress-nginx")?;
    let ingress = object(&docs, "Ingress", "conncheck");
    assert_eq!(ingress["spec"]["ingressClassName"], "nginx");
    assert_eq!(
        ingress_paths(ingress),
        [("/conncheck".to_owned(), "conncheck".to_owned())]
    );
    assert!(
        ingress["metadata"].get("annotations").is_none(),
        "no affinity (or any) annotation on the page's Ingress: {ingress:?}"
    );
    let patch = &file("ingress-nginx/app-ingress.patch.yaml")?[0];
    let annotation = |key: &str| {
        text(
            patch,
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
    assert_eq!(annotation("session-cookie-name"), configured_cookie(&docs)?);
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
    Ok(())
}

#[test]
fn gke_backend_configs_give_long_timeouts_affinity_and_health_checks() -> Result<()> {
    let docs = build("gke-ingress")?;
    let app = object(&docs, "BackendConfig", "app-socketio");
    assert_eq!(app["apiVersion"], "cloud.google.com/v1");
    assert!(
        app["spec"]["timeoutSec"].as_u64().unwrap() >= 3600,
        "30 s default cuts WebSockets"
    );
    assert_eq!(
        app["spec"]["sessionAffinity"]["affinityType"],
        "GENERATED_COOKIE"
    );
    assert_eq!(configured_cookie(&docs)?, "GCLB");

    let page = object(&docs, "BackendConfig", "conncheck");
    assert_eq!(page["spec"]["healthCheck"]["requestPath"], "/healthz");
    assert_eq!(page["spec"]["healthCheck"]["port"], 8080);
    assert!(
        page["spec"].get("sessionAffinity").is_none(),
        "the page sets no cookie"
    );
    let service = object(&docs, "Service", "conncheck");
    let reference: serde_json::Value = serde_json::from_str(text(
        service,
        &["metadata", "annotations", "cloud.google.com/backend-config"],
    ))?;
    assert_eq!(reference["default"], "conncheck");
    let app_service = &file("gke-ingress/app-service.patch.yaml")?[0];
    let reference: serde_json::Value = serde_json::from_str(text(
        app_service,
        &["metadata", "annotations", "cloud.google.com/backend-config"],
    ))?;
    assert_eq!(reference["default"], "app-socketio");
    let redirect = object(&docs, "FrontendConfig", "conncheck-https-redirect");
    assert_eq!(redirect["spec"]["redirectToHttps"]["enabled"], true);
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
