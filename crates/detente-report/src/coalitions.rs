//! `detente coalitions`: which groups of DMs, acting together, can upset each
//! equilibrium, and where they would take it.

use crate::describe::{compress_ids, describe_change, describe_state};
use crate::json_body;
use detente_engine::coalition::coalition_improvements;
use detente_engine::{Analysis, Concept, Conflict, Model, StateIndex};
use serde::Serialize;
use std::io::{self, Write};

/// Schema tag of `detente coalitions --format json`.
pub const COALITIONS_SCHEMA: &str = "detente.coalitions/1";

/// Most equilibria examined; a larger set is reported as cut.
const EXAMINED: usize = 500;
/// Destinations named per coalition and equilibrium.
const DESTINATIONS: usize = 3;

pub struct CoalitionReport<'a> {
    pub model: &'a Model,
    pub conflict: &'a Conflict,
    pub analysis: &'a Analysis,
    pub concept: Concept,
    /// Each coalition as DM indices.
    pub coalitions: Vec<Vec<usize>>,
}

#[derive(Serialize)]
struct UpsetJson {
    coalition: Vec<String>,
    /// Up to three coalition improvements, the ones the members like best together first.
    to: Vec<usize>,
    change: String,
    improvements: usize,
}

#[derive(Serialize)]
struct EquilibriumJson {
    state: usize,
    description: String,
    upsets: Vec<UpsetJson>,
}

#[derive(Serialize)]
struct CoalitionsJson {
    schema: &'static str,
    concept: &'static str,
    coalitions: Vec<Vec<String>>,
    equilibria: Vec<EquilibriumJson>,
    equilibria_not_examined: usize,
    coalition_stable: Vec<usize>,
}

impl CoalitionReport<'_> {
    fn names(&self, coalition: &[usize]) -> Vec<String> {
        coalition
            .iter()
            .map(|&d| self.model.decision_makers[d].name.clone())
            .collect()
    }

    fn build(&self) -> CoalitionsJson {
        let (model, conflict) = (self.model, self.conflict);
        let equilibria: Vec<StateIndex> = self
            .analysis
            .equilibria(self.concept)
            .ones()
            .map(|s| s as StateIndex)
            .collect();
        let examined = &equilibria[..equilibria.len().min(EXAMINED)];
        let reports: Vec<EquilibriumJson> = examined
            .iter()
            .map(|&s| {
                let upsets = self
                    .coalitions
                    .iter()
                    .filter_map(|members| {
                        let mut better = coalition_improvements(conflict, members, s);
                        if better.is_empty() {
                            return None;
                        }
                        let joint = |t: StateIndex| -> u64 {
                            members
                                .iter()
                                .map(|&m| u64::from(conflict.rank(m, t)))
                                .sum()
                        };
                        better.sort_by_key(|&t| (std::cmp::Reverse(joint(t)), t));
                        Some(UpsetJson {
                            coalition: self.names(members),
                            to: better
                                .iter()
                                .take(DESTINATIONS)
                                .map(|&t| t as usize + 1)
                                .collect(),
                            change: describe_change(model, conflict, s, better[0]).to_string(),
                            improvements: better.len(),
                        })
                    })
                    .collect();
                EquilibriumJson {
                    state: s as usize + 1,
                    description: describe_state(model, conflict, s),
                    upsets,
                }
            })
            .collect();
        CoalitionsJson {
            schema: COALITIONS_SCHEMA,
            concept: self.concept.key(),
            coalitions: self.coalitions.iter().map(|c| self.names(c)).collect(),
            coalition_stable: reports
                .iter()
                .filter(|r| r.upsets.is_empty())
                .map(|r| r.state)
                .collect(),
            equilibria_not_examined: equilibria.len() - examined.len(),
            equilibria: reports,
        }
    }

    pub fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        json_body(out, &self.build(), 0)
    }

    pub fn write_text(&self, markdown: bool, out: &mut dyn Write) -> io::Result<()> {
        let body = self.build();
        let label = self.concept.label();
        writeln!(
            out,
            "{}Which coalitions can upset the {label} equilibria",
            if markdown { "# " } else { "" }
        )?;
        let groups: Vec<String> = body.coalitions.iter().map(|c| c.join(" + ")).collect();
        writeln!(out, "\nCoalitions considered: {}.", groups.join("; "))?;
        if body.equilibria.is_empty() {
            writeln!(out, "There is no {label} equilibrium.")?;
        }
        for eq in &body.equilibria {
            let heading = format!("State {} ({})", eq.state, eq.description);
            writeln!(out, "\n{}{heading}", if markdown { "## " } else { "" })?;
            if eq.upsets.is_empty() {
                writeln!(
                    out,
                    "{}no coalition can upset it.",
                    if markdown { "" } else { "  " }
                )?;
            }
            for upset in &eq.upsets {
                let others = if upset.to.len() > 1 {
                    format!(
                        " (also {})",
                        upset.to[1..]
                            .iter()
                            .map(|t| t.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                } else {
                    String::new()
                };
                writeln!(
                    out,
                    "{}{} can move together to state {}{others}: {}; every member prefers it.",
                    if markdown { "- " } else { "  " },
                    upset.coalition.join(" + "),
                    upset.to[0],
                    upset.change
                )?;
            }
        }
        if body.equilibria_not_examined > 0 {
            writeln!(
                out,
                "\n{} more equilibria were not examined.",
                body.equilibria_not_examined
            )?;
        }
        writeln!(
            out,
            "\n{label} equilibria no coalition can upset: {}.",
            compress_ids(body.coalition_stable.iter().copied())
        )
    }
}
