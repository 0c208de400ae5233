//! Delegations as witnesses of the record: each keeps the last checkpoint it saw, takes
//! in new ones only with a consistency proof, cosigns checkpoints for its delegation, and
//! checks the others' cosignatures against its own view. A decision counts as recorded
//! once every delegation has cosigned a checkpoint containing it; a record rewritten
//! under the delegations' eyes, or two histories shown to two delegations, is noticed.

mod support;

use detente_council::{
    Alarm, Backend, Checkpoint, Consistency, Cosignature, Db, Disclosure, Server, Witness,
};
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Value, json};
use support::{Nrc, PACKAGE, Person};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn get<T: serde::de::DeserializeOwned>(who: &Person, path: &str) -> T {
    let (status, body) = who.get(path).await;
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_value(body).unwrap()
}

/// A delegate with its witness of one council's record and its signing key.
struct Delegate<'a> {
    person: &'a Person,
    council: i64,
    witness: Witness,
    key: SigningKey,
}

impl<'a> Delegate<'a> {
    fn new(person: &'a Person, council: i64, seed: u8) -> Delegate<'a> {
        Delegate {
            person,
            council,
            witness: Witness::new(council),
            key: SigningKey::from_bytes(&[seed; 32]),
        }
    }

    fn path(&self, rest: &str) -> String {
        format!("/api/councils/{}{rest}", self.council)
    }

    /// Takes in the server's newest checkpoint, with the proof from the last one seen.
    async fn refresh(&mut self) -> Result<(), Alarm> {
        let next: Checkpoint = get(self.person, &self.path("/checkpoint")).await;
        let from = self.witness.last().map_or(0, |c| c.size);
        let proof: Consistency = get(
            self.person,
            &self.path(&format!("/proofs/consistency?from={from}&to={}", next.size)),
        )
        .await;
        self.witness.observe(next, &proof)
    }

    /// Checks every cosignature on the server against this delegate's view; how many.
    async fn check_cosignatures(&self) -> Result<usize, Alarm> {
        let cosignatures: Vec<Cosignature> = get(self.person, &self.path("/cosignatures")).await;
        let last = self.witness.last().unwrap().size;
        for cosignature in &cosignatures {
            let proof: Consistency = get(
                self.person,
                &self.path(&format!(
                    "/proofs/consistency?from={}&to={last}",
                    cosignature.checkpoint.size
                )),
            )
            .await;
            self.witness.check_cosignature(cosignature, &proof)?;
        }
        Ok(cosignatures.len())
    }

    /// Registers the key and cosigns the last checkpoint seen, for the delegation.
    async fn cosign(&self) -> (u16, Value) {
        let key = hex(self.key.verifying_key().as_bytes());
        let (status, body) = self
            .person
            .post(&self.path("/keys"), json!({"key": key}))
            .await;
        assert_eq!(status, 201, "{body}");
        let seen = self.witness.last().unwrap();
        let note = Checkpoint::note(self.council, seen.size, &seen.root);
        let signature = hex(&self.key.sign(note.as_bytes()).to_bytes());
        self.person
            .post(
                &self.path("/cosignatures"),
                json!({"size": seen.size, "root": seen.root, "key": key, "signature": signature}),
            )
            .await
    }
}

#[tokio::test]
async fn a_decision_is_recorded_once_every_delegation_has_cosigned_it() {
    let nrc = Nrc::start("cosign", Disclosure::Verdicts).await;
    nrc.state_model_positions().await;
    let (status, body) = nrc
        .mediator
        .post(
            &nrc.path("/proposals"),
            json!({"title": "Package", "taken": PACKAGE}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    for (_, head) in &nrc.heads {
        let (status, body) = head
            .post(
                &nrc.path("/proposals/1/responses"),
                json!({"version": 1, "answer": "accept"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (_, proposal) = nrc.observer.get(&nrc.path("/proposals/1")).await;
    let decision = &proposal["decision"];
    assert_eq!(decision["procedure"], "consensus", "{proposal}");
    assert_eq!(decision["recorded"], false);
    assert_eq!(decision["awaiting"].as_array().unwrap().len(), 4);

    let mut delegates: Vec<Delegate> = nrc
        .heads
        .iter()
        .enumerate()
        .map(|(i, (_, head))| Delegate::new(head, nrc.council, 10 + i as u8))
        .collect();
    for (i, delegate) in delegates.iter_mut().enumerate() {
        delegate.refresh().await.unwrap();
        let (status, body) = delegate.cosign().await;
        assert_eq!(status, 201, "{body}");
        let (_, proposal) = nrc.observer.get(&nrc.path("/proposals/1")).await;
        assert_eq!(
            proposal["decision"]["cosigned_by"]
                .as_array()
                .unwrap()
                .len(),
            i + 1,
            "{proposal}"
        );
    }
    let (_, proposal) = nrc.observer.get(&nrc.path("/proposals/1")).await;
    assert_eq!(proposal["decision"]["recorded"], true, "{proposal}");
    assert_eq!(proposal["decision"]["awaiting"], json!([]));
    // Each delegation checks every cosignature against its own view: one history.
    for delegate in &mut delegates {
        delegate.refresh().await.unwrap();
        assert_eq!(delegate.check_cosignatures().await, Ok(4));
    }
    // Cosignatures are on the record, for all to see.
    let (_, record) = nrc.observer.get(&nrc.path("/record")).await;
    let cosigned = record
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "record.cosigned")
        .count();
    assert_eq!(cosigned, 4);
    // A signature by a key not registered, or over another note, is refused.
    let stranger = SigningKey::from_bytes(&[99; 32]);
    let seen = delegates[0].witness.last().unwrap().clone();
    let (status, body) = nrc
        .head("us")
        .post(
            &nrc.path("/cosignatures"),
            json!({"size": seen.size, "root": seen.root,
                   "key": hex(stranger.verifying_key().as_bytes()),
                   "signature": hex(&stranger.sign(b"anything").to_bytes())}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("register it first")
    );
    let key = hex(delegates[0].key.verifying_key().as_bytes());
    let (status, body) = nrc
        .head("us")
        .post(
            &nrc.path("/cosignatures"),
            json!({"size": seen.size, "root": seen.root, "key": key,
                   "signature": hex(&delegates[0].key.sign(b"another note").to_bytes())}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not verify")
    );
}

#[tokio::test]
async fn a_record_rewritten_after_the_delegations_saw_it_is_noticed_by_each() {
    let nrc = Nrc::start("rewritten", Disclosure::Verdicts).await;
    nrc.state_model_positions().await;
    let mut us = Delegate::new(nrc.head("us"), nrc.council, 1);
    let mut ru = Delegate::new(nrc.head("russia"), nrc.council, 2);
    us.refresh().await.unwrap();
    ru.refresh().await.unwrap();
    // The operator drops the guard and rewrites an event the delegations have seen.
    let pool = nrc.forum.db.pool();
    let drop = match nrc.forum.db.backend() {
        Backend::Sqlite => "DROP TRIGGER events_append_only_update",
        Backend::Postgres => "DROP TRIGGER events_append_only ON events",
    };
    sqlx::query(drop).execute(pool).await.unwrap();
    sqlx::query(
        "UPDATE events SET summary = 'Nothing was said.' WHERE council_id = $1 AND seq = 2",
    )
    .bind(nrc.council)
    .execute(pool)
    .await
    .unwrap();
    for delegate in [&mut us, &mut ru] {
        let alarm = delegate.refresh().await.unwrap_err();
        assert!(alarm.0.contains("not the one you saw"), "{alarm}");
    }
}

/// The operator forks the council's SQLite database and serves each copy to one
/// delegation: each sees a history consistent in itself. Each cosigns its own; when the
/// operator relays each cosignature to the other copy, so that the decision seems
/// recorded by both, each delegation's witness finds the other's cosigned checkpoint
/// inconsistent with its own view. (Forking is done on SQLite files whichever backend
/// the suite runs on: what is tested is the delegations' side.)
#[tokio::test]
async fn two_delegations_shown_diverging_histories_both_notice() {
    let dir = support::scratch("fork");
    let (first, second) = (dir.join("first.db"), dir.join("second.db"));
    let db1 = Db::open(first.to_str().unwrap()).await.unwrap();
    let s1 = serve(db1.clone()).await;
    let created = db1
        .create_council(
            None,
            "NATO-Russia Council",
            &detente_app::Source::Example(None),
            Disclosure::Verdicts,
        )
        .await
        .unwrap();
    let heads: Vec<_> = created
        .invitations
        .iter()
        .filter(|i| i.role == detente_council::Role::Head)
        .collect();
    let us_person = Person::join(&s1, "head-us", heads[0]).await;
    let mut ru_person = Person::join(&s1, "head-russia", heads[1]).await;
    let council = created.council;
    // The record as the United States saw it before the fork (its server key made then).
    let mut before = Delegate::new(&us_person, council, 1);
    before.refresh().await.unwrap();

    // The fork: a copy of the database, served by a second server. Sessions live in the
    // database, so the Russian head's session works there unchanged.
    sqlx::query(&format!("VACUUM INTO '{}'", second.display()))
        .execute(db1.pool())
        .await
        .unwrap();
    let db2 = Db::open(second.to_str().unwrap()).await.unwrap();
    ru_person.base = serve(db2.clone()).await;

    let mut us = Delegate::new(&us_person, council, 1);
    let mut ru = Delegate::new(&ru_person, council, 2);
    us.refresh().await.unwrap();
    ru.refresh().await.unwrap();
    assert_eq!(us.witness.last(), ru.witness.last(), "one history so far");
    assert_eq!(us.witness.last(), before.witness.last());

    // Each server's history goes its own way; each is consistent in itself.
    let proposals = format!("/api/councils/{council}/proposals");
    let (status, body) = us_person
        .post(&proposals, json!({"title": "Talks", "taken": PACKAGE}))
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = ru_person
        .post(
            &proposals,
            json!({"title": "No talks", "taken": ["ru_ceasefire"]}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    us.refresh().await.unwrap();
    ru.refresh().await.unwrap();
    let (status, body) = us.cosign().await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = ru.cosign().await;
    assert_eq!(status, 201, "{body}");
    us.refresh().await.unwrap();
    ru.refresh().await.unwrap();
    assert_eq!(
        us.check_cosignatures().await,
        Ok(1),
        "alone, each history holds"
    );
    assert_eq!(ru.check_cosignatures().await, Ok(1));

    // The operator copies each delegation's key and cosignature into the other copy.
    let (from_first, from_second) = (
        cosignatures(&db1, council).await,
        cosignatures(&db2, council).await,
    );
    relay(from_first, &db2, council).await;
    relay(from_second, &db1, council).await;
    for delegate in [&us, &ru] {
        let alarm = delegate.check_cosignatures().await.unwrap_err();
        assert!(
            alarm
                .0
                .contains("different histories to different delegations"),
            "{alarm}"
        );
    }
}

/// Serves `db` on a new port; its base URL.
async fn serve(db: Db) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(detente_council::serve(listener, Server::new(db)));
    base
}

/// The registered keys and cosignatures of council `council` in `db`, as rows.
async fn cosignatures(db: &Db, council: i64) -> Vec<sqlx::any::AnyRow> {
    sqlx::query(
        "SELECT c.delegation_id, k.member_id, k.public_key, c.size, c.root, c.signature \
         FROM cosignatures c JOIN member_keys k ON k.id = c.key_id WHERE c.council_id = $1",
    )
    .bind(council)
    .fetch_all(db.pool())
    .await
    .unwrap()
}

/// Writes the keys and cosignatures `rows` into `to`, as a dishonest operator would,
/// past the server's own checks.
async fn relay(rows: Vec<sqlx::any::AnyRow>, to: &Db, council: i64) {
    use sqlx::Row;
    for row in rows {
        let key_id: i64 = sqlx::query(
            "INSERT INTO member_keys (council_id, member_id, public_key, created_at) \
             VALUES ($1, $2, $3, 0) RETURNING id",
        )
        .bind(council)
        .bind(row.get::<i64, _>("member_id"))
        .bind(row.get::<String, _>("public_key"))
        .fetch_one(to.pool())
        .await
        .unwrap()
        .get("id");
        sqlx::query(
            "INSERT INTO cosignatures (council_id, delegation_id, key_id, size, root, signature, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 0)",
        )
        .bind(council)
        .bind(row.get::<i64, _>("delegation_id"))
        .bind(key_id)
        .bind(row.get::<i64, _>("size"))
        .bind(row.get::<String, _>("root"))
        .bind(row.get::<String, _>("signature"))
        .execute(to.pool())
        .await
        .unwrap();
    }
}
