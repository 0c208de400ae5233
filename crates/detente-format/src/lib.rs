//! detente model files: our TOML format (docs/MODEL_FORMAT.md) and the desktop
//! tool's `.gmcr` JSON (GMCR.md §5), read into an engine [`Model`] with errors
//! located in the source, and written back out.

mod diagnostic;
mod expr_parser;
mod gmcr;
mod identity;
mod pattern;
mod rules;
mod toml_in;
mod toml_out;

use detente_engine::{Conflict, Expr, Model, ModelError, Rule, StateSpace};

pub use diagnostic::FormatError;
use diagnostic::{SourceFile, Span, Spans};

/// Which syntax a model was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Toml,
    Gmcr,
}

/// A parsed model plus what is needed to locate later errors in its source.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub model: Model,
    pub kind: FileKind,
    source: SourceFile,
    spans: Spans,
}

/// Detects the format from the extension (.toml / .gmcr / .json) and otherwise
/// from the content (a JSON object → gmcr), then parses.
pub fn parse(source: &str, file_name: &str) -> Result<Loaded, Box<FormatError>> {
    let extension = std::path::Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("toml") => parse_toml(source, file_name),
        Some("gmcr" | "json") => parse_gmcr(source, file_name),
        _ if source.trim_start().starts_with('{') => parse_gmcr(source, file_name),
        _ => parse_toml(source, file_name),
    }
}

pub fn parse_toml(source: &str, file_name: &str) -> Result<Loaded, Box<FormatError>> {
    let file = SourceFile::new(file_name, source);
    let (model, spans) = toml_in::parse(&file)?;
    Ok(Loaded {
        model,
        kind: FileKind::Toml,
        source: file,
        spans,
    })
}

pub fn parse_gmcr(source: &str, file_name: &str) -> Result<Loaded, Box<FormatError>> {
    let file = SourceFile::new(file_name, source);
    let (model, spans) = gmcr::import(&file)?;
    Ok(Loaded {
        model,
        kind: FileKind::Gmcr,
        source: file,
        spans,
    })
}

/// Serialises a model to our TOML format (round-trips through [`parse_toml`] to an equal model).
pub fn to_toml(model: &Model) -> String {
    toml_out::write(model)
}

/// Serialises to the desktop tool's `.gmcr` JSON; `conflict` supplies state numbers for hand rankings.
/// Expressions become COND lists (a DNF); an expression whose DNF would be too large is an error.
pub fn to_gmcr(model: &Model, conflict: &Conflict) -> Result<String, Box<FormatError>> {
    gmcr::export(model, conflict)
}

impl Loaded {
    /// Compiles with the engine and turns any [`ModelError`] into a located [`FormatError`].
    pub fn compile(&self, max_states: usize) -> Result<Conflict, Box<FormatError>> {
        Conflict::compile(&self.model, max_states).map_err(|e| self.locate(e, max_states))
    }

    fn locate(&self, error: ModelError, max_states: usize) -> Box<FormatError> {
        let spans = &self.spans;
        let message = error.to_string();
        match error {
            ModelError::NoDecisionMakers => self.source.error(message, None).help(match self.kind {
                FileKind::Toml => "add a [[dm]] table with at least one [[dm.option]]",
                FileKind::Gmcr => "add an entry to \"decisionMakers\"",
            }),
            ModelError::DmWithoutOptions { dm } => {
                let d = self.model.decision_makers.iter().position(|x| x.name == dm);
                self.source
                    .error(message, d.and_then(|d| spans.dm(d)))
                    .help("give it at least one option, or remove it")
            }
            ModelError::TooManyOptions { .. } => self
                .source
                .error(message, None)
                .help("merge or drop options: a state is one 64-bit pattern"),
            ModelError::NoFeasibleState => {
                no_feasible_state(&self.source, self.model.option_count(), &self.model.rules, spans, max_states)
            }
            ModelError::TooManyStates { .. } => self
                .source
                .error(message, None)
                .help("feasibility rules that exclude impossible combinations shrink the state space"),
            ModelError::TooManyStatements { dm, .. } => {
                let d = self.model.decision_makers.iter().position(|x| x.name == dm);
                self.source
                    .error(message, d.and_then(|d| spans.preferences(d)))
                    .help("combine statements; only the 63 most important can be told apart")
            }
            ModelError::RankingOmits { dm_index, .. } => self
                .source
                .error(message, spans.preferences(dm_index))
                .label("this ranking")
                .help("add it to a tier; a pattern with `-` or an expression can cover several states at once"),
            ModelError::RankingRepeats { dm_index, tier, item, .. } => self
                .source
                .error(message, spans.tier_item(dm_index, tier, item))
                .label("matched again here")
                .help("each feasible state must be matched by exactly one tier: make this item more specific"),
            ModelError::RankingItemEmpty { dm_index, tier, item, .. } => self
                .source
                .error(message, spans.tier_item(dm_index, tier, item))
                .label("matches no feasible state")
                .help("check it against the feasibility rules, or remove it"),
            ModelError::NamedStateInfeasible { index, .. } => self
                .source
                .error(message, spans.named_states.get(index).cloned().flatten())
                .label("this state")
                .help("a feasibility rule excludes this state; fix the state or the rule"),
            ModelError::StatusQuoInfeasible { .. } => self
                .source
                .error(message, spans.status_quo.clone())
                .help("a feasibility rule excludes this state; fix the status quo or the rule"),
        }
    }
}

/// Most feasible states enumerated while parsing, to turn state numbers into patterns.
/// Numbers are for models small enough to tabulate; larger ones name states by pattern.
const NUMBERING_MAX_STATES: usize = 1 << 20;

/// The feasible states over `option_count` options under `rules`, numbered as in GMCR.md §5.
fn feasible_states(
    option_count: usize,
    rules: &[Rule],
    max_states: usize,
) -> Result<StateSpace, ModelError> {
    let conditions: Vec<&Expr> = rules.iter().map(|r| &r.condition).collect();
    StateSpace::enumerate(option_count, &conditions, max_states)
}

/// Points at the first rule that, with the rules before it, leaves no feasible state.
fn no_feasible_state(
    source: &SourceFile,
    option_count: usize,
    rules: &[Rule],
    spans: &Spans,
    max_states: usize,
) -> Box<FormatError> {
    let culprit = (0..rules.len()).find(|&r| {
        matches!(
            feasible_states(option_count, &rules[..=r], max_states),
            Err(ModelError::NoFeasibleState)
        )
    });
    let span: Option<Span> = culprit
        .and_then(|r| spans.rule(r))
        .or_else(|| spans.rule(0));
    let help = match culprit {
        Some(0) => "this rule alone can never hold; check it".to_string(),
        Some(r) => format!(
            "rules 1 to {} together exclude every state: this rule contradicts the earlier ones",
            r + 1
        ),
        None => "the rules contradict each other; check them".to_string(),
    };
    source
        .error(ModelError::NoFeasibleState.to_string(), span)
        .label("no state satisfies the rules up to here")
        .help(help)
}
