//! The brief: everything a printed brief says about a model, computed in one
//! request so that the command line and the workbench print the same thing.

use crate::choose::default_concepts;
use crate::error::AppError;
use crate::limits::Timer;
use crate::source::Prepared;
use crate::sources::{SourcesAnswer, check_sources};
use crate::verdict::{Verdict, verdict_robustness, verdicts};
use detente_engine::evolve::Evolution;
use detente_engine::robustness::Robustness;
use detente_engine::{Analysis, Concept, StateIndex};

/// What a brief reports: the analysis under the default concepts, the verdicts on
/// the status quo and the named states, how robust they are, and where the status
/// quo can lead.
pub struct BriefAnswer {
    pub analysis: Analysis,
    pub verdicts: Vec<Verdict>,
    /// `None` when the model declares no uncertainty or allows too many orders
    /// (see [`crate::verdict_robustness`]).
    pub robustness: Option<Robustness>,
    /// From the status quo by unilateral improvements; `None` without a status quo.
    pub evolution: Option<Evolution>,
    /// Each element's source note and whether it is marked as an assumption (the
    /// quotations are not looked up: a brief cites no documents).
    pub evidence: SourcesAnswer,
}

impl BriefAnswer {
    /// The state the brief leads with: the model's first named state (the proposal
    /// it was built to judge), else the status quo.
    pub fn lead(&self) -> Option<&Verdict> {
        self.verdicts
            .iter()
            .find(|v| matches!(v.subject, crate::Subject::Named(_)))
            .or_else(|| self.verdicts.first())
    }

    /// The equilibria under any analysed concept that the status quo can reach,
    /// the status quo itself included, each with the concepts it is one under.
    pub fn reachable_equilibria(&self) -> Vec<(StateIndex, Vec<Concept>)> {
        let Some(evolution) = &self.evolution else {
            return Vec::new();
        };
        evolution
            .reached()
            .iter()
            .filter_map(|&s| {
                let under: Vec<Concept> = self
                    .analysis
                    .concepts()
                    .iter()
                    .copied()
                    .filter(|&c| self.analysis.equilibria(c).contains(s as usize))
                    .collect();
                (!under.is_empty()).then_some((s, under))
            })
            .collect()
    }
}

impl Prepared {
    /// Everything a brief on this model reports, within `timer`'s limit.
    pub fn brief(&self, timer: &Timer) -> Result<BriefAnswer, AppError> {
        let concepts = default_concepts(self.conflict.state_count());
        let analysis = self.analysis(&concepts, timer, &|| {})?;
        let verdicts = verdicts(self.model(), &self.conflict, &analysis);
        let robustness = verdict_robustness(self.model(), &self.conflict, &concepts, timer);
        let evolution = match self.conflict.status_quo() {
            Some(_) => Some(self.evolve(None, None, timer)?.0),
            None => None,
        };
        let evidence = check_sources(self.model(), &[], timer)?;
        Ok(BriefAnswer {
            analysis,
            verdicts,
            robustness,
            evolution,
            evidence,
        })
    }
}

/// The forms a brief is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BriefFormat {
    /// Typeset for print, A4.
    Pdf,
    /// One self-contained page.
    Html,
}

impl BriefFormat {
    /// The format by name (`pdf`, `html`), as the workbench asks for it.
    pub fn from_key(key: &str) -> Result<BriefFormat, AppError> {
        match key.to_ascii_lowercase().as_str() {
            "pdf" => Ok(BriefFormat::Pdf),
            "html" | "htm" => Ok(BriefFormat::Html),
            _ => Err(AppError::invalid(format!("no brief format called `{key}`"))
                .help("a brief is written as pdf or html")),
        }
    }

    /// The format a file's extension asks for.
    pub fn for_path(path: &std::path::Path) -> Result<BriefFormat, AppError> {
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        BriefFormat::from_key(extension).map_err(|_| {
            AppError::invalid(format!(
                "cannot tell the brief's format from `{}`",
                path.display()
            ))
            .help("name the output file .pdf or .html")
        })
    }

    /// The media type a server sends it with.
    pub fn media_type(self) -> &'static str {
        match self {
            BriefFormat::Pdf => "application/pdf",
            BriefFormat::Html => "text/html; charset=utf-8",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn the_extension_picks_the_format() {
        assert_eq!(
            BriefFormat::for_path(Path::new("a/brief.PDF")).unwrap(),
            BriefFormat::Pdf
        );
        assert_eq!(
            BriefFormat::for_path(Path::new("brief.html")).unwrap(),
            BriefFormat::Html
        );
        let error = BriefFormat::for_path(Path::new("brief.docx")).unwrap_err();
        assert!(error.to_string().contains("brief.docx"), "{error}");
    }
}
