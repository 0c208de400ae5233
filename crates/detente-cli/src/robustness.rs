//! `detente robustness` and `detente sweep`: equilibria across the preference profiles a
//! model's uncertain preferences allow, counted or profile by profile.

use crate::Failure;
use crate::args::{RobustnessArgs, SweepArgs};
use crate::commands::{chosen_concepts, format_of, progress};
use crate::input::prepare;
use detente_app::{SweepProfiles, SweepRequest, robustness_settings};
use detente_report::{Render, RobustnessReport, SweepReport};

pub fn run(args: RobustnessArgs) -> Result<(), Failure> {
    let (prepared, timer) = prepare(&args.source)?;
    let concepts = chosen_concepts(&args.concepts, &prepared)?;
    let settings = robustness_settings(
        concepts,
        Some(args.exact_limit),
        Some(args.samples),
        Some(args.seed),
    );
    let (_, profiles) = settings.plan(prepared.model());
    let bar = progress(
        profiles as usize,
        prepared.conflict.state_count(),
        args.format,
    );
    let robustness = prepared.robustness(&settings, &timer, &|| bar.inc(1));
    bar.finish_and_clear();
    let robustness = robustness?;
    let written = prepared.analysis(robustness.concepts(), &timer, &|| {})?;
    let report = RobustnessReport {
        model: prepared.model(),
        conflict: &prepared.conflict,
        written: &written,
        robustness: &robustness,
    };
    report.render(format_of(args.format), &mut std::io::stdout().lock())?;
    Ok(())
}

pub fn sweep(args: SweepArgs) -> Result<(), Failure> {
    let (prepared, timer) = prepare(&args.source)?;
    let concepts = chosen_concepts(&args.concepts, &prepared)?;
    let request = SweepRequest {
        profiles: match args.sample {
            Some(count) => SweepProfiles::Sample {
                count,
                seed: args.seed,
            },
            None => SweepProfiles::Every,
        },
        vary: (!args.vary.is_empty()).then_some(args.vary),
        concepts,
        range: args.range,
    };
    let answer = prepared.sweep(&request, &args.source.limits(), &timer)?;
    let report = SweepReport {
        model: prepared.model(),
        sweep: &answer,
    };
    report.render(format_of(args.format), &mut std::io::stdout().lock())?;
    Ok(())
}
