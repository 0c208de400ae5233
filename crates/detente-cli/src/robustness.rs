//! `detente robustness`: equilibria across the preference profiles a model's
//! uncertain preferences allow.

use crate::Failure;
use crate::args::RobustnessArgs;
use crate::commands::{default_concepts, format_of, progress};
use crate::input::{Prepared, prepare};
use detente_engine::Analysis;
use detente_engine::robustness::{Robustness, RobustnessError, Settings};
use detente_report::{Render, RobustnessReport};
use miette::miette;

pub fn run(args: RobustnessArgs) -> Result<(), Failure> {
    let Prepared { loaded, conflict } = prepare(&args.source)?;
    let model = &loaded.model;
    let settings = Settings {
        concepts: default_concepts(&args.concepts, &conflict),
        exact_limit: args.exact_limit,
        samples: args.samples,
        seed: args.seed,
    };
    let (_, profiles) = settings.plan(model);
    let bar = progress(profiles as usize, conflict.state_count(), args.format);
    let robustness = Robustness::run(model, &conflict, &settings, &|| bar.inc(1));
    bar.finish_and_clear();
    let robustness = robustness.map_err(|e| {
        let help = match e {
            RobustnessError::TooManyStates { .. } => {
                "choose fewer --concepts, or add feasibility rules to shrink the model"
            }
            RobustnessError::TooManyProfiles { .. } | RobustnessError::NoSamples => {
                "give --samples and --exact-limit within the limit"
            }
            RobustnessError::BadUncertainty { .. } | RobustnessError::Model(_) => {
                "check the `priority` ranges of the model (docs/MODEL_FORMAT.md)"
            }
        };
        miette!(help = help, "{e}")
    })?;
    let written = Analysis::run(&conflict, robustness.concepts(), &|| {});
    let report = RobustnessReport {
        model,
        conflict: &conflict,
        written: &written,
        robustness: &robustness,
    };
    report.render(format_of(args.format), &mut std::io::stdout().lock())?;
    Ok(())
}
