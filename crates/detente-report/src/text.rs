//! Human-readable output: terminal tables and Markdown share one layout.

use crate::Report;
use crate::describe::compress_ids;
use comfy_table::presets::{ASCII_MARKDOWN, UTF8_FULL_CONDENSED};
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};
use detente_engine::{Conflict, Direction, Model, StateIndex};
use std::borrow::Cow;
use std::io::{self, Write};

/// Width terminal tables wrap to.
const TABLE_WIDTH: u16 = 120;

/// How many states one block of the tableau holds before it wraps.
const TABLEAU_COLUMNS: usize = 16;

/// `text` followed by spaces up to `width` characters, as `{:width$}` pads, but for
/// any width: `format!` cannot pad past 65,535 and a DM's name may be longer.
pub(crate) fn padded(text: &str, width: usize) -> String {
    let fill = width.saturating_sub(text.chars().count());
    format!("{text}{}", " ".repeat(fill))
}

/// Most characters of a name or label a wrapping table shows: comfy-table splits a
/// long word in time quadratic in its length (seconds for a 70,000-character label).
const CELL_MAX_CHARS: usize = 1_000;

/// `text` as a wrapping table shows it: past [`CELL_MAX_CHARS`], cut with an ellipsis
/// (the JSON and CSV forms keep it whole).
pub(crate) fn cell_text(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(CELL_MAX_CHARS) {
        Some((cut, _)) => Cow::Owned(format!("{}…", &text[..cut])),
        None => Cow::Borrowed(text),
    }
}

/// The two forms of human-readable text, which share one layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    Terminal,
    Markdown,
}

impl Flavour {
    /// A table; `wrap` lets long cells wrap to the terminal width (not for the
    /// tableau, whose row labels must stay on one line).
    pub(crate) fn table(self, wrap: bool) -> Table {
        let mut table = Table::new();
        if self == Flavour::Terminal && wrap {
            // Wrap long cells at a width that reads well in a terminal or a log.
            table.set_content_arrangement(ContentArrangement::Dynamic);
            table.set_width(TABLE_WIDTH);
        }
        table.load_style(match self {
            Flavour::Terminal => UTF8_FULL_CONDENSED,
            Flavour::Markdown => ASCII_MARKDOWN,
        });
        table
    }

    pub(crate) fn heading(self, out: &mut dyn Write, text: &str) -> io::Result<()> {
        match self {
            Flavour::Terminal => writeln!(out, "\n{text}\n{}", "─".repeat(text.chars().count())),
            Flavour::Markdown => writeln!(out, "\n## {text}\n"),
        }
    }

    /// A section heading over a list, which sets itself apart in a terminal
    /// by its indent, so the heading is not underlined there.
    pub(crate) fn list_heading(self, out: &mut dyn Write, text: &str) -> io::Result<()> {
        match self {
            Flavour::Terminal => writeln!(out, "\n{text}"),
            Flavour::Markdown => writeln!(out, "\n## {text}\n"),
        }
    }

    /// What starts a report's title line: a Markdown heading, or nothing.
    pub(crate) fn title(self) -> &'static str {
        match self {
            Flavour::Terminal => "",
            Flavour::Markdown => "# ",
        }
    }

    /// What starts a section's heading line: a Markdown heading, or nothing.
    pub(crate) fn section(self) -> &'static str {
        match self {
            Flavour::Terminal => "",
            Flavour::Markdown => "## ",
        }
    }

    /// What starts a list item: a Markdown bullet, or an indent.
    pub(crate) fn item(self) -> &'static str {
        match self {
            Flavour::Terminal => "  ",
            Flavour::Markdown => "- ",
        }
    }

    /// What starts an item nested in a list item.
    pub(crate) fn sub_item(self) -> &'static str {
        match self {
            Flavour::Terminal => "      ",
            Flavour::Markdown => "    - ",
        }
    }

    /// Mark for "stable" / "not stable" in a tableau cell.
    fn mark(self, yes: bool) -> &'static str {
        match (self, yes) {
            (_, true) => "✓",
            (Flavour::Terminal, false) => "·",
            (Flavour::Markdown, false) => " ",
        }
    }
}

fn direction_text(d: Direction) -> &'static str {
    match d {
        Direction::Both => "",
        Direction::Forward => "forward only (N→Y)",
        Direction::Backward => "backward only (Y→N)",
    }
}

fn write_title(
    model: &Model,
    conflict: &Conflict,
    flavour: Flavour,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "{}{}", flavour.title(), model.name)?;
    if let Some(d) = &model.notes.description {
        writeln!(out, "\n{d}")?;
    }
    writeln!(
        out,
        "\n{} decision makers, {} options, {} feasible states.",
        model.decision_makers.len(),
        model.option_count(),
        conflict.state_count()
    )
}

fn write_options(model: &Model, flavour: Flavour, out: &mut dyn Write) -> io::Result<()> {
    flavour.heading(out, "Decision makers and options")?;
    let mut table = flavour.table(true);
    table.set_header(vec!["Decision maker", "Option", "Id", "Irreversible"]);
    for (d, o) in model.options() {
        table.add_row(vec![
            cell_text(&model.decision_makers[d].name),
            cell_text(&o.label),
            cell_text(&o.id),
            Cow::Borrowed(direction_text(o.direction)),
        ]);
    }
    writeln!(out, "{table}")
}

/// A labelled tableau row computed per state (stability marks, equilibria).
type ExtraRow<'a> = (String, Box<dyn Fn(StateIndex) -> String + 'a>);

/// Rows of option values for `states`, one block per `TABLEAU_COLUMNS` states,
/// followed by `extra` rows computed per state.
fn write_tableau(
    model: &Model,
    conflict: &Conflict,
    states: &[StateIndex],
    flavour: Flavour,
    extra: &[ExtraRow<'_>],
    out: &mut dyn Write,
) -> io::Result<()> {
    for block in states.chunks(TABLEAU_COLUMNS) {
        let mut table = flavour.table(false);
        let mut header = vec![Cell::new("State")];
        header.extend(
            block
                .iter()
                .map(|&s| Cell::new(conflict.space().id(s)).set_alignment(CellAlignment::Center)),
        );
        table.set_header(header);
        for (k, (d, o)) in model.options().enumerate() {
            let mut row = vec![Cell::new(format!(
                "{}: {}",
                model.decision_makers[d].name, o.label
            ))];
            row.extend(block.iter().map(|&s| {
                let yes = conflict.space().pattern(s) >> k & 1 == 1;
                Cell::new(if yes { "Y" } else { "N" }).set_alignment(CellAlignment::Center)
            }));
            table.add_row(row);
        }
        for (label, value) in extra {
            let mut row = vec![Cell::new(label)];
            row.extend(
                block
                    .iter()
                    .map(|&s| Cell::new(value(s)).set_alignment(CellAlignment::Center)),
            );
            table.add_row(row);
        }
        writeln!(out, "{table}")?;
    }
    Ok(())
}

pub(crate) fn write_analysis(
    report: &Report,
    flavour: Flavour,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (model, conflict, analysis) = (report.model, report.conflict, report.analysis);
    let mut out = io::BufWriter::new(out);
    write_title(model, conflict, flavour, &mut out)?;
    let verdicts = detente_app::verdicts(model, conflict, analysis);
    crate::VerdictsReport {
        model,
        conflict,
        verdicts: &verdicts,
        robustness: report.robustness,
    }
    .write_section(flavour, &mut out)?;
    write_options(model, flavour, &mut out)?;

    let shown = report.tableau_states();
    let n = conflict.state_count();
    flavour.heading(&mut out, "Tableau")?;
    if shown.len() < n {
        let concept = report.tableau_concept().map_or("", |c| c.label());
        writeln!(
            out,
            "Showing {} of {n} feasible states: the status quo, the named states and the {concept} equilibria \
             (at most {}). Every stable state is listed by number below; `--all-states` shows them all.\n",
            shown.len(),
            crate::TABLEAU_MAX_STATES
        )?;
    }
    writeln!(
        out,
        "✓ marks a state stable for that decision maker; * marks an equilibrium (stable for all).\n"
    )?;
    let mut extra: Vec<ExtraRow<'_>> = Vec::new();
    if let Some(sq) = conflict.status_quo() {
        extra.push((
            "Status quo".into(),
            Box::new(move |s| if s == sq { "◆".into() } else { String::new() }),
        ));
    }
    for (named, &at) in model.named_states.iter().zip(conflict.named_states()) {
        extra.push((
            format!("\"{}\"", named.name),
            Box::new(move |s| if s == at { "◆".into() } else { String::new() }),
        ));
    }
    for &c in analysis.concepts() {
        for (d, dm) in model.decision_makers.iter().enumerate() {
            extra.push((
                format!("{} {}", c.label(), dm.name),
                Box::new(move |s| flavour.mark(analysis.is_stable(c, d, s)).to_string()),
            ));
        }
        let eq = analysis.equilibria(c);
        extra.push((
            format!("{} equilibrium", c.label()),
            Box::new(move |s| {
                if eq.contains(s as usize) {
                    "*".into()
                } else {
                    String::new()
                }
            }),
        ));
    }
    write_tableau(model, conflict, &shown, flavour, &extra, &mut out)?;

    flavour.heading(&mut out, "Stable states")?;
    let mut table = flavour.table(true);
    table.set_header(vec!["Concept", "Stable for", "States"]);
    for &c in analysis.concepts() {
        for (d, dm) in model.decision_makers.iter().enumerate() {
            table.add_row(vec![
                c.label().to_string(),
                cell_text(&dm.name).into_owned(),
                compress_ids(analysis.stable(c, d).ones().map(|s| s + 1)),
            ]);
        }
        table.add_row(vec![
            c.label().to_string(),
            "all (equilibria)".to_string(),
            compress_ids(analysis.equilibria(c).ones().map(|s| s + 1)),
        ]);
    }
    writeln!(out, "{table}")?;

    flavour.heading(&mut out, "Summary")?;
    for paragraph in crate::summary(model, conflict, analysis, &verdicts) {
        match flavour {
            Flavour::Terminal => writeln!(out, "{paragraph}")?,
            Flavour::Markdown => writeln!(out, "- {paragraph}")?,
        }
    }
    out.flush()
}

pub(crate) fn write_states(
    model: &Model,
    conflict: &Conflict,
    flavour: Flavour,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    write_title(model, conflict, flavour, &mut out)?;
    flavour.heading(&mut out, "Feasible states")?;
    let all: Vec<StateIndex> = (0..conflict.state_count() as StateIndex).collect();
    write_tableau(model, conflict, &all, flavour, &[], &mut out)?;
    out.flush()
}
