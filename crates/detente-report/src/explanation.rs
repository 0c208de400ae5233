//! `detente explain`: why one state is or is not stable, for each DM and
//! concept, in words and as JSON.

use crate::describe::{describe_change, describe_state};
use crate::summary::describe_sanction;
use crate::text::Flavour;
use crate::{Format, Render, json_body};
use detente_app::Explained;
use detente_engine::explain::Sanction;
use detente_engine::{Concept, Conflict, Model, StateIndex};
use serde::Serialize;
use std::io::{self, Write};

/// Schema tag of `detente explain --format json`.
pub const EXPLANATION_SCHEMA: &str = "detente.explanation/1";

/// One state explained, for some DMs under some concepts.
pub struct Explanation<'a> {
    pub model: &'a Model,
    pub conflict: &'a Conflict,
    pub explained: &'a Explained,
}

#[derive(Serialize)]
struct MoveJson {
    decision_maker: String,
    to: usize,
    change: String,
}

#[derive(Serialize)]
struct SanctionJson {
    /// "sequence" (one move after another), "simultaneous" (SIM), or "both"
    /// (SEQ&SIM: its two `parts`, a sequence and a simultaneous response).
    kind: &'static str,
    moves: Vec<MoveJson>,
    result: usize,
    text: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    parts: Vec<SanctionJson>,
}

/// A sanction against the improvement `s -> s1`, as JSON.
fn sanction_json(
    model: &Model,
    conflict: &Conflict,
    s: StateIndex,
    s1: StateIndex,
    sanction: &Sanction,
) -> SanctionJson {
    let move_json = |dm: usize, from: StateIndex, to: StateIndex| MoveJson {
        decision_maker: model.decision_makers[dm].name.clone(),
        to: to as usize + 1,
        change: describe_change(model, conflict, from, to).to_string(),
    };
    let text = describe_sanction(model, conflict, s, s1, sanction);
    let result = sanction.result() as usize + 1;
    match sanction {
        Sanction::Sequence(steps) => {
            let mut from = s1;
            let moves = steps
                .iter()
                .map(|st| {
                    let m = move_json(st.dm, from, st.to);
                    from = st.to;
                    m
                })
                .collect();
            SanctionJson {
                kind: "sequence",
                moves,
                result,
                text,
                parts: Vec::new(),
            }
        }
        Sanction::Simultaneous { moves, .. } => SanctionJson {
            kind: "simultaneous",
            moves: moves.iter().map(|st| move_json(st.dm, s, st.to)).collect(),
            result,
            text,
            parts: Vec::new(),
        },
        Sanction::Both {
            sequential,
            simultaneous,
        } => SanctionJson {
            kind: "both",
            moves: Vec::new(),
            result,
            text,
            parts: vec![
                sanction_json(model, conflict, s, s1, sequential),
                sanction_json(model, conflict, s, s1, simultaneous),
            ],
        },
    }
}

#[derive(Serialize)]
struct ImprovementJson {
    to: usize,
    change: String,
    sanction: Option<SanctionJson>,
}

#[derive(Serialize)]
struct VerdictJson {
    concept: &'static str,
    stable: bool,
    improvements: Vec<ImprovementJson>,
}

#[derive(Serialize)]
struct DmJson {
    decision_maker: String,
    verdicts: Vec<VerdictJson>,
}

#[derive(Serialize)]
struct ExplanationJson {
    schema: &'static str,
    state: usize,
    yn: String,
    description: String,
    named: Vec<String>,
    status_quo: bool,
    decision_makers: Vec<DmJson>,
}

impl Explanation<'_> {
    fn build(&self) -> ExplanationJson {
        let (model, conflict, explained) = (self.model, self.conflict, self.explained);
        let s = explained.state;
        let decision_makers = explained
            .dms
            .iter()
            .zip(&explained.why)
            .map(|(&d, per_concept)| DmJson {
                decision_maker: model.decision_makers[d].name.clone(),
                verdicts: explained
                    .concepts
                    .iter()
                    .zip(per_concept)
                    .map(|(&c, why)| VerdictJson {
                        concept: c.key(),
                        stable: why.iter().all(|w| w.sanction.is_some()),
                        improvements: why
                            .iter()
                            .map(|w| ImprovementJson {
                                to: w.improvement as usize + 1,
                                change: describe_change(model, conflict, s, w.improvement)
                                    .to_string(),
                                sanction: w.sanction.as_ref().map(|sanction| {
                                    sanction_json(model, conflict, s, w.improvement, sanction)
                                }),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        ExplanationJson {
            schema: EXPLANATION_SCHEMA,
            state: s as usize + 1,
            yn: conflict.space().yn(s),
            description: describe_state(model, conflict, s),
            named: model
                .named_states
                .iter()
                .zip(conflict.named_states())
                .filter(|(_, at)| **at == s)
                .map(|(n, _)| n.name.clone())
                .collect(),
            status_quo: conflict.status_quo() == Some(s),
            decision_makers,
        }
    }
}

impl Render for Explanation<'_> {
    fn kind(&self) -> &'static str {
        "explanations"
    }

    fn formats(&self) -> &'static [Format] {
        &[Format::Table, Format::Markdown, Format::Json]
    }

    fn text(&self, flavour: Flavour, out: &mut dyn Write) -> io::Result<()> {
        let body = self.build();
        let mut names = body
            .named
            .iter()
            .map(|n| format!(" \"{n}\""))
            .collect::<String>();
        if body.status_quo {
            names.push_str(" (the status quo)");
        }
        let title = format!(
            "State {}{names}: {} ({})",
            body.state, body.description, body.yn
        );
        writeln!(out, "{}{title}", flavour.title())?;
        for dm in &body.decision_makers {
            let stable: Vec<&str> = dm
                .verdicts
                .iter()
                .filter(|v| v.stable)
                .map(|v| label(v.concept))
                .collect();
            let unstable: Vec<&str> = dm
                .verdicts
                .iter()
                .filter(|v| !v.stable)
                .map(|v| label(v.concept))
                .collect();
            let heading = match (stable.is_empty(), unstable.is_empty()) {
                (_, true) => format!("{}: stable under {}", dm.decision_maker, stable.join(", ")),
                (true, _) => format!(
                    "{}: not stable under {}",
                    dm.decision_maker,
                    unstable.join(", ")
                ),
                _ => format!(
                    "{}: stable under {}; not under {}",
                    dm.decision_maker,
                    stable.join(", "),
                    unstable.join(", ")
                ),
            };
            flavour.list_heading(out, &heading)?;
            let bullet = flavour.item();
            if dm.verdicts.iter().all(|v| v.improvements.is_empty()) {
                writeln!(
                    out,
                    "{bullet}{} has no unilateral improvement from here, so it has no reason to move.",
                    dm.decision_maker
                )?;
                continue;
            }
            for v in &dm.verdicts {
                if v.improvements.is_empty() {
                    writeln!(
                        out,
                        "{bullet}{}: {} has no unilateral improvement from here, so it has no reason to move.",
                        label(v.concept),
                        dm.decision_maker
                    )?;
                    continue;
                }
                writeln!(
                    out,
                    "{bullet}{}: {}.",
                    label(v.concept),
                    if v.stable {
                        "stable, every improvement is deterred"
                    } else {
                        "unstable"
                    }
                )?;
                for imp in &v.improvements {
                    let sub = flavour.sub_item();
                    let verdict = match &imp.sanction {
                        Some(s) => format!("deterred: {}, ending in state {}", s.text, s.result),
                        None if v.concept == "nash" => {
                            "Nash stability considers no responses".to_string()
                        }
                        None => "nothing deters it".to_string(),
                    };
                    writeln!(out, "{sub}to state {} ({}): {verdict}.", imp.to, imp.change)?;
                }
            }
        }
        Ok(())
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        json_body(out, &self.build(), 0)
    }
}

fn label(key: &str) -> &'static str {
    Concept::from_key(key).map_or("?", Concept::label)
}
