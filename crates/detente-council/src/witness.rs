//! A delegation's witness of the record: what a delegation that acts from a script keeps
//! (the council's pages keep the same in the browser, `assets/witness.js`). It holds the
//! last checkpoint the delegation saw and the server's key, and takes in each new
//! checkpoint only with a proof that the old one is a prefix of it, so that a record
//! rewritten after the delegation saw it is noticed at once. It also checks the
//! checkpoints other delegations cosigned against its own view, so that a server showing
//! different histories to different delegations is noticed as soon as one delegation's
//! cosignature reaches another.

use crate::cosign::{Cosignature, events};
use crate::record::{Checkpoint, Consistency, verify_consistency};

/// Why the witness refuses what the server showed: the record is not what it was, or a
/// proof or signature does not hold. The message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Alarm(pub String);

/// The last checkpoint a delegation saw of one council's record, and the server's key.
#[derive(Debug, Clone)]
pub struct Witness {
    council: i64,
    last: Option<Checkpoint>,
}

impl Witness {
    /// A witness of council `council` that has seen nothing yet.
    pub fn new(council: i64) -> Witness {
        Witness {
            council,
            last: None,
        }
    }

    /// The last checkpoint taken in.
    pub fn last(&self) -> Option<&Checkpoint> {
        self.last.as_ref()
    }

    /// Takes in the server's checkpoint `next` with `proof`, the consistency proof from
    /// the last checkpoint seen to it (any proof when nothing was seen before).
    pub fn observe(&mut self, next: Checkpoint, proof: &Consistency) -> Result<(), Alarm> {
        if next.council != self.council {
            return Err(Alarm(format!(
                "the server sent a checkpoint of council {} where one of council {} was asked for",
                next.council, self.council
            )));
        }
        next.verify_signature().map_err(Alarm)?;
        if let Some(last) = &self.last {
            if next.key != last.key {
                return Err(Alarm(format!(
                    "the server now signs with another key ({}…) than before ({}…): ask the secretariat why before trusting the record",
                    &next.key[..16.min(next.key.len())],
                    &last.key[..16.min(last.key.len())]
                )));
            }
            if next.size < last.size {
                return Err(Alarm(format!(
                    "the server now shows a record of {}, shorter than the {} you saw: events were removed",
                    events(next.size),
                    events(last.size)
                )));
            }
            verify_consistency(last, &next, proof).map_err(|why| {
                Alarm(format!(
                    "the record the server shows now is not the one you saw ({why}); keep both checkpoints as evidence"
                ))
            })?;
        }
        self.last = Some(next);
        Ok(())
    }

    /// Checks another delegation's cosignature against this witness's view: `proof` is
    /// the consistency proof from the cosigned checkpoint's size to the last checkpoint
    /// seen (asked of the server), so that both being true means they are one history.
    pub fn check_cosignature(
        &self,
        cosignature: &Cosignature,
        proof: &Consistency,
    ) -> Result<(), Alarm> {
        cosignature.verify().map_err(Alarm)?;
        let last = self.last.as_ref().ok_or_else(|| {
            Alarm("take in the server's checkpoint before checking others' cosignatures".into())
        })?;
        let cosigned = &cosignature.checkpoint;
        if cosigned.key != last.key {
            return Err(Alarm(format!(
                "{} cosigned a checkpoint the server signed with another key than it shows you: the server has shown different records to different delegations",
                cosignature.delegation
            )));
        }
        if cosigned.size > last.size {
            return Err(Alarm(format!(
                "{} cosigned the record at {}, more than the {} you have seen: take in the server's newest checkpoint first",
                cosignature.delegation,
                events(cosigned.size),
                events(last.size)
            )));
        }
        verify_consistency(cosigned, last, proof).map_err(|why| {
            Alarm(format!(
                "{} cosigned a record of {} that is not part of the record the server shows you ({why}): the server has shown different histories to different delegations; keep both checkpoints as evidence",
                cosignature.delegation,
                events(cosigned.size)
            ))
        })
    }
}
