//! `detente inverse`: which preferences of the varied DMs make a state an equilibrium.

use crate::Failure;
use crate::args::InverseArgs;
use crate::commands::{format_of, model_and_state};
use detente_app::{INVERSE_SHOWN_COMPARISONS, InverseRequest};
use detente_engine::Concept;
use detente_report::{InverseReport, Render};

pub fn inverse(args: InverseArgs) -> Result<(), Failure> {
    let (prepared, target, timer) = model_and_state(
        &args.args,
        args.example.clone(),
        args.max_states,
        args.timeout,
    )?;
    let request = InverseRequest {
        target,
        vary: (!args.vary.is_empty()).then(|| args.vary.clone()),
        concepts: (!args.concepts.is_empty())
            .then(|| args.concepts.iter().copied().map(Concept::from).collect()),
        count: args.count,
        sample: args.sample,
        seed: args.seed,
        full: args.full,
    };
    let answer = prepared.inverse(&request, &timer)?;
    if answer.answers.iter().any(|a| !a.omitted.is_nothing()) {
        eprintln!(
            "note: the conditions are long, so at most {INVERSE_SHOWN_COMPARISONS} comparisons per concept and decision maker are listed; --full lists them all"
        );
    }
    let report = InverseReport {
        model: prepared.model(),
        conflict: &prepared.conflict,
        answer: &answer,
    };
    report.render(format_of(args.format), &mut std::io::stdout().lock())?;
    Ok(())
}
