//! CSV: one row per feasible state, with its option values and a 0/1 column
//! per concept and DM, then per concept for "equilibrium".

use crate::Report;
use detente_engine::{Conflict, Model, StateIndex};
use std::io::{self, BufWriter, Write};

/// Quotes a field when it holds a comma, quote or line break (RFC 4180).
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn header_start(model: &Model) -> Vec<String> {
    let mut header = vec!["state".to_string(), "yn".to_string()];
    header.extend(model.options().map(|(_, o)| field(&o.id)));
    header
}

fn row_start(conflict: &Conflict, s: StateIndex) -> Vec<String> {
    let yn = conflict.space().yn(s);
    let mut row = vec![conflict.space().id(s).to_string(), yn.clone()];
    row.extend(yn.chars().map(String::from));
    row
}

pub(crate) fn write_analysis(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let (model, conflict, analysis) = (report.model, report.conflict, report.analysis);
    let mut out = BufWriter::new(out);
    let mut header = header_start(model);
    let equilibria: Vec<_> = analysis
        .concepts()
        .iter()
        .map(|&c| analysis.equilibria(c))
        .collect();
    for &c in analysis.concepts() {
        header.extend(
            model
                .decision_makers
                .iter()
                .map(|d| field(&format!("{}:{}", c.key(), d.name))),
        );
        header.push(format!("{}:equilibrium", c.key()));
    }
    writeln!(out, "{}", header.join(","))?;
    for s in 0..conflict.state_count() as StateIndex {
        let mut row = row_start(conflict, s);
        for (ci, &c) in analysis.concepts().iter().enumerate() {
            for d in 0..conflict.dm_count() {
                row.push(u8::from(analysis.is_stable(c, d, s)).to_string());
            }
            row.push(u8::from(equilibria[ci].contains(s as usize)).to_string());
        }
        writeln!(out, "{}", row.join(","))?;
    }
    out.flush()
}

pub(crate) fn write_states(
    model: &Model,
    conflict: &Conflict,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut out = BufWriter::new(out);
    writeln!(out, "{}", header_start(model).join(","))?;
    for s in 0..conflict.state_count() as StateIndex {
        writeln!(out, "{}", row_start(conflict, s).join(","))?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_with_separators_are_quoted() {
        assert_eq!(super::field("plain"), "plain");
        assert_eq!(super::field("a,b"), "\"a,b\"");
        assert_eq!(super::field("say \"no\""), "\"say \"\"no\"\"\"");
    }
}
