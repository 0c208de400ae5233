//! One function per subcommand.

use crate::Failure;
use crate::args::{
    AnalyzeArgs, CheckArgs, Cli, CoalitionsArgs, Command, ConvertArgs, EvolveArgs, EvolveFormat,
    ExplainArgs, GenerateArgs, OutputFormat, PreferenceArg, ReportArgs, SourcesArgs, StatesArgs,
};
use crate::args::{ConceptsArg, ModelSource, Timeout};
use crate::input::prepare;
use detente_app::{
    BriefFormat, CoalitionChoice, ConceptChoice, Document, ExplainRequest, Limits, ModelFormat,
    Prepared, SIM_DEFAULT_MAX_STATES, Source, Timer,
};
use detente_engine::generate::{PreferenceKind, Shape};
use detente_engine::{Analysis, Concept, StateIndex};
use detente_format::Loaded;
use detente_report::{
    CoalitionReport, EvolutionReport, Explanation, Format, Render, Report, SourcesReport,
    StatesReport,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use miette::miette;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Models at least this large show a progress bar (an analysis of about a second or more).
const PROGRESS_MIN_STATES: usize = 250_000;

pub fn run(cli: Cli) -> Result<(), Failure> {
    match cli
        .command
        .unwrap_or(Command::Analyze(AnalyzeArgs::default()))
    {
        Command::Analyze(args) => analyze(args),
        Command::Check(args) => check(args),
        Command::States(args) => states(args),
        Command::Convert(args) => convert(args),
        Command::Explain(args) => explain(args),
        Command::Evolve(args) => evolve(args),
        Command::Coalitions(args) => coalitions(args),
        Command::Foresight(args) => crate::foresight::foresight(args),
        Command::Inverse(args) => crate::inverse::inverse(args),
        Command::Examples => examples(),
        Command::Generate(args) => generate(args),
        Command::Robustness(args) => crate::robustness::run(args),
        Command::Sweep(args) => crate::robustness::sweep(args),
        Command::Report(args) => report(args),
        Command::Sources(args) => sources(args),
        Command::Serve(args) => crate::serve::serve(args),
        Command::Council(args) => crate::council::council(args),
    }
}

pub(crate) fn format_of(format: OutputFormat) -> Format {
    match format {
        OutputFormat::Table => Format::Table,
        OutputFormat::Json => Format::Json,
        OutputFormat::Csv => Format::Csv,
        OutputFormat::Markdown => Format::Markdown,
    }
}

/// A bar on stderr for large analyses; hidden when stderr is not a terminal or the output is JSON.
pub(crate) fn progress(jobs: usize, states: usize, format: OutputFormat) -> ProgressBar {
    let visible = states >= PROGRESS_MIN_STATES
        && format != OutputFormat::Json
        && std::io::stderr().is_terminal();
    let bar = ProgressBar::with_draw_target(
        Some(jobs as u64),
        if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} analysing {msg} [{bar:30}] {pos}/{len} steps, {elapsed}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar.set_message(format!("{states} states"));
    bar
}

/// The concepts asked for, or the defaults for the model's size; says on stderr when SIM
/// and SEQ&SIM were left out of the defaults for size.
pub(crate) fn chosen_concepts(
    asked: &ConceptsArg,
    prepared: &Prepared,
) -> Result<Vec<Concept>, Failure> {
    let choice = ConceptChoice::new(asked.chosen().as_deref(), prepared.conflict.state_count())?;
    if choice.sim_left_out {
        eprintln!(
            "note: SIM and SEQ&SIM are not computed by default above {SIM_DEFAULT_MAX_STATES} states (the SIM search grows with the product \
             of the other DMs' improvements); ask for them with --concepts nash,gmr,smr,seq,sim,seqsim"
        );
    }
    Ok(choice.concepts)
}

fn analyze(args: AnalyzeArgs) -> Result<(), Failure> {
    let (prepared, timer) = prepare(&args.source)?;
    let conflict = &prepared.conflict;
    let concepts = chosen_concepts(&args.concepts, &prepared)?;
    let bar = progress(
        Analysis::job_count(conflict, &concepts),
        conflict.state_count(),
        args.format,
    );
    let analysis = prepared.analysis(&concepts, &timer, &|| bar.inc(1));
    let robustness = detente_app::verdict_robustness(prepared.model(), conflict, &concepts, &timer);
    bar.finish_and_clear();
    let report = Report {
        model: prepared.model(),
        conflict,
        analysis: &analysis?,
        all_states: args.all_states,
        robustness: robustness.as_ref(),
    };
    report.render(format_of(args.format), &mut std::io::stdout().lock())?;
    Ok(())
}

fn report(args: ReportArgs) -> Result<(), Failure> {
    let format = BriefFormat::for_path(&args.output)?;
    let (prepared, timer) = prepare(&args.source)?;
    let answer = prepared.brief(&timer)?;
    let brief = detente_brief::Brief {
        model: prepared.model(),
        conflict: &prepared.conflict,
        answer: &answer,
        source: &args.source.source().describe(),
    };
    let bytes = match format {
        BriefFormat::Pdf => brief.pdf().map_err(|e| Failure::Output(e.into()))?,
        BriefFormat::Html => brief.html().into_bytes(),
    };
    std::fs::write(&args.output, bytes).map_err(|e| {
        Failure::Output(anyhow::anyhow!(
            "cannot write `{}`: {e}",
            args.output.display()
        ))
    })?;
    Ok(())
}

fn check(args: CheckArgs) -> Result<(), Failure> {
    let (Prepared { loaded, conflict }, _) = prepare(&args.source)?;
    let model = &loaded.model;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}: valid", model.name)?;
    writeln!(out, "  decision makers: {}", model.decision_makers.len())?;
    writeln!(out, "  options:         {}", model.option_count())?;
    writeln!(
        out,
        "  feasible states: {} of {}",
        conflict.state_count(),
        1u128 << model.option_count()
    )?;
    writeln!(out, "  feasibility rules: {}", model.rules.len())?;
    let uncertain: usize = model
        .decision_makers
        .iter()
        .map(|d| d.uncertain.len())
        .sum();
    if uncertain > 0 {
        let profiles = detente_engine::robustness::profile_count(model)
            .map_or("more than 10^38".to_string(), |n| n.to_string());
        writeln!(
            out,
            "  uncertain preferences: {uncertain} ({profiles} profiles; see `detente robustness`)"
        )?;
    }
    if let Some(sq) = conflict.status_quo() {
        writeln!(
            out,
            "  status quo:      state {} ({})",
            sq + 1,
            conflict.space().yn(sq)
        )?;
    }
    for (named, &s) in model.named_states.iter().zip(conflict.named_states()) {
        writeln!(
            out,
            "  named state:     \"{}\" = state {} ({})",
            named.name,
            s + 1,
            conflict.space().yn(s)
        )?;
    }
    Ok(())
}

fn states(args: StatesArgs) -> Result<(), Failure> {
    let (Prepared { loaded, conflict }, _) = prepare(&args.source)?;
    let report = StatesReport {
        model: &loaded.model,
        conflict: &conflict,
    };
    report.render(format_of(args.format), &mut std::io::stdout().lock())?;
    Ok(())
}

fn convert(args: ConvertArgs) -> Result<(), Failure> {
    let limits = crate::input::limits(args.max_states, args.timeout);
    let timer = limits.start();
    let loaded = detente_app::load(&Source::File(args.input.clone()), &limits)?;
    write_model(loaded, &args.output, &limits, &timer)
}

/// Writes a model in the format the output file's extension names.
fn write_model(
    loaded: Loaded,
    output: &Path,
    limits: &Limits,
    timer: &Timer,
) -> Result<(), Failure> {
    let format = ModelFormat::of_file_name(&output.display().to_string())?;
    let converted = detente_app::convert(loaded, format, limits, timer)?;
    if converted.dropped_uncertainty {
        eprintln!(
            "note: .gmcr has no place for uncertain preferences (`priority` ranges); they are dropped and the order as written is exported"
        );
    }
    if converted.dropped_states {
        eprintln!(
            "note: .gmcr has no place for a status quo or named states (`[[state]]`); they are dropped"
        );
    }
    std::fs::write(output, converted.text).map_err(|e| {
        Failure::Output(anyhow::anyhow!("cannot write `{}`: {e}", output.display()))
    })?;
    eprintln!("wrote {}", output.display());
    Ok(())
}

fn generate(args: GenerateArgs) -> Result<(), Failure> {
    let shape = Shape {
        dms: args.dms.into(),
        options_per_dm: args.options_per_dm.into(),
        rules: args.rules,
        rule_width: args.rule_width,
        irreversible_percent: args.irreversible,
        preferences: match args.preferences {
            PreferenceArg::Prioritization => PreferenceKind::Prioritization {
                statements: args.statements,
            },
            PreferenceArg::Ranking => PreferenceKind::Ranking { tiers: args.tiers },
        },
        seed: args.seed,
    };
    let model = detente_app::generate(&shape)?;
    let text = detente_format::to_toml(&model);
    match &args.output {
        None => {
            std::io::stdout().lock().write_all(text.as_bytes())?;
            Ok(())
        }
        Some(path) => {
            let limits = Limits::command_line();
            let loaded = detente_app::load(
                &Source::Text {
                    text,
                    name: "generated.toml".into(),
                },
                &limits,
            )?;
            write_model(loaded, path, &limits, &limits.start())
        }
    }
}

/// The model and state of `[MODEL] STATE` arguments (with `--example` for the model),
/// and the command's clock, started before the model is read.
pub(crate) fn model_and_state(
    args: &[String],
    example: Option<String>,
    max_states: usize,
    timeout: Timeout,
) -> Result<(Prepared, StateIndex, Timer), Failure> {
    let (model_path, state_text) = match args {
        [state] => (None, state.as_str()),
        [model, state] => (Some(model.into()), state.as_str()),
        _ => unreachable!("clap takes one or two values"),
    };
    if model_path.is_some() && example.is_some() {
        return Err(Failure::Input(miette!(
            help = "give either a model file or --example, not both",
            "two models named"
        )));
    }
    let source = ModelSource {
        model: model_path,
        example,
        max_states,
        timeout,
    };
    let (prepared, timer) = prepare(&source)?;
    let state = prepared.state(state_text)?;
    Ok((prepared, state, timer))
}

fn explain(args: ExplainArgs) -> Result<(), Failure> {
    let (prepared, state, timer) = model_and_state(
        &args.args,
        args.example.clone(),
        args.max_states,
        args.timeout,
    )?;
    if args.format == OutputFormat::Csv {
        return Err(Failure::Input(miette!(
            help = "use --format table, markdown or json",
            "explanations have no CSV form"
        )));
    }
    let request = ExplainRequest {
        dms: (!args.dm.is_empty()).then(|| args.dm.clone()),
        concepts: args.concepts.chosen(),
    };
    let explanation = Explanation {
        model: prepared.model(),
        conflict: &prepared.conflict,
        explained: &prepared.explain(state, &request, &timer)?,
    };
    explanation.render(format_of(args.format), &mut std::io::stdout().lock())?;
    Ok(())
}

fn evolve(args: EvolveArgs) -> Result<(), Failure> {
    let (prepared, timer) = prepare(&args.source)?;
    let from = args
        .from
        .as_deref()
        .map(|t| prepared.state(t))
        .transpose()?;
    let concepts = chosen_concepts(&args.concepts, &prepared)?;
    let analysis = prepared.analysis(&concepts, &timer, &|| {})?;
    let coalitions = named_coalitions(&args.coalition)
        .or_else(|| args.coalitions.then_some(CoalitionChoice::Listed));
    let (evolution, coalitions) = prepared.evolve(from, coalitions.as_ref(), &timer)?;
    let report = EvolutionReport {
        model: prepared.model(),
        conflict: &prepared.conflict,
        analysis: &analysis,
        evolution: &evolution,
        coalitions: &coalitions,
    };
    let format = match args.format {
        EvolveFormat::Table => Format::Table,
        EvolveFormat::Json => Format::Json,
        EvolveFormat::Markdown => Format::Markdown,
        EvolveFormat::Dot => Format::Dot,
    };
    report.render(format, &mut std::io::stdout().lock())?;
    Ok(())
}

fn coalitions(args: CoalitionsArgs) -> Result<(), Failure> {
    let (prepared, timer) = prepare(&args.source)?;
    let concept = Concept::from(args.concept);
    let choice = named_coalitions(&args.coalition).unwrap_or(if args.all {
        CoalitionChoice::All
    } else {
        CoalitionChoice::Listed
    });
    let coalitional = prepared.coalitional(concept, &choice, &timer)?;
    let analysis = prepared.analysis(&[concept], &timer, &|| {})?;
    let report = CoalitionReport {
        model: prepared.model(),
        conflict: &prepared.conflict,
        analysis: &analysis,
        coalitions: &coalitional,
    };
    report.render(format_of(args.format), &mut std::io::stdout().lock())?;
    Ok(())
}

/// The coalitions of `--coalition A,B` (repeatable); `None` when none is given.
fn named_coalitions(named: &[String]) -> Option<CoalitionChoice> {
    (!named.is_empty()).then(|| {
        CoalitionChoice::Named(
            named
                .iter()
                .map(|list| list.split(',').map(str::to_string).collect())
                .collect(),
        )
    })
}

fn sources(args: SourcesArgs) -> Result<(), Failure> {
    let limits = args.source.limits();
    let timer = limits.start();
    let loaded = detente_app::load(&args.source.source(), &limits)?;
    let documents = args
        .against
        .iter()
        .map(|path| Document::read(path))
        .collect::<Result<Vec<_>, _>>()?;
    let answer = detente_app::check_sources(&loaded.model, &documents, &timer)?;
    let report = SourcesReport {
        model_name: &loaded.model.name,
        answer: &answer,
    };
    report.render(format_of(args.format), &mut std::io::stdout().lock())?;
    if answer.passed() {
        Ok(())
    } else {
        Err(Failure::Input(miette!(
            help = "correct the quotation, cite the document it is from, or mark the claim as the analyst's assumption",
            "{} not found in the documents cited",
            match answer.not_found().count() {
                1 => "a quotation was".to_string(),
                n => format!("{n} quotations were"),
            }
        )))
    }
}

fn examples() -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    for (i, e) in detente_examples::EXAMPLES.iter().enumerate() {
        let default = if i == 0 { " (default)" } else { "" };
        writeln!(out, "{:<12} {}{default}", e.name, e.title)?;
    }
    writeln!(out, "\nRun one with: detente analyze --example NAME")?;
    Ok(())
}
