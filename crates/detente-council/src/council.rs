//! Councils, their delegations and members, invitations, and the public record every
//! member reads. Who may do what is decided here ([`Member`]'s methods), once for the
//! pages and the API alike.

use crate::accounts::{Account, token, token_hash};
use crate::db::{Backend, Db, now};
use crate::error::{CouncilError, Result};
use detente_app::{Limits, Source};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// How long an invitation link stays valid: a week.
pub const INVITATION_MS: i64 = 7 * 24 * 3600 * 1000;

/// What a member does in a council.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Creates the council and invites its members.
    Secretariat,
    /// Chairs: tables and amends proposals, runs silence procedures, may be shown a
    /// delegation's position in caucus and the engine's full answers.
    Mediator,
    /// Leads one delegation: states its position, answers proposals, invites delegates.
    Head,
    /// Speaks for one delegation, as its head does, but invites no one.
    Delegate,
    /// Reads the public record.
    Observer,
    /// Reads and verifies the public record.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Secretariat,
        Role::Mediator,
        Role::Head,
        Role::Delegate,
        Role::Observer,
        Role::Auditor,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Role::Secretariat => "secretariat",
            Role::Mediator => "mediator",
            Role::Head => "head",
            Role::Delegate => "delegate",
            Role::Observer => "observer",
            Role::Auditor => "auditor",
        }
    }

    /// The role in words: "head of delegation".
    pub fn words(self) -> &'static str {
        match self {
            Role::Head => "head of delegation",
            other => other.key(),
        }
    }

    pub fn from_key(key: &str) -> Result<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.key() == key)
            .ok_or_else(|| {
                CouncilError::invalid(format!(
                    "`{key}` is not a role: the roles are {}",
                    Role::ALL.map(Role::key).join(", ")
                ))
            })
    }

    /// Whether the role belongs to a delegation.
    pub fn in_delegation(self) -> bool {
        matches!(self, Role::Head | Role::Delegate)
    }
}

/// What the engine's answers on a tabled package tell whom: chosen when the council
/// is created, shown to every member, never changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Disclosure {
    /// The mediator alone is told anything; delegations learn only that it was asked.
    Mediator,
    /// Every member is told whether a package holds and under which assumptions; the
    /// mediator also who would defect, what would deter them and what would have to change.
    Verdicts,
    /// Every member is told all the mediator is.
    Full,
}

impl Disclosure {
    pub fn key(self) -> &'static str {
        match self {
            Disclosure::Mediator => "mediator",
            Disclosure::Verdicts => "verdicts",
            Disclosure::Full => "full",
        }
    }

    pub fn from_key(key: &str) -> Result<Disclosure> {
        [Disclosure::Mediator, Disclosure::Verdicts, Disclosure::Full]
            .into_iter()
            .find(|d| d.key() == key)
            .ok_or_else(|| {
                CouncilError::invalid(format!(
                    "`{key}` is not a disclosure setting: choose mediator, verdicts or full"
                ))
            })
    }

    /// The setting in words, as every member is shown it.
    pub fn words(self) -> &'static str {
        match self {
            Disclosure::Mediator => {
                "Only the mediator is told what the engine finds; delegations see that it was asked."
            }
            Disclosure::Verdicts => {
                "Every member is told whether a tabled package holds and under which assumptions; \
                 only the mediator is also told who would defect, what would deter them and what would have to change."
            }
            Disclosure::Full => "Every member is told everything the engine finds.",
        }
    }
}

/// One party's delegation: a decision maker of the council's model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delegation {
    pub id: i64,
    /// The decision maker's id in the model.
    pub dm: String,
    pub name: String,
}

/// A council as every member sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Council {
    pub id: i64,
    pub name: String,
    pub disclosure: Disclosure,
    /// The model without anyone's preferences: decision makers, options, rules, status
    /// quo and named states, as the model's JSON form.
    pub agenda: Value,
    pub delegations: Vec<Delegation>,
}

impl Council {
    pub fn delegation(&self, id: i64) -> Option<&Delegation> {
        self.delegations.iter().find(|d| d.id == id)
    }

    /// The agenda's options in column order: (decision maker's id, option id, label).
    pub fn options(&self) -> Vec<(String, String, String)> {
        let text =
            |v: &Value, key: &str| v.get(key).and_then(Value::as_str).unwrap_or("").to_string();
        self.agenda
            .get("dm")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .flat_map(|dm| {
                let owner = text(dm, "id");
                dm.get("option")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(move |o| {
                        let id = text(o, "id");
                        let label = text(o, "label");
                        (
                            owner.clone(),
                            id.clone(),
                            if label.is_empty() { id } else { label },
                        )
                    })
            })
            .collect()
    }

    /// An option's label, or its id if it has none.
    pub fn option_label(&self, id: &str) -> String {
        self.options()
            .into_iter()
            .find(|(_, o, _)| o == id)
            .map_or_else(|| id.to_string(), |(_, _, label)| label)
    }
}

/// An account's place in one council.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub id: i64,
    pub council: i64,
    pub account: i64,
    pub name: String,
    pub role: Role,
    pub delegation: Option<Delegation>,
}

/// Who did something, as the record says it: "ru-head (head of delegation, Russia)".
pub(crate) fn actor_words(name: &str, role: Role, delegation: Option<&str>) -> String {
    match delegation {
        Some(d) => format!("{name} ({}, {d})", role.words()),
        None => format!("{name} ({})", role.words()),
    }
}

/// The author of a row that has the account's `name`, the member's `role` and its
/// `delegation_id`, in words ([`actor_words`]).
pub(crate) fn author(row: &AnyRow, council: &Council) -> Result<String> {
    let role = Role::from_key(&row.try_get::<String, _>("role")?)?;
    let delegation = row
        .try_get::<Option<i64>, _>("delegation_id")?
        .and_then(|d| council.delegation(d));
    Ok(actor_words(
        &row.try_get::<String, _>("name")?,
        role,
        delegation.map(|d| d.name.as_str()),
    ))
}

/// The next number of a sequence within a transaction: `sql` selects `next` (the
/// largest so far plus one) for the key bound as `$1`.
pub(crate) async fn next_number(
    tx: &mut Transaction<'static, Any>,
    sql: &str,
    key: i64,
) -> Result<i64> {
    Ok(sqlx::query(sql)
        .bind(key)
        .fetch_one(&mut **tx)
        .await?
        .try_get("next")?)
}

impl Member {
    /// Who did something, as the record says it: "ru-head (head of delegation, Russia)".
    pub fn actor(&self) -> String {
        actor_words(
            &self.name,
            self.role,
            self.delegation.as_ref().map(|d| d.name.as_str()),
        )
    }

    /// The delegation this member speaks for, or why it cannot act for one.
    pub fn own_delegation(&self, doing: &str) -> Result<&Delegation> {
        self.delegation.as_ref().ok_or_else(|| {
            CouncilError::forbidden(format!(
                "only a delegation's head or delegates may {doing}; you are the council's {}",
                self.role.words()
            ))
        })
    }

    /// Refuses unless the member has one of `roles`.
    pub fn require(&self, roles: &[Role], doing: &str) -> Result<()> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            let who: Vec<&str> = roles.iter().map(|r| r.words()).collect();
            Err(CouncilError::forbidden(format!(
                "only the council's {} may {doing}; you are its {}",
                who.join(" or "),
                self.role.words()
            )))
        }
    }

    pub fn speaks_for(&self, delegation: i64) -> bool {
        self.delegation.as_ref().is_some_and(|d| d.id == delegation)
    }
}

/// An event of the council's public record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    /// Its place in the record, from 1.
    pub seq: i64,
    pub kind: String,
    pub actor: String,
    /// What happened, in words.
    pub summary: String,
    /// What happened, as data: only what every member may see.
    pub body: Value,
    pub at: i64,
}

/// A council just created, with the one-time invitation links to hand out.
#[derive(Debug, Clone, Serialize)]
pub struct Created {
    pub council: i64,
    pub invitations: Vec<Invitation>,
}

/// A one-time invitation: the token is shown once and kept only as its hash.
#[derive(Debug, Clone, Serialize)]
pub struct Invitation {
    pub role: Role,
    /// The delegation's name, for a head or delegate.
    pub delegation: Option<String>,
    pub token: String,
}

impl Db {
    /// Starts a transaction that changes council `council`: on PostgreSQL it locks the
    /// council's row, so that its record is appended to by one writer at a time (on
    /// SQLite the single connection does that).
    pub(crate) async fn begin_for(&self, council: i64) -> Result<Transaction<'static, Any>> {
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT id FROM councils WHERE id = $1 FOR UPDATE")
                .bind(council)
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    /// Creates a council from a model: its decision makers become delegations, their
    /// preferences are left out (each delegation states its own); invitations are made
    /// for the mediator, each delegation's head, an observer and an auditor. `by` is the
    /// secretariat account creating it from a page; `None` is the server's operator at
    /// the command line, who gets a secretariat invitation too.
    pub async fn create_council(
        &self,
        by: Option<&Account>,
        name: &str,
        model: &Source,
        disclosure: Disclosure,
    ) -> Result<Created> {
        if by.is_some_and(|a| !a.secretariat) {
            return Err(CouncilError::forbidden(
                "only the secretariat may create councils",
            ));
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(CouncilError::invalid(
                "a council's name must be 1 to 200 characters",
            ));
        }
        let limits = council_limits();
        let prepared = detente_app::prepare(model, &limits, &limits.start())?;
        let form = detente_format::form_of_file(
            &detente_format::to_toml(prepared.model()),
            "the council's model",
        )
        .map_err(detente_app::AppError::from)?;
        let agenda = detente_app::agenda(&form);
        let mut tx = self.pool.begin().await?;
        let council: i64 = sqlx::query(
            "INSERT INTO councils (name, agenda, disclosure, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(name)
        .bind(agenda.to_string())
        .bind(disclosure.key())
        .bind(by.map(|a| a.id))
        .bind(now())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        let mut delegations = Vec::new();
        for dm in &prepared.model().decision_makers {
            let id: i64 = sqlx::query(
                "INSERT INTO delegations (council_id, dm, name) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(council)
            .bind(&dm.id)
            .bind(&dm.name)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
            delegations.push((id, dm.name.clone()));
        }
        if let Some(by) = by {
            add_member(&mut tx, council, by.id, Role::Secretariat, None).await?;
        }
        let secretariat = by.is_none().then_some((Role::Secretariat, None));
        let mut invitations = Vec::new();
        for (role, delegation) in secretariat
            .into_iter()
            .chain([(Role::Mediator, None)])
            .chain(
                delegations
                    .iter()
                    .map(|(id, name)| (Role::Head, Some((*id, name.clone())))),
            )
            .chain([(Role::Observer, None), (Role::Auditor, None)])
        {
            let token =
                insert_invitation(&mut tx, council, role, delegation.as_ref().map(|d| d.0)).await?;
            invitations.push(Invitation {
                role,
                delegation: delegation.map(|d| d.1),
                token,
            });
        }
        let names: Vec<&str> = delegations.iter().map(|d| d.1.as_str()).collect();
        append(
            &mut tx,
            council,
            "council.created",
            &by.map_or_else(
                || "the server's operator".to_string(),
                |a| format!("{} (secretariat)", a.name),
            ),
            &format!(
                "The council \"{name}\" was created with {} delegation{} ({}). {}",
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                names.join(", "),
                disclosure.words()
            ),
            serde_json::json!({"name": name, "disclosure": disclosure.key(), "agenda": agenda}),
        )
        .await?;
        tx.commit().await?;
        Ok(Created {
            council,
            invitations,
        })
    }

    /// The councils `account` belongs to, by id: (id, name, role).
    pub async fn councils_of(&self, account: i64) -> Result<Vec<(i64, String, Role)>> {
        let rows = sqlx::query(
            "SELECT c.id, c.name, m.role FROM councils c JOIN members m ON m.council_id = c.id \
             WHERE m.account_id = $1 ORDER BY c.id",
        )
        .bind(account)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    r.try_get("name")?,
                    Role::from_key(&r.try_get::<String, _>("role")?)?,
                ))
            })
            .collect()
    }

    /// `account`'s membership of council `council`. Someone who is not a member is told
    /// the council does not exist, so that ids reveal nothing.
    pub async fn member(&self, account: i64, council: i64) -> Result<Member> {
        let row = sqlx::query(
            "SELECT m.id, m.role, m.delegation_id, a.name FROM members m \
             JOIN accounts a ON a.id = m.account_id WHERE m.account_id = $1 AND m.council_id = $2",
        )
        .bind(account)
        .bind(council)
        .fetch_optional(&self.reader)
        .await?
        .ok_or_else(|| {
            CouncilError::not_found(format!("there is no council {council} of yours"))
        })?;
        let delegation = match row.try_get::<Option<i64>, _>("delegation_id")? {
            Some(id) => Some(self.delegation(id).await?),
            None => None,
        };
        Ok(Member {
            id: row.try_get("id")?,
            council,
            account,
            name: row.try_get("name")?,
            role: Role::from_key(&row.try_get::<String, _>("role")?)?,
            delegation,
        })
    }

    pub(crate) async fn delegation(&self, id: i64) -> Result<Delegation> {
        let row = sqlx::query("SELECT id, dm, name FROM delegations WHERE id = $1")
            .bind(id)
            .fetch_one(&self.reader)
            .await?;
        delegation_of(&row)
    }

    /// The council as `member` sees it (every member sees the same).
    pub async fn council(&self, member: &Member) -> Result<Council> {
        let row = sqlx::query("SELECT id, name, agenda, disclosure FROM councils WHERE id = $1")
            .bind(member.council)
            .fetch_one(&self.reader)
            .await?;
        let delegations =
            sqlx::query("SELECT id, dm, name FROM delegations WHERE council_id = $1 ORDER BY id")
                .bind(member.council)
                .fetch_all(&self.reader)
                .await?
                .iter()
                .map(delegation_of)
                .collect::<Result<Vec<_>>>()?;
        let agenda: String = row.try_get("agenda")?;
        Ok(Council {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            disclosure: Disclosure::from_key(&row.try_get::<String, _>("disclosure")?)?,
            agenda: serde_json::from_str(&agenda)
                .map_err(|e| CouncilError::System(format!("a stored agenda is not JSON: {e}")))?,
            delegations,
        })
    }

    /// The members of the council: (name, role, delegation's name).
    pub async fn members(&self, member: &Member) -> Result<Vec<(String, Role, Option<String>)>> {
        let rows = sqlx::query(
            "SELECT a.name, m.role, d.name AS delegation FROM members m \
             JOIN accounts a ON a.id = m.account_id LEFT JOIN delegations d ON d.id = m.delegation_id \
             WHERE m.council_id = $1 ORDER BY m.id",
        )
        .bind(member.council)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("name")?,
                    Role::from_key(&r.try_get::<String, _>("role")?)?,
                    r.try_get("delegation")?,
                ))
            })
            .collect()
    }

    /// Invites someone to the council. The secretariat may invite anyone (a head or
    /// delegate to a delegation it names); a head only delegates to its own delegation.
    pub async fn invite(
        &self,
        by: &Member,
        role: Role,
        delegation: Option<i64>,
    ) -> Result<Invitation> {
        let allowed = match by.role {
            Role::Secretariat => true,
            Role::Head => role == Role::Delegate && delegation.is_none_or(|d| by.speaks_for(d)),
            _ => false,
        };
        if !allowed {
            return Err(CouncilError::forbidden(
                "only the secretariat may invite members; a head of delegation may invite delegates to its own delegation",
            ));
        }
        let delegation = match (role.in_delegation(), delegation) {
            (false, Some(_)) => {
                return Err(CouncilError::invalid(format!(
                    "a {} belongs to no delegation: leave the delegation out",
                    role.words()
                )));
            }
            (false, None) => None,
            (true, None) if by.role == Role::Head => by.delegation.clone(),
            (true, Some(id)) => Some(self.council(by).await?.delegation(id).cloned().ok_or_else(
                || CouncilError::not_found(format!("the council has no delegation {id}")),
            )?),
            (true, None) => {
                return Err(CouncilError::invalid(format!(
                    "say which delegation the {} is to join",
                    role.words()
                )));
            }
        };
        let mut tx = self.begin_for(by.council).await?;
        let token =
            insert_invitation(&mut tx, by.council, role, delegation.as_ref().map(|d| d.id)).await?;
        append(
            &mut tx,
            by.council,
            "member.invited",
            &by.actor(),
            &format!(
                "{} invited a {}{}.",
                by.actor(),
                role.words(),
                delegation
                    .as_ref()
                    .map(|d| format!(" of {}", d.name))
                    .unwrap_or_default()
            ),
            serde_json::json!({"role": role, "delegation": delegation.as_ref().map(|d| &d.dm)}),
        )
        .await?;
        tx.commit().await?;
        Ok(Invitation {
            role,
            delegation: delegation.map(|d| d.name),
            token,
        })
    }

    /// Takes up an invitation: `account` joins its council in its role. Each invitation
    /// is good once, for a week; an account has one role per council.
    pub async fn join(&self, account: &Account, token: &str) -> Result<Member> {
        let row = sqlx::query(
            "SELECT id, council_id, role, delegation_id, expires_at, used_by FROM invitations \
             WHERE token_hash = $1",
        )
        .bind(token_hash(token))
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| {
            CouncilError::not_found("this invitation link is not valid: ask for a new one")
        })?;
        if row.try_get::<Option<i64>, _>("used_by")?.is_some() {
            return Err(CouncilError::conflict(
                "this invitation has been used: ask for a new one",
            ));
        }
        if row.try_get::<i64, _>("expires_at")? < now() {
            return Err(CouncilError::conflict(
                "this invitation has expired: ask for a new one",
            ));
        }
        let council: i64 = row.try_get("council_id")?;
        let role = Role::from_key(&row.try_get::<String, _>("role")?)?;
        let delegation: Option<i64> = row.try_get("delegation_id")?;
        let mut tx = self.begin_for(council).await?;
        let taken = sqlx::query(
            "UPDATE invitations SET used_by = $1, used_at = $2 WHERE id = $3 AND used_by IS NULL",
        )
        .bind(account.id)
        .bind(now())
        .bind(row.try_get::<i64, _>("id")?)
        .execute(&mut *tx)
        .await?;
        if taken.rows_affected() != 1 {
            return Err(CouncilError::conflict(
                "this invitation has been used: ask for a new one",
            ));
        }
        let existing =
            sqlx::query("SELECT id FROM members WHERE council_id = $1 AND account_id = $2")
                .bind(council)
                .bind(account.id)
                .fetch_optional(&mut *tx)
                .await?;
        if existing.is_some() {
            return Err(CouncilError::conflict(
                "you are already a member of this council: an account has one role per council",
            ));
        }
        add_member(&mut tx, council, account.id, role, delegation).await?;
        if role == Role::Secretariat {
            sqlx::query("UPDATE accounts SET secretariat = 1 WHERE id = $1")
                .bind(account.id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        let member = self.member(account.id, council).await?;
        let mut tx = self.begin_for(council).await?;
        append(
            &mut tx,
            council,
            "member.joined",
            &member.actor(),
            &format!("{} joined the council.", member.actor()),
            serde_json::json!({"name": member.name, "role": role, "delegation": member.delegation.as_ref().map(|d| &d.dm)}),
        )
        .await?;
        tx.commit().await?;
        Ok(member)
    }

    /// The name of council `council`, asked by no member: for whoever holds the database
    /// (the operator's export and minutes). When there is no such council, the error
    /// names those there are.
    pub(crate) async fn council_name(&self, council: i64) -> Result<String> {
        let rows = sqlx::query("SELECT id, name FROM councils ORDER BY id")
            .fetch_all(&self.reader)
            .await?;
        let mut councils = Vec::new();
        for row in &rows {
            let (id, name): (i64, String) = (row.try_get("id")?, row.try_get("name")?);
            if id == council {
                return Ok(name);
            }
            councils.push(format!("{id} \"{name}\""));
        }
        Err(CouncilError::not_found(if councils.is_empty() {
            format!("the database has no council {council}: it holds no council at all")
        } else {
            format!(
                "the database has no council {council}: its councils are {}",
                detente_report::and_list(&councils)
            )
        }))
    }

    /// How many events council `council`'s record holds.
    pub async fn record_size(&self, council: i64) -> Result<i64> {
        Ok(
            sqlx::query("SELECT COALESCE(MAX(seq), 0) AS n FROM events WHERE council_id = $1")
                .bind(council)
                .fetch_one(&self.reader)
                .await?
                .try_get("n")?,
        )
    }

    /// The council's public record from event `after` + 1 on, at most `limit` events:
    /// a long record is read in pages, each asked for after the last event of the one
    /// before.
    pub async fn record(&self, member: &Member, after: i64, limit: usize) -> Result<Vec<Event>> {
        self.events_of(member.council, after, limit).await
    }

    /// Council `council`'s record from event `after` + 1 on, at most `limit` events,
    /// asked by no member: for [`Db::record`], and for what whoever holds the database
    /// makes of the whole record (its export and minutes).
    pub(crate) async fn events_of(
        &self,
        council: i64,
        after: i64,
        limit: usize,
    ) -> Result<Vec<Event>> {
        let rows = sqlx::query(
            "SELECT seq, kind, actor, summary, body, created_at FROM events \
             WHERE council_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(council)
        .bind(after)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                let body: String = r.try_get("body")?;
                Ok(Event {
                    seq: r.try_get("seq")?,
                    kind: r.try_get("kind")?,
                    actor: r.try_get("actor")?,
                    summary: r.try_get("summary")?,
                    body: serde_json::from_str(&body).unwrap_or(Value::Null),
                    at: r.try_get("created_at")?,
                })
            })
            .collect()
    }
}

/// How many events of the record a page holds unless the asker chooses fewer.
pub const RECORD_PAGE: usize = 500;

/// The limits of the council's analyses: a shared service's.
pub fn council_limits() -> Limits {
    Limits::service()
}

async fn add_member(
    tx: &mut Transaction<'static, Any>,
    council: i64,
    account: i64,
    role: Role,
    delegation: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO members (council_id, account_id, role, delegation_id, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(council)
    .bind(account)
    .bind(role.key())
    .bind(delegation)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn insert_invitation(
    tx: &mut Transaction<'static, Any>,
    council: i64,
    role: Role,
    delegation: Option<i64>,
) -> Result<String> {
    let token = token()?;
    sqlx::query(
        "INSERT INTO invitations (council_id, token_hash, role, delegation_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(council)
    .bind(token_hash(&token))
    .bind(role.key())
    .bind(delegation)
    .bind(now())
    .bind(now() + INVITATION_MS)
    .execute(&mut **tx)
    .await?;
    Ok(token)
}

/// Appends an event to the council's public record, in the transaction that makes the
/// change it records: the record and the council never disagree.
pub(crate) async fn append(
    tx: &mut Transaction<'static, Any>,
    council: i64,
    kind: &str,
    actor: &str,
    summary: &str,
    body: Value,
) -> Result<i64> {
    let seq = next_number(
        tx,
        "SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM events WHERE council_id = $1",
        council,
    )
    .await?;
    sqlx::query(
        "INSERT INTO events (council_id, seq, kind, actor, summary, body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(council)
    .bind(seq)
    .bind(kind)
    .bind(actor)
    .bind(summary)
    .bind(body.to_string())
    .bind(now())
    .execute(&mut **tx)
    .await?;
    announce(tx, council).await?;
    Ok(seq)
}

/// Announces that council `council` changed: to this process's streams now, and on
/// PostgreSQL to every process's when the transaction commits.
pub(crate) async fn announce(tx: &mut Transaction<'static, Any>, council: i64) -> Result<()> {
    if tx.backend_name() == "PostgreSQL" {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(crate::notify::CHANNEL)
            .bind(council.to_string())
            .execute(&mut **tx)
            .await?;
    }
    crate::notify::changed(council);
    Ok(())
}

fn delegation_of(row: &AnyRow) -> Result<Delegation> {
    Ok(Delegation {
        id: row.try_get("id")?,
        dm: row.try_get("dm")?,
        name: row.try_get("name")?,
    })
}
