//! detente model files: our TOML format (docs/MODEL_FORMAT.md) and the desktop
//! tool's `.gmcr` JSON (GMCR.md §5), read into an engine [`Model`] with errors
//! located in the source, and written back out.

mod diagnostic;
mod expr_parser;
pub mod expression;
mod form;
mod gmcr;
mod identity;
mod json_spans;
mod pattern;
mod rename;
mod rules;
mod toml_in;
mod toml_out;

use detente_engine::{
    CompileError, Conflict, Expr, Model, ModelError, NoDeadline, Rule, StateSpace,
};

pub use diagnostic::FormatError;
use diagnostic::{SourceFile, Span, Spans};
pub use form::{FORM_NAME, form_of_file, form_to_toml, parse_form};
pub use rename::{rename_dm, rename_option};

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
    /// Read from a model form: errors found later are located in the form, not the TOML.
    from_form: bool,
}

/// Detects the format from the extension (.toml / .gmcr / .json) and otherwise
/// from the content (a JSON object → gmcr), then parses, numbering states (for
/// rankings that name them by number) up to the engine's default state limit.
pub fn parse(source: &str, file_name: &str) -> Result<Loaded, Box<FormatError>> {
    parse_within(source, file_name, detente_engine::DEFAULT_MAX_STATES)
}

/// [`parse`] under the caller's state limit: a ranking that names states by number
/// makes the reader enumerate them, and that must stop where compiling would.
pub fn parse_within(
    source: &str,
    file_name: &str,
    max_states: usize,
) -> Result<Loaded, Box<FormatError>> {
    match kind_of(source, file_name) {
        FileKind::Toml => read_toml(source, file_name, max_states),
        FileKind::Gmcr => read_gmcr(source, file_name, max_states),
    }
}

/// The syntax [`parse`] reads a file in.
fn kind_of(source: &str, file_name: &str) -> FileKind {
    let extension = std::path::Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("toml") => FileKind::Toml,
        Some("gmcr" | "json") => FileKind::Gmcr,
        _ if source.trim_start().starts_with('{') => FileKind::Gmcr,
        _ => FileKind::Toml,
    }
}

/// Parses our TOML format (numbering states up to the engine's default limit).
pub fn parse_toml(source: &str, file_name: &str) -> Result<Loaded, Box<FormatError>> {
    read_toml(source, file_name, detente_engine::DEFAULT_MAX_STATES)
}

/// Parses GMCR+'s `.gmcr` JSON (numbering states up to the engine's default limit).
pub fn parse_gmcr(source: &str, file_name: &str) -> Result<Loaded, Box<FormatError>> {
    read_gmcr(source, file_name, detente_engine::DEFAULT_MAX_STATES)
}

fn read_toml(source: &str, file_name: &str, max_states: usize) -> Result<Loaded, Box<FormatError>> {
    let file = SourceFile::new(file_name, source);
    let (model, spans) = toml_in::parse(&file, max_states)?;
    Ok(Loaded {
        model,
        kind: FileKind::Toml,
        source: file,
        spans,
        from_form: false,
    })
}

fn read_gmcr(source: &str, file_name: &str, max_states: usize) -> Result<Loaded, Box<FormatError>> {
    let file = SourceFile::new(file_name, source);
    let (model, spans) = gmcr::import(&file, max_states)?;
    Ok(Loaded {
        model,
        kind: FileKind::Gmcr,
        source: file,
        spans,
        from_form: false,
    })
}

/// A model file's bytes as its text. Bytes that are not UTF-8 are an error located at
/// the first invalid one (the text shown with it has U+FFFD in its place).
pub fn decode(bytes: Vec<u8>, file_name: &str) -> Result<String, Box<FormatError>> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let byte = e.as_bytes()[at];
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        let replacement = at..at + char::REPLACEMENT_CHARACTER.len_utf8();
        SourceFile::new(file_name, &text)
            .error(
                format!("the file is not UTF-8 text: byte {at} (0x{byte:02X}) is not valid UTF-8"),
                Some(replacement),
            )
            .label("not UTF-8")
            .help("save the file as UTF-8; model files are UTF-8 text")
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
    /// Compiles with the engine, with no time bound, and turns any [`ModelError`] into a
    /// located [`FormatError`].
    pub fn compile(&self, max_states: usize) -> Result<Conflict, Box<FormatError>> {
        Conflict::compile(&self.model, max_states).map_err(|e| self.locate(e))
    }

    /// Whether the model was read from a form (its text is then the TOML written from it).
    pub fn is_form(&self) -> bool {
        self.from_form
    }

    /// The text the model was read from; for a form, the TOML written from it.
    pub fn text(&self) -> &str {
        &self.source.text
    }

    /// Points an engine error at the part of the source at fault (for a model read from
    /// a form, at the form path).
    pub fn locate(&self, error: ModelError) -> Box<FormatError> {
        let located = self.locate_in_source(error);
        if self.from_form {
            form::locate(located)
        } else {
            located
        }
    }

    fn locate_in_source(&self, error: ModelError) -> Box<FormatError> {
        let spans = &self.spans;
        let message = error.to_string();
        match error {
            ModelError::NoDecisionMakers => {
                let (label, help) = match self.kind {
                    FileKind::Toml => ("no [[dm]] table in the file", "add a [[dm]] table with at least one [[dm.option]]"),
                    FileKind::Gmcr => ("no decision makers here", "add an entry to \"decisionMakers\""),
                };
                self.source.error(message, spans.decision_makers.clone()).label(label).help(help)
            }
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
                no_feasible_state(&self.source, self.model.option_count(), &self.model.rules, spans)
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

/// The feasible states over `option_count` options under `rules`, numbered as in GMCR.md §5.
/// Reading a file has no time bound: this runs only for rankings that name states by
/// number, and stops at the state limit.
fn feasible_states(
    option_count: usize,
    rules: &[Rule],
    max_states: usize,
) -> Result<StateSpace, CompileError> {
    let conditions: Vec<&Expr> = rules.iter().map(|r| &r.condition).collect();
    StateSpace::enumerate(option_count, &conditions, max_states, &NoDeadline)
}

/// Points at the first rule that, with the rules before it, leaves no feasible state.
/// Each prefix of the rules is searched for a second state at most: whether any is
/// left is all that matters, and a prefix may leave millions.
fn no_feasible_state(
    source: &SourceFile,
    option_count: usize,
    rules: &[Rule],
    spans: &Spans,
) -> Box<FormatError> {
    let culprit = (0..rules.len()).find(|&r| {
        matches!(
            feasible_states(option_count, &rules[..=r], 1),
            Err(CompileError::Model(ModelError::NoFeasibleState))
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
