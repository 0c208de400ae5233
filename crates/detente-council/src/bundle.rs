//! The council's record as one self-contained file, a bundle, that anyone can check
//! offline without trusting the server or whoever handed the file on: every event as
//! stored, the checkpoints the server signed, the proofs the server made between them
//! (consistency) and of every event in the last one (inclusion), and, in the full
//! edition, the openings of the private commitments. docs/COUNCIL.md ("Export and
//! verify") describes the format and every check.
//!
//! Exporting is for whoever holds the database (the server's operator), so it asks for
//! no member and is no API route: the full edition holds every delegation's positions.

use crate::accounts::hex;
use crate::cosign::Cosignature;
use crate::council::Event;
use crate::db::Db;
use crate::error::{CouncilError, Result};
use crate::positions::commitment;
use crate::record::{
    Checkpoint, Consistency, Inclusion, Leaf, grow, leaf, unhex, verify_consistency,
    verify_inclusion,
};
use crate::talk::{CAUCUS_COMMITTED, caucus_content};
use detente_report::{and_list, count};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row;
use std::collections::{BTreeSet, HashMap};
use std::fmt;

/// What a bundle's `format` says it is.
pub const BUNDLE_FORMAT: &str = "detente-council-record";
/// The version of the bundle's layout this detente writes and reads.
pub const BUNDLE_VERSION: u32 = 1;

/// The kinds of event whose body carries a commitment to private content: a position,
/// a caucus message.
const COMMITTED: [&str; 2] = ["position.revised", CAUCUS_COMMITTED];

/// How much of what is private a bundle opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    /// With the content and salt behind every commitment: as confidential as the
    /// positions themselves, for an auditor the delegations trust with them.
    Full,
    /// Without the openings: the commitments stay on the record, which still verifies,
    /// and reveal nothing of the positions.
    Public,
}

/// A council's record as one file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bundle {
    /// [`BUNDLE_FORMAT`].
    pub format: String,
    /// [`BUNDLE_VERSION`] when written.
    pub version: u32,
    pub council: i64,
    pub name: String,
    /// The server's ed25519 public key, hex: every checkpoint must be signed with it.
    pub key: String,
    /// Every event, in order, as the server stores it.
    pub events: Vec<Event>,
    /// Every checkpoint the server has signed of this council's log, by size.
    pub checkpoints: Vec<Checkpoint>,
    /// A consistency proof between each two successive checkpoints.
    pub consistency: Vec<Consistency>,
    /// An inclusion proof of every event in the last checkpoint.
    pub inclusion: Vec<Inclusion>,
    /// The openings of the commitments; absent from the public edition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openings: Option<Vec<Opening>>,
}

/// What a commitment on the record stands for, and the salt it was committed with
/// (SHA-256 of the salt and the content's canonical JSON): a delegation's position (with
/// its version), or a message in a delegation's caucus (with its number).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Opening {
    /// The event that carries the commitment.
    pub seq: i64,
    /// The delegation's decision maker id, as the event names it.
    pub delegation: String,
    /// The position's version, when a position is opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// The caucus message's number, when a message is opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<i64>,
    /// What was committed to: the position, or who said what in the caucus, and when.
    pub content: Value,
    /// Hex.
    pub salt: String,
}

impl Opening {
    /// What the opening says it opens, in words.
    fn words(&self) -> String {
        opened_words(&self.delegation, self.version, self.message)
    }
}

/// "the position of russia, version 2", "caucus message 7 of russia".
fn opened_words(delegation: &str, version: Option<i64>, message: Option<i64>) -> String {
    match (version, message) {
        (Some(v), _) => format!("the position of {delegation}, version {v}"),
        (None, Some(m)) => format!("caucus message {m} of {delegation}"),
        (None, None) => format!("something of {delegation}"),
    }
}

/// Why a file cannot be read as a bundle, and where in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}{}", .at.map(|(l, c)| format!(" (line {l}, column {c})")).unwrap_or_default())]
pub struct Unreadable {
    pub message: String,
    /// Line and column, from 1, where it is known.
    pub at: Option<(usize, usize)>,
}

impl Unreadable {
    fn of(error: &serde_json::Error) -> Unreadable {
        // serde_json ends its message with the place, which is kept apart here.
        let text = error.to_string();
        let place = format!(" at line {} column {}", error.line(), error.column());
        let detail = text.strip_suffix(&place).unwrap_or(&text);
        let message = match error.classify() {
            serde_json::error::Category::Eof => {
                "the file ends before its JSON does: it was cut short".to_string()
            }
            serde_json::error::Category::Data => {
                format!("it is not laid out as a council record: {detail}")
            }
            _ => format!("it is not valid JSON: {detail}"),
        };
        Unreadable {
            message,
            at: (error.line() > 0).then(|| (error.line(), error.column())),
        }
    }
}

impl Bundle {
    /// Reads a bundle from the bytes of its file.
    pub fn read(bytes: &[u8]) -> Result<Bundle, Unreadable> {
        // The format first, so that some other JSON file is named as such rather than
        // by the first field it lacks.
        let value: Value = serde_json::from_slice(bytes).map_err(|e| Unreadable::of(&e))?;
        if value.get("format").and_then(Value::as_str) != Some(BUNDLE_FORMAT) {
            return Err(Unreadable {
                message: format!(
                    "it is not a detente council record: its \"format\" is not \"{BUNDLE_FORMAT}\""
                ),
                at: None,
            });
        }
        let version = value.get("version").and_then(Value::as_u64).unwrap_or(0);
        if version > u64::from(BUNDLE_VERSION) {
            return Err(Unreadable {
                message: format!(
                    "it is a council record of format version {version}, and this detente reads version {BUNDLE_VERSION}: use a newer detente"
                ),
                at: None,
            });
        }
        serde_json::from_slice(bytes).map_err(|e| Unreadable::of(&e))
    }

    /// The bundle as the file holds it: pretty-printed, so that an error's line and
    /// column point at one event.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// How many of the events carry a commitment to a private position.
    pub fn commitments(&self) -> usize {
        self.committed().count()
    }

    fn committed(&self) -> impl Iterator<Item = (&Event, &str)> {
        self.events
            .iter()
            .filter(|e| COMMITTED.contains(&e.kind.as_str()))
            .filter_map(|e| Some((e, e.body.get("commitment")?.as_str()?)))
    }

    /// Checks everything the bundle claims, against the key the reader trusts when
    /// given one (otherwise against the bundle's own key, which the reader should
    /// compare with the one their delegation holds).
    pub fn verify(&self, trusted_key: Option<&str>) -> Verification {
        let mut problems = Vec::new();
        if let Some(trusted) = trusted_key
            && !trusted.trim().eq_ignore_ascii_case(&self.key)
        {
            problems.push(format!(
                "the bundle's server key is {}, not the key you trust ({}): it was not signed by the server you know",
                self.key,
                trusted.trim()
            ));
        }
        self.check_name(&mut problems);
        let broken = self.check_sequence(&mut problems);
        // An event that cannot be made a leaf stands as an empty one, which no proof
        // includes, so that the checks below go on and name it.
        let leaves: Vec<Leaf> = self
            .events
            .iter()
            .map(|e| {
                leaf(self.council, e).unwrap_or_else(|error| {
                    problems.push(format!("event {}: {error}", e.seq));
                    Leaf(Vec::new())
                })
            })
            .collect();
        let trusted = self.trusted_checkpoints(&mut problems);
        let mismatched = self.check_heads(&leaves, &trusted, &mut problems);
        self.check_consistency(&trusted, &mut problems);
        let altered = self.check_inclusion(&leaves, &trusted, &mismatched, &mut problems);
        for size in mismatched {
            // A head that differs because of a fault already named is not named again.
            let explained = broken.is_some_and(|place| place as u64 <= size)
                || altered.iter().any(|place| *place as u64 <= size);
            if !explained {
                problems.push(format!(
                    "the checkpoint at size {size} does not match events 1 to {size}: the server signed another history at that size"
                ));
            }
        }
        let covered = trusted.last().map_or(0, |c| c.size);
        let held = self.events.len() as u64;
        if held > covered {
            problems.push(format!(
                "{} covered by no checkpoint the server signed: they were added after it signed, or the checkpoint that covered them was removed",
                match held - covered {
                    1 => format!("event {held} is"),
                    _ => format!("events {} to {held} are", covered + 1),
                }
            ));
        }
        let opened = self.check_openings(&mut problems);
        let cosignatures = self.check_cosignatures(&trusted, &mut problems);
        Verification {
            council: self.council,
            name: self.name.clone(),
            key: self.key.clone(),
            events: self.events.len(),
            checkpoints: trusted.len(),
            commitments: self.commitments(),
            opened,
            cosignatures,
            problems,
        }
    }

    /// The name the bundle gives must be the one the council was created with.
    fn check_name(&self, problems: &mut Vec<String>) {
        let Some(first) = self.events.first() else {
            problems.push("the bundle holds no events".to_string());
            return;
        };
        if first.kind == "council.created"
            && let Some(created) = first.body.get("name").and_then(Value::as_str)
            && created != self.name
        {
            problems.push(format!(
                "the bundle calls council {} \"{}\", but its record (event {}) created it as \"{created}\"",
                self.council, self.name, first.seq
            ));
        }
    }

    /// The events must be numbered 1, 2, 3, ... in order. Says how the first break
    /// looks and returns its place (from 1): what follows it cannot be in order.
    fn check_sequence(&self, problems: &mut Vec<String>) -> Option<usize> {
        let seqs: Vec<i64> = self.events.iter().map(|e| e.seq).collect();
        let place = seqs
            .iter()
            .zip(1_i64..)
            .position(|(seq, expected)| *seq != expected)?;
        let expected = seqs[..place].last().map_or(1, |s| s + 1);
        let found = seqs[place];
        problems.push(if found < 1 {
            format!(
                "the event in place {} is numbered {found}: events are numbered from 1",
                place + 1
            )
        } else if found < expected {
            format!(
                "event {found} appears a second time, in place {}",
                place + 1
            )
        } else if seqs[place + 1..].contains(&expected) {
            format!("the events are out of order: event {found} comes before event {expected}")
        } else if place == 0 {
            format!("the record starts at event {found}: event 1 is missing")
        } else {
            format!(
                "event {expected} is missing: event {} is followed by event {found}",
                expected - 1
            )
        });
        Some(place + 1)
    }

    /// The checkpoints that are this council's, signed with the bundle's key, and whose
    /// signatures verify, by size; each other one is named with what is wrong with it.
    fn trusted_checkpoints(&self, problems: &mut Vec<String>) -> Vec<&Checkpoint> {
        if self.checkpoints.is_empty() {
            problems.push(
                "the bundle has no signed checkpoint: nothing in it is vouched for by the server"
                    .to_string(),
            );
        }
        let mut trusted: Vec<&Checkpoint> = self.checkpoints.iter().collect();
        trusted.sort_by_key(|c| c.size);
        trusted.retain(|c| {
            let fault = if c.council != self.council {
                format!(
                    "the checkpoint at size {} is of council {}, not council {}: it was taken from another council's record",
                    c.size, c.council, self.council
                )
            } else if !c.key.eq_ignore_ascii_case(&self.key) {
                format!(
                    "the checkpoint at size {} is signed with another key ({}) than the bundle's server key ({}): it was taken from another server's record",
                    c.size, c.key, self.key
                )
            } else if let Err(e) = c.verify_signature() {
                format!("{e}: the checkpoint was changed or substituted after the server signed it")
            } else {
                return true;
            };
            problems.push(fault);
            false
        });
        trusted
    }

    /// Compares each trusted checkpoint's root with the tree head of the bundle's first
    /// `size` events, and returns the sizes where they differ. A checkpoint of more
    /// events than the bundle holds is named at once.
    fn check_heads(
        &self,
        leaves: &[Leaf],
        trusted: &[&Checkpoint],
        problems: &mut Vec<String>,
    ) -> Vec<u64> {
        let held = leaves.len() as u64;
        for c in trusted.iter().filter(|c| c.size > held) {
            problems.push(format!(
                "the checkpoint at size {} signs {}, but the bundle holds {}: {} missing (the bundle was cut short or events were removed)",
                c.size,
                count(usize::try_from(c.size).unwrap_or(usize::MAX), "event"),
                held,
                match c.size - held {
                    1 => "1 event is".to_string(),
                    n => format!("{n} events are"),
                }
            ));
        }
        let sizes: Vec<u64> = trusted.iter().map(|c| c.size).collect();
        let mut mismatched = Vec::new();
        grow(leaves, &sizes, |size, tree| {
            let head = hex(tree.root().as_bytes());
            if trusted
                .iter()
                .any(|c| c.size == size && !c.root.eq_ignore_ascii_case(&head))
            {
                mismatched.push(size);
            }
        });
        mismatched
    }

    /// Each two successive trusted checkpoints must be one history: the server's proof
    /// that the earlier log is a prefix of the later must verify. (Where the bundle has
    /// no proof for a pair, because a checkpoint between was dropped, the heads check
    /// has already held both against the same events.)
    fn check_consistency(&self, trusted: &[&Checkpoint], problems: &mut Vec<String>) {
        for pair in trusted.windows(2) {
            let (old, new) = (pair[0], pair[1]);
            let proof = self
                .consistency
                .iter()
                .find(|p| p.from == old.size && p.to == new.size);
            if let Some(proof) = proof
                && let Err(e) = verify_consistency(old, new, proof)
            {
                problems.push(format!(
                    "the checkpoints at sizes {} and {} are not one history: {e}",
                    old.size, new.size
                ));
            }
        }
    }

    /// Every event must be in the last trusted checkpoint at its number, by the
    /// server's inclusion proof. Returns the places (from 1) of the events that were
    /// changed; a proof that fails where the events match the signed heads was itself
    /// changed, and is named as such.
    fn check_inclusion(
        &self,
        leaves: &[Leaf],
        trusted: &[&Checkpoint],
        mismatched: &[u64],
        problems: &mut Vec<String>,
    ) -> Vec<usize> {
        let Some(last) = trusted.last() else {
            return Vec::new();
        };
        let proofs: HashMap<i64, &Inclusion> = self
            .inclusion
            .iter()
            .filter(|p| p.size == last.size)
            .map(|p| (p.seq, p))
            .collect();
        let mut altered = Vec::new();
        let mut unproved = Vec::new();
        for (place, (event, leaf)) in (1_usize..).zip(self.events.iter().zip(leaves)) {
            if place as u64 > last.size {
                break;
            }
            let Some(proof) = proofs.get(&event.seq) else {
                unproved.push(event.seq.to_string());
                continue;
            };
            if verify_inclusion(last, leaf, proof).is_ok() {
                continue;
            }
            let covering = trusted.iter().find(|c| c.size >= place as u64);
            match covering.filter(|c| mismatched.contains(&c.size)) {
                Some(c) => {
                    altered.push(place);
                    problems.push(format!(
                        "event {} does not match the record the server signed: it was changed after the checkpoint at size {} was signed",
                        event.seq, c.size
                    ));
                }
                None => problems.push(format!(
                    "the inclusion proof of event {} does not verify, though the events match the signed tree heads: the proof was changed",
                    event.seq
                )),
            }
        }
        let subject = match unproved.as_slice() {
            [] => None,
            [one] => Some(format!("event {one} has")),
            many => Some(format!("events {} have", and_list(many))),
        };
        if let Some(subject) = subject {
            problems.push(format!(
                "{subject} no inclusion proof in the checkpoint at size {}",
                last.size
            ));
        }
        altered
    }

    /// Where the openings are present, each commitment must have one, and each must
    /// hash to its commitment. Returns how many do (`None` in a public edition).
    fn check_openings(&self, problems: &mut Vec<String>) -> Option<usize> {
        let openings = self.openings.as_ref()?;
        let mut by_seq: HashMap<i64, &Opening> = HashMap::new();
        for opening in openings {
            if by_seq.insert(opening.seq, opening).is_some() {
                problems.push(format!("event {} is opened twice", opening.seq));
            }
        }
        let mut opened = 0;
        for (event, committed) in self.committed() {
            let delegation = event.body.get("delegation").and_then(Value::as_str);
            let version = event.body.get("version").and_then(Value::as_i64);
            let message = event.body.get("message").and_then(Value::as_i64);
            let what = opened_words(delegation.unwrap_or("a delegation"), version, message);
            let Some(opening) = by_seq.remove(&event.seq) else {
                problems.push(format!(
                    "the commitment of event {} ({what}) has no opening, though the bundle opens the others: an opening was removed",
                    event.seq
                ));
                continue;
            };
            if delegation != Some(opening.delegation.as_str())
                || version != opening.version
                || message != opening.message
            {
                problems.push(format!(
                    "the opening of event {} is of {}, but event {} commits to {what}",
                    event.seq,
                    opening.words(),
                    event.seq
                ));
                continue;
            }
            let matches = unhex(&opening.salt)
                .ok()
                .and_then(|salt| commitment(&salt, &opening.content).ok())
                .is_some_and(|c| c.eq_ignore_ascii_case(committed));
            if matches {
                opened += 1;
            } else {
                problems.push(format!(
                    "the opening of event {} ({what}) does not match its commitment: the content or its salt was changed",
                    event.seq
                ));
            }
        }
        let mut stray: Vec<i64> = by_seq.into_keys().collect();
        stray.sort_unstable();
        for seq in stray {
            problems.push(format!(
                "the opening given for event {seq} opens nothing: event {seq} carries no commitment on the record"
            ));
        }
        Some(opened)
    }

    /// Each cosignature on the record must be by a key its delegation registered on
    /// the record before, of a checkpoint the server signed (whose root the heads check
    /// has held against the events), and both signatures must verify: a server cannot
    /// record a cosignature a delegation did not make. Returns how many hold.
    fn check_cosignatures(&self, trusted: &[&Checkpoint], problems: &mut Vec<String>) -> usize {
        let mut registered: Vec<(&str, &str)> = Vec::new();
        let mut held = 0;
        for event in &self.events {
            let text = |key: &str| event.body.get(key).and_then(Value::as_str);
            match event.kind.as_str() {
                "key.registered" => {
                    if let (Some(delegation), Some(key)) = (text("delegation"), text("key")) {
                        registered.push((delegation, key));
                    }
                    continue;
                }
                "record.cosigned" => {}
                _ => continue,
            }
            let size = event.body.get("size").and_then(Value::as_u64);
            let fields = (
                text("delegation"),
                size,
                text("root"),
                text("key"),
                text("signature"),
            );
            let (Some(delegation), Some(size), Some(root), Some(key), Some(signature)) = fields
            else {
                problems.push(format!(
                    "event {} is a cosignature without the delegation, size, root, key and signature one carries",
                    event.seq
                ));
                continue;
            };
            let fault = if !registered.contains(&(delegation, key)) {
                format!("its key {key} is not one {delegation} registered on the record before")
            } else if let Some(checkpoint) = trusted.iter().find(|c| c.size == size) {
                if !checkpoint.root.eq_ignore_ascii_case(root) {
                    format!(
                        "it is of another root at size {size} than the server signed: {delegation} was shown another record"
                    )
                } else {
                    let cosignature = Cosignature {
                        delegation: delegation.to_string(),
                        checkpoint: (*checkpoint).clone(),
                        key: key.to_string(),
                        signature: signature.to_string(),
                    };
                    match cosignature.verify() {
                        Ok(()) => {
                            held += 1;
                            continue;
                        }
                        Err(why) => why,
                    }
                }
            } else {
                format!("no checkpoint the server signed in the bundle is of size {size}")
            };
            problems.push(format!(
                "the cosignature of event {} does not hold: {fault}",
                event.seq
            ));
        }
        held
    }
}

/// What checking a bundle found: what verified, and every problem, each naming the
/// event or the checkpoint at fault.
#[derive(Debug, Clone)]
pub struct Verification {
    pub council: i64,
    pub name: String,
    /// The server key the bundle is signed with, hex.
    pub key: String,
    pub events: usize,
    /// Checkpoints of this council, signed with the server key, whose signatures verify.
    pub checkpoints: usize,
    pub commitments: usize,
    /// How many commitments were opened and match; `None` in a public edition.
    pub opened: Option<usize>,
    /// How many delegations' cosignatures on the record were checked and hold.
    pub cosignatures: usize,
    pub problems: Vec<String>,
}

impl Verification {
    pub fn verifies(&self) -> bool {
        self.problems.is_empty()
    }

    /// The verdict in one sentence: what verifies, or how many problems there are.
    pub fn verdict(&self) -> String {
        let subject = format!("The record of council {} \"{}\"", self.council, self.name);
        if !self.verifies() {
            return format!(
                "{subject} does not verify: {}.",
                count(self.problems.len(), "problem")
            );
        }
        let private = match (self.commitments, self.opened) {
            (0, _) => "no private commitments".to_string(),
            (n, Some(_)) => format!("{} opened and matching", count(n, "private commitment")),
            (n, None) => format!(
                "{} (not opened: this is the public edition)",
                count(n, "private commitment")
            ),
        };
        let cosigned = match self.cosignatures {
            0 => String::new(),
            n => format!(", {} by delegations", count(n, "cosignature")),
        };
        format!(
            "{subject} verifies: {}, {}, {private}{cosigned}.",
            count(self.events, "event"),
            count(self.checkpoints, "signed checkpoint")
        )
    }
}

/// The verdict, then each problem on a line of its own.
impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.verdict())?;
        for problem in &self.problems {
            writeln!(f, "  - {problem}")?;
        }
        Ok(())
    }
}

impl Db {
    /// The record of council `council` as a bundle, for whoever holds the database.
    /// Before it is written, the server signs (and keeps) the head of the log at each
    /// decision and at its end, so that every decision is covered by a checkpoint of
    /// its own; the bundle holds every checkpoint kept, with a consistency proof
    /// between each two and an inclusion proof of every event in the last.
    pub async fn export(&self, council: i64, edition: Edition) -> Result<Bundle> {
        let name = self.council_name(council).await?;
        let events = self.events_of(council, 0, usize::MAX).await?;
        let leaves = events
            .iter()
            .map(|e| leaf(council, e))
            .collect::<Result<Vec<_>>>()?;
        let held = leaves.len() as u64;
        let mut heads: BTreeSet<u64> = events
            .iter()
            .filter(|e| e.kind == "decision.adopted")
            .filter_map(|e| u64::try_from(e.seq).ok())
            .collect();
        heads.insert(held);
        heads.retain(|s| (1..=held).contains(s));
        let mut roots = Vec::new();
        grow(
            &leaves,
            &heads.into_iter().collect::<Vec<_>>(),
            |size, tree| roots.push((size, hex(tree.root().as_bytes()))),
        );
        for (size, root) in roots {
            self.sign(council, size, root).await?;
        }
        // A checkpoint signed (shown to a member) after the events were read is left
        // for the next export.
        let mut checkpoints = self.checkpoints_of(council).await?;
        checkpoints.retain(|c| c.size <= held);
        let sizes: Vec<u64> = checkpoints.iter().map(|c| c.size).collect();
        let mut consistency = Vec::new();
        let mut previous = None;
        let whole = grow(&leaves, &sizes, |size, tree| {
            if let Some(from) = previous.filter(|from| (1..size).contains(from)) {
                let proof = tree.prove_consistency(usize::try_from(size - from).unwrap_or(0));
                consistency.push(Consistency {
                    from,
                    to: size,
                    proof: hex(proof.as_bytes()),
                });
            }
            previous = Some(size);
        });
        let inclusion = events
            .iter()
            .enumerate()
            .map(|(i, e)| Inclusion {
                seq: e.seq,
                size: held,
                proof: hex(whole.prove_inclusion(i).as_bytes()),
            })
            .collect();
        let openings = match edition {
            Edition::Full => Some(self.openings(council, &events).await?),
            Edition::Public => None,
        };
        Ok(Bundle {
            format: BUNDLE_FORMAT.to_string(),
            version: BUNDLE_VERSION,
            council,
            name,
            key: self.public_key().await?,
            events,
            checkpoints,
            consistency,
            inclusion,
            openings,
        })
    }

    /// The opening of every commitment among `events`: the position and salt each
    /// delegation's version was committed with, and each caucus message's.
    async fn openings(&self, council: i64, events: &[Event]) -> Result<Vec<Opening>> {
        let rows = sqlx::query(
            "SELECT d.dm, p.version, p.body, p.salt FROM positions p \
             JOIN delegations d ON d.id = p.delegation_id WHERE d.council_id = $1",
        )
        .bind(council)
        .fetch_all(&self.reader)
        .await?;
        let mut positions = HashMap::new();
        for row in &rows {
            let body: String = row.try_get("body")?;
            positions.insert(
                (
                    row.try_get::<String, _>("dm")?,
                    row.try_get::<i64, _>("version")?,
                ),
                (body, row.try_get::<String, _>("salt")?),
            );
        }
        let rows = sqlx::query(
            "SELECT id, body, created_at, salt FROM messages WHERE council_id = $1 AND salt <> ''",
        )
        .bind(council)
        .fetch_all(&self.reader)
        .await?;
        let mut messages = HashMap::new();
        for row in &rows {
            messages.insert(
                row.try_get::<i64, _>("id")?,
                (
                    row.try_get::<String, _>("body")?,
                    row.try_get::<i64, _>("created_at")?,
                    row.try_get::<String, _>("salt")?,
                ),
            );
        }
        let mut openings = Vec::new();
        for event in events
            .iter()
            .filter(|e| COMMITTED.contains(&e.kind.as_str()))
        {
            let Some(delegation) = event.body.get("delegation").and_then(Value::as_str) else {
                continue;
            };
            let version = event.body.get("version").and_then(Value::as_i64);
            let message = event.body.get("message").and_then(Value::as_i64);
            let opened = match (version, message) {
                (Some(v), _) => positions
                    .get(&(delegation.to_string(), v))
                    .map(|(body, salt)| -> Result<(Value, String)> {
                        let position = serde_json::from_str(body).map_err(|e| {
                            CouncilError::System(format!("a stored position is not JSON: {e}"))
                        })?;
                        Ok((position, salt.clone()))
                    })
                    .transpose()?,
                (None, Some(m)) => messages.get(&m).map(|(body, at, salt)| {
                    (caucus_content(&event.actor, body, *at), salt.clone())
                }),
                (None, None) => None,
            };
            if let Some((content, salt)) = opened {
                openings.push(Opening {
                    seq: event.seq,
                    delegation: delegation.to_string(),
                    version,
                    message,
                    content,
                    salt,
                });
            }
        }
        Ok(openings)
    }
}
