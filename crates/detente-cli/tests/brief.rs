//! `detente report`: the printable brief. The PDF is rendered to images with
//! poppler's pdftoppm and read back with pdftotext (scripts/test installs
//! poppler-utils), so the test sees what a reader would; the committed NRC brief
//! under docs/brief/ must be what the binary writes today.

// The helpers are shared by the CLI's test binaries; this one needs only `detente`.
#[allow(dead_code)]
mod common;

use common::detente;
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("brief-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `detente report` from the workspace root, as docs/brief/README.md says to.
fn report(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_detente"))
        .current_dir(workspace())
        .arg("report")
        .args(args)
        .output()
        .expect("run detente")
}

/// Runs a poppler tool; fails with how to get it when it is missing.
fn poppler(tool: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} is needed to read the brief ({e}); install Debian's poppler-utils (scripts/test does)")
    });
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The text of pages `first..=last`, whitespace runs made single spaces.
fn pdf_text(pdf: &Path, first: u32, last: u32) -> String {
    let out = poppler(
        "pdftotext",
        &[
            "-f",
            &first.to_string(),
            "-l",
            &last.to_string(),
            pdf.to_str().unwrap(),
            "-",
        ],
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_first_page_answers_whether_the_package_can_hold_and_what_it_would_take() {
    let dir = scratch("nrc");
    let pdf = dir.join("brief.pdf");
    let out = report(&["models/nrc-2025.toml", "-o", pdf.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Every page renders as an image.
    poppler(
        "pdftoppm",
        &[
            "-r",
            "40",
            "-png",
            pdf.to_str().unwrap(),
            dir.join("page").to_str().unwrap(),
        ],
    );
    let pages: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("page"))
        .collect();
    assert!(pages.len() >= 3, "{} pages rendered", pages.len());
    assert!(pages.iter().all(|p| p.metadata().unwrap().len() > 1_000));

    let first = pdf_text(&pdf, 1, 1);
    for expected in [
        "Reviving the NATO-Russia Council",
        "The question",
        "The bottom line",
        "\"Proposed package\" holds under GMR, SMR and SEQ; fails under Nash, SIM and SEQ&SIM.",
        "What it would take",
        "For it to hold for Russia under Nash, Russia would have to prefer it to dropping Russia accepts ceasefire (state 296).",
    ] {
        assert!(
            first.contains(expected),
            "page 1 lacks {expected:?}:\n{first}"
        );
    }
    let rest = pdf_text(&pdf, 2, 99);
    for expected in [
        "The verdicts in full",
        "From the status quo",
        "How robust the verdicts are",
        "not probabilities",
        "What each party would have to accept",
        "The parties and their options",
        "Assumptions and limitations",
        "Method",
        "Sequential stability (SEQ)",
        "detente report models/nrc-2025.toml -o brief.pdf",
    ] {
        assert!(
            rest.contains(expected),
            "the brief lacks {expected:?}:\n{rest}"
        );
    }
}

#[test]
fn the_html_brief_is_one_self_contained_page_with_the_same_bottom_line() {
    let dir = scratch("html");
    let html = dir.join("brief.html");
    let out = report(&["--example", "nrc", "-o", html.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<h2>The bottom line</h2>"), "{page}");
    assert!(page.contains("&quot;Proposed package&quot; holds under GMR, SMR and SEQ"));
    // Nothing is fetched: no scripts, no external styles, fonts or images.
    for outside in ["<script", "<link", "src=", "http://", "https://", "url("] {
        assert!(!page.contains(outside), "the page contains {outside:?}");
    }
    assert!(page.contains("detente report --example nrc -o brief.pdf"));
}

#[test]
fn the_committed_nrc_brief_is_what_the_binary_writes() {
    let dir = scratch("committed");
    for name in ["nrc-2025.pdf", "nrc-2025.html"] {
        let fresh = dir.join(name);
        let out = report(&["models/nrc-2025.toml", "-o", fresh.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let committed = workspace().join("docs/brief").join(name);
        assert!(
            std::fs::read(&committed).ok() == Some(std::fs::read(&fresh).unwrap()),
            "docs/brief/{name} is out of date: regenerate it with `detente report models/nrc-2025.toml -o docs/brief/{name}` from the workspace root"
        );
    }
}

#[test]
fn an_output_without_a_known_extension_is_refused() {
    let out = detente(&["report", "-o", "brief.docx"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot tell the brief's format from `brief.docx`"),
        "{err}"
    );
    assert!(err.contains(".pdf or .html"), "{err}");
}
