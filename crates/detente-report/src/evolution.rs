//! `detente evolve`: the equilibria the conflict can reach from a starting
//! state by unilateral improvements, each with a shortest path, move by move,
//! and why each move is an improvement for the DM who makes it.

use crate::describe::{describe_change, describe_state};
use crate::text::Flavour;
use crate::{Format, Render, json_body};
use detente_engine::evolve::{Evolution, Mover};
use detente_engine::{Analysis, Concept, Conflict, Model, Preferences, StateIndex};
use serde::Serialize;
use std::io::{self, Write};

/// Schema tag of `detente evolve --format json`.
pub const EVOLUTION_SCHEMA: &str = "detente.evolution/1";

/// Most equilibria listed with their paths; the rest are counted.
const LISTED: usize = 25;

pub struct EvolutionReport<'a> {
    pub model: &'a Model,
    pub conflict: &'a Conflict,
    pub analysis: &'a Analysis,
    pub evolution: &'a Evolution,
    /// The coalitions the evolution was searched with (as DM indices).
    pub coalitions: &'a [Vec<usize>],
}

#[derive(Serialize)]
/// One improvement on a path from the start: who moves, where, and why.
pub struct PathMove {
    /// The DM's name, or the coalition's members' names joined by " + ".
    decision_maker: String,
    /// Who moves: one name for a unilateral move, several for a coalition's joint move.
    members: Vec<String>,
    from: usize,
    to: usize,
    change: String,
    why: String,
}

#[derive(Serialize)]
struct TargetJson {
    state: usize,
    yn: String,
    description: String,
    concepts: Vec<&'static str>,
    path: Vec<PathMove>,
}

#[derive(Serialize)]
struct EvolutionJson {
    schema: &'static str,
    start: usize,
    start_description: String,
    reachable_count: usize,
    reachable_equilibria: Vec<TargetJson>,
    unlisted_equilibria: usize,
    unreachable_equilibria: Vec<(String, Vec<usize>)>,
}

/// Why `dm` prefers `to` over `from`, in the terms its preferences were given in.
fn why(model: &Model, conflict: &Conflict, dm: usize, from: StateIndex, to: StateIndex) -> String {
    let name = &model.decision_makers[dm].name;
    let ids = |k: usize| model.option(k).id.clone();
    match &model.decision_makers[dm].preferences {
        Preferences::Prioritization(statements) => {
            let (a, b) = (conflict.space().pattern(from), conflict.space().pattern(to));
            let decisive = statements
                .iter()
                .enumerate()
                .find(|(_, st)| st.expr.eval(a) != st.expr.eval(b));
            match decisive {
                Some((j, st)) => format!(
                    "for {name}, preference statement {} (`{}`) becomes true, which outweighs every less important one",
                    j + 1,
                    st.expr.display(&ids)
                ),
                None => format!("it is better for {name}"),
            }
        }
        Preferences::Ranking { .. } => {
            format!(
                "the ranking of {name} puts state {} above state {}",
                to + 1,
                from + 1
            )
        }
    }
}

impl EvolutionReport<'_> {
    fn build(&self) -> EvolutionJson {
        let (model, conflict, analysis, evolution) =
            (self.model, self.conflict, self.analysis, self.evolution);
        let concepts = analysis.concepts();
        let equilibria: Vec<_> = concepts.iter().map(|&c| analysis.equilibria(c)).collect();
        let concepts_of = |s: StateIndex| -> Vec<&'static str> {
            concepts
                .iter()
                .zip(&equilibria)
                .filter(|(_, eq)| eq.contains(s as usize))
                .map(|(c, _)| c.key())
                .collect()
        };
        let mut targets = Vec::new();
        let mut unlisted = 0;
        for &s in evolution.reached() {
            let in_concepts = concepts_of(s);
            if in_concepts.is_empty() {
                continue;
            }
            if targets.len() == LISTED {
                unlisted += 1;
                continue;
            }
            let path = self.path_to(s).expect("reached");
            targets.push(TargetJson {
                state: s as usize + 1,
                yn: conflict.space().yn(s),
                description: describe_state(model, conflict, s),
                concepts: in_concepts,
                path,
            });
        }
        let unreachable = concepts
            .iter()
            .zip(&equilibria)
            .map(|(c, eq)| {
                let ids = eq
                    .ones()
                    .filter(|&s| !evolution.is_reached(s as StateIndex))
                    .map(|s| s + 1)
                    .collect();
                (c.key().to_string(), ids)
            })
            .collect();
        EvolutionJson {
            schema: EVOLUTION_SCHEMA,
            start: evolution.start as usize + 1,
            start_description: describe_state(model, conflict, evolution.start),
            reachable_count: evolution.reached().len(),
            reachable_equilibria: targets,
            unlisted_equilibria: unlisted,
            unreachable_equilibria: unreachable,
        }
    }

    /// A shortest path of improvements from the start to `s`, each move with its reason;
    /// `None` if `s` cannot be reached.
    pub fn path_to(&self, s: StateIndex) -> Option<Vec<PathMove>> {
        let (model, conflict) = (self.model, self.conflict);
        let mut from = self.evolution.start;
        let steps = self.evolution.path_to(s)?;
        Some(
            steps
                .into_iter()
                .map(|step| {
                    let movers = match step.mover {
                        Mover::Dm(dm) => vec![dm],
                        Mover::Coalition(c) => self.coalitions[c].clone(),
                    };
                    let members: Vec<String> = movers
                        .iter()
                        .map(|&d| model.decision_makers[d].name.clone())
                        .collect();
                    let reasons: Vec<String> = movers
                        .iter()
                        .map(|&d| why(model, conflict, d, from, step.to))
                        .collect();
                    let m = PathMove {
                        decision_maker: members.join(" + "),
                        members,
                        from: from as usize + 1,
                        to: step.to as usize + 1,
                        change: describe_change(model, conflict, from, step.to).to_string(),
                        why: reasons.join("; "),
                    };
                    from = step.to;
                    m
                })
                .collect(),
        )
    }
}

impl Render for EvolutionReport<'_> {
    fn kind(&self) -> &'static str {
        "evolutions"
    }

    fn formats(&self) -> &'static [Format] {
        &[Format::Table, Format::Markdown, Format::Json, Format::Dot]
    }

    fn text(&self, flavour: Flavour, out: &mut dyn Write) -> io::Result<()> {
        let body = self.build();
        let label = |key: &str| Concept::from_key(key).map_or("?", Concept::label);
        let sq = if self.conflict.status_quo() == Some(self.evolution.start) {
            ", the status quo"
        } else {
            ""
        };
        let title = format!("From state {}{sq} ({})", body.start, body.start_description);
        writeln!(out, "{}{title}", flavour.title())?;
        let by = if self.coalitions.is_empty() {
            "unilateral improvements".to_string()
        } else {
            let names: Vec<String> = self
                .coalitions
                .iter()
                .map(|c| {
                    let names: Vec<&str> = c
                        .iter()
                        .map(|&d| self.model.decision_makers[d].name.as_str())
                        .collect();
                    names.join(" + ")
                })
                .collect();
            format!(
                "unilateral improvements and joint improvements of {}",
                names.join("; ")
            )
        };
        writeln!(
            out,
            "\n{} states can be reached by {by} (the start included).",
            body.reachable_count
        )?;
        if body.reachable_equilibria.is_empty() {
            writeln!(out, "No equilibrium can be reached that way.")?;
        }
        for target in &body.reachable_equilibria {
            let concepts: Vec<&str> = target.concepts.iter().map(|k| label(k)).collect();
            let moves = target.path.len();
            if moves == 0 {
                let heading = format!(
                    "The start itself is an equilibrium under {}",
                    concepts.join(", ")
                );
                writeln!(out, "\n{}{heading}.", flavour.section())?;
                continue;
            }
            let heading = format!(
                "State {} ({}), an equilibrium under {}: {} move{}",
                target.state,
                target.description,
                concepts.join(", "),
                moves,
                if moves == 1 { "" } else { "s" }
            );
            writeln!(out, "\n{}{heading}", flavour.section())?;
            for (k, m) in target.path.iter().enumerate() {
                writeln!(
                    out,
                    "{}{}. {} {} from state {} to {}: {}. Why: {}.",
                    // A Markdown numbered list starts at the margin.
                    match flavour {
                        Flavour::Terminal => "  ",
                        Flavour::Markdown => "",
                    },
                    k + 1,
                    m.decision_maker,
                    if m.members.len() > 1 {
                        "move together"
                    } else {
                        "moves"
                    },
                    m.from,
                    m.to,
                    m.change,
                    m.why
                )?;
            }
        }
        if body.unlisted_equilibria > 0 {
            writeln!(
                out,
                "\n…and {} more reachable equilibria (see --format json).",
                body.unlisted_equilibria
            )?;
        }
        writeln!(out)?;
        for (concept, ids) in &body.unreachable_equilibria {
            if !ids.is_empty() {
                writeln!(
                    out,
                    "{} equilibria not reachable from here: {}.",
                    label(concept),
                    crate::compress_ids(ids.iter().copied())
                )?;
            }
        }
        Ok(())
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        json_body(out, &self.build(), 0)
    }

    /// Graphviz DOT: the shortest paths to the reachable equilibria.
    fn dot(&self, out: &mut dyn Write) -> io::Result<()> {
        const COLOURS: [&str; 8] = [
            "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
        ];
        let body = self.build();
        let dm_index = |name: &str| {
            self.model
                .decision_makers
                .iter()
                .position(|d| d.name == name)
                .unwrap_or(0)
        };
        let quote = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        writeln!(
            out,
            "digraph evolution {{\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];"
        )?;
        writeln!(
            out,
            "  s{} [shape=box, style=bold, label=\"{}\\nstart\"];",
            body.start, body.start
        )?;
        let mut edges = std::collections::BTreeSet::new();
        for target in &body.reachable_equilibria {
            if target.state == body.start {
                continue;
            }
            writeln!(
                out,
                "  s{} [shape=doublecircle, label=\"{}\\n{}\"];",
                target.state,
                target.state,
                target.concepts.join(",")
            )?;
            for m in &target.path {
                edges.insert((m.from, m.to, m.decision_maker.clone(), m.members.len() > 1));
            }
        }
        for (from, to, mover, joint) in edges {
            // A coalition's joint move is black and dashed; a DM's has its colour.
            let style = if joint {
                "color=\"#000000\", style=dashed".to_string()
            } else {
                format!("color=\"{}\"", COLOURS[dm_index(&mover) % COLOURS.len()])
            };
            writeln!(
                out,
                "  s{from} -> s{to} [{style}, label=\"{}\"];",
                quote(&mover)
            )?;
        }
        writeln!(out, "}}")
    }
}
