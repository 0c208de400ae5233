//! `detente robustness`: for each state, the share of the plausible preference
//! profiles under which it is an equilibrium, as tables, Markdown, CSV or JSON.

use crate::describe::{compress_ids, describe_state};
use crate::text::{Flavour, cell_text};
use crate::{Format, Render, csv_field, json_body};
use comfy_table::{Cell, CellAlignment};
use detente_engine::robustness::{Method, Robustness, UncertainElement};
use detente_engine::{Analysis, Conflict, Model, Preferences, StateIndex};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Schema tag of `detente robustness --format json`.
pub const ROBUSTNESS_SCHEMA: &str = "detente.robustness/1";

/// Per concept: the profiles under which a state is an equilibrium, and whether it is one as written.
type ShareKey = Vec<(u32, bool)>;

/// Most rows of states the table lists; JSON and CSV list all states.
const TABLE_MAX_ROWS: usize = 40;

pub struct RobustnessReport<'a> {
    pub model: &'a Model,
    pub conflict: &'a Conflict,
    /// The analysis of the model as written, for the concepts counted.
    pub written: &'a Analysis,
    pub robustness: &'a Robustness,
}

#[derive(Serialize)]
pub(crate) struct UncertainJson {
    pub decision_maker: String,
    /// "statement" or "tier".
    pub kind: &'static str,
    /// 1-based position as written.
    pub element: usize,
    pub text: String,
    /// 1-based range of positions it may take.
    pub positions: [usize; 2],
}

/// Uncertain preference elements of `model` as reports show them: whose, which, what it
/// says and where it may rank (1-based).
pub(crate) fn uncertain_elements(
    model: &Model,
    elements: &[UncertainElement],
) -> Vec<UncertainJson> {
    let ids: Vec<String> = model.options().map(|(_, o)| o.id.clone()).collect();
    let name = |k: usize| ids[k].clone();
    elements
        .iter()
        .map(|u| {
            let dm = &model.decision_makers[u.dm];
            let (kind, text) = match &dm.preferences {
                Preferences::Prioritization(statements) => {
                    ("statement", statements[u.element].expr.display(&name))
                }
                Preferences::Ranking { tiers, .. } => {
                    let items: Vec<String> = tiers[u.element]
                        .items
                        .iter()
                        .map(|e| e.display(&name))
                        .collect();
                    ("tier", items.join(" / "))
                }
            };
            UncertainJson {
                decision_maker: dm.name.clone(),
                kind,
                element: u.element + 1,
                text,
                positions: [u.positions.start() + 1, u.positions.end() + 1],
            }
        })
        .collect()
}

#[derive(Serialize)]
struct ShareJson {
    count: u32,
    share: f64,
}

#[derive(Serialize)]
struct EquilibriumShareJson {
    count: u32,
    share: f64,
    /// An equilibrium of the model as written.
    as_written: bool,
}

#[derive(Serialize)]
struct StateJson {
    state: usize,
    yn: String,
    description: String,
    names: Vec<String>,
    equilibrium: BTreeMap<&'static str, EquilibriumShareJson>,
    /// Per DM (by name) and concept: profiles under which the state is stable for that DM.
    stable: BTreeMap<String, BTreeMap<&'static str, ShareJson>>,
}

#[derive(Serialize)]
struct RobustnessJson {
    schema: &'static str,
    model: String,
    /// "exact" or "sampled".
    method: &'static str,
    seed: Option<u64>,
    /// Consistent profiles; null if beyond 2^128.
    profiles: Option<u128>,
    analysed: u64,
    concepts: Vec<&'static str>,
    uncertain: Vec<UncertainJson>,
    states: Vec<StateJson>,
}

impl RobustnessReport<'_> {
    fn uncertain(&self) -> Vec<UncertainJson> {
        let elements: Vec<UncertainElement> = (self.model.decision_makers.iter().enumerate())
            .flat_map(|(dm, d)| {
                d.uncertain.iter().map(move |u| UncertainElement {
                    dm,
                    element: u.element,
                    positions: u.positions.clone(),
                })
            })
            .collect();
        uncertain_elements(self.model, &elements)
    }

    /// The status quo and named states, with their labels.
    fn named(&self) -> Vec<(StateIndex, String)> {
        let mut named: Vec<(StateIndex, String)> = self
            .conflict
            .status_quo()
            .map(|s| (s, "status quo".to_string()))
            .into_iter()
            .collect();
        named.extend(
            self.model
                .named_states
                .iter()
                .zip(self.conflict.named_states())
                .map(|(n, &s)| (s, n.name.clone())),
        );
        named
    }

    fn names_of(&self, s: StateIndex) -> Vec<String> {
        self.named()
            .into_iter()
            .filter(|(t, _)| *t == s)
            .map(|(_, name)| name)
            .collect()
    }

    /// States an equilibrium under some analysed profile, plus the status quo and named
    /// states, by number.
    fn listed(&self) -> Vec<StateIndex> {
        let r = self.robustness;
        let mut states: Vec<StateIndex> = (0..self.conflict.state_count())
            .filter(|&s| r.concepts().iter().any(|&c| r.equilibrium_count(c, s) > 0))
            .map(|s| s as StateIndex)
            .collect();
        states.extend(self.named().into_iter().map(|(s, _)| s));
        states.sort_unstable();
        states.dedup();
        states
    }

    fn state_json(&self, s: StateIndex) -> StateJson {
        let r = self.robustness;
        let at = s as usize;
        let share = |count| ShareJson {
            count,
            share: r.share(count),
        };
        StateJson {
            state: at + 1,
            yn: self.conflict.space().yn(s),
            description: describe_state(self.model, self.conflict, s),
            names: self.names_of(s),
            equilibrium: r
                .concepts()
                .iter()
                .map(|&c| {
                    let count = r.equilibrium_count(c, at);
                    let entry = EquilibriumShareJson {
                        count,
                        share: r.share(count),
                        as_written: self.written.equilibria(c).contains(at),
                    };
                    (c.key(), entry)
                })
                .collect(),
            stable: self
                .model
                .decision_makers
                .iter()
                .enumerate()
                .map(|(d, dm)| {
                    let per_concept = r
                        .concepts()
                        .iter()
                        .map(|&c| (c.key(), share(r.stable_count(c, d, at))))
                        .collect();
                    (dm.name.clone(), per_concept)
                })
                .collect(),
        }
    }

    fn build(&self) -> RobustnessJson {
        let r = self.robustness;
        let (method, seed) = match r.method() {
            Method::Exact => ("exact", None),
            Method::Sampled { seed } => ("sampled", Some(seed)),
        };
        RobustnessJson {
            schema: ROBUSTNESS_SCHEMA,
            model: self.model.name.clone(),
            method,
            seed,
            profiles: r.total_profiles(),
            analysed: r.analysed(),
            concepts: r.concepts().iter().map(|c| c.key()).collect(),
            uncertain: self.uncertain(),
            states: self
                .listed()
                .into_iter()
                .map(|s| self.state_json(s))
                .collect(),
        }
    }
}

impl Render for RobustnessReport<'_> {
    fn kind(&self) -> &'static str {
        "robustness analyses"
    }

    fn formats(&self) -> &'static [Format] {
        &[Format::Table, Format::Markdown, Format::Json, Format::Csv]
    }

    fn text(&self, flavour: Flavour, out: &mut dyn Write) -> io::Result<()> {
        let r = self.robustness;
        writeln!(
            out,
            "{}Robustness under preference uncertainty",
            flavour.title()
        )?;
        writeln!(out, "\n{}", self.model.name)?;
        let uncertain = self.uncertain();
        flavour.heading(out, "Uncertain preferences")?;
        if uncertain.is_empty() {
            writeln!(
                out,
                "The model marks no preference as uncertain: there is one profile, the model as written."
            )?;
        }
        for u in &uncertain {
            writeln!(
                out,
                "- {}: {} {} (`{}`) may rank anywhere from {} to {}.",
                u.decision_maker,
                u.kind,
                u.element,
                u.text,
                ordinal(u.positions[0]),
                ordinal(u.positions[1])
            )?;
        }
        let total = match r.total_profiles() {
            Some(n) => n.to_string(),
            None => "more than 10^38".to_string(),
        };
        let method = match r.method() {
            Method::Exact => format!(
                "Shares are exact: each of the {total} consistent preference profiles was analysed."
            ),
            Method::Sampled { seed } => format!(
                "Shares are estimates: {} of the {total} consistent preference profiles were drawn at random (with replacement; seed {seed}).",
                r.analysed()
            ),
        };
        writeln!(out, "\n{method}")?;

        flavour.heading(
            out,
            "Share of profiles under which each state is an equilibrium",
        )?;
        // States with the same shares (and the same equilibria as written) share a row.
        let mut groups: BTreeMap<ShareKey, Vec<usize>> = BTreeMap::new();
        for s in 0..self.conflict.state_count() {
            let key: ShareKey = r
                .concepts()
                .iter()
                .map(|&c| {
                    let written = self.written.equilibria(c).contains(s);
                    (r.equilibrium_count(c, s), written)
                })
                .collect();
            if key.iter().any(|&(count, _)| count > 0) {
                groups.entry(key).or_default().push(s + 1);
            }
        }
        let mut rows: Vec<(ShareKey, Vec<usize>)> = groups.into_iter().collect();
        let total = |key: &[(u32, bool)]| -> u64 { key.iter().map(|&(n, _)| u64::from(n)).sum() };
        rows.sort_by_key(|(key, states)| (std::cmp::Reverse(total(key)), states[0]));
        if rows.is_empty() {
            writeln!(
                out,
                "No state is an equilibrium under any analysed profile."
            )?;
        } else {
            let mut table = flavour.table(true);
            let mut header = vec![Cell::new("States")];
            header.extend(r.concepts().iter().map(|c| Cell::new(c.label())));
            table.set_header(header);
            for (key, states) in rows.iter().take(TABLE_MAX_ROWS) {
                let mut row = vec![Cell::new(compress_ids(states.iter().copied()))];
                row.extend(key.iter().map(|&(count, written)| {
                    let mark = if written { " *" } else { "" };
                    Cell::new(format!("{}{mark}", percent(r.share(count))))
                        .set_alignment(CellAlignment::Right)
                }));
                table.add_row(row);
            }
            writeln!(out, "{table}")?;
            writeln!(
                out,
                "\n`*`: an equilibrium of the model as written. States with equal shares share a row; \
                 rows are sorted by the mean share over the concepts. `detente states` lists the states."
            )?;
            if rows.len() > TABLE_MAX_ROWS {
                let more: usize = rows[TABLE_MAX_ROWS..].iter().map(|(_, s)| s.len()).sum();
                writeln!(
                    out,
                    "{more} more states are equilibria under some profile; --format json or csv lists them all."
                )?;
            }
        }

        for (s, name) in self.named() {
            flavour.heading(
                out,
                &format!(
                    "{} (state {}): share of profiles under which each DM is stable",
                    capitalised(&name),
                    s + 1
                ),
            )?;
            let mut table = flavour.table(true);
            let mut header = vec![Cell::new("Decision maker")];
            header.extend(r.concepts().iter().map(|c| Cell::new(c.label())));
            table.set_header(header);
            for (d, dm) in self.model.decision_makers.iter().enumerate() {
                let mut row = vec![Cell::new(cell_text(&dm.name))];
                row.extend(r.concepts().iter().map(|&c| {
                    Cell::new(percent(r.share(r.stable_count(c, d, s as usize))))
                        .set_alignment(CellAlignment::Right)
                }));
                table.add_row(row);
            }
            let mut row = vec![Cell::new("all (equilibrium)")];
            row.extend(r.concepts().iter().map(|&c| {
                Cell::new(percent(r.share(r.equilibrium_count(c, s as usize))))
                    .set_alignment(CellAlignment::Right)
            }));
            table.add_row(row);
            writeln!(out, "{table}")?;
        }
        Ok(())
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        json_body(out, &self.build(), self.conflict.state_count())
    }

    /// One row per feasible state: its number, pattern, names, and per concept the
    /// number and share of profiles under which it is an equilibrium.
    fn csv(&self, out: &mut dyn Write) -> io::Result<()> {
        let r = self.robustness;
        let mut header = vec!["state".to_string(), "yn".into(), "names".into()];
        for c in r.concepts() {
            header.extend([
                format!("{}_profiles", c.key()),
                format!("{}_share", c.key()),
                format!("{}_as_written", c.key()),
            ]);
        }
        writeln!(out, "{}", header.join(","))?;
        for s in 0..self.conflict.state_count() {
            let state = s as StateIndex;
            write!(
                out,
                "{},{},{}",
                s + 1,
                self.conflict.space().yn(state),
                csv_field(&self.names_of(state).join("; "))
            )?;
            for &c in r.concepts() {
                let count = r.equilibrium_count(c, s);
                let written = u8::from(self.written.equilibria(c).contains(s));
                write!(out, ",{count},{},{written}", r.share(count))?;
            }
            writeln!(out)?;
        }
        Ok(())
    }
}

/// A share as a percentage: whole numbers at the ends, one decimal between.
fn percent(share: f64) -> String {
    match share {
        0.0 => "0%".to_string(),
        1.0 => "100%".to_string(),
        _ => format!("{:.1}%", 100.0 * share),
    }
}

pub(crate) fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_and_ordinals_read_well() {
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(2.0 / 3.0), "66.7%");
        assert_eq!(
            [1, 2, 3, 4, 11, 12, 13, 21, 22].map(ordinal).join(" "),
            "1st 2nd 3rd 4th 11th 12th 13th 21st 22nd"
        );
        assert_eq!(capitalised("status quo"), "Status quo");
    }
}
