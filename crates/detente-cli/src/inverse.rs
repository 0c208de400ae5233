//! `detente inverse`: which preferences of the varied DMs make a state an equilibrium.

use crate::Failure;
use crate::args::InverseArgs;
use crate::commands::{format_of, model_and_state};
use detente_app::InverseRequest;
use detente_engine::Concept;
use detente_report::{InverseReport, Render};

pub fn inverse(args: InverseArgs) -> Result<(), Failure> {
    let (prepared, target) = model_and_state(&args.args, args.example.clone(), args.max_states)?;
    let answer = prepared.inverse(&InverseRequest {
        target,
        vary: (!args.vary.is_empty()).then(|| args.vary.clone()),
        concepts: (!args.concepts.is_empty())
            .then(|| args.concepts.iter().copied().map(Concept::from).collect()),
        count: args.count,
        sample: args.sample,
        seed: args.seed,
    })?;
    let report = InverseReport {
        model: prepared.model(),
        conflict: &prepared.conflict,
        answer: &answer,
    };
    report.render(format_of(args.format), &mut std::io::stdout().lock())?;
    Ok(())
}
