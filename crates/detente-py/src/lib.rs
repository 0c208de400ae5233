//! detente for Python: the native module `detente._detente`, which the pure-Python
//! package `detente` (`crates/detente-py/python/detente/`) wraps. Every request goes
//! through detente-app, as it does from the CLI and the workbench; answers cross into
//! Python as the JSON the CLI writes (detente-report's schemas), which the Python
//! layer reads with `json.loads`. Engine work runs with the GIL released.

use detente_app::{
    AppError, CoalitionChoice, ConceptChoice, ExplainRequest, InverseRequest, Limit, Limits,
    ModelFormat, Prepared, Source, Timer,
};
use detente_engine::foresight::Outlook;
use detente_engine::{Concept, robustness};
use detente_report::{
    CoalitionReport, EvolutionReport, Explanation, ForesightReport, Format, InverseReport, Render,
    Report, RobustnessReport, SweepReport, VerdictsReport,
};
use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use serde_json::{Value, json};
use std::path::PathBuf;
use sweep::positions_of;

mod sweep;

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
        Limit::Horizon => "pass a smaller horizon to foresight()".to_string(),
        Limit::Varied => {
            "vary fewer decision makers in inverse(), or leave out seq from its concepts"
                .to_string()
        }
        Limit::Profiles => {
            "pass robustness() an exact_limit and samples within the limit".to_string()
        }
        Limit::RobustnessStates => {
            "choose fewer concepts, or add feasibility rules to shrink the model".to_string()
        }
        Limit::Coalitions => {
            "coalitions() is for nash, gmr, smr and seq on models of moderate size".to_string()
        }
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

/// A report in `format`, as the CLI writes it with `--format`.
fn rendered(report: &dyn Render, format: Format) -> Result<String, AppError> {
    let cannot = |e: &dyn std::fmt::Display| AppError::Invalid {
        message: format!("cannot write the answer: {e}"),
        help: None,
    };
    let mut out = Vec::new();
    report.render(format, &mut out).map_err(|e| cannot(&e))?;
    String::from_utf8(out).map_err(|e| cannot(&e))
}

/// A report's JSON, as the CLI writes it with `--format json`.
fn json_of(report: &dyn Render) -> Result<String, AppError> {
    rendered(report, Format::Json)
}

/// A tabular report's JSON and CSV (`--format json`, `--format csv`).
fn json_and_csv(report: &dyn Render) -> Result<(String, String), AppError> {
    Ok((json_of(report)?, rendered(report, Format::Csv)?))
}

/// A request refused before it reaches the application layer, raised as its refusals
/// are (a `RequestError` with `message` and `help`).
fn refused(py: Python<'_>, message: String, help: Option<String>) -> PyErr {
    raise(py, AppError::Invalid { message, help })
}

/// The concepts named by their keys (`None`: none named).
fn asked_concepts(keys: Option<&[String]>) -> Result<Option<Vec<Concept>>, AppError> {
    keys.map(detente_app::concepts_by_key).transpose()
}

/// The concepts named by their keys, or the command line's defaults for the model's size.
fn chosen_concepts(prepared: &Prepared, keys: Option<&[String]>) -> Result<Vec<Concept>, AppError> {
    let asked = asked_concepts(keys)?;
    Ok(ConceptChoice::new(asked.as_deref(), prepared.conflict.state_count())?.concepts)
}

/// The coalitions asked for: `"listed"`, `"all"`, or `named` (lists of DM names or ids);
/// `None` when neither is given.
fn coalition_choice(
    py: Python<'_>,
    coalitions: Option<&str>,
    named: Option<Vec<Vec<String>>>,
) -> PyResult<Option<CoalitionChoice>> {
    match (coalitions, named) {
        (None, None) => Ok(None),
        (None, Some(named)) => Ok(Some(CoalitionChoice::Named(named))),
        (Some("listed"), None) => Ok(Some(CoalitionChoice::Listed)),
        (Some("all"), None) => Ok(Some(CoalitionChoice::All)),
        (Some(other), _) => Err(refused(
            py,
            format!("coalitions must be \"listed\", \"all\" or lists of DMs, not {other:?}"),
            None,
        )),
    }
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
        self.changed(py, |prepared, limits, timer| {
            prepared.with_preferences(&positions, limits, timer)
        })
    }

    /// This model with the state `state` names (as for `state_number`) as its status
    /// quo; `None`: without one.
    #[pyo3(signature = (state=None))]
    fn with_status_quo(&self, py: Python<'_>, state: Option<String>) -> PyResult<PyModel> {
        self.changed(py, |prepared, limits, timer| {
            let state = state.as_deref().map(|t| prepared.state(t)).transpose()?;
            prepared.with_status_quo(state, limits, timer)
        })
    }

    /// A sweep of preference profiles (`request_json`: see `sweep::request`), as
    /// `detente.sweep/1` JSON.
    fn sweep_json(&self, py: Python<'_>, request_json: &str) -> PyResult<String> {
        let limits = &self.limits;
        self.run(py, |prepared, timer| {
            let request = sweep::request(request_json, prepared.conflict.state_count())?;
            let answer = prepared.sweep(&request, limits, timer)?;
            json_of(&SweepReport {
                model: prepared.model(),
                sweep: &answer,
            })
        })
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
        self.run(py, |prepared, timer| {
            let concepts = chosen_concepts(prepared, concepts.as_deref())?;
            let analysis = prepared.analysis(&concepts, timer, &|| {})?;
            json_of(&Report {
                model: prepared.model(),
                conflict: &prepared.conflict,
                analysis: &analysis,
                all_states: true,
                robustness: None,
            })
        })
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
        self.run(py, |prepared, timer| {
            let state = prepared.state(&state)?;
            let request = ExplainRequest {
                dms,
                concepts: asked_concepts(concepts.as_deref())?,
            };
            let explained = prepared.explain(state, &request, timer)?;
            json_of(&Explanation {
                model: prepared.model(),
                conflict: &prepared.conflict,
                explained: &explained,
            })
        })
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
        let choice = coalition_choice(py, coalitions.as_deref(), named)?;
        self.run(py, |prepared, timer| {
            let from = start.as_deref().map(|t| prepared.state(t)).transpose()?;
            let concepts = chosen_concepts(prepared, concepts.as_deref())?;
            let analysis = prepared.analysis(&concepts, timer, &|| {})?;
            let (evolution, coalitions) = prepared.evolve(from, choice.as_ref(), timer)?;
            json_of(&EvolutionReport {
                model: prepared.model(),
                conflict: &prepared.conflict,
                analysis: &analysis,
                evolution: &evolution,
                coalitions: &coalitions,
            })
        })
    }

    /// Coalitional stability under `concept` (`nash`, `gmr`, `smr` or `seq`) for the
    /// coalitions asked for (`coalitions`: `"listed"` or `"all"`, or `named`: lists of DM
    /// names or ids; neither: the model's listed coalitions, or every coalition of two or
    /// more DMs if it lists none), and which coalitions can upset each equilibrium, as
    /// `detente coalitions --format json` writes it (`detente.coalitions/2`).
    #[pyo3(signature = (concept="seq".to_string(), coalitions=None, named=None))]
    fn coalitions_json(
        &self,
        py: Python<'_>,
        concept: String,
        coalitions: Option<String>,
        named: Option<Vec<Vec<String>>>,
    ) -> PyResult<String> {
        let choice = coalition_choice(py, coalitions.as_deref(), named)?.unwrap_or_default();
        self.run(py, |prepared, timer| {
            let concept = detente_app::concept_by_key(&concept)?;
            let coalitional = prepared.coalitional(concept, &choice, timer)?;
            let analysis = prepared.analysis(&[concept], timer, &|| {})?;
            json_of(&CoalitionReport {
                model: prepared.model(),
                conflict: &prepared.conflict,
                analysis: &analysis,
                coalitions: &coalitional,
            })
        })
    }

    /// Limited-move stability L_`horizon` and non-myopic stability under `outlook`
    /// (`"cautious"` or `"hopeful"`), with the lines of play at `states` (as for
    /// `explain_json`), as `detente foresight --format json` and `--format csv` write it
    /// (`detente.foresight/1`, then one row per state).
    #[pyo3(signature = (horizon=2, outlook="cautious".to_string(), states=None))]
    fn foresight_json(
        &self,
        py: Python<'_>,
        horizon: u32,
        outlook: String,
        states: Option<Vec<String>>,
    ) -> PyResult<(String, String)> {
        let outlook = match outlook.as_str() {
            "cautious" => Outlook::Cautious,
            "hopeful" => Outlook::Hopeful,
            other => {
                return Err(refused(
                    py,
                    format!("outlook must be \"cautious\" or \"hopeful\", not {other:?}"),
                    None,
                ));
            }
        };
        self.run(py, |prepared, timer| {
            let lines_for = states
                .iter()
                .flatten()
                .map(|text| prepared.state(text))
                .collect::<Result<Vec<_>, _>>()?;
            let (foresight, other) = prepared.foresight(horizon, outlook, timer)?;
            json_and_csv(&ForesightReport {
                model: prepared.model(),
                conflict: &prepared.conflict,
                foresight: &foresight,
                other: &other,
                lines_for,
            })
        })
    }

    /// The share of the preference profiles the model's uncertain preferences allow under
    /// which each state is an equilibrium under `concepts` (as for `analyze_json`): every
    /// profile when there are at most `exact_limit`, otherwise `samples` drawn from `seed`,
    /// as `detente robustness --format json` and `--format csv` write it
    /// (`detente.robustness/1`, then one row per state).
    #[pyo3(signature = (
        concepts=None,
        exact_limit=robustness::DEFAULT_EXACT_LIMIT,
        samples=robustness::DEFAULT_SAMPLES,
        seed=1
    ))]
    fn robustness_json(
        &self,
        py: Python<'_>,
        concepts: Option<Vec<String>>,
        exact_limit: u64,
        samples: u64,
        seed: u64,
    ) -> PyResult<(String, String)> {
        self.run(py, |prepared, timer| {
            let concepts = chosen_concepts(prepared, concepts.as_deref())?;
            let settings = detente_app::robustness_settings(
                concepts,
                Some(exact_limit),
                Some(samples),
                Some(seed),
            );
            let robustness = prepared.robustness(&settings, timer, &|| {})?;
            let written = prepared.analysis(robustness.concepts(), timer, &|| {})?;
            json_and_csv(&RobustnessReport {
                model: prepared.model(),
                conflict: &prepared.conflict,
                written: &written,
                robustness: &robustness,
            })
        })
    }

    /// The conditions on the preferences of the DMs in `vary` (names or ids; `None`:
    /// every DM) under which `state` (as for `explain_json`) is an equilibrium under
    /// `concepts` (among nash, gmr, smr and seq; `None`: all four); with `count`, how many
    /// rankings meet them, with `sample`, that many drawn from `seed`; `full` lists every
    /// comparison. As `detente inverse --format json` writes it (`detente.inverse/1`).
    #[pyo3(signature = (state, vary=None, concepts=None, count=false, sample=None, seed=1, full=false))]
    #[allow(clippy::too_many_arguments)]
    fn inverse_json(
        &self,
        py: Python<'_>,
        state: String,
        vary: Option<Vec<String>>,
        concepts: Option<Vec<String>>,
        count: bool,
        sample: Option<u64>,
        seed: u64,
        full: bool,
    ) -> PyResult<String> {
        if vary.as_ref().is_some_and(Vec::is_empty) {
            return Err(refused(
                py,
                "vary names no decision maker".to_string(),
                Some("name at least one, or pass None to vary every DM".to_string()),
            ));
        }
        let sample = sample
            .map(|n| {
                u16::try_from(n).map_err(|_| {
                    let most = detente_engine::inverse::MAX_SAMPLES;
                    refused(
                        py,
                        format!("cannot draw {n} samples"),
                        Some(format!("draw 1 to {most} rankings")),
                    )
                })
            })
            .transpose()?;
        self.run(py, |prepared, timer| {
            let request = InverseRequest {
                target: prepared.state(&state)?,
                vary,
                concepts: asked_concepts(concepts.as_deref())?,
                count,
                sample,
                seed,
                full,
            };
            let answer = prepared.inverse(&request, timer)?;
            json_of(&InverseReport {
                model: prepared.model(),
                conflict: &prepared.conflict,
                answer: &answer,
            })
        })
    }

    /// The verdicts in plain words on the status quo and each named state under
    /// `concepts` (as for `analyze_json`): whether it holds, who is tempted to leave it,
    /// what deters them, and how often it holds across the model's uncertain preferences,
    /// as the workbench's `POST /api/verdicts` answers (`detente.verdicts/1`).
    #[pyo3(signature = (concepts=None))]
    fn verdicts_json(&self, py: Python<'_>, concepts: Option<Vec<String>>) -> PyResult<String> {
        self.run(py, |prepared, timer| {
            let (model, conflict) = (prepared.model(), &prepared.conflict);
            let concepts = chosen_concepts(prepared, concepts.as_deref())?;
            let analysis = prepared.analysis(&concepts, timer, &|| {})?;
            let verdicts = detente_app::verdicts(model, conflict, &analysis);
            let robustness = detente_app::verdict_robustness(model, conflict, &concepts, timer);
            json_of(&VerdictsReport {
                model,
                conflict,
                verdicts: &verdicts,
                robustness: robustness.as_ref(),
            })
        })
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
    /// Runs `work` on the model with the GIL released, its clock started now, and
    /// hands its answer back, or raises its error.
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        work: impl FnOnce(&Prepared, &Timer) -> Result<T, AppError> + Send,
    ) -> PyResult<T> {
        let (prepared, limits) = (&self.prepared, &self.limits);
        py.detach(|| work(prepared, &limits.start()))
            .map_err(|e| raise(py, e))
    }

    /// This model changed by `change` (with the GIL released), read and compiled again.
    fn changed(
        &self,
        py: Python<'_>,
        change: impl FnOnce(&Prepared, &Limits, &Timer) -> Result<Prepared, AppError> + Send,
    ) -> PyResult<PyModel> {
        let limits = &self.limits;
        let prepared = self.run(py, |prepared, timer| change(prepared, limits, timer))?;
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
    m.add("DEFAULT_EXACT_LIMIT", robustness::DEFAULT_EXACT_LIMIT)?;
    m.add("DEFAULT_SAMPLES", robustness::DEFAULT_SAMPLES)?;
    Ok(())
}
