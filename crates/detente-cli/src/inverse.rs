//! `detente inverse`: which preferences of the varied DMs make a state an equilibrium.

use crate::Failure;
use crate::args::InverseArgs;
use crate::commands::{find_dm, format_of, model_and_state};
use crate::input::Prepared;
use detente_engine::Concept;
use detente_engine::inverse::{CONCEPTS, Inverse};
use detente_report::{ConceptAnswer, InverseReport, Render};
use miette::miette;

pub fn inverse(args: InverseArgs) -> Result<(), Failure> {
    let concepts: Vec<Concept> = if args.concepts.is_empty() {
        CONCEPTS.to_vec()
    } else {
        args.concepts.iter().copied().map(Concept::from).collect()
    };
    if let Some(&other) = concepts.iter().find(|c| !CONCEPTS.contains(c)) {
        return Err(Failure::Input(miette!(
            help = "choose among nash, gmr, smr and seq",
            "inverse analysis does not cover {}",
            other.label()
        )));
    }
    let (Prepared { loaded, conflict }, target) =
        model_and_state(&args.args, args.example.clone(), args.max_states)?;
    let model = &loaded.model;
    let mut varied = if args.vary.is_empty() {
        (0..model.decision_makers.len()).collect()
    } else {
        args.vary
            .iter()
            .map(|name| find_dm(model, name.trim()))
            .collect::<miette::Result<Vec<_>>>()?
    };
    varied.sort_unstable();
    varied.dedup();
    let question = Inverse::new(&conflict, target, &varied);
    let answers = ConceptAnswer::all(&question, &concepts, args.count, args.sample, args.seed);
    if let Some(error) = ConceptAnswer::none_answered(&answers) {
        return Err(Failure::Input(miette!(
            help = "vary fewer decision makers (--vary) or leave out seq (--concept)",
            "{error}"
        )));
    }
    let report = InverseReport {
        model,
        conflict: &conflict,
        target,
        varied,
        answers,
    };
    report.render(format_of(args.format), &mut std::io::stdout().lock())?;
    Ok(())
}
