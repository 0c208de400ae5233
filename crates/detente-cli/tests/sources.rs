//! `detente sources`: the NRC model's quotations against the article it cites.

mod common;

use common::{detente, stdout};
use std::path::PathBuf;

/// The article the NRC model is built from, in the steering repository beside this one.
fn article() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/seed/000_adc9f996618461c5.txt");
    assert!(
        path.exists(),
        "the NRC article is expected at {} (the steering repository's shared/ beside the checkout)",
        path.display()
    );
    path.display().to_string()
}

fn nrc_model() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../models/nrc-2025.toml")
        .display()
        .to_string()
}

#[test]
fn every_quotation_in_the_nrc_model_is_in_the_article() {
    let out = stdout(&["sources", &nrc_model(), "--against", &article()]);
    assert!(out.contains("quotations were found."), "{out}");
    assert!(!out.contains("Not found"), "{out}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&[
        "sources",
        &nrc_model(),
        "--against",
        &article(),
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(json["schema"], "detente.sources/1");
    assert!(json["quotations"].as_u64().unwrap() >= 40, "{json}");
    assert_eq!(json["found"], json["quotations"]);
    // Every preference statement is sourced, by a quotation or an assumption.
    for element in json["without_source"].as_array().unwrap() {
        assert!(
            !element.as_str().unwrap().starts_with("preference"),
            "{json}"
        );
    }
}

#[test]
fn a_quotation_not_in_the_documents_fails_and_is_named() {
    let dir = std::env::temp_dir().join(format!("detente-sources-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (model, document) = (dir.join("m.toml"), dir.join("doc.txt"));
    std::fs::write(
        &model,
        r#"format = "detente/1"
[model]
name = "Quoted"
source = 'Doc: "the sky is green"'
[[dm]]
id = "a"
preferences = [{ statement = "x", source = "Doc: “The  sky is blue.” Analyst's assumption: a likes x." }]
  [[dm.option]]
  id = "x"
"#,
    )
    .unwrap();
    std::fs::write(&document, "Today the sky is blue.\n").unwrap();
    let out = detente(&[
        "sources",
        model.to_str().unwrap(),
        "--against",
        document.to_str().unwrap(),
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    let error = String::from_utf8(out.stderr).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(2), "{text}{error}");
    assert!(text.contains("1 of 2 quotations was not found"), "{text}");
    assert!(
        text.contains("the model \"Quoted\": \"the sky is green\""),
        "{text}"
    );
    assert!(text.contains("Without a source (2 elements)"), "{text}");
    assert!(text.contains("preference statement 1 of a"), "{text}");
    assert!(error.contains("a quotation was not found"), "{error}");
}
