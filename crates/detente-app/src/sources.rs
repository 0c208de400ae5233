//! Evidence that checks out: every quotation in a model's `source` notes is looked
//! up in the documents it cites, so a quote that is not in the article (or no longer
//! matches it) is caught before anyone relies on it.

use crate::error::AppError;
use crate::limits::Timer;
use detente_engine::model::Notes;
use detente_engine::{Deadline, Model, OutOfTime, Preferences};

/// A document a model cites, by name (for messages) and text.
#[derive(Debug, Clone)]
pub struct Document {
    pub name: String,
    pub text: String,
}

impl Document {
    /// Reads a document from a UTF-8 text file, named by its path.
    pub fn read(path: &std::path::Path) -> Result<Document, AppError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            AppError::invalid(format!("cannot read `{}`: {e}", path.display()))
                .help("give the cited documents as UTF-8 text files")
        })?;
        Ok(Document {
            name: path.display().to_string(),
            text,
        })
    }
}

/// One quotation and where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// As written in the model, between its quotation marks.
    pub text: String,
    /// The document that contains it, if any.
    pub found_in: Option<String>,
}

/// The evidence for one element of the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// The element in words: "option `us_propose_nrc` of United States".
    pub element: String,
    /// The element's `source` note, empty when it has none.
    pub source: String,
    /// The element has a `source` note at all.
    pub sourced: bool,
    /// The note says that (part of) it is the analyst's assumption.
    pub assumption: bool,
    pub quotes: Vec<Quote>,
}

/// Every element's evidence, in the model's order.
#[derive(Debug, Clone)]
pub struct SourcesAnswer {
    pub documents: Vec<String>,
    pub elements: Vec<Evidence>,
}

impl SourcesAnswer {
    /// Quotes found in none of the documents, with their elements.
    pub fn not_found(&self) -> impl Iterator<Item = (&Evidence, &Quote)> {
        self.elements.iter().flat_map(|e| {
            e.quotes
                .iter()
                .filter(|q| q.found_in.is_none())
                .map(move |q| (e, q))
        })
    }

    /// Every quote checks out.
    pub fn passed(&self) -> bool {
        self.not_found().next().is_none()
    }
}

/// Checks every quotation in `model`'s source notes against `documents`, stopping when
/// `timer` runs out (each quotation is a search through every document).
pub fn check_sources(
    model: &Model,
    documents: &[Document],
    timer: &Timer,
) -> Result<SourcesAnswer, AppError> {
    let normalised: Vec<(String, &str)> = documents
        .iter()
        .map(|d| (normalise(&d.text), d.name.as_str()))
        .collect();
    let evidence = |(element, notes): (String, &Notes)| -> Result<Evidence, OutOfTime> {
        let source = notes.source.as_deref().unwrap_or_default();
        let quotes = quotations(source)
            .into_iter()
            .map(|text| {
                if timer.passed() {
                    return Err(OutOfTime);
                }
                let wanted = normalise(&text);
                let found_in = normalised
                    .iter()
                    .find(|(doc, _)| doc.contains(&wanted))
                    .map(|(_, name)| name.to_string());
                Ok(Quote { text, found_in })
            })
            .collect::<Result<_, _>>()?;
        Ok(Evidence {
            element,
            source: source.to_string(),
            sourced: !source.trim().is_empty(),
            assumption: source.to_lowercase().contains("assumption"),
            quotes,
        })
    };
    let elements = annotated(model)
        .into_iter()
        .map(evidence)
        .collect::<Result<_, _>>()
        .map_err(|e| timer.over(e))?;
    Ok(SourcesAnswer {
        documents: documents.iter().map(|d| d.name.clone()).collect(),
        elements,
    })
}

/// Every element of `model` that may carry a source note, in words, in the model's order.
fn annotated(model: &Model) -> Vec<(String, &Notes)> {
    let mut elements = vec![(format!("the model \"{}\"", model.name), &model.notes)];
    for dm in &model.decision_makers {
        elements.push((format!("decision maker {}", dm.name), &dm.notes));
        for option in &dm.options {
            elements.push((
                format!("option `{}` of {}", option.id, dm.name),
                &option.notes,
            ));
        }
        match &dm.preferences {
            Preferences::Prioritization(statements) => {
                for (j, statement) in statements.iter().enumerate() {
                    elements.push((
                        format!("preference statement {} of {}", j + 1, dm.name),
                        &statement.notes,
                    ));
                }
            }
            Preferences::Ranking { notes, .. } => {
                elements.push((format!("the ranking of {}", dm.name), notes));
            }
        }
    }
    for (i, rule) in model.rules.iter().enumerate() {
        elements.push((format!("feasibility rule {}", i + 1), &rule.notes));
    }
    for state in &model.named_states {
        elements.push((format!("the state \"{}\"", state.name), &state.notes));
    }
    for (i, coalition) in model.coalitions.iter().enumerate() {
        elements.push((format!("coalition {}", i + 1), &coalition.notes));
    }
    elements
}

/// The passages between double quotation marks, straight (`"…"`) or typographic (`“…”`).
fn quotations(source: &str) -> Vec<String> {
    let mut quotes = Vec::new();
    let mut open: Option<usize> = None;
    for (i, c) in source.char_indices() {
        match (c, open) {
            ('"' | '“', None) => open = Some(i + c.len_utf8()),
            ('"' | '”', Some(start)) => {
                let quote = source[start..i].trim();
                if !quote.is_empty() {
                    quotes.push(quote.to_string());
                }
                open = None;
            }
            _ => {}
        }
    }
    quotes
}

/// Text as compared: typographic quotes, apostrophes and dashes made plain, runs of
/// whitespace made one space and letters lower case, so a quote copied from a rendered
/// page, or starting mid-sentence, still matches.
fn normalise(text: &str) -> String {
    let plain: String = text
        .to_lowercase()
        .chars()
        .map(|c| match c {
            '‘' | '’' | '′' => '\'',
            '“' | '”' => '"',
            '–' | '—' | '‐' | '‑' => '-',
            '\u{a0}' => ' ',
            c => c,
        })
        .collect();
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotations_are_the_passages_between_double_quotes() {
        assert_eq!(
            quotations(r#"Article: "One two." and “three”. Analyst's assumption: "four""#),
            ["One two.", "three", "four"]
        );
        assert!(quotations("no quotes, an apostrophe's fine").is_empty());
        assert_eq!(quotations(r#"an "unclosed quote"#), Vec::<String>::new());
    }

    #[test]
    fn typography_and_spacing_do_not_matter() {
        assert_eq!(
            normalise("Russia’s  de facto\ncontrol—on “The”"),
            "russia's de facto control-on \"the\""
        );
    }
}
