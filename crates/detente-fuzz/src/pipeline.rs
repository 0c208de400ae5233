//! Everything detente does with a model, in-process, as the front ends drive it
//! through the application layer: load, open for editing as a form, convert both
//! ways and back, compile, every request, and every report in every format it has;
//! and for a model's JSON form (`*.form.json`), what the workbench does with one:
//! load, convert, compile. Errors are drawn as the command line draws them, since
//! drawing them is part of what must not panic.

use detente_app::{
    AppError, CoalitionChoice, ExplainRequest, InverseRequest, Limits, ModelFormat, Prepared,
    Source, Timer, robustness_settings,
};
use detente_engine::foresight::Outlook;
use detente_engine::{Concept, StateIndex};
use detente_format::Loaded;
use detente_report::{
    CoalitionReport, EvolutionReport, Explanation, ForesightReport, Format, InverseReport, Render,
    Report, RobustnessReport, StatesReport,
};
use miette::{GraphicalReportHandler, GraphicalTheme};
use serde_json::Value;

/// Small enough that every analysis of every case takes milliseconds.
pub const LIMITS: Limits = Limits {
    max_states: 4096,
    time: None,
    body_bytes: None,
};

/// Inverse answers are counted on models of at most this many states.
const COUNTED_STATES: usize = 32;

/// Runs the pipeline on `text`, read as the file `name` (a model's JSON form when it
/// ends in `.form.json`): `Err` when the model is refused (every request is still
/// tried on a model that compiles; those a model cannot answer are refused cleanly
/// and their errors drawn).
pub fn run(text: &str, name: &str) -> Result<(), AppError> {
    if name.ends_with(".form.json") {
        return run_form(text);
    }
    let _ = detente_app::open_for_editing(text, name, &LIMITS)
        .inspect_err(draw)
        .map(|opened| opened.error.as_ref().map(draw));
    let source = Source::Text {
        text: text.to_string(),
        name: name.to_string(),
    };
    let timer = LIMITS.start();
    let loaded = detente_app::load(&source, &LIMITS).inspect_err(draw)?;
    for format in [ModelFormat::Toml, ModelFormat::Gmcr] {
        round_trip(&loaded, format, &timer, draw);
    }
    let prepared = detente_app::compile(loaded, &LIMITS, &timer).inspect_err(draw)?;
    requests(&prepared, &timer);
    Ok(())
}

/// The JSON form the workbench would edit for the model file `text` named `name`, if
/// it can open it.
pub fn form(text: &str, name: &str) -> Option<Value> {
    detente_app::open_for_editing(text, name, &LIMITS)
        .ok()
        .map(|opened| opened.form)
}

/// What the workbench does with a model sent as its JSON form: read it, write it in
/// both formats (and those back), compile it. Every error in the model must name the
/// form path at fault, as the page shows no file.
fn run_form(text: &str) -> Result<(), AppError> {
    let form: Value = serde_json::from_str(text).map_err(|e| AppError::Invalid {
        message: format!("the page sends forms as JSON, and this is not: {e}"),
        help: None,
    })?;
    let timer = LIMITS.start();
    let loaded = detente_app::load(&Source::Form(form), &LIMITS).inspect_err(in_form)?;
    for format in [ModelFormat::Toml, ModelFormat::Gmcr] {
        round_trip(&loaded, format, &timer, in_form);
    }
    detente_app::compile(loaded, &LIMITS, &timer).inspect_err(in_form)?;
    Ok(())
}

/// Draws an error in a model form; an error in the model must carry its form path.
fn in_form(error: &AppError) {
    draw(error);
    if let AppError::Model(located) = error {
        assert!(
            located.form_path().is_some(),
            "an error in a model form without its form path: {located}"
        );
    }
}

/// Draws an error as the command line does; a diagnostic that cannot be drawn panics here.
pub fn draw(error: &AppError) {
    let mut out = String::new();
    match error {
        AppError::Model(located) => {
            GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
                .render_report(&mut out, located.as_ref())
                .expect("a located error can be drawn");
            let _ = (located.line_col(), located.form_path());
        }
        other => out.push_str(&other.to_string()),
    }
    out.push_str(error.help_text().unwrap_or_default());
}

/// Writes `loaded` in `format`, reads it back and writes that in the other format:
/// what detente writes, it must read. `drawn` draws (and checks) an error in `loaded`.
fn round_trip(loaded: &Loaded, format: ModelFormat, timer: &Timer, drawn: fn(&AppError)) {
    let Ok(written) =
        detente_app::convert(loaded.clone(), format, &LIMITS, timer).inspect_err(drawn)
    else {
        return;
    };
    let source = Source::Text {
        text: written.text,
        name: format!("converted.{}", format.extension()),
    };
    let back = detente_app::load(&source, &LIMITS)
        .unwrap_or_else(|e| panic!("detente cannot read the {format:?} it wrote: {e}"));
    let other = match format {
        ModelFormat::Toml => ModelFormat::Gmcr,
        ModelFormat::Gmcr => ModelFormat::Toml,
    };
    let _ = detente_app::convert(back, other, &LIMITS, timer).inspect_err(draw);
}

/// Every request on a compiled model, each report rendered in all its formats.
fn requests(prepared: &Prepared, timer: &Timer) {
    let (model, conflict) = (prepared.model(), &prepared.conflict);
    let last = conflict.state_count().to_string();
    let named = model.named_states.iter().map(|s| s.name.as_str());
    let states: Vec<StateIndex> = ["1", "sq", &last, "0", "NY", "unknown"]
        .into_iter()
        .chain(named)
        .filter_map(|text| prepared.state(text).inspect_err(draw).ok())
        .collect();
    let Ok(analysis) = prepared
        .analysis(&Concept::ALL, timer, &|| {})
        .inspect_err(draw)
    else {
        return;
    };
    let robustness = detente_app::verdict_robustness(model, conflict, &Concept::ALL, timer);
    for all_states in [false, true] {
        render_all(&Report {
            model,
            conflict,
            analysis: &analysis,
            all_states,
            robustness: robustness.as_ref(),
        });
    }
    render_all(&StatesReport { model, conflict });
    for &state in &states {
        explain(prepared, state, timer);
        inverse(prepared, state, timer);
    }
    for (from, coalitions) in [
        (None, CoalitionChoice::Listed),
        (states.first().copied(), CoalitionChoice::All),
    ] {
        if let Ok((evolution, coalitions)) = prepared
            .evolve(from, Some(&coalitions), timer)
            .inspect_err(draw)
        {
            render_all(&EvolutionReport {
                model,
                conflict,
                analysis: &analysis,
                evolution: &evolution,
                coalitions: &coalitions,
            });
        }
    }
    for concept in [Concept::Nash, Concept::Gmr, Concept::Smr, Concept::Seq] {
        if let Ok(coalitions) = prepared
            .coalitional(concept, &CoalitionChoice::All, timer)
            .inspect_err(draw)
        {
            render_all(&CoalitionReport {
                model,
                conflict,
                analysis: &analysis,
                coalitions: &coalitions,
            });
        }
    }
    for horizon in [0, 1, 2, 3] {
        if let Ok((foresight, other)) = prepared
            .foresight(horizon, Outlook::Cautious, timer)
            .inspect_err(draw)
        {
            render_all(&ForesightReport {
                model,
                conflict,
                foresight: &foresight,
                other: &other,
                lines_for: states.clone(),
            });
        }
    }
    let settings = robustness_settings(Concept::ALL.to_vec(), Some(64), Some(16), Some(1));
    if let Ok(robustness) = prepared
        .robustness(&settings, timer, &|| {})
        .inspect_err(draw)
    {
        render_all(&RobustnessReport {
            model,
            conflict,
            written: &analysis,
            robustness: &robustness,
        });
    }
}

/// Why `state` is or is not stable, for every DM and concept.
fn explain(prepared: &Prepared, state: StateIndex, timer: &Timer) {
    if let Ok(explained) = prepared
        .explain(state, &ExplainRequest::default(), timer)
        .inspect_err(draw)
    {
        render_all(&Explanation {
            model: prepared.model(),
            conflict: &prepared.conflict,
            explained: &explained,
        });
    }
}

/// The preferences of the first DM that make `state` an equilibrium, counted and
/// sampled on small models. Varying every DM can take minutes even on 64 states, and
/// exact counts grow with the states' factorial: both are for the time bounds to stop.
fn inverse(prepared: &Prepared, target: StateIndex, timer: &Timer) {
    let small = prepared.conflict.state_count() <= COUNTED_STATES;
    let request = InverseRequest {
        target,
        vary: prepared
            .model()
            .decision_makers
            .first()
            .map(|d| vec![d.id.clone()]),
        concepts: None,
        count: small,
        sample: small.then_some(2),
        seed: 1,
        full: false,
    };
    if let Ok(answer) = prepared.inverse(&request, timer).inspect_err(draw) {
        render_all(&InverseReport {
            model: prepared.model(),
            conflict: &prepared.conflict,
            answer: &answer,
        });
    }
}

/// Renders `report` in every format it has; its JSON must parse.
fn render_all(report: &dyn Render) {
    for &format in report.formats() {
        let mut out = Vec::new();
        report
            .render(format, &mut out)
            .expect("a report renders in the formats it lists");
        if format == Format::Json {
            serde_json::from_slice::<serde_json::Value>(&out).expect("JSON reports are JSON");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mutate::form_text;

    fn prisoners_form() -> Value {
        let text = include_str!("../../../models/prisoners.toml");
        form(text, "prisoners.toml").expect("the model opens as a form")
    }

    /// The pipeline on `form`, as the fuzzer runs a form case.
    fn run_on(form: &Value) -> Result<(), AppError> {
        run(&form_text(form), "case.form.json")
    }

    #[test]
    fn a_form_is_read_compiled_and_its_errors_located_by_form_path() {
        let mut form = prisoners_form();
        assert!(run_on(&form).is_ok());
        // Wrong when read, and wrong only when compiled.
        let mut misread = form.clone();
        misread["dm"][1]["option"][0]["id"] = Value::from(7);
        form["status_quo"] = serde_json::json!(["p1_cooperate", "p2_cooperate"]);
        form["rule"] = serde_json::json!([{"not_both": ["p1_cooperate", "p2_cooperate"]}]);
        for (broken, at) in [(misread, "/dm/1/option/0/id"), (form, "/status_quo")] {
            match run_on(&broken) {
                Err(AppError::Model(located)) => {
                    assert_eq!(located.form_path(), Some(at), "{located}");
                }
                other => panic!("expected an error at {at}, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_form_that_is_not_json_is_refused() {
        assert!(matches!(
            run("{\"dm\": [", "case.form.json"),
            Err(AppError::Invalid { .. })
        ));
    }
}
