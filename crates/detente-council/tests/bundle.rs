//! The council's record exported as a bundle and verified offline: both editions verify;
//! every kind of tampering (a changed event, a truncated file, reordered or missing
//! events, a checkpoint from another council or server or altered, an altered or
//! removed opening, a cosignature the server could have made up, a record rewritten in
//! the database) fails with its own message naming the event or checkpoint at fault;
//! flipping bytes all through the events never passes and never panics; and the minutes
//! give every event under its heading with its number.

mod support;

use detente_app::Source;
use detente_council::{
    Amendment, Answer, Backend, Bundle, Channel, Checkpoint, Cosigning, DEMO_PASSWORD, Db,
    Disclosure, Edition, Member, Minutes, Tabling,
};
use ed25519_dalek::{Signer, SigningKey};
use serde_json::json;
use support::PACKAGE;

/// The demo's NRC council taken further through the library, as its members would:
/// an auditor keeps a checkpoint, Russia grants a caucus and restates its position
/// and rejects the package, the mediator amends it, every delegation accepts the
/// amendment (a decision by consensus), and the United States tables a non-paper.
/// 30 events: the decision is event 28; 5 positions are committed to.
async fn council(name: &str) -> (Db, i64) {
    let db = Db::open(&support::fresh_database(name).await)
        .await
        .unwrap();
    let demo = db
        .seed_demo("NATO-Russia Council", &Source::Example(None))
        .await
        .unwrap();
    let member = async |name: &str| member(&db, demo.council, name).await;
    let auditor = member("auditor").await;
    assert_eq!(db.checkpoint(&auditor).await.unwrap().size, 15);
    let russia = member("russia-head").await;
    db.grant_caucus(&russia, true).await.unwrap();
    let example = detente_examples::default_example();
    let form = detente_format::form_of_file(example.source, example.file_name).unwrap();
    let position = detente_app::position_in(&form, "russia").unwrap();
    db.state_position(&russia, &position).await.unwrap();
    for dm in ["us", "ukraine", "allies"] {
        let head = member(&format!("{dm}-head")).await;
        db.respond(&head, 1, 1, Answer::Accept, "").await.unwrap();
    }
    db.respond(
        &russia,
        1,
        1,
        Answer::Reject,
        "Not without the door closed.",
    )
    .await
    .unwrap();
    let mediator = member("mediator").await;
    let amended: Vec<String> = PACKAGE
        .iter()
        .chain(&["allies_close_door"])
        .map(|o| o.to_string())
        .collect();
    db.amend(
        &mediator,
        1,
        &Amendment {
            taken: amended,
            note: "Russia's condition met.".into(),
        },
    )
    .await
    .unwrap();
    for dm in ["us", "russia", "ukraine", "allies"] {
        let head = member(&format!("{dm}-head")).await;
        db.respond(&head, 1, 2, Answer::Accept, "").await.unwrap();
    }
    let us = member("us-head").await;
    db.table(
        &us,
        &Tabling {
            title: "Talks first".into(),
            taken: vec![
                "us_propose_nrc".into(),
                "ru_ceasefire".into(),
                "ua_ceasefire".into(),
            ],
            non_paper: true,
            note: String::new(),
        },
    )
    .await
    .unwrap();
    (db, demo.council)
}

/// The demo account `name`'s membership of council `council`.
async fn member(db: &Db, council: i64, name: &str) -> Member {
    let account = db.log_in(name, DEMO_PASSWORD).await.unwrap();
    db.member(account.id, council).await.unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn problems(bundle: &Bundle) -> Vec<String> {
    bundle.verify(None).problems
}

/// Asserts that `bundle` fails with exactly one problem, which says `expected`.
fn fails_with(bundle: &Bundle, expected: &str) {
    let found = problems(bundle);
    assert!(
        found.len() == 1 && found[0].contains(expected),
        "expected one problem saying {expected:?}, found {found:#?}"
    );
}

#[tokio::test]
async fn both_editions_verify_and_the_public_one_opens_nothing() {
    let (db, council) = council("bundle-editions").await;
    let full = db.export(council, Edition::Full).await.unwrap();
    let verification = full.verify(None);
    assert_eq!(verification.problems, Vec::<String>::new());
    assert_eq!(
        verification.verdict(),
        "The record of council 1 \"NATO-Russia Council\" verifies: 30 events, 3 signed checkpoints, 5 private commitments opened and matching."
    );
    // One checkpoint a member was shown, one at the decision, one at the end; each
    // two linked by a proof, and every event proved in the last.
    let sizes: Vec<u64> = full.checkpoints.iter().map(|c| c.size).collect();
    assert_eq!(sizes, [15, 28, 30]);
    assert_eq!(full.events[27].kind, "decision.adopted");
    assert_eq!(full.consistency.len(), 2);
    assert_eq!(full.inclusion.len(), 30);
    // The same key the server shows members, and the file reads back as written.
    let auditor = member(&db, council, "auditor").await;
    assert_eq!(full.key, db.checkpoint(&auditor).await.unwrap().key);
    let read = Bundle::read(full.to_json().as_bytes()).unwrap();
    assert!(read.verify(Some(&full.key.to_uppercase())).verifies());

    let public = db.export(council, Edition::Public).await.unwrap();
    assert_eq!(
        public.verify(None).verdict(),
        "The record of council 1 \"NATO-Russia Council\" verifies: 30 events, 3 signed checkpoints, 5 private commitments (not opened: this is the public edition)."
    );
    let (full_text, public_text) = (full.to_json(), public.to_json());
    let openings = full.openings.as_ref().unwrap();
    assert_eq!(openings.len(), 5);
    assert!(full_text.contains(&openings[0].salt));
    assert!(!public_text.contains("\"openings\""));
    for opening in openings {
        assert!(
            !public_text.contains(&opening.salt),
            "a salt is in the public edition"
        );
        let statement = opening.content["preferences"][0]["statement"]
            .as_str()
            .unwrap();
        assert!(full_text.contains(statement));
        assert!(
            !public_text.contains(statement),
            "the public edition shows {statement:?}"
        );
    }
    // The export signs what it covers once: a second one adds no checkpoint.
    let again = db.export(council, Edition::Public).await.unwrap();
    assert_eq!(again.checkpoints, public.checkpoints);
}

#[tokio::test]
async fn each_kind_of_tampering_is_named_with_the_event_or_checkpoint_at_fault() {
    let (db, council) = council("bundle-tampering").await;
    let good = db.export(council, Edition::Full).await.unwrap();
    assert!(good.verify(None).verifies());

    // An event's content changed after signing: named, with the checkpoint it breaks.
    let mut changed = good.clone();
    changed.events[16].summary.push('!');
    fails_with(
        &changed,
        "event 17 does not match the record the server signed: it was changed after the checkpoint at size 28 was signed",
    );
    let mut changed = good.clone();
    changed.events[0].body["agenda"]["dm"][0]["name"] = json!("Someone else");
    fails_with(
        &changed,
        "event 1 does not match the record the server signed",
    );

    // An inclusion proof changed, the events intact: the proof is named, not the event.
    let mut changed = good.clone();
    let proof = &mut changed.inclusion[4].proof;
    let flipped = if proof.starts_with('0') { "1" } else { "0" };
    proof.replace_range(0..1, flipped);
    fails_with(
        &changed,
        "the inclusion proof of event 5 does not verify, though the events match the signed tree heads: the proof was changed",
    );

    // Reordered, missing and extra events.
    let mut reordered = good.clone();
    reordered.events.swap(10, 11);
    fails_with(
        &reordered,
        "the events are out of order: event 12 comes before event 11",
    );
    let mut cut = good.clone();
    cut.events.truncate(28);
    fails_with(
        &cut,
        "the checkpoint at size 30 signs 30 events, but the bundle holds 28: 2 events are missing",
    );
    let mut gap = good.clone();
    gap.events.remove(4);
    let found = problems(&gap);
    assert_eq!(
        found[0], "event 5 is missing: event 4 is followed by event 6",
        "{found:#?}"
    );
    let mut twice = good.clone();
    twice.events.insert(5, twice.events[4].clone());
    assert_eq!(
        problems(&twice)[0],
        "event 5 appears a second time, in place 6"
    );
    let mut extra = good.clone();
    let mut added = extra.events[29].clone();
    added.seq = 31;
    extra.events.push(added);
    fails_with(
        &extra,
        "event 31 is covered by no checkpoint the server signed",
    );

    // Checkpoints from another council, from another server, and altered.
    let other = db
        .create_council(
            None,
            "Another council",
            &Source::Example(None),
            Disclosure::Verdicts,
        )
        .await
        .unwrap();
    let elsewhere = db.export(other.council, Edition::Full).await.unwrap();
    let mut substituted = good.clone();
    substituted.checkpoints[0] = elsewhere.checkpoints[0].clone();
    fails_with(
        &substituted,
        "the checkpoint at size 1 is of council 2, not council 1: it was taken from another council's record",
    );
    let server = Db::open(&support::fresh_database("bundle-other-server").await)
        .await
        .unwrap();
    let created = server
        .create_council(
            None,
            "NATO-Russia Council",
            &Source::Example(None),
            Disclosure::Verdicts,
        )
        .await
        .unwrap();
    let foreign = server.export(created.council, Edition::Full).await.unwrap();
    assert_eq!(foreign.council, council);
    let mut substituted = good.clone();
    substituted.checkpoints[0] = foreign.checkpoints[0].clone();
    fails_with(
        &substituted,
        &format!(
            "the checkpoint at size 1 is signed with another key ({}) than the bundle's server key ({}): it was taken from another server's record",
            foreign.key, good.key
        ),
    );
    let mut altered = good.clone();
    altered.checkpoints[1].root = good.checkpoints[0].root.clone();
    fails_with(
        &altered,
        "the signature of the checkpoint at size 28 does not verify: the checkpoint was changed or substituted after the server signed it",
    );
    // A whole bundle passed off with the key of another server: refused when the
    // reader gives the key they hold.
    let mismatch = good.verify(Some(&foreign.key));
    assert!(
        mismatch.problems[0].contains("not the key you trust"),
        "{mismatch}"
    );

    // Openings: changed, their salt changed, removed, and one that opens nothing.
    let mut opened = good.clone();
    let openings = opened.openings.as_mut().unwrap();
    let seq = openings[1].seq;
    openings[1].content["preferences"][0] = json!("ru_ceasefire");
    fails_with(
        &opened,
        &format!(
            "the opening of event {seq} (the position of russia, version 1) does not match its commitment: the content or its salt was changed"
        ),
    );
    let mut salted = good.clone();
    salted.openings.as_mut().unwrap()[1].salt = "00".repeat(32);
    fails_with(
        &salted,
        &format!(
            "the opening of event {seq} (the position of russia, version 1) does not match its commitment"
        ),
    );
    let mut removed = good.clone();
    removed.openings.as_mut().unwrap().remove(1);
    fails_with(
        &removed,
        &format!(
            "the commitment of event {seq} (the position of russia, version 1) has no opening"
        ),
    );
    let mut stray = good.clone();
    stray.openings.as_mut().unwrap()[1].seq = 2;
    let found = problems(&stray);
    assert!(
        found.iter().any(|p| p.contains(
            "the opening given for event 2 opens nothing: event 2 carries no commitment on the record"
        )),
        "{found:#?}"
    );

    // The name the bundle gives is the one the council was created with.
    let mut renamed = good.clone();
    renamed.name = "Another name".into();
    fails_with(
        &renamed,
        "the bundle calls council 1 \"Another name\", but its record (event 1) created it as \"NATO-Russia Council\"",
    );

    // A truncated file is located; other JSON is named for what it is not.
    let text = good.to_json();
    let error = Bundle::read(&text.as_bytes()[..text.len() / 2]).unwrap_err();
    assert_eq!(
        error.message,
        "the file ends before its JSON does: it was cut short"
    );
    let (line, _) = error.at.unwrap();
    assert!(line > 100, "{error}");
    let error =
        Bundle::read(b"{\"format\": \"detente-council-record\", \"version\": 1}").unwrap_err();
    assert!(
        error.to_string().starts_with(
            "it is not laid out as a council record: missing field `council` (line 1, column"
        ),
        "{error}"
    );
    let error = Bundle::read(br#"{"dm": []}"#).unwrap_err();
    assert_eq!(
        error.to_string(),
        "it is not a detente council record: its \"format\" is not \"detente-council-record\""
    );
    let error = Bundle::read(
        text.replace("\"version\": 1,", "\"version\": 2,")
            .as_bytes(),
    )
    .unwrap_err();
    assert!(error.message.contains("format version 2"), "{error}");
}

/// The delegations' cosignatures on the record are checked: by keys registered on the
/// record, of checkpoints the server signed; one the server could have made up fails.
#[tokio::test]
async fn the_delegations_cosignatures_are_checked() {
    let (db, council) = council("bundle-cosigned").await;
    for (dm, seed) in [("us", 1), ("russia", 2)] {
        let head = member(&db, council, &format!("{dm}-head")).await;
        let key = SigningKey::from_bytes(&[seed; 32]);
        let public = hex(key.verifying_key().as_bytes());
        db.register_key(&head, &public).await.unwrap();
        let seen = db.checkpoint(&head).await.unwrap();
        let note = Checkpoint::note(council, seen.size, &seen.root);
        let cosigning = Cosigning {
            size: seen.size,
            root: seen.root,
            key: public,
            signature: hex(&key.sign(note.as_bytes()).to_bytes()),
        };
        db.cosign(&head, &cosigning).await.unwrap();
    }
    let bundle = db.export(council, Edition::Public).await.unwrap();
    let verification = bundle.verify(None);
    assert_eq!(verification.problems, Vec::<String>::new());
    assert!(
        verification
            .verdict()
            .ends_with("5 private commitments (not opened: this is the public edition), 2 cosignatures by delegations."),
        "{verification}"
    );
    // Russia's cosignature (event 34, of the record at 33 events) as a server might
    // have made it up: each is caught apart from the changed event itself.
    let cosigned = &bundle.events[33];
    assert_eq!(cosigned.kind, "record.cosigned");
    let stranger = hex(SigningKey::from_bytes(&[9; 32]).verifying_key().as_bytes());
    for (field, value, says) in [
        (
            "signature",
            json!("00".repeat(64)),
            "the cosignature of event 34 does not hold: russia's cosignature of the record at 33 events does not verify".to_string(),
        ),
        (
            "key",
            json!(stranger),
            format!("the cosignature of event 34 does not hold: its key {stranger} is not one russia registered on the record before"),
        ),
        (
            "root",
            json!(bundle.checkpoints[0].root),
            "the cosignature of event 34 does not hold: it is of another root at size 33 than the server signed: russia was shown another record".to_string(),
        ),
    ] {
        let mut forged = bundle.clone();
        forged.events[33].body[field] = value;
        let found = problems(&forged);
        assert!(found.contains(&says), "{field}: {found:#?}");
        assert!(found.iter().any(|p| p.starts_with("event 34 does not match the record the server signed")));
    }
}

/// An operator who rewrites an event after a member was shown a checkpoint (lifting the
/// database's guard against it) is caught by the export itself: the checkpoint kept
/// from before and the heads signed since are not one history.
#[tokio::test]
async fn a_history_rewritten_after_a_checkpoint_was_shown_is_caught() {
    let (db, council) = council("bundle-rewritten").await;
    let lift = match db.backend() {
        Backend::Sqlite => "DROP TRIGGER events_append_only_update",
        Backend::Postgres => "DROP TRIGGER events_append_only ON events",
    };
    sqlx::query(lift).execute(db.pool()).await.unwrap();
    sqlx::query(
        "UPDATE events SET summary = 'Nothing happened.' WHERE council_id = $1 AND seq = 3",
    )
    .bind(council)
    .execute(db.pool())
    .await
    .unwrap();
    let bundle = db.export(council, Edition::Public).await.unwrap();
    assert_eq!(
        problems(&bundle),
        [
            "the checkpoints at sizes 15 and 28 are not one history: the log of 28 events is not an extension of the log of 15 events: the history was rewritten or forked",
            "the checkpoint at size 15 does not match events 1 to 15: the server signed another history at that size",
        ]
    );
}

/// Every 11th byte of the events' part of the file, each flipped in turn (one bit,
/// a different bit each time): each flip makes the file unreadable or the record fail;
/// none passes and none panics.
#[tokio::test]
async fn no_flipped_byte_in_the_events_passes() {
    let (db, council) = council("bundle-flips").await;
    let text = db.export(council, Edition::Full).await.unwrap().to_json();
    let start = text.find("\"events\": [").unwrap();
    let end = text.find("\"checkpoints\": [").unwrap();
    let (mut unreadable, mut failing) = (0, 0);
    for (n, at) in (start..end).step_by(11).enumerate() {
        let mut bytes = text.clone().into_bytes();
        bytes[at] ^= 1 << (n % 8);
        match Bundle::read(&bytes) {
            Err(_) => unreadable += 1,
            Ok(bundle) => {
                let verification = bundle.verify(None);
                assert!(
                    !verification.verifies(),
                    "flipping byte {at} ({:?} to {:?}) passed: …{}…",
                    text.as_bytes()[at] as char,
                    bytes[at] as char,
                    String::from_utf8_lossy(&bytes[at.saturating_sub(40)..at + 40])
                );
                failing += 1;
            }
        }
    }
    assert!(
        unreadable > 100 && failing > 100,
        "{unreadable} unreadable, {failing} failing"
    );
}

#[tokio::test]
async fn the_minutes_give_every_event_with_its_number() {
    let (db, council) = council("bundle-minutes").await;
    let minutes = db.minutes(council).await.unwrap();
    let events = db.export(council, Edition::Public).await.unwrap().events;
    assert_eq!(
        minutes,
        Minutes::from_record(council, "NATO-Russia Council", &events)
    );
    let markdown = minutes.to_markdown();
    let entry = |seq: i64| {
        let event = &events[usize::try_from(seq - 1).unwrap()];
        markdown
            .lines()
            .find(|line| line.starts_with(&format!("- **Event {seq}, ")))
            .unwrap_or_else(|| panic!("no entry for event {seq} ({}):\n{markdown}", event.summary))
            .to_string()
    };
    for (seq, says) in [
        (
            14,
            "mediator (mediator) tabled proposal 1, \"Proposed package\"",
        ),
        (22, "mediator (mediator) amended proposal 1 (version 2)"),
        (
            21,
            "Russia rejected proposal 1 (version 1): \"Not without the door closed.\"",
        ),
        (
            28,
            "The council adopted proposal 1, \"Proposed package\" (version 2), by consensus: every delegation accepted version 2",
        ),
        (
            29,
            "us-head (head of delegation, United States) tabled non-paper 2, \"Talks first\"",
        ),
    ] {
        let line = entry(seq);
        assert!(line.contains(says), "{line}");
    }
    assert!(entry(15).contains("asked the engine whether proposal 1 (version 1) can hold"));
    assert!(entry(30).contains("asked the engine whether proposal 2 (version 1) can hold"));
    // Under their headings, decisions first.
    let at = |text: &str| {
        markdown
            .find(text)
            .unwrap_or_else(|| panic!("no {text:?} in\n{markdown}"))
    };
    assert!(at("## Decisions\n\n- **Event 28, ") < at("## Proposals"));
    assert!(at("### Proposal 1: \"Proposed package\"") < at("- **Event 14, "));
    assert!(at("- **Event 28, ") < at("### Non-paper 2: \"Talks first\""));
    assert!(at("## The council and its members") < at("- **Event 1, "));
    assert!(at("## Positions and caucuses") < at("- **Event 16, "));
    assert!(markdown.contains("What the engine tells whom: Every member is told whether"));
    // Every event once, the decision twice (in the decisions and under its proposal).
    assert_eq!(markdown.matches("- **Event ").count(), 31);
    for seq in 1..=30 {
        entry(seq);
    }
    assert!(!markdown.contains("Other events"));
}

/// A message in a delegation's caucus stays off the record, which holds a commitment to
/// it: the full edition opens it (who said what, when) and the opening must match; the
/// public edition shows neither the message nor its salt. A plenary message, public
/// already, adds nothing to the record.
#[tokio::test]
async fn a_caucus_message_is_committed_to_and_opened_only_in_the_full_edition() {
    let (db, council) = council("bundle-caucus").await;
    let russia = member(&db, council, "russia-head").await;
    let caucus = Channel::Caucus(russia.delegation.as_ref().unwrap().id);
    let secret = "We could live with the door half open.";
    db.say(&russia, caucus, secret).await.unwrap();
    db.say(&russia, Channel::Plenary, "Good morning.")
        .await
        .unwrap();

    let full = db.export(council, Edition::Full).await.unwrap();
    assert_eq!(full.events.len(), 31, "the caucus message only");
    let event = full.events.last().unwrap();
    assert_eq!(event.kind, "caucus.message");
    assert!(!event.summary.contains(secret) && !event.body.to_string().contains(secret));
    let verdict = full.verify(None).verdict();
    assert!(
        verdict.starts_with("The record of council 1 \"NATO-Russia Council\" verifies: 31 events,")
            && verdict.contains("6 private commitments opened and matching"),
        "{verdict}"
    );
    let opening = full
        .openings
        .as_ref()
        .unwrap()
        .iter()
        .find(|o| o.message.is_some())
        .unwrap()
        .clone();
    assert_eq!(opening.seq, 31);
    assert_eq!(opening.content["body"], secret);
    let public = db.export(council, Edition::Public).await.unwrap();
    assert!(public.verify(None).verifies());
    let public_text = public.to_json();
    assert!(!public_text.contains(secret) && !public_text.contains(&opening.salt));

    let mut changed = full.clone();
    let at = changed
        .openings
        .as_mut()
        .unwrap()
        .iter_mut()
        .find(|o| o.message.is_some())
        .unwrap();
    at.content["body"] = json!("We will never accept.");
    let problems = problems(&changed).join("\n");
    assert!(
        problems.contains(&format!(
            "the opening of event 31 (caucus message {} of russia) does not match its commitment",
            opening.message.unwrap()
        )),
        "{problems}"
    );
}
