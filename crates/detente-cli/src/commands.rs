//! One function per subcommand.

use crate::Failure;
use crate::args::{
    AnalyzeArgs, CheckArgs, Cli, CoalitionsArgs, Command, ConvertArgs, EvolveArgs, EvolveFormat,
    ExplainArgs, GenerateArgs, OutputFormat, PreferenceArg, StatesArgs,
};
use crate::args::{ConceptsArg, ModelSource};
use crate::input::{Prepared, load, prepare};
use detente_engine::coalition::CoalitionAnalysis;
use detente_engine::generate::{PreferenceKind, Shape};
use detente_engine::{Analysis, Concept, StateIndex};
use detente_format::Loaded;
use detente_report::{
    CoalitionReport, EvolutionReport, Explanation, Format, MAX_DMS_FOR_ALL_COALITIONS, Render,
    Report, SIM_DEFAULT_MAX_STATES, StatesReport,
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
        Command::Serve(args) => crate::serve::serve(args),
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

/// The concepts asked for, or all six, leaving SIM and SEQ&SIM out (with a note) on large models.
pub(crate) fn default_concepts(
    asked: &ConceptsArg,
    conflict: &detente_engine::Conflict,
) -> Vec<Concept> {
    if let Some(chosen) = asked.chosen() {
        return chosen;
    }
    let defaults = detente_report::default_concepts(conflict.state_count());
    if defaults.len() < Concept::ALL.len() {
        eprintln!(
            "note: SIM and SEQ&SIM are not computed by default above {SIM_DEFAULT_MAX_STATES} states (the SIM search grows with the product \
             of the other DMs' improvements); ask for them with --concepts nash,gmr,smr,seq,sim,seqsim"
        );
    }
    defaults
}

fn analyze(args: AnalyzeArgs) -> Result<(), Failure> {
    let Prepared { loaded, conflict } = prepare(&args.source)?;
    let concepts = default_concepts(&args.concepts, &conflict);
    let bar = progress(
        Analysis::job_count(&conflict, &concepts),
        conflict.state_count(),
        args.format,
    );
    let analysis = Analysis::run(&conflict, &concepts, &|| bar.inc(1));
    bar.finish_and_clear();
    let report = Report {
        model: &loaded.model,
        conflict: &conflict,
        analysis: &analysis,
        all_states: args.all_states,
    };
    report.render(format_of(args.format), &mut std::io::stdout().lock())?;
    Ok(())
}

fn check(args: CheckArgs) -> Result<(), Failure> {
    let Prepared { loaded, conflict } = prepare(&args.source)?;
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
    let Prepared { loaded, conflict } = prepare(&args.source)?;
    let report = StatesReport {
        model: &loaded.model,
        conflict: &conflict,
    };
    report.render(format_of(args.format), &mut std::io::stdout().lock())?;
    Ok(())
}

fn convert(args: ConvertArgs) -> Result<(), Failure> {
    let loaded = load(&ModelSource {
        model: Some(args.input.clone()),
        example: None,
        max_states: args.max_states,
    })?;
    write_model(&loaded, &args.output, args.max_states)
}

/// Writes a model in the format the output file's extension names.
fn write_model(loaded: &Loaded, output: &Path, max_states: usize) -> Result<(), Failure> {
    let extension = output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let written = match extension.as_deref() {
        Some("toml") => detente_format::to_toml(&loaded.model),
        Some("gmcr") | Some("json") => {
            let conflict = loaded
                .compile(max_states)
                .map_err(|e| miette::Report::new(*e))?;
            if loaded
                .model
                .decision_makers
                .iter()
                .any(|d| !d.uncertain.is_empty())
            {
                eprintln!(
                    "note: .gmcr has no place for uncertain preferences (`priority` ranges); they are dropped and the order as written is exported"
                );
            }
            detente_format::to_gmcr(&loaded.model, &conflict)
                .map_err(|e| miette::Report::new(*e))?
        }
        _ => {
            return Err(Failure::Input(miette!(
                help = "name the output file with .toml (detente) or .gmcr (GMCR+)",
                "cannot tell the output format of `{}`",
                output.display()
            )));
        }
    };
    std::fs::write(output, written).map_err(|e| {
        Failure::Output(anyhow::anyhow!("cannot write `{}`: {e}", output.display()))
    })?;
    eprintln!("wrote {}", output.display());
    Ok(())
}

fn generate(args: GenerateArgs) -> Result<(), Failure> {
    let options = usize::from(args.dms) * usize::from(args.options_per_dm);
    if options > detente_engine::model::MAX_OPTIONS {
        return Err(Failure::Input(miette!(
            help = "lower --dms or --options-per-dm",
            "{} DMs with {} options each make {options} options; detente handles at most {}",
            args.dms,
            args.options_per_dm,
            detente_engine::model::MAX_OPTIONS
        )));
    }
    if args.preferences == PreferenceArg::Ranking && options > RANKING_MAX_OPTIONS {
        return Err(Failure::Input(miette!(
            help = "use --preferences prioritization for larger models",
            "random rankings list every state; they are limited to {RANKING_MAX_OPTIONS} options, not {options}"
        )));
    }
    let shape = Shape {
        dms: args.dms.into(),
        options_per_dm: args.options_per_dm.into(),
        rules: args.rules,
        rule_width: args.rule_width,
        irreversible_percent: args.irreversible,
        preferences: match args.preferences {
            PreferenceArg::Prioritization => PreferenceKind::Prioritization {
                statements: args.statements.min(detente_engine::MAX_STATEMENTS),
            },
            PreferenceArg::Ranking => PreferenceKind::Ranking { tiers: args.tiers },
        },
        seed: args.seed,
    };
    let model = detente_engine::generate::generate(&shape);
    match &args.output {
        None => {
            std::io::stdout()
                .lock()
                .write_all(detente_format::to_toml(&model).as_bytes())?;
            Ok(())
        }
        Some(path) => {
            let text = detente_format::to_toml(&model);
            let loaded = detente_format::parse_toml(&text, "generated.toml")
                .map_err(|e| miette::Report::new(*e))?;
            write_model(&loaded, path, detente_engine::DEFAULT_MAX_STATES)
        }
    }
}

/// Random rankings name every state by pattern; beyond this the file would be huge.
const RANKING_MAX_OPTIONS: usize = 16;

/// The model and state of `[MODEL] STATE` arguments (with `--example` for the model).
pub(crate) fn model_and_state(
    args: &[String],
    example: Option<String>,
    max_states: usize,
) -> miette::Result<(Prepared, StateIndex)> {
    let (model_path, state_text) = match args {
        [state] => (None, state.as_str()),
        [model, state] => (Some(model.into()), state.as_str()),
        _ => unreachable!("clap takes one or two values"),
    };
    if model_path.is_some() && example.is_some() {
        return Err(miette!(
            help = "give either a model file or --example, not both",
            "two models named"
        ));
    }
    let source = ModelSource {
        model: model_path,
        example,
        max_states,
    };
    let prepared = prepare(&source)?;
    let state = find_state(&prepared.loaded.model, &prepared.conflict, state_text)?;
    Ok((prepared, state))
}

fn explain(args: ExplainArgs) -> Result<(), Failure> {
    let (Prepared { loaded, conflict }, state) =
        model_and_state(&args.args, args.example.clone(), args.max_states)?;
    let model = &loaded.model;
    let dms = if args.dm.is_empty() {
        (0..model.decision_makers.len()).collect()
    } else {
        args.dm
            .iter()
            .map(|name| find_dm(model, name))
            .collect::<Result<Vec<_>, _>>()?
    };
    let concepts = args.concepts.or_all();
    let explanation = Explanation {
        model,
        conflict: &conflict,
        state,
        dms,
        concepts,
    };
    explanation.render(format_of(args.format), &mut std::io::stdout().lock())?;
    Ok(())
}

fn evolve(args: EvolveArgs) -> Result<(), Failure> {
    let Prepared { loaded, conflict } = prepare(&args.source)?;
    let model = &loaded.model;
    let start = match &args.from {
        Some(text) => find_state(model, &conflict, text)?,
        None => conflict.status_quo().ok_or_else(|| {
            miette!(
                help = "add `status_quo` to the model, or give a starting state with --from",
                "the model has no status quo to start from"
            )
        })?,
    };
    let concepts = args.concepts.or_all();
    let analysis = Analysis::run(&conflict, &concepts, &|| {});
    let coalitions = if args.coalitions || !args.coalition.is_empty() {
        chosen_coalitions(model, &args.coalition, false)?
    } else {
        Vec::new()
    };
    let evolution =
        detente_engine::evolve::Evolution::with_coalitions(&conflict, start, &coalitions);
    let report = EvolutionReport {
        model,
        conflict: &conflict,
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
    let Prepared { loaded, conflict } = prepare(&args.source)?;
    let model = &loaded.model;
    let coalitions = chosen_coalitions(model, &args.coalition, args.all)?;
    let concept = Concept::from(args.concept);
    let coalitional = CoalitionAnalysis::run(&conflict, &coalitions, concept).map_err(|e| {
        Failure::Input(miette!(
            help = "coalitional stability is for Nash, GMR, SMR and SEQ on models of moderate size",
            "{e}"
        ))
    })?;
    let analysis = Analysis::run(&conflict, &[concept], &|| {});
    let report = CoalitionReport {
        model,
        conflict: &conflict,
        analysis: &analysis,
        coalitions: &coalitional,
    };
    report.render(format_of(args.format), &mut std::io::stdout().lock())?;
    Ok(())
}

/// The coalitions named with `--coalition` (each "DM,DM,..."); else the
/// model's listed coalitions unless `all`; else every coalition of two or more.
fn chosen_coalitions(
    model: &detente_engine::Model,
    named: &[String],
    all: bool,
) -> Result<Vec<Vec<usize>>, Failure> {
    if !named.is_empty() {
        return Ok(named
            .iter()
            .map(|list| {
                let mut members = list
                    .split(',')
                    .map(|name| find_dm(model, name.trim()))
                    .collect::<Result<Vec<_>, _>>()?;
                members.sort_unstable();
                members.dedup();
                Ok(members)
            })
            .collect::<miette::Result<Vec<_>>>()?);
    }
    detente_report::default_coalitions(model, all).ok_or_else(|| {
        Failure::Input(miette!(
            help = "name the coalitions to examine with --coalition A,B",
            "{} decision makers make too many coalitions to examine them all (at most {MAX_DMS_FOR_ALL_COALITIONS} DMs)",
            model.decision_makers.len()
        ))
    })
}

/// The DM called `name` (its name or id), or an error listing the DMs.
pub(crate) fn find_dm(model: &detente_engine::Model, name: &str) -> miette::Result<usize> {
    model.find_dm(name).ok_or_else(|| {
        let names: Vec<&str> = model
            .decision_makers
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        miette!(
            help = format!("decision makers: {}", names.join(", ")),
            "no decision maker called `{name}`"
        )
    })
}

/// A state named on the command line: its number, its Y/N string, a named state, or `sq`.
pub(crate) fn find_state(
    model: &detente_engine::Model,
    conflict: &detente_engine::Conflict,
    text: &str,
) -> miette::Result<StateIndex> {
    let space = conflict.space();
    let count = space.len();
    if let Ok(id) = text.parse::<usize>() {
        return (1..=count)
            .contains(&id)
            .then(|| (id - 1) as StateIndex)
            .ok_or_else(|| {
                miette!(
                    help = format!("states are numbered 1 to {count}"),
                    "there is no state {id}"
                )
            });
    }
    if matches!(
        text.to_ascii_lowercase().as_str(),
        "sq" | "status-quo" | "status_quo"
    ) {
        return conflict.status_quo().ok_or_else(|| {
            miette!(
                help = "add `status_quo` to the model, or name the state",
                "the model has no status quo"
            )
        });
    }
    let options = model.option_count();
    if text.len() == options && text.chars().all(|c| matches!(c, 'Y' | 'N' | 'y' | 'n')) {
        let pattern = text.chars().enumerate().fold(0u64, |p, (k, c)| {
            p | (u64::from(c.eq_ignore_ascii_case(&'y')) << k)
        });
        return space.index_of(pattern).ok_or_else(|| {
            miette!(
                help = "a feasibility rule excludes it; `detente states` lists the feasible states",
                "{text} is not a feasible state"
            )
        });
    }
    model
        .named_states
        .iter()
        .zip(conflict.named_states())
        .find(|(n, _)| n.name.eq_ignore_ascii_case(text))
        .map(|(_, &s)| s)
        .ok_or_else(|| {
            let names: Vec<String> = model.named_states.iter().map(|n| format!("\"{}\"", n.name)).collect();
            miette!(
                help = format!(
                    "name a state by its number (1 to {count}), its Y/N string ({options} letters), `sq`{}{}",
                    if names.is_empty() { "" } else { ", or one of " },
                    names.join(", ")
                ),
                "no state called `{text}`"
            )
        })
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
