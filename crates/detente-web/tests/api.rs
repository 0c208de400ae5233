//! The workbench's JSON API, exercised over real HTTP against a server started
//! on 127.0.0.1 in each test, and compared with the library's own results.

use detente_app::Limits;
use detente_engine::generate::{PreferenceKind, Shape, generate};
use detente_engine::{Analysis, Concept, NoDeadline};
use detente_report::{Format, Render, Report};
use detente_web::Config;
use serde_json::{Value, json};
use std::time::Duration;

/// Starts a workbench on a free local port; returns its base URL.
async fn start(config: Config) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(detente_web::serve_on(listener, config));
    format!("http://{addr}")
}

fn nrc() -> &'static str {
    detente_examples::find("nrc").unwrap().source
}

/// The prisoner's dilemma: 4 states.
fn prisoners() -> &'static str {
    detente_examples::find("prisoners").unwrap().source
}

async fn post(base: &str, path: &str, body: Value) -> (u16, Value) {
    send(base, path, None, body).await
}

/// Posts `body` to `path`, as the job `job` when one is given.
async fn send(base: &str, path: &str, job: Option<&str>, body: Value) -> (u16, Value) {
    let mut request = reqwest::Client::new().post(format!("{base}{path}"));
    if let Some(job) = job {
        request = request.header("x-detente-job", job);
    }
    let response = request.json(&body).send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn get(base: &str, path: &str) -> (u16, Value) {
    let response = reqwest::get(format!("{base}{path}")).await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The engine's own analysis of a model, as `detente analyze --format json` writes it.
fn engine_json(source: &str, concepts: &[Concept]) -> Value {
    let loaded = detente_format::parse_toml(source, "model.toml").unwrap();
    let conflict = loaded.compile(1 << 21).unwrap();
    let analysis = Analysis::run(&conflict, concepts, &NoDeadline, &|| {}).unwrap();
    let mut out = Vec::new();
    Report {
        model: &loaded.model,
        conflict: &conflict,
        analysis: &analysis,
        all_states: true,
        robustness: None,
    }
    .render(Format::Json, &mut out)
    .unwrap();
    serde_json::from_slice(&out).unwrap()
}

/// An error body has a message (and the status is the one expected).
fn assert_error(status: u16, body: &Value, expected: u16, mentions: &str) {
    assert_eq!(status, expected, "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(mentions),
        "error message {message:?} should mention {mentions:?}"
    );
}

#[tokio::test]
async fn examples_are_listed_nrc_first_and_served() {
    let base = start(Config::default()).await;
    let (status, list) = get(&base, "/api/examples").await;
    assert_eq!(status, 200);
    assert_eq!(list[0]["name"], "nrc");
    assert_eq!(
        list.as_array().unwrap().len(),
        detente_examples::EXAMPLES.len()
    );
    let (status, cuban) = get(&base, "/api/examples/cuban").await;
    assert_eq!(status, 200);
    assert_eq!(
        cuban["source"],
        detente_examples::find("cuban").unwrap().source
    );
    let (status, body) = get(&base, "/api/examples/atlantis").await;
    assert_error(status, &body, 404, "atlantis");
    assert!(body["error"]["help"].as_str().unwrap().contains("nrc"));
}

#[tokio::test]
async fn analyze_returns_the_engines_document() {
    let base = start(Config::default()).await;
    let response = reqwest::Client::new()
        .post(format!("{base}/api/analyze"))
        .json(&json!({"model": nrc(), "file_name": "nrc.toml"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers().contains_key("x-detente-elapsed-ms"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["schema"], "detente.analysis/1");
    assert_eq!(body, engine_json(nrc(), &Concept::ALL));

    let (status, csv) = post(
        &base,
        "/api/analyze",
        json!({"model": nrc(), "concepts": ["nash"], "format": "csv"}),
    )
    .await;
    assert_eq!(status, 200);
    assert!(csv.as_str().unwrap().lines().count() > 400);
}

#[tokio::test]
async fn tableau_pages_filters_and_sorts() {
    let base = start(Config::default()).await;
    let expected = engine_json(nrc(), &Concept::ALL);
    let (status, page) = post(&base, "/api/tableau", json!({"model": nrc(), "limit": 50})).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["state_count"], 960);
    assert_eq!(page["rows"].as_array().unwrap().len(), 50);
    assert_eq!(page["status_quo"], 50);
    let status_quo_row = &page["rows"][49];
    assert_eq!(status_quo_row["status_quo"], true);
    assert_eq!(
        status_quo_row["description"],
        "US proposes NRC revival; Ukraine accepts ceasefire"
    );
    for concept in Concept::ALL {
        let key = concept.key();
        let ids = &expected["equilibria"][key];
        assert_eq!(
            page["equilibria"][key]["count"],
            ids.as_array().unwrap().len()
        );
        // The equilibria filter keeps exactly the engine's equilibria.
        let (_, filtered) = post(
            &base,
            "/api/tableau",
            json!({"model": nrc(), "limit": 1000, "filter": {"concept": key}}),
        )
        .await;
        let shown: Vec<Value> = filtered["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].clone())
            .collect();
        assert_eq!(Value::Array(shown), *ids, "{key}");
    }
    // Option values and a DM's preference.
    let (_, filtered) = post(
        &base,
        "/api/tableau",
        json!({"model": nrc(), "limit": 1000, "filter": {"options": {"us_new_sanctions": true}},
               "sort": {"by": "preference", "dm": "us", "descending": true}}),
    )
    .await;
    let rows = filtered["rows"].as_array().unwrap();
    assert!(!rows.is_empty() && rows.len() < 960);
    let option = page["options"]
        .as_array()
        .unwrap()
        .iter()
        .position(|o| o["id"] == "us_new_sanctions")
        .unwrap();
    assert!(
        rows.iter()
            .all(|r| r["yn"].as_str().unwrap().as_bytes()[option] == b'Y')
    );
    let ranks: Vec<u64> = rows
        .iter()
        .map(|r| r["ranks"][0].as_u64().unwrap())
        .collect();
    assert!(
        ranks.windows(2).all(|w| w[0] >= w[1]),
        "sorted best first for the US"
    );
    // Bad filters are explained.
    let (status, body) = post(
        &base,
        "/api/tableau",
        json!({"model": nrc(), "filter": {"options": {"nope": true}}}),
    )
    .await;
    assert_error(status, &body, 422, "nope");
    let (status, body) = post(
        &base,
        "/api/tableau",
        json!({"model": nrc(), "filter": {"dm": "us"}}),
    )
    .await;
    assert_error(status, &body, 422, "needs a concept");
}

#[tokio::test]
async fn verdicts_are_the_clis_in_words() {
    let base = start(Config::default()).await;
    let (status, body) = post(&base, "/api/verdicts", json!({"model": nrc()})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["schema"], "detente.verdicts/1");
    let verdicts = body["verdicts"].as_array().unwrap();
    assert_eq!(verdicts[0]["subject"], "status quo");
    let package = &verdicts[1];
    assert_eq!(package["subject"], "Proposed package");
    assert_eq!(package["state"], 320);
    assert_eq!(package["holds"], json!(["gmr", "smr", "seq"]));
    let text: Vec<&str> = package["text"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(text[0].starts_with("It holds if"), "{text:?}");
    assert!(
        text.last()
            .unwrap()
            .contains("all 192 orders of preference"),
        "{text:?}"
    );
    assert_eq!(body["glossary"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn the_brief_is_the_clis_in_pdf_and_html() {
    let base = start(Config::default()).await;
    let client = reqwest::Client::new();
    let body = json!({"model": nrc(), "file_name": "nrc-2025.toml"});
    let pdf = client
        .post(format!("{base}/api/brief"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));

    let mut as_html = body.clone();
    as_html["format"] = json!("html");
    let (status, page) = post(&base, "/api/brief", as_html).await;
    assert_eq!(status, 200);
    let page = page.as_str().unwrap();
    assert!(page.contains("<h2>The bottom line</h2>"), "{page}");
    // The same model file from the command line gives the same page.
    assert!(page.contains("detente report nrc-2025.toml -o brief.pdf"));

    let mut as_word = body;
    as_word["format"] = json!("docx");
    let (status, error) = post(&base, "/api/brief", as_word).await;
    assert_eq!(status, 422, "{error}");
    assert!(
        error["error"]["message"].as_str().unwrap().contains("docx"),
        "{error}"
    );
}

#[tokio::test]
async fn explain_evolve_coalitions_and_graph() {
    let base = start(Config::default()).await;
    let (status, explained) =
        post(&base, "/api/explain", json!({"model": nrc(), "state": 320})).await;
    assert_eq!(status, 200, "{explained}");
    assert_eq!(explained["schema"], "detente.explanation/1");
    assert_eq!(explained["decision_makers"].as_array().unwrap().len(), 4);
    let (status, body) = post(&base, "/api/explain", json!({"model": nrc(), "state": 961})).await;
    assert_error(status, &body, 422, "no state 961");
    let (status, body) = post(
        &base,
        "/api/explain",
        json!({"model": nrc(), "state": 1, "dms": ["Atlantis"]}),
    )
    .await;
    assert_error(status, &body, 422, "Atlantis");

    let (status, evolved) = post(&base, "/api/evolve", json!({"model": nrc(), "to": 57})).await;
    assert_eq!(status, 200, "{evolved}");
    assert_eq!(evolved["schema"], "detente.evolution/1");
    assert_eq!(evolved["start"], 50);
    assert_eq!(evolved["target"]["reachable"], true);
    assert_eq!(evolved["target"]["path"][0]["to"], 57);

    let (status, coalitions) = post(
        &base,
        "/api/coalitions",
        json!({"model": nrc(), "concept": "nash"}),
    )
    .await;
    assert_eq!(status, 200, "{coalitions}");
    assert_eq!(coalitions["schema"], "detente.coalitions/2");
    // The NRC model lists three coalitions; `all` asks for every group of two or more.
    assert_eq!(coalitions["coalitions"].as_array().unwrap().len(), 3);
    let (status, every) = post(
        &base,
        "/api/coalitions",
        json!({"model": nrc(), "concept": "seq", "all": true}),
    )
    .await;
    assert_eq!(status, 200, "{every}");
    assert_eq!(every["coalitions"].as_array().unwrap().len(), 11);
    // The same document the library writes for every coalition of the four DMs.
    let (loaded, conflict) = nrc_compiled();
    let coalitional = detente_engine::coalition::CoalitionAnalysis::run(
        &conflict,
        &detente_engine::coalition::all_coalitions(4),
        Concept::Seq,
        &detente_engine::NoDeadline,
    )
    .unwrap();
    let analysis = Analysis::run(
        &conflict,
        &[Concept::Seq],
        &detente_engine::NoDeadline,
        &|| {},
    )
    .unwrap();
    let expected = as_json(&detente_report::CoalitionReport {
        model: &loaded.model,
        conflict: &conflict,
        analysis: &analysis,
        coalitions: &coalitional,
    });
    assert_eq!(every, expected);
    assert!(!every["coalition_equilibria"].as_array().unwrap().is_empty());
    let (status, body) = post(
        &base,
        "/api/coalitions",
        json!({"model": nrc(), "concept": "sim"}),
    )
    .await;
    assert_error(status, &body, 422, "no coalitional form");

    let (status, joint) = post(
        &base,
        "/api/evolve",
        json!({"model": nrc(), "concepts": ["seq"], "coalitions": [["United States", "Russia"]]}),
    )
    .await;
    assert_eq!(status, 200, "{joint}");
    assert!(joint["reachable_count"].as_u64() > evolved["reachable_count"].as_u64());

    let (status, graph) = post(
        &base,
        "/api/graph",
        json!({"model": nrc(), "center": 50, "radius": 1, "max_nodes": 400}),
    )
    .await;
    assert_eq!(status, 200, "{graph}");
    let nodes = graph["nodes"].as_array().unwrap();
    assert_eq!(nodes[0]["id"], 50);
    assert_eq!(nodes[0]["status_quo"], true);
    let ids: Vec<&Value> = nodes.iter().map(|n| &n["id"]).collect();
    let edges = graph["edges"].as_array().unwrap();
    assert!(
        edges
            .iter()
            .all(|e| ids.contains(&&e["from"]) && ids.contains(&&e["to"]))
    );
    // Every state one move from the centre is there, and an improvement is marked as such.
    assert!(nodes.iter().skip(1).all(|n| n["distance"] == 1));
    assert!(
        edges.iter().any(|e| e["improvement"] == true)
            && edges.iter().any(|e| e["improvement"] == false)
    );
    // A small model is drawn whole.
    let prisoners = detente_examples::find("prisoners").unwrap().source;
    let (_, whole) = post(
        &base,
        "/api/graph",
        json!({"model": prisoners, "radius": 6}),
    )
    .await;
    assert_eq!(whole["complete"], true);
    assert_eq!(whole["nodes"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn models_convert_and_import_both_ways() {
    let base = start(Config::default()).await;
    let response = reqwest::Client::new()
        .post(format!("{base}/api/convert"))
        .json(&json!({"model": nrc(), "to": "gmcr"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with(".gmcr\"")
    );
    let gmcr = response.text().await.unwrap();
    let reread = detente_format::parse_gmcr(&gmcr, "nrc.gmcr").unwrap();
    assert_eq!(reread.compile(1 << 21).unwrap().state_count(), 960);

    // A desktop-tool file comes back as the model's form, a model file's keys.
    let prisoners = include_str!("../../../tests/cases/Prisoners.gmcr");
    let (status, imported) = post(
        &base,
        "/api/import",
        json!({"model": prisoners, "file_name": "Prisoners.gmcr"}),
    )
    .await;
    assert_eq!(status, 200, "{imported}");
    assert_eq!(imported["form"]["format"], "detente/1");
    assert_eq!(imported["form"]["dm"].as_array().unwrap().len(), 2);
    // A TOML file with a model error still loads, with the error to fix.
    let broken = nrc().replacen("id = \"us\"", "id = \"russia\"", 1);
    let (status, imported) = post(
        &base,
        "/api/import",
        json!({"model": broken, "file_name": "nrc.toml"}),
    )
    .await;
    assert_eq!(status, 200);
    assert!(imported["error"]["line"].as_u64().is_some());
    assert_eq!(imported["error"]["file"], "nrc.toml");
    assert_eq!(imported["form"]["dm"][0]["id"], "russia");
    let (status, body) = post(
        &base,
        "/api/import",
        json!({"model": "{ not json", "file_name": "x.gmcr"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
}

/// A model file's form, as `/api/import` gives it.
async fn imported_form(base: &str, source: &str, file_name: &str) -> Value {
    let (status, imported) = post(
        base,
        "/api/import",
        json!({"model": source, "file_name": file_name}),
    )
    .await;
    assert_eq!(status, 200, "{imported}");
    assert!(imported.get("error").is_none(), "{imported}");
    imported["form"].clone()
}

#[tokio::test]
async fn a_form_is_checked_previewed_and_converted_as_its_file() {
    let base = start(Config::default()).await;
    let prisoners = include_str!("../../../tests/cases/Prisoners.gmcr");
    for (source, file_name) in [(nrc(), "nrc.toml"), (prisoners, "Prisoners.gmcr")] {
        let form = imported_form(&base, source, file_name).await;
        let (status, checked) = post(&base, "/api/check", json!({"form": form})).await;
        assert_eq!(status, 200, "{checked}");
        let (_, from_file) = post(
            &base,
            "/api/check",
            json!({"model": source, "file_name": file_name}),
        )
        .await;
        assert!(from_file.get("toml").is_none());
        for key in [
            "name",
            "decision_makers",
            "options",
            "rules",
            "state_count",
            "status_quo",
        ] {
            assert_eq!(checked[key], from_file[key], "{file_name}: {key}");
        }
        // The preview is the server's TOML of the form: the file's model.
        let toml = checked["toml"].as_str().unwrap();
        assert_eq!(
            detente_format::parse_toml(toml, "form.toml").unwrap().model,
            detente_format::parse(source, file_name).unwrap().model,
            "{file_name}"
        );
        // Exported as .toml, a form is that TOML; analysed, it is its file.
        let response = reqwest::Client::new()
            .post(format!("{base}/api/convert"))
            .json(&json!({"form": form, "to": "toml"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.text().await.unwrap(), toml);
        let (status, analysis) = post(&base, "/api/analyze", json!({"form": form})).await;
        assert_eq!(status, 200);
        let (_, expected) = post(
            &base,
            "/api/analyze",
            json!({"model": source, "file_name": file_name}),
        )
        .await;
        assert_eq!(
            analysis["equilibria"], expected["equilibria"],
            "{file_name}"
        );
    }
}

#[tokio::test]
async fn errors_in_a_form_give_the_path_at_fault() {
    let base = start(Config::default()).await;
    let form = imported_form(&base, nrc(), "nrc.toml").await;
    let mut broken = form.clone();
    broken["dm"][1]["preferences"][2] = json!("ru_ceasefire &");
    let (status, body) = post(&base, "/api/check", json!({"form": broken})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["path"], "/dm/1/preferences/2");
    for key in ["file", "line", "column"] {
        assert!(body["error"].get(key).is_none(), "{body}");
    }
    assert!(body["error"]["help"].is_string());
    // Found at compile time: a ranking that leaves out a state.
    let chicken = detente_examples::find("chicken").unwrap();
    let mut form = imported_form(&base, chicken.source, chicken.file_name).await;
    form["dm"][0]["ranking"].as_array_mut().unwrap().pop();
    let (status, body) = post(&base, "/api/analyze", json!({"form": form})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["path"], "/dm/0/ranking");
    // A value a model file cannot hold.
    let (status, body) = post(&base, "/api/check", json!({"form": {"format": null}})).await;
    assert_error(status, &body, 422, "null");
    assert_eq!(body["error"]["path"], "/format");
}

#[tokio::test]
async fn a_request_sends_its_model_once() {
    let base = start(Config::default()).await;
    let form = imported_form(&base, nrc(), "nrc.toml").await;
    let (status, body) = post(&base, "/api/check", json!({"model": nrc(), "form": form})).await;
    assert_error(status, &body, 422, "both `model` and `form`");
    let (status, body) = post(&base, "/api/check", json!({"file_name": "nrc.toml"})).await;
    assert_error(status, &body, 422, "no model");
    assert!(body["error"]["help"].as_str().unwrap().contains("`form`"));
    // Importing reads a file, not a form.
    let (status, body) = post(&base, "/api/import", json!({"form": form})).await;
    assert_error(status, &body, 422, "model file");
}

#[tokio::test]
async fn bad_input_gets_a_json_error_and_the_server_keeps_serving() {
    let base = start(Config {
        limits: Limits {
            body_bytes: Some(64 * 1024),
            max_states: 256,
            ..Limits::service()
        },
        ..Config::default()
    })
    .await;
    // A located model error, as the CLI gives it.
    let (status, body) = post(
        &base,
        "/api/check",
        json!({"model": "format = \"detente/1\"\n[[dm]]\nid = 3\n"}),
    )
    .await;
    assert_error(status, &body, 422, "must be a string");
    assert_eq!(body["error"]["line"], 3);
    assert_eq!(body["error"]["column"], 6);
    assert!(body["error"]["help"].is_string());
    // TOML syntax error.
    let (status, body) = post(
        &base,
        "/api/check",
        json!({"model": "format = \"detente/1\"\n[[dm]\n"}),
    )
    .await;
    assert_error(status, &body, 422, "TOML syntax error");
    assert_eq!(body["error"]["line"], 2);
    // Wrong JSON types and missing fields.
    let (status, body) = post(&base, "/api/check", json!({"model": 5})).await;
    assert_error(status, &body, 422, "model");
    let (status, body) = post(
        &base,
        "/api/explain",
        json!({"model": nrc(), "state": "three"}),
    )
    .await;
    assert_error(status, &body, 422, "state");
    let prisoners = detente_examples::find("prisoners").unwrap().source;
    let (status, body) = post(
        &base,
        "/api/analyze",
        json!({"model": prisoners, "concepts": ["nash", "bogus"]}),
    )
    .await;
    assert_error(status, &body, 422, "bogus");
    // Not JSON at all, and no JSON content type.
    let client = reqwest::Client::new();
    let response = client
        .post(format!("{base}/api/check"))
        .header("content-type", "application/json")
        .body("{model:")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(body["error"]["message"].is_string());
    let response = client
        .post(format!("{base}/api/check"))
        .body("model")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 415);
    // Over the body limit.
    let huge = "#".repeat(100 * 1024);
    let (status, body) = post(&base, "/api/check", json!({"model": huge})).await;
    assert_eq!(status, 413, "{body}");
    assert!(
        body["error"]["help"]
            .as_str()
            .unwrap()
            .contains("size limit")
    );
    // Over the state limit: NRC has 960 states.
    let (status, body) = post(&base, "/api/analyze", json!({"model": nrc()})).await;
    assert_error(status, &body, 422, "more than 256 feasible states");
    assert!(
        !body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--max-states")
    );
    assert!(
        body["error"]["help"]
            .as_str()
            .unwrap()
            .contains("at most 256 states")
    );
    // Unknown routes.
    let (status, body) = get(&base, "/api/nothing").await;
    assert_error(status, &body, 404, "/api/nothing");
    let (status, body) = get(&base, "/api/check").await;
    assert_error(status, &body, 405, "GET");
    // Still serving.
    let (status, body) = post(&base, "/api/check", json!({"model": prisoners})).await;
    assert_eq!(status, 200);
    assert_eq!(body["state_count"], 4);
}

#[tokio::test]
async fn a_slow_analysis_is_cut_off_with_a_message() {
    let base = start(Config {
        limits: Limits {
            time: Some(Duration::from_millis(1)),
            ..Limits::service()
        },
        ..Config::default()
    })
    .await;
    let model = generate(&Shape {
        dms: 4,
        options_per_dm: 4,
        rules: 0,
        rule_width: 2,
        irreversible_percent: 0,
        preferences: PreferenceKind::Prioritization { statements: 6 },
        seed: 7,
    });
    let toml = detente_format::to_toml(&model);
    let (status, body) = post(&base, "/api/analyze", json!({"model": toml})).await;
    assert_error(status, &body, 422, "time limit");
    let (status, _) = get(&base, "/api/examples").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_page_and_the_openapi_description_are_served() {
    let base = start(Config::default()).await;
    let page = reqwest::get(format!("{base}/")).await.unwrap();
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("text/html")
    );
    let html = page.text().await.unwrap();
    // Every file the page refers to is served, with its content type and the security headers.
    for asset in detente_web::ASSETS {
        let response = reqwest::get(format!("{base}/assets/{}", asset.path))
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "{}", asset.path);
        let headers = response.headers();
        assert_eq!(
            headers["content-type"], asset.content_type,
            "{}",
            asset.path
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'")
        );
    }
    let served = |path: &str| detente_web::ASSETS.iter().any(|a| a.path == path);
    for referred in html.split("\"/assets/").skip(1) {
        let path = referred.split('"').next().unwrap();
        assert!(
            served(path),
            "the page refers to /assets/{path}, which is not served"
        );
    }
    // So is every module the page's modules import.
    for asset in detente_web::ASSETS
        .iter()
        .filter(|a| !a.path.starts_with("vendor/"))
    {
        for imported in asset.body.split(" from \"./").skip(1) {
            let path = imported.split('"').next().unwrap();
            assert!(
                served(path),
                "{} imports ./{path}, which is not served",
                asset.path
            );
        }
    }
    let (status, missing) = get(&base, "/assets/nothing.js").await;
    assert_error(status, &missing, 404, "no file");
    let (status, openapi) = get(&base, "/api/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(openapi["openapi"], "3.1.0");
    // Every route the router has is described, and nothing else.
    let source = include_str!("../src/lib.rs");
    let routes: Vec<String> = source
        .split(".route(")
        .skip(1)
        .map(|rest| {
            rest.trim_start()
                .trim_start_matches('"')
                .split('"')
                .next()
                .unwrap()
                .replace("{*", "{")
        })
        .collect();
    let described: Vec<String> = openapi["paths"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let mut sorted = routes.clone();
    sorted.sort();
    let mut described_sorted = described.clone();
    described_sorted.sort();
    assert_eq!(sorted, described_sorted);
}

/// Sends `method target` with `host` and `body` (JSON when `json`) over a fresh connection;
/// returns the status and the body of the answer, which must be an error in JSON.
async fn refusal(
    base: &str,
    method: &str,
    target: &str,
    host: &str,
    body: &str,
    json: bool,
) -> u16 {
    let content_type = if json {
        "content-type: application/json\r\n"
    } else {
        ""
    };
    let request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {host}\r\n{content_type}content-length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let (answer, _) = raw(base, &request).await;
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status for {method} {target}: {answer}"));
    let error = raw_body(&answer);
    assert!(
        error["error"]["message"].is_string(),
        "{method} {target}: {status} {error}"
    );
    status
}

#[tokio::test]
async fn every_refusal_the_server_gives_is_in_the_openapi_description() {
    let base = start(Config {
        limits: Limits {
            body_bytes: Some(1024),
            ..Limits::service()
        },
        ..Config::default()
    })
    .await;
    let here = base.trim_start_matches("http://").to_string();
    let (_, openapi) = get(&base, "/api/openapi.json").await;
    // Every 4xx described has the JSON error body.
    let error_body = |reference: &Value| {
        let name = reference["$ref"].as_str().unwrap_or_default();
        let name = name.trim_start_matches("#/components/responses/");
        openapi["components"]["responses"][name]["content"]["application/json"]["schema"]["$ref"]
            == "#/components/schemas/Error"
    };
    let global = openapi["info"]["description"].as_str().unwrap();
    let paths = openapi["paths"].as_object().unwrap();
    for (path, item) in paths {
        let concrete = path.replace("{name}", "nrc");
        for (method, operation) in item.as_object().unwrap() {
            let responses = &operation["responses"];
            for (status, response) in responses.as_object().unwrap() {
                if status.starts_with('4') {
                    assert!(error_body(response), "{method} {path}: {status}");
                }
            }
            let verb = method.to_uppercase();
            let long = format!("{concrete}?{}", "a".repeat(9 * 1024));
            let mut statuses = vec![
                refusal(&base, &verb, &concrete, "rebound.example", "", false).await,
                refusal(&base, &verb, &long, &here, "", false).await,
            ];
            if method == "post" {
                let big = json!({"model": "#".repeat(2000)}).to_string();
                for (body, json) in [
                    ("{", true),
                    ("{}", false),
                    (big.as_str(), true),
                    ("{}", true),
                ] {
                    statuses.push(refusal(&base, &verb, &concrete, &here, body, json).await);
                }
            }
            if path.contains("{name}") {
                for name in ["nothing", "%FF"] {
                    let target = path.replace("{name}", name);
                    statuses.push(refusal(&base, &verb, &target, &here, "", false).await);
                }
            }
            for status in statuses {
                assert!(
                    responses.get(status.to_string()).is_some(),
                    "{method} {path} answers {status}, which openapi.json does not list"
                );
            }
        }
        // Another method, and an unknown path: statuses the description names for all routes.
        let other = if item.get("get").is_some() {
            "POST"
        } else {
            "GET"
        };
        let status = refusal(&base, other, &concrete, &here, "", false).await;
        assert!(
            global.contains(&format!("{status}")),
            "{other} {path}: {status}"
        );
    }
    let status = refusal(&base, "GET", "/api/nothing", &here, "", false).await;
    assert!(
        global.contains(&format!("{status}")),
        "unknown path: {status}"
    );
}

/// The NRC model compiled by the library, for the reports the tests compare with.
fn nrc_compiled() -> (detente_format::Loaded, detente_engine::Conflict) {
    let loaded = detente_format::parse_toml(nrc(), "model.toml").unwrap();
    let conflict = loaded.compile(1 << 21).unwrap();
    (loaded, conflict)
}

fn as_json(report: &dyn Render) -> Value {
    let mut out = Vec::new();
    report.render(Format::Json, &mut out).unwrap();
    serde_json::from_slice(&out).unwrap()
}

#[tokio::test]
async fn foresight_is_the_libraries_report_and_refuses_bad_horizons() {
    use detente_engine::foresight::{Foresight, MAX_HORIZON, Outlook};
    let base = start(Config::default()).await;
    let (status, body) = post(
        &base,
        "/api/foresight",
        json!({"model": nrc(), "horizon": 3, "outlook": "hopeful", "states": [320]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["schema"], "detente.foresight/1");
    let (loaded, conflict) = nrc_compiled();
    let hopeful = Foresight::run(&conflict, 3, Outlook::Hopeful, &NoDeadline).unwrap();
    let cautious = Foresight::run(&conflict, 3, Outlook::Cautious, &NoDeadline).unwrap();
    let expected = as_json(&detente_report::ForesightReport {
        model: &loaded.model,
        conflict: &conflict,
        foresight: &hopeful,
        other: &cautious,
        lines_for: vec![319],
    });
    assert_eq!(body, expected);
    assert_eq!(body["lines_of_play"][0]["state"], 320, "{body}");

    for horizon in [0, MAX_HORIZON + 1] {
        let (status, body) = post(
            &base,
            "/api/foresight",
            json!({"model": nrc(), "horizon": horizon}),
        )
        .await;
        assert_error(status, &body, 422, "horizon");
    }
    let (status, body) = post(
        &base,
        "/api/foresight",
        json!({"model": nrc(), "horizon": "two"}),
    )
    .await;
    assert!((400..500).contains(&status), "{status} {body}");
    assert!(body["error"]["message"].is_string(), "{body}");
    let (status, body) = post(
        &base,
        "/api/foresight",
        json!({"model": nrc(), "states": [99999]}),
    )
    .await;
    assert_error(status, &body, 422, "no state 99999");
}

#[tokio::test]
async fn robustness_is_the_libraries_report_and_refuses_bad_settings() {
    use detente_engine::robustness::{Robustness, Settings};
    let base = start(Config::default()).await;
    let (status, body) = post(
        &base,
        "/api/robustness",
        json!({"model": nrc(), "concepts": ["nash", "seq"], "exact_limit": 0, "samples": 40, "seed": 7}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["schema"], "detente.robustness/1");
    assert_eq!(body["method"], "sampled");
    let (loaded, conflict) = nrc_compiled();
    let settings = Settings {
        concepts: vec![Concept::Nash, Concept::Seq],
        exact_limit: 0,
        samples: 40,
        seed: 7,
    };
    let robustness =
        Robustness::run(&loaded.model, &conflict, &settings, &NoDeadline, &|| {}).unwrap();
    let written = Analysis::run(&conflict, robustness.concepts(), &NoDeadline, &|| {}).unwrap();
    let expected = as_json(&detente_report::RobustnessReport {
        model: &loaded.model,
        conflict: &conflict,
        written: &written,
        robustness: &robustness,
    });
    assert_eq!(body, expected);

    let (status, body) = post(
        &base,
        "/api/robustness",
        json!({"model": nrc(), "exact_limit": 0, "samples": 0}),
    )
    .await;
    assert_error(status, &body, 422, "samples");
    let (status, body) = post(
        &base,
        "/api/robustness",
        json!({"model": nrc(), "samples": -3}),
    )
    .await;
    assert!((400..500).contains(&status), "{status} {body}");
    assert!(body["error"]["message"].is_string(), "{body}");
}

#[tokio::test]
async fn inverse_is_the_libraries_report_and_refuses_what_it_cannot_answer() {
    use detente_engine::inverse::Inverse;
    let base = start(Config::default()).await;
    let (status, body) = post(
        &base,
        "/api/inverse",
        json!({"model": nrc(), "state": 320, "vary": ["United States"], "concepts": ["nash", "gmr"],
               "count": true, "sample": 2, "seed": 5}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["schema"], "detente.inverse/1");
    let (loaded, conflict) = nrc_compiled();
    let us = loaded.model.find_dm("United States").unwrap();
    let question = Inverse::new(&conflict, 319, &[us]);
    let answers = [Concept::Nash, Concept::Gmr].map(|concept| {
        let conditions = question.conditions(concept, &NoDeadline);
        let count = Some(question.count(concept, conditions.as_ref().unwrap(), &NoDeadline));
        let samples =
            Some(question.sample(concept, conditions.as_ref().unwrap(), 2, 5, &NoDeadline));
        detente_app::ConceptAnswer {
            concept,
            conditions,
            count,
            samples,
            omitted: detente_app::Omitted::default(),
        }
    });
    let answer = detente_app::InverseAnswer {
        target: 319,
        varied: vec![us],
        answers: answers.into(),
    };
    let expected = as_json(&detente_report::InverseReport {
        model: &loaded.model,
        conflict: &conflict,
        answer: &answer,
    });
    assert_eq!(body, expected);
    // Short conditions are listed in full either way.
    let (status, full) = post(
        &base,
        "/api/inverse",
        json!({"model": nrc(), "state": 320, "vary": ["United States"], "concepts": ["nash", "gmr"],
               "count": true, "sample": 2, "seed": 5, "full": true}),
    )
    .await;
    assert_eq!(status, 200, "{full}");
    assert_eq!(full, expected);

    let (status, body) = post(
        &base,
        "/api/inverse",
        json!({"model": nrc(), "state": 320, "concepts": ["sim"]}),
    )
    .await;
    assert_error(status, &body, 422, "does not cover SIM");
    let (status, body) = post(
        &base,
        "/api/inverse",
        json!({"model": nrc(), "state": 320, "vary": ["Atlantis"]}),
    )
    .await;
    assert_error(status, &body, 422, "no decision maker called `Atlantis`");
    let (status, body) = post(
        &base,
        "/api/inverse",
        json!({"model": nrc(), "state": 320, "sample": 101}),
    )
    .await;
    assert_error(status, &body, 422, "samples");
    let (status, body) = post(&base, "/api/inverse", json!({"model": nrc()})).await;
    assert!((400..500).contains(&status), "{status} {body}");
    assert!(body["error"]["message"].is_string(), "{body}");
}

// ---------------------------------------------------------------- hostile clients

/// A server with short timeouts, for tests that wait for them.
fn impatient() -> Config {
    Config {
        header_timeout: Duration::from_millis(300),
        body_timeout: Duration::from_millis(300),
        ..Config::default()
    }
}

/// Sends `request` as it is and reads until the server closes the connection (failing
/// after 10 s); returns what it answered and how long it kept the connection.
async fn raw(base: &str, request: &str) -> (String, Duration) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let started = std::time::Instant::now();
    let mut stream = tokio::net::TcpStream::connect(base.trim_start_matches("http://"))
        .await
        .unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("the server should close the connection")
        .unwrap_or_default();
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

/// The JSON body of a raw HTTP answer.
fn raw_body(answer: &str) -> Value {
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {answer}"))
}

#[tokio::test]
async fn half_sent_requests_and_idle_connections_are_closed() {
    let base = start(impatient()).await;
    let (answer, held) = raw(&base, "GET /api/examples HTTP/1.1\r\nHost: 127.0.0.1\r\n").await;
    assert!(answer.is_empty(), "{answer}");
    assert!(held >= Duration::from_millis(250), "{held:?}");
    // A kept-alive connection is answered, then closed once idle for the timeout.
    let (answer, held) = raw(
        &base,
        "GET /api/examples HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(held >= Duration::from_millis(250), "{held:?}");
    // A body that stops coming.
    let request = "POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"model\":";
    let (answer, _) = raw(&base, request).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(raw_body(&answer)["error"]["message"].is_string());
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_their_turn() {
    let base = start(Config {
        max_connections: 1,
        ..impatient()
    })
    .await;
    let _idle = tokio::net::TcpStream::connect(base.trim_start_matches("http://"))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = std::time::Instant::now();
    let (status, _) = get(&base, "/api/examples").await;
    assert_eq!(status, 200);
    // Answered only once the idle connection was closed.
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_client_that_never_reads_its_answer_loses_its_connection() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let base = start(Config {
        max_connections: 1,
        write_timeout: Duration::from_millis(300),
        ..impatient()
    })
    .await;
    // 2^16 states under four concepts: about 7 MB of JSON, more than the sockets buffer.
    let model = detente_format::to_toml(&generate(&Shape {
        dms: 4,
        options_per_dm: 4,
        rules: 0,
        rule_width: 2,
        irreversible_percent: 0,
        preferences: PreferenceKind::Prioritization { statements: 4 },
        seed: 1,
    }));
    let body = json!({"model": model, "concepts": ["nash", "gmr", "smr", "seq"]}).to_string();
    let request = format!(
        "POST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    // A small receive buffer, so the server's writes stall early.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut greedy = socket
        .connect(base.trim_start_matches("http://").parse().unwrap())
        .await
        .unwrap();
    greedy.write_all(request.as_bytes()).await.unwrap();
    // The only connection slot is taken until the server gives up writing to it.
    let next = reqwest::Client::new()
        .get(format!("{base}/api/examples"))
        .timeout(Duration::from_secs(20))
        .send()
        .await
        .expect("the server should accept again once the write timeout closed the connection");
    assert_eq!(next.status().as_u16(), 200);
    // The answer was cut short.
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), greedy.read_to_end(&mut answer)).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.starts_with("HTTP/1.1 200"),
        "{}",
        &text[..text.len().min(200)]
    );
    let length: usize = text
        .lines()
        .find_map(|line| line.strip_prefix("content-length: "))
        .and_then(|n| n.trim().parse().ok())
        .expect("a content-length");
    let received = text
        .split_once("\r\n\r\n")
        .map_or(0, |(_, body)| body.len());
    assert!(length > 4 << 20, "{length} bytes");
    assert!(received < length, "{received} of {length} bytes");
}

#[tokio::test]
async fn a_loopback_server_answers_only_its_own_names() {
    let base = start(Config::default()).await;
    let port = base.rsplit(':').next().unwrap();
    for host in ["127.0.0.1", "localhost", "[::1]"] {
        let request = format!(
            "GET /api/examples HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n"
        );
        let (answer, _) = raw(&base, &request).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{host}: {answer}");
    }
    let request = format!(
        "GET /nothing HTTP/1.1\r\nHost: rebound.example:{port}\r\nConnection: close\r\n\r\n"
    );
    let (answer, _) = raw(&base, &request).await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    let body = raw_body(&answer);
    assert_error(403, &body, 403, "`rebound.example:");
    assert!(body["error"]["help"].is_string());
}

#[tokio::test]
async fn the_frameworks_own_refusals_are_json() {
    let base = start(Config::default()).await;
    let (status, body) = get(&base, "/api/examples/%FF").await;
    assert_error(status, &body, 400, "UTF-8");
    assert!(body["error"]["help"].is_string());
    let long = format!("/api/examples/{}", "a".repeat(20 * 1024));
    let (status, body) = get(&base, &long).await;
    assert_error(status, &body, 414, "at most 8192");
    assert!(body["error"]["help"].is_string());
}

#[tokio::test]
async fn answers_over_the_response_limit_are_refused() {
    let base = start(Config {
        max_response_bytes: 50_000,
        ..Config::default()
    })
    .await;
    let (status, body) = post(&base, "/api/analyze", json!({"model": nrc()})).await;
    assert_error(status, &body, 422, "response limit of 50000 bytes");
    assert!(body["error"]["help"].as_str().unwrap().contains("tableau"));
    let (status, _) = post(&base, "/api/tableau", json!({"model": nrc(), "limit": 20})).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_broken_gmcr_upload_is_located_in_the_file() {
    let base = start(Config::default()).await;
    let gmcr = "{\"options\": [{\"name\": \"A\"}],\n \"decisionMakers\": [{\"name\": \"D\", \"options\": [0, 4]}]}";
    for route in ["/api/check", "/api/import"] {
        let (status, body) =
            post(&base, route, json!({"model": gmcr, "file_name": "up.gmcr"})).await;
        assert_error(status, &body, 422, "lists option index 4");
        assert_eq!(body["error"]["file"], "up.gmcr", "{route}");
        assert_eq!(body["error"]["line"], 2, "{route}");
        assert_eq!(body["error"]["column"], 50, "{route}");
    }
}

#[tokio::test]
async fn concepts_come_with_their_glossary_and_states_are_looked_up_in_words() {
    let base = start(Config::default()).await;
    let (status, concepts) = get(&base, "/api/concepts").await;
    assert_eq!(status, 200);
    let concepts = concepts.as_array().unwrap();
    assert_eq!(concepts.len(), Concept::ALL.len());
    for (&concept, json) in Concept::ALL.iter().zip(concepts) {
        assert_eq!(json["key"], concept.key());
        assert_eq!(json["label"], concept.label());
        assert_eq!(json["glossary"], detente_report::glossary(concept));
        assert_eq!(json["assumes"], detente_report::assumes(concept));
    }

    let (loaded, conflict) = nrc_compiled();
    let space = conflict.space();
    let sq = conflict.status_quo().unwrap();
    let package = &loaded.model.named_states[0].name;
    let named = conflict.named_states()[0];
    let (status, body) = post(
        &base,
        "/api/states",
        json!({"model": nrc(), "states": [5, "sq", space.yn(7), package.to_uppercase()]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["schema"], "detente.states/1");
    let found: Vec<u64> = body["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_u64().unwrap())
        .collect();
    assert_eq!(found, [5, sq as u64 + 1, 8, named as u64 + 1]);
    let fifth = &body["states"][0];
    assert_eq!(fifth["yn"], space.yn(4));
    assert_eq!(
        fifth["description"],
        detente_report::describe_state(&loaded.model, &conflict, 4)
    );
    assert_eq!(body["states"][1]["status_quo"], true);
    assert_eq!(body["states"][3]["names"][0], package.as_str());

    for (states, mentions) in [
        (json!([0]), "there is no state 0"),
        (json!(["nowhere"]), "no state called `nowhere`"),
        (json!([1.5]), "states"),
        (json!(vec![1; 1001]), "at most 1000"),
    ] {
        let (status, body) = post(
            &base,
            "/api/states",
            json!({"model": nrc(), "states": states}),
        )
        .await;
        assert!(status == 422 || status == 400, "{status} {body}");
        assert_error(status, &body, status, mentions);
    }
}

#[tokio::test]
async fn forms_are_renamed_and_conditions_read_and_written() {
    let base = start(Config::default()).await;
    let (_, imported) = post(&base, "/api/import", json!({"model": nrc()})).await;
    let form = imported["form"].clone();
    // Renaming an option renames its mentions: the model analyses the same.
    let (status, renamed) = post(
        &base,
        "/api/rename",
        json!({"form": form, "kind": "option", "from": "ru_ceasefire", "to": "russia_holds_fire"}),
    )
    .await;
    assert_eq!(status, 200, "{renamed}");
    let renamed = renamed["form"].clone();
    assert!(!renamed.to_string().contains("ru_ceasefire"));
    let toml = detente_format::form_to_toml(&renamed).unwrap();
    assert_eq!(
        engine_json(&toml, &Concept::ALL)["equilibria"],
        engine_json(nrc(), &Concept::ALL)["equilibria"]
    );
    let (status, body) = post(
        &base,
        "/api/rename",
        json!({"form": renamed, "kind": "dm", "from": "us", "to": "usa"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["form"]["dm"][0]["id"], "usa");
    for (request, mentions) in [
        (
            json!({"form": form, "kind": "option", "from": "nowhere", "to": "x"}),
            "no option `nowhere`",
        ),
        (
            json!({"form": form, "kind": "option", "from": "ru_ceasefire", "to": "us_new_sanctions"}),
            "already called",
        ),
        (
            json!({"form": form, "kind": "option", "from": "ru_ceasefire", "to": "cease fire"}),
            "cannot be an option's id",
        ),
        (
            json!({"form": form, "kind": "nation", "from": "us", "to": "x"}),
            "kind",
        ),
    ] {
        let (status, body) = post(&base, "/api/rename", request).await;
        assert_error(status, &body, 422, mentions);
    }

    // Conditions as clicks: read from expressions, written from values.
    let options = json!(["a", "b", "c"]);
    let (status, body) = post(
        &base,
        "/api/values",
        json!({"options": options, "expressions": ["b & !a", "a | b", "true", "d"]}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["values"],
        json!([{"a": false, "b": true}, null, {}, null])
    );
    let (status, body) = post(
        &base,
        "/api/conjunction",
        json!({"options": options, "values": {"c": false, "a": true}}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["expression"], "a & !c");
    let (status, body) = post(
        &base,
        "/api/conjunction",
        json!({"options": options, "values": {"d": true}}),
    )
    .await;
    assert_error(status, &body, 422, "no option called `d`");
}

#[tokio::test]
async fn a_decision_makers_order_of_the_states() {
    let base = start(Config::default()).await;
    let (_, conflict) = nrc_compiled();
    let (status, body) = post(
        &base,
        "/api/ranking",
        json!({"model": nrc(), "dm": "Russia", "limit": 50}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["schema"], "detente.ranking/1");
    assert_eq!(body["state_count"], conflict.state_count());
    assert_eq!(body["listed"], 50);
    let ranks = conflict.ranks(1);
    let listed: Vec<Vec<usize>> = body["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            t["states"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["id"].as_u64().unwrap() as usize)
                .collect()
        })
        .collect();
    // Each tier ties its states, and each is below the one before.
    for pair in listed.windows(2) {
        assert!(ranks[pair[0][0] - 1] > ranks[pair[1][0] - 1]);
    }
    for tier in &listed {
        assert!(tier.iter().all(|&s| ranks[s - 1] == ranks[tier[0] - 1]));
    }
    assert_eq!(listed.concat().len(), 50);
    assert_eq!(
        ranks[listed[0][0] - 1],
        *ranks.iter().max().unwrap(),
        "the best first"
    );
    let (status, body) = post(&base, "/api/ranking", json!({"model": nrc(), "dm": "Mars"})).await;
    assert_error(status, &body, 422, "no decision maker called `Mars`");
}

/// A model of 2^20 = 1,048,576 states, different for each seed: analysing it under
/// every concept, SIM included, takes minutes.
fn million_states(seed: u64) -> String {
    detente_format::to_toml(&generate(&Shape {
        dms: 4,
        options_per_dm: 5,
        rules: 0,
        rule_width: 2,
        irreversible_percent: 0,
        preferences: PreferenceKind::Prioritization { statements: 4 },
        seed,
    }))
}

/// The default server, with an hour per request: these tests stop their analyses.
fn patient() -> Config {
    Config {
        limits: Limits {
            time: Some(Duration::from_secs(3600)),
            ..Limits::service()
        },
        ..Config::default()
    }
}

/// Every concept's key, SIM included.
fn every_concept() -> Value {
    json!(["nash", "gmr", "smr", "seq", "sim", "seqsim"])
}

/// Posts `body` to `path` as the job `job`.
async fn post_as(base: &str, path: &str, job: &str, body: Value) -> (u16, Value) {
    send(base, path, Some(job), body).await
}

/// Starts analysing a model of a million states as the job `job`, and waits until its
/// analysis runs (its model compiled, its steps counted).
async fn start_heavy(base: &str, job: &str, seed: u64) -> tokio::task::JoinHandle<(u16, Value)> {
    let (base_owned, job_owned) = (base.to_string(), job.to_string());
    let body = json!({"model": million_states(seed), "concepts": every_concept()});
    let analysis =
        tokio::spawn(async move { post_as(&base_owned, "/api/analyze", &job_owned, body).await });
    progress_when(base, job, |p| p["of"].as_u64() > Some(0)).await;
    analysis
}

/// The job's progress once `ready` holds of it (polled; the job must be running).
async fn progress_when(base: &str, job: &str, ready: impl Fn(&Value) -> bool) -> Value {
    // Compiling a million states takes a second or two; a loaded machine may take longer.
    for _ in 0..1200 {
        let (status, progress) = get(base, &format!("/api/progress/{job}")).await;
        if status == 200 && ready(&progress) {
            return progress;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the job {job} never got there");
}

#[tokio::test]
async fn a_named_analysis_reports_progress_and_stops_when_cancelled() {
    let base = start(Config {
        workers: 1,
        // Every model on the heavy lane, so that the request after the cancelled one shows
        // that its worker was freed.
        light_states: 0,
        ..patient()
    })
    .await;
    let analysis = start_heavy(&base, "big-1", 1).await;
    let progress = progress_when(&base, "big-1", |_| true).await;
    assert_eq!(progress["job"], "big-1");
    assert_eq!(progress["waiting"], false);
    assert_eq!(progress["cancelled"], false);
    // Four DMs, six concepts: a reachability step per DM and concept, and one per DM.
    assert_eq!(progress["of"], 4 * 7);
    assert!(progress["seconds"].as_f64().unwrap() > 0.0);

    // A name is one job's while it runs.
    let (status, body) = post_as(&base, "/api/check", "big-1", json!({"model": prisoners()})).await;
    assert_error(status, &body, 409, "already running");

    let (status, _) = post(&base, "/api/cancel", json!({"job": "big-1"})).await;
    assert_eq!(status, 204);
    let (status, body) = analysis.await.unwrap();
    assert_error(status, &body, 409, "cancelled");
    // Its work has ended: the name is free, and the only heavy worker takes the next request.
    let (status, body) = get(&base, "/api/progress/big-1").await;
    assert_error(status, &body, 404, "no job called `big-1` is running");
    let (status, body) = post(&base, "/api/cancel", json!({"job": "big-1"})).await;
    assert_error(status, &body, 404, "big-1");
    let (status, body) = post_as(&base, "/api/check", "big-1", json!({"model": prisoners()})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state_count"], 4);
}

#[tokio::test]
async fn small_requests_do_not_wait_for_heavy_ones() {
    let base = start(Config {
        workers: 1,
        ..patient()
    })
    .await;
    let first = start_heavy(&base, "heavy-1", 1).await;
    // The second waits for the only heavy worker.
    let body = json!({"model": million_states(2), "concepts": every_concept()});
    let second = {
        let base = base.clone();
        tokio::spawn(async move { post_as(&base, "/api/analyze", "heavy-2", body).await })
    };
    let waiting = progress_when(&base, "heavy-2", |p| p["waiting"] == true).await;
    assert_eq!(waiting["of"], 0);
    // Small models are checked, paged and looked up meanwhile, and editing goes on.
    let (status, body) = post(&base, "/api/check", json!({"model": prisoners()})).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = post(&base, "/api/tableau", json!({"model": nrc(), "limit": 5})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["rows"].as_array().unwrap().len(), 5);
    let (status, body) = post(
        &base,
        "/api/states",
        json!({"model": nrc(), "states": ["sq"]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // ... while the heavy ones are where they were: the first running, the second waiting.
    let progress = progress_when(&base, "heavy-1", |_| true).await;
    assert_eq!(progress["waiting"], false);
    let progress = progress_when(&base, "heavy-2", |_| true).await;
    assert_eq!(progress["waiting"], true);
    // Cancelled while waiting, the second never runs.
    for job in ["heavy-2", "heavy-1"] {
        let (status, _) = post(&base, "/api/cancel", json!({"job": job})).await;
        assert_eq!(status, 204);
    }
    for analysis in [first, second] {
        let (status, body) = analysis.await.unwrap();
        assert_error(status, &body, 409, "cancelled");
    }
}

#[tokio::test]
async fn an_analysis_whose_client_goes_away_stops() {
    let base = start(patient()).await;
    let analysis = start_heavy(&base, "left", 3).await;
    // The client gives up: its connection closes, and the server drops the request.
    analysis.abort();
    let _ = analysis.await;
    // Its work stops (under every concept, SIM included, it would take minutes), and the
    // name is forgotten once it has.
    for _ in 0..600 {
        let (status, _) = get(&base, "/api/progress/left").await;
        if status == 404 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the analysis went on after its client left");
}

#[tokio::test]
async fn job_names_are_checked() {
    let base = start(Config::default()).await;
    for name in ["has space", "semi;colon", "é", &"a".repeat(65)] {
        let response = reqwest::Client::new()
            .post(format!("{base}/api/check"))
            .header("x-detente-job", name.as_bytes())
            .json(&json!({"model": prisoners()}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400, "{name}");
        let body: Value = response.json().await.unwrap();
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("letters, digits or hyphens"),
            "{body}"
        );
    }
    let (status, body) = post_as(
        &base,
        "/api/check",
        &"a".repeat(64),
        json!({"model": prisoners()}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = post(&base, "/api/cancel", json!({"name": "x"})).await;
    assert_error(status, &body, 422, "job");
    let (status, body) = get(&base, "/api/progress/nothing-here").await;
    assert_error(status, &body, 404, "nothing-here");
}
