//! The desktop tool's `.gmcr` JSON (GMCR.md §5), read and written.
//!
//! Conditions there are COND lists: a list of literals is a conjunction, a
//! `compound` is a disjunction of CONDs. Options are reordered on import so each
//! DM's options are contiguous, which makes our state numbers the tool's.
//!
//! The format has no place for a status quo or for named states (`[[state]]`):
//! import gives none, export drops them.

use std::collections::HashSet;

use detente_engine::model::MAX_OPTIONS;
use detente_engine::{
    Coalition, CompileError, Conflict, DecisionMaker, Direction, Expr, Model, ModelError, Notes,
    OptionDef, Preferences, Rule, Statement, Tier,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::diagnostic::{FormatError, SourceFile, Spans};
use crate::identity::{self, Written};
use crate::json_spans;

type Res<T> = Result<T, Box<FormatError>>;

/// Most conjunctions one condition may expand to when written as a COND list.
const MAX_DNF_TERMS: usize = 4096;

#[derive(Deserialize)]
struct File {
    options: Vec<OptionJson>,
    #[serde(rename = "decisionMakers")]
    decision_makers: Vec<DmJson>,
    #[serde(default)]
    infeasibles: Vec<Cond>,
    #[serde(
        rename = "useManualPreferenceRanking",
        alias = "useManualPreferenceVectors",
        default
    )]
    manual: bool,
    /// A partition of the DMs by index: a DM alone or a list of DMs acting together.
    #[serde(default)]
    coalitions: Vec<CoalitionEntry>,
}

#[derive(Deserialize, Serialize)]
#[serde(untagged)]
enum CoalitionEntry {
    Alone(usize),
    Together(Vec<usize>),
}

#[derive(Deserialize)]
struct OptionJson {
    name: String,
    #[serde(rename = "permittedDirection", default = "both")]
    direction: String,
}

fn both() -> String {
    "both".into()
}

#[derive(Deserialize)]
struct DmJson {
    name: String,
    options: Vec<usize>,
    #[serde(default)]
    preferences: Vec<Cond>,
    #[serde(rename = "preferenceRanking", alias = "preferenceVector", default)]
    ranking: Option<Vec<RankEntry>>,
    /// States the DM does not perceive: any condition holding there.
    #[serde(default)]
    misperceptions: Vec<Cond>,
}

#[derive(Deserialize, Serialize, Clone, Copy, PartialEq, Eq)]
enum YesNo {
    Y,
    N,
}

#[derive(Deserialize, Serialize, Clone, PartialEq, Eq)]
#[serde(untagged)]
enum Cond {
    All(Vec<(usize, YesNo)>),
    Any { compound: bool, members: Vec<Cond> },
}

#[derive(Deserialize, Serialize)]
#[serde(untagged)]
enum RankEntry {
    One(usize),
    Tie(Vec<usize>),
}

// ---------------------------------------------------------------- import

/// Reads a `.gmcr` file: the model and where its parts are. Manual rankings name
/// states by number: they are numbered up to `max_states` states.
pub(crate) fn import(file: &SourceFile, max_states: usize) -> Res<(Model, Spans)> {
    let parsed: File = serde_json::from_str(&file.text).map_err(|e| json_error(file, &e))?;
    let names: Vec<&str> = parsed.options.iter().map(|o| o.name.as_str()).collect();
    // Errors are located by the JSON Pointer of the element at fault.
    let at = |pointer: String| json_spans::find(&file.text, &pointer);
    let spans = spans(file, &parsed);

    // Column order: DM by DM, each DM's options as it lists them.
    let mut column: Vec<Option<usize>> = vec![None; names.len()];
    let mut owner: Vec<Option<&str>> = vec![None; names.len()];
    let mut next = 0;
    for (d, dm) in parsed.decision_makers.iter().enumerate() {
        for (i, &k) in dm.options.iter().enumerate() {
            let listed = || at(format!("/decisionMakers/{d}/options/{i}"));
            if k >= names.len() {
                return Err(file
                    .error(
                        format!(
                            "decision maker `{}` lists option index {k}, but the file has {} options",
                            dm.name,
                            names.len()
                        ),
                        listed(),
                    )
                    .label("no such option")
                    .help(format!("option indices run from 0 to {}", names.len().saturating_sub(1))));
            }
            if let Some(first) = owner[k] {
                return Err(file
                    .error(
                        format!(
                            "option `{}` (index {k}) is listed under both `{first}` and `{}`",
                            names[k], dm.name
                        ),
                        listed(),
                    )
                    .label("listed again here")
                    .help("every option belongs to exactly one decision maker"));
            }
            owner[k] = Some(&dm.name);
            column[k] = Some(next);
            next += 1;
        }
    }
    if let Some(k) = column.iter().position(Option::is_none) {
        return Err(file
            .error(
                format!(
                    "option `{}` (index {k}) belongs to no decision maker",
                    names[k]
                ),
                at(format!("/options/{k}")),
            )
            .help("add its index to the \"options\" list of the DM that controls it"));
    }
    let column: Vec<usize> = column.into_iter().flatten().collect();
    let n = column.len();
    if n > MAX_OPTIONS {
        return Err(file
            .error(
                format!("the file has {n} options; detente handles at most {MAX_OPTIONS}"),
                at("/options".into()),
            )
            .help("a state is one 64-bit pattern; merge or drop options"));
    }
    // A condition at `pointer`, as an expression over the columns.
    let convert = |cond: &Cond, pointer: String| -> Res<Expr> {
        cond_to_expr(cond, &column).map_err(|below| {
            file.error(
                format!(
                    "a condition names an option index outside 0 to {}",
                    n.saturating_sub(1)
                ),
                at(pointer + &below),
            )
            .label("no such option")
            .help("every [index, \"Y\"|\"N\"] pair must refer to an entry of \"options\"")
        })
    };

    let option_ids = unique_slugs(&names);
    let dm_names: Vec<&str> = parsed
        .decision_makers
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    let dm_ids = unique_slugs(&dm_names);
    let mut rules = Vec::new();
    for (r, cond) in parsed.infeasibles.iter().enumerate() {
        rules.push(Rule {
            condition: Expr::not(convert(cond, format!("/infeasibles/{r}"))?),
            notes: Notes::default(),
        });
    }
    let mut states = None;
    let mut model = Model {
        name: std::path::Path::new(&file.name)
            .file_stem()
            .map_or(String::new(), |s| s.to_string_lossy().into_owned()),
        rules,
        ..Model::default()
    };
    for (d, dm) in parsed.decision_makers.iter().enumerate() {
        // The id is made from the name, so both are written where the name is.
        let written = Written {
            name: spans.dm(d),
            id: spans.dm(d),
        };
        identity::check_unique(file, &model.decision_makers, &dm_ids[d], &dm.name, written)?;
        let mut options = Vec::new();
        for &k in &dm.options {
            let direction = match parsed.options[k].direction.as_str() {
                "both" => Direction::Both,
                "fwd" => Direction::Forward,
                "back" => Direction::Backward,
                other => {
                    let quoted = serde_json::to_string(other).unwrap_or_default();
                    return Err(file
                        .error(
                            format!("option `{}` has permittedDirection {quoted}", names[k]),
                            at(format!("/options/{k}/permittedDirection")),
                        )
                        .help("permittedDirection is \"both\", \"fwd\" (N to Y only) or \"back\" (Y to N only)"));
                }
            };
            options.push(OptionDef {
                id: option_ids[k].clone(),
                label: names[k].to_string(),
                direction,
                notes: Notes::default(),
            });
        }
        let preferences = if parsed.manual {
            let Some(entries) = &dm.ranking else {
                return Err(file
                    .error(
                        format!("decision maker `{}` has no preferenceRanking, but the file uses manual rankings", dm.name),
                        spans.dm(d),
                    )
                    .help("add \"preferenceRanking\" for this DM, or set \"useManualPreferenceRanking\": false"));
            };
            if states.is_none() {
                states = Some(crate::feasible_states(n, &model.rules, max_states).map_err(|e| {
                    let message = format!("cannot number the states of a manual ranking: {e}");
                    match e {
                        CompileError::Model(ModelError::NoFeasibleState) => file
                            .error(message, at("/infeasibles".into()))
                            .help("the infeasibles exclude every state"),
                        _ => file
                            .error(message, spans.preferences(d))
                            .help("the ranking names states by number, so the states must be enumerable"),
                    }
                })?);
            }
            let space = states.as_ref().expect("enumerated above");
            let full = (1u64 << n) - 1;
            let mut tiers = Vec::new();
            for (t, entry) in entries.iter().enumerate() {
                let numbers = match entry {
                    RankEntry::One(number) => std::slice::from_ref(number),
                    RankEntry::Tie(numbers) => numbers.as_slice(),
                };
                let mut items = Vec::new();
                for (i, &number) in numbers.iter().enumerate() {
                    if number == 0 || number > space.len() {
                        return Err(file
                            .error(
                                format!(
                                    "the ranking of `{}` names state {number}, but there are {} feasible states",
                                    dm.name,
                                    space.len()
                                ),
                                spans.tier_item(d, t, i),
                            )
                            .label("no such state")
                            .help(format!("state numbers run from 1 to {}", space.len())));
                    }
                    items.push(Expr::pattern(full, space.pattern(number as u32 - 1)));
                }
                tiers.push(Tier { items });
            }
            Preferences::Ranking {
                tiers,
                notes: Notes::default(),
            }
        } else {
            let mut statements = Vec::new();
            for (j, cond) in dm.preferences.iter().enumerate() {
                statements.push(Statement {
                    expr: convert(cond, format!("/decisionMakers/{d}/preferences/{j}"))?,
                    notes: Notes::default(),
                });
            }
            Preferences::Prioritization(statements)
        };
        let mut misperceived = Vec::new();
        for (j, cond) in dm.misperceptions.iter().enumerate() {
            misperceived.push(convert(
                cond,
                format!("/decisionMakers/{d}/misperceptions/{j}"),
            )?);
        }
        model.decision_makers.push(DecisionMaker {
            id: dm_ids[d].clone(),
            name: dm.name.clone(),
            options,
            preferences,
            misperceived,
            uncertain: Vec::new(),
            notes: Notes::default(),
        });
    }
    model.coalitions = coalitions(file, &parsed)?;
    // Options were pushed DM by DM, which is the reordering above.
    Ok((model, spans))
}

/// Where the parts of a parsed `.gmcr` file are, from one scan of its text: each DM's
/// name and preferences (its ranking's entries, one item per state number), each
/// infeasible, and the list of DMs.
fn spans(file: &SourceFile, parsed: &File) -> Spans {
    let dms = parsed.decision_makers.len();
    let ranking_keys: &[&str] = if parsed.manual {
        &["preferenceRanking", "preferenceVector"]
    } else {
        &["preferences"]
    };
    let mut spans = Spans {
        dm: vec![None; dms],
        preferences: vec![None; dms],
        tier_items: vec![Vec::new(); dms],
        rules: vec![None; parsed.infeasibles.len()],
        ..Spans::default()
    };
    json_spans::walk(&file.text, |pointer, span| {
        let steps: Vec<&str> = pointer.split('/').skip(1).collect();
        let index = |step: &str| step.parse::<usize>().ok();
        match steps.as_slice() {
            ["decisionMakers"] => spans.decision_makers = Some(span),
            ["infeasibles", r] => {
                if let Some(rule) = index(r).and_then(|r| spans.rules.get_mut(r)) {
                    *rule = Some(span);
                }
            }
            ["decisionMakers", d, "name"] => {
                if let Some(at) = index(d).and_then(|d| spans.dm.get_mut(d)) {
                    *at = Some(span);
                }
            }
            ["decisionMakers", d, key] if ranking_keys.contains(key) => {
                if let Some(at) = index(d).and_then(|d| spans.preferences.get_mut(d)) {
                    *at = Some(span);
                }
            }
            // A tie's members come before the tie itself; an entry with none is its own item.
            ["decisionMakers", d, key, t, rest @ ..]
                if parsed.manual && ranking_keys.contains(key) =>
            {
                let (Some(tiers), Some(t)) =
                    (index(d).and_then(|d| spans.tier_items.get_mut(d)), index(t))
                else {
                    return;
                };
                if tiers.len() <= t {
                    tiers.resize(t + 1, Vec::new());
                    tiers[t].push(span);
                } else if !rest.is_empty() {
                    tiers[t].push(span);
                }
            }
            _ => {}
        }
    });
    spans
}

/// The file's coalitions of two or more DMs (a DM alone needs no entry).
fn coalitions(file: &SourceFile, parsed: &File) -> Res<Vec<Coalition>> {
    let dms = parsed.decision_makers.len();
    let mut seen = vec![false; dms];
    let mut together = Vec::new();
    for (c, entry) in parsed.coalitions.iter().enumerate() {
        let (members, listed) = match entry {
            CoalitionEntry::Alone(d) => (std::slice::from_ref(d), false),
            CoalitionEntry::Together(list) => (list.as_slice(), true),
        };
        for (i, &d) in members.iter().enumerate() {
            let problem = if d >= dms {
                format!(
                    "\"coalitions\" names decision maker index {d}, but the file has {dms} decision makers"
                )
            } else if seen[d] {
                format!("\"coalitions\" lists decision maker index {d} twice")
            } else {
                seen[d] = true;
                continue;
            };
            // A member of a list is its element; a DM alone is the entry itself.
            let at = if listed {
                format!("/coalitions/{c}/{i}")
            } else {
                format!("/coalitions/{c}")
            };
            return Err(file
                .error(problem, json_spans::find(&file.text, &at))
                .help("\"coalitions\" is a partition of the DMs by index, e.g. [0, [1, 2]]"));
        }
        if members.len() > 1 {
            let mut members = members.to_vec();
            members.sort_unstable();
            together.push(Coalition {
                members,
                notes: Notes::default(),
            });
        }
    }
    Ok(together)
}

fn json_error(file: &SourceFile, error: &serde_json::Error) -> Box<FormatError> {
    let at = file.offset_of(error.line(), error.column());
    let message = error.to_string();
    // serde_json appends " at line L column C"; the location is shown separately.
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_string();
    let help = if message.contains("recursion limit") {
        "lists and objects are nested too deeply here (at most 128 levels); a .gmcr file needs only a few"
    } else if error.is_syntax() || error.is_eof() {
        "this is not valid JSON"
    } else if message.contains("untagged enum Cond") {
        "a condition is a list of [optionIndex, \"Y\" | \"N\"] pairs, or {\"compound\": true, \"members\": [...]}"
    } else if message.contains("untagged enum RankEntry") {
        "a ranking entry is a state number or a list of tied state numbers"
    } else {
        "expected the .gmcr layout of GMCR.md §5: \"options\", \"decisionMakers\", \"infeasibles\", ..."
    };
    file.error(format!("invalid .gmcr file: {message}"), at.map(|a| a..a))
        .help(help)
}

/// Ids for names: lower-case, other characters as `_`, never starting with a digit, never a keyword, unique.
fn unique_slugs(names: &[&str]) -> Vec<String> {
    let mut seen = HashSet::new();
    names
        .iter()
        .map(|name| {
            let mut slug = String::new();
            for c in name.chars().flat_map(char::to_lowercase) {
                if c.is_ascii_alphanumeric() {
                    slug.push(c);
                } else if !slug.is_empty() && !slug.ends_with('_') {
                    slug.push('_');
                }
            }
            let trimmed = slug.trim_end_matches('_');
            let mut base = match trimmed.chars().next() {
                None => "option".to_string(),
                Some(c) if c.is_ascii_digit() => format!("o_{trimmed}"),
                Some(_) => trimmed.to_string(),
            };
            if crate::expr_parser::is_keyword(&base) {
                base.push('_');
            }
            let mut id = base.clone();
            let mut counter = 2;
            while !seen.insert(id.clone()) {
                id = format!("{base}_{counter}");
                counter += 1;
            }
            id
        })
        .collect()
}

/// The expression of a condition over `column`; `Err`: the JSON Pointer, from the
/// condition down, of an option index out of range.
fn cond_to_expr(cond: &Cond, column: &[usize]) -> Result<Expr, String> {
    match cond {
        Cond::All(literals) => {
            let mut parts: Vec<Expr> = literals
                .iter()
                .enumerate()
                .map(|(i, &(k, v))| {
                    let c = column.get(k).ok_or_else(|| format!("/{i}/0"))?;
                    Ok(Expr::literal(*c, v == YesNo::Y))
                })
                .collect::<Result<_, String>>()?;
            Ok(match parts.len() {
                0 => Expr::Const(true),
                1 => parts.remove(0),
                _ => Expr::And(parts),
            })
        }
        Cond::Any { members, .. } => {
            let mut parts: Vec<Expr> = members
                .iter()
                .enumerate()
                .map(|(j, m)| {
                    cond_to_expr(m, column).map_err(|below| format!("/members/{j}{below}"))
                })
                .collect::<Result<_, String>>()?;
            Ok(match parts.len() {
                0 => Expr::Const(false),
                1 => parts.remove(0),
                _ => two_option_form(&parts).unwrap_or(Expr::Or(parts)),
            })
        }
    }
}

/// Recognises the tool's stored "q if p" ({p&q, !p&q, !p&!q}) and "q iff p" ({p&q, !p&!q}),
/// with p and q literals, by their truth table over the two options.
fn two_option_form(members: &[Expr]) -> Option<Expr> {
    let assignments: Vec<[(usize, bool); 2]> = members
        .iter()
        .map(|m| match m {
            Expr::And(parts) => match parts.as_slice() {
                [a, b] => Some([as_literal(a)?, as_literal(b)?]),
                _ => None,
            },
            _ => None,
        })
        .collect::<Option<_>>()?;
    let [(x, c), (y, d)] = assignments[0];
    if x == y {
        return None;
    }
    // Each member as (value of x, value of y); all over {x, y}, all distinct.
    let mut table: Vec<(bool, bool)> = Vec::new();
    for [(k1, v1), (k2, v2)] in &assignments {
        let row = match (*k1, *k2) {
            (a, b) if a == x && b == y => (*v1, *v2),
            (a, b) if a == y && b == x => (*v2, *v1),
            _ => return None,
        };
        if table.contains(&row) {
            return None;
        }
        table.push(row);
    }
    let lit = |k, v| Expr::literal(k, v);
    match table.len() {
        2 if table[1] == (!c, !d) => Some(Expr::Iff(Box::new(lit(x, c)), Box::new(lit(y, d)))),
        3 => {
            let (a, b) = [(true, true), (true, false), (false, true), (false, false)]
                .into_iter()
                .find(|row| !table.contains(row))?;
            // The false row is P & !Q; the first member is P & Q when it shares P's value.
            let (p, q) = if c == a {
                (lit(x, a), lit(y, !b))
            } else if d == b {
                (lit(y, b), lit(x, !a))
            } else {
                (lit(x, a), lit(y, !b))
            };
            Some(Expr::Implies(Box::new(p), Box::new(q)))
        }
        _ => None,
    }
}

fn as_literal(e: &Expr) -> Option<(usize, bool)> {
    match e {
        Expr::Option(k) => Some((*k, true)),
        Expr::Not(inner) => match **inner {
            Expr::Option(k) => Some((k, false)),
            _ => None,
        },
        _ => None,
    }
}

// ---------------------------------------------------------------- export

pub(crate) fn export(model: &Model, conflict: &Conflict) -> Res<String> {
    let problem = |message: String| SourceFile::new(&model.name, "").error(message, None);
    let offsets = model.option_offsets();
    let manual = model
        .decision_makers
        .iter()
        .any(|dm| matches!(dm.preferences, Preferences::Ranking { .. }));
    let options: Vec<Value> = model
        .options()
        .map(|(_, o)| {
            let direction = match o.direction {
                Direction::Both => "both",
                Direction::Forward => "fwd",
                Direction::Backward => "back",
            };
            json!({"name": o.label, "permittedDirection": direction})
        })
        .collect();
    let mut dms = Vec::new();
    for (d, dm) in model.decision_makers.iter().enumerate() {
        let too_big = |what: &str| {
            problem(format!(
                "{what} of `{}` expands to more than {MAX_DNF_TERMS} conjunctions in .gmcr form",
                dm.name
            ))
        };
        let preferences: Vec<Cond> = match &dm.preferences {
            Preferences::Prioritization(statements) => statements
                .iter()
                .map(|s| expr_to_cond(&s.expr).ok_or_else(|| too_big("a preference statement")))
                .collect::<Res<_>>()?,
            Preferences::Ranking { .. } => Vec::new(),
        };
        let mut entry = json!({
            "name": dm.name,
            "options": (offsets[d]..offsets[d + 1]).collect::<Vec<_>>(),
            "preferences": preferences,
        });
        if !dm.misperceived.is_empty() {
            let misperceptions: Vec<Cond> = dm
                .misperceived
                .iter()
                .map(|e| expr_to_cond(e).ok_or_else(|| too_big("a misperception")))
                .collect::<Res<_>>()?;
            entry["misperceptions"] = json!(misperceptions);
        }
        if manual {
            entry["preferenceRanking"] = json!(ranking(model, conflict, d));
        }
        dms.push(entry);
    }
    let mut infeasibles = Vec::new();
    for rule in &model.rules {
        let too_big = || {
            problem("a feasibility rule expands to too many conjunctions in .gmcr form".to_string())
        };
        match &rule.condition {
            Expr::Not(excluded) => infeasibles.push(expr_to_cond(excluded).ok_or_else(too_big)?),
            condition => {
                let terms = dnf(condition, false).ok_or_else(too_big)?;
                infeasibles.extend(
                    terms
                        .into_iter()
                        .map(|(mask, bits)| Cond::All(conjunction(mask, bits))),
                );
            }
        }
    }
    let fields = [
        ("program", json!("detente")),
        ("version", json!(env!("CARGO_PKG_VERSION"))),
        ("useManualPreferenceRanking", json!(manual)),
        ("options", json!(options)),
        ("decisionMakers", json!(dms)),
        ("infeasibles", json!(infeasibles)),
    ];
    let mut fields = fields.to_vec();
    if !model.coalitions.is_empty() {
        fields.push(("coalitions", json!(coalition_partition(model))));
    }
    Ok(layout(&fields))
}

/// The model's coalitions as the tool's partition: each listed coalition,
/// then every DM in none of them alone. A DM in two coalitions cannot be
/// written as a partition; it stays in the first.
fn coalition_partition(model: &Model) -> Vec<CoalitionEntry> {
    let mut placed = vec![false; model.decision_makers.len()];
    let mut entries = Vec::new();
    for coalition in &model.coalitions {
        let members: Vec<usize> = coalition
            .members
            .iter()
            .copied()
            .filter(|&d| !std::mem::replace(&mut placed[d], true))
            .collect();
        match members.as_slice() {
            [] => {}
            [one] => entries.push(CoalitionEntry::Alone(*one)),
            _ => entries.push(CoalitionEntry::Together(members)),
        }
    }
    entries.extend(
        (0..placed.len())
            .filter(|&d| !placed[d])
            .map(CoalitionEntry::Alone),
    );
    entries
}

/// One key per line, and one line per element of the top-level arrays.
fn layout(fields: &[(&str, Value)]) -> String {
    let lines: Vec<String> = fields
        .iter()
        .map(|(key, value)| match value {
            Value::Array(items) if !items.is_empty() => {
                let items: Vec<String> = items.iter().map(|i| format!("  {i}")).collect();
                format!(" \"{key}\": [\n{}\n ]", items.join(",\n"))
            }
            _ => format!(" \"{key}\": {value}"),
        })
        .collect();
    format!("{{\n{}\n}}\n", lines.join(",\n"))
}

/// A hand ranking as state numbers, best first, ties as lists: tier by tier in
/// item order for a ranking, or grouped by preference rank for a prioritization.
fn ranking(model: &Model, conflict: &Conflict, d: usize) -> Vec<RankEntry> {
    let space = conflict.space();
    let groups: Vec<Vec<usize>> = match &model.decision_makers[d].preferences {
        Preferences::Ranking { tiers, .. } => tiers
            .iter()
            .map(|tier| {
                let mut numbers = Vec::new();
                for item in &tier.items {
                    for (s, &p) in space.patterns().iter().enumerate() {
                        if item.eval(p) && !numbers.contains(&(s + 1)) {
                            numbers.push(s + 1);
                        }
                    }
                }
                numbers
            })
            .collect(),
        Preferences::Prioritization(_) => {
            let ranks = conflict.ranks(d);
            let mut distinct: Vec<u32> = ranks.to_vec();
            distinct.sort_unstable_by(|a, b| b.cmp(a));
            distinct.dedup();
            distinct
                .iter()
                .map(|&r| {
                    (0..ranks.len())
                        .filter(|&s| ranks[s] == r)
                        .map(|s| s + 1)
                        .collect()
                })
                .collect()
        }
    };
    groups
        .into_iter()
        .map(|group| match group.as_slice() {
            [one] => RankEntry::One(*one),
            _ => RankEntry::Tie(group),
        })
        .collect()
}

/// The COND for `expr`, keeping the tool's stored forms where they apply so an
/// imported file is written back as it was; `None` if its DNF would be too large.
fn expr_to_cond(expr: &Expr) -> Option<Cond> {
    let compound = |members: Vec<Cond>| Cond::Any {
        compound: true,
        members,
    };
    // Rows of a two-literal compound, each (value of p, value of q).
    let rows = |(pk, _): (usize, bool), (qk, _): (usize, bool), rows: &[(bool, bool)]| {
        compound(
            rows.iter()
                .map(|&(a, b)| Cond::All(vec![(pk, yes_no(a)), (qk, yes_no(b))]))
                .collect(),
        )
    };
    if let Some(list) = conjunction_of_literals(expr) {
        return Some(Cond::All(list));
    }
    match expr {
        Expr::Const(false) => return Some(compound(Vec::new())),
        Expr::Implies(p, q) => {
            if let (Some(p), Some(q)) = (as_literal(p), as_literal(q)) {
                return Some(rows(p, q, &[(p.1, q.1), (!p.1, q.1), (!p.1, !q.1)]));
            }
        }
        Expr::Iff(p, q) => {
            if let (Some(p), Some(q)) = (as_literal(p), as_literal(q)) {
                return Some(rows(p, q, &[(p.1, q.1), (!p.1, !q.1)]));
            }
        }
        Expr::Or(members) => {
            if let Some(lists) = members
                .iter()
                .map(conjunction_of_literals)
                .collect::<Option<Vec<_>>>()
            {
                return Some(compound(lists.into_iter().map(Cond::All).collect()));
            }
        }
        _ => {}
    }
    let terms = dnf(expr, true)?;
    let mut members: Vec<Cond> = terms
        .into_iter()
        .map(|(m, b)| Cond::All(conjunction(m, b)))
        .collect();
    Some(if members.len() == 1 {
        members.remove(0)
    } else {
        compound(members)
    })
}

/// The literals of `expr` in order if it is a literal, `true`, or an `And` of literals.
fn conjunction_of_literals(expr: &Expr) -> Option<Vec<(usize, YesNo)>> {
    match expr {
        Expr::Const(true) => Some(Vec::new()),
        Expr::And(parts) => parts
            .iter()
            .map(|e| as_literal(e).map(|(k, v)| (k, yes_no(v))))
            .collect(),
        _ => as_literal(expr).map(|(k, v)| vec![(k, yes_no(v))]),
    }
}

fn yes_no(value: bool) -> YesNo {
    if value { YesNo::Y } else { YesNo::N }
}

/// The literals of a (mask, values) conjunction, lowest option first.
fn conjunction(mask: u64, bits: u64) -> Vec<(usize, YesNo)> {
    (0..64)
        .filter(|k| mask >> k & 1 == 1)
        .map(|k| (k, yes_no(bits >> k & 1 == 1)))
        .collect()
}

/// Disjunctive normal form of `expr` (of its negation if `!positive`) as
/// (mask, values) conjunctions; `None` beyond [`MAX_DNF_TERMS`] terms (or for an option past bit 63).
fn dnf(expr: &Expr, positive: bool) -> Option<Vec<(u64, u64)>> {
    let terms = match (expr, positive) {
        (Expr::Const(b), _) => {
            if *b == positive {
                vec![(0, 0)]
            } else {
                vec![]
            }
        }
        (Expr::Option(k), _) if *k < 64 => vec![(1u64 << k, u64::from(positive) << k)],
        (Expr::Option(_), _) => return None,
        (Expr::Not(e), _) => dnf(e, !positive)?,
        (Expr::And(parts), true) | (Expr::Or(parts), false) => {
            let mut acc = vec![(0, 0)];
            for part in parts {
                acc = product(&acc, &dnf(part, positive)?)?;
            }
            acc
        }
        (Expr::Or(parts), true) | (Expr::And(parts), false) => {
            let mut acc = Vec::new();
            for part in parts {
                acc = union(acc, dnf(part, positive)?)?;
            }
            acc
        }
        (Expr::Implies(p, q), true) => union(dnf(p, false)?, dnf(q, true)?)?,
        (Expr::Implies(p, q), false) => product(&dnf(p, true)?, &dnf(q, false)?)?,
        (Expr::Iff(p, q), _) => {
            let both = product(&dnf(p, true)?, &dnf(q, positive)?)?;
            let neither = product(&dnf(p, false)?, &dnf(q, !positive)?)?;
            union(both, neither)?
        }
    };
    Some(terms)
}

fn union(mut a: Vec<(u64, u64)>, b: Vec<(u64, u64)>) -> Option<Vec<(u64, u64)>> {
    for term in b {
        if !a.contains(&term) {
            a.push(term);
        }
    }
    (a.len() <= MAX_DNF_TERMS).then_some(a)
}

fn product(a: &[(u64, u64)], b: &[(u64, u64)]) -> Option<Vec<(u64, u64)>> {
    let mut out = Vec::new();
    for &(ma, va) in a {
        for &(mb, vb) in b {
            let shared = ma & mb;
            if va & shared == vb & shared {
                let term = (ma | mb, va | vb);
                if !out.contains(&term) {
                    out.push(term);
                    if out.len() > MAX_DNF_TERMS {
                        return None;
                    }
                }
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn truth(e: &Expr, n: usize) -> Vec<bool> {
        (0..1u64 << n).map(|s| e.eval(s)).collect()
    }

    #[test]
    fn slugs_are_identifiers_and_unique() {
        let ids = unique_slugs(&[
            "Air Strike",
            "air-strike",
            "2nd Wave",
            "",
            "and",
            "Ünïcode!",
        ]);
        assert_eq!(
            ids,
            vec![
                "air_strike",
                "air_strike_2",
                "o_2nd_wave",
                "option",
                "and_",
                "n_code"
            ]
        );
        assert!(ids.iter().all(|id| crate::expr_parser::is_identifier(id)));
    }

    #[test]
    fn stored_if_and_iff_forms_are_recognised() {
        // "0 if 3" as the tool stores it (Cuban.gmcr, USSR).
        let members = [
            [(0, true), (3, true)],
            [(0, false), (3, false)],
            [(0, true), (3, false)],
        ];
        let cond = Cond::Any {
            compound: true,
            members: members
                .iter()
                .map(|m| Cond::All(m.iter().map(|&(k, v)| (k, yes_no(v))).collect()))
                .collect(),
        };
        let expr = cond_to_expr(&cond, &[0, 1, 2, 3]).unwrap();
        assert!(matches!(expr, Expr::Implies(..)));
        let dnf_form = Expr::Or(vec![
            Expr::And(vec![Expr::Option(0), Expr::Option(3)]),
            Expr::And(vec![Expr::not(Expr::Option(0)), Expr::not(Expr::Option(3))]),
            Expr::And(vec![Expr::Option(0), Expr::not(Expr::Option(3))]),
        ]);
        assert_eq!(truth(&expr, 4), truth(&dnf_form, 4));
        assert_eq!(
            cond_to_expr(&expr_to_cond(&expr).unwrap(), &[0, 1, 2, 3]),
            Ok(expr)
        );

        let iff = Expr::Iff(
            Box::new(Expr::not(Expr::Option(1))),
            Box::new(Expr::Option(2)),
        );
        assert_eq!(
            cond_to_expr(&expr_to_cond(&iff).unwrap(), &[0, 1, 2]),
            Ok(iff)
        );
    }

    #[test]
    fn every_stored_two_option_compound_keeps_its_truth_table() {
        let rows = [(true, true), (true, false), (false, true), (false, false)];
        for subset in 1..16u32 {
            let members: Vec<Cond> = (0..4)
                .filter(|i| subset >> i & 1 == 1)
                .map(|i| Cond::All(vec![(1, yes_no(rows[i].0)), (0, yes_no(rows[i].1))]))
                .collect();
            let original = Expr::Or(
                members
                    .iter()
                    .map(|m| cond_to_expr(m, &[0, 1]).unwrap())
                    .collect(),
            );
            let imported = cond_to_expr(
                &Cond::Any {
                    compound: true,
                    members,
                },
                &[0, 1],
            )
            .unwrap();
            assert_eq!(
                truth(&imported, 2),
                truth(&original, 2),
                "subset {subset:b}"
            );
        }
    }

    #[test]
    fn dnf_keeps_the_truth_table_and_refuses_blowups() {
        let a = || Expr::Option(0);
        let b = || Expr::Option(1);
        let c = || Expr::Option(2);
        let e = Expr::Iff(
            Box::new(Expr::Implies(Box::new(a()), Box::new(b()))),
            Box::new(Expr::not(Expr::And(vec![
                b(),
                Expr::Or(vec![c(), Expr::Const(false)]),
            ]))),
        );
        for positive in [true, false] {
            let terms = dnf(&e, positive).unwrap();
            for s in 0..8u64 {
                let hit = terms.iter().any(|&(m, v)| s & m == v);
                assert_eq!(hit, e.eval(s) == positive);
            }
        }
        let wide = Expr::And(
            (0..20)
                .map(|k| Expr::Or(vec![Expr::Option(2 * k), Expr::Option(2 * k + 1)]))
                .collect(),
        );
        assert_eq!(dnf(&wide, true), None);
    }
}
