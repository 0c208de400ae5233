//! Talk: the plenary channel every member reads, and one caucus channel per delegation
//! between it and the mediator. Observers and auditors read the plenary; they do not speak.

use crate::council::{Member, Role, announce, append, author};
use crate::db::{Db, now};
use crate::error::{CouncilError, Result};
use crate::positions::commit;
use serde::Serialize;
use sqlx::Row;

/// The kind of the record's event that commits to a caucus message.
pub const CAUCUS_COMMITTED: &str = "caucus.message";

/// What the commitment to a caucus message covers: who said what, when.
pub fn caucus_content(by: &str, body: &str, at: i64) -> serde_json::Value {
    serde_json::json!({"by": by, "body": body, "at": at})
}

/// Longest message, in characters.
pub const MAX_MESSAGE: usize = 4_000;

/// Where a message is said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Channel {
    Plenary,
    /// The caucus of a delegation (its id) with the mediator.
    Caucus(i64),
}

#[derive(Debug, Clone, Serialize)]
pub struct Message {
    pub id: i64,
    /// `plenary` or `caucus-<delegation id>`, as in the API's paths.
    pub channel: String,
    pub by: String,
    pub body: String,
    pub at: i64,
}

impl Channel {
    /// The channel as the API's paths name it: `plenary` or `caucus-<delegation id>`.
    pub fn key(self) -> String {
        match self {
            Channel::Plenary => "plenary".to_string(),
            Channel::Caucus(d) => format!("caucus-{d}"),
        }
    }
}

impl Member {
    fn may_read(&self, channel: Channel) -> bool {
        match channel {
            Channel::Plenary => true,
            Channel::Caucus(d) => self.role == Role::Mediator || self.speaks_for(d),
        }
    }

    fn may_speak(&self, channel: Channel) -> bool {
        !matches!(self.role, Role::Observer | Role::Auditor) && self.may_read(channel)
    }
}

impl Db {
    /// Says `body` on `channel`.
    pub async fn say(&self, member: &Member, channel: Channel, body: &str) -> Result<Message> {
        self.check_channel(member, channel).await?;
        if !member.may_speak(channel) {
            return Err(CouncilError::forbidden(match channel {
                Channel::Plenary => format!(
                    "a council's {} reads the plenary but does not speak in it",
                    member.role.words()
                ),
                Channel::Caucus(_) => {
                    "only the delegation and the mediator speak in a delegation's caucus"
                        .to_string()
                }
            }));
        }
        let body = body.trim();
        if body.is_empty() || body.chars().count() > MAX_MESSAGE {
            return Err(CouncilError::invalid(format!(
                "a message is 1 to {MAX_MESSAGE} characters"
            )));
        }
        let at = now();
        let by = member.actor();
        // A caucus message stays off the public record, which holds a salted commitment
        // to it (what was said, by whom, when), so that it can be opened to an auditor.
        let committed = match channel {
            Channel::Plenary => None,
            Channel::Caucus(_) => Some(commit(&caucus_content(&by, body, at))?),
        };
        let mut tx = self.begin_for(member.council).await?;
        let id: i64 = sqlx::query(
            "INSERT INTO messages (council_id, caucus_of, member_id, body, created_at, salt) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(member.council)
        .bind(match channel {
            Channel::Plenary => None,
            Channel::Caucus(d) => Some(d),
        })
        .bind(member.id)
        .bind(body)
        .bind(at)
        .bind(committed.as_ref().map_or("", |(salt, _)| salt.as_str()))
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        if let (Channel::Caucus(d), Some((_, commitment))) = (channel, &committed) {
            let delegation = self.delegation(d).await?;
            append(
                &mut tx,
                member.council,
                CAUCUS_COMMITTED,
                &by,
                &format!(
                    "{by} wrote in the caucus of {} with the mediator (the message is private; the record holds a commitment to it).",
                    delegation.name
                ),
                serde_json::json!({"delegation": delegation.dm, "message": id, "commitment": commitment}),
            )
            .await?;
        }
        announce(&mut tx, member.council).await?;
        tx.commit().await?;
        Ok(Message {
            id,
            channel: channel.key(),
            by,
            body: body.to_string(),
            at,
        })
    }

    /// The messages of every channel `member` may read, after message `after`, oldest
    /// first: what a member's open pages are sent live.
    pub async fn messages_since(&self, member: &Member, after: i64) -> Result<Vec<Message>> {
        let rows = sqlx::query(
            "SELECT g.id, g.caucus_of, g.body, g.created_at, a.name, m.role, m.delegation_id FROM messages g \
             JOIN members m ON m.id = g.member_id JOIN accounts a ON a.id = m.account_id \
             WHERE g.council_id = $1 AND g.id > $2 ORDER BY g.id",
        )
        .bind(member.council)
        .bind(after)
        .fetch_all(&self.reader)
        .await?;
        let council = self.council(member).await?;
        let mut messages = Vec::new();
        for r in &rows {
            let channel = match r.try_get::<Option<i64>, _>("caucus_of")? {
                Some(d) => Channel::Caucus(d),
                None => Channel::Plenary,
            };
            if member.may_read(channel) {
                messages.push(Message {
                    id: r.try_get("id")?,
                    channel: channel.key(),
                    by: author(r, &council)?,
                    body: r.try_get("body")?,
                    at: r.try_get("created_at")?,
                });
            }
        }
        Ok(messages)
    }

    /// The messages of `channel` after message `after`, oldest first.
    pub async fn messages(
        &self,
        member: &Member,
        channel: Channel,
        after: i64,
    ) -> Result<Vec<Message>> {
        self.check_channel(member, channel).await?;
        if !member.may_read(channel) {
            return Err(CouncilError::forbidden(
                "a delegation's caucus is read by the delegation and the mediator only",
            ));
        }
        let rows = sqlx::query(
            "SELECT g.id, g.body, g.created_at, a.name, m.role, m.delegation_id FROM messages g \
             JOIN members m ON m.id = g.member_id JOIN accounts a ON a.id = m.account_id \
             WHERE g.council_id = $1 AND g.id > $2 AND \
             ((g.caucus_of IS NULL AND $3 = 0) OR g.caucus_of = $3) ORDER BY g.id",
        )
        .bind(member.council)
        .bind(after)
        .bind(match channel {
            Channel::Plenary => 0,
            Channel::Caucus(d) => d,
        })
        .fetch_all(&self.reader)
        .await?;
        let council = self.council(member).await?;
        rows.iter()
            .map(|r| {
                let by = author(r, &council)?;
                Ok(Message {
                    id: r.try_get("id")?,
                    channel: channel.key(),
                    by,
                    body: r.try_get("body")?,
                    at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    async fn check_channel(&self, member: &Member, channel: Channel) -> Result<()> {
        if let Channel::Caucus(d) = channel
            && self.council(member).await?.delegation(d).is_none()
        {
            return Err(CouncilError::not_found(format!(
                "the council has no delegation {d}"
            )));
        }
        Ok(())
    }
}
