//! Proposals: packages of terms tabled by a delegation or the mediator, amended into new
//! versions (each amendment resets every response), answered by every delegation, and
//! adopted by consensus or by a silence procedure the mediator runs.

use crate::council::{Council, Member, Role, actor_words, append, council_limits, next_number};
use crate::db::{Db, now};
use crate::error::{CouncilError, Result};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// Longest title, note or statement, in characters.
pub const MAX_TEXT: usize = 10_000;
/// Longest silence procedure: thirty days, in minutes.
pub const MAX_SILENCE_MINUTES: i64 = 30 * 24 * 60;

/// A delegation's answer to a version of a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Answer {
    Accept,
    Reject,
    /// Neither yet: the delegation reserves its position.
    Reserve,
}

impl Answer {
    pub fn key(self) -> &'static str {
        match self {
            Answer::Accept => "accept",
            Answer::Reject => "reject",
            Answer::Reserve => "reserve",
        }
    }

    pub fn from_key(key: &str) -> Result<Answer> {
        [Answer::Accept, Answer::Reject, Answer::Reserve]
            .into_iter()
            .find(|a| a.key() == key)
            .ok_or_else(|| {
                CouncilError::invalid(format!(
                    "`{key}` is not an answer: accept, reject or reserve"
                ))
            })
    }

    fn past(self) -> &'static str {
        match self {
            Answer::Accept => "accepted",
            Answer::Reject => "rejected",
            Answer::Reserve => "reserved its position on",
        }
    }
}

/// What is tabled: a title, the options the package takes (every other option is not
/// taken), whether it is a non-binding non-paper, and a note.
#[derive(Debug, Clone, Deserialize)]
pub struct Tabling {
    pub title: String,
    pub taken: Vec<String>,
    #[serde(default)]
    pub non_paper: bool,
    #[serde(default)]
    pub note: String,
}

/// An amendment: the new terms and why.
#[derive(Debug, Clone, Deserialize)]
pub struct Amendment {
    pub taken: Vec<String>,
    #[serde(default)]
    pub note: String,
}

/// A proposal with every version, the responses to each, and its decision.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    pub id: i64,
    /// Its number in the council, from 1.
    pub number: i64,
    pub title: String,
    pub non_paper: bool,
    pub tabled_by: String,
    /// The delegation that tabled it; `None` when the mediator did.
    pub delegation: Option<i64>,
    /// Oldest first; the last is the one under consideration.
    pub versions: Vec<Version>,
    pub decision: Option<Decision>,
}

impl Proposal {
    pub fn current(&self) -> Option<&Version> {
        self.versions.last()
    }

    /// The version under consideration; every proposal is tabled with one.
    pub(crate) fn under_consideration(&self) -> Result<&Version> {
        self.current()
            .ok_or_else(|| CouncilError::System(format!("proposal {} has no version", self.number)))
    }
}

/// One version of a proposal's terms.
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    pub id: i64,
    pub version: i64,
    pub taken: Vec<String>,
    /// The state of the model these terms are (1-based, as every report numbers states).
    pub state: i64,
    pub note: String,
    pub by: String,
    pub at: i64,
    /// Each delegation's latest answer to this version.
    pub responses: Vec<Response>,
    pub silence: Option<Silence>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Response {
    pub delegation: i64,
    pub answer: Answer,
    pub statement: String,
    pub by: String,
    pub at: i64,
}

/// A silence procedure: the version is adopted at `deadline` unless a delegation
/// rejects it before.
#[derive(Debug, Clone, Serialize)]
pub struct Silence {
    pub deadline: i64,
    /// The delegation that broke the silence by rejecting, if one did.
    pub broken_by: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub version: i64,
    /// "consensus" or "silence".
    pub procedure: String,
    /// What the decision rests on, in words.
    pub basis: String,
    pub at: i64,
    /// The decision's event on the record.
    pub seq: i64,
    /// The delegations that have cosigned a checkpoint of the record containing the
    /// decision, and those that have yet to: it counts as recorded when none are left.
    pub cosigned_by: Vec<String>,
    pub awaiting: Vec<String>,
    pub recorded: bool,
}

fn check_text(what: &str, text: &str, required: bool) -> Result<()> {
    if required && text.trim().is_empty() {
        return Err(CouncilError::invalid(format!("the {what} is empty")));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(CouncilError::invalid(format!(
            "the {what} is over {MAX_TEXT} characters"
        )));
    }
    Ok(())
}

impl Db {
    /// The state of the agenda's model that taking exactly `taken` makes (1-based), or
    /// why no feasible state does.
    async fn state_of(&self, council: &Council, taken: &[String]) -> Result<i64> {
        let (agenda, taken) = (council.agenda.clone(), taken.to_vec());
        tokio::task::spawn_blocking(move || -> Result<i64> {
            let limits = council_limits();
            let prepared =
                detente_app::prepare(&detente_app::Source::Form(agenda), &limits, &limits.start())?;
            Ok(i64::from(prepared.state_taking(&taken)?) + 1)
        })
        .await
        .map_err(|e| CouncilError::System(format!("reading the terms failed: {e}")))?
    }

    /// Tables a package. A delegation's head or delegate tables it for the delegation;
    /// the mediator for the chair.
    pub async fn table(&self, member: &Member, tabling: &Tabling) -> Result<Proposal> {
        member.require(
            &[Role::Mediator, Role::Head, Role::Delegate],
            "table proposals",
        )?;
        let title = tabling.title.trim();
        check_text("title", title, true)?;
        if title.chars().count() > 200 {
            return Err(CouncilError::invalid("the title is over 200 characters"));
        }
        check_text("note", &tabling.note, false)?;
        let council = self.council(member).await?;
        let state = self.state_of(&council, &tabling.taken).await?;
        let mut tx = self.begin_for(member.council).await?;
        let number = next_number(
            &mut tx,
            "SELECT COALESCE(MAX(number), 0) + 1 AS next FROM proposals WHERE council_id = $1",
            member.council,
        )
        .await?;
        let id: i64 = sqlx::query(
            "INSERT INTO proposals (council_id, number, title, non_paper, member_id, delegation_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(member.council)
        .bind(number)
        .bind(title)
        .bind(i64::from(tabling.non_paper))
        .bind(member.id)
        .bind(member.delegation.as_ref().map(|d| d.id))
        .bind(now())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        insert_version(
            &mut tx,
            id,
            1,
            &tabling.taken,
            state,
            &tabling.note,
            member.id,
        )
        .await?;
        let kind = if tabling.non_paper {
            "non-paper"
        } else {
            "proposal"
        };
        append(
            &mut tx,
            member.council,
            "proposal.tabled",
            &member.actor(),
            &format!(
                "{} tabled {kind} {number}, \"{title}\": {} (state {state}).",
                member.actor(),
                terms_words(&council, &tabling.taken)
            ),
            serde_json::json!({"proposal": number, "version": 1, "title": title, "non_paper": tabling.non_paper, "taken": tabling.taken, "state": state, "note": tabling.note}),
        )
        .await?;
        tx.commit().await?;
        self.answer_if_possible(member, number).await;
        self.proposal(member, number).await
    }

    /// Every tabled package gets the engine's answer at once when it can be given (every
    /// delegation has stated a position); otherwise it is given when asked later.
    async fn answer_if_possible(&self, member: &Member, number: i64) {
        // A failure here (a position missing, the time limit) leaves the package without
        // an answer, which the page says; asking again reports the reason.
        let _ = self.ask(member, number).await;
    }

    /// Amends a proposal: a new version with new terms, to which every delegation must
    /// answer afresh. The mediator may amend any proposal; a delegation its own.
    pub async fn amend(
        &self,
        member: &Member,
        number: i64,
        amendment: &Amendment,
    ) -> Result<Proposal> {
        let proposal = self.proposal(member, number).await?;
        let own = proposal.delegation.is_some_and(|d| member.speaks_for(d));
        if member.role != Role::Mediator && !own {
            return Err(CouncilError::forbidden(
                "only the mediator or the delegation that tabled a proposal may amend it",
            ));
        }
        check_text("note", &amendment.note, false)?;
        let council = self.council(member).await?;
        let state = self.state_of(&council, &amendment.taken).await?;
        let mut tx = self.begin_for(member.council).await?;
        // Decided, and the version's number, as of the transaction that writes.
        let proposal = load_proposal(&mut tx, member.council, number).await?;
        if proposal.decision.is_some() {
            return Err(CouncilError::conflict(format!(
                "proposal {number} has been adopted: table a new proposal instead"
            )));
        }
        let version = proposal.current().map_or(1, |v| v.version + 1);
        insert_version(
            &mut tx,
            proposal.id,
            version,
            &amendment.taken,
            state,
            &amendment.note,
            member.id,
        )
        .await?;
        append(
            &mut tx,
            member.council,
            "proposal.amended",
            &member.actor(),
            &format!(
                "{} amended proposal {number} (version {version}): {} (state {state}). Every delegation answers afresh.",
                member.actor(),
                terms_words(&council, &amendment.taken)
            ),
            serde_json::json!({"proposal": number, "version": version, "taken": amendment.taken, "state": state, "note": amendment.note}),
        )
        .await?;
        tx.commit().await?;
        self.answer_if_possible(member, number).await;
        self.proposal(member, number).await
    }

    /// A delegation answers the current version of a proposal. When every delegation
    /// has accepted the same version of a proposal (not a non-paper), it is adopted by
    /// consensus; a rejection breaks a running silence procedure.
    pub async fn respond(
        &self,
        member: &Member,
        number: i64,
        version: i64,
        answer: Answer,
        statement: &str,
    ) -> Result<Proposal> {
        let delegation = member.own_delegation("answer proposals")?.clone();
        check_text("statement", statement, false)?;
        self.settle_silences(member.council).await?;
        let council = self.council(member).await?;
        // Read in the transaction that writes, so that no amendment or decision slips in
        // between the check and the answer.
        let mut tx = self.begin_for(member.council).await?;
        let proposal = load_proposal(&mut tx, member.council, number).await?;
        if proposal.decision.is_some() {
            return Err(CouncilError::conflict(format!(
                "proposal {number} has been adopted"
            )));
        }
        let current = proposal.under_consideration()?;
        if current.version != version {
            return Err(CouncilError::conflict(format!(
                "proposal {number} is at version {}: answer that version (version {version} was amended)",
                current.version
            )));
        }
        sqlx::query(
            "INSERT INTO responses (version_id, delegation_id, answer, statement, member_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(current.id)
        .bind(delegation.id)
        .bind(answer.key())
        .bind(statement)
        .bind(member.id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            member.council,
            "proposal.answered",
            &member.actor(),
            &format!(
                "{} {} proposal {number} (version {version}){}",
                delegation.name,
                answer.past(),
                if statement.trim().is_empty() { ".".to_string() } else { format!(": \"{}\"", statement.trim()) }
            ),
            serde_json::json!({"proposal": number, "version": version, "delegation": delegation.dm, "answer": answer, "statement": statement}),
        )
        .await?;
        if answer == Answer::Reject
            && current
                .silence
                .as_ref()
                .is_some_and(|s| s.broken_by.is_none())
        {
            sqlx::query(
                "UPDATE silences SET broken_by = $1 WHERE version_id = $2 AND broken_by IS NULL",
            )
            .bind(delegation.id)
            .bind(current.id)
            .execute(&mut *tx)
            .await?;
            append(
                &mut tx,
                member.council,
                "silence.broken",
                &member.actor(),
                &format!("{} broke the silence on proposal {number} (version {version}).", delegation.name),
                serde_json::json!({"proposal": number, "version": version, "delegation": delegation.dm}),
            )
            .await?;
        }
        let accepted: Vec<i64> = latest_responses(&mut tx, current.id)
            .await?
            .into_iter()
            .filter(|r| r.answer == Answer::Accept)
            .map(|r| r.delegation)
            .collect();
        let everyone = council.delegations.iter().all(|d| accepted.contains(&d.id));
        if everyone && !proposal.non_paper {
            let names: Vec<&str> = council
                .delegations
                .iter()
                .map(|d| d.name.as_str())
                .collect();
            decide(
                &mut tx,
                member.council,
                &proposal,
                current,
                "consensus",
                &format!(
                    "every delegation accepted version {version}: {}",
                    names.join(", ")
                ),
            )
            .await?;
        }
        tx.commit().await?;
        self.proposal(member, number).await
    }

    /// The mediator starts a silence procedure on the current version of a proposal:
    /// it is adopted after `minutes` unless a delegation rejects it first.
    pub async fn start_silence(
        &self,
        member: &Member,
        number: i64,
        minutes: i64,
    ) -> Result<Proposal> {
        member.require(&[Role::Mediator], "start a silence procedure")?;
        if !(1..=MAX_SILENCE_MINUTES).contains(&minutes) {
            return Err(CouncilError::invalid(format!(
                "a silence procedure lasts 1 to {MAX_SILENCE_MINUTES} minutes (thirty days)"
            )));
        }
        let mut tx = self.begin_for(member.council).await?;
        let proposal = load_proposal(&mut tx, member.council, number).await?;
        if proposal.non_paper {
            return Err(CouncilError::conflict(format!(
                "proposal {number} is a non-paper, for discussion and not for adoption: table its terms as a proposal to adopt them"
            )));
        }
        if proposal.decision.is_some() {
            return Err(CouncilError::conflict(format!(
                "proposal {number} has been adopted"
            )));
        }
        let current = proposal.under_consideration()?;
        if current.silence.is_some() {
            return Err(CouncilError::conflict(format!(
                "a silence procedure has already been run on version {} of proposal {number}",
                current.version
            )));
        }
        let deadline = now() + minutes * 60_000;
        sqlx::query(
            "INSERT INTO silences (version_id, deadline, member_id, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(current.id)
        .bind(deadline)
        .bind(member.id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        append(
            &mut tx,
            member.council,
            "silence.started",
            &member.actor(),
            &format!(
                "{} put version {} of proposal {number} under a silence procedure: it is adopted in {minutes} minute{} unless a delegation rejects it.",
                member.actor(),
                current.version,
                if minutes == 1 { "" } else { "s" }
            ),
            serde_json::json!({"proposal": number, "version": current.version, "deadline": deadline}),
        )
        .await?;
        tx.commit().await?;
        self.proposal(member, number).await
    }

    /// Adopts every version of the council whose silence procedure has run out unbroken
    /// and that has not been amended since. Runs before every read of proposals (and
    /// from the server's clock), so no reader sees a lapsed silence undecided.
    pub async fn settle_silences(&self, council: i64) -> Result<()> {
        let due = sqlx::query(
            "SELECT s.version_id, p.number FROM silences s \
             JOIN proposal_versions v ON v.id = s.version_id JOIN proposals p ON p.id = v.proposal_id \
             WHERE p.council_id = $1 AND s.broken_by IS NULL AND s.deadline <= $2 \
             AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.version_id = s.version_id)",
        )
        .bind(council)
        .bind(now())
        .fetch_all(&self.reader)
        .await?;
        for row in due {
            let number: i64 = row.try_get("number")?;
            let mut tx = self.begin_for(council).await?;
            let proposal = load_proposal(&mut tx, council, number).await?;
            let version_id: i64 = row.try_get("version_id")?;
            let unsettled = proposal.decision.is_none()
                && proposal.current().is_some_and(|v| v.id == version_id);
            if let (true, Some(current)) = (unsettled, proposal.current()) {
                decide(
                    &mut tx,
                    council,
                    &proposal,
                    current,
                    "silence",
                    &format!(
                        "no delegation rejected version {} before the silence procedure ended",
                        current.version
                    ),
                )
                .await?;
            }
            tx.commit().await?;
        }
        Ok(())
    }

    /// Settles the silence procedures of every council (from the server's clock).
    pub async fn settle_all_silences(&self) -> Result<()> {
        let councils = sqlx::query(
            "SELECT DISTINCT p.council_id FROM silences s JOIN proposal_versions v ON v.id = s.version_id \
             JOIN proposals p ON p.id = v.proposal_id WHERE s.broken_by IS NULL AND s.deadline <= $1",
        )
        .bind(now())
        .fetch_all(&self.reader)
        .await?;
        for row in councils {
            self.settle_silences(row.try_get("council_id")?).await?;
        }
        Ok(())
    }

    /// Every proposal of the member's council, oldest first.
    pub async fn proposals(&self, member: &Member) -> Result<Vec<Proposal>> {
        self.settle_silences(member.council).await?;
        let numbers =
            sqlx::query("SELECT number FROM proposals WHERE council_id = $1 ORDER BY number")
                .bind(member.council)
                .fetch_all(&self.reader)
                .await?;
        let mut conn = self.reader.begin().await?;
        let mut proposals = Vec::new();
        for row in numbers {
            proposals.push(load_proposal(&mut conn, member.council, row.try_get("number")?).await?);
        }
        conn.commit().await?;
        Ok(proposals)
    }

    /// Proposal `number` of the member's council.
    pub async fn proposal(&self, member: &Member, number: i64) -> Result<Proposal> {
        let mut tx = self.reader.begin().await?;
        let proposal = load_proposal(&mut tx, member.council, number).await?;
        tx.commit().await?;
        Ok(proposal)
    }
}

/// "taking up US proposes NRC revival and Russia accepts ceasefire", from option ids by
/// their labels on the agenda.
fn terms_words(council: &Council, taken: &[String]) -> String {
    if taken.is_empty() {
        return "no option taken up".to_string();
    }
    let labels: Vec<String> = taken.iter().map(|id| council.option_label(id)).collect();
    format!("taking up {}", detente_report::and_list(&labels))
}

async fn insert_version(
    tx: &mut Transaction<'static, Any>,
    proposal: i64,
    version: i64,
    taken: &[String],
    state: i64,
    note: &str,
    member: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO proposal_versions (proposal_id, version, terms, state, note, member_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(proposal)
    .bind(version)
    .bind(serde_json::to_string(taken).unwrap_or_default())
    .bind(state)
    .bind(note)
    .bind(member)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn decide(
    tx: &mut Transaction<'static, Any>,
    council: i64,
    proposal: &Proposal,
    version: &Version,
    procedure: &str,
    basis: &str,
) -> Result<()> {
    let seq = append(
        tx,
        council,
        "decision.adopted",
        "the council",
        &format!(
            "The council adopted proposal {}, \"{}\" (version {}), by {procedure}: {basis}.",
            proposal.number, proposal.title, version.version
        ),
        serde_json::json!({"proposal": proposal.number, "version": version.version, "procedure": procedure, "basis": basis, "state": version.state}),
    )
    .await?;
    sqlx::query(
        "INSERT INTO decisions (council_id, version_id, procedure, basis, created_at, seq) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(council)
    .bind(version.id)
    .bind(procedure)
    .bind(basis)
    .bind(now())
    .bind(seq)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn load_proposal(
    tx: &mut Transaction<'static, Any>,
    council: i64,
    number: i64,
) -> Result<Proposal> {
    let row = sqlx::query(
        "SELECT p.id, p.number, p.title, p.non_paper, p.delegation_id, a.name, m.role, d.name AS delegation \
         FROM proposals p JOIN members m ON m.id = p.member_id JOIN accounts a ON a.id = m.account_id \
         LEFT JOIN delegations d ON d.id = p.delegation_id WHERE p.council_id = $1 AND p.number = $2",
    )
    .bind(council)
    .bind(number)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| CouncilError::not_found(format!("the council has no proposal {number}")))?;
    let id: i64 = row.try_get("id")?;
    let versions = sqlx::query(
        "SELECT v.id, v.version, v.terms, v.state, v.note, v.created_at, a.name FROM proposal_versions v \
         JOIN members m ON m.id = v.member_id JOIN accounts a ON a.id = m.account_id \
         WHERE v.proposal_id = $1 ORDER BY v.version",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let mut loaded = Vec::new();
    for v in &versions {
        loaded.push(load_version(tx, v).await?);
    }
    let decision = sqlx::query(
        "SELECT v.version, d.procedure, d.basis, d.created_at, d.seq FROM decisions d \
         JOIN proposal_versions v ON v.id = d.version_id WHERE v.proposal_id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let decision = match decision {
        None => None,
        Some(d) => {
            let seq: i64 = d.try_get("seq")?;
            let (cosigned_by, awaiting) = cosigned_after(tx, council, seq).await?;
            Some(Decision {
                version: d.try_get("version")?,
                procedure: d.try_get("procedure")?,
                basis: d.try_get("basis")?,
                at: d.try_get("created_at")?,
                seq,
                recorded: awaiting.is_empty(),
                cosigned_by,
                awaiting,
            })
        }
    };
    let delegation: Option<String> = row.try_get("delegation")?;
    let role: String = row.try_get("role")?;
    let name: String = row.try_get("name")?;
    Ok(Proposal {
        id,
        number: row.try_get("number")?,
        title: row.try_get("title")?,
        non_paper: row.try_get::<i64, _>("non_paper")? != 0,
        tabled_by: actor_words(&name, Role::from_key(&role)?, delegation.as_deref()),
        delegation: row.try_get("delegation_id")?,
        versions: loaded,
        decision,
    })
}

/// Each delegation's latest answer to version `version_id`, by delegation: each looked
/// up through the index on (version, delegation, id), however many answers came before.
async fn latest_responses(
    tx: &mut Transaction<'static, Any>,
    version_id: i64,
) -> Result<Vec<Response>> {
    sqlx::query(
        "SELECT r.delegation_id, r.answer, r.statement, r.created_at, a.name FROM delegations d \
         JOIN responses r ON r.id = (SELECT q.id FROM responses q \
         WHERE q.version_id = $1 AND q.delegation_id = d.id ORDER BY q.id DESC LIMIT 1) \
         JOIN members m ON m.id = r.member_id JOIN accounts a ON a.id = m.account_id \
         WHERE d.council_id = (SELECT p.council_id FROM proposal_versions v \
         JOIN proposals p ON p.id = v.proposal_id WHERE v.id = $1) ORDER BY r.delegation_id",
    )
    .bind(version_id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| {
        Ok(Response {
            delegation: r.try_get("delegation_id")?,
            answer: Answer::from_key(&r.try_get::<String, _>("answer")?)?,
            statement: r.try_get("statement")?,
            by: r.try_get("name")?,
            at: r.try_get("created_at")?,
        })
    })
    .collect()
}

async fn load_version(tx: &mut Transaction<'static, Any>, row: &AnyRow) -> Result<Version> {
    let id: i64 = row.try_get("id")?;
    let responses = latest_responses(tx, id).await?;
    let silence = sqlx::query("SELECT deadline, broken_by FROM silences WHERE version_id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|s| -> Result<Silence> {
            Ok(Silence {
                deadline: s.try_get("deadline")?,
                broken_by: s.try_get("broken_by")?,
            })
        })
        .transpose()?;
    let terms: String = row.try_get("terms")?;
    Ok(Version {
        id,
        version: row.try_get("version")?,
        taken: serde_json::from_str(&terms)
            .map_err(|e| CouncilError::System(format!("stored terms are not JSON: {e}")))?,
        state: row.try_get("state")?,
        note: row.try_get("note")?,
        by: row.try_get("name")?,
        at: row.try_get("created_at")?,
        responses,
        silence,
    })
}

/// The council's delegations that have cosigned a checkpoint of at least `seq` events
/// (one that contains event `seq`), and those that have not, in the council's order.
async fn cosigned_after(
    tx: &mut Transaction<'static, Any>,
    council: i64,
    seq: i64,
) -> Result<(Vec<String>, Vec<String>)> {
    let rows = sqlx::query(
        "SELECT d.name, (SELECT COUNT(*) FROM cosignatures c WHERE c.delegation_id = d.id AND c.size >= $2) AS n \
         FROM delegations d WHERE d.council_id = $1 ORDER BY d.id",
    )
    .bind(council)
    .bind(seq)
    .fetch_all(&mut **tx)
    .await?;
    let (mut cosigned, mut awaiting) = (Vec::new(), Vec::new());
    for row in rows {
        let name: String = row.try_get("name")?;
        if row.try_get::<i64, _>("n")? > 0 {
            cosigned.push(name);
        } else {
            awaiting.push(name);
        }
    }
    Ok((cosigned, awaiting))
}
