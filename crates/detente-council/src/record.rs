//! The council's record as a Merkle log in the manner of Certificate Transparency
//! (RFC 6962): each event, serialised canonically (RFC 8785 JSON), is a leaf; the tree
//! hashes leaves as SHA-256(0x00 ‖ leaf) and nodes as SHA-256(0x01 ‖ left ‖ right)
//! (ct-merkle), so a leaf never passes for a node. The server signs each tree head it
//! shows (a checkpoint) with its ed25519 key; anyone holding two checkpoints can ask for
//! a consistency proof between them, and for an inclusion proof of any event, and check
//! both without trusting the server.

use crate::accounts::{hex, random_bytes};
use crate::council::{Event, Member};
use crate::db::{Db, now};
use crate::error::{CouncilError, Result};
use ct_merkle::mem_backed_tree::MemoryBackedTree;
use ct_merkle::{ConsistencyProof, HashableLeaf, InclusionProof, RootHash};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use sqlx::Row;

/// One event as a leaf of the log: its canonical JSON (RFC 8785).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf(pub Vec<u8>);

impl HashableLeaf for Leaf {
    fn hash<H: sha2::digest::Update>(&self, hasher: &mut H) {
        hasher.update(&self.0);
    }
}

/// What of an event the log commits to: all of it, with its council, so that an event
/// cannot be moved to another council's log.
#[derive(Serialize)]
struct Committed<'a> {
    council: i64,
    seq: i64,
    kind: &'a str,
    actor: &'a str,
    summary: &'a str,
    body: &'a serde_json::Value,
    at: i64,
}

/// The leaf event `event` of council `council` is.
pub fn leaf(council: i64, event: &Event) -> Result<Leaf> {
    let committed = Committed {
        council,
        seq: event.seq,
        kind: &event.kind,
        actor: &event.actor,
        summary: &event.summary,
        body: &event.body,
        at: event.at,
    };
    serde_jcs::to_vec(&committed)
        .map(Leaf)
        .map_err(|e| CouncilError::System(format!("an event cannot be serialised: {e}")))
}

/// The Merkle tree of `leaves`, in order.
pub fn tree(leaves: impl IntoIterator<Item = Leaf>) -> MemoryBackedTree<Sha256, Leaf> {
    let mut tree = MemoryBackedTree::new();
    for leaf in leaves {
        tree.push(leaf);
    }
    tree
}

/// Grows the tree of `leaves` one leaf at a time and shows `at` the tree of the first
/// `size` leaves for each of `sizes` (ascending; a size given twice is shown once, and
/// one over `leaves.len()` is never reached), then returns the whole tree: one pass
/// gives every prefix's head and proofs, where a tree built anew for each prefix would
/// cost the square of the log.
pub(crate) fn grow(
    leaves: &[Leaf],
    sizes: &[u64],
    mut at: impl FnMut(u64, &MemoryBackedTree<Sha256, Leaf>),
) -> MemoryBackedTree<Sha256, Leaf> {
    let mut tree = MemoryBackedTree::new();
    let mut sizes = sizes.to_vec();
    sizes.dedup();
    let mut sizes = sizes.into_iter().peekable();
    let mut show = |tree: &MemoryBackedTree<Sha256, Leaf>| {
        while let Some(size) = sizes.next_if(|s| *s <= tree.len()) {
            if size == tree.len() {
                at(size, tree);
            }
        }
    };
    show(&tree);
    for leaf in leaves {
        tree.push(leaf.clone());
        show(&tree);
    }
    tree
}

/// A signed tree head: the log of council `council` had `size` events and this root.
/// The signature is the server's ed25519 signature of [`Checkpoint::note`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub council: i64,
    pub size: u64,
    /// The root hash, hex.
    pub root: String,
    /// The signature of [`Checkpoint::note`], hex.
    pub signature: String,
    /// The server's public key, hex.
    pub key: String,
}

impl Checkpoint {
    /// What is signed, in the manner of a signed note: origin, size and root on lines
    /// of their own.
    pub fn note(council: i64, size: u64, root: &str) -> String {
        format!("detente council {council}\n{size}\n{root}\n")
    }

    /// The checkpoint of council `council`'s log of `size` events whose root is `root`
    /// (hex), signed with `key`.
    pub fn signed(key: &SigningKey, council: i64, size: u64, root: String) -> Checkpoint {
        let note = Checkpoint::note(council, size, &root);
        Checkpoint {
            council,
            size,
            signature: hex(&key.sign(note.as_bytes()).to_bytes()),
            root,
            key: hex(key.verifying_key().as_bytes()),
        }
    }

    /// Checks the signature against the checkpoint's own key, or says what is wrong.
    pub fn verify_signature(&self) -> Result<(), String> {
        check_signature(&verifying_key(&self.key)?, self, &self.signature).map_err(|_| {
            format!(
                "the signature of the checkpoint at size {} does not verify",
                self.size
            )
        })
    }

    /// The root as ct-merkle's type.
    pub fn root_hash(&self) -> Result<RootHash<Sha256>, String> {
        let bytes = unhex(&self.root)?;
        let digest = sha2::digest::Output::<Sha256>::try_from(bytes.as_slice())
            .map_err(|_| "the root is not a SHA-256 hash".to_string())?;
        Ok(RootHash::new(digest, self.size))
    }
}

/// The ed25519 public key `text` (hex) names, or why it names none.
pub(crate) fn verifying_key(text: &str) -> Result<VerifyingKey, String> {
    let bytes: [u8; 32] = unhex(text)?
        .try_into()
        .map_err(|_| "a public key is 32 bytes (64 hexadecimal digits)".to_string())?;
    let key = VerifyingKey::from_bytes(&bytes)
        .map_err(|_| "the public key is not a point of the ed25519 curve".to_string())?;
    if key.is_weak() {
        return Err("the public key is a weak (small-order) ed25519 key".to_string());
    }
    Ok(key)
}

/// Whether `signature` (hex) is `key`'s signature of `checkpoint`'s note: the server's
/// own, or a delegate's cosignature.
pub(crate) fn check_signature(
    key: &VerifyingKey,
    checkpoint: &Checkpoint,
    signature: &str,
) -> Result<(), String> {
    let signature: [u8; 64] = unhex(signature)?
        .try_into()
        .map_err(|_| "a signature is 64 bytes (128 hexadecimal digits)".to_string())?;
    key.verify_strict(
        Checkpoint::note(checkpoint.council, checkpoint.size, &checkpoint.root).as_bytes(),
        &ed25519_dalek::Signature::from_bytes(&signature),
    )
    .map_err(|_| "the signature does not verify".to_string())
}

/// An inclusion proof: event `seq` (the leaf at index `seq - 1`) is in the log of `size` events.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Inclusion {
    pub seq: i64,
    pub size: u64,
    /// The proof's hashes, concatenated, hex.
    pub proof: String,
}

/// A consistency proof: the log of `from` events is a prefix of the log of `to` events.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Consistency {
    pub from: u64,
    pub to: u64,
    /// The proof's hashes, concatenated, hex.
    pub proof: String,
}

/// Checks that `leaf` is at index `seq - 1` of the log `checkpoint` signs.
pub fn verify_inclusion(
    checkpoint: &Checkpoint,
    leaf: &Leaf,
    proof: &Inclusion,
) -> Result<(), String> {
    let index = proof
        .seq
        .checked_sub(1)
        .and_then(|i| u64::try_from(i).ok())
        .ok_or_else(|| "an event's number starts at 1".to_string())?;
    if proof.size != checkpoint.size || index >= checkpoint.size {
        return Err(format!(
            "the inclusion proof of event {} is for a log of {} events, the checkpoint for {}",
            proof.seq, proof.size, checkpoint.size
        ));
    }
    let proof = InclusionProof::<Sha256>::try_from_bytes(unhex(&proof.proof)?)
        .map_err(|e| format!("the inclusion proof is malformed: {e:?}"))?;
    checkpoint
        .root_hash()?
        .verify_inclusion(leaf, index, &proof)
        .map_err(|e| {
            format!(
                "event {} is not in the log the checkpoint signs ({e:?})",
                index + 1
            )
        })
}

/// Checks that the log `old` signs is a prefix of the log `new` signs.
pub fn verify_consistency(
    old: &Checkpoint,
    new: &Checkpoint,
    proof: &Consistency,
) -> Result<(), String> {
    if proof.from != old.size || proof.to != new.size {
        return Err(format!(
            "the consistency proof is from {} to {} events, the checkpoints {} and {}",
            proof.from, proof.to, old.size, new.size
        ));
    }
    if old.size == new.size {
        return if old.root == new.root {
            Ok(())
        } else {
            Err(format!(
                "two checkpoints of {} events have different roots: the history was forked",
                old.size
            ))
        };
    }
    if old.size == 0 {
        return Ok(());
    }
    let parsed = ConsistencyProof::<Sha256>::try_from_bytes(unhex(&proof.proof)?)
        .map_err(|e| format!("the consistency proof is malformed: {e:?}"))?;
    new.root_hash()?
        .verify_consistency(&old.root_hash()?, &parsed)
        .map_err(|_| format!(
            "the log of {} events is not an extension of the log of {} events: the history was rewritten or forked",
            new.size, old.size
        ))
}

/// The bytes hexadecimal `text` spells, or why it spells none.
pub(crate) fn unhex(text: &str) -> Result<Vec<u8>, String> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "`{}` is not hexadecimal",
            text.chars().take(20).collect::<String>()
        ));
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).map_err(|e| e.to_string()))
        .collect()
}

impl Db {
    /// The server's signing key, made on first use and kept in the database (so every
    /// server process on one database signs with the same key).
    pub(crate) async fn server_key(&self) -> Result<SigningKey> {
        let existing = sqlx::query("SELECT secret FROM server_key WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        let secret = match existing {
            Some(row) => row.try_get::<String, _>("secret")?,
            None => {
                let fresh = hex(&random_bytes::<32>()?);
                sqlx::query("INSERT INTO server_key (id, secret, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING")
                    .bind(&fresh)
                    .bind(now())
                    .execute(&self.pool)
                    .await?;
                sqlx::query("SELECT secret FROM server_key WHERE id = 1")
                    .fetch_one(&self.pool)
                    .await?
                    .try_get("secret")?
            }
        };
        let bytes: [u8; 32] = unhex(&secret)
            .map_err(CouncilError::System)?
            .try_into()
            .map_err(|_| CouncilError::System("the stored server key is not 32 bytes".into()))?;
        Ok(SigningKey::from_bytes(&bytes))
    }

    /// The leaves of the member's council's log, from its first event to its `size`th.
    async fn leaves(&self, member: &Member, size: u64) -> Result<Vec<Leaf>> {
        let events = self
            .record(member, 0, usize::try_from(size).unwrap_or(usize::MAX))
            .await?;
        events.iter().map(|e| leaf(member.council, e)).collect()
    }

    /// The server's public key, hex: what every checkpoint it signs is checked against.
    pub(crate) async fn public_key(&self) -> Result<String> {
        Ok(hex(self.server_key().await?.verifying_key().as_bytes()))
    }

    /// The number of events in the member's council's log.
    async fn log_size(&self, member: &Member) -> Result<u64> {
        Ok(u64::try_from(self.record_size(member.council).await?).unwrap_or(0))
    }

    /// The checkpoint of the member's council's log as it is now, signed (and kept, so
    /// that the server can be held to it).
    pub async fn checkpoint(&self, member: &Member) -> Result<Checkpoint> {
        let size = self.log_size(member).await?;
        self.signed_checkpoint(member, size).await
    }

    /// The signed checkpoint of the first `size` events of the member's council's log,
    /// kept in the database.
    pub(crate) async fn signed_checkpoint(&self, member: &Member, size: u64) -> Result<Checkpoint> {
        let root = hex(tree(self.leaves(member, size).await?).root().as_bytes());
        self.sign(member.council, size, root).await
    }

    /// Signs that council `council`'s log had `size` events and root `root`, and keeps
    /// the checkpoint (a size signed before keeps its first checkpoint: ed25519 signs
    /// the same note alike, so only a changed root could differ, and the kept one is
    /// the evidence against it).
    pub(crate) async fn sign(&self, council: i64, size: u64, root: String) -> Result<Checkpoint> {
        let checkpoint = Checkpoint::signed(&self.server_key().await?, council, size, root);
        sqlx::query(
            "INSERT INTO checkpoints (council_id, size, root, signature, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (council_id, size) DO NOTHING",
        )
        .bind(council)
        .bind(i64::try_from(size).unwrap_or(i64::MAX))
        .bind(&checkpoint.root)
        .bind(&checkpoint.signature)
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(checkpoint)
    }

    /// Every checkpoint of council `council` the server has signed and kept, by size.
    pub(crate) async fn checkpoints_of(&self, council: i64) -> Result<Vec<Checkpoint>> {
        let key = self.public_key().await?;
        let rows = sqlx::query(
            "SELECT size, root, signature FROM checkpoints WHERE council_id = $1 ORDER BY size",
        )
        .bind(council)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Checkpoint {
                    council,
                    size: u64::try_from(r.try_get::<i64, _>("size")?).unwrap_or(0),
                    root: r.try_get("root")?,
                    signature: r.try_get("signature")?,
                    key: key.clone(),
                })
            })
            .collect()
    }

    /// An inclusion proof of event `seq` in the log of `size` events (the whole log when `None`).
    pub async fn inclusion(
        &self,
        member: &Member,
        seq: i64,
        size: Option<u64>,
    ) -> Result<Inclusion> {
        let now_size = self.log_size(member).await?;
        let size = size.unwrap_or(now_size);
        if size > now_size {
            return Err(CouncilError::invalid(format!(
                "the log has {now_size} events, not {size}"
            )));
        }
        if seq < 1 || u64::try_from(seq).unwrap_or(u64::MAX) > size {
            return Err(CouncilError::invalid(format!(
                "event {seq} is not in a log of {size} events: events are numbered 1 to {size}"
            )));
        }
        let tree = tree(self.leaves(member, size).await?);
        let proof = tree.prove_inclusion(usize::try_from(seq - 1).unwrap_or(0));
        Ok(Inclusion {
            seq,
            size,
            proof: hex(proof.as_bytes()),
        })
    }

    /// A consistency proof from the log of `from` events to the log of `to` events.
    pub async fn consistency(
        &self,
        member: &Member,
        from: u64,
        to: Option<u64>,
    ) -> Result<Consistency> {
        let now_size = self.log_size(member).await?;
        let to = to.unwrap_or(now_size);
        if to > now_size || from > to {
            return Err(CouncilError::invalid(format!(
                "a consistency proof is between two sizes 0 ≤ from ≤ to ≤ {now_size} (the log's size now)"
            )));
        }
        let proof = if from == 0 || from == to {
            String::new()
        } else {
            let tree = tree(self.leaves(member, to).await?);
            hex(tree
                .prove_consistency(usize::try_from(to - from).unwrap_or(0))
                .as_bytes())
        };
        Ok(Consistency { from, to, proof })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The leaves and roots of Certificate Transparency's published test vectors
    /// (RFC 6962 trees of 1 to 8 leaves).
    const LEAVES: [&[u8]; 8] = [
        b"",
        b"\x00",
        b"\x10",
        b"\x20\x21",
        b"\x30\x31",
        b"\x40\x41\x42\x43",
        b"\x50\x51\x52\x53\x54\x55\x56\x57",
        b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
    ];
    const ROOTS: [&str; 8] = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    #[test]
    fn tree_heads_match_the_published_vectors() {
        for n in 1..=8 {
            let tree = tree(LEAVES[..n].iter().map(|l| Leaf(l.to_vec())));
            assert_eq!(hex(tree.root().as_bytes()), ROOTS[n - 1], "{n} leaves");
        }
    }

    #[test]
    fn a_growing_tree_shows_each_prefix_head_once() {
        let leaves: Vec<Leaf> = LEAVES.iter().map(|l| Leaf(l.to_vec())).collect();
        let mut seen = Vec::new();
        let whole = grow(&leaves, &[0, 1, 3, 3, 8, 9], |size, tree| {
            seen.push((size, hex(tree.root().as_bytes())));
        });
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let expected: Vec<(u64, String)> =
            [(0, empty), (1, ROOTS[0]), (3, ROOTS[2]), (8, ROOTS[7])]
                .into_iter()
                .map(|(size, root)| (size, root.to_string()))
                .collect();
        assert_eq!(
            seen, expected,
            "a repeated size is shown once, one past the end never"
        );
        assert_eq!(hex(whole.root().as_bytes()), ROOTS[7]);
    }

    #[test]
    fn a_checkpoint_verifies_and_a_changed_one_does_not() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let root = ROOTS[3].to_string();
        let note = Checkpoint::note(1, 4, &root);
        let good = Checkpoint {
            council: 1,
            size: 4,
            root,
            signature: hex(&key.sign(note.as_bytes()).to_bytes()),
            key: hex(key.verifying_key().as_bytes()),
        };
        good.verify_signature().unwrap();
        for bad in [
            Checkpoint {
                size: 5,
                ..good.clone()
            },
            Checkpoint {
                council: 2,
                ..good.clone()
            },
            Checkpoint {
                root: ROOTS[2].to_string(),
                ..good.clone()
            },
            Checkpoint {
                signature: "00".repeat(64),
                ..good.clone()
            },
            Checkpoint {
                key: "zz".into(),
                ..good.clone()
            },
        ] {
            assert!(bad.verify_signature().is_err(), "{bad:?}");
        }
    }
}
