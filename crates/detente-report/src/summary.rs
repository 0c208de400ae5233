//! A short plain-English reading of an analysis: what is stable, whether the
//! status quo can last, and who would move away from it, to what, and whether
//! anything deters them.

use crate::describe::{compress_ids, describe_change, describe_state};
use detente_engine::explain::{Sanction, explain};
use detente_engine::{Analysis, Concept, Conflict, Model, NoDeadline, StateIndex};

/// Above this many states the summary names improvements but does not search for sanctions.
const EXPLAIN_LIMIT: usize = 100_000;

fn list_concepts(concepts: &[Concept]) -> String {
    let names: Vec<&str> = concepts.iter().map(|c| c.label()).collect();
    match names.len() {
        0 => String::new(),
        1 => names[0].to_string(),
        n => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
    }
}

/// The summary as paragraphs.
pub fn summary(model: &Model, conflict: &Conflict, analysis: &Analysis) -> Vec<String> {
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
    if let Some(sq) = conflict.status_quo() {
        out.extend(state_verdict(
            model,
            conflict,
            analysis,
            "The status quo",
            sq,
        ));
    }
    for (named, &s) in model.named_states.iter().zip(conflict.named_states()) {
        out.extend(state_verdict(
            model,
            conflict,
            analysis,
            &format!("\"{}\"", named.name),
            s,
        ));
    }
    out
}

/// Whether state `s` is an equilibrium under each concept and, for every DM
/// that would leave it, its best move and which concepts deter that move.
pub fn state_verdict(
    model: &Model,
    conflict: &Conflict,
    analysis: &Analysis,
    what: &str,
    s: StateIndex,
) -> Vec<String> {
    let concepts = analysis.concepts();
    let (stable, unstable): (Vec<Concept>, Vec<Concept>) = concepts
        .iter()
        .partition(|&&c| analysis.equilibria(c).contains(s as usize));
    let verdict = match (stable.is_empty(), unstable.is_empty()) {
        (_, true) => format!(
            "is an equilibrium under every concept ({})",
            list_concepts(&stable)
        ),
        (true, _) => format!(
            "is not an equilibrium under any concept ({})",
            list_concepts(&unstable)
        ),
        _ => format!(
            "is an equilibrium under {} but not under {}",
            list_concepts(&stable),
            list_concepts(&unstable)
        ),
    };
    let mut out = vec![format!(
        "{what} (state {}: {}) {verdict}.",
        s + 1,
        describe_state(model, conflict, s)
    )];
    for (d, dm) in model.decision_makers.iter().enumerate() {
        let Some(&best) = conflict.improvements(d, s).first() else {
            continue;
        };
        let mut line = format!(
            "{} would gain by moving to state {} ({}).",
            dm.name,
            best + 1,
            describe_change(model, conflict, s, best)
        );
        if conflict.state_count() <= EXPLAIN_LIMIT {
            line.push_str(&deterrence(model, conflict, concepts, d, s, best));
        }
        out.push(line);
    }
    out
}

/// Which concepts deter the move `s -> best` of DM `d`, and how: one sentence
/// per distinct sanction, naming the concepts it serves.
fn deterrence(
    model: &Model,
    conflict: &Conflict,
    concepts: &[Concept],
    d: usize,
    s: StateIndex,
    best: StateIndex,
) -> String {
    let mut sanctions: Vec<(Vec<Concept>, Sanction)> = Vec::new();
    let mut free = Vec::new();
    for &c in concepts.iter().filter(|&&c| c != Concept::Nash) {
        // Small models only (`EXPLAIN_LIMIT`), so no deadline, and nothing to time out.
        let Ok(why) = explain(conflict, d, c, s, &NoDeadline) else {
            continue;
        };
        match why
            .into_iter()
            .find(|w| w.improvement == best)
            .and_then(|w| w.sanction)
        {
            Some(sanction) => match sanctions.iter_mut().find(|(_, known)| *known == sanction) {
                Some((served, _)) => served.push(c),
                None => sanctions.push((vec![c], sanction)),
            },
            None => free.push(c),
        }
    }
    let mut text = String::new();
    for (served, sanction) in &sanctions {
        text.push_str(&format!(
            " Under {} this is deterred: {}, leaving state {}, which {} likes no more than state {}.",
            list_concepts(served),
            describe_sanction(model, conflict, s, best, sanction),
            sanction.result() + 1,
            model.decision_makers[d].name,
            s + 1
        ));
    }
    if !free.is_empty() {
        text.push_str(&format!(
            " Nothing deters it under {}.",
            list_concepts(&free)
        ));
    }
    text
}

/// The moves of a sanction in words: a chain ("X moves to ..., then Y moves to ...")
/// or simultaneous moves from `s` ("at the same time, X moves to ...").
pub(crate) fn describe_sanction(
    model: &Model,
    conflict: &Conflict,
    s: StateIndex,
    s1: StateIndex,
    sanction: &Sanction,
) -> String {
    let step = |dm: usize, from: StateIndex, to: StateIndex| {
        format!(
            "{} moves to state {} ({})",
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
        } => format!(
            "in sequence, {}; and, as a simultaneous response, {} (leaving state {})",
            describe_sanction(model, conflict, s, s1, sequential),
            describe_sanction(model, conflict, s, s1, simultaneous),
            simultaneous.result() + 1
        ),
    }
}
