//! The engine's answers on tabled packages, computed from every delegation's current
//! private position and disclosed as the council's setting says. Every question is on
//! the record, with whom the answer was told to, so no one probes others' positions
//! unseen.

use crate::council::{Council, Disclosure, Member, Role, append, author, council_limits};
use crate::db::{Db, now};
use crate::error::{CouncilError, Result};
use crate::proposals::{Proposal, Version};
use detente_app::{PackageAnswer, Source};
use detente_report::EvolutionReport;
use detente_report::VerdictsReport;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row;

/// What every member is told (unless only the mediator is): whether the package holds
/// and under which assumptions.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Verdict {
    /// The concepts under which it holds, by label.
    pub holds: Vec<String>,
    pub fails: Vec<String>,
    /// The verdict in words.
    pub words: String,
}

/// What the mediator is told besides (everyone, under full disclosure).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Detail {
    /// Who would defect, to what, and what holds them back, one sentence per party.
    pub temptations: Vec<String>,
    /// What each party would have to come to prefer for it to hold.
    pub changes: Vec<String>,
    /// How often it holds across the orders the positions' uncertain priorities allow.
    pub robustness: Option<String>,
    /// Whether the status quo gets there by the parties' own improvements, in words.
    pub from_status_quo: String,
    /// The shortest such path, move by move, if there is one.
    pub path: Value,
}

/// One answer of the engine, as the member reading it may see it.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    pub proposal: i64,
    pub version: i64,
    pub asked_by: String,
    pub at: i64,
    /// The position versions it rests on: (decision maker's id, version).
    pub positions: Vec<(String, i64)>,
    /// `None` when this member is not told.
    pub verdict: Option<Verdict>,
    /// `None` when this member is not told.
    pub detail: Option<Detail>,
}

fn told_verdict(member: &Member, disclosure: Disclosure) -> bool {
    member.role == Role::Mediator || disclosure != Disclosure::Mediator
}

fn told_detail(member: &Member, disclosure: Disclosure) -> bool {
    member.role == Role::Mediator || disclosure == Disclosure::Full
}

impl Db {
    /// Asks the engine whether the current version of proposal `number` can hold, on
    /// every delegation's current position. The mediator and the delegations may ask.
    pub async fn ask(&self, member: &Member, number: i64) -> Result<Answer> {
        member.require(
            &[Role::Mediator, Role::Head, Role::Delegate],
            "ask the engine about a proposal",
        )?;
        let council = self.council(member).await?;
        let proposal = self.proposal(member, number).await?;
        let version = proposal.under_consideration()?.clone();
        let positions = self.latest_positions(member.council).await?;
        let missing: Vec<&str> = council
            .delegations
            .iter()
            .filter(|d| !positions.iter().any(|(dm, _, _)| *dm == d.dm))
            .map(|d| d.name.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(CouncilError::conflict(format!(
                "the engine can answer once every delegation has stated a position; still to do so: {}",
                detente_report::and_list(&missing)
            )));
        }
        let (verdict, detail) = {
            let (agenda, title) = (council.agenda.clone(), proposal.title.clone());
            let state = version.state;
            let given: Vec<(String, Value)> = positions
                .iter()
                .map(|(dm, _, body)| (dm.clone(), body.clone()))
                .collect();
            tokio::task::spawn_blocking(move || judge(&agenda, &given, state, &title))
                .await
                .map_err(|e| CouncilError::System(format!("the engine failed: {e}")))??
        };
        let used: Vec<(String, i64)> = positions
            .iter()
            .map(|(dm, v, _)| (dm.clone(), *v))
            .collect();
        let mut tx = self.begin_for(member.council).await?;
        let at = now();
        sqlx::query(
            "INSERT INTO answers (council_id, version_id, member_id, positions, verdict, detail, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(member.council)
        .bind(version.id)
        .bind(member.id)
        .bind(serde_json::to_string(&used).unwrap_or_default())
        .bind(serde_json::to_string(&verdict).unwrap_or_default())
        .bind(serde_json::to_string(&detail).unwrap_or_default())
        .bind(at)
        .execute(&mut *tx)
        .await?;
        let told = match council.disclosure {
            Disclosure::Mediator => "The answer was told to the mediator only.".to_string(),
            Disclosure::Verdicts => format!(
                "Told to every member: {} Who would defect and what would deter them was told to the mediator only.",
                verdict.words
            ),
            Disclosure::Full => format!("Told to every member, in full: {}", verdict.words),
        };
        let versions: Vec<String> = used
            .iter()
            .map(|(dm, v)| format!("{} version {v}", delegation_name(&council, dm)))
            .collect();
        append(
            &mut tx,
            member.council,
            "engine.asked",
            &member.actor(),
            &format!(
                "{} asked the engine whether proposal {number} (version {}) can hold, on the delegations' current positions ({}). {told}",
                member.actor(),
                version.version,
                versions.join(", ")
            ),
            serde_json::json!({
                "proposal": number,
                "version": version.version,
                "positions": used,
                "disclosure": council.disclosure,
                "verdict": (council.disclosure != Disclosure::Mediator).then_some(&verdict),
                "detail": (council.disclosure == Disclosure::Full).then_some(&detail),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(Answer {
            proposal: number,
            version: version.version,
            asked_by: member.actor(),
            at,
            positions: used,
            verdict: told_verdict(member, council.disclosure).then_some(verdict),
            detail: told_detail(member, council.disclosure).then_some(detail),
        })
    }

    /// Every answer the engine gave on proposal `number`, newest first, as `member` may see them.
    pub async fn answers(&self, member: &Member, number: i64) -> Result<Vec<Answer>> {
        let council = self.council(member).await?;
        let proposal = self.proposal(member, number).await?;
        let mut answers = Vec::new();
        for version in proposal.versions.iter().rev() {
            answers.extend(
                self.answers_on(member, &council, &proposal, version)
                    .await?,
            );
        }
        Ok(answers)
    }

    async fn answers_on(
        &self,
        member: &Member,
        council: &Council,
        proposal: &Proposal,
        version: &Version,
    ) -> Result<Vec<Answer>> {
        let rows = sqlx::query(
            "SELECT x.positions, x.verdict, x.detail, x.created_at, a.name, m.role, m.delegation_id \
             FROM answers x JOIN members m ON m.id = x.member_id JOIN accounts a ON a.id = m.account_id \
             WHERE x.version_id = $1 ORDER BY x.id DESC",
        )
        .bind(version.id)
        .fetch_all(&self.reader)
        .await?;
        let stored = |text: String| {
            serde_json::from_str::<Value>(&text)
                .map_err(|e| CouncilError::System(format!("a stored answer is not JSON: {e}")))
        };
        rows.into_iter()
            .map(|r| {
                let asked_by = author(&r, council)?;
                let verdict: Verdict = serde_json::from_value(stored(r.try_get("verdict")?)?)
                    .map_err(|e| {
                        CouncilError::System(format!("a stored verdict is unreadable: {e}"))
                    })?;
                let detail: Detail = serde_json::from_value(stored(r.try_get("detail")?)?)
                    .map_err(|e| {
                        CouncilError::System(format!("a stored answer is unreadable: {e}"))
                    })?;
                Ok(Answer {
                    proposal: proposal.number,
                    version: version.version,
                    asked_by,
                    at: r.try_get("created_at")?,
                    positions: serde_json::from_value(stored(r.try_get("positions")?)?)
                        .unwrap_or_default(),
                    verdict: told_verdict(member, council.disclosure).then_some(verdict),
                    detail: told_detail(member, council.disclosure).then_some(detail),
                })
            })
            .collect()
    }
}

fn delegation_name(council: &Council, dm: &str) -> String {
    council
        .delegations
        .iter()
        .find(|d| d.dm == dm)
        .map_or_else(|| dm.to_string(), |d| d.name.clone())
}

/// The engine's answer on state `state` (1-based) of the model the agenda and the
/// positions make, in words.
fn judge(
    agenda: &Value,
    positions: &[(String, Value)],
    state: i64,
    title: &str,
) -> Result<(Verdict, Detail)> {
    let form = detente_app::with_positions(agenda, positions)?;
    let limits = council_limits();
    let timer = limits.start();
    let prepared = detente_app::prepare(&Source::Form(form), &limits, &timer)?;
    let s = prepared.state_number(usize::try_from(state).unwrap_or(0))?;
    let PackageAnswer {
        analysis,
        verdict,
        robustness,
        evolution,
    } = prepared.package(s, title, &timer)?;
    let report = VerdictsReport {
        model: prepared.model(),
        conflict: &prepared.conflict,
        verdicts: std::slice::from_ref(&verdict),
        robustness: robustness.as_ref(),
    };
    let words = report.words(&verdict);
    let labels = |concepts: &[detente_engine::Concept]| {
        concepts.iter().map(|c| c.label().to_string()).collect()
    };
    let (from_status_quo, path) = match &evolution {
        None => (
            "The model has no status quo to start from.".to_string(),
            Value::Null,
        ),
        Some(evolution) => {
            let paths = EvolutionReport {
                model: prepared.model(),
                conflict: &prepared.conflict,
                analysis: &analysis,
                evolution,
                coalitions: &[],
            };
            match paths.path_to(s) {
                Some(moves) if moves.is_empty() => ("It is the status quo.".to_string(), Value::Array(Vec::new())),
                Some(moves) => (
                    format!(
                        "The parties can get there from the status quo by moves each of which pays for whoever makes it, in {} move{}.",
                        moves.len(),
                        if moves.len() == 1 { "" } else { "s" }
                    ),
                    serde_json::to_value(&moves).unwrap_or(Value::Null),
                ),
                None => (
                    "The parties cannot get there from the status quo by moves that each pay for whoever makes them: someone must be brought to accept a move that costs it.".to_string(),
                    Value::Null,
                ),
            }
        }
    };
    Ok((
        Verdict {
            holds: labels(&verdict.holds),
            fails: labels(&verdict.fails),
            words: format!("{} ({}). {}", words.subject, words.state, words.holds),
        },
        Detail {
            temptations: words.temptations,
            changes: words.changes.into_iter().map(|(_, text)| text).collect(),
            robustness: words.robustness,
            from_status_quo,
            path,
        },
    ))
}
