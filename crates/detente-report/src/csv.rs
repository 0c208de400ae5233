//! CSV: one row per feasible state, with its option values and a 0/1 column
//! per concept and DM, then per concept for "equilibrium".

use crate::Report;
use detente_engine::{Conflict, Model, StateIndex};
use std::io::{self, BufWriter, Write};

/// Quotes a field when it holds a comma, quote or line break (RFC 4180).
pub(crate) fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

pub(crate) fn header_start(model: &Model) -> Vec<String> {
    let mut header = vec!["state".to_string(), "yn".to_string()];
    header.extend(model.options().map(|(_, o)| field(&o.id)));
    header
}

/// Writes `id,YN..,Y,N,..` for one state, without a line end.
pub(crate) fn write_row_start(
    out: &mut impl Write,
    conflict: &Conflict,
    s: StateIndex,
) -> io::Result<()> {
    let yn = conflict.space().yn(s);
    write!(out, "{},{yn}", conflict.space().id(s))?;
    for c in yn.bytes() {
        out.write_all(&[b',', c])?;
    }
    Ok(())
}

pub(crate) fn write_analysis(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let (model, conflict, analysis) = (report.model, report.conflict, report.analysis);
    let mut out = BufWriter::with_capacity(1 << 16, out);
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
        write_row_start(&mut out, conflict, s)?;
        for (ci, &c) in analysis.concepts().iter().enumerate() {
            for d in 0..conflict.dm_count() {
                out.write_all(if analysis.is_stable(c, d, s) {
                    b",1"
                } else {
                    b",0"
                })?;
            }
            out.write_all(if equilibria[ci].contains(s as usize) {
                b",1"
            } else {
                b",0"
            })?;
        }
        out.write_all(b"\n")?;
    }
    out.flush()
}

pub(crate) fn write_states(
    model: &Model,
    conflict: &Conflict,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 16, out);
    writeln!(out, "{}", header_start(model).join(","))?;
    for s in 0..conflict.state_count() as StateIndex {
        write_row_start(&mut out, conflict, s)?;
        out.write_all(b"\n")?;
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
