//! The one interface every report is written through, so that front ends need
//! not know which report has which forms: a report refuses a format it has no
//! form in instead of writing another.

use crate::text::Flavour;
use std::io::{self, Write};

/// Output formats, each offered by the reports that have a form in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Tables and plain text for the terminal.
    Table,
    Markdown,
    /// Versioned JSON (docs/JSON_SCHEMA.md).
    Json,
    /// One row per state.
    Csv,
    /// A Graphviz graph.
    Dot,
}

impl Format {
    /// The name front ends give it, as in `--format csv`.
    pub fn key(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Markdown => "markdown",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Dot => "dot",
        }
    }

    /// Its name in a sentence.
    fn label(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Markdown => "Markdown",
            Format::Json => "JSON",
            Format::Csv => "CSV",
            Format::Dot => "DOT",
        }
    }
}

/// A report that can be written in some of the [`Format`]s. Each report
/// writes its forms and [`Render::render`] picks among them, so that checking
/// a format against [`Render::formats`] is done once, here, not per report.
pub trait Render {
    /// What the report is, in the plural ("explanations"), for refusals to name it.
    fn kind(&self) -> &'static str;

    /// The formats the report has a form in, in the order refusals list them.
    fn formats(&self) -> &'static [Format];

    /// Writes the report as terminal text or as Markdown: every report has
    /// both, in one layout.
    fn text(&self, flavour: Flavour, out: &mut dyn Write) -> io::Result<()>;

    /// Writes the report as versioned JSON, which every report has.
    fn json(&self, out: &mut dyn Write) -> io::Result<()>;

    /// Writes the report as CSV, for reports that list [`Format::Csv`].
    fn csv(&self, _out: &mut dyn Write) -> io::Result<()> {
        Err(no_form(Format::Csv))
    }

    /// Writes the report as DOT, for reports that list [`Format::Dot`].
    fn dot(&self, _out: &mut dyn Write) -> io::Result<()> {
        Err(no_form(Format::Dot))
    }

    /// Writes the report in `format`. A format not in [`Render::formats`] is
    /// refused with [`RenderError::Unsupported`] before anything is written.
    fn render(&self, format: Format, out: &mut dyn Write) -> Result<(), RenderError> {
        if !self.formats().contains(&format) {
            return Err(RenderError::Unsupported(Unsupported {
                report: self.kind(),
                asked: format,
                supported: self.formats(),
            }));
        }
        Ok(match format {
            Format::Table => self.text(Flavour::Terminal, out),
            Format::Markdown => self.text(Flavour::Markdown, out),
            Format::Json => self.json(out),
            Format::Csv => self.csv(out),
            Format::Dot => self.dot(out),
        }?)
    }
}

/// What the default [`Render::csv`] and [`Render::dot`] return: reached only
/// if a report lists a format it does not write, which the tests below catch.
fn no_form(format: Format) -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        format!("no {} form", format.label()),
    )
}

/// A report asked for in a format it has no form in.
#[derive(Debug, thiserror::Error)]
#[error("{report} have no {} form", asked.label())]
pub struct Unsupported {
    /// The report's [`Render::kind`].
    pub report: &'static str,
    pub asked: Format,
    /// The report's [`Render::formats`].
    pub supported: &'static [Format],
}

impl Unsupported {
    /// The formats the report has, by key: "table, markdown or json".
    pub fn alternatives(&self) -> String {
        let keys: Vec<&str> = self.supported.iter().map(|f| f.key()).collect();
        match keys.split_last() {
            Some((last, [])) => last.to_string(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("{0}; they can be written as {alternatives}", alternatives = .0.alternatives())]
    Unsupported(Unsupported),
    #[error(transparent)]
    Io(#[from] io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        CoalitionReport, EvolutionReport, Explanation, ForesightReport, InverseReport, Report,
        RobustnessReport, StatesReport, VerdictsReport,
    };
    use detente_app::{ConceptAnswer, Explained, InverseAnswer, Omitted};
    use detente_engine::coalition::CoalitionAnalysis;
    use detente_engine::evolve::Evolution;
    use detente_engine::foresight::{Foresight, Outlook};
    use detente_engine::inverse::Inverse;
    use detente_engine::robustness::{Robustness, Settings};
    use detente_engine::{Analysis, Concept, Conflict, Model, NoDeadline};

    const EVERY_FORMAT: [Format; 5] = [
        Format::Table,
        Format::Markdown,
        Format::Json,
        Format::Csv,
        Format::Dot,
    ];

    fn chicken() -> (Model, Conflict) {
        let example = detente_examples::find("chicken").unwrap();
        let loaded = detente_format::parse_toml(example.source, example.file_name).unwrap();
        let conflict = loaded.compile(1 << 10).unwrap();
        (loaded.model, conflict)
    }

    /// Whether `out` looks like `format`, so that no report writes one format for another.
    fn looks_like(format: Format, out: &str) -> bool {
        match format {
            Format::Table => !out.starts_with('#') && !out.starts_with('{'),
            Format::Markdown => out.starts_with("# "),
            Format::Json => serde_json::from_str::<serde_json::Value>(out).is_ok(),
            Format::Csv => out.starts_with("state,"),
            Format::Dot => out.starts_with("digraph "),
        }
    }

    /// Every format the report lists is written; every other is refused,
    /// naming the listed ones, before anything is written.
    fn honours_its_formats(report: &dyn Render) {
        let kind = report.kind();
        for format in EVERY_FORMAT {
            let mut out = Vec::new();
            let result = report.render(format, &mut out);
            let out = String::from_utf8(out).unwrap();
            if report.formats().contains(&format) {
                assert!(result.is_ok(), "{kind} as {format:?}: {result:?}");
                assert!(looks_like(format, &out), "{kind} as {format:?}:\n{out}");
                continue;
            }
            let Err(RenderError::Unsupported(refusal)) = result else {
                panic!("{kind} as {format:?} should be refused: {result:?}");
            };
            assert_eq!(
                (refusal.asked, refusal.supported),
                (format, report.formats())
            );
            assert_eq!(out, "", "{kind} as {format:?}");
            let message = RenderError::Unsupported(refusal).to_string();
            for supported in report.formats() {
                assert!(message.contains(supported.key()), "{message}");
            }
        }
    }

    #[test]
    fn every_report_writes_the_formats_it_lists_and_refuses_the_others() {
        let (model, conflict) = chicken();
        let (model, conflict) = (&model, &conflict);
        let analysis = Analysis::run(conflict, &Concept::ALL, &NoDeadline, &|| {}).unwrap();
        let coalitions = vec![vec![0, 1]];
        let coalitional =
            CoalitionAnalysis::run(conflict, &coalitions, Concept::Seq, &NoDeadline).unwrap();
        let evolution = Evolution::with_coalitions(conflict, 0, &coalitions, &NoDeadline).unwrap();
        let foresight = Foresight::run(conflict, 2, Outlook::Cautious, &NoDeadline).unwrap();
        let other = Foresight::run(conflict, 2, Outlook::Hopeful, &NoDeadline).unwrap();
        let settings = Settings {
            concepts: vec![Concept::Nash],
            exact_limit: 10,
            samples: 10,
            seed: 1,
        };
        let robustness = Robustness::run(model, conflict, &settings, &NoDeadline, &|| {}).unwrap();
        let question = Inverse::new(conflict, 0, &[0]);
        let conditions = question.conditions(Concept::Nash, &NoDeadline).unwrap();
        let inverse = InverseAnswer {
            target: 0,
            varied: vec![0],
            answers: vec![ConceptAnswer {
                concept: Concept::Nash,
                count: Some(question.count(Concept::Nash, &conditions, &NoDeadline)),
                samples: Some(question.sample(Concept::Nash, &conditions, 1, 1, &NoDeadline)),
                conditions: Ok(conditions),
                omitted: Omitted::default(),
            }],
        };
        let verdicts = detente_app::verdicts(model, conflict, &analysis);
        let reports: [&dyn Render; 9] = [
            &Report {
                model,
                conflict,
                analysis: &analysis,
                all_states: false,
                robustness: None,
            },
            &VerdictsReport {
                model,
                conflict,
                verdicts: &verdicts,
                robustness: None,
            },
            &StatesReport { model, conflict },
            &Explanation {
                model,
                conflict,
                explained: &Explained::new(
                    conflict,
                    0,
                    vec![0, 1],
                    Concept::ALL.to_vec(),
                    &NoDeadline,
                )
                .unwrap(),
            },
            &EvolutionReport {
                model,
                conflict,
                analysis: &analysis,
                evolution: &evolution,
                coalitions: &coalitions,
            },
            &CoalitionReport {
                model,
                conflict,
                analysis: &analysis,
                coalitions: &coalitional,
            },
            &ForesightReport {
                model,
                conflict,
                foresight: &foresight,
                other: &other,
                lines_for: vec![0],
            },
            &RobustnessReport {
                model,
                conflict,
                written: &analysis,
                robustness: &robustness,
            },
            &InverseReport {
                model,
                conflict,
                answer: &inverse,
            },
        ];
        for report in reports {
            honours_its_formats(report);
        }
    }

    #[test]
    fn a_refusal_names_the_report_and_the_formats_it_has() {
        let (model, conflict) = chicken();
        let explained = Explained::new(&conflict, 0, vec![0], vec![Concept::Nash], &NoDeadline);
        let explanation = Explanation {
            model: &model,
            conflict: &conflict,
            explained: &explained.unwrap(),
        };
        let error = explanation
            .render(Format::Csv, &mut Vec::new())
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "explanations have no CSV form; they can be written as table, markdown or json"
        );
        let RenderError::Unsupported(refusal) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(refusal.to_string(), "explanations have no CSV form");
        assert_eq!(refusal.alternatives(), "table, markdown or json");
    }
}
