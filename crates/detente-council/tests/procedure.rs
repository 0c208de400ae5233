//! The council's procedure through its JSON API, on the NRC council: private positions,
//! tabling, the engine's verdicts disclosed by role, amendments that reset answers,
//! consensus, silence, and bad input refused with a clear 4xx.

mod support;

use detente_council::Disclosure;
use serde_json::json;
use support::{Nrc, PACKAGE, Person};

#[tokio::test]
async fn a_package_is_tabled_judged_amended_and_adopted_by_consensus() {
    let nrc = Nrc::start("consensus", Disclosure::Verdicts).await;
    // Before every delegation has stated a position, the engine cannot answer.
    let (status, proposal) = nrc
        .mediator
        .post(
            &nrc.path("/proposals"),
            json!({"title": "Proposed package", "taken": PACKAGE}),
        )
        .await;
    assert_eq!(status, 201, "{proposal}");
    assert_eq!(proposal["number"], 1);
    assert_eq!(
        proposal["versions"][0]["state"], 320,
        "the package is state 320 of the NRC model"
    );
    let (status, refused) = nrc
        .mediator
        .post(&nrc.path("/proposals/1/answers"), json!({}))
        .await;
    assert_eq!(status, 409, "{refused}");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("still to do so: United States, Russia, Ukraine and NATO allies"),
        "{message}"
    );

    nrc.state_model_positions().await;
    let (status, answer) = nrc
        .mediator
        .post(&nrc.path("/proposals/1/answers"), json!({}))
        .await;
    assert_eq!(status, 201, "{answer}");
    // On the model's own preferences the package holds under GMR, SMR and SEQ, not Nash
    // (as `detente` says of the named state "Proposed package").
    assert_eq!(answer["verdict"]["holds"], json!(["GMR", "SMR", "SEQ"]));
    let words = answer["verdict"]["words"].as_str().unwrap();
    assert!(
        words.starts_with("\"Proposed package\" (state 320: "),
        "{words}"
    );
    assert!(
        words.contains("It fails if each side looks only at its immediate gain (Nash)"),
        "{words}"
    );
    // The mediator is told who would defect; a delegation only the verdict.
    let temptations = answer["detail"]["temptations"].as_array().unwrap();
    assert!(
        temptations.iter().any(|t| t
            .as_str()
            .unwrap()
            .starts_with("Russia would gain by dropping Russia accepts ceasefire")),
        "{temptations:?}"
    );
    let (_, seen) = nrc
        .head("russia")
        .get(&nrc.path("/proposals/1/answers"))
        .await;
    assert_eq!(seen[0]["verdict"]["holds"], json!(["GMR", "SMR", "SEQ"]));
    assert!(
        seen[0]["detail"].is_null(),
        "a delegation is not told the detail: {seen}"
    );
    let (_, seen) = nrc.observer.get(&nrc.path("/proposals/1/answers")).await;
    assert!(seen[0]["detail"].is_null());

    // Three accept, Russia rejects: no decision.
    for dm in ["us", "ukraine", "allies"] {
        let (status, body) = nrc
            .head(dm)
            .post(
                &nrc.path("/proposals/1/responses"),
                json!({"version": 1, "answer": "accept"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        assert!(body["decision"].is_null());
    }
    let (status, body) = nrc
        .head("russia")
        .post(&nrc.path("/proposals/1/responses"), json!({"version": 1, "answer": "reject", "statement": "Without the NATO door closed, no."}))
        .await;
    assert_eq!(status, 201, "{body}");
    assert!(body["decision"].is_null());

    // The mediator amends: the alliance rules out Ukraine's membership. Every answer resets.
    let amended: Vec<&str> = PACKAGE
        .iter()
        .copied()
        .chain(["allies_close_door"])
        .collect();
    let (status, body) = nrc
        .mediator
        .post(
            &nrc.path("/proposals/1/amendments"),
            json!({"taken": amended, "note": "Russia's condition met by the alliance."}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["versions"][1]["version"], 2);
    assert_eq!(body["versions"][1]["state"], 800);
    assert_eq!(body["versions"][1]["responses"], json!([]));
    // An answer to the old version is refused.
    let (status, body) = nrc
        .head("us")
        .post(
            &nrc.path("/proposals/1/responses"),
            json!({"version": 1, "answer": "accept"}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("is at version 2")
    );
    // Tabling computed the verdict on the amendment.
    let (_, answers) = nrc
        .head("ukraine")
        .get(&nrc.path("/proposals/1/answers"))
        .await;
    assert_eq!(answers[0]["version"], 2);
    assert_eq!(
        answers[0]["verdict"]["holds"],
        json!(["GMR", "SMR", "SEQ", "SIM", "SEQ&SIM"])
    );

    for dm in ["us", "russia", "ukraine", "allies"] {
        let (status, body) = nrc
            .head(dm)
            .post(
                &nrc.path("/proposals/1/responses"),
                json!({"version": 2, "answer": "accept"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (_, proposal) = nrc.observer.get(&nrc.path("/proposals/1")).await;
    assert_eq!(proposal["decision"]["procedure"], "consensus");
    assert_eq!(proposal["decision"]["version"], 2);
    let (status, _) = nrc
        .head("russia")
        .post(
            &nrc.path("/proposals/1/responses"),
            json!({"version": 2, "answer": "reject"}),
        )
        .await;
    assert_eq!(status, 409, "an adopted proposal takes no more answers");

    // The record tells the story and holds no position's content.
    let (_, record) = nrc.auditor.get(&nrc.path("/record")).await;
    let summaries: Vec<&str> = record
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["summary"].as_str().unwrap())
        .collect();
    assert!(
        summaries
            .iter()
            .any(|s| s.contains("Russia stated its position (version 1); its content is private")),
        "{summaries:#?}"
    );
    assert!(
        summaries
            .iter()
            .any(|s| s.contains("asked the engine whether proposal 1 (version 1) can hold"))
    );
    assert!(
        summaries.last().unwrap().starts_with(
            "The council adopted proposal 1, \"Proposed package\" (version 2), by consensus"
        ),
        "{summaries:#?}"
    );
    let text = record.to_string();
    assert!(
        !text.contains("ru_ceasefire if"),
        "no preference statement reaches the record"
    );
    let seqs: Vec<i64> = record
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(
        seqs,
        (1..=seqs.len() as i64).collect::<Vec<_>>(),
        "the record is numbered without gaps"
    );
}

#[tokio::test]
async fn under_mediator_disclosure_delegations_learn_only_that_the_engine_was_asked() {
    let nrc = Nrc::start("mediator-only", Disclosure::Mediator).await;
    nrc.state_model_positions().await;
    let (status, body) = nrc
        .head("ukraine")
        .post(
            &nrc.path("/proposals"),
            json!({"title": "Package", "taken": PACKAGE}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (_, answers) = nrc
        .head("ukraine")
        .get(&nrc.path("/proposals/1/answers"))
        .await;
    assert_eq!(answers.as_array().unwrap().len(), 1);
    assert!(
        answers[0]["verdict"].is_null() && answers[0]["detail"].is_null(),
        "{answers}"
    );
    let (_, answers) = nrc.mediator.get(&nrc.path("/proposals/1/answers")).await;
    assert_eq!(answers[0]["verdict"]["holds"], json!(["GMR", "SMR", "SEQ"]));
    assert!(answers[0]["detail"]["temptations"].is_array());
    let (_, record) = nrc.observer.get(&nrc.path("/record")).await;
    let asked = record
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "engine.asked")
        .unwrap();
    assert!(
        asked["summary"]
            .as_str()
            .unwrap()
            .ends_with("The answer was told to the mediator only."),
        "{asked}"
    );
    assert!(asked["body"]["verdict"].is_null());
}

#[tokio::test]
async fn a_silence_procedure_adopts_unless_broken() {
    let nrc = Nrc::start("silence", Disclosure::Verdicts).await;
    for title in ["First", "Second"] {
        let (status, body) = nrc
            .mediator
            .post(
                &nrc.path("/proposals"),
                json!({"title": title, "taken": PACKAGE}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    for n in [1, 2] {
        let (status, body) = nrc
            .mediator
            .post(
                &nrc.path(&format!("/proposals/{n}/silence")),
                json!({"minutes": 60}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, _) = nrc
        .head("us")
        .post(&nrc.path("/proposals/1/silence"), json!({"minutes": 60}))
        .await;
    assert_eq!(status, 403, "only the mediator runs a silence procedure");
    // Russia breaks the silence on the second proposal.
    let (status, body) = nrc
        .head("russia")
        .post(
            &nrc.path("/proposals/2/responses"),
            json!({"version": 1, "answer": "reject"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    // The deadlines pass.
    sqlx::query("UPDATE silences SET deadline = 0")
        .execute(nrc.forum.db.pool())
        .await
        .unwrap();
    let (_, proposals) = nrc.observer.get(&nrc.path("/proposals")).await;
    assert_eq!(
        proposals[0]["decision"]["procedure"], "silence",
        "{proposals}"
    );
    assert!(proposals[1]["decision"].is_null(), "{proposals}");
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx() {
    let nrc = Nrc::start("bad-input", Disclosure::Verdicts).await;
    let cases = [
        (
            json!({"title": "x", "taken": ["no_such_option"]}),
            422,
            "the model has no option `no_such_option`",
        ),
        (
            json!({"title": "x", "taken": ["us_propose_nrc", "us_propose_nrc"]}),
            422,
            "named twice",
        ),
        (json!({"title": "", "taken": []}), 400, "the title is empty"),
        (json!({"title": "x"}), 422, "missing field `taken`"),
    ];
    for (body, status, expected) in cases {
        let (got, reply) = nrc
            .mediator
            .post(&nrc.path("/proposals"), body.clone())
            .await;
        assert_eq!(got, status, "{body} → {reply}");
        let message = reply["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(expected), "{body} → {reply}");
    }
    let (status, reply) = nrc
        .mediator
        .post(
            &nrc.path("/proposals"),
            json!({"title": "Both ways", "taken": ["us_sanctions_relief", "us_new_sanctions"]}),
        )
        .await;
    assert_eq!(status, 422, "{reply}");
    let message = reply["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("is not a feasible state: a feasibility rule of the model excludes it"),
        "{message}"
    );
    assert!(
        reply["error"]["help"].as_str().unwrap().contains("rules"),
        "{reply}"
    );
    let bad_position = json!({"preferences": [{"statement": "ru_ceasefire &"}]});
    let (status, reply) = nrc
        .head("russia")
        .post(&nrc.path("/position"), bad_position)
        .await;
    assert_eq!(status, 422, "{reply}");
    let (status, reply) = nrc
        .head("russia")
        .post(&nrc.path("/position"), json!({"option": []}))
        .await;
    assert_eq!(status, 422, "{reply}");
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`option`")
    );
    let (status, reply) = nrc
        .head("russia")
        .post(
            &nrc.path("/proposals/1/responses"),
            json!({"version": 1, "answer": "maybe"}),
        )
        .await;
    assert!(status == 400 || status == 404, "{status} {reply}");
    let (status, reply) = nrc.head("russia").get("/api/councils/999").await;
    assert_eq!(status, 404, "{reply}");
    let (status, _) = nrc
        .head("russia")
        .post(&nrc.path("/talk/caucus-banana"), json!({"body": "hi"}))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn logins_are_limited_and_changes_need_the_csrf_token() {
    let nrc = Nrc::start("login", Disclosure::Verdicts).await;
    let stranger = Person::anonymous(&nrc.forum.base);
    for _ in 0..detente_council::MAX_FAILED_LOGINS {
        let (status, body) = stranger
            .post(
                "/api/login",
                json!({"name": "mediator", "password": "wrong password"}),
            )
            .await;
        assert_eq!(status, 401, "{body}");
    }
    let (status, body) = stranger
        .post(
            "/api/login",
            json!({"name": "mediator", "password": support::PASSWORD}),
        )
        .await;
    assert_eq!(status, 429, "{body}");
    // Another account is not locked out.
    let (status, body) = stranger
        .post(
            "/api/login",
            json!({"name": "observer", "password": support::PASSWORD}),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // The head's own session, without the token: refused; with it: accepted.
    let head = nrc.head("us");
    let response = head
        .client
        .post(format!("{}{}", nrc.forum.base, nrc.path("/talk/plenary")))
        .json(&json!({"body": "hello"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    let response = head
        .client
        .post(format!(
            "{}/councils/{}/talk/plenary",
            nrc.forum.base, nrc.council
        ))
        .form(&[("body", "hello")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        403,
        "a form without the token is refused"
    );
    let (status, _) = head
        .post(&nrc.path("/talk/plenary"), json!({"body": "hello"}))
        .await;
    assert_eq!(status, 201);
    // After logging out the session is gone.
    let (status, _) = head.post("/api/logout", json!({})).await;
    assert_eq!(status, 200);
    let (status, _) = head.get(&nrc.path("")).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_non_paper_is_answered_but_never_adopted() {
    let nrc = Nrc::start("non-paper", Disclosure::Verdicts).await;
    let (status, body) = nrc
        .head("ukraine")
        .post(
            &nrc.path("/proposals"),
            json!({"title": "Ideas", "taken": PACKAGE, "non_paper": true}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["non_paper"], true);
    for dm in ["us", "russia", "ukraine", "allies"] {
        let (status, body) = nrc
            .head(dm)
            .post(
                &nrc.path("/proposals/1/responses"),
                json!({"version": 1, "answer": "accept"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        assert!(
            body["decision"].is_null(),
            "a non-paper is not adopted: {body}"
        );
    }
    let (status, body) = nrc
        .mediator
        .post(&nrc.path("/proposals/1/silence"), json!({"minutes": 5}))
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("non-paper")
    );
    let (_, record) = nrc.observer.get(&nrc.path("/record")).await;
    assert!(
        record
            .to_string()
            .contains("tabled non-paper 1, \\\"Ideas\\\""),
        "{record}"
    );
}

/// Every route of the API is in the OpenAPI description, and every path described answers
/// (a refusal for want of a session, not "no such page").
#[tokio::test]
async fn the_openapi_description_covers_every_route() {
    let nrc = Nrc::start("openapi", Disclosure::Verdicts).await;
    let (status, description) = nrc.observer.get("/api/openapi.json").await;
    assert_eq!(status, 200);
    let described: Vec<String> = description["paths"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let source = include_str!("../src/api.rs");
    // Each `.route(` call, however rustfmt wrapped it, names its path first.
    let routed: Vec<&str> = source
        .split(".route(")
        .skip(1)
        .filter_map(|rest| rest.trim_start().strip_prefix('"')?.split('"').next())
        .collect();
    assert!(routed.len() >= 20, "{routed:?}");
    for path in &routed {
        assert!(
            described.iter().any(|d| d == path),
            "{path} is routed but not described"
        );
    }
    let nobody = Person::anonymous(&nrc.forum.base);
    for path in &described {
        let concrete = path
            .replace("{council}", "1")
            .replace("{number}", "1")
            .replace("{delegation}", "1")
            .replace("{channel}", "plenary");
        for method in description["paths"][path].as_object().unwrap().keys() {
            let (status, body) = match method.as_str() {
                "get" => nobody.get(&concrete).await,
                _ => nobody.post(&concrete, json!({})).await,
            };
            let missing = body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("there is no page"));
            assert!(
                !missing && status != 405,
                "{method} {path}: {status} {body}"
            );
        }
    }
}
