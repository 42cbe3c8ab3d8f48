//! The repository explains itself: `docs/contracts.md` names every check and
//! finding id in its tables, and every relative link of `README.md` and
//! `docs/*.md` resolves to a file or folder of the repository.

use std::path::{Path, PathBuf};

use crate::catalog::{CheckId, FindingId};

const CONTRACTS: &str = include_str!("../../../docs/contracts.md");

/// A table row of `docs/contracts.md` that starts with `` `id` ``.
fn has_row(id: &str) -> bool {
    let row = format!("| `{id}` |");
    CONTRACTS.lines().any(|line| line.starts_with(&row))
}

#[test]
fn contracts_name_every_check_id_in_the_checks_table() {
    // catalog.rs's tests keep `CheckId::ALL` complete.
    for id in CheckId::ALL {
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

/// Every path in a text that climbs to a parent folder (`../…`), linked
/// or not.
fn relative_paths(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || "()[]<>`'\",;".contains(c))
        .filter(|word| word.starts_with("../"))
}

/// Whether `path`, read from folder `from`, stays inside `root` (lexically:
/// the target need not exist).
fn stays_inside(root: &Path, from: &Path, path: &str) -> bool {
    let mut depth = from
        .strip_prefix(root)
        .map_or(0, |p| p.components().count());
    for part in path.split('/') {
        match part {
            ".." if depth == 0 => return false,
            ".." => depth -= 1,
            "" | "." => {}
            _ => depth += 1,
        }
    }
    true
}

#[test]
fn a_path_above_the_repository_is_told_apart() {
    let root = Path::new("/repo");
    assert!(!stays_inside(root, root, "../notes/x.md"));
    assert!(stays_inside(
        root,
        &root.join("docs"),
        "../deploy/README.md"
    ));
    assert!(!stays_inside(root, &root.join("docs"), "../../x.md"));
    let text = "see (../deploy/README.md) and `../../x`";
    assert_eq!(
        relative_paths(text).collect::<Vec<_>>(),
        ["../deploy/README.md", "../../x"]
    );
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
        for path in relative_paths(&text) {
            assert!(
                stays_inside(&root, file.parent().unwrap(), path),
                "{} refers to {path}, outside the repository",
                file.display()
            );
        }
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
