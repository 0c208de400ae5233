//! A sweep of preference profiles: each profile's equilibria, one row per profile, as
//! text, Markdown, CSV or JSON (`detente.sweep/1`, which the Python package reads).

use crate::describe::compress_ids;
use crate::robustness::{UncertainJson, ordinal, uncertain_elements};
use crate::text::Flavour;
use crate::{Format, Render, csv_field, json_body};
use comfy_table::Cell;
use detente_app::{SweepAnswer, SweepMethod};
use detente_engine::Model;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Schema tag of a sweep's JSON.
pub const SWEEP_SCHEMA: &str = "detente.sweep/1";

/// Most profiles the text lists; JSON and CSV list every one analysed.
const TABLE_MAX_ROWS: usize = 40;

pub struct SweepReport<'a> {
    pub model: &'a Model,
    pub sweep: &'a SweepAnswer,
}

#[derive(Serialize)]
struct ProfileJson {
    /// The profile's number, from 0 (the same in any range of a split sweep).
    profile: u64,
    /// The position (1-based) each uncertain element takes, in the order of `uncertain`.
    positions: Vec<usize>,
    /// Per concept key, the equilibria by state number.
    equilibria: BTreeMap<&'static str, Vec<usize>>,
}

#[derive(Serialize)]
struct SweepJson {
    schema: &'static str,
    model: String,
    /// "exact", "sampled" or "listed".
    method: &'static str,
    seed: Option<u64>,
    /// Profiles in the whole sweep (those analysed may be one range of them).
    count: u64,
    concepts: Vec<&'static str>,
    uncertain: Vec<UncertainJson>,
    profiles: Vec<ProfileJson>,
}

impl SweepReport<'_> {
    fn build(&self) -> SweepJson {
        let sweep = self.sweep;
        let (method, seed) = match sweep.method {
            SweepMethod::Exact => ("exact", None),
            SweepMethod::Sampled { seed } => ("sampled", Some(seed)),
            SweepMethod::Listed => ("listed", None),
        };
        SweepJson {
            schema: SWEEP_SCHEMA,
            model: self.model.name.clone(),
            method,
            seed,
            count: sweep.count,
            concepts: sweep.concepts.iter().map(|c| c.key()).collect(),
            uncertain: uncertain_elements(self.model, &sweep.elements),
            profiles: sweep
                .outcomes
                .iter()
                .map(|o| ProfileJson {
                    profile: o.index,
                    positions: o.positions.iter().map(|p| p + 1).collect(),
                    equilibria: sweep
                        .concepts
                        .iter()
                        .zip(&o.equilibria)
                        .map(|(c, states)| (c.key(), states.iter().map(|s| s + 1).collect()))
                        .collect(),
                })
                .collect(),
        }
    }

    /// How the profiles were chosen, in a sentence.
    fn method_sentence(&self) -> String {
        let sweep = self.sweep;
        let analysed = sweep.outcomes.len();
        let of = if analysed as u64 == sweep.count {
            String::new()
        } else {
            format!(" ({analysed} of them analysed here)")
        };
        let plural = |n: u64| if n == 1 { "" } else { "s" };
        match sweep.method {
            SweepMethod::Exact => format!(
                "Every consistent preference profile: {} profile{}{of}.",
                sweep.count,
                plural(sweep.count)
            ),
            SweepMethod::Sampled { seed } => format!(
                "{} profile{} drawn at random, with replacement (seed {seed}){of}.",
                sweep.count,
                plural(sweep.count)
            ),
            SweepMethod::Listed => format!(
                "{} profile{} listed by the caller{of}.",
                sweep.count,
                plural(sweep.count)
            ),
        }
    }
}

impl Render for SweepReport<'_> {
    fn kind(&self) -> &'static str {
        "sweeps"
    }

    fn formats(&self) -> &'static [Format] {
        &[Format::Table, Format::Markdown, Format::Json, Format::Csv]
    }

    fn text(&self, flavour: Flavour, out: &mut dyn Write) -> io::Result<()> {
        let sweep = self.sweep;
        writeln!(out, "{}Sweep of preference profiles", flavour.title())?;
        writeln!(out, "\n{}", self.model.name)?;
        writeln!(out, "\n{}", self.method_sentence())?;
        let uncertain = uncertain_elements(self.model, &sweep.elements);
        if !uncertain.is_empty() {
            flavour.heading(out, "What varies")?;
            for (k, u) in uncertain.iter().enumerate() {
                writeln!(
                    out,
                    "{}[{}] {}: {} {} (`{}`), anywhere from {} to {}.",
                    flavour.item(),
                    k + 1,
                    u.decision_maker,
                    u.kind,
                    u.element,
                    u.text,
                    ordinal(u.positions[0]),
                    ordinal(u.positions[1])
                )?;
            }
        }
        flavour.heading(out, "Equilibria under each profile (state numbers)")?;
        writeln!(
            out,
            "Profiles are numbered from 0, as in JSON and CSV and for splitting a sweep.\n"
        )?;
        let mut table = flavour.table(true);
        let mut header = vec![Cell::new("Profile")];
        header.extend((1..=uncertain.len()).map(|k| Cell::new(format!("[{k}]"))));
        header.extend(sweep.concepts.iter().map(|c| Cell::new(c.label())));
        table.set_header(header);
        for o in sweep.outcomes.iter().take(TABLE_MAX_ROWS) {
            let mut row = vec![Cell::new(o.index)];
            row.extend(o.positions.iter().map(|p| Cell::new(ordinal(p + 1))));
            row.extend(o.equilibria.iter().map(|states| {
                Cell::new(match states.is_empty() {
                    true => "none".to_string(),
                    false => compress_ids(states.iter().map(|s| s + 1)),
                })
            }));
            table.add_row(row);
        }
        writeln!(out, "{table}")?;
        if sweep.outcomes.len() > TABLE_MAX_ROWS {
            writeln!(
                out,
                "{} more profiles; JSON and CSV list them all.",
                sweep.outcomes.len() - TABLE_MAX_ROWS
            )?;
        }
        Ok(())
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        let body = self.build();
        let rows = body.profiles.len().max(1);
        json_body(out, &body, rows)
    }

    /// One row per profile: its number, each element's position, and per concept the
    /// equilibria's state numbers separated by spaces.
    fn csv(&self, out: &mut dyn Write) -> io::Result<()> {
        let body = self.build();
        let mut header = vec!["profile".to_string()];
        header.extend(
            body.uncertain
                .iter()
                .map(|u| csv_field(&format!("{} {} {}", u.decision_maker, u.kind, u.element))),
        );
        header.extend(body.concepts.iter().map(|c| c.to_string()));
        writeln!(out, "{}", header.join(","))?;
        for p in &body.profiles {
            let mut row = vec![p.profile.to_string()];
            row.extend(p.positions.iter().map(usize::to_string));
            row.extend(body.concepts.iter().map(|c| {
                let states: Vec<String> = p.equilibria[c].iter().map(usize::to_string).collect();
                states.join(" ")
            }));
            writeln!(out, "{}", row.join(","))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use detente_app::{Limits, Source, SweepProfiles, SweepRequest};
    use detente_engine::Concept;

    fn rendered(format: Format) -> String {
        let limits = Limits::command_line();
        let nrc = detente_app::prepare(&Source::Example(None), &limits, &limits.start()).unwrap();
        let request = SweepRequest {
            profiles: SweepProfiles::Every,
            vary: Some(vec!["russia".into(), "allies".into()]),
            concepts: vec![Concept::Seq, Concept::Nash],
            range: Some(2..12),
        };
        let sweep = nrc.sweep(&request, &limits, &limits.start()).unwrap();
        let mut out = Vec::new();
        SweepReport {
            model: nrc.model(),
            sweep: &sweep,
        }
        .render(format, &mut out)
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_format_lists_the_profiles_analysed() {
        let json: serde_json::Value = serde_json::from_str(&rendered(Format::Json)).unwrap();
        assert_eq!(json["schema"], SWEEP_SCHEMA);
        assert_eq!(json["method"], "exact");
        assert_eq!(json["count"], 12);
        assert_eq!(json["concepts"], serde_json::json!(["nash", "seq"]));
        let profiles = json["profiles"].as_array().unwrap();
        assert_eq!(profiles.len(), 10);
        assert_eq!(profiles[0]["profile"], 2);
        assert_eq!(json["uncertain"][0]["decision_maker"], "Russia");
        assert_eq!(json["uncertain"][1]["positions"], serde_json::json!([2, 4]));
        // Russia's element is the first, and moves fastest: profile 2 puts it third of 4..7.
        assert_eq!(profiles[0]["positions"], serde_json::json!([6, 2]));

        let csv = rendered(Format::Csv);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 11);
        assert_eq!(
            lines[0],
            "profile,Russia statement 5,NATO allies statement 2,nash,seq"
        );
        assert!(lines[1].starts_with("2,6,2,"), "{}", lines[1]);

        let text = rendered(Format::Table);
        assert!(
            text.contains(
                "Every consistent preference profile: 12 profiles (10 of them analysed here)."
            ),
            "{text}"
        );
        assert!(text.contains("[1] Russia: statement 5"), "{text}");
    }
}
