//! The brief as one HTML page: styles inline, no script, nothing fetched, so it
//! can be mailed, archived or printed from any browser as it is.

use crate::document::{BarGroup, Block, Path, Span};
use std::fmt::Write;

const STYLE: &str = "
body { font-family: 'Libertinus Serif', Georgia, serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; color: #111; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
.byline { color: #555; font-style: italic; margin-top: 0; }
h2 { font-size: 1.25rem; border-bottom: 1px solid #bbb; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-bottom: 0.3rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.4rem; text-align: left; vertical-align: top; }
.bars { display: grid; grid-template-columns: 6rem 1fr 3rem; gap: 0.15rem 0.5rem; font-size: 0.85rem; margin-bottom: 0.8rem; }
.bar { background: #e8e8e8; height: 0.8rem; align-self: center; }
.bar > div { background: #2f5d9c; height: 100%; }
.path { border-left: 3px solid #2f5d9c; padding-left: 0.6rem; margin: 0.8rem 0; font-size: 0.9rem; }
.state { border: 1px solid #999; border-radius: 4px; padding: 0.2rem 0.4rem; display: inline-block; }
.move { color: #444; margin: 0.15rem 0 0.15rem 1rem; }
@media print { .page-break { break-before: page; } body { margin: 0; max-width: none; } }
";

/// `text` with the characters HTML gives meaning to escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

fn spans(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|span| match span {
            Span::Text(t) => escape(t),
            Span::Strong(t) => format!("<strong>{}</strong>", escape(t)),
        })
        .collect()
}

fn bars(out: &mut String, groups: &[BarGroup]) {
    for group in groups {
        let _ = write!(
            out,
            "<h3>{}</h3>\n<div class=\"bars\">\n",
            escape(&group.label)
        );
        for (concept, share) in &group.bars {
            let percent = share * 100.0;
            let _ = writeln!(
                out,
                "<span>{}</span><div class=\"bar\" role=\"img\" aria-label=\"{percent:.0}%\"><div style=\"width: {percent:.1}%\"></div></div><span>{percent:.0}%</span>",
                escape(concept)
            );
        }
        out.push_str("</div>\n");
    }
}

fn paths(out: &mut String, paths: &[Path]) {
    for path in paths {
        let _ = write!(
            out,
            "<figure class=\"path\"><figcaption><strong>{}</strong></figcaption>\n<div class=\"state\">{}</div>\n",
            escape(&path.caption),
            escape(&path.start)
        );
        for (how, to) in &path.steps {
            let _ = write!(
                out,
                "<div class=\"move\">&darr; {}</div>\n<div class=\"state\">{}</div>\n",
                escape(how),
                escape(to)
            );
        }
        out.push_str("</figure>\n");
    }
}

pub fn render(title: &str, blocks: &[Block]) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(title)
    );
    let mut page_break = false;
    for block in blocks {
        // A page break is a class on the next heading, so the screen shows no gap.
        let class = if std::mem::take(&mut page_break) {
            " class=\"page-break\""
        } else {
            ""
        };
        match block {
            Block::Title(t) => {
                let _ = writeln!(out, "<h1>{}</h1>", escape(t));
            }
            Block::Byline(t) => {
                let _ = writeln!(out, "<p class=\"byline\">{}</p>", escape(t));
            }
            Block::Heading(t) => {
                let _ = writeln!(out, "<h2{class}>{}</h2>", escape(t));
            }
            Block::Subheading(t) => {
                let _ = writeln!(out, "<h3{class}>{}</h3>", escape(t));
            }
            Block::Paragraph(s) => {
                let _ = writeln!(out, "<p>{}</p>", spans(s));
            }
            Block::Bullets(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    let _ = writeln!(out, "<li>{}</li>", spans(item));
                }
                out.push_str("</ul>\n");
            }
            Block::Table { head, rows } => {
                out.push_str("<table>\n<thead><tr>");
                for h in head {
                    let _ = write!(out, "<th>{}</th>", escape(h));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for cell in row {
                        let _ = write!(out, "<td>{}</td>", escape(cell));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
            Block::Bars(groups) => bars(&mut out, groups),
            Block::Paths(p) => paths(&mut out, p),
            Block::PageBreak => page_break = true,
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_model_text_is_shown_not_run() {
        let page = render(
            "<script>x</script>",
            &[Block::Paragraph(vec![Span::Text("a < b & \"c\"".into())])],
        );
        assert!(page.contains("<title>&lt;script&gt;x&lt;/script&gt;</title>"));
        assert!(page.contains("<p>a &lt; b &amp; &quot;c&quot;</p>"));
        assert!(!page.contains("<script>"));
    }

    #[test]
    fn a_page_break_marks_the_next_heading() {
        let page = render("t", &[Block::PageBreak, Block::Heading("Next".into())]);
        assert!(
            page.contains("<h2 class=\"page-break\">Next</h2>"),
            "{page}"
        );
    }
}
