//! The repository explains itself: `docs/contracts.md` names every check and
//! finding id in its tables, and every relative link of `README.md` and
//! `docs/*.md` resolves to a file or folder of the repository.

use std::path::{Path, PathBuf};

use crate::catalog::{CheckId, FindingId};

const CONTRACTS: &str = include_str!("../../../docs/contracts.md");

/// Every check id.
const CHECKS: [CheckId; 10] = [
    CheckId::SecureContext,
    CheckId::Websocket,
    CheckId::SocketioHandshake,
    CheckId::SocketioUpgrade,
    CheckId::AffinityCookie,
    CheckId::StickySession,
    CheckId::ConnectionLifetime,
    CheckId::Media,
    CheckId::Webrtc,
    CheckId::CrossPod,
];

/// Its place in [`CHECKS`]; a new variant fails to compile here until it
/// is listed there too.
fn check_index(id: CheckId) -> usize {
    match id {
        CheckId::SecureContext => 0,
        CheckId::Websocket => 1,
        CheckId::SocketioHandshake => 2,
        CheckId::SocketioUpgrade => 3,
        CheckId::AffinityCookie => 4,
        CheckId::StickySession => 5,
        CheckId::ConnectionLifetime => 6,
        CheckId::Media => 7,
        CheckId::Webrtc => 8,
        CheckId::CrossPod => 9,
    }
}

/// A table row of `docs/contracts.md` that starts with `` `id` ``.
fn has_row(id: &str) -> bool {
    let row = format!("| `{id}` |");
    CONTRACTS.lines().any(|line| line.starts_with(&row))
}

#[test]
fn contracts_name_every_check_id_in_the_checks_table() {
    for (i, id) in CHECKS.iter().enumerate() {
        assert_eq!(check_index(*id), i, "{id:?}");
        assert!(
            has_row(id.as_str()),
            "docs/contracts.md, Checks: no row for `{}`",
            id.as_str()
        );
    }
}

#[test]
fn contracts_name_every_finding_id_with_who_fixes_it() {
    for id in FindingId::ALL {
        let name = serde_json::to_value(id).unwrap();
        let name = name.as_str().unwrap();
        let row = format!("| `{name}` |");
        let line = CONTRACTS.lines().find(|l| l.starts_with(&row));
        let Some(line) = line else {
            panic!("docs/contracts.md, Findings: no row for `{name}`")
        };
        assert!(
            ["user", "network", "operator"]
                .iter()
                .any(|who| line.contains(&format!("| {who}"))),
            "docs/contracts.md says who fixes `{name}`: {line}"
        );
    }
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// The targets of `[text](target)` links in a Markdown text.
fn link_targets(markdown: &str) -> Vec<&str> {
    markdown
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .collect()
}

#[test]
fn readme_and_docs_link_only_to_files_of_the_repository() {
    let root = repository();
    let mut files = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    let mut checked = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(
            !text.contains("../shared"),
            "{} refers to a folder outside the repository",
            file.display()
        );
        for target in link_targets(&text) {
            if target.starts_with("http://") || target.starts_with("https://") {
                assert!(
                    !file.ends_with("README.md"),
                    "README.md links outside the repository: {target}"
                );
                continue;
            }
            let path = target.split('#').next().unwrap();
            if path.is_empty() {
                continue;
            }
            let resolved = file.parent().unwrap().join(path).canonicalize();
            let Ok(resolved) = resolved else {
                panic!("{}: the link {target} leads nowhere", file.display())
            };
            assert!(
                resolved.starts_with(&root),
                "{}: the link {target} leaves the repository",
                file.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 3, "links were found and checked: {checked}");
}
