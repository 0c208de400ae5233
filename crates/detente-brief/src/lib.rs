//! A brief a policy reader can take to a meeting: the bottom line on page one (the
//! question, the verdict on the proposal, what it would take, what decides it),
//! then the verdicts in full, the path from the status quo, robustness as a chart,
//! what each party would have to accept, the parties and their sources, the
//! assumptions and limitations, and the method with its glossary.
//!
//! The content is built once as a [`document`] tree from the application layer's
//! [`BriefAnswer`] and the words of detente-report; [`Brief::pdf`] typesets it with
//! typst in-process (no browser, no external program) and [`Brief::html`] writes it
//! as one self-contained page.

mod content;
pub mod document;
mod html;
mod pdf;

pub use pdf::PdfError;

use detente_app::BriefAnswer;
use detente_engine::{Conflict, Model};

/// Any document of [`document::Block`]s as a PDF, typeset as the brief is: for other
/// printable records made of the same blocks (the council's minutes).
pub fn render_pdf(title: &str, blocks: &[document::Block]) -> Result<Vec<u8>, PdfError> {
    pdf::render(title, blocks)
}

/// Any document of [`document::Block`]s as one self-contained HTML page.
pub fn render_html(title: &str, blocks: &[document::Block]) -> String {
    html::render(title, blocks)
}

/// A brief on one analysed model.
pub struct Brief<'a> {
    pub model: &'a Model,
    pub conflict: &'a Conflict,
    pub answer: &'a BriefAnswer,
    /// What the model was read from, as the reader would name it to reproduce the
    /// brief: a path or "the built-in example nrc".
    pub source: &'a str,
}

impl Brief<'_> {
    /// The brief's blocks in reading order.
    pub fn document(&self) -> Vec<document::Block> {
        content::build(self)
    }

    /// The brief as one HTML page with its styles inline and nothing fetched.
    pub fn html(&self) -> String {
        html::render(&self.model.name, &self.document())
    }

    /// The brief as a PDF, typeset in-process. The same brief gives the same bytes.
    pub fn pdf(&self) -> Result<Vec<u8>, PdfError> {
        pdf::render(&self.model.name, &self.document())
    }
}
