//! The brief as a small document tree, so that the PDF and the HTML say exactly the
//! same thing: each is one walk over these blocks.

/// A run of text in a paragraph.
#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    Text(String),
    Strong(String),
}

/// One block of the brief, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Title(String),
    /// A line under the title: what the brief was made from.
    Byline(String),
    Heading(String),
    Subheading(String),
    Paragraph(Vec<Span>),
    Bullets(Vec<Vec<Span>>),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// Shares per state and concept, as horizontal bars.
    Bars(Vec<BarGroup>),
    /// Paths from the status quo, each a chain of states and the moves between.
    Paths(Vec<Path>),
    /// The next block starts a new page (in print).
    PageBreak,
}

/// The bars of one state: a label and one bar per concept.
#[derive(Debug, Clone, PartialEq)]
pub struct BarGroup {
    pub label: String,
    /// (concept label, share from 0 to 1).
    pub bars: Vec<(String, f64)>,
}

/// A path: the states passed, and before each but the first, the move into it.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// What the path ends in, in words: "State 57, an equilibrium under Nash, GMR".
    pub caption: String,
    pub start: String,
    /// (who moves and how, the state reached).
    pub steps: Vec<(String, String)>,
}

impl Span {
    pub fn text(&self) -> &str {
        match self {
            Span::Text(t) | Span::Strong(t) => t,
        }
    }
}

/// A paragraph of plain text.
pub fn plain(text: impl Into<String>) -> Block {
    Block::Paragraph(vec![Span::Text(text.into())])
}

/// A paragraph led by a phrase in bold.
pub fn led(lead: impl Into<String>, rest: impl Into<String>) -> Block {
    Block::Paragraph(vec![Span::Strong(lead.into()), Span::Text(rest.into())])
}

/// Bullets of plain text.
pub fn bullets(items: impl IntoIterator<Item = String>) -> Block {
    Block::Bullets(items.into_iter().map(|t| vec![Span::Text(t)]).collect())
}
