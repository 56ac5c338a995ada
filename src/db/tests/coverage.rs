//! Keeps the DB layer tested where it lives: every public function of `db/` (and of its row
//! types) must be called by name in some file of `db/tests/`. A new query without a test fails
//! here, naming it.

use std::path::{Path, PathBuf};

/// The `.rs` files under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The names of the public functions declared in `source` (`pub fn`, `pub async fn`,
/// `pub(crate) …`), before its `#[cfg(test)]` part.
fn public_functions(source: &str) -> Vec<String> {
    let code = source.split("#[cfg(test)]").next().unwrap_or(source);
    let mut names = Vec::new();
    for line in code.lines().map(str::trim_start) {
        let rest = ["pub fn ", "pub async fn ", "pub(crate) fn ", "pub(crate) async fn "]
            .iter()
            .find_map(|prefix| line.strip_prefix(prefix));
        if let Some(rest) = rest {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            names.push(name);
        }
    }
    names
}

#[test]
fn every_public_db_function_is_called_by_a_db_layer_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/db");
    let tests_dir = root.join("tests");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let (tests, code): (Vec<PathBuf>, Vec<PathBuf>) = files.into_iter().partition(|p| p.starts_with(&tests_dir));
    let test_text: String = tests.iter().map(|p| std::fs::read_to_string(p).expect("test file")).collect();

    let mut functions = Vec::new();
    for path in &code {
        let source = std::fs::read_to_string(path).expect("source file");
        for name in public_functions(&source) {
            functions.push((path.strip_prefix(&root).expect("under db").display().to_string(), name));
        }
    }
    let untested: Vec<String> = functions
        .iter()
        .filter(|(_, name)| !test_text.contains(&format!("{name}(")) && !test_text.contains(&format!("{name}::<")))
        .map(|(file, name)| format!("{file}: {name}"))
        .collect();
    assert!(functions.len() > 100, "found only {} functions: is the scan broken?", functions.len());
    assert!(untested.is_empty(), "db functions no DB-layer test calls: {untested:#?}");
}

#[test]
fn the_scan_finds_each_kind_of_declaration_and_skips_tests() {
    let source =
        "pub fn a() {}\n    pub async fn b<'e>() {}\npub(crate) fn c() {}\nfn d() {}\n#[cfg(test)]\npub fn e() {}";
    assert_eq!(public_functions(source), ["a", "b", "c"]);
}
