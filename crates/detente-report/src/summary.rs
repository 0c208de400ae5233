//! A short plain-English reading of an analysis: what is stable, whether the
//! status quo can last, and who would move away from it, to what, and whether
//! anything deters them.

use crate::describe::{compress_ids, describe_change, describe_state};
use detente_app::{Subject, Verdict};
use detente_engine::explain::Sanction;
use detente_engine::{Analysis, Concept, Conflict, Model, StateIndex};

fn list_concepts(concepts: &[Concept]) -> String {
    let names: Vec<&str> = concepts.iter().map(|c| c.label()).collect();
    match names.len() {
        0 => String::new(),
        1 => names[0].to_string(),
        n => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
    }
}

/// The summary as paragraphs; `verdicts` are the application layer's on the status quo
/// and named states (the analysis report computes them once for its opening as well).
pub fn summary(
    model: &Model,
    conflict: &Conflict,
    analysis: &Analysis,
    verdicts: &[Verdict],
) -> Vec<String> {
    let mut out = Vec::new();
    let concepts = analysis.concepts();
    out.push(format!(
        "{} decision makers, {} options, {} feasible states.",
        model.decision_makers.len(),
        model.option_count(),
        conflict.state_count()
    ));
    let mut everywhere = fixedbitset::FixedBitSet::with_capacity(conflict.state_count());
    everywhere.insert_range(..);
    for &c in concepts {
        let eq = analysis.equilibria(c);
        out.push(format!(
            "{} equilibria: {}.",
            c.label(),
            compress_ids(eq.ones().map(|s| s + 1))
        ));
        everywhere.intersect_with(&eq);
    }
    let strong: Vec<usize> = everywhere.ones().collect();
    if strong.is_empty() {
        out.push(format!(
            "No state is stable under all of {}.",
            list_concepts(concepts)
        ));
    } else {
        let described: Vec<String> = strong
            .iter()
            .take(5)
            .map(|&s| {
                format!(
                    "state {} ({})",
                    s + 1,
                    describe_state(model, conflict, s as StateIndex)
                )
            })
            .collect();
        let more = if strong.len() > 5 {
            format!(" and {} more", strong.len() - 5)
        } else {
            String::new()
        };
        out.push(format!(
            "Stable under every concept ({}): {}{}.",
            list_concepts(concepts),
            described.join("; "),
            more
        ));
    }
    for verdict in verdicts {
        out.extend(state_verdict(model, conflict, verdict));
    }
    out
}

/// Whether a state is an equilibrium under each concept and, for every DM
/// that would leave it, its best move and which concepts deter that move.
fn state_verdict(model: &Model, conflict: &Conflict, verdict: &Verdict) -> Vec<String> {
    let (stable, unstable) = (&verdict.holds, &verdict.fails);
    let verdict_text = match (stable.is_empty(), unstable.is_empty()) {
        (_, true) => format!(
            "is an equilibrium under every concept ({})",
            list_concepts(stable)
        ),
        (true, _) => format!(
            "is not an equilibrium under any concept ({})",
            list_concepts(unstable)
        ),
        _ => format!(
            "is an equilibrium under {} but not under {}",
            list_concepts(stable),
            list_concepts(unstable)
        ),
    };
    let what = match &verdict.subject {
        Subject::StatusQuo => "The status quo".to_string(),
        Subject::Named(name) => format!("\"{name}\""),
        Subject::State => "The state".to_string(),
    };
    let s = verdict.state;
    let mut out = vec![format!(
        "{what} (state {}: {}) {verdict_text}.",
        s + 1,
        describe_state(model, conflict, s)
    )];
    for temptation in &verdict.temptations {
        let dm = &model.decision_makers[temptation.dm];
        let best = temptation.to;
        let mut line = format!(
            "{} would gain by moving to state {} ({}).",
            dm.name,
            best + 1,
            describe_change(model, conflict, s, best)
        );
        for (served, sanction) in &temptation.deterred {
            line.push_str(&format!(
                " Under {} this is deterred: {}, leaving state {}, which leaves {} no better off than state {}.",
                list_concepts(served),
                describe_sanction(model, conflict, s, best, sanction),
                sanction.result() + 1,
                dm.name,
                s + 1
            ));
        }
        if !temptation.undeterred.is_empty() {
            line.push_str(&format!(
                " Nothing deters it under {}.",
                list_concepts(&temptation.undeterred)
            ));
        }
        out.push(line);
    }
    out
}

/// The moves of a sanction in words: a chain ("X would move to ..., then Y would move
/// to ...") or simultaneous moves from `s` ("at the same time, X would move to ...").
/// "Would" agrees with every name, singular ("Russia") or plural ("NATO allies").
pub(crate) fn describe_sanction(
    model: &Model,
    conflict: &Conflict,
    s: StateIndex,
    s1: StateIndex,
    sanction: &Sanction,
) -> String {
    let step = |dm: usize, from: StateIndex, to: StateIndex| {
        format!(
            "{} would move to state {} ({})",
            model.decision_makers[dm].name,
            to + 1,
            describe_change(model, conflict, from, to)
        )
    };
    match sanction {
        Sanction::Sequence(steps) => {
            let mut from = s1;
            let words: Vec<String> = steps
                .iter()
                .map(|st| {
                    let text = step(st.dm, from, st.to);
                    from = st.to;
                    text
                })
                .collect();
            words.join(", then ")
        }
        Sanction::Simultaneous { moves, .. } => {
            let words: Vec<String> = moves.iter().map(|st| step(st.dm, s, st.to)).collect();
            format!("at the same time, {}", words.join(" and "))
        }
        Sanction::Both {
            sequential,
            simultaneous,
        } => {
            let after = describe_sanction(model, conflict, s, s1, sequential);
            let together = describe_sanction(model, conflict, s, s1, simultaneous);
            format!(
                "in sequence, {after}; and {together} (leaving state {})",
                simultaneous.result() + 1
            )
        }
    }
}
