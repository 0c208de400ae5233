//! ARCHITECTURE.md is the map of the repository, so every path it names must
//! exist: a renamed or deleted file fails here instead of misleading a reader.
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
