//! Cosigned checkpoints: a delegation's own signature on the server's signed tree head,
//! saying "this is the record as we saw it, and it is consistent with everything we saw
//! before". Delegates register an ed25519 key (on the record, so that everyone knows
//! whose it is) and sign the same note the server signs ([`Checkpoint::note`]). A
//! decision counts as recorded once every delegation has cosigned a checkpoint that
//! contains it; a server that shows different histories to different delegations then
//! either has them cosign checkpoints that cannot both be true, which each delegation's
//! witness notices ([`crate::witness`]), or leaves a decision unrecorded.

use crate::council::{Member, append};
use crate::db::{Db, now};
use crate::error::{CouncilError, Result};
use crate::record::{Checkpoint, check_signature, verifying_key};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// A key a delegate signs checkpoints with, as registered on the record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RegisteredKey {
    /// The ed25519 public key, hex.
    pub key: String,
    /// Whose it is, in words, and for which delegation.
    pub by: String,
    pub delegation: String,
}

/// A delegation's signature of a checkpoint, as asked for: the checkpoint's size and
/// root, the key (registered before) and the signature of the checkpoint's note, hex.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cosigning {
    pub size: u64,
    pub root: String,
    pub key: String,
    pub signature: String,
}

/// A checkpoint signed by the server and cosigned by a delegation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cosignature {
    /// The delegation's name.
    pub delegation: String,
    /// The server's signed checkpoint.
    pub checkpoint: Checkpoint,
    /// The delegate's public key, hex.
    pub key: String,
    /// The delegate's signature of the checkpoint's note, hex.
    pub signature: String,
}

impl Cosignature {
    /// Checks both signatures, the server's and the delegation's, or says which fails.
    pub fn verify(&self) -> Result<(), String> {
        self.checkpoint.verify_signature()?;
        let key = verifying_key(&self.key)?;
        check_signature(&key, &self.checkpoint, &self.signature).map_err(|_| {
            format!(
                "{}'s cosignature of the record at {} does not verify",
                self.delegation,
                events(self.checkpoint.size)
            )
        })
    }
}

/// "1 event", "42 events".
pub(crate) fn events(n: u64) -> String {
    if n == 1 {
        "1 event".to_string()
    } else {
        format!("{n} events")
    }
}

impl Db {
    /// Registers `key` (an ed25519 public key, hex) as one the member signs with for
    /// its delegation, on the record. Registering one's own key again changes nothing;
    /// a key another member registered is refused.
    pub async fn register_key(&self, member: &Member, key: &str) -> Result<RegisteredKey> {
        let delegation = member
            .own_delegation("register a key to cosign with")?
            .clone();
        let key = key.trim().to_ascii_lowercase();
        verifying_key(&key).map_err(|why| {
            CouncilError::invalid(format!("{why}: send the key as 64 hexadecimal digits"))
        })?;
        let registered = RegisteredKey {
            key: key.clone(),
            by: member.actor(),
            delegation: delegation.name.clone(),
        };
        let mut tx = self.begin_for(member.council).await?;
        let existing = sqlx::query(
            "SELECT member_id FROM member_keys WHERE council_id = $1 AND public_key = $2",
        )
        .bind(member.council)
        .bind(&key)
        .fetch_optional(&mut *tx)
        .await?;
        match existing {
            Some(row) if row.try_get::<i64, _>("member_id")? == member.id => return Ok(registered),
            Some(_) => {
                return Err(CouncilError::conflict(
                    "another member has registered this key: make a key of your own",
                ));
            }
            None => {}
        }
        sqlx::query(
            "INSERT INTO member_keys (council_id, member_id, public_key, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(member.council)
        .bind(member.id)
        .bind(&key)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            member.council,
            "key.registered",
            &member.actor(),
            &format!(
                "{} registered a key to cosign the record with for {} ({}…).",
                member.name,
                delegation.name,
                &key[..16]
            ),
            serde_json::json!({"delegation": delegation.dm, "key": key}),
        )
        .await?;
        tx.commit().await?;
        Ok(registered)
    }

    /// The member cosigns, for its delegation, the server's checkpoint of `size` events:
    /// refused unless the root is the one the server has for that size (else the
    /// member's view and the server's differ, and both checkpoints are evidence of it),
    /// the key is the member's and the signature verifies.
    pub async fn cosign(&self, member: &Member, cosigning: &Cosigning) -> Result<Cosignature> {
        let delegation = member.own_delegation("cosign the record")?.clone();
        let key_text = cosigning.key.trim().to_ascii_lowercase();
        let key = verifying_key(&key_text).map_err(CouncilError::invalid)?;
        let key_id: i64 = sqlx::query(
            "SELECT id FROM member_keys WHERE council_id = $1 AND member_id = $2 AND public_key = $3",
        )
        .bind(member.council)
        .bind(member.id)
        .bind(&key_text)
        .fetch_optional(&self.reader)
        .await?
        .ok_or_else(|| {
            CouncilError::invalid("this key is not one you registered: register it first (POST …/keys)")
        })?
        .try_get("id")?;
        // The record only grows, so the checkpoint of `size` events checked here is
        // the one the transaction below records.
        let size_now = self.record_size(member.council).await?;
        let size = i64::try_from(cosigning.size).unwrap_or(i64::MAX);
        if size < 1 || size > size_now {
            return Err(CouncilError::invalid(format!(
                "there is no checkpoint of {} to cosign: the record has {}",
                events(cosigning.size),
                events(u64::try_from(size_now).unwrap_or(0))
            )));
        }
        let checkpoint = self.signed_checkpoint(member, cosigning.size).await?;
        if checkpoint.root != cosigning.root.trim().to_ascii_lowercase() {
            return Err(CouncilError::conflict(format!(
                "the record of {} has the root {} on this server, not {}: the record you were shown differs from the server's; keep both checkpoints as evidence",
                events(cosigning.size),
                checkpoint.root,
                cosigning.root.trim()
            )));
        }
        check_signature(&key, &checkpoint, &cosigning.signature).map_err(|why| {
            CouncilError::invalid(format!(
                "{why}: sign the checkpoint's note (\"detente council {}\\n{}\\n{}\\n\") with the key's private half",
                checkpoint.council, checkpoint.size, checkpoint.root
            ))
        })?;
        let signature = cosigning.signature.trim().to_ascii_lowercase();
        let mut tx = self.begin_for(member.council).await?;
        sqlx::query(
            "INSERT INTO cosignatures (council_id, delegation_id, key_id, size, root, signature, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(member.council)
        .bind(delegation.id)
        .bind(key_id)
        .bind(size)
        .bind(&checkpoint.root)
        .bind(&signature)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            member.council,
            "record.cosigned",
            &member.actor(),
            &format!(
                "{} cosigned the record at {} (root {}…).",
                delegation.name,
                events(cosigning.size),
                &checkpoint.root[..16]
            ),
            serde_json::json!({"delegation": delegation.dm, "size": cosigning.size, "root": checkpoint.root, "key": key_text, "signature": signature}),
        )
        .await?;
        tx.commit().await?;
        Ok(Cosignature {
            delegation: delegation.name,
            checkpoint,
            key: key_text,
            signature,
        })
    }

    /// Every cosignature of the member's council, oldest first, each with the server's
    /// signed checkpoint it cosigns.
    pub async fn cosignatures(&self, member: &Member) -> Result<Vec<Cosignature>> {
        let rows = sqlx::query(
            "SELECT d.name, c.size, c.root, c.signature, k.public_key FROM cosignatures c \
             JOIN delegations d ON d.id = c.delegation_id JOIN member_keys k ON k.id = c.key_id \
             WHERE c.council_id = $1 ORDER BY c.id",
        )
        .bind(member.council)
        .fetch_all(&self.reader)
        .await?;
        let server = self.server_key().await?;
        rows.iter()
            .map(|r| {
                let size = u64::try_from(r.try_get::<i64, _>("size")?).unwrap_or(0);
                let root: String = r.try_get("root")?;
                Ok(Cosignature {
                    delegation: r.try_get("name")?,
                    checkpoint: Checkpoint::signed(&server, member.council, size, root),
                    key: r.try_get("public_key")?,
                    signature: r.try_get("signature")?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::hex;
    use ed25519_dalek::{Signer, SigningKey};

    fn cosigned(server: &SigningKey, delegate: &SigningKey) -> Cosignature {
        let checkpoint = Checkpoint::signed(server, 7, 3, hex(&[7u8; 32]));
        let note = Checkpoint::note(7, 3, &checkpoint.root);
        Cosignature {
            delegation: "Russia".into(),
            key: hex(delegate.verifying_key().as_bytes()),
            signature: hex(&delegate.sign(note.as_bytes()).to_bytes()),
            checkpoint,
        }
    }

    #[test]
    fn a_cosignature_verifies_with_both_keys_and_not_with_another() {
        let (server, delegate) = (
            SigningKey::from_bytes(&[1; 32]),
            SigningKey::from_bytes(&[2; 32]),
        );
        let good = cosigned(&server, &delegate);
        assert_eq!(good.verify(), Ok(()));
        let mut other_key = good.clone();
        other_key.key = hex(SigningKey::from_bytes(&[3; 32]).verifying_key().as_bytes());
        assert!(
            other_key
                .verify()
                .unwrap_err()
                .contains("Russia's cosignature of the record at 3 events")
        );
        let mut other_root = good.clone();
        other_root.checkpoint.root = hex(&[8u8; 32]);
        assert!(
            other_root
                .verify()
                .unwrap_err()
                .contains("signature of the checkpoint")
        );
    }

    #[test]
    fn keys_that_are_not_ed25519_points_or_are_weak_are_refused() {
        assert!(verifying_key("00").is_err());
        // The identity point: small order.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert!(verifying_key(&hex(&identity)).unwrap_err().contains("weak"));
        assert!(
            verifying_key(&hex(SigningKey::from_bytes(&[9; 32])
                .verifying_key()
                .as_bytes()))
            .is_ok()
        );
    }
}
