//! ARCHITECTURE.md is the map of the repository, so every path it names must
//! exist and every crate must use exactly the crates the map says it may: a
//! renamed file or a new dependency fails here instead of misleading a reader.
//! (It lives in this crate because the examples crate already reads files from
//! the repository root.)

use std::path::Path;

/// Repository paths named in `markdown`: inline code containing `/` and link
/// targets, without `#anchors`; code blocks, URLs and absolute paths are skipped.
fn named_paths(markdown: &str) -> Vec<String> {
    let mut in_block = false;
    let prose: Vec<&str> = markdown
        .lines()
        .filter(|line| {
            let fence = line.trim_start().starts_with("```");
            in_block ^= fence;
            !fence && !in_block
        })
        .collect();
    let prose = prose.join("\n");
    let is_path = |s: &str| {
        !s.is_empty()
            && !s.starts_with('/')
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-/".contains(c))
    };
    let code = prose
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| s.contains('/') && is_path(s));
    let links = prose
        .split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .map(|target| target.split('#').next().unwrap_or_default())
        .filter(|&target| is_path(target));
    let mut paths: Vec<String> = code.chain(links).map(str::to_string).collect();
    paths.sort_unstable();
    paths.dedup();
    paths
}

#[test]
fn named_paths_are_inline_code_with_a_slash_and_link_targets() {
    let markdown = "See `crates/a/src/b.rs`, `model.rs`, `Vec<u32>` and \
                    [the docs](docs/X.md#part), [web](https://example.org/x).\n\
                    ```\n`crates/in/a/block.rs`\n```\n`/abs/path`, `docs/Y.md`\n";
    assert_eq!(
        named_paths(markdown),
        ["crates/a/src/b.rs", "docs/X.md", "docs/Y.md"]
    );
}

#[test]
fn every_path_in_the_architecture_map_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let map = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("read ARCHITECTURE.md");
    let paths = named_paths(&map);
    assert!(!paths.is_empty(), "ARCHITECTURE.md names no paths");
    let missing: Vec<String> = paths
        .into_iter()
        .filter(|p| !root.join(p).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names paths that do not exist: {}",
        missing.join(", ")
    );
}

/// Each crate row of the map's crate table: the crate's folder and the short names in
/// its "may use" column (`—` for none).
fn allowed_dependencies(map: &str) -> Vec<(String, Vec<String>)> {
    map.lines()
        .filter(|line| line.starts_with("| `crates/"))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
            let folder = cells[0].trim().trim_matches('`').to_string();
            let uses = cells.last().unwrap().trim();
            let names = if uses == "—" {
                Vec::new()
            } else {
                uses.split(", ").map(|n| format!("detente-{n}")).collect()
            };
            (folder, names)
        })
        .collect()
}

/// The detente crates a Cargo.toml lists under `[dependencies]`.
fn detente_dependencies(manifest: &str) -> Vec<String> {
    let table: toml::Table = manifest.parse().expect("a valid Cargo.toml");
    let mut names: Vec<String> = table
        .get("dependencies")
        .and_then(|d| d.as_table())
        .map(|d| {
            d.keys()
                .filter(|k| k.starts_with("detente-"))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    names.sort_unstable();
    names
}

#[test]
fn every_crate_uses_exactly_what_the_map_allows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let map = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("read ARCHITECTURE.md");
    let rows = allowed_dependencies(&map);
    let crates = std::fs::read_dir(root.join("crates"))
        .expect("list crates")
        .count();
    assert_eq!(
        rows.len(),
        crates,
        "the map lists {} crates, the workspace has {crates}",
        rows.len()
    );
    for (folder, mut allowed) in rows {
        allowed.sort_unstable();
        let manifest = std::fs::read_to_string(root.join(&folder).join("Cargo.toml"))
            .unwrap_or_else(|e| panic!("read {folder}/Cargo.toml: {e}"));
        assert_eq!(
            detente_dependencies(&manifest),
            allowed,
            "{folder}: its [dependencies] differ from what ARCHITECTURE.md says it may use"
        );
    }
}
