//! Who may do what: every API route for every role, against its own delegation's things
//! and another's, with the status each must get. No cell may leak what it should not.

mod support;

use detente_council::Disclosure;
use serde_json::{Value, json};
use support::{Nrc, PACKAGE, Person};

/// The roles of the matrix's columns.
const ROLES: [&str; 7] = [
    "secretariat",
    "mediator",
    "us-head",
    "ru-head",
    "observer",
    "auditor",
    "outsider",
];

fn person<'a>(nrc: &'a Nrc, outsider: &'a Person, role: &str) -> &'a Person {
    match role {
        "secretariat" => &nrc.secretariat,
        "mediator" => &nrc.mediator,
        "us-head" => nrc.head("us"),
        "ru-head" => nrc.head("russia"),
        "observer" => &nrc.observer,
        "auditor" => &nrc.auditor,
        _ => outsider,
    }
}

/// One row: a request and the status each role in [`ROLES`] gets.
struct Row {
    what: &'static str,
    method: &'static str,
    path: String,
    body: Value,
    expected: [u16; 7],
}

#[tokio::test]
async fn every_route_answers_every_role_as_it_should() {
    let nrc = Nrc::start("authorization", Disclosure::Verdicts).await;
    nrc.state_model_positions().await;
    let (status, _) = nrc
        .mediator
        .post(
            &nrc.path("/proposals"),
            json!({"title": "Package", "taken": PACKAGE}),
        )
        .await;
    assert_eq!(status, 201);
    let (ru, us) = (nrc.delegation("russia").await, nrc.delegation("us").await);
    // An account that belongs to another council only.
    let other = nrc
        .forum
        .db
        .create_council(
            None,
            "Another council",
            &detente_app::Source::Example(Some("chicken".into())),
            Disclosure::Full,
        )
        .await
        .unwrap();
    let outsider = Person::join(&nrc.forum.base, "outsider", &other.invitations[1]).await;

    let p = |rest: &str| nrc.path(rest);
    let key = ed25519_dalek::SigningKey::from_bytes(&[5; 32]);
    let key: String = key
        .verifying_key()
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let rows = vec![
        Row {
            what: "read the council",
            method: "GET",
            path: p(""),
            body: Value::Null,
            expected: [200, 200, 200, 200, 200, 200, 404],
        },
        Row {
            what: "read the record",
            method: "GET",
            path: p("/record"),
            body: Value::Null,
            expected: [200, 200, 200, 200, 200, 200, 404],
        },
        Row {
            what: "read its own position",
            method: "GET",
            path: p("/position"),
            body: Value::Null,
            expected: [403, 403, 200, 200, 403, 403, 404],
        },
        Row {
            what: "read Russia's position",
            method: "GET",
            path: p(&format!("/delegations/{ru}/position")),
            body: Value::Null,
            expected: [403, 403, 403, 200, 403, 403, 404],
        },
        Row {
            what: "read the US's position",
            method: "GET",
            path: p(&format!("/delegations/{us}/position")),
            body: Value::Null,
            expected: [403, 403, 200, 403, 403, 403, 404],
        },
        Row {
            what: "state a position",
            method: "POST",
            path: p("/position"),
            body: json!({"preferences": [{"statement": "ru_ceasefire"}]}),
            expected: [403, 403, 201, 201, 403, 403, 404],
        },
        Row {
            what: "grant a caucus",
            method: "POST",
            path: p("/caucus"),
            body: json!({"granted": false}),
            expected: [403, 403, 200, 200, 403, 403, 404],
        },
        Row {
            what: "table a proposal",
            method: "POST",
            path: p("/proposals"),
            body: json!({"title": "T", "taken": PACKAGE}),
            expected: [403, 201, 201, 201, 403, 403, 404],
        },
        Row {
            what: "read the proposals",
            method: "GET",
            path: p("/proposals"),
            body: Value::Null,
            expected: [200, 200, 200, 200, 200, 200, 404],
        },
        Row {
            what: "answer a proposal",
            method: "POST",
            path: p("/proposals/1/responses"),
            body: json!({"version": 1, "answer": "reserve"}),
            expected: [403, 403, 201, 201, 403, 403, 404],
        },
        Row {
            what: "amend another's proposal",
            method: "POST",
            path: p("/proposals/1/amendments"),
            body: json!({"taken": PACKAGE}),
            expected: [403, 201, 403, 403, 403, 403, 404],
        },
        Row {
            what: "start a silence procedure",
            method: "POST",
            path: p("/proposals/2/silence"),
            body: json!({"minutes": 60}),
            expected: [403, 201, 403, 403, 403, 403, 404],
        },
        Row {
            what: "ask the engine",
            method: "POST",
            path: p("/proposals/1/answers"),
            body: json!({}),
            expected: [403, 201, 201, 201, 403, 403, 404],
        },
        Row {
            what: "read the engine's answers",
            method: "GET",
            path: p("/proposals/1/answers"),
            body: Value::Null,
            expected: [200, 200, 200, 200, 200, 200, 404],
        },
        Row {
            what: "read the plenary",
            method: "GET",
            path: p("/talk/plenary"),
            body: Value::Null,
            expected: [200, 200, 200, 200, 200, 200, 404],
        },
        Row {
            what: "speak in the plenary",
            method: "POST",
            path: p("/talk/plenary"),
            body: json!({"body": "Good morning."}),
            expected: [201, 201, 201, 201, 403, 403, 404],
        },
        Row {
            what: "read Russia's caucus",
            method: "GET",
            path: p(&format!("/talk/caucus-{ru}")),
            body: Value::Null,
            expected: [403, 200, 403, 200, 403, 403, 404],
        },
        Row {
            what: "speak in Russia's caucus",
            method: "POST",
            path: p(&format!("/talk/caucus-{ru}")),
            body: json!({"body": "In confidence."}),
            expected: [403, 201, 403, 201, 403, 403, 404],
        },
        Row {
            // The US head registers the key; the same key is then another member's.
            what: "register a key to cosign with",
            method: "POST",
            path: p("/keys"),
            body: json!({"key": key}),
            expected: [403, 403, 201, 409, 403, 403, 404],
        },
        Row {
            what: "read the cosignatures",
            method: "GET",
            path: p("/cosignatures"),
            body: Value::Null,
            expected: [200, 200, 200, 200, 200, 200, 404],
        },
        Row {
            // A root the server does not have (409 for the key's owner), a key that is
            // not Russia's own (400).
            what: "cosign the record",
            method: "POST",
            path: p("/cosignatures"),
            body: json!({"size": 1, "root": "00".repeat(32), "key": key, "signature": "00".repeat(64)}),
            expected: [403, 403, 409, 400, 403, 403, 404],
        },
        Row {
            what: "invite a delegate",
            method: "POST",
            path: p("/invitations"),
            body: json!({"role": "delegate"}),
            expected: [400, 403, 201, 201, 403, 403, 404],
        },
        Row {
            what: "invite an observer",
            method: "POST",
            path: p("/invitations"),
            body: json!({"role": "observer"}),
            expected: [201, 403, 403, 403, 403, 403, 404],
        },
    ];
    let mut wrong = Vec::new();
    for row in &rows {
        for (role, &expected) in ROLES.iter().zip(&row.expected) {
            let who = person(&nrc, &outsider, role);
            let (status, body) = match row.method {
                "GET" => who.get(&row.path).await,
                _ => who.post(&row.path, row.body.clone()).await,
            };
            if status != expected {
                wrong.push(format!(
                    "{role} may {}: expected {expected}, got {status}: {body}",
                    row.what
                ));
            }
            if status >= 400 {
                assert!(
                    body["error"]["message"].is_string(),
                    "{role}, {}: an error says why: {body}",
                    row.what
                );
                let text = body.to_string();
                assert!(
                    !text.contains("statement"),
                    "{role}, {}: a refusal leaks nothing: {text}",
                    row.what
                );
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // The mediator's detail and the delegations' view of the same answer.
    for role in ROLES.iter().take(6) {
        let (_, answers) = person(&nrc, &outsider, role)
            .get(&p("/proposals/1/answers"))
            .await;
        let detail = !answers[0]["detail"].is_null();
        assert_eq!(
            detail,
            *role == "mediator",
            "{role} is told the detail: {detail}"
        );
    }

    // A caucus lets the mediator read that delegation's position, and no other.
    let (status, _) = nrc
        .head("russia")
        .post(&p("/caucus"), json!({"granted": true}))
        .await;
    assert_eq!(status, 200);
    let (status, positions) = nrc
        .mediator
        .get(&p(&format!("/delegations/{ru}/position")))
        .await;
    assert_eq!(status, 200, "{positions}");
    assert!(positions[0]["body"]["preferences"].is_array());
    let (status, _) = nrc
        .mediator
        .get(&p(&format!("/delegations/{us}/position")))
        .await;
    assert_eq!(status, 403);
    let (status, _) = nrc
        .head("us")
        .get(&p(&format!("/delegations/{ru}/position")))
        .await;
    assert_eq!(status, 403, "a caucus is for the mediator only");
    let (_, record) = nrc.observer.get(&p("/record")).await;
    assert!(
        record
            .to_string()
            .contains("Russia let the mediator read its position (a caucus)."),
        "the grant is on the record"
    );

    // No session: 401 everywhere.
    let nobody = Person::anonymous(&nrc.forum.base);
    for row in &rows {
        let (status, _) = match row.method {
            "GET" => nobody.get(&row.path).await,
            _ => nobody.post(&row.path, row.body.clone()).await,
        };
        assert!(status == 401 || status == 403, "{}: {status}", row.what);
    }
}

#[tokio::test]
async fn pages_follow_the_same_rules() {
    let nrc = Nrc::start("pages", Disclosure::Verdicts).await;
    nrc.state_model_positions().await;
    let ru = nrc.delegation("russia").await;
    let (status, page) = nrc
        .head("russia")
        .page(&format!("/councils/{}/position", nrc.council))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("ru_ceasefire"), "its own position is shown");
    for who in [&nrc.mediator, nrc.head("us"), &nrc.observer] {
        let (status, page) = who
            .page(&format!(
                "/councils/{}/delegations/{ru}/position",
                nrc.council
            ))
            .await;
        assert_eq!(status, 403, "{page}");
        assert!(!page.contains("ru_ceasefire"));
    }
    let (status, page) = nrc
        .observer
        .page(&format!("/councils/{}", nrc.council))
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("NATO-Russia Council") && !page.contains("Table a package"),
        "an observer reads but cannot table"
    );
    let (status, page) = Person::anonymous(&nrc.forum.base)
        .page(&format!("/councils/{}", nrc.council))
        .await;
    assert_eq!(status, 401);
    assert!(page.contains("Log in"));
}

/// Reads a server-sent event stream until `until` appears in it (or 30 s pass).
async fn read_stream(response: &mut reqwest::Response, until: &str) -> String {
    let started = std::time::Instant::now();
    let mut seen = String::new();
    while !seen.contains(until) && started.elapsed() < std::time::Duration::from_secs(30) {
        if let Ok(Ok(Some(chunk))) =
            tokio::time::timeout(std::time::Duration::from_secs(5), response.chunk()).await
        {
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
    seen
}

#[tokio::test]
async fn live_updates_carry_a_caucus_only_to_its_delegation_and_the_mediator() {
    let nrc = Nrc::start("live", Disclosure::Verdicts).await;
    let ru = nrc.delegation("russia").await;
    let stream = |who: &Person| {
        who.client
            .get(format!("{}{}", nrc.forum.base, nrc.path("/events?after=0")))
            .send()
    };
    let mut streams = [
        stream(&nrc.mediator).await.unwrap(),
        stream(nrc.head("russia")).await.unwrap(),
        stream(nrc.head("us")).await.unwrap(),
        stream(&nrc.observer).await.unwrap(),
    ];
    let (status, _) = nrc
        .head("russia")
        .post(
            &nrc.path(&format!("/talk/caucus-{ru}")),
            json!({"body": "Our red line, in confidence."}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = nrc
        .mediator
        .post(
            &nrc.path("/talk/plenary"),
            json!({"body": "The session is open."}),
        )
        .await;
    assert_eq!(status, 201);
    let mut seen = Vec::new();
    for response in &mut streams {
        seen.push(read_stream(response, "The session is open.").await);
    }
    for (who, text) in ["mediator", "Russia's head", "the US head", "the observer"]
        .iter()
        .zip(&seen)
    {
        assert!(
            text.contains("event: record"),
            "{who} is sent the record: {text}"
        );
        assert!(
            text.contains("The session is open."),
            "{who} is sent the plenary: {text}"
        );
    }
    assert!(seen[0].contains("Our red line") && seen[1].contains("Our red line"));
    assert!(
        !seen[2].contains("Our red line") && !seen[3].contains("Our red line"),
        "a caucus reaches no one else"
    );
}

/// A session ends after the idle time without a request, and each request within it
/// pushes the end back: the account is still logged in past the first idle time because
/// it kept asking, and logged out after a whole idle time of silence.
#[tokio::test]
async fn a_session_ends_after_the_idle_time_without_requests() {
    use std::time::Duration;
    let idle = Duration::from_secs(6);
    let forum = support::start_with_idle("idle-session", idle).await;
    let created = forum
        .db
        .create_council(
            None,
            "Idle",
            &detente_app::Source::Example(None),
            Disclosure::Verdicts,
        )
        .await
        .unwrap();
    let person = Person::join(&forum.base, "observer", &created.invitations[0]).await;
    let council = format!("/api/councils/{}", created.council);
    for _ in 0..2 {
        // 3.5 s apart: more than a quarter of the idle time, so each use is stored, and
        // together past the first idle time (7 s > 6 s).
        tokio::time::sleep(Duration::from_millis(3500)).await;
        let (status, body) = person.get(&council).await;
        assert_eq!(status, 200, "a session in use stays open: {body}");
    }
    tokio::time::sleep(idle + Duration::from_secs(1)).await;
    let (status, body) = person.get(&council).await;
    assert_eq!(status, 401, "after the idle time: {body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("not logged in")),
        "{body}"
    );
}
