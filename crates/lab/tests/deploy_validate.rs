//! Every overlay of deploy/kubernetes builds (`kubectl kustomize`), and its
//! core Kubernetes objects pass `kubernetes-validate --strict` (PyPI, pinned
//! in scripts/setup.sh) against the oldest and the newest Kubernetes
//! versions it knows that we support. It has no schemas for custom
//! resources: those are only the kinds listed in [`CUSTOM`], checked field
//! by field in deploy_manifests.rs. The patches for the operator's own
//! objects apply to an example app and the result validates too.

mod deploy_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{bail, Context, Result};
use conncheck_lab::workspace_dir;
use deploy_support::manifests::{patched, APP_INGRESS};
use serde::Deserialize;
use serde_yaml::Value;

pub const OVERLAYS: [&str; 5] = [
    "base",
    "ingress-nginx",
    "gke-ingress",
    "gateway-api/envoy-gateway",
    "gateway-api/istio",
];
const VERSIONS: [&str; 3] = ["1.29.0", "1.33.0", "1.37.0"];
/// (apiVersion, kind) of the custom resources the overlays hold.
const CUSTOM: [(&str, &str); 6] = [
    ("gateway.networking.k8s.io/v1", "Gateway"),
    ("gateway.networking.k8s.io/v1", "HTTPRoute"),
    ("gateway.envoyproxy.io/v1alpha1", "ClientTrafficPolicy"),
    ("networking.istio.io/v1", "DestinationRule"),
    ("cloud.google.com/v1", "BackendConfig"),
    ("networking.gke.io/v1beta1", "FrontendConfig"),
];

fn run(command: &mut Command) -> Result<Output> {
    let output = command
        .output()
        .with_context(|| format!("{command:?} (installed by scripts/setup.sh)"))?;
    Ok(output)
}

fn kustomize(overlay: &str) -> Result<String> {
    let dir = workspace_dir().join("deploy/kubernetes").join(overlay);
    let output = run(Command::new("kubectl").arg("kustomize").arg(&dir))?;
    if !output.status.success() {
        bail!("{overlay}: {}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(String::from_utf8(output.stdout)?)
}

fn validator() -> PathBuf {
    workspace_dir().join("tools/venv/bin/kubernetes-validate")
}

/// kubernetes-validate's answer: (success, stdout + stderr).
fn validate(file: &Path, version: &str) -> Result<(bool, String)> {
    let output = run(Command::new(validator())
        .args(["--strict", "--kubernetes-version", version])
        .arg(file))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok((output.status.success(), text))
}

/// (apiVersion, kind, name) of every document.
fn objects(yaml: &str) -> Result<Vec<(String, String, String)>> {
    let mut found = Vec::new();
    for doc in serde_yaml::Deserializer::from_str(yaml) {
        let doc = Value::deserialize(doc)?;
        let field = |v: &Value| v.as_str().map(str::to_owned).context("a string");
        found.push((
            field(&doc["apiVersion"])?,
            field(&doc["kind"])?,
            field(&doc["metadata"]["name"])?,
        ));
    }
    Ok(found)
}

/// Validates `yaml` for every version: each core object passes, and only
/// the listed custom kinds have no schema.
fn check(what: &str, yaml: &str) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("manifest.yaml");
    std::fs::write(&file, yaml)?;
    let objects = objects(yaml)?;
    assert!(!objects.is_empty(), "{what}: no objects");
    for version in VERSIONS {
        let (ok, text) = validate(&file, version)?;
        assert!(ok, "{what} against {version}:\n{text}");
        let short = version.trim_end_matches(".0");
        for (api, kind, name) in &objects {
            if CUSTOM.contains(&(api.as_str(), kind.as_str())) {
                let line = format!("Couldn't find schema for kind {kind} with api version {api}");
                assert!(text.contains(&line), "{what}: {kind} {name}:\n{text}");
            } else {
                let line = format!(
                    "passed for resource {}/{name} against version {short}",
                    kind.to_ascii_lowercase()
                );
                assert!(
                    text.contains(&line),
                    "{what}: {kind} {name} against {version}:\n{text}"
                );
            }
        }
        assert!(!text.contains("ERROR"), "{what}:\n{text}");
    }
    Ok(())
}

#[test]
fn every_overlay_builds_and_its_core_objects_validate_strictly() -> Result<()> {
    for overlay in OVERLAYS {
        let yaml = kustomize(overlay)?;
        let objects = objects(&yaml)?;
        for kind in ["ConfigMap", "Deployment", "Service"] {
            assert!(
                objects.iter().any(|(_, k, _)| k == kind),
                "{overlay}: no {kind}"
            );
        }
        check(overlay, &yaml)?;
    }
    Ok(())
}

/// The check fails on what an API server refuses: an unknown field
/// (`--strict`) and a field of the wrong type.
#[test]
fn the_validator_refuses_a_broken_manifest() -> Result<()> {
    let base = kustomize("base")?;
    for (from, to) in [
        ("  replicas: 2\n", "  replica: 2\n"),
        ("port: 80\n", "port: eighty\n"),
    ] {
        assert_eq!(base.matches(from).count(), 1, "{from:?}");
        let broken = base.replacen(from, to, 1);
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("broken.yaml");
        std::fs::write(&file, &broken)?;
        let (ok, text) = validate(&file, "1.37.0")?;
        assert!(!ok, "{to:?} passed:\n{text}");
    }
    Ok(())
}

const APP_SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: app
spec:
  selector:
    app: app
  ports:
    - port: 3000
";

#[test]
fn the_patches_for_the_apps_own_objects_apply_and_validate() -> Result<()> {
    let cases = [
        (
            APP_INGRESS,
            "ingress-nginx/app-ingress.patch.yaml",
            "merge",
            "affinity-mode: persistent",
        ),
        (
            APP_INGRESS,
            "gke-ingress/app-ingress.patch.json",
            "json",
            "path: /conncheck",
        ),
        (
            APP_INGRESS,
            "gke-ingress/app-ingress-redirect.patch.yaml",
            "merge",
            "FrontendConfig: conncheck-https-redirect",
        ),
        (
            APP_SERVICE,
            "gke-ingress/app-service.patch.yaml",
            "merge",
            "{\"default\": \"app-socketio\"}",
        ),
    ];
    for (object, patch, kind, expected) in cases {
        let result = patched(object, patch, kind)?;
        assert!(result.contains(expected), "{patch}:\n{result}");
        check(patch, &result)?;
    }
    Ok(())
}
