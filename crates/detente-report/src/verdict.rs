//! Verdicts in plain words, for readers who have never heard of GMCR: whether
//! the status quo and each named state hold, under which assumptions about how
//! the parties reason, who would defect, to what, and what holds them back.

use crate::describe::{ChangeText, describe_change, describe_state};
use crate::text::Flavour;
use crate::{Format, Render, json_body};
use detente_app::{Change, Subject, Temptation, Verdict};
use detente_engine::explain::Sanction;
use detente_engine::robustness::Robustness;
use detente_engine::{Concept, Conflict, Model, StateIndex};
use serde::Serialize;
use std::io::{self, Write};

/// Schema tag of the verdicts' JSON.
pub const VERDICTS_SCHEMA: &str = "detente.verdicts/1";

/// What each concept assumes about how the parties reason, as the condition under
/// which a state that is stable under it holds ("holds if ...").
pub fn assumes(concept: Concept) -> &'static str {
    match concept {
        Concept::Nash => "each side looks only at its immediate gain",
        Concept::Gmr => {
            "each side fears any answer to a defection, even one that costs the answerer"
        }
        Concept::Smr => "each side fears any answer and could not escape it by moving again",
        Concept::Seq => "each side fears only answers that pay for whoever answers",
        Concept::Sim => "the sides may move at the same time",
        Concept::SeqSim => "the sides fear only answers that pay and may move at the same time",
    }
}

/// The glossary: one sentence per concept, what stability under it means.
pub fn glossary(concept: Concept) -> &'static str {
    match concept {
        Concept::Nash => {
            "Nash stability: a side stays because no move of its own leaves it better off right away."
        }
        Concept::Gmr => {
            "General metarationality (GMR): a side stays because the others could answer any tempting move and leave it no better off, whatever the answer costs them."
        }
        Concept::Smr => {
            "Symmetric metarationality (SMR): as GMR, and the side could not escape that answer with a counter-move of its own."
        }
        Concept::Seq => {
            "Sequential stability (SEQ): as GMR, but the others answer only with moves that improve their own position, so the threat is credible."
        }
        Concept::Sim => {
            "Simultaneous stability (SIM): a side stays because, if the others moved at the same time, a tempting move could end no better for it."
        }
        Concept::SeqSim => "SEQ&SIM: stable under both SEQ and SIM.",
    }
}

/// Verdicts on some states, with the model and, where the model declares uncertain
/// preferences, how often each holds across the orders it allows.
pub struct VerdictsReport<'a> {
    pub model: &'a Model,
    pub conflict: &'a Conflict,
    pub verdicts: &'a [Verdict],
    pub robustness: Option<&'a Robustness>,
}

/// "A", "A and B", "A, B and C".
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(|s| s.as_ref()).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}

/// A list of phrases that may hold "and" themselves ("taking up X and dropping Y"): then
/// they are set apart by semicolons, "A; B; and C", so that no reader takes the inner "and"
/// for the list's; otherwise as [`and_list`].
pub fn phrase_list<S: AsRef<str>>(items: &[S]) -> String {
    match items.split_last() {
        Some((last, rest))
            if !rest.is_empty() && items.iter().any(|s| s.as_ref().contains(" and ")) =>
        {
            let rest: Vec<&str> = rest.iter().map(|s| s.as_ref()).collect();
            format!("{}; and {}", rest.join("; "), last.as_ref())
        }
        _ => and_list(items),
    }
}

/// The concepts' labels as a list in words: "GMR, SMR and SEQ".
pub fn labels(concepts: &[Concept]) -> String {
    let names: Vec<&str> = concepts.iter().map(|c| c.label()).collect();
    and_list(&names)
}

/// "the others' one possible answer", "one of the others' 6 possible answers".
fn answers(n: usize) -> String {
    match n {
        1 => "the others' one possible answer".to_string(),
        _ => format!("one of the others' {n} possible answers"),
    }
}

/// A change as gerunds: "taking up X and dropping Y".
fn doing(change: &ChangeText) -> String {
    let mut parts = Vec::new();
    if !change.takes.is_empty() {
        parts.push(format!("taking up {}", and_list(&change.takes)));
    }
    if !change.drops.is_empty() {
        parts.push(format!("dropping {}", and_list(&change.drops)));
    }
    parts.join(" and ")
}

/// A change as a plain verb after "would": "take up X and drop Y".
fn doing_modal(change: &ChangeText) -> String {
    let mut parts = Vec::new();
    if !change.takes.is_empty() {
        parts.push(format!("take up {}", and_list(&change.takes)));
    }
    if !change.drops.is_empty() {
        parts.push(format!("drop {}", and_list(&change.drops)));
    }
    parts.join(" and ")
}

impl VerdictsReport<'_> {
    fn subject(&self, verdict: &Verdict) -> String {
        match &verdict.subject {
            Subject::StatusQuo => "The status quo".to_string(),
            Subject::Named(name) => format!("\"{name}\""),
            Subject::State => "The state".to_string(),
        }
    }

    fn state_words(&self, s: StateIndex) -> String {
        format!(
            "state {}: {}",
            s + 1,
            describe_state(self.model, self.conflict, s)
        )
    }

    /// The verdict's first sentence: does it hold, and under which assumptions.
    fn holds_sentence(&self, verdict: &Verdict) -> String {
        let clauses = |concepts: &[Concept]| {
            let parts: Vec<String> = concepts
                .iter()
                .map(|&c| format!("{} ({})", assumes(c), c.label()))
                .collect();
            parts.join("; or if ")
        };
        match (verdict.holds.is_empty(), verdict.fails.is_empty()) {
            (_, true) => format!(
                "It holds however the parties reason: no side gains by leaving it under any concept analysed ({}).",
                labels(&verdict.holds)
            ),
            (true, _) => format!(
                "It does not hold: under every concept analysed ({}) at least one side gains by leaving it and nothing holds it back.",
                labels(&verdict.fails)
            ),
            _ => format!(
                "It holds if {}. It fails if {}.",
                clauses(&verdict.holds),
                clauses(&verdict.fails)
            ),
        }
    }

    /// What an answer to a defection does, in words.
    fn answer(&self, from: StateIndex, sanction: &Sanction, at: StateIndex) -> String {
        let name = |dm: usize| self.model.decision_makers[dm].name.as_str();
        match sanction {
            Sanction::Sequence(steps) => {
                let mut before = from;
                let words: Vec<String> = steps
                    .iter()
                    .map(|step| {
                        let change = describe_change(self.model, self.conflict, before, step.to);
                        before = step.to;
                        format!("{} would {}", name(step.dm), doing_modal(&change))
                    })
                    .collect();
                format!("in answer, {}", words.join(", then "))
            }
            Sanction::Simultaneous { moves, .. } => {
                let words: Vec<String> = moves
                    .iter()
                    .map(|step| {
                        let change = describe_change(self.model, self.conflict, at, step.to);
                        format!("{} would {}", name(step.dm), doing_modal(&change))
                    })
                    .collect();
                format!("at the same time, {}", and_list(&words))
            }
            Sanction::Both {
                sequential,
                simultaneous,
            } => {
                let (after, together) = (
                    self.answer(from, sequential, at),
                    self.answer(from, simultaneous, at),
                );
                // The same moves often serve both ways: say them once.
                match (
                    after.strip_prefix("in answer, "),
                    together.strip_prefix("at the same time, "),
                ) {
                    (Some(a), Some(b)) if a == b => format!("in answer or at the same time, {a}"),
                    _ => format!("{after}; and {together}"),
                }
            }
        }
    }

    /// One party's temptation and what holds it back, in words.
    fn temptation(&self, s: StateIndex, t: &Temptation) -> String {
        let dm = &self.model.decision_makers[t.dm].name;
        let change = describe_change(self.model, self.conflict, s, t.to);
        let mut text = format!(
            "{dm} would gain by {} (to state {}).",
            doing(&change),
            t.to + 1
        );
        for (served, sanction) in &t.deterred {
            text.push_str(&format!(
                " Under {} it is held back: {}, which leaves {dm} no better off (state {}).",
                labels(served),
                self.answer(t.to, sanction, s),
                sanction.result() + 1
            ));
        }
        if !t.undeterred.is_empty() {
            text.push_str(&format!(
                " Under {} nothing holds it back.",
                labels(&t.undeterred)
            ));
        }
        if !t.searched {
            text.push_str(
                " (What would hold it back is not searched for in models this large; `detente explain` shows it.)",
            );
        }
        text
    }

    /// What one party would have to come to prefer for the state to hold for it.
    fn change_sentence(&self, s: StateIndex, change: &Change) -> String {
        /// Moves listed by name; the rest are counted.
        const LISTED: usize = 3;
        let dm = &self.model.decision_makers[change.dm].name;
        // Answers are said once for all moves when every move has some, else per move.
        let answered = change.needs.iter().all(|n| !n.answers.is_empty());
        let unanswered = change.needs.iter().all(|n| n.answers.is_empty());
        let mut moves: Vec<String> = change
            .needs
            .iter()
            .take(LISTED)
            .map(|need| {
                let mut text = self.move_words(s, need.move_to);
                if !answered && let Some(first) = need.answers.first().and_then(|a| a.first()) {
                    text.push_str(&format!(
                        ", or to where {} to that move leads (such as state {})",
                        answers(need.answers.len()),
                        first + 1
                    ));
                }
                text
            })
            .collect();
        let rest = change.needs.len().saturating_sub(LISTED);
        if rest > 0 {
            moves.push(match rest {
                1 => "1 other move".to_string(),
                _ => format!("{rest} other moves"),
            });
        }
        let mut sentence = format!(
            "For it to hold for {dm} under {}, {dm} would have to prefer it to {}",
            labels(&change.concepts),
            if answered || unanswered {
                phrase_list(&moves)
            } else {
                moves.join("; and to ")
            }
        );
        if answered {
            let counts: Vec<usize> = change.needs.iter().map(|n| n.answers.len()).collect();
            let (least, most) = (
                counts.iter().min().copied().unwrap_or(0),
                counts.iter().max().copied().unwrap_or(0),
            );
            let each = if change.needs.len() == 1 {
                format!(" to where {} to that move leads", answers(least))
            } else if least == most {
                format!(
                    ", for each move, to where one of the others' {least} possible answers to it leads"
                )
            } else {
                format!(
                    ", for each move, to where one of the others' {least} to {most} possible answers to it leads"
                )
            };
            sentence.push_str(&format!(", or{each}"));
        }
        // SMR: an answer deters only if the party could not escape it either.
        if change
            .needs
            .iter()
            .any(|n| n.answers.iter().any(|a| a.len() > 1))
        {
            sentence.push_str(" (and to every move it could make from there)");
        }
        sentence.push('.');
        sentence
    }

    /// A move away from `s` in words: "dropping X (state 296)".
    fn move_words(&self, s: StateIndex, to: StateIndex) -> String {
        let change = describe_change(self.model, self.conflict, s, to);
        format!("{} (state {})", doing(&change), to + 1)
    }

    /// How often the state holds across the preference orders the model allows.
    fn robustness_sentence(&self, robustness: &Robustness, s: StateIndex) -> String {
        let parts: Vec<String> = robustness
            .concepts()
            .iter()
            .map(|&c| {
                let share = robustness.share(robustness.equilibrium_count(c, s as usize));
                format!("{:.0}% under {}", share * 100.0, c.label())
            })
            .collect();
        let over = match robustness.total_profiles() {
            Some(total) if u128::from(robustness.analysed()) == total => {
                format!("all {total} orders of preference the model's uncertain priorities allow")
            }
            _ => format!(
                "{} orders drawn at random from those the model's uncertain priorities allow",
                robustness.analysed()
            ),
        };
        format!(
            "Across {over}, it holds in {}. (These are shares of plausible orders, not probabilities.)",
            and_list(&parts)
        )
    }
}

#[derive(Serialize)]
struct VerdictJson {
    subject: String,
    state: usize,
    description: String,
    holds: Vec<&'static str>,
    fails: Vec<&'static str>,
    text: Vec<String>,
}

#[derive(Serialize)]
struct Body {
    schema: &'static str,
    verdicts: Vec<VerdictJson>,
    glossary: Vec<(&'static str, &'static str)>,
}

/// One verdict in words, piece by piece, for layouts of their own (the brief).
#[derive(Debug, Clone)]
pub struct VerdictText {
    /// Which state: "\"Proposed package\"" or "The status quo".
    pub subject: String,
    /// The state's number and options: "state 320: US proposes NRC revival; ...".
    pub state: String,
    /// Whether it holds, under which assumptions.
    pub holds: String,
    /// Each tempted party: where it would go and what holds it back.
    pub temptations: Vec<String>,
    /// What a party would have to come to prefer, with that party's index.
    pub changes: Vec<(usize, String)>,
    /// How often it holds across the orders the model's uncertainty allows.
    pub robustness: Option<String>,
}

impl VerdictsReport<'_> {
    /// The verdict on one state in words.
    pub fn words(&self, verdict: &Verdict) -> VerdictText {
        let s = verdict.state;
        VerdictText {
            subject: self.subject(verdict),
            state: self.state_words(s),
            holds: self.holds_sentence(verdict),
            temptations: verdict
                .temptations
                .iter()
                .map(|t| self.temptation(s, t))
                .collect(),
            changes: verdict
                .changes
                .iter()
                .map(|c| (c.dm, self.change_sentence(s, c)))
                .collect(),
            robustness: self
                .robustness
                .map(|robustness| self.robustness_sentence(robustness, s)),
        }
    }

    /// The verdict on one state as sentences: whether it holds, each temptation, what
    /// would have to change, and the robustness where known.
    fn sentences(&self, verdict: &Verdict) -> Vec<String> {
        let words = self.words(verdict);
        std::iter::once(words.holds)
            .chain(words.temptations)
            .chain(words.changes.into_iter().map(|(_, sentence)| sentence))
            .chain(words.robustness)
            .collect()
    }

    /// The concepts the verdicts name, in the engine's order.
    pub fn concepts(&self) -> Vec<Concept> {
        let mut concepts: Vec<Concept> = self
            .verdicts
            .iter()
            .flat_map(|v| v.holds.iter().chain(&v.fails).copied())
            .collect();
        concepts.sort_unstable();
        concepts.dedup();
        concepts
    }
}

impl Render for VerdictsReport<'_> {
    fn kind(&self) -> &'static str {
        "verdicts"
    }

    fn formats(&self) -> &'static [Format] {
        &[Format::Table, Format::Markdown, Format::Json]
    }

    fn text(&self, flavour: Flavour, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}Verdicts: {}", flavour.title(), self.model.name)?;
        self.write_verdicts(flavour, out)
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        self.write_json(out)
    }
}

impl VerdictsReport<'_> {
    /// The verdicts as a section of a longer report (the analysis opens with them).
    pub(crate) fn write_section(&self, flavour: Flavour, out: &mut dyn Write) -> io::Result<()> {
        flavour.heading(out, "Verdicts")?;
        self.write_verdicts(flavour, out)
    }

    fn write_verdicts(&self, flavour: Flavour, out: &mut dyn Write) -> io::Result<()> {
        if self.verdicts.is_empty() {
            writeln!(
                out,
                "The model names no status quo and no state to judge; `detente explain STATE` judges any state."
            )?;
        }
        for verdict in self.verdicts {
            writeln!(
                out,
                "\n{} ({})",
                self.subject(verdict),
                self.state_words(verdict.state)
            )?;
            for line in self.sentences(verdict) {
                writeln!(out, "{}{line}", flavour.item())?;
            }
        }
        let concepts = self.concepts();
        if !concepts.is_empty() {
            writeln!(out, "\nWhat the concepts mean:")?;
            for c in concepts {
                writeln!(out, "{}{}", flavour.item(), glossary(c))?;
            }
        }
        Ok(())
    }

    fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        let body = Body {
            schema: VERDICTS_SCHEMA,
            verdicts: self
                .verdicts
                .iter()
                .map(|v| VerdictJson {
                    subject: match &v.subject {
                        Subject::StatusQuo => "status quo".to_string(),
                        Subject::Named(name) => name.clone(),
                        Subject::State => format!("state {}", v.state + 1),
                    },
                    state: v.state as usize + 1,
                    description: describe_state(self.model, self.conflict, v.state),
                    holds: v.holds.iter().map(|c| c.key()).collect(),
                    fails: v.fails.iter().map(|c| c.key()).collect(),
                    text: self.sentences(v),
                })
                .collect(),
            glossary: self
                .concepts()
                .into_iter()
                .map(|c| (c.key(), glossary(c)))
                .collect(),
        };
        json_body(out, &body, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use detente_engine::Analysis;

    fn nrc_verdicts() -> (String, serde_json::Value) {
        let example = detente_examples::find("nrc").unwrap();
        let loaded = detente_format::parse(example.source, example.file_name).unwrap();
        let conflict = loaded.compile(1 << 20).unwrap();
        let analysis = Analysis::run(
            &conflict,
            &Concept::ALL,
            &detente_engine::NoDeadline,
            &|| {},
        )
        .unwrap();
        let verdicts = detente_app::verdicts(&loaded.model, &conflict, &analysis);
        let report = VerdictsReport {
            model: &loaded.model,
            conflict: &conflict,
            verdicts: &verdicts,
            robustness: None,
        };
        let mut text = Vec::new();
        report.render(Format::Table, &mut text).unwrap();
        let mut json = Vec::new();
        report.render(Format::Json, &mut json).unwrap();
        (
            String::from_utf8(text).unwrap(),
            serde_json::from_slice(&json).unwrap(),
        )
    }

    #[test]
    fn the_package_verdict_names_the_assumptions_it_rests_on() {
        let (text, json) = nrc_verdicts();
        let package = &json["verdicts"][1];
        assert_eq!(package["subject"], "Proposed package");
        assert_eq!(package["holds"], serde_json::json!(["gmr", "smr", "seq"]));
        let first = package["text"][0].as_str().unwrap();
        assert!(
            first.starts_with(&format!("It holds if {} (GMR)", assumes(Concept::Gmr))),
            "{first}"
        );
        assert!(
            first.contains(&format!("It fails if {} (Nash)", assumes(Concept::Nash))),
            "{first}"
        );
        // A temptation names the party, the change in words and what holds it back.
        assert!(
            text.contains("Russia would gain by dropping Russia accepts ceasefire (to state 296)."),
            "{text}"
        );
        // One answer that serves SEQ and SIM alike is said once, not twice.
        assert!(
            text.contains(
                "in answer or at the same time, Russia would drop Russia accepts ceasefire"
            ),
            "{text}"
        );
        assert!(text.contains("What the concepts mean:"), "{text}");
    }

    #[test]
    fn each_tempted_party_is_told_what_it_would_have_to_prefer() {
        let (text, json) = nrc_verdicts();
        // The package fails under Nash only because each party gains by one step back.
        for (party, step, state) in [
            ("United States", "dropping US limited sanctions relief", 316),
            ("Russia", "dropping Russia accepts ceasefire", 296),
        ] {
            let sentence = format!(
                "For it to hold for {party} under Nash, {party} would have to prefer it to {step} (state {state})."
            );
            assert!(text.contains(&sentence), "{sentence}\n{text}");
        }
        // Where threats could also do it, the answers that would are counted.
        let terms = &json["verdicts"][3];
        assert_eq!(terms["subject"], "Ukraine's terms");
        let seq = terms["text"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t.as_str())
            .find(|t| t.starts_with("For it to hold for Russia under SEQ"))
            .expect("a SEQ change for Russia");
        assert!(
            seq.contains("or to where one of the others' 6 possible answers to that move leads"),
            "{seq}"
        );
    }

    #[test]
    fn plural_names_take_the_same_verbs() {
        let (text, _) = nrc_verdicts();
        // Every sentence uses "would", which agrees with "NATO allies" as with "Russia".
        assert!(
            !text.contains("NATO allies moves") && !text.contains("allies's"),
            "{text}"
        );
        assert!(text.contains("NATO allies would gain by"), "{text}");
    }

    #[test]
    fn lists_read_as_written() {
        assert_eq!(and_list(&["a"]), "a");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
        let change = ChangeText {
            takes: vec!["x".into(), "y".into()],
            drops: vec!["z".into()],
        };
        assert_eq!(doing(&change), "taking up x and y and dropping z");
        assert_eq!(phrase_list(&["a", "b", "c"]), "a, b and c");
        assert_eq!(
            phrase_list(&["taking up x and y", "dropping z", "2 other moves"]),
            "taking up x and y; dropping z; and 2 other moves"
        );
        assert_eq!(doing_modal(&change), "take up x and y and drop z");
    }
}
