//! `detente coalitions`: coalitional stability (which states no group of DMs
//! can profitably leave), and for each ordinary equilibrium, which coalitions
//! can upset it and where they would take it.

use crate::describe::{compress_ids, describe_change, describe_state};
use crate::text::Flavour;
use crate::{Format, Render, json_body};
use detente_engine::coalition::{CoalitionAnalysis, Upset, coalition_improvements};
use detente_engine::{Analysis, Concept, Conflict, Model, StateIndex};
use serde::Serialize;
use std::io::{self, Write};

/// Schema tag of `detente coalitions --format json`.
pub const COALITIONS_SCHEMA: &str = "detente.coalitions/2";

/// Most equilibria examined; a larger set is reported as cut.
const EXAMINED: usize = 500;
/// Destinations named per coalition and equilibrium.
const DESTINATIONS: usize = 3;

pub struct CoalitionReport<'a> {
    pub model: &'a Model,
    pub conflict: &'a Conflict,
    /// The ordinary analysis under the coalition analysis's concept.
    pub analysis: &'a Analysis,
    pub coalitions: &'a CoalitionAnalysis,
}

#[derive(Serialize)]
struct UpsetJson {
    coalition: Vec<String>,
    /// Up to three undeterred coalition improvements, the ones the members like best together first.
    to: Vec<usize>,
    change: String,
    /// Members for whom some of these moves cannot be deterred.
    undeterred_for: Vec<String>,
    /// Undeterred coalition improvements in all.
    undeterred: usize,
    /// Coalition improvements in all, deterred or not.
    improvements: usize,
}

#[derive(Serialize)]
struct EquilibriumJson {
    state: usize,
    description: String,
    coalition_stable: bool,
    upsets: Vec<UpsetJson>,
}

#[derive(Serialize)]
struct StableJson {
    decision_maker: String,
    states: Vec<usize>,
}

#[derive(Serialize)]
struct CoalitionsJson {
    schema: &'static str,
    concept: &'static str,
    coalitions: Vec<Vec<String>>,
    /// States coalitionally stable for every DM.
    coalition_equilibria: Vec<usize>,
    /// States coalitionally stable for each DM.
    stable: Vec<StableJson>,
    equilibria: Vec<EquilibriumJson>,
    equilibria_not_examined: usize,
}

impl CoalitionReport<'_> {
    fn names(&self, members: &[usize]) -> Vec<String> {
        members
            .iter()
            .map(|&d| self.model.decision_makers[d].name.clone())
            .collect()
    }

    /// The undeterred moves of one coalition from `s`, grouped.
    fn upset_json(&self, s: StateIndex, members: &[usize], upsets: &[&Upset]) -> UpsetJson {
        let conflict = self.conflict;
        let joint = |t: StateIndex| -> u64 {
            members
                .iter()
                .map(|&m| u64::from(conflict.rank(m, t)))
                .sum()
        };
        let mut to: Vec<StateIndex> = upsets.iter().map(|u| u.to).collect();
        to.sort_by_key(|&t| (std::cmp::Reverse(joint(t)), t));
        let mut undeterred_for: Vec<usize> = upsets
            .iter()
            .flat_map(|u| u.undeterred.iter().copied())
            .collect();
        undeterred_for.sort_unstable();
        undeterred_for.dedup();
        UpsetJson {
            coalition: self.names(members),
            change: describe_change(self.model, conflict, s, to[0]).to_string(),
            to: to
                .iter()
                .take(DESTINATIONS)
                .map(|&t| t as usize + 1)
                .collect(),
            undeterred_for: self.names(&undeterred_for),
            undeterred: upsets.len(),
            improvements: coalition_improvements(conflict, members, s).len(),
        }
    }

    fn build(&self) -> CoalitionsJson {
        let (model, conflict, coalitions) = (self.model, self.conflict, self.coalitions);
        let concept = coalitions.concept();
        let equilibria: Vec<StateIndex> = self
            .analysis
            .equilibria(concept)
            .ones()
            .map(|s| s as StateIndex)
            .collect();
        let examined = &equilibria[..equilibria.len().min(EXAMINED)];
        let reports = examined
            .iter()
            .map(|&s| {
                let upsets = coalitions.upsets(conflict, s);
                let by_coalition = upsets.chunk_by(|a, b| a.coalition == b.coalition);
                EquilibriumJson {
                    state: s as usize + 1,
                    description: describe_state(model, conflict, s),
                    coalition_stable: upsets.is_empty(),
                    upsets: by_coalition
                        .map(|group| {
                            let members = &coalitions.coalitions()[group[0].coalition];
                            self.upset_json(s, members, &group.iter().collect::<Vec<_>>())
                        })
                        .collect(),
                }
            })
            .collect();
        CoalitionsJson {
            schema: COALITIONS_SCHEMA,
            concept: concept.key(),
            coalitions: coalitions
                .coalitions()
                .iter()
                .filter(|c| c.len() > 1)
                .map(|c| self.names(c))
                .collect(),
            coalition_equilibria: coalitions.equilibria().ones().map(|s| s + 1).collect(),
            stable: model
                .decision_makers
                .iter()
                .enumerate()
                .map(|(d, dm)| StableJson {
                    decision_maker: dm.name.clone(),
                    states: coalitions.stable(d).ones().map(|s| s + 1).collect(),
                })
                .collect(),
            equilibria_not_examined: equilibria.len() - examined.len(),
            equilibria: reports,
        }
    }
}

impl Render for CoalitionReport<'_> {
    fn kind(&self) -> &'static str {
        "coalition analyses"
    }

    fn formats(&self) -> &'static [Format] {
        &[Format::Table, Format::Markdown, Format::Json]
    }

    fn text(&self, flavour: Flavour, out: &mut dyn Write) -> io::Result<()> {
        let body = self.build();
        let label = self.coalitions.concept().label();
        let (h1, h2, item) = (flavour.title(), flavour.section(), flavour.item());
        writeln!(out, "{h1}Coalition analysis under {label}")?;
        let groups: Vec<String> = body.coalitions.iter().map(|c| c.join(" + ")).collect();
        writeln!(
            out,
            "\nCoalitions considered, besides each DM alone: {}.",
            groups.join("; ")
        )?;
        writeln!(
            out,
            "Coalitional {label} equilibria (no coalition, and no DM alone, can leave them profitably): {}.",
            compress_ids(body.coalition_equilibria.iter().copied())
        )?;
        if body.equilibria.is_empty() {
            writeln!(out, "\nThere is no {label} equilibrium.")?;
        }
        for eq in &body.equilibria {
            writeln!(
                out,
                "\n{h2}{label} equilibrium {} ({})",
                eq.state, eq.description
            )?;
            if eq.upsets.is_empty() {
                writeln!(
                    out,
                    "{item}no coalition can upset it: every joint improvement is deterred by the others' responses."
                )?;
            }
            for upset in &eq.upsets {
                let also = if upset.to.len() > 1 {
                    let rest: Vec<String> = upset.to[1..].iter().map(|t| t.to_string()).collect();
                    format!(" (also {})", rest.join(", "))
                } else {
                    String::new()
                };
                let deterrence = if self.coalitions.concept() == Concept::Nash {
                    String::new()
                } else {
                    format!(
                        " No response of the others deters {}.",
                        upset.undeterred_for.join(" or ")
                    )
                };
                writeln!(
                    out,
                    "{item}{} can move together to state {}{also}: {}. Every member prefers it.{deterrence}",
                    upset.coalition.join(" + "),
                    upset.to[0],
                    upset.change,
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
        Ok(())
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        json_body(out, &self.build(), 0)
    }
}
