//! Located, explained errors in model files, and the bookkeeping needed to
//! locate errors the engine finds only later, at compile time.

use std::ops::Range;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// A byte range in the source text.
pub(crate) type Span = Range<usize>;

/// A located, explained error in a model file.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
pub struct FormatError {
    message: String,
    #[source_code]
    source_code: Shown,
    #[label("{label}")]
    span: Option<SourceSpan>,
    label: String,
    #[help]
    help: Option<String>,
    /// Set when the error is in a model form: the JSON Pointer of the element at fault.
    form_path: Option<String>,
}

impl FormatError {
    /// 1-based (line, column) of the primary span, if any; the column counts characters.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let offset = self.span?.offset();
        let text = &self.source_code.text;
        let before = text.get(..offset.min(text.len()))?;
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Some((line, before[line_start..].chars().count() + 1))
    }

    pub fn file_name(&self) -> &str {
        &self.source_code.name
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn help_text(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// For an error in a model form (see [`crate::parse_form`]): the JSON Pointer of the
    /// element at fault, `""` for the form as a whole. Its line and column are then those
    /// of the TOML written from the form, which the user never wrote, so show this instead.
    pub fn form_path(&self) -> Option<&str> {
        self.form_path.as_deref()
    }

    /// The primary span, if any.
    pub(crate) fn span(&self) -> Option<Span> {
        self.span.map(|s| s.offset()..s.offset() + s.len())
    }

    /// The text the error is located in.
    pub(crate) fn source_text(&self) -> &str {
        &self.source_code.text
    }

    /// Marks the error as one in a model form, at the element `path` points at.
    pub(crate) fn in_form(mut self: Box<Self>, path: String) -> Box<Self> {
        self.form_path = Some(path);
        self
    }

    /// Adds how to fix it.
    pub(crate) fn help(mut self: Box<Self>, help: impl Into<String>) -> Box<Self> {
        self.help = Some(help.into());
        self
    }

    /// Replaces the short text shown under the offending source.
    pub(crate) fn label(mut self: Box<Self>, label: impl Into<String>) -> Box<Self> {
        self.label = label.into();
        self
    }
}

/// Lines longer than this many bytes are shown only around an error's span.
const SHOWN_LINE_BYTES: usize = 1_000;

/// How many bytes of an overlong line are shown on either side of an error's span.
const SHOWN_CONTEXT_BYTES: usize = 80;

/// The source as a diagnostic shows it: the whole text, or, when the error sits on
/// an overlong line, a window of that line around it. miette pads up to a label's
/// column with `format!`, which panics past 65,535, and a one-line `.gmcr` file or
/// a long string puts an error that far in; nobody reads such a line whole anyway.
#[derive(Debug)]
struct Shown {
    name: String,
    text: String,
    window: Window,
}

/// The part of the text shown: `bytes`, starting at 0-based `line` and byte `column`.
#[derive(Debug)]
struct Window {
    bytes: Span,
    line: usize,
    column: usize,
}

impl Shown {
    fn new(name: &str, text: &str, span: Option<SourceSpan>) -> Shown {
        let whole = Window {
            bytes: 0..text.len(),
            line: 0,
            column: 0,
        };
        Shown {
            name: name.to_string(),
            text: text.to_string(),
            window: span.and_then(|s| window(text, s)).unwrap_or(whole),
        }
    }
}

/// Around `span`, if the line it starts on is overlong: from a little before it on
/// that line to a little after it.
fn window(text: &str, span: SourceSpan) -> Option<Window> {
    let (start, end) = (span.offset(), span.offset() + span.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    if line_end - line_start <= SHOWN_LINE_BYTES {
        return None;
    }
    let last_line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let from = char_boundary(
        text,
        start.saturating_sub(SHOWN_CONTEXT_BYTES).max(line_start),
    );
    let to = char_boundary(text, (end + SHOWN_CONTEXT_BYTES).min(last_line_end));
    Some(Window {
        bytes: from..to,
        line: text[..line_start].matches('\n').count(),
        column: from - line_start,
    })
}

/// `offset` moved back to the start of the character it falls in.
fn char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Spans are read relative to the window and reported relative to the whole text, so
/// labels and line numbers stay where they are in the file.
impl SourceCode for Shown {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        lines_before: usize,
        lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let Window {
            bytes,
            line,
            column,
        } = &self.window;
        let start = span.offset().clamp(bytes.start, bytes.end);
        let end = (span.offset() + span.len()).clamp(start, bytes.end);
        let contents = self.text[bytes.clone()].read_span(
            &SourceSpan::from(start - bytes.start..end - bytes.start),
            lines_before,
            lines_after,
        )?;
        let on_first_line = contents.line() == 0;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            SourceSpan::new(
                (contents.span().offset() + bytes.start).into(),
                contents.span().len(),
            ),
            line + contents.line(),
            contents.column() + if on_first_line { *column } else { 0 },
            contents.line_count(),
        )))
    }
}

/// The text being parsed and its name: every error carries both so it can show the offending line.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    pub name: String,
    pub text: String,
}

impl SourceFile {
    pub fn new(name: &str, text: &str) -> SourceFile {
        SourceFile {
            name: name.to_string(),
            text: text.to_string(),
        }
    }

    /// An error at `span` (clamped to the text, so a stale span cannot panic later).
    pub fn error(&self, message: impl Into<String>, span: Option<Span>) -> Box<FormatError> {
        let len = self.text.len();
        let span = span.map(|s| {
            let start = s.start.min(len);
            SourceSpan::from(start..s.end.clamp(start, len))
        });
        Box::new(FormatError {
            message: message.into(),
            source_code: Shown::new(&self.name, &self.text, span),
            span,
            label: "here".into(),
            help: None,
            form_path: None,
        })
    }

    /// The byte offset of 1-based `line` and `column`, as JSON parsers report positions.
    pub fn offset_of(&self, line: usize, column: usize) -> Option<usize> {
        let line_start = if line <= 1 {
            0
        } else {
            self.text.match_indices('\n').nth(line - 2)?.0 + 1
        };
        let mut offset = (line_start + column.saturating_sub(1)).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        Some(offset)
    }
}

/// Where the parts of a model were written, to locate errors found at compile time.
#[derive(Debug, Clone, Default)]
pub(crate) struct Spans {
    /// Per DM: its declaration.
    pub dm: Vec<Option<Span>>,
    /// Per DM: its `preferences` or `ranking` entry.
    pub preferences: Vec<Option<Span>>,
    /// Per DM, tier and item: the ranking item.
    pub tier_items: Vec<Vec<Vec<Span>>>,
    /// Per rule: its declaration.
    pub rules: Vec<Option<Span>>,
    pub status_quo: Option<Span>,
    /// Per named state (`[[state]]`): the `options` or `yn` value that gives it.
    pub named_states: Vec<Option<Span>>,
    /// Where decision makers are listed, or would be when there are none.
    pub decision_makers: Option<Span>,
}

impl Spans {
    pub fn dm(&self, d: usize) -> Option<Span> {
        self.dm.get(d).cloned().flatten()
    }

    pub fn preferences(&self, d: usize) -> Option<Span> {
        self.preferences
            .get(d)
            .cloned()
            .flatten()
            .or_else(|| self.dm(d))
    }

    pub fn tier_item(&self, d: usize, tier: usize, item: usize) -> Option<Span> {
        let found = self
            .tier_items
            .get(d)
            .and_then(|t| t.get(tier))
            .and_then(|i| i.get(item));
        found.cloned().or_else(|| self.preferences(d))
    }

    pub fn rule(&self, r: usize) -> Option<Span> {
        self.rules.get(r).cloned().flatten()
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|&(d, c)| d <= 2.max(c.len() / 3))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// "did you mean `x`? " followed by the list of what is valid here.
pub(crate) fn suggestion(word: &str, valid: &[&str], what: &str) -> String {
    let listed = valid
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match closest(word, valid.iter().copied()) {
        Some(best) => format!("did you mean `{best}`? {what}: {listed}"),
        None => format!("{what}: {listed}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let src = SourceFile::new("m.toml", "a = 1\nbé = 2\n");
        let err = src.error("x", Some(10..11));
        assert_eq!(err.line_col(), Some((2, 4)));
        assert_eq!(err.file_name(), "m.toml");
        assert_eq!(src.error("x", None).line_col(), None);
    }

    #[test]
    fn errors_far_into_a_long_line_are_drawn_around_their_span() {
        let text = format!("a = \"{}\" b\nc = 1\n", "é".repeat(50_000));
        let at = text.find(" b").unwrap() + 1;
        let err = SourceFile::new("m.toml", &text).error("x", Some(at..at + 1));
        let mut drawn = String::new();
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .render_report(&mut drawn, err.as_ref())
            .unwrap();
        assert!(drawn.contains(&format!("[m.toml:1:{}]", at + 1)), "{drawn}");
        assert!(drawn.contains(" 1 │ éé") && drawn.len() < 1_000, "{drawn}");
        assert_eq!(err.line_col(), Some((1, 50_008)));
    }

    #[test]
    fn offsets_from_line_and_column() {
        let src = SourceFile::new("m.json", "{\n  \"a\": 1\n}");
        assert_eq!(src.offset_of(2, 3), Some(4));
        assert_eq!(src.offset_of(9, 1), None);
    }

    #[test]
    fn suggestions_prefer_near_misses() {
        assert_eq!(
            closest("blokade", ["blockade", "withdraw"]),
            Some("blockade")
        );
        assert_eq!(closest("zzz", ["blockade", "withdraw"]), None);
    }
}
