//! detente for Python: the native module `detente._detente`, which the pure-Python
//! package `detente` (`crates/detente-py/python/detente/`) wraps. Every request goes
//! through detente-app, as it does from the CLI and the workbench; answers cross into
//! Python as the JSON the CLI writes (detente-report's schemas), which the Python
//! layer reads with `json.loads`. Engine work runs with the GIL released.

use detente_app::{
    AppError, CoalitionChoice, ConceptChoice, ExplainRequest, Limit, Limits, ModelFormat, Prepared,
    Source,
};
use detente_report::{EvolutionReport, Explanation, Format, Render, Report, SweepReport};

mod sweep;
use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use serde_json::{Value, json};
use std::path::PathBuf;
use sweep::positions_of;

create_exception!(
    _detente,
    DetenteError,
    PyValueError,
    "Base class of every error detente raises."
);
create_exception!(
    _detente,
    ModelError,
    DetenteError,
    "The model is at fault; the message gives its file, line and column."
);
create_exception!(
    _detente,
    RequestError,
    DetenteError,
    "The request names something that does not exist or asks for what cannot be done."
);
create_exception!(
    _detente,
    LimitError,
    DetenteError,
    "The request is over a limit (states, time, the size of an analysis)."
);

/// Where an error is: file, 1-based line and column (characters).
struct Place {
    file: String,
    line: Option<usize>,
    column: Option<usize>,
}

/// An [`AppError`] as the Python exception of its kind, its message located as the
/// CLI locates it (`file:line:column: message`, then `help: ...`), with `file`, `line`,
/// `column` and `help` as attributes.
fn raise(py: Python<'_>, error: AppError) -> PyErr {
    let help = error.help_text().map(str::to_string);
    let (place, message) = match &error {
        // A changed model is read from its form: its errors are at a form path, as the
        // lines of the TOML written from the form mean nothing to whoever changed it.
        AppError::Model(e) => {
            let (line, column, message) = match e.form_path() {
                Some(path) => (None, None, format!("at {path}: {}", e.message())),
                None => {
                    let (line, column) = e.line_col().unzip();
                    (line, column, e.message().to_string())
                }
            };
            let place = Place {
                file: e.file_name().to_string(),
                line,
                column,
            };
            (Some(place), message)
        }
        other => (None, other.to_string()),
    };
    let mut text = match &place {
        Some(Place {
            file,
            line: Some(line),
            column: Some(column),
        }) => format!("{file}:{line}:{column}: {message}"),
        Some(Place { file, .. }) => format!("{file}: {message}"),
        None => message.clone(),
    };
    let limit_help = match &error {
        AppError::OverLimit { limit, .. } => Some(limit_help(*limit)),
        _ => None,
    };
    if let Some(help) = help.as_deref().or(limit_help.as_deref()) {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let err = match error {
        AppError::Model(_) => ModelError::new_err(text),
        AppError::Invalid { .. } => RequestError::new_err(text),
        AppError::OverLimit { .. } | AppError::Cancelled => LimitError::new_err(text),
    };
    let value = err.value(py);
    let set = || -> PyResult<()> {
        value.setattr("message", &message)?;
        value.setattr("help", help.as_deref().or(limit_help.as_deref()))?;
        value.setattr("file", place.as_ref().map(|p| p.file.as_str()))?;
        value.setattr("line", place.as_ref().and_then(|p| p.line))?;
        value.setattr("column", place.as_ref().and_then(|p| p.column))?;
        Ok(())
    };
    match set() {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// How to stay within a limit, in the Python API's words.
fn limit_help(limit: Limit) -> String {
    match limit {
        Limit::States { max } => format!(
            "pass a larger max_states than {max} to load(), example() or generate() (at most {})",
            detente_app::HARD_MAX_STATES
        ),
        Limit::Time { seconds } => format!("the work took longer than {seconds} s"),
        Limit::Horizon
        | Limit::Varied
        | Limit::Profiles
        | Limit::RobustnessStates
        | Limit::Coalitions => "ask for less at once".to_string(),
    }
}

/// Limits for a request from Python: the command line's, with the state limit given.
fn limits(max_states: Option<usize>) -> Result<Limits, AppError> {
    let mut limits = Limits::command_line();
    if let Some(n) = max_states {
        limits.max_states = detente_app::max_states(n)?;
    }
    Ok(limits)
}

/// A report's JSON, as the CLI writes it with `--format json`.
fn json_of(report: &dyn Render) -> Result<Vec<u8>, AppError> {
    let mut out = Vec::new();
    report
        .render(Format::Json, &mut out)
        .map_err(|e| AppError::Invalid {
            message: format!("cannot write the answer: {e}"),
            help: None,
        })?;
    Ok(out)
}

/// A request's JSON answer as text, or its error raised.
fn text_of(py: Python<'_>, answer: Result<Vec<u8>, AppError>) -> PyResult<String> {
    let out = answer.map_err(|e| raise(py, e))?;
    String::from_utf8(out).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// Reads and compiles a model with the GIL released.
fn prepare(py: Python<'_>, source: Source, max_states: Option<usize>) -> PyResult<PyModel> {
    let limits = limits(max_states).map_err(|e| raise(py, e))?;
    let prepared = py
        .detach(|| detente_app::prepare(&source, &limits, &limits.start()))
        .map_err(|e| raise(py, e))?;
    Ok(PyModel {
        prepared,
        source: source.describe(),
        limits,
    })
}

/// Reads the model file at `path` (.toml or .gmcr) and compiles it.
#[pyfunction]
#[pyo3(signature = (path, max_states=None))]
fn load_file(py: Python<'_>, path: PathBuf, max_states: Option<usize>) -> PyResult<PyModel> {
    prepare(py, Source::File(path), max_states)
}

/// Reads a model from its text (`name` is used in messages and tells the format by its
/// extension; otherwise the format is told from the content) and compiles it.
#[pyfunction]
#[pyo3(signature = (text, name="<text>".to_string(), max_states=None))]
fn load_text(
    py: Python<'_>,
    text: String,
    name: String,
    max_states: Option<usize>,
) -> PyResult<PyModel> {
    prepare(py, Source::Text { text, name }, max_states)
}

/// A built-in model by name (`None`: the default, the NRC scenario).
#[pyfunction]
#[pyo3(signature = (name=None, max_states=None))]
fn example(py: Python<'_>, name: Option<String>, max_states: Option<usize>) -> PyResult<PyModel> {
    prepare(py, Source::Example(name), max_states)
}

/// A random model of the given shape, as `detente generate` makes it (the same shape
/// and seed give the same model), read back from its TOML and compiled.
#[pyfunction]
#[pyo3(signature = (
    dms=4, options_per_dm=3, rules=0, rule_width=3, irreversible=0,
    preferences="prioritization", statements=6, tiers=8, seed=1, max_states=None
))]
#[allow(clippy::too_many_arguments)]
fn generate(
    py: Python<'_>,
    dms: u16,
    options_per_dm: u16,
    rules: usize,
    rule_width: usize,
    irreversible: u8,
    preferences: &str,
    statements: usize,
    tiers: usize,
    seed: u64,
    max_states: Option<usize>,
) -> PyResult<PyModel> {
    use detente_engine::generate::{PreferenceKind, Shape};
    let invalid = |message: String| RequestError::new_err(message);
    if !(1..=63).contains(&dms) || !(1..=63).contains(&options_per_dm) {
        return Err(invalid(format!(
            "dms and options_per_dm must be between 1 and 63, not {dms} and {options_per_dm}"
        )));
    }
    if irreversible > 100 {
        return Err(invalid(format!(
            "irreversible is a percentage (0-100), not {irreversible}"
        )));
    }
    let preferences = match preferences {
        "prioritization" => PreferenceKind::Prioritization { statements },
        "ranking" => PreferenceKind::Ranking { tiers },
        other => {
            return Err(invalid(format!(
                "preferences must be \"prioritization\" or \"ranking\", not {other:?}"
            )));
        }
    };
    let shape = Shape {
        dms: dms.into(),
        options_per_dm: options_per_dm.into(),
        rules,
        rule_width,
        irreversible_percent: irreversible,
        preferences,
        seed,
    };
    let model = detente_app::generate(&shape).map_err(|e| raise(py, e))?;
    let source = Source::Text {
        text: detente_format::to_toml(&model),
        name: format!("generated-{seed}.toml"),
    };
    prepare(py, source, max_states)
}

/// The built-in models as `(name, title)` pairs.
#[pyfunction]
fn examples() -> Vec<(&'static str, &'static str)> {
    detente_examples::EXAMPLES
        .iter()
        .map(|e| (e.name, e.title))
        .collect()
}

/// A model read and compiled, ready for any analysis.
#[pyclass(module = "detente._detente", name = "Model", frozen)]
struct PyModel {
    prepared: Prepared,
    /// Where it came from, as a reader would name it.
    source: String,
    limits: Limits,
}

fn direction_key(direction: detente_engine::Direction) -> &'static str {
    match direction {
        detente_engine::Direction::Both => "both",
        detente_engine::Direction::Forward => "forward",
        detente_engine::Direction::Backward => "backward",
    }
}

#[pymethods]
impl PyModel {
    /// The model's name.
    #[getter]
    fn name(&self) -> String {
        self.prepared.model().name.clone()
    }

    /// Where the model was read from.
    #[getter]
    fn source(&self) -> String {
        self.source.clone()
    }

    /// The number of feasible states.
    #[getter]
    fn state_count(&self) -> usize {
        self.prepared.conflict.state_count()
    }

    /// The status quo's state number, if the model names one.
    #[getter]
    fn status_quo(&self) -> Option<usize> {
        let conflict = &self.prepared.conflict;
        conflict.status_quo().map(|s| conflict.space().id(s))
    }

    /// Every feasible state's Y/N string, in state-number order (state `i + 1` at `i`).
    fn states(&self) -> Vec<String> {
        let space = self.prepared.conflict.space();
        (0..space.len() as u32).map(|s| space.yn(s)).collect()
    }

    /// The number of the state `text` names: its number, Y/N string, a named state's
    /// name or `sq`.
    fn state_number(&self, py: Python<'_>, text: &str) -> PyResult<usize> {
        let state = self.prepared.state(text).map_err(|e| raise(py, e))?;
        Ok(self.prepared.conflict.space().id(state))
    }

    /// This model with decision makers' preferences replaced: `positions_json` is a JSON
    /// object from DM names or ids to positions (the model format's preference keys).
    fn with_preferences_json(&self, py: Python<'_>, positions_json: &str) -> PyResult<PyModel> {
        let positions = positions_of(positions_json).map_err(|e| raise(py, e))?;
        self.changed(py, |prepared, limits| {
            prepared.with_preferences(&positions, limits, &limits.start())
        })
    }

    /// This model with the state `state` names (as for `state_number`) as its status
    /// quo; `None`: without one.
    #[pyo3(signature = (state=None))]
    fn with_status_quo(&self, py: Python<'_>, state: Option<String>) -> PyResult<PyModel> {
        self.changed(py, |prepared, limits| {
            let state = state.as_deref().map(|t| prepared.state(t)).transpose()?;
            prepared.with_status_quo(state, limits, &limits.start())
        })
    }

    /// A sweep of preference profiles (`request_json`: see `sweep::request`), as
    /// `detente.sweep/1` JSON.
    fn sweep_json(&self, py: Python<'_>, request_json: &str) -> PyResult<String> {
        let prepared = &self.prepared;
        let limits = &self.limits;
        let answer = py.detach(|| -> Result<Vec<u8>, AppError> {
            let request = sweep::request(request_json, prepared.conflict.state_count())?;
            let answer = prepared.sweep(&request, limits, &limits.start())?;
            json_of(&SweepReport {
                model: prepared.model(),
                sweep: &answer,
            })
        });
        text_of(py, answer)
    }

    /// The model as JSON: name, notes, decision makers with their options, the
    /// options in column order, and each DM's preferences as the model file writes them.
    fn describe_json(&self) -> PyResult<String> {
        let model = self.prepared.model();
        let toml = detente_format::to_toml(model);
        let form = detente_format::form_of_file(&toml, "model.toml")
            .map_err(|e| PyValueError::new_err(format!("cannot describe the model: {e}")))?;
        let forms = form.get("dm").and_then(Value::as_array);
        let dms: Vec<Value> = model
            .decision_makers
            .iter()
            .enumerate()
            .map(|(d, dm)| {
                let written = forms.and_then(|f| f.get(d));
                let pick = |key: &str| written.and_then(|w| w.get(key)).cloned();
                json!({
                    "id": dm.id,
                    "name": dm.name,
                    "options": dm.options.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(),
                    "preferences": {
                        "statements": pick("preferences"),
                        "ranking": pick("ranking"),
                    },
                })
            })
            .collect();
        let options: Vec<Value> = model
            .options()
            .map(|(d, o)| {
                json!({
                    "id": o.id,
                    "name": o.label,
                    "decision_maker": model.decision_makers[d].name,
                    "direction": direction_key(o.direction),
                })
            })
            .collect();
        let body = json!({
            "name": model.name,
            "description": model.notes.description,
            "source": model.notes.source,
            "decision_makers": dms,
            "options": options,
        });
        Ok(body.to_string())
    }

    /// Stability of every state for every DM under `concepts` (keys: nash, gmr, smr,
    /// seq, sim, seqsim; `None`: the CLI's defaults), as the CLI's
    /// `detente analyze --format json` writes it (`detente.analysis/1`).
    #[pyo3(signature = (concepts=None))]
    fn analyze_json(&self, py: Python<'_>, concepts: Option<Vec<String>>) -> PyResult<String> {
        let prepared = &self.prepared;
        let limits = &self.limits;
        let answer = py.detach(|| -> Result<Vec<u8>, AppError> {
            let asked = concepts
                .as_deref()
                .map(detente_app::concepts_by_key)
                .transpose()?;
            let conflict = &prepared.conflict;
            let choice = ConceptChoice::new(asked.as_deref(), conflict.state_count())?;
            let timer = limits.start();
            let analysis = prepared.analysis(&choice.concepts, &timer, &|| {})?;
            let report = Report {
                model: prepared.model(),
                conflict,
                analysis: &analysis,
                all_states: true,
                robustness: None,
            };
            json_of(&report)
        });
        text_of(py, answer)
    }

    /// Why `state` (its number, Y/N string, a named state's name or `sq`) is or is not
    /// stable for `dms` (names or ids; `None`: every DM) under `concepts` (`None`: all),
    /// as `detente explain --format json` writes it (`detente.explanation/1`).
    #[pyo3(signature = (state, dms=None, concepts=None))]
    fn explain_json(
        &self,
        py: Python<'_>,
        state: String,
        dms: Option<Vec<String>>,
        concepts: Option<Vec<String>>,
    ) -> PyResult<String> {
        let prepared = &self.prepared;
        let limits = &self.limits;
        let answer = py.detach(|| -> Result<Vec<u8>, AppError> {
            let state = prepared.state(&state)?;
            let request = ExplainRequest {
                dms,
                concepts: concepts
                    .as_deref()
                    .map(detente_app::concepts_by_key)
                    .transpose()?,
            };
            let explained = prepared.explain(state, &request, &limits.start())?;
            let report = Explanation {
                model: prepared.model(),
                conflict: &prepared.conflict,
                explained: &explained,
            };
            json_of(&report)
        });
        text_of(py, answer)
    }

    /// The states reachable from `start` (as for `explain_json`; `None`: the status quo) by
    /// unilateral improvements and, with `coalitions` (`"listed"`, `"all"` or lists of DM
    /// names or ids), the coalitions' joint ones, with the equilibria under `concepts`
    /// reached and the shortest paths, as `detente evolve --format json` writes it
    /// (`detente.evolution/1`).
    #[pyo3(signature = (start=None, concepts=None, coalitions=None, named=None))]
    fn evolve_json(
        &self,
        py: Python<'_>,
        start: Option<String>,
        concepts: Option<Vec<String>>,
        coalitions: Option<String>,
        named: Option<Vec<Vec<String>>>,
    ) -> PyResult<String> {
        let choice = match (coalitions.as_deref(), named) {
            (None, None) => None,
            (None, Some(named)) => Some(CoalitionChoice::Named(named)),
            (Some("listed"), None) => Some(CoalitionChoice::Listed),
            (Some("all"), None) => Some(CoalitionChoice::All),
            (Some(other), _) => {
                return Err(RequestError::new_err(format!(
                    "coalitions must be \"listed\", \"all\" or lists of DMs, not {other:?}"
                )));
            }
        };
        let prepared = &self.prepared;
        let limits = &self.limits;
        let answer = py.detach(|| -> Result<Vec<u8>, AppError> {
            let timer = limits.start();
            let from = start.as_deref().map(|t| prepared.state(t)).transpose()?;
            let asked = concepts
                .as_deref()
                .map(detente_app::concepts_by_key)
                .transpose()?;
            let chosen = ConceptChoice::new(asked.as_deref(), prepared.conflict.state_count())?;
            let analysis = prepared.analysis(&chosen.concepts, &timer, &|| {})?;
            let (evolution, coalitions) = prepared.evolve(from, choice.as_ref(), &timer)?;
            let report = EvolutionReport {
                model: prepared.model(),
                conflict: &prepared.conflict,
                analysis: &analysis,
                evolution: &evolution,
                coalitions: &coalitions,
            };
            json_of(&report)
        });
        text_of(py, answer)
    }

    /// The model in detente's TOML format.
    fn to_toml(&self, py: Python<'_>) -> PyResult<String> {
        self.convert(py, ModelFormat::Toml).map(|(text, _)| text)
    }

    /// The model as GMCR+'s `.gmcr` JSON, and what that format could not hold
    /// (`["uncertainty", "states"]`: uncertain preferences, the status quo and named states).
    fn to_gmcr(&self, py: Python<'_>) -> PyResult<(String, Vec<&'static str>)> {
        self.convert(py, ModelFormat::Gmcr)
    }

    fn __repr__(&self) -> String {
        format!(
            "<detente.Model {:?}: {} DMs, {} options, {} states>",
            self.prepared.model().name,
            self.prepared.model().decision_makers.len(),
            self.prepared.model().option_count(),
            self.prepared.conflict.state_count()
        )
    }
}

impl PyModel {
    /// This model changed by `change` (with the GIL released), read and compiled again.
    fn changed(
        &self,
        py: Python<'_>,
        change: impl FnOnce(&Prepared, &Limits) -> Result<Prepared, AppError> + Send,
    ) -> PyResult<PyModel> {
        let prepared = py
            .detach(|| change(&self.prepared, &self.limits))
            .map_err(|e| raise(py, e))?;
        Ok(PyModel {
            prepared,
            source: format!("{} (changed)", self.source.trim_end_matches(" (changed)")),
            limits: self.limits.clone(),
        })
    }

    fn convert(
        &self,
        py: Python<'_>,
        format: ModelFormat,
    ) -> PyResult<(String, Vec<&'static str>)> {
        let loaded = self.prepared.loaded.clone();
        let limits = &self.limits;
        let converted = py
            .detach(|| detente_app::convert(loaded, format, limits, &limits.start()))
            .map_err(|e| raise(py, e))?;
        let mut dropped = Vec::new();
        if converted.dropped_uncertainty {
            dropped.push("uncertainty");
        }
        if converted.dropped_states {
            dropped.push("states");
        }
        Ok((converted.text, dropped))
    }
}

/// The native half of the `detente` package.
#[pymodule]
fn _detente(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyModel>()?;
    m.add_function(wrap_pyfunction!(load_file, m)?)?;
    m.add_function(wrap_pyfunction!(load_text, m)?)?;
    m.add_function(wrap_pyfunction!(example, m)?)?;
    m.add_function(wrap_pyfunction!(examples, m)?)?;
    m.add_function(wrap_pyfunction!(generate, m)?)?;
    m.add("DetenteError", py.get_type::<DetenteError>())?;
    m.add("ModelError", py.get_type::<ModelError>())?;
    m.add("RequestError", py.get_type::<RequestError>())?;
    m.add("LimitError", py.get_type::<LimitError>())?;
    Ok(())
}
