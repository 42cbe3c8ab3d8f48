//! The crate's top-level modules import only downward, in this order (no
//! cycles): the test reads every module's source (its file, its folder and
//! the files it includes with `#[path]`), test code left out.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Lowest first: a module may use only modules before it.
const LAYERS: [&str; 18] = [
    // Utilities and wire codecs.
    "json",
    "weburl",
    "privacy",
    "ice",
    "engineio",
    "socketio",
    "classify",
    "config",
    // The check contract: ids, and what a check and its driver exchange.
    "catalog",
    "check",
    // The checks, their typed data and report entries.
    "checks",
    // Rules from checks to findings.
    "diagnosis",
    // The record, its one derivation of texts, the share codec.
    "report",
    "view",
    "share",
    // The page's state and reducer, above everything it shows.
    "page",
    // The automatic run, whose outputs are the page's messages.
    "run",
    // Records with planted failure data, for tests (feature `test-fixtures`).
    "marker_fixture",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The source with comments and `#[cfg(test)]` items left out.
fn non_test_code(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().map(|l| l.split("//").next().unwrap_or(""));
    while let Some(line) = lines.next() {
        if line.trim() != "#[cfg(test)]" {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        // Skip the item: through its `;` or its closing brace.
        let mut depth = 0i32;
        for line in lines.by_ref() {
            depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
            let trimmed = line.trim();
            if trimmed.starts_with("#[") {
                continue;
            }
            if depth == 0 && (trimmed.ends_with(';') || trimmed.ends_with('}')) {
                break;
            }
        }
    }
    out
}

/// A top-level module's files: its own, its folder's, and `#[path]` ones;
/// not its test files (`*_tests.rs`, included only under `#[cfg(test)]`).
fn files_of(module: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs")
                && !path.to_string_lossy().ends_with("_tests.rs")
            {
                out.push(path);
            }
        }
    }
    let mut files: Vec<PathBuf> = vec![src().join(format!("{module}.rs"))];
    files.retain(|f| f.exists());
    walk(&src().join(module), &mut files);
    assert!(!files.is_empty(), "no source for {module}");
    let mut at = 0;
    while at < files.len() {
        let text = std::fs::read_to_string(&files[at]);
        let code = non_test_code(&text.unwrap_or_else(|e| panic!("{}: {e}", files[at].display())));
        for included in code.split("#[path = \"").skip(1) {
            let name = included.split('"').next().unwrap();
            let dir = files[at].parent().unwrap().to_path_buf();
            files.push(dir.join(name));
        }
        at += 1;
    }
    files
}

/// The top-level modules a module's code names (`crate::name`).
fn uses(module: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for file in files_of(module) {
        let code = non_test_code(&std::fs::read_to_string(&file).unwrap());
        for after in code.split("crate::").skip(1) {
            if let Some(group) = after.strip_prefix('{') {
                let group = group.split('}').next().unwrap();
                used.extend(group.split(',').filter_map(|p| {
                    let name = p.trim().split("::").next()?;
                    (!name.is_empty()).then(|| name.to_owned())
                }));
            } else {
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                used.insert(name);
            }
        }
    }
    used.remove(module);
    used
}

#[test]
fn every_top_level_module_has_a_layer() {
    let lib = non_test_code(&std::fs::read_to_string(src().join("lib.rs")).unwrap());
    let declared: BTreeSet<&str> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';'))
        .collect();
    let layered: BTreeSet<&str> = LAYERS.into_iter().collect();
    assert_eq!(declared, layered);
}

#[test]
fn modules_import_only_downward() {
    let mut upward = Vec::new();
    for (at, module) in LAYERS.iter().enumerate() {
        for used in uses(module) {
            match LAYERS.iter().position(|m| *m == used) {
                Some(to) if to < at => {}
                _ => upward.push(format!("{module} uses {used}")),
            }
        }
    }
    assert!(upward.is_empty(), "imports against the layers: {upward:?}");
}

#[test]
fn the_reader_sees_imports_and_skips_test_code() {
    let code = "use crate::check::Status;\n// crate::report in a comment\n\
                #[cfg(test)]\nmod tests {\n    use crate::share;\n}\n\
                fn f() { crate::diagnosis::diagnose(&[]); }\n";
    let code = non_test_code(code);
    assert!(code.contains("crate::check") && code.contains("crate::diagnosis"));
    assert!(!code.contains("crate::report") && !code.contains("crate::share"));
}
