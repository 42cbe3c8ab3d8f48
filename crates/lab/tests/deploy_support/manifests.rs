//! The Kubernetes overlays of deploy/kubernetes as built by
//! `kubectl kustomize`, parsed, and looked up by kind and name.

use anyhow::{bail, Context, Result};
use conncheck_lab::workspace_dir;
use serde::Deserialize;
use serde_yaml::Value;

/// The overlay `dir` (under deploy/kubernetes) as kustomize builds it.
pub fn build(dir: &str) -> Result<Vec<Value>> {
    let path = workspace_dir().join("deploy/kubernetes").join(dir);
    let output = std::process::Command::new("kubectl")
        .arg("kustomize")
        .arg(&path)
        .output()
        .context("kubectl (this machine kind ships it; see scripts/setup.sh)")?;
    if !output.status.success() {
        bail!("{dir}: {}", String::from_utf8_lossy(&output.stderr));
    }
    parse(&String::from_utf8(output.stdout)?)
}

/// A file of deploy/kubernetes, parsed.
pub fn file(path: &str) -> Result<Vec<Value>> {
    let full = workspace_dir().join("deploy/kubernetes").join(path);
    parse(&std::fs::read_to_string(&full).with_context(|| full.display().to_string())?)
}

fn parse(text: &str) -> Result<Vec<Value>> {
    serde_yaml::Deserializer::from_str(text)
        .map(|doc| Ok(Value::deserialize(doc)?))
        .collect()
}

/// The one object of `kind` named `name`.
pub fn object<'a>(docs: &'a [Value], kind: &str, name: &str) -> &'a Value {
    let mut found = docs
        .iter()
        .filter(|d| d["kind"] == kind && d["metadata"]["name"] == name);
    let first = found.next().unwrap_or_else(|| panic!("no {kind} {name}"));
    assert!(found.next().is_none(), "two {kind} {name}");
    first
}

/// The string at `path` in `value`.
pub fn text<'a>(value: &'a Value, path: &[&str]) -> &'a str {
    path.iter()
        .fold(value, |v, key| &v[*key])
        .as_str()
        .unwrap_or_else(|| panic!("{} is not a string in {value:?}", path.join(".")))
}

/// `cookie` of the overlay's conncheck.json.
pub fn configured_cookie(docs: &[Value]) -> Result<String> {
    let config = object(docs, "ConfigMap", "conncheck-config");
    let json: serde_json::Value = serde_json::from_str(text(config, &["data", "conncheck.json"]))?;
    json["cookie"]
        .as_str()
        .map(str::to_owned)
        .context("conncheck.json names the affinity cookie")
}

/// A Gateway API duration (`1h`, `5m`, `45s`, `0s`, `1m30s`) in seconds.
pub fn seconds(duration: &str) -> u64 {
    let mut total = 0;
    let mut number = String::new();
    for c in duration.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u64 = number.parse().unwrap_or_else(|_| panic!("{duration:?}"));
        total += n * match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => panic!("unit {c:?} in {duration:?}"),
        };
        number.clear();
    }
    assert!(number.is_empty(), "a number without unit in {duration:?}");
    total
}

/// An example of the operator's own `object` with a shipped patch of
/// deploy/kubernetes applied, as `kubectl patch --local` applies it.
pub fn patched(object: &str, patch: &str, kind: &str) -> Result<String> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("app.yaml");
    std::fs::write(&file, object)?;
    let patch = workspace_dir().join("deploy/kubernetes").join(patch);
    let output = std::process::Command::new("kubectl")
        .args(["patch", "--local", "-o", "yaml", "--type", kind, "-f"])
        .arg(&file)
        .arg("--patch-file")
        .arg(&patch)
        .output()
        .context("kubectl")?;
    if !output.status.success() {
        bail!(
            "{}: {}",
            patch.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8(output.stdout)?)
}

/// The operator's app Ingress before our patches: Socket.IO to `app`.
pub const APP_INGRESS: &str = "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: chat
spec:
  ingressClassName: nginx
  rules:
    - host: chat.example.com
      http:
        paths:
          - path: /socket.io
            pathType: Prefix
            backend:
              service:
                name: app
                port:
                  number: 3000
";

pub fn parse_one(text: &str) -> Result<Value> {
    let mut docs = parse(text)?;
    if docs.len() != 1 {
        bail!("{} documents, expected one", docs.len());
    }
    Ok(docs.remove(0))
}
