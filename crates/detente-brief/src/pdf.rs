//! The brief as a PDF: the blocks are written as typst markup and typeset by typst
//! in-process, with the fonts typst ships (embedded in the binary), so a brief
//! needs no browser, no installed font and no external program, and the same brief
//! always gives the same bytes.
//!
//! Every piece of model text enters the markup as a typst string literal, never
//! as markup, so nothing an analyst writes in a model is interpreted by typst.

use crate::document::{BarGroup, Block, Path, Span};
use std::fmt::Write;
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// Why a brief could not be typeset: a fault in detente's own markup, never in the
/// user's input (which enters only as quoted strings).
#[derive(Debug, thiserror::Error)]
#[error("typesetting the brief failed: {0}")]
pub struct PdfError(String);

/// The typst library and the shipped fonts, loaded once per process.
struct Fonts {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        Fonts {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

/// One brief's markup as the only file of a typst world.
struct BriefWorld {
    main: Source,
}

impl World for BriefWorld {
    fn library(&self) -> &LazyHash<Library> {
        &fonts().library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, _: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }

    /// No date: the brief does not print one, and its bytes do not depend on the day.
    fn today(&self, _: Option<Duration>) -> Option<Datetime> {
        None
    }
}

pub fn render(title: &str, blocks: &[Block]) -> Result<Vec<u8>, PdfError> {
    let world = BriefWorld {
        main: Source::detached(markup(title, blocks)),
    };
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| failed(&errors))?;
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(format!("detente brief: {title}")),
        creator: Smart::Custom(Some("detente".into())),
        ..Default::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| failed(&errors))
}

/// typst's diagnostics as one error.
fn failed(errors: &[SourceDiagnostic]) -> PdfError {
    let messages: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
    PdfError(messages.join("; "))
}

/// `text` as a typst string literal.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Spans as typst content in square brackets.
fn content(spans: &[Span]) -> String {
    let inner: String = spans
        .iter()
        .map(|span| match span {
            Span::Text(t) => format!("#{}", quoted(t)),
            Span::Strong(t) => format!("#strong({})", quoted(t)),
        })
        .collect();
    format!("[{inner}]")
}

const ACCENT: &str = "rgb(\"#2f5d9c\")";

const PREAMBLE: &str = r#"#set page(paper: "a4", margin: (x: 2.2cm, y: 2cm), numbering: "1 / 1")
#set text(font: "Libertinus Serif", size: 10.5pt, lang: "en")
#set par(justify: true)
#show heading.where(level: 1): it => block(above: 1.4em, below: 0.7em, text(size: 14pt, it.body))
#show heading.where(level: 2): it => block(above: 1.1em, below: 0.5em, text(size: 11.5pt, it.body))
"#;

fn markup(title: &str, blocks: &[Block]) -> String {
    let mut out = format!(
        "#set document(title: {}, author: \"detente\", date: none)\n{PREAMBLE}\n",
        quoted(title)
    );
    for block in blocks {
        match block {
            Block::Title(t) => {
                let _ = writeln!(out, "#text(size: 20pt, weight: \"bold\", {})\n", quoted(t));
            }
            Block::Byline(t) => {
                let _ = writeln!(out, "#emph({})\n", quoted(t));
            }
            Block::Heading(t) => {
                let _ = writeln!(out, "#heading(level: 1, {})\n", quoted(t));
            }
            Block::Subheading(t) => {
                let _ = writeln!(out, "#heading(level: 2, {})\n", quoted(t));
            }
            Block::Paragraph(spans) => {
                let _ = writeln!(out, "#{}\n", content(spans));
            }
            Block::Bullets(items) => {
                let items: Vec<String> = items.iter().map(|i| content(i)).collect();
                let _ = writeln!(out, "#list({})\n", items.join(", "));
            }
            Block::Table { head, rows } => table(&mut out, head, rows),
            Block::Bars(groups) => bars(&mut out, groups),
            Block::Paths(paths) => path_figures(&mut out, paths),
            Block::PageBreak => out.push_str("#pagebreak()\n\n"),
        }
    }
    out
}

fn table(out: &mut String, head: &[String], rows: &[Vec<String>]) {
    let columns: Vec<&str> = (0..head.len())
        .map(|k| if k + 1 == head.len() { "1fr" } else { "auto" })
        .collect();
    let header: Vec<String> = head
        .iter()
        .map(|h| format!("strong({})", quoted(h)))
        .collect();
    let cells: Vec<String> = rows.iter().flatten().map(|c| quoted(c)).collect();
    let _ = writeln!(
        out,
        "#{{ set text(size: 8.5pt); set par(justify: false); table(columns: ({}), stroke: 0.4pt + luma(170), inset: 4pt, table.header({}), {}) }}\n",
        columns.join(", "),
        header.join(", "),
        cells.join(", ")
    );
}

fn bars(out: &mut String, groups: &[BarGroup]) {
    for group in groups {
        let mut cells = Vec::new();
        for (concept, share) in &group.bars {
            let percent = share * 100.0;
            cells.push(quoted(concept));
            cells.push(format!(
                "box(width: 100%, height: 7pt, fill: luma(228), place(rect(width: {percent:.1}%, height: 7pt, fill: {ACCENT})))"
            ));
            cells.push(quoted(&format!("{percent:.0}%")));
        }
        let _ = writeln!(
            out,
            "#block(breakable: false, below: 1em)[#strong({})\n#grid(columns: (5em, 1fr, 3em), column-gutter: 6pt, row-gutter: 3pt, align: (left, horizon, right), {})]\n",
            quoted(&group.label),
            cells.join(", ")
        );
    }
}

fn path_figures(out: &mut String, paths: &[Path]) {
    let state = |text: &str| {
        format!(
            "box(stroke: 0.5pt + luma(120), radius: 3pt, inset: 4pt, {})",
            quoted(text)
        )
    };
    for path in paths {
        let mut parts = vec![
            format!("strong({})", quoted(&path.caption)),
            state(&path.start),
        ];
        for (how, to) in &path.steps {
            parts.push(format!(
                "text(fill: luma(70), {})",
                quoted(&format!("↓ {how}"))
            ));
            parts.push(state(to));
        }
        let _ = writeln!(
            out,
            "#block(breakable: false, stroke: (left: 2pt + {ACCENT}), inset: (left: 8pt, y: 3pt), below: 1em, stack(spacing: 4pt, {}))\n",
            parts.join(", ")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_text_cannot_escape_its_string() {
        assert_eq!(quoted(r#"a "b" \c #d"#), r#""a \"b\" \\c #d""#);
        // Typst's markup characters in a model's text typeset as themselves.
        let pdf = render(
            "t",
            &[Block::Paragraph(vec![Span::Text(
                "#pagebreak() *not bold* $x$ [a] \"q\" \\".into(),
            )])],
        )
        .expect("typesets");
        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn the_same_blocks_give_the_same_bytes() {
        let blocks = [Block::Title("Same".into()), Block::Heading("H".into())];
        assert_eq!(render("t", &blocks).unwrap(), render("t", &blocks).unwrap());
    }
}
