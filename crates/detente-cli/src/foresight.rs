//! `detente foresight`: limited-move stability L_h and non-myopic stability.

use crate::Failure;
use crate::args::{ModelSource, OutputFormat};
use crate::commands::format_of;
use crate::input::prepare;
use clap::{Args, ValueEnum};
use detente_engine::foresight::{MAX_HORIZON, Outlook};
use detente_report::{ForesightReport, Render};

const AFTER_HELP: &str = "\
A state is L_h-stable for a DM when its best move, followed by the answers it
anticipates from the others (each mover looking ahead over the moves left, h
moves in all), does not end at a state it prefers to this one. L_1 is Nash.
Non-myopic (NM) stability is L_h stability for every large enough h. With three
or more DMs, any other DM may answer a move; docs/FORESIGHT.md gives the exact
definition and the tie rule (--outlook).

Examples:
  detente foresight --horizon 2 -e prisoners       mutual cooperation becomes stable
  detente foresight --horizon 4 --state sq         the NRC status quo, 4 moves ahead
  detente foresight model.toml -H 3 --format json  machine-readable (detente.foresight/1)";

#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct ForesightArgs {
    #[command(flatten)]
    pub source: ModelSource,
    /// How many moves ahead each DM looks (its own move counts as one).
    #[arg(long, short = 'H', default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=MAX_HORIZON as i64))]
    pub horizon: u32,
    /// When a mover is indifferent between moves, or several DMs would answer, whether
    /// the DM under analysis expects the choice worst (cautious) or best (hopeful) for it.
    #[arg(long, value_enum, default_value_t = OutlookArg::Cautious)]
    pub outlook: OutlookArg,
    /// Show the lines of play behind every DM's verdict at this state: its number,
    /// Y/N string, a named state or `sq` (repeatable).
    #[arg(long, value_name = "STATE")]
    pub state: Vec<String>,
    #[arg(long, short = 'f', value_enum, default_value_t)]
    pub format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutlookArg {
    Cautious,
    Hopeful,
}

pub fn foresight(args: ForesightArgs) -> Result<(), Failure> {
    let (prepared, timer) = prepare(&args.source)?;
    let lines_for = args
        .state
        .iter()
        .map(|text| prepared.state(text))
        .collect::<Result<Vec<_>, _>>()?;
    let outlook = match args.outlook {
        OutlookArg::Cautious => Outlook::Cautious,
        OutlookArg::Hopeful => Outlook::Hopeful,
    };
    let (foresight, other) = prepared.foresight(args.horizon, outlook, &timer)?;
    let report = ForesightReport {
        model: prepared.model(),
        conflict: &prepared.conflict,
        foresight: &foresight,
        other: &other,
        lines_for,
    };
    report.render(format_of(args.format), &mut std::io::stdout().lock())?;
    Ok(())
}
