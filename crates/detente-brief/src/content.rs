//! What the brief says, in order: built from the application layer's answer with
//! detente-report's words, so the brief never phrases a verdict differently from
//! the command line or the workbench.

use crate::Brief;
use crate::document::{BarGroup, Block, Path, Span, bullets, led, plain};
use detente_app::{Subject, Verdict};
use detente_engine::StateIndex;
use detente_engine::evolve::Mover;
use detente_report::{
    VerdictText, VerdictsReport, and_list, describe_change, describe_state, glossary, labels,
};

/// Most paths from the status quo drawn in the figure (the nearest equilibria).
const PATHS_SHOWN: usize = 6;

pub fn build(brief: &Brief) -> Vec<Block> {
    let words = VerdictsReport {
        model: brief.model,
        conflict: brief.conflict,
        verdicts: &brief.answer.verdicts,
        robustness: brief.answer.robustness.as_ref(),
    };
    let mut blocks = vec![
        Block::Title(brief.model.name.clone()),
        Block::Byline(format!(
            "A brief from detente's analysis of {}, with the Graph Model for Conflict Resolution.",
            brief.source
        )),
    ];
    if let Some(question) = &brief.model.notes.description {
        blocks.push(Block::Heading("The question".into()));
        blocks.push(plain(question.trim()));
    }
    bottom_line(brief, &words, &mut blocks);
    blocks.push(Block::PageBreak);
    verdicts_in_full(brief, &words, &mut blocks);
    paths(brief, &mut blocks);
    robustness(brief, &mut blocks);
    what_each_party_would_accept(brief, &words, &mut blocks);
    parties(brief, &mut blocks);
    assumptions(brief, &mut blocks);
    method(brief, &words, &mut blocks);
    blocks
}

/// "holds under GMR, SMR and SEQ; fails under Nash, SIM and SEQ&SIM".
fn in_short(verdict: &Verdict) -> String {
    match (verdict.holds.is_empty(), verdict.fails.is_empty()) {
        (_, true) => "holds under every concept analysed".to_string(),
        (true, _) => "does not hold under any concept analysed".to_string(),
        _ => format!(
            "holds under {}; fails under {}",
            labels(&verdict.holds),
            labels(&verdict.fails)
        ),
    }
}

/// Page one: the verdict on the lead state, what it would take, what decides it,
/// and where things stand today.
fn bottom_line(brief: &Brief, words: &VerdictsReport, blocks: &mut Vec<Block>) {
    blocks.push(Block::Heading("The bottom line".into()));
    let Some(lead) = brief.answer.lead() else {
        blocks.push(plain(
            "The model names no status quo and no state to judge, so this brief has no verdict to lead with; name the proposal as a state of the model (`[[state]]`) to have one.",
        ));
        return;
    };
    let text = words.words(lead);
    blocks.push(led(
        format!("{} {}. ", text.subject, in_short(lead)),
        text.holds.clone(),
    ));
    blocks.push(plain(format!("It is {}.", text.state)));
    if let Some(robustness) = &text.robustness {
        blocks.push(plain(robustness.clone()));
    }
    blocks.push(Block::Subheading("What it would take".into()));
    if text.changes.is_empty() {
        blocks.push(plain(
            "Nothing in any party's preferences: under every concept of inverse analysis (Nash, GMR, SMR, SEQ) it is stable for each party as the model stands.",
        ));
    } else {
        blocks.push(bullets(text.changes.iter().map(|(_, s)| s.clone())));
    }
    blocks.push(Block::Subheading("What decides it".into()));
    if text.temptations.is_empty() {
        blocks.push(plain("No party gains by leaving it on its own."));
    } else {
        blocks.push(bullets(text.temptations.iter().cloned()));
    }
    if let Some(status_quo) = brief
        .answer
        .verdicts
        .iter()
        .find(|v| v.subject == Subject::StatusQuo && v.state != lead.state)
    {
        blocks.push(Block::Subheading("Where things stand".into()));
        let now = words.words(status_quo);
        blocks.push(led(
            format!("The status quo {}. ", in_short(status_quo)),
            format!("It is {}.", now.state),
        ));
        if let Some(evolution) = &brief.answer.evolution {
            blocks.push(plain(if evolution.is_reached(lead.state) {
                format!(
                    "{} can be reached from the status quo by moves each party makes alone and gains by.",
                    text.subject
                )
            } else {
                format!(
                    "{} cannot be reached from the status quo by moves each party makes alone and gains by: getting there takes a joint step, such as a negotiated package.",
                    text.subject
                )
            }));
        }
    }
}

fn verdicts_in_full(brief: &Brief, words: &VerdictsReport, blocks: &mut Vec<Block>) {
    blocks.push(Block::Heading("The verdicts in full".into()));
    blocks.push(plain(
        "For the status quo and each state the model names: whether it holds, under which assumptions about how the parties reason, who would defect, to what, and what holds them back.",
    ));
    for verdict in &brief.answer.verdicts {
        let VerdictText {
            subject,
            state,
            holds,
            temptations,
            changes,
            robustness,
        } = words.words(verdict);
        blocks.push(Block::Subheading(format!("{subject} ({state})")));
        blocks.push(plain(holds));
        let mut items: Vec<String> = temptations;
        items.extend(changes.into_iter().map(|(_, s)| s));
        items.extend(robustness);
        if !items.is_empty() {
            blocks.push(bullets(items));
        }
    }
}

/// The state in words for a figure: "State 57: US new sanctions; ...".
fn state_box(brief: &Brief, s: StateIndex) -> String {
    format!(
        "State {}: {}",
        s + 1,
        describe_state(brief.model, brief.conflict, s)
    )
}

fn paths(brief: &Brief, blocks: &mut Vec<Block>) {
    let Some(evolution) = &brief.answer.evolution else {
        return;
    };
    blocks.push(Block::Heading("From the status quo".into()));
    let start = evolution.start;
    let reached = evolution.reached().len();
    let equilibria = brief.answer.reachable_equilibria();
    let others: Vec<_> = equilibria.iter().filter(|(s, _)| *s != start).collect();
    let mut text = format!(
        "If each party moves on its own whenever it gains by it, the conflict can go from the status quo to {} other {}.",
        reached - 1,
        if reached == 2 { "state" } else { "states" }
    );
    match others.len() {
        0 => text.push_str(" None of them is an equilibrium."),
        1 => text.push_str(" One of them is an equilibrium, where such moves end:"),
        n => text.push_str(&format!(
            " {n} of them are equilibria, where such moves end; the shortest path to {} is drawn below.",
            if n > PATHS_SHOWN {
                format!("the {PATHS_SHOWN} nearest")
            } else {
                "each".to_string()
            }
        )),
    }
    blocks.push(plain(text));
    let name = |dm: usize| brief.model.decision_makers[dm].name.as_str();
    let drawn: Vec<Path> = others
        .iter()
        .take(PATHS_SHOWN)
        .filter_map(|(s, under)| {
            let moves = evolution.path_to(*s)?;
            let mut before = start;
            let steps = moves
                .iter()
                .map(|m| {
                    let who = match m.mover {
                        Mover::Dm(dm) => name(dm).to_string(),
                        Mover::Coalition(c) => format!("coalition {}", c + 1),
                    };
                    let change = describe_change(brief.model, brief.conflict, before, m.to);
                    before = m.to;
                    (format!("{who} {change}"), state_box(brief, m.to))
                })
                .collect();
            Some(Path {
                caption: format!("To state {}, an equilibrium under {}", s + 1, labels(under)),
                start: state_box(brief, start),
                steps,
            })
        })
        .collect();
    if !drawn.is_empty() {
        blocks.push(Block::Paths(drawn));
    }
}

fn robustness(brief: &Brief, blocks: &mut Vec<Block>) {
    blocks.push(Block::Heading("How robust the verdicts are".into()));
    let Some(robustness) = &brief.answer.robustness else {
        blocks.push(plain(
            "The model states no uncertainty about the parties' preferences (or allows more orders than a brief analyses; `detente robustness` samples them), so the verdicts above rest on the one order it gives each party.",
        ));
        return;
    };
    let over = match robustness.total_profiles() {
        Some(total) if u128::from(robustness.analysed()) == total => {
            format!("each of the {total} orders of preference")
        }
        _ => format!(
            "{} orders drawn at random from those",
            robustness.analysed()
        ),
    };
    blocks.push(plain(format!(
        "Where the model is unsure how a party ranks its priorities, the analysis was repeated for {over} the model allows. The bars show the share of them under which each state is an equilibrium. These are shares of plausible orders, not probabilities: each order counts the same, however likely."
    )));
    let groups = brief
        .answer
        .verdicts
        .iter()
        .map(|v| BarGroup {
            label: match &v.subject {
                Subject::StatusQuo => format!("Status quo (state {})", v.state + 1),
                Subject::Named(name) => format!("{name} (state {})", v.state + 1),
                Subject::State => format!("State {}", v.state + 1),
            },
            bars: robustness
                .concepts()
                .iter()
                .map(|&c| {
                    let count = robustness.equilibrium_count(c, v.state as usize);
                    (c.label().to_string(), robustness.share(count))
                })
                .collect(),
        })
        .collect();
    blocks.push(Block::Bars(groups));
}

fn what_each_party_would_accept(brief: &Brief, words: &VerdictsReport, blocks: &mut Vec<Block>) {
    blocks.push(Block::Heading(
        "What each party would have to accept".into(),
    ));
    let lead = brief.answer.lead();
    let texts: Vec<(&Verdict, VerdictText)> = brief
        .answer
        .verdicts
        .iter()
        .map(|v| (v, words.words(v)))
        .collect();
    for (dm, party) in brief.model.decision_makers.iter().enumerate() {
        blocks.push(Block::Subheading(party.name.clone()));
        if let Some(lead) = lead {
            let pattern = brief.conflict.space().pattern(lead.state);
            let offset: usize = brief.model.decision_makers[..dm]
                .iter()
                .map(|d| d.options.len())
                .sum();
            let taken: Vec<&str> = party
                .options
                .iter()
                .enumerate()
                .filter(|(k, _)| pattern >> (offset + k) & 1 == 1)
                .map(|(_, o)| o.label.as_str())
                .collect();
            let subject = words.words(lead).subject;
            blocks.push(plain(if taken.is_empty() {
                format!("{subject} asks no option of {}.", party.name)
            } else {
                format!("{subject} asks of {}: {}.", party.name, and_list(&taken))
            }));
        }
        let needs: Vec<String> = texts
            .iter()
            .flat_map(|(v, text)| {
                text.changes
                    .iter()
                    .filter(|(d, _)| *d == dm)
                    .map(move |(_, s)| format!("{}: {s}", subject_short(v, text)))
            })
            .collect();
        if needs.is_empty() {
            blocks.push(plain(format!(
                "No state in question tempts {} to leave it, so none asks it to change its mind.",
                party.name
            )));
        } else {
            blocks.push(bullets(needs));
        }
    }
}

/// "Proposed package" or "The status quo", for a list item's lead.
fn subject_short(verdict: &Verdict, text: &VerdictText) -> String {
    match verdict.subject {
        Subject::StatusQuo => "Status quo".to_string(),
        _ => text.subject.clone(),
    }
}

fn parties(brief: &Brief, blocks: &mut Vec<Block>) {
    blocks.push(Block::Heading("The parties and their options".into()));
    blocks.push(plain(
        "Each option is a course of action one party controls; a state of the conflict is one choice of which options are taken. Sources are as the model gives them.",
    ));
    let rows = brief
        .model
        .decision_makers
        .iter()
        .flat_map(|dm| {
            dm.options.iter().map(move |o| {
                vec![
                    dm.name.clone(),
                    o.label.clone(),
                    o.notes
                        .source
                        .clone()
                        .unwrap_or_else(|| "(no source given)".into()),
                ]
            })
        })
        .collect();
    blocks.push(Block::Table {
        head: vec!["Party".into(), "Option".into(), "Source".into()],
        rows,
    });
}

fn assumptions(brief: &Brief, blocks: &mut Vec<Block>) {
    blocks.push(Block::Heading("Assumptions and limitations".into()));
    let evidence = &brief.answer.evidence;
    let assumed: Vec<Vec<Span>> = evidence
        .elements
        .iter()
        .filter(|e| e.assumption)
        .map(|e| {
            vec![
                Span::Strong(format!("{}: ", capitalised(&e.element))),
                Span::Text(e.source.trim().to_string()),
            ]
        })
        .collect();
    let unsourced = evidence.elements.iter().filter(|e| !e.sourced).count();
    if assumed.is_empty() {
        blocks.push(plain(
            "The model marks no element as the analyst's assumption.",
        ));
    } else {
        blocks.push(plain(format!(
            "The model marks {} {} as resting, at least in part, on the analyst's judgement rather than on a source:",
            assumed.len(),
            if assumed.len() == 1 { "element" } else { "elements" }
        )));
        blocks.push(Block::Bullets(assumed));
    }
    if unsourced > 0 {
        blocks.push(plain(format!(
            "{unsourced} {} of the model {} no source at all; `detente sources` lists them.",
            if unsourced == 1 {
                "element"
            } else {
                "elements"
            },
            if unsourced == 1 { "has" } else { "have" }
        )));
    }
    blocks.push(bullets([
        "The analysis asks whether an outcome is stable, that is whether anyone would leave it and whether the others could deter them; it does not say whether an outcome is fair, desirable or likely.".to_string(),
        "Each party's preferences are an order of outcomes, not amounts: the analysis knows that a party prefers one outcome to another, not by how much.".to_string(),
        "Only the options listed exist: a move the model leaves out (a new offer, an outside event) is invisible to it.".to_string(),
        "The verdicts are as good as the preferences they rest on; where those are the analyst's judgement, so are the verdicts.".to_string(),
    ]));
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn method(brief: &Brief, words: &VerdictsReport, blocks: &mut Vec<Block>) {
    blocks.push(Block::Heading("Method".into()));
    blocks.push(plain(format!(
        "detente analyses the conflict with the Graph Model for Conflict Resolution. The model has {} {}, {} options and {} feasible states; a state is numbered by its place in the model's list of feasible states and described by the options taken in it. A state holds (is an equilibrium) under a concept when no party would leave it under that concept's assumption about how parties reason. The concepts:",
        brief.model.decision_makers.len(),
        if brief.model.decision_makers.len() == 1 { "party" } else { "parties" },
        brief.model.option_count(),
        brief.conflict.state_count(),
    )));
    blocks.push(bullets(
        words
            .concepts()
            .into_iter()
            .map(|c| glossary(c).to_string()),
    ));
    blocks.push(plain(
        "\"What it would take\" is inverse analysis: for one party at a time, with the others' preferences as the model gives them, the comparisons that party would have to make differently for the state to be stable for it (Nash, GMR, SMR and SEQ; SIM is not covered).",
    ));
    blocks.push(plain(format!(
        "To reproduce this brief: detente report {} -o brief.pdf",
        reproduce(brief.source)
    )));
}

/// The argument that names the model again on the command line.
fn reproduce(source: &str) -> String {
    match source.strip_prefix("the built-in example ") {
        Some(name) => format!("--example {name}"),
        None => source.to_string(),
    }
}
