//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use detente_engine::Concept;
use detente_engine::robustness;
use std::path::PathBuf;

const ABOUT: &str = "Conflict analysis with the Graph Model for Conflict Resolution (GMCR).";

const LONG_ABOUT: &str = "\
Conflict analysis with the Graph Model for Conflict Resolution (GMCR).

A model names the decision makers (DMs), the options each controls, which
combinations are feasible and how each DM ranks the resulting states. detente
finds the states that are stable for each DM under the standard solution
concepts (Nash, GMR, SMR, SEQ, SIM) and the equilibria: states stable for all.

Run with no arguments to analyse the built-in NATO-Russia Council scenario
(May 2025). Models are TOML files (docs/MODEL_FORMAT.md) or the desktop tool
GMCR+'s .gmcr files.";

const AFTER_HELP: &str = "\
Examples:
  detente                                  analyse the NRC scenario
  detente analyze --example cuban          analyse a built-in classic
  detente analyze model.toml --format json machine-readable results
  detente check model.gmcr                 validate a file and count its states
  detente convert old.gmcr new.toml        move a GMCR+ model to detente's format
  detente explain \"Proposed package\"       why the NRC package is or is not stable
  detente evolve                           where the NRC status quo can lead
  detente coalitions --coalition us,russia who can upset the equilibria together
  detente foresight --horizon 3            what survives when every DM looks 3 moves ahead
  detente robustness                       equilibria under the NRC model's uncertain preferences
  detente inverse \"Proposed package\"       what each party must prefer for the package to hold
  detente serve                            the web workbench at http://127.0.0.1:8080

Every command that reads a model takes --timeout SECONDS (default: no limit);
`examples` and `generate` state their fixed bounds in their --help, and `serve`
limits each request.

Exit codes: 0 success; 1 output could not be written; 2 bad input (a malformed
model, an unknown example, a model over the limits, a command over --timeout,
bad arguments).";

#[derive(Debug, Parser)]
#[command(name = "detente", version, about = ABOUT, long_about = LONG_ABOUT, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse a model: stable states per DM and concept, equilibria, a summary.
    Analyze(AnalyzeArgs),
    /// Validate a model and count its DMs, options and feasible states.
    Check(CheckArgs),
    /// List the feasible states of a model with their numbers.
    States(StatesArgs),
    /// Convert a model between detente's TOML and GMCR+'s .gmcr (by extension).
    Convert(ConvertArgs),
    /// Explain why a state is or is not stable: each DM's improvements and what deters them.
    Explain(ExplainArgs),
    /// Status quo analysis: the equilibria reachable from the status quo by unilateral improvements.
    Evolve(EvolveArgs),
    /// Coalition analysis: which groups of DMs, acting together, can upset each equilibrium.
    Coalitions(CoalitionsArgs),
    /// Limited-move (L_h) and non-myopic stability: which states survive when DMs look h moves ahead.
    Foresight(crate::foresight::ForesightArgs),

    /// Inverse analysis: what the DMs would have to prefer for a state to be an equilibrium.
    #[command(long_about = INVERSE_LONG_ABOUT, after_help = INVERSE_AFTER_HELP)]
    Inverse(InverseArgs),
    /// List the built-in models.
    #[command(after_help = EXAMPLES_AFTER_HELP)]
    Examples,
    /// Write a random model of a given shape (reproducible from its seed), for benchmarks and stress tests.
    #[command(after_help = generate_after_help())]
    Generate(GenerateArgs),
    /// Robustness under preference uncertainty: the share of plausible preference profiles under which each state is an equilibrium.
    #[command(long_about = ROBUSTNESS_LONG_ABOUT, after_help = ROBUSTNESS_AFTER_HELP)]
    Robustness(RobustnessArgs),

    /// Sweep preference profiles: each profile's equilibria, for every profile of the model's uncertain preferences or a random sample.
    #[command(after_help = SWEEP_AFTER_HELP)]
    Sweep(SweepArgs),

    /// Write a printable brief (PDF or HTML): the bottom line first, then the detail.
    #[command(after_help = REPORT_AFTER_HELP)]
    Report(ReportArgs),

    /// Check a model's quoted sources against the documents they cite.
    #[command(after_help = SOURCES_AFTER_HELP)]
    Sources(SourcesArgs),

    /// Serve the web workbench: edit, analyse and explore models in a browser.
    Serve(crate::serve::ServeArgs),

    /// The council: a forum where delegations keep their preferences private and the engine
    /// tells everyone what can hold.
    Council(crate::council::CouncilArgs),
}

const EXAMPLES_AFTER_HELP: &str = "\
Time bound: none needed (no --timeout): it prints a fixed list.";

/// What bounds `generate`, which has no `--timeout`.
fn generate_after_help() -> String {
    format!(
        "\
Time bound: no --timeout; the work is set by the arguments. The model has
--dms x --options-per-dm options (at most 63) and is written at once; written
to a .gmcr file, its states are also numbered, and a model of more than
{} feasible states is refused.",
        detente_engine::DEFAULT_MAX_STATES
    )
}

/// Where the model comes from: a file, a built-in example, or (neither) the NRC scenario.
#[derive(Debug, Args)]
pub struct ModelSource {
    /// Model file (.toml or .gmcr). Default: the built-in NRC scenario.
    pub model: Option<PathBuf>,
    /// Use a built-in model instead of a file (see `detente examples`).
    #[arg(long, short = 'e', conflicts_with = "model", value_name = "NAME")]
    pub example: Option<String>,
    /// Refuse models with more feasible states than this.
    #[arg(long, value_name = "N", default_value_t = detente_engine::DEFAULT_MAX_STATES, value_parser = max_states)]
    pub max_states: usize,
    #[command(flatten)]
    pub timeout: Timeout,
}

impl Default for ModelSource {
    /// The NRC scenario with the default limits, as `detente` alone runs it.
    fn default() -> Self {
        ModelSource {
            model: None,
            example: None,
            max_states: detente_engine::DEFAULT_MAX_STATES,
            timeout: Timeout::default(),
        }
    }
}

const SOURCES_AFTER_HELP: &str = "\
Every passage in double quotation marks in a `source` note is looked up in the
documents (typographic quotes, dashes and line breaks do not matter). The
command lists the quotations not found, the elements without a source and those
resting on the analyst's assumptions, and exits with 2 if any quotation is not
found.

Example:
  detente sources models/nrc-2025.toml --against article.txt";

const REPORT_AFTER_HELP: &str = "\
The brief's first page answers whether the model's first named state (the
proposal it was built to judge; else the status quo) can hold and what it would
take; then come the verdicts in full, the paths from the status quo, robustness
as a chart, what each party would have to accept, the parties and their sources,
assumptions and limitations, and the method with a glossary. The PDF is typeset
by detente itself (no browser or other program needed).

Examples:
  detente report -o brief.pdf                     the NRC scenario
  detente report models/nrc-2025.toml -o brief.html";

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub source: ModelSource,
    /// Where to write the brief; the extension (.pdf or .html) picks the format.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct SourcesArgs {
    #[command(flatten)]
    pub source: ModelSource,
    /// The documents the model cites (UTF-8 text files).
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    pub against: Vec<PathBuf>,
    #[arg(long, short = 'f', value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// The time limit of a command that reads a model: compiling it (its states enumerated and
/// ranked) can take longer than analysing it, so the limit counts from the start.
#[derive(Debug, Args, Default, Clone, Copy)]
pub struct Timeout {
    /// Stop after this many seconds, counted from the start (compiling the model included),
    /// and exit with status 2. Default: no limit (stop it with Ctrl-C).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    /// Tables for the terminal.
    #[default]
    Table,
    /// Versioned JSON (docs/JSON_SCHEMA.md).
    Json,
    /// One row per state.
    Csv,
    /// Markdown tables, for reports.
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConceptArg {
    Nash,
    Gmr,
    Smr,
    Seq,
    Sim,
    /// Stable under both SEQ and SIM.
    #[value(name = "seqsim")]
    SeqSim,
}

impl From<ConceptArg> for Concept {
    fn from(c: ConceptArg) -> Concept {
        match c {
            ConceptArg::Nash => Concept::Nash,
            ConceptArg::Gmr => Concept::Gmr,
            ConceptArg::Smr => Concept::Smr,
            ConceptArg::Seq => Concept::Seq,
            ConceptArg::Sim => Concept::Sim,
            ConceptArg::SeqSim => Concept::SeqSim,
        }
    }
}

/// The solution concepts a command works with.
#[derive(Debug, Args, Default)]
pub struct ConceptsArg {
    /// Solution concepts (comma-separated: nash, gmr, smr, seq, sim, seqsim). Default: all six
    /// (for `analyze` and `robustness`, SIM and SEQ&SIM only up to 100,000 states).
    #[arg(
        long,
        short = 'c',
        value_enum,
        value_delimiter = ',',
        value_name = "LIST"
    )]
    pub concepts: Vec<ConceptArg>,
}

impl ConceptsArg {
    /// The concepts asked for, or `None` if none were named.
    pub fn chosen(&self) -> Option<Vec<Concept>> {
        (!self.concepts.is_empty())
            .then(|| self.concepts.iter().copied().map(Concept::from).collect())
    }
}

#[derive(Debug, Args, Default)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub source: ModelSource,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t)]
    pub format: OutputFormat,
    #[command(flatten)]
    pub concepts: ConceptsArg,
    /// Show every feasible state in the tableau, not only the status quo and equilibria.
    #[arg(long)]
    pub all_states: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub source: ModelSource,
}

#[derive(Debug, Args)]
pub struct StatesArgs {
    #[command(flatten)]
    pub source: ModelSource,
    #[arg(long, short = 'f', value_enum, default_value_t)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The model to read (.toml or .gmcr).
    pub input: PathBuf,
    /// Where to write it; the extension (.toml or .gmcr) picks the format.
    pub output: PathBuf,
    /// Refuse models with more feasible states than this.
    #[arg(long, value_name = "N", default_value_t = detente_engine::DEFAULT_MAX_STATES, value_parser = max_states)]
    pub max_states: usize,
    // Writing a .gmcr file numbers the model's states, which takes a while for millions.
    #[command(flatten)]
    pub timeout: Timeout,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PreferenceArg {
    /// Random option prioritization (`--statements` statements per DM).
    Prioritization,
    /// A random ranking of the feasible states with ties (`--tiers` tiers); small models only.
    Ranking,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of decision makers.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=63))]
    pub dms: u16,
    /// Options per decision maker.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=63))]
    pub options_per_dm: u16,
    /// Number of infeasibility rules; each forbids one combination of `--rule-width` options.
    #[arg(long, default_value_t = 0)]
    pub rules: usize,
    /// Options per infeasibility rule (each rule removes about 1/2^width of the states).
    #[arg(long, default_value_t = 3)]
    pub rule_width: usize,
    /// Percentage of options that are irreversible (half forward, half backward).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub irreversible: u8,
    /// How preferences are drawn.
    #[arg(long, value_enum, default_value_t = PreferenceArg::Prioritization)]
    pub preferences: PreferenceArg,
    /// Preference statements per DM (with --preferences prioritization).
    #[arg(long, default_value_t = 6)]
    pub statements: usize,
    /// Tiers per ranking (with --preferences ranking); fewer tiers than states means ties.
    #[arg(long, default_value_t = 8)]
    pub tiers: usize,
    /// Seed: the same shape and seed always give the same model.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write the model here (.toml or .gmcr) instead of standard output (TOML).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The model file (optional: default the NRC scenario, or --example) and the state: its
    /// number, its Y/N string, the name of a named state, or `sq` for the status quo.
    #[arg(num_args = 1..=2, required = true, value_name = "[MODEL] STATE")]
    pub args: Vec<String>,
    /// Use a built-in model (see `detente examples`).
    #[arg(long, short = 'e', value_name = "NAME")]
    pub example: Option<String>,
    /// Explain for these decision makers only (name or id; repeatable). Default: all.
    #[arg(long, value_name = "NAME")]
    pub dm: Vec<String>,
    #[command(flatten)]
    pub concepts: ConceptsArg,
    /// Output format (csv is not offered for explanations).
    #[arg(long, short = 'f', value_enum, default_value_t)]
    pub format: OutputFormat,
    /// Refuse models with more feasible states than this.
    #[arg(long, value_name = "N", default_value_t = detente_engine::DEFAULT_MAX_STATES, value_parser = max_states)]
    pub max_states: usize,
    #[command(flatten)]
    pub timeout: Timeout,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum EvolveFormat {
    /// Plain text.
    #[default]
    Table,
    Json,
    Markdown,
    /// Graphviz DOT of the paths (render with `dot -Tsvg`).
    Dot,
}

#[derive(Debug, Args)]
pub struct EvolveArgs {
    #[command(flatten)]
    pub source: ModelSource,
    /// Start here instead of the status quo: a state number, Y/N string or named state.
    #[arg(long, value_name = "STATE")]
    pub from: Option<String>,
    /// Let this coalition move jointly too, to states every member prefers:
    /// DM names or ids, comma-separated (repeatable).
    #[arg(long, value_name = "DM,DM,...")]
    pub coalition: Vec<String>,
    /// Let the model's [[coalition]] entries move jointly too (every coalition
    /// of two or more DMs if it lists none).
    #[arg(long, conflicts_with = "coalition")]
    pub coalitions: bool,
    #[command(flatten)]
    pub concepts: ConceptsArg,
    #[arg(long, short = 'f', value_enum, default_value_t)]
    pub format: EvolveFormat,
}

/// Parses `--max-states`, refusing limits the machine could not honour.
pub fn max_states(text: &str) -> Result<usize, String> {
    let n: usize = text
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number"))?;
    detente_app::max_states(n).map_err(|e| e.to_string())
}

#[derive(Debug, Args)]
pub struct CoalitionsArgs {
    #[command(flatten)]
    pub source: ModelSource,
    /// A coalition to examine: DM names or ids, comma-separated (repeatable).
    /// Default: the model's [[coalition]] entries, or every coalition of two
    /// or more DMs if it lists none.
    #[arg(long, value_name = "DM,DM,...")]
    pub coalition: Vec<String>,
    /// Examine every coalition of two or more DMs, even if the model lists some.
    #[arg(long, conflicts_with = "coalition")]
    pub all: bool,
    /// The concept: nash, gmr, smr or seq. Coalitional stability under it is
    /// computed, and its ordinary equilibria are checked against coalitions.
    #[arg(long, value_enum, default_value_t = ConceptArg::Seq)]
    pub concept: ConceptArg,
    /// Output format (csv is not offered).
    #[arg(long, short = 'f', value_enum, default_value_t)]
    pub format: OutputFormat,
}

const ROBUSTNESS_LONG_ABOUT: &str = "\
Robustness under preference uncertainty.

A model may mark a preference statement, or a ranking tier, as uncertain with
`priority = [lowest, highest]`: it may rank anywhere in that range of positions
(docs/MODEL_FORMAT.md). A preference profile picks one position for every
uncertain element of every DM. For each state and concept, detente reports the
share of the consistent profiles under which the state is an equilibrium, and
for the status quo and named states the share under which each DM is stable.

When there are at most --exact-limit profiles, every one is analysed and the
shares are exact; otherwise --samples profiles are drawn at random from --seed
and the shares are estimates (the same seed gives the same result). Profiles
are analysed in parallel.";

const ROBUSTNESS_AFTER_HELP: &str = "\
Examples:
  detente robustness                              the NRC scenario, all concepts
  detente robustness model.toml --concepts nash,seq --format json
  detente robustness model.toml --exact-limit 0 --samples 5000 --seed 7";

#[derive(Debug, Args)]
pub struct RobustnessArgs {
    #[command(flatten)]
    pub source: ModelSource,
    #[command(flatten)]
    pub concepts: ConceptsArg,
    /// Analyse every profile when there are at most this many.
    #[arg(long, value_name = "N", default_value_t = robustness::DEFAULT_EXACT_LIMIT,
          value_parser = clap::value_parser!(u64).range(0..=robustness::MAX_PROFILES))]
    pub exact_limit: u64,
    /// Otherwise, analyse this many profiles drawn at random.
    #[arg(long, value_name = "N", default_value_t = robustness::DEFAULT_SAMPLES,
          value_parser = clap::value_parser!(u64).range(1..=robustness::MAX_PROFILES))]
    pub samples: u64,
    /// Seed of the random draw.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t)]
    pub format: OutputFormat,
}

const SWEEP_AFTER_HELP: &str = "\
Profiles are numbered from 0 and profile N is the same in any run, so a sweep can be split
across machines with --range and the pieces' rows joined. Python's detente.sweep gives the
same answer (docs/PYTHON.md) and can run it on a Dask cluster.

Examples:
  detente sweep                                   every profile of the NRC scenario
  detente sweep --vary allies,russia -f csv       only these DMs' uncertain statements
  detente sweep model.toml --sample 5000 --seed 7 --range 0..2500 -f json";

#[derive(Debug, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub source: ModelSource,
    #[command(flatten)]
    pub concepts: ConceptsArg,
    /// Only these decision makers' uncertain elements vary (names or ids, comma-separated or
    /// repeated); the others keep the order written. Default: every DM's.
    #[arg(long, value_name = "DM", value_delimiter = ',')]
    pub vary: Vec<String>,
    /// Draw this many profiles at random (with replacement) instead of taking every one.
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=robustness::MAX_PROFILES))]
    pub sample: Option<u64>,
    /// Seed of the random draw.
    #[arg(long, default_value_t = 1, requires = "sample")]
    pub seed: u64,
    /// Only the profiles numbered START to END (END excluded), e.g. 0..500: one piece of a
    /// sweep split up.
    #[arg(long, value_name = "START..END", value_parser = profile_range)]
    pub range: Option<std::ops::Range<u64>>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t)]
    pub format: OutputFormat,
}

/// `START..END`, profile numbers.
fn profile_range(text: &str) -> Result<std::ops::Range<u64>, String> {
    let (start, end) = text
        .split_once("..")
        .ok_or_else(|| format!("`{text}` is not START..END, e.g. 0..500"))?;
    let number = |n: &str| {
        n.trim()
            .parse::<u64>()
            .map_err(|_| format!("`{n}` in `{text}` is not a profile number"))
    };
    Ok(number(start)?..number(end)?)
}

const INVERSE_LONG_ABOUT: &str = "\
Inverse analysis: the conditions on some decision makers' preferences under which a
target state is an equilibrium (stable for every DM), for Nash, GMR, SMR and SEQ.

The preferences of the varied DMs (--vary, default all) are unknown: each may be any
strict ranking of the feasible states. The others keep the model's preferences. The
answer is stated as required orderings: \"US must rank state 320 above state 288\", grouped
into what must always hold and, for each move that must be deterred, the alternatives
of which one must hold. Conditions are derived from the definitions, not by trying
rankings; --count counts the rankings that satisfy them (exactly, without listing them)
and --sample draws some at random. SEQ conditions may also involve the varied DMs'
preferences between other states (whether a response is an improvement for its mover);
those are counted only when the states they mention are few enough to try all their
orders (at most 1,000,000 orders).";

const INVERSE_AFTER_HELP: &str = "\
Examples:
  detente inverse \"Proposed package\"                      all DMs varied, the NRC scenario
  detente inverse -e prisoners YY --count                   mutual cooperation: when, how often
  detente inverse -e chicken 4 --vary d1 --concept gmr,seq  vary one driver only
  detente inverse model.toml 12 --count --sample 3 --seed 7";

#[derive(Debug, Args)]
pub struct InverseArgs {
    /// The model file (optional: default the NRC scenario, or --example) and the target
    /// state: its number, its Y/N string, the name of a named state, or `sq`.
    #[arg(num_args = 1..=2, required = true, value_name = "[MODEL] STATE")]
    pub args: Vec<String>,
    /// Use a built-in model (see `detente examples`).
    #[arg(long, short = 'e', value_name = "NAME")]
    pub example: Option<String>,
    /// Decision makers whose preferences are unknown (names or ids, comma-separated or
    /// repeated). Default: all.
    #[arg(long, value_name = "DM", value_delimiter = ',')]
    pub vary: Vec<String>,
    /// Solution concepts (comma-separated: nash, gmr, smr, seq). Default: all four.
    #[arg(
        long = "concept",
        visible_alias = "concepts",
        short = 'c',
        value_enum,
        value_delimiter = ',',
        value_name = "LIST",
        hide_possible_values = true
    )]
    pub concepts: Vec<ConceptArg>,
    /// Count the rankings of the varied DMs (strict orderings of the feasible states) under
    /// which the target is an equilibrium.
    #[arg(long)]
    pub count: bool,
    /// Draw this many rankings at random among those that make the target an equilibrium.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=i64::from(detente_engine::inverse::MAX_SAMPLES)))]
    pub sample: Option<u16>,
    /// Seed for --sample: the same seed always draws the same rankings.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// List every comparison. By default at most 500 per concept and DM are listed, with a
    /// count of the rest (counts and samples always use them all).
    #[arg(long)]
    pub full: bool,
    /// Output format (csv is not offered).
    #[arg(long, short = 'f', value_enum, default_value_t)]
    pub format: OutputFormat,
    /// Refuse models with more feasible states than this.
    #[arg(long, value_name = "N", default_value_t = detente_engine::DEFAULT_MAX_STATES, value_parser = max_states)]
    pub max_states: usize,
    #[command(flatten)]
    pub timeout: Timeout,
}
