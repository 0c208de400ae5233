//! `detente inverse`: the conditions on the varied DMs' preferences under which a
//! target state is an equilibrium, with counts and samples when asked, as text,
//! Markdown and JSON.

use crate::describe::{compress_ids, describe_change, describe_state};
use crate::text::Flavour;
use crate::{Format, Render, json_body};
use detente_app::{ConceptAnswer, InverseAnswer};
use detente_engine::inverse::{Comparison, Conditions, Obstacle};
use detente_engine::{Concept, Conflict, Model, StateIndex};
use serde::Serialize;
use std::collections::BTreeSet;
use std::io::{self, Write};

/// Schema tag of `detente inverse --format json`.
pub const INVERSE_SCHEMA: &str = "detente.inverse/1";

/// Counts with at most this many digits are printed in full in text and Markdown.
const FULL_DIGITS: usize = 30;

/// An inverse analysis of one target state.
pub struct InverseReport<'a> {
    pub model: &'a Model,
    pub conflict: &'a Conflict,
    pub answer: &'a InverseAnswer,
}

#[derive(Serialize)]
struct ComparisonJson {
    decision_maker: String,
    above: usize,
    below: usize,
}

#[derive(Serialize)]
struct RequirementJson {
    decision_maker: String,
    move_to: usize,
    change: String,
    alternatives: Vec<Vec<ComparisonJson>>,
}

#[derive(Serialize)]
struct ObstacleJson {
    kind: &'static str,
    decision_maker: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    move_to: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cycle: Vec<usize>,
    text: String,
}

#[derive(Serialize)]
struct CountJson {
    rankings: String,
    total: String,
    fraction: f64,
    log10_rankings: Option<f64>,
    log10_total: f64,
}

/// What a summary leaves out of a concept's conditions.
#[derive(Serialize)]
struct OmittedJson {
    comparisons: usize,
    requirements: usize,
}

#[derive(Serialize)]
struct SampleJson {
    decision_maker: String,
    ranking: Vec<usize>,
}

#[derive(Serialize)]
struct ConceptJson {
    concept: &'static str,
    /// "always", "conditional", "never", or "error".
    equilibrium: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    obstacle: Option<ObstacleJson>,
    required: Vec<ComparisonJson>,
    requirements: Vec<RequirementJson>,
    /// Present when `required` and `requirements` are a summary of longer conditions.
    #[serde(skip_serializing_if = "Option::is_none")]
    omitted: Option<OmittedJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<CountJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    count_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    samples: Option<Vec<Vec<SampleJson>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sample_error: Option<String>,
}

#[derive(Serialize)]
struct StateJson {
    state: usize,
    yn: String,
    description: String,
    named: Vec<String>,
}

#[derive(Serialize)]
struct InverseJson {
    schema: &'static str,
    target: StateJson,
    varied: Vec<String>,
    states: usize,
    concepts: Vec<ConceptJson>,
    /// Every state the conditions mention, the target first.
    mentioned: Vec<StateJson>,
}

impl InverseReport<'_> {
    fn dm_name(&self, dm: usize) -> String {
        self.model.decision_makers[dm].name.clone()
    }

    fn state_json(&self, s: StateIndex) -> StateJson {
        StateJson {
            state: s as usize + 1,
            yn: self.conflict.space().yn(s),
            description: describe_state(self.model, self.conflict, s),
            named: self
                .model
                .named_states
                .iter()
                .zip(self.conflict.named_states())
                .filter(|(_, at)| **at == s)
                .map(|(n, _)| n.name.clone())
                .collect(),
        }
    }

    fn comparison_json(&self, c: &Comparison) -> ComparisonJson {
        ComparisonJson {
            decision_maker: self.dm_name(c.dm),
            above: c.above as usize + 1,
            below: c.below as usize + 1,
        }
    }

    fn obstacle_text(&self, obstacle: &Obstacle) -> String {
        match obstacle {
            Obstacle::Undeterred { dm, move_to } => format!(
                "{} (whose preferences are not varied) would gain by moving to state {} ({}), and no response can deter it",
                self.dm_name(*dm),
                move_to + 1,
                describe_change(self.model, self.conflict, self.answer.target, *move_to)
            ),
            Obstacle::Cycle { dm, states } => format!(
                "{} would have to rank states {} each above the next and the last above the first",
                self.dm_name(*dm),
                states
                    .iter()
                    .map(|s| (s + 1).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    fn concept_json(&self, answer: &ConceptAnswer) -> ConceptJson {
        let mut json = ConceptJson {
            concept: answer.concept.key(),
            equilibrium: "error",
            error: None,
            obstacle: None,
            required: Vec::new(),
            requirements: Vec::new(),
            omitted: (!answer.omitted.is_nothing()).then_some(OmittedJson {
                comparisons: answer.omitted.comparisons,
                requirements: answer.omitted.requirements,
            }),
            count: None,
            count_error: None,
            samples: None,
            sample_error: None,
        };
        match &answer.conditions {
            Err(e) => json.error = Some(e.to_string()),
            Ok(Conditions::Never(obstacle)) => {
                json.equilibrium = "never";
                json.obstacle = Some(ObstacleJson {
                    kind: match obstacle {
                        Obstacle::Undeterred { .. } => "undeterred",
                        Obstacle::Cycle { .. } => "cycle",
                    },
                    decision_maker: self.dm_name(match obstacle {
                        Obstacle::Undeterred { dm, .. } | Obstacle::Cycle { dm, .. } => *dm,
                    }),
                    move_to: match obstacle {
                        Obstacle::Undeterred { move_to, .. } => Some(*move_to as usize + 1),
                        Obstacle::Cycle { .. } => None,
                    },
                    cycle: match obstacle {
                        Obstacle::Cycle { states, .. } => {
                            states.iter().map(|&s| s as usize + 1).collect()
                        }
                        Obstacle::Undeterred { .. } => Vec::new(),
                    },
                    text: self.obstacle_text(obstacle),
                });
            }
            Ok(Conditions::When {
                required,
                requirements,
            }) => {
                json.equilibrium = if required.is_empty() && requirements.is_empty() {
                    "always"
                } else {
                    "conditional"
                };
                json.required = required.iter().map(|c| self.comparison_json(c)).collect();
                json.requirements = requirements
                    .iter()
                    .map(|r| RequirementJson {
                        decision_maker: self.dm_name(r.dm),
                        move_to: r.move_to as usize + 1,
                        change: describe_change(
                            self.model,
                            self.conflict,
                            self.answer.target,
                            r.move_to,
                        )
                        .to_string(),
                        alternatives: r
                            .alternatives
                            .iter()
                            .map(|a| a.iter().map(|c| self.comparison_json(c)).collect())
                            .collect(),
                    })
                    .collect();
            }
        }
        match &answer.count {
            Some(Ok(count)) => {
                json.count = Some(CountJson {
                    rankings: count.rankings.to_decimal(),
                    total: count.total.to_decimal(),
                    fraction: count.rankings.ratio(&count.total),
                    log10_rankings: (!count.rankings.is_zero()).then(|| count.rankings.log10()),
                    log10_total: count.total.log10(),
                })
            }
            Some(Err(e)) => json.count_error = Some(e.to_string()),
            None => {}
        }
        match &answer.samples {
            Some(Ok(samples)) => {
                json.samples = Some(
                    samples
                        .iter()
                        .map(|per_dm| {
                            self.answer
                                .varied
                                .iter()
                                .zip(per_dm)
                                .map(|(&dm, ranks)| SampleJson {
                                    decision_maker: self.dm_name(dm),
                                    ranking: best_first(ranks),
                                })
                                .collect()
                        })
                        .collect(),
                )
            }
            Some(Err(e)) => json.sample_error = Some(e.to_string()),
            None => {}
        }
        json
    }

    fn build(&self) -> InverseJson {
        let mut mentioned: BTreeSet<StateIndex> = BTreeSet::new();
        for answer in &self.answer.answers {
            if let Ok(Conditions::When {
                required,
                requirements,
            }) = &answer.conditions
            {
                let all = required.iter().chain(
                    requirements
                        .iter()
                        .flat_map(|r| r.alternatives.iter().flatten()),
                );
                for c in all {
                    mentioned.extend([c.above, c.below]);
                }
                mentioned.extend(requirements.iter().map(|r| r.move_to));
            }
        }
        mentioned.remove(&self.answer.target);
        InverseJson {
            schema: INVERSE_SCHEMA,
            target: self.state_json(self.answer.target),
            varied: self
                .answer
                .varied
                .iter()
                .map(|&d| self.dm_name(d))
                .collect(),
            states: self.conflict.state_count(),
            concepts: self
                .answer
                .answers
                .iter()
                .map(|a| self.concept_json(a))
                .collect(),
            mentioned: std::iter::once(self.answer.target)
                .chain(mentioned)
                .map(|s| self.state_json(s))
                .collect(),
        }
    }
}

impl Render for InverseReport<'_> {
    fn kind(&self) -> &'static str {
        "inverse analyses"
    }

    fn formats(&self) -> &'static [Format] {
        &[Format::Table, Format::Markdown, Format::Json]
    }

    fn text(&self, flavour: Flavour, out: &mut dyn Write) -> io::Result<()> {
        let body = self.build();
        let named = body
            .target
            .named
            .iter()
            .map(|n| format!(" \"{n}\""))
            .collect::<String>();
        let title = format!(
            "Inverse analysis of state {}{named}: {} ({})",
            body.target.state, body.target.description, body.target.yn
        );
        let (bullet, sub) = (flavour.item(), flavour.sub_item());
        writeln!(out, "{}{title}", flavour.title())?;
        writeln!(
            out,
            "\nVaried: {}. Each varied decision maker's preference is an unknown strict ranking of the {} feasible states; the others keep the model's preferences.",
            body.varied.join(", "),
            body.states
        )?;
        for concept in &body.concepts {
            let label = Concept::from_key(concept.concept).map_or("?", Concept::label);
            let verdict = match concept.equilibrium {
                "always" => {
                    format!("{label}: an equilibrium whatever the varied decision makers prefer.")
                }
                "never" => format!(
                    "{label}: never an equilibrium, whatever the varied decision makers prefer."
                ),
                "error" => format!("{label}: not computed."),
                _ => format!("{label}: an equilibrium exactly when"),
            };
            flavour.list_heading(out, &verdict)?;
            if let Some(e) = &concept.error {
                writeln!(out, "{bullet}{e}.")?;
            }
            if let Some(o) = &concept.obstacle {
                writeln!(out, "{bullet}{}.", o.text)?;
            }
            if !concept.required.is_empty() {
                writeln!(out, "{bullet}always: {};", conjunction(&concept.required))?;
            }
            for r in &concept.requirements {
                writeln!(
                    out,
                    "{bullet}to deter {} from moving to state {} ({}), one of:",
                    r.decision_maker, r.move_to, r.change
                )?;
                for line in alternatives_text(&r.alternatives) {
                    writeln!(out, "{sub}{line};")?;
                }
            }
            if let Some(o) = &concept.omitted {
                writeln!(
                    out,
                    "{bullet}not listed, for length: {} more comparisons, {} more moves to deter among them.",
                    o.comparisons, o.requirements
                )?;
            }
            if let Some(count) = &concept.count {
                writeln!(out, "{bullet}count: {}.", count_text(count))?;
            }
            if let Some(e) = &concept.count_error {
                writeln!(out, "{bullet}count: {e}.")?;
            }
            if let Some(e) = &concept.sample_error {
                writeln!(out, "{bullet}samples: {e}.")?;
            }
            for (k, sample) in concept.samples.iter().flatten().enumerate() {
                writeln!(out, "{bullet}sample {}:", k + 1)?;
                for per_dm in sample {
                    let ranking: Vec<String> =
                        per_dm.ranking.iter().map(usize::to_string).collect();
                    writeln!(
                        out,
                        "{sub}{} (best first): {}",
                        per_dm.decision_maker,
                        ranking.join(" ")
                    )?;
                }
            }
        }
        if body.mentioned.len() > 1 {
            writeln!(out, "\n{}States mentioned", flavour.section())?;
            if flavour == Flavour::Markdown {
                writeln!(
                    out,
                    "\n| state | Y/N | options taken | named |\n|---:|---|---|---|"
                )?;
            }
            for s in &body.mentioned {
                let named = s
                    .named
                    .iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(", ");
                match flavour {
                    Flavour::Terminal => writeln!(
                        out,
                        "{bullet}{:>5}  {}  {} {named}",
                        s.state, s.yn, s.description
                    )?,
                    Flavour::Markdown => writeln!(
                        out,
                        "| {} | {} | {} | {named} |",
                        s.state, s.yn, s.description
                    )?,
                }
            }
        }
        Ok(())
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        json_body(out, &self.build(), 0)
    }
}

/// State numbers from best to worst for a rank vector (higher is better).
fn best_first(ranks: &[u32]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..ranks.len()).collect();
    order.sort_by_key(|&s| std::cmp::Reverse(ranks[s]));
    order.into_iter().map(|s| s + 1).collect()
}

/// A conjunction of comparisons in words: "US ranks 320 above 3, 5; Russia ranks 8 above 7".
fn conjunction(comparisons: &[ComparisonJson]) -> String {
    let mut groups: Vec<(&str, usize, Vec<usize>)> = Vec::new();
    for c in comparisons {
        match groups
            .iter_mut()
            .find(|(dm, above, _)| *dm == c.decision_maker && *above == c.above)
        {
            Some(group) => group.2.push(c.below),
            None => groups.push((&c.decision_maker, c.above, vec![c.below])),
        }
    }
    groups
        .into_iter()
        .map(|(dm, above, mut below)| {
            below.sort_unstable();
            let noun = if below.len() == 1 { "state" } else { "states" };
            format!(
                "{dm} must rank state {above} above {noun} {}",
                compress_ids(below)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The alternatives of a requirement, one per line, except that single comparisons of
/// one DM with one state ("X must rank 320 above 3", "... above 27") share a line.
fn alternatives_text(alternatives: &[Vec<ComparisonJson>]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut singles: Vec<(&str, usize, Vec<usize>)> = Vec::new();
    for a in alternatives {
        match a.as_slice() {
            [c] => match singles
                .iter_mut()
                .find(|(dm, above, _)| *dm == c.decision_maker && *above == c.above)
            {
                Some(group) => group.2.push(c.below),
                None => singles.push((&c.decision_maker, c.above, vec![c.below])),
            },
            _ => lines.push(conjunction(a)),
        }
    }
    let grouped = singles.into_iter().map(|(dm, above, mut below)| {
        below.sort_unstable();
        match below.as_slice() {
            [one] => format!("{dm} must rank state {above} above state {one}"),
            _ => format!(
                "{dm} must rank state {above} above at least one of states {}",
                compress_ids(below)
            ),
        }
    });
    grouped.chain(lines).collect()
}

fn count_text(count: &CountJson) -> String {
    let amount = |digits: &str, log10: f64| {
        if digits.len() <= FULL_DIGITS {
            digits.to_string()
        } else {
            let exponent = log10.floor();
            format!("about {:.3}e{exponent}", 10f64.powf(log10 - exponent))
        }
    };
    let total = amount(&count.total, count.log10_total);
    match count.log10_rankings {
        None => format!("no ranking satisfies them (of {total})"),
        Some(l) => format!(
            "{} of {total} rankings satisfy them ({:.4}%)",
            amount(&count.rankings, l),
            100.0 * count.fraction
        ),
    }
}
