//! The council's record as a Merkle log: the proofs against a plain, slow implementation
//! of RFC 6962's definitions, and through the API, checkpoints that verify, inclusion
//! of every event, consistency as the log grows, and storage that refuses rewrites.

mod support;

use detente_council::Disclosure;
use detente_council::{
    Checkpoint, Consistency, Event, Inclusion, Leaf, leaf, tree, verify_consistency,
    verify_inclusion,
};
use proptest::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use support::{Nrc, PACKAGE};

// ---------------------------------------------------- RFC 6962 §2.1, word for word

fn leaf_hash(data: &[u8]) -> Vec<u8> {
    Sha256::new()
        .chain_update([0u8])
        .chain_update(data)
        .finalize()
        .to_vec()
}

fn node_hash(left: &[u8], right: &[u8]) -> Vec<u8> {
    Sha256::new()
        .chain_update([1u8])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .to_vec()
}

/// The largest power of two smaller than `n` (n > 1).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// MTH(D[n]).
fn mth(d: &[Vec<u8>]) -> Vec<u8> {
    match d.len() {
        0 => Sha256::digest([]).to_vec(),
        1 => leaf_hash(&d[0]),
        n => {
            let k = split(n);
            node_hash(&mth(&d[..k]), &mth(&d[k..]))
        }
    }
}

/// PATH(m, D[n]).
fn path(m: usize, d: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let n = d.len();
    if n == 1 {
        return Vec::new();
    }
    let k = split(n);
    if m < k {
        let mut p = path(m, &d[..k]);
        p.push(mth(&d[k..]));
        p
    } else {
        let mut p = path(m - k, &d[k..]);
        p.push(mth(&d[..k]));
        p
    }
}

/// SUBPROOF(m, D[n], b).
fn subproof(m: usize, d: &[Vec<u8>], b: bool) -> Vec<Vec<u8>> {
    let n = d.len();
    if m == n {
        return if b { Vec::new() } else { vec![mth(d)] };
    }
    let k = split(n);
    if m <= k {
        let mut p = subproof(m, &d[..k], b);
        p.push(mth(&d[k..]));
        p
    } else {
        let mut p = subproof(m - k, &d[k..], false);
        p.push(mth(&d[..k]));
        p
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn leaves() -> impl Strategy<Value = Vec<Vec<u8>>> {
    prop::collection::vec(prop::collection::vec(any::<u8>(), 0..24), 1..70)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn roots_and_proofs_are_the_definitions(d in leaves(), m_seed in any::<usize>(), k_seed in any::<usize>()) {
        let n = d.len();
        let t = tree(d.iter().map(|l| Leaf(l.clone())));
        prop_assert_eq!(t.root().as_bytes().to_vec(), mth(&d));
        let m = m_seed % n;
        let expected: Vec<u8> = path(m, &d).concat();
        prop_assert_eq!(t.prove_inclusion(m).as_bytes().to_vec(), expected);
        // A consistency proof from a prefix of size k, 0 < k < n.
        if n > 1 {
            let k = 1 + k_seed % (n - 1);
            let expected: Vec<u8> = subproof(k, &d, true).concat();
            prop_assert_eq!(t.prove_consistency(n - k).as_bytes().to_vec(), expected.clone());
            // Verified through the project's checkers, and refused once a byte is flipped.
            let sign = |size: usize, root: Vec<u8>| Checkpoint { council: 1, size: size as u64, root: hex(&root), signature: String::new(), key: String::new() };
            let (old, new) = (sign(k, mth(&d[..k])), sign(n, mth(&d)));
            let proof = Consistency { from: k as u64, to: n as u64, proof: hex(&expected) };
            prop_assert!(verify_consistency(&old, &new, &proof).is_ok());
            if !expected.is_empty() {
                let mut flipped = expected.clone();
                flipped[m_seed % expected.len()] ^= 1 << (k_seed % 8);
                let bad = Consistency { proof: hex(&flipped), ..proof.clone() };
                prop_assert!(verify_consistency(&old, &new, &bad).is_err());
            }
            let inclusion = Inclusion { seq: m as i64 + 1, size: n as u64, proof: hex(&path(m, &d).concat()) };
            prop_assert!(verify_inclusion(&new, &Leaf(d[m].clone()), &inclusion).is_ok());
            let mut other = d[m].clone();
            other.push(0);
            prop_assert!(verify_inclusion(&new, &Leaf(other), &inclusion).is_err());
        }
    }
}

// ---------------------------------------------------- through the council's API

async fn get<T: serde::de::DeserializeOwned>(who: &support::Person, path: &str) -> T {
    let (status, body) = who.get(path).await;
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_value(body).unwrap()
}

#[tokio::test]
async fn every_member_can_check_the_record_against_signed_checkpoints() {
    let nrc = Nrc::start("record", Disclosure::Verdicts).await;
    let old: Checkpoint = get(&nrc.observer, &nrc.path("/checkpoint")).await;
    old.verify_signature().unwrap();
    nrc.state_model_positions().await;
    let (status, _) = nrc
        .mediator
        .post(
            &nrc.path("/proposals"),
            json!({"title": "Package", "taken": PACKAGE}),
        )
        .await;
    assert_eq!(status, 201);
    let new: Checkpoint = get(nrc.head("us"), &nrc.path("/checkpoint")).await;
    new.verify_signature().unwrap();
    assert_eq!(new.key, old.key, "one server key");
    assert!(new.size > old.size);
    let proof: Consistency = get(
        &nrc.auditor,
        &nrc.path(&format!(
            "/proofs/consistency?from={}&to={}",
            old.size, new.size
        )),
    )
    .await;
    verify_consistency(&old, &new, &proof).unwrap();
    // Every event of the record, as the API shows it, is in the log the checkpoint signs.
    let (_, record) = nrc.auditor.get(&nrc.path("/record")).await;
    let events: Vec<Event> = serde_json::from_value(record).unwrap();
    assert_eq!(events.len() as u64, new.size);
    for event in &events {
        let proof: Inclusion = get(
            &nrc.auditor,
            &nrc.path(&format!(
                "/proofs/inclusion?seq={}&size={}",
                event.seq, new.size
            )),
        )
        .await;
        verify_inclusion(&new, &leaf(nrc.council, event).unwrap(), &proof).unwrap();
        let mut changed = event.clone();
        changed.summary.push('!');
        assert!(
            verify_inclusion(&new, &leaf(nrc.council, &changed).unwrap(), &proof).is_err(),
            "a changed event fails"
        );
    }
    // A position is on the record only as a commitment.
    let revised = events
        .iter()
        .find(|e| e.kind == "position.revised")
        .unwrap();
    assert_eq!(revised.body["commitment"].as_str().unwrap().len(), 64);
    // Bad requests are refused with the reason.
    let (status, body) = nrc.auditor.get(&nrc.path("/proofs/inclusion?seq=0")).await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = nrc
        .auditor
        .get(&nrc.path(&format!("/proofs/consistency?from={}&to=1", new.size)))
        .await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn the_database_refuses_to_rewrite_the_record() {
    let nrc = Nrc::start("append-only", Disclosure::Verdicts).await;
    let pool = nrc.forum.db.pool();
    for sql in [
        "UPDATE events SET summary = 'nothing happened'",
        "DELETE FROM events",
    ] {
        let error = sqlx::query(sql).execute(pool).await.unwrap_err();
        assert!(error.to_string().contains("append-only"), "{sql}: {error}");
    }
    let (_, record) = nrc.observer.get(&nrc.path("/record")).await;
    assert!(
        record.as_array().unwrap().len() > 1,
        "the record is intact: {record}"
    );
    let _: Value = record;
}

/// Many clients at once answer the proposal, each answer an event on the record; after
/// they are done, every answer the server acknowledged is on the record exactly once,
/// with an inclusion proof that verifies against the signed checkpoint.
#[tokio::test]
async fn every_acknowledged_event_of_concurrent_clients_has_an_inclusion_proof() {
    const PER_HEAD: usize = 3;
    const ROUNDS: usize = 6;
    let nrc = Nrc::start("concurrent-append", Disclosure::Verdicts).await;
    let (status, _) = nrc
        .mediator
        .post(
            &nrc.path("/proposals"),
            json!({"title": "Package", "taken": PACKAGE}),
        )
        .await;
    assert_eq!(status, 201);
    let mut clients = Vec::new();
    for (dm, head) in &nrc.heads {
        for n in 0..PER_HEAD {
            let (status, invitation) = head
                .post(&nrc.path("/invitations"), json!({"role": "delegate"}))
                .await;
            assert_eq!(status, 201, "{invitation}");
            let token = invitation["token"].as_str().unwrap();
            clients.push(
                support::Person::join_with(&nrc.forum.base, &format!("{dm}-{n}"), token).await,
            );
        }
    }
    let path = nrc.path("/proposals/1/responses");
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|client| {
            let path = path.clone();
            tokio::spawn(async move {
                let mut acknowledged = Vec::new();
                for round in 0..ROUNDS {
                    let statement = format!("{} round {round}", client.name);
                    let (status, body) = client
                        .post(
                            &path,
                            json!({"version": 1, "answer": "reserve", "statement": statement}),
                        )
                        .await;
                    assert_eq!(status, 201, "{body}");
                    acknowledged.push(statement);
                }
                acknowledged
            })
        })
        .collect();
    let mut acknowledged = Vec::new();
    for task in tasks {
        acknowledged.extend(task.await.unwrap());
    }
    assert_eq!(acknowledged.len(), 4 * PER_HEAD * ROUNDS);

    let checkpoint: Checkpoint = get(&nrc.auditor, &nrc.path("/checkpoint")).await;
    checkpoint.verify_signature().unwrap();
    let mut events: Vec<Event> = Vec::new();
    loop {
        let after = events.last().map_or(0, |e| e.seq);
        let page: Vec<Event> = get(
            &nrc.auditor,
            &nrc.path(&format!("/record?after={after}&limit=50")),
        )
        .await;
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 50);
        events.extend(page);
    }
    assert_eq!(
        events.len() as u64,
        checkpoint.size,
        "the record, page by page"
    );
    for (i, event) in events.iter().enumerate() {
        assert_eq!(event.seq, i as i64 + 1, "no gaps, no repeats");
    }
    for statement in &acknowledged {
        let found: Vec<&Event> = events
            .iter()
            .filter(|e| e.kind == "proposal.answered" && e.body["statement"] == *statement)
            .collect();
        assert_eq!(found.len(), 1, "{statement} is on the record once");
        let proof: Inclusion = get(
            &nrc.auditor,
            &nrc.path(&format!(
                "/proofs/inclusion?seq={}&size={}",
                found[0].seq, checkpoint.size
            )),
        )
        .await;
        verify_inclusion(&checkpoint, &leaf(nrc.council, found[0]).unwrap(), &proof).unwrap();
    }
}
