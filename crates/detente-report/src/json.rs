//! Versioned JSON (schema documented in docs/JSON_SCHEMA.md). Large arrays are
//! serialised straight from the engine's data, never collected first.

use crate::Report;
use detente_engine::{Conflict, Direction, Model, StateIndex};
use fixedbitset::FixedBitSet;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::io::{self, Write};

/// Schema tag of `detente analyze --format json`; bump on any incompatible change.
pub const SCHEMA: &str = "detente.analysis/1";
/// Schema tag of `detente states --format json`.
const STATES_SCHEMA: &str = "detente.states/1";

/// Serialises every item of an iterator as a JSON array, without collecting them.
fn lazy_seq<S: Serializer, T: Serialize>(
    serializer: S,
    items: impl Iterator<Item = T>,
) -> Result<S::Ok, S::Error> {
    let mut seq = serializer.serialize_seq(None)?;
    for item in items {
        seq.serialize_element(&item)?;
    }
    seq.end()
}

/// The 1-based ids of a state set.
struct Ids<'a>(&'a FixedBitSet);

impl Serialize for Ids<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        lazy_seq(serializer, self.0.ones().map(|s| s + 1))
    }
}

/// Every feasible state as `{id, yn}`.
struct States<'a>(&'a Conflict);

impl Serialize for States<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let space = self.0.space();
        lazy_seq(
            serializer,
            (0..space.len() as StateIndex).map(|s| StateJson {
                id: space.id(s),
                yn: space.yn(s),
            }),
        )
    }
}

/// Serialises `(key, value)` pairs produced by a closure as a JSON object.
pub(crate) struct LazyMap<F>(pub(crate) F);

impl<K, V, I, F> Serialize for LazyMap<F>
where
    F: Fn() -> I,
    I: Iterator<Item = (K, V)>,
    K: Serialize,
    V: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (k, v) in (self.0)() {
            map.serialize_entry(&k, &v)?;
        }
        map.end()
    }
}

#[derive(serde::Serialize)]
struct OptionJson<'a> {
    id: &'a str,
    name: &'a str,
    decision_maker: &'a str,
    direction: &'static str,
}

fn direction_key(d: Direction) -> &'static str {
    match d {
        Direction::Both => "both",
        Direction::Forward => "forward",
        Direction::Backward => "backward",
    }
}

#[derive(serde::Serialize)]
struct StateJson {
    id: usize,
    yn: String,
}

#[derive(serde::Serialize)]
struct DmJson<'a> {
    id: &'a str,
    name: &'a str,
    options: Vec<&'a str>,
}

fn options(model: &Model) -> Vec<OptionJson<'_>> {
    model
        .options()
        .map(|(d, o)| OptionJson {
            id: &o.id,
            name: &o.label,
            decision_maker: &model.decision_makers[d].name,
            direction: direction_key(o.direction),
        })
        .collect()
}

fn decision_makers(model: &Model) -> Vec<DmJson<'_>> {
    model
        .decision_makers
        .iter()
        .map(|d| DmJson {
            id: &d.id,
            name: &d.name,
            options: d.options.iter().map(|o| o.id.as_str()).collect(),
        })
        .collect()
}

#[derive(serde::Serialize)]
struct ModelJson<'a> {
    name: &'a str,
    description: Option<&'a str>,
    source: Option<&'a str>,
}

fn model_json(model: &Model) -> ModelJson<'_> {
    ModelJson {
        name: &model.name,
        description: model.notes.description.as_deref(),
        source: model.notes.source.as_deref(),
    }
}

pub(crate) fn write_analysis(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let (model, conflict, analysis) = (report.model, report.conflict, report.analysis);
    let concepts = analysis.concepts();
    let stability = LazyMap(|| {
        concepts.iter().map(|&c| {
            (
                c.key(),
                LazyMap(move || {
                    model
                        .decision_makers
                        .iter()
                        .enumerate()
                        .map(move |(d, dm)| (dm.name.as_str(), Ids(analysis.stable(c, d))))
                }),
            )
        })
    });
    let equilibria: Vec<(&str, FixedBitSet)> = concepts
        .iter()
        .map(|&c| (c.key(), analysis.equilibria(c)))
        .collect();
    let equilibria = LazyMap(|| equilibria.iter().map(|(k, set)| (*k, Ids(set))));
    #[derive(serde::Serialize)]
    struct AnalysisJson<'a, S, T, U> {
        schema: &'static str,
        model: ModelJson<'a>,
        decision_makers: Vec<DmJson<'a>>,
        options: Vec<OptionJson<'a>>,
        state_count: usize,
        states: S,
        status_quo: Option<usize>,
        concepts: Vec<&'static str>,
        stability: T,
        equilibria: U,
        summary: Vec<String>,
    }
    let body = AnalysisJson {
        schema: SCHEMA,
        model: model_json(model),
        decision_makers: decision_makers(model),
        options: options(model),
        state_count: conflict.state_count(),
        states: States(conflict),
        status_quo: conflict.status_quo().map(|s| conflict.space().id(s)),
        concepts: concepts.iter().map(|c| c.key()).collect(),
        stability,
        equilibria,
        summary: crate::summary(
            model,
            conflict,
            analysis,
            &detente_app::verdicts(model, conflict, analysis),
        ),
    };
    json_body(out, &body, conflict.state_count())
}

pub(crate) fn write_states(
    model: &Model,
    conflict: &Conflict,
    out: &mut dyn Write,
) -> io::Result<()> {
    #[derive(serde::Serialize)]
    struct StatesJson<'a, S> {
        schema: &'static str,
        model: ModelJson<'a>,
        options: Vec<OptionJson<'a>>,
        state_count: usize,
        states: S,
    }
    let body = StatesJson {
        schema: STATES_SCHEMA,
        model: model_json(model),
        options: options(model),
        state_count: conflict.state_count(),
        states: States(conflict),
    };
    json_body(out, &body, conflict.state_count())
}

/// Above this many states JSON is written compactly: one id per line would
/// multiply the size of the stability lists several times over.
const PRETTY_MAX_STATES: usize = 4096;

/// Writes a JSON document, pretty unless the model is large.
pub(crate) fn json_body(
    out: &mut dyn Write,
    body: &impl Serialize,
    states: usize,
) -> io::Result<()> {
    let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
    if states <= PRETTY_MAX_STATES {
        serde_json::to_writer_pretty(&mut buffered, body)?;
    } else {
        serde_json::to_writer(&mut buffered, body)?;
    }
    writeln!(buffered)?;
    buffered.flush()
}
