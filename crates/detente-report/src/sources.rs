//! `detente sources`: which quotations in a model's sources were found in the
//! documents they cite, which elements have no source, and which rest on the
//! analyst's assumptions.

use crate::text::Flavour;
use crate::{Format, Render, json_body};
use detente_app::SourcesAnswer;
use serde::Serialize;
use std::io::{self, Write};

/// Schema tag of `detente sources --format json`.
pub const SOURCES_SCHEMA: &str = "detente.sources/1";

/// A checked model's evidence.
pub struct SourcesReport<'a> {
    pub model_name: &'a str,
    pub answer: &'a SourcesAnswer,
}

#[derive(Serialize)]
struct Missing<'a> {
    element: &'a str,
    quote: &'a str,
}

#[derive(Serialize)]
struct Body<'a> {
    schema: &'static str,
    model: &'a str,
    documents: &'a [String],
    quotations: usize,
    found: usize,
    not_found: Vec<Missing<'a>>,
    without_source: Vec<&'a str>,
    assumptions: Vec<&'a str>,
}

impl SourcesReport<'_> {
    fn build(&self) -> Body<'_> {
        let elements = &self.answer.elements;
        let quotations = elements.iter().map(|e| e.quotes.len()).sum();
        let not_found: Vec<Missing> = self
            .answer
            .not_found()
            .map(|(e, q)| Missing {
                element: &e.element,
                quote: &q.text,
            })
            .collect();
        Body {
            schema: SOURCES_SCHEMA,
            model: self.model_name,
            documents: &self.answer.documents,
            quotations,
            found: quotations - not_found.len(),
            not_found,
            without_source: elements
                .iter()
                .filter(|e| !e.sourced)
                .map(|e| e.element.as_str())
                .collect(),
            assumptions: elements
                .iter()
                .filter(|e| e.assumption)
                .map(|e| e.element.as_str())
                .collect(),
        }
    }
}

/// "1 quotation", "2 quotations": a count with its noun, plural when it is not one.
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

impl Render for SourcesReport<'_> {
    fn kind(&self) -> &'static str {
        "source checks"
    }

    fn formats(&self) -> &'static [Format] {
        &[Format::Table, Format::Markdown, Format::Json]
    }

    fn text(&self, flavour: Flavour, out: &mut dyn Write) -> io::Result<()> {
        let body = self.build();
        let (h1, h2, item) = (flavour.title(), flavour.section(), flavour.item());
        writeln!(out, "{h1}Sources of \"{}\"", body.model)?;
        writeln!(out, "\nChecked against {}.", body.documents.join(", "))?;
        let verdict = match (body.quotations, body.not_found.len()) {
            (0, _) => "The model quotes nothing.".to_string(),
            (1, 0) => "Its one quotation was found.".to_string(),
            (n, 0) => format!("All {n} quotations were found."),
            (n, missing) => format!(
                "{missing} of {} {} not found in the documents.",
                count(n, "quotation"),
                if missing == 1 { "was" } else { "were" }
            ),
        };
        writeln!(out, "\n{verdict}")?;
        if !body.not_found.is_empty() {
            writeln!(out, "\n{h2}Not found")?;
            for m in &body.not_found {
                writeln!(out, "{item}{}: \"{}\"", m.element, m.quote)?;
            }
        }
        let lists = [
            ("Without a source", &body.without_source),
            (
                "Resting in whole or in part on the analyst's assumption",
                &body.assumptions,
            ),
        ];
        for (title, elements) in lists {
            if elements.is_empty() {
                continue;
            }
            writeln!(out, "\n{h2}{title} ({})", count(elements.len(), "element"))?;
            for element in elements {
                writeln!(out, "{item}{element}")?;
            }
        }
        Ok(())
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        json_body(out, &self.build(), 0)
    }
}
