//! Each delegation's private position: its preferences in the model format's own keys,
//! versioned. Only the delegation reads it, and the mediator while the delegation grants
//! a caucus; the record says that a position was revised, never what it says.

use crate::accounts::{hex, random_bytes};
use crate::council::{Member, Role, append, council_limits, next_number};
use crate::db::{Db, now};
use crate::error::{CouncilError, Result};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// One version of a delegation's position.
#[derive(Debug, Clone, Serialize)]
pub struct Position {
    pub delegation: i64,
    pub version: i64,
    /// The decision maker's preference keys (`preferences`, `ranking`, ...), as the
    /// model's JSON form holds them.
    pub body: Value,
    pub author: String,
    pub at: i64,
}

/// Largest position accepted, in bytes of JSON.
pub const MAX_POSITION_BYTES: usize = 256 * 1024;

/// A salted commitment to a position: a fresh salt and SHA-256(salt ‖ the position's
/// canonical JSON), both hex. The record holds the commitment; shown the salt and the
/// position later, anyone can check that this was the position then, and without them
/// the commitment reveals nothing of it.
pub fn commit(body: &Value) -> Result<(String, String)> {
    let salt = random_bytes::<32>()?;
    Ok((hex(&salt), commitment(&salt, body)?))
}

/// The commitment to `body` under `salt`.
pub fn commitment(salt: &[u8], body: &Value) -> Result<String> {
    let canonical = serde_jcs::to_vec(body)
        .map_err(|e| CouncilError::System(format!("a position cannot be serialised: {e}")))?;
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(&canonical);
    Ok(hex(&hasher.finalize()))
}

impl Db {
    /// Records a new version of `member`'s delegation's position, after checking it
    /// against the agenda (an error is located at the statement at fault).
    pub async fn state_position(&self, member: &Member, body: &Value) -> Result<Position> {
        let delegation = member
            .own_delegation("state a delegation's position")?
            .clone();
        if body.to_string().len() > MAX_POSITION_BYTES {
            return Err(CouncilError::invalid(format!(
                "the position is over {} KiB: state it in fewer, shorter statements",
                MAX_POSITION_BYTES / 1024
            )));
        }
        let council = self.council(member).await?;
        let (agenda, dm, checked) = (council.agenda.clone(), delegation.dm.clone(), body.clone());
        tokio::task::spawn_blocking(move || {
            detente_app::check_position(&agenda, &dm, &checked, &council_limits())
        })
        .await
        .map_err(|e| CouncilError::System(format!("checking the position failed: {e}")))??;
        let mut tx = self.begin_for(member.council).await?;
        let version = next_number(
            &mut tx,
            "SELECT COALESCE(MAX(version), 0) + 1 AS next FROM positions WHERE delegation_id = $1",
            delegation.id,
        )
        .await?;
        let at = now();
        let (salt, commitment) = commit(body)?;
        sqlx::query(
            "INSERT INTO positions (delegation_id, version, body, member_id, created_at, salt) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(delegation.id)
        .bind(version)
        .bind(body.to_string())
        .bind(member.id)
        .bind(at)
        .bind(&salt)
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            member.council,
            "position.revised",
            &member.actor(),
            &format!(
                "{} stated its position (version {version}); its content is private to the delegation.",
                delegation.name
            ),
            serde_json::json!({"delegation": delegation.dm, "version": version, "commitment": commitment}),
        )
        .await?;
        tx.commit().await?;
        Ok(Position {
            delegation: delegation.id,
            version,
            body: body.clone(),
            author: member.actor(),
            at,
        })
    }

    /// Every version of delegation `delegation`'s position, newest first, if `member`
    /// may read it: a member of that delegation, or the mediator while it grants a caucus.
    pub async fn positions(&self, member: &Member, delegation: i64) -> Result<Vec<Position>> {
        self.may_read_position(member, delegation).await?;
        let rows = sqlx::query(
            "SELECT p.version, p.body, p.created_at, a.name, m.role FROM positions p \
             JOIN members m ON m.id = p.member_id JOIN accounts a ON a.id = m.account_id \
             WHERE p.delegation_id = $1 ORDER BY p.version DESC",
        )
        .bind(delegation)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                let body: String = r.try_get("body")?;
                Ok(Position {
                    delegation,
                    version: r.try_get("version")?,
                    body: serde_json::from_str(&body).map_err(|e| {
                        CouncilError::System(format!("a stored position is not JSON: {e}"))
                    })?,
                    author: r.try_get("name")?,
                    at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    async fn may_read_position(&self, member: &Member, delegation: i64) -> Result<()> {
        let council = self.council(member).await?;
        let Some(target) = council.delegation(delegation) else {
            return Err(CouncilError::not_found(format!(
                "the council has no delegation {delegation}"
            )));
        };
        if member.speaks_for(delegation)
            || (member.role == Role::Mediator && self.caucus_granted(delegation).await?)
        {
            Ok(())
        } else {
            Err(CouncilError::forbidden(format!(
                "the position of {} is private to its delegation{}",
                target.name,
                if member.role == Role::Mediator {
                    " (it has not granted you a caucus)"
                } else {
                    ""
                }
            )))
        }
    }

    /// Whether delegation `delegation` lets the mediator read its position now.
    pub async fn caucus_granted(&self, delegation: i64) -> Result<bool> {
        let row = sqlx::query(
            "SELECT granted FROM caucus_grants WHERE delegation_id = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(delegation)
        .fetch_optional(&self.reader)
        .await?;
        Ok(match row {
            Some(r) => r.try_get::<i64, _>("granted")? != 0,
            None => false,
        })
    }

    /// The head of a delegation grants the mediator read access to its position (a
    /// caucus), or withdraws it; every member sees the grant on the record.
    pub async fn grant_caucus(&self, member: &Member, granted: bool) -> Result<()> {
        member.require(&[Role::Head], "grant or withdraw a caucus")?;
        let delegation = member.own_delegation("grant a caucus")?.clone();
        let mut tx = self.begin_for(member.council).await?;
        sqlx::query(
            "INSERT INTO caucus_grants (delegation_id, granted, member_id, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(delegation.id)
        .bind(i64::from(granted))
        .bind(member.id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            member.council,
            if granted {
                "caucus.granted"
            } else {
                "caucus.withdrawn"
            },
            &member.actor(),
            &if granted {
                format!(
                    "{} let the mediator read its position (a caucus).",
                    delegation.name
                )
            } else {
                format!(
                    "{} withdrew the mediator's access to its position.",
                    delegation.name
                )
            },
            serde_json::json!({"delegation": delegation.dm, "granted": granted}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Each delegation's latest position by decision maker id, for the engine: the
    /// versions used are returned too, so that a verdict says what it rests on.
    pub(crate) async fn latest_positions(&self, council: i64) -> Result<Vec<(String, i64, Value)>> {
        let rows = sqlx::query(
            "SELECT d.dm, p.version, p.body FROM delegations d JOIN positions p ON p.delegation_id = d.id \
             WHERE d.council_id = $1 AND p.version = \
             (SELECT MAX(q.version) FROM positions q WHERE q.delegation_id = d.id) ORDER BY d.id",
        )
        .bind(council)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                let body: String = r.try_get("body")?;
                Ok((
                    r.try_get("dm")?,
                    r.try_get("version")?,
                    serde_json::from_str(&body).map_err(|e| {
                        CouncilError::System(format!("a stored position is not JSON: {e}"))
                    })?,
                ))
            })
            .collect()
    }
}
