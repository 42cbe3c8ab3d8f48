//! An edit of the ConfigMap reaches the running pod: the Deployment of
//! deploy/kubernetes/base mounts `conncheck-config` where the image reads
//! conncheck.json, and the image's nginx (Debian's here, with the image's
//! config: deploy_support/image.rs) serves the new file without a restart
//! and without a cached copy.
//!
//! kubelet's ConfigMap volume is reproduced as kubelet writes it: the
//! files live in a timestamped directory, `..data` links to it, and each
//! key is a link through `..data`; an update writes a new directory and
//! swaps `..data` atomically. A `subPath` mount, by contrast, binds the one
//! file resolved when the pod starts, which later updates never touch
//! (Kubernetes' documented limitation): the test mounts that way when the
//! manifest says so, and then fails.

mod deploy_support;

use std::os::unix::fs::symlink;
use std::path::Path;

use anyhow::{bail, Context, Result};
use conncheck_lab::workspace_dir;
use deploy_support::get;
use deploy_support::image::Container;
use serde::Deserialize;
use serde_yaml::Value;

/// A ConfigMap volume's directory after kubelet wrote `json` as `key`
/// (generation `n`); the previous generation is removed, as kubelet does.
fn write_volume(volume: &Path, key: &str, json: &str, n: u32) -> Result<()> {
    let generation = format!("..2026_12_06_00_00_0{n}.000000000");
    std::fs::create_dir_all(volume.join(&generation))?;
    std::fs::write(volume.join(&generation).join(key), json)?;
    let staged = volume.join("..data_tmp");
    symlink(&generation, &staged)?;
    std::fs::rename(&staged, volume.join("..data"))?;
    if !volume.join(key).exists() {
        symlink(format!("..data/{key}"), volume.join(key))?;
    }
    if n > 1 {
        std::fs::remove_dir_all(volume.join(format!("..2026_12_06_00_00_0{}.000000000", n - 1)))?;
    }
    Ok(())
}

/// The config volume's mount in the base Deployment (mountPath, subPath)
/// and the ConfigMap's conncheck.json.
fn config_mount() -> Result<(String, Option<String>, String)> {
    let path = workspace_dir().join("deploy/kubernetes/base/conncheck.yaml");
    let text = std::fs::read_to_string(&path)?;
    let docs: Vec<Value> = serde_yaml::Deserializer::from_str(&text)
        .map(Value::deserialize)
        .collect::<Result<_, _>>()?;
    let config = docs
        .iter()
        .find(|d| d["kind"] == "ConfigMap")
        .context("the ConfigMap")?;
    let deployment = docs
        .iter()
        .find(|d| d["kind"] == "Deployment")
        .context("the Deployment")?;
    let pod = &deployment["spec"]["template"]["spec"];
    let volume = pod["volumes"]
        .as_sequence()
        .context("volumes")?
        .iter()
        .find(|v| v["configMap"]["name"] == config["metadata"]["name"])
        .context("a volume of the ConfigMap")?;
    let mounts = pod["containers"][0]["volumeMounts"]
        .as_sequence()
        .context("volumeMounts")?;
    let mut of_config = mounts.iter().filter(|m| m["name"] == volume["name"]);
    let (Some(mount), None) = (of_config.next(), of_config.next()) else {
        bail!("the config volume must be mounted exactly once");
    };
    let json = config["data"]["conncheck.json"]
        .as_str()
        .context("data conncheck.json")?;
    Ok((
        mount["mountPath"].as_str().context("mountPath")?.to_owned(),
        mount["subPath"].as_str().map(str::to_owned),
        json.to_owned(),
    ))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_configmap_edit_reaches_the_running_page() -> Result<()> {
    let (mount_path, sub_path, json) = config_mount()?;
    let container = Container::new()?;
    // kubelet's copy of the volume, outside the container's file system.
    let volume = tempfile::tempdir()?;
    write_volume(volume.path(), "conncheck.json", &json, 1)?;
    let target = container.path(&mount_path);
    std::fs::create_dir_all(target.parent().context("a mount below /")?)?;
    match &sub_path {
        // A bind of the file as resolved now.
        Some(key) => std::fs::copy(volume.path().join(key), &target).map(drop)?,
        None => symlink(volume.path(), &target)?,
    }
    let nginx = container.start(&[]).await?;
    let url = "/conncheck/conncheck.json";
    let before = get(nginx.port, "chat.example.com", url, "")?;
    assert_eq!(
        (before.status, before.body.as_str()),
        (200, json.as_str()),
        "{before:?}"
    );

    let edited = json.replace("\"lifetime\": 0", "\"lifetime\": 120");
    assert_ne!(edited, json, "the edit changes the file");
    write_volume(volume.path(), "conncheck.json", &edited, 2)?;
    let after = get(nginx.port, "chat.example.com", url, "")?;
    assert_eq!(
        (after.status, after.body.as_str()),
        (200, edited.as_str()),
        "mount {mount_path} subPath {sub_path:?}: the running page still serves the old file"
    );
    // Browsers revalidate it on every load.
    assert_eq!(after.header("cache-control"), Some("no-cache"));
    nginx.stop().await;
    Ok(())
}
