//! Reads the TOML model format (docs/MODEL_FORMAT.md).
//!
//! The document is parsed into toml's spanned tree and walked by hand rather
//! than deserialised, so that every error, from an unknown key to an unknown
//! option inside an expression, points at the exact text and says how to fix it.

use std::ops::Range;

use detente_engine::model::{MAX_OPTIONS, NamedState};
use detente_engine::{
    Coalition, CompileError, DecisionMaker, Direction, Expr, Model, ModelError, Notes, OptionDef,
    Preferences, Rule, StateSpace, Statement, Tier, Uncertain,
};
use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use crate::diagnostic::{FormatError, SourceFile, Span, Spans, suggestion};
use crate::expr_parser::{self, ExprError};
use crate::identity::{self, Written};
use crate::pattern::{self, PatternError};
use crate::rules::{KINDS, RuleForm};

/// The value of the required `format` key.
pub(crate) const FORMAT_TAG: &str = "detente/1";

pub(crate) const ROOT_KEYS: &[&str] = &[
    "format",
    "status_quo",
    "model",
    "dm",
    "rule",
    "state",
    "coalition",
];
pub(crate) const MODEL_KEYS: &[&str] = &["name", "description", "source", "status_quo"];
pub(crate) const DM_KEYS: &[&str] = &[
    "id",
    "name",
    "description",
    "source",
    "preferences",
    "ranking",
    "ranking_description",
    "ranking_source",
    "misperceives",
    "option",
];
pub(crate) const OPTION_KEYS: &[&str] = &["id", "label", "irreversible", "description", "source"];
pub(crate) const STATEMENT_KEYS: &[&str] = &["statement", "priority", "description", "source"];
pub(crate) const TIER_KEYS: &[&str] = &["tier", "priority"];
pub(crate) const NOTE_KEYS: &[&str] = &["description", "source"];
pub(crate) const STATE_KEYS: &[&str] = &["name", "options", "yn", "description", "source"];
pub(crate) const COALITION_KEYS: &[&str] = &["members", "description", "source"];

type Val<'i> = Spanned<DeValue<'i>>;
type Res<T> = Result<T, Box<FormatError>>;

/// Reads a model; states named by number are numbered up to `max_states` feasible states.
pub(crate) fn parse(file: &SourceFile, max_states: usize) -> Res<(Model, Spans)> {
    let document = DeTable::parse(&file.text).map_err(|e| syntax_error(file, &e))?;
    let root_value = Spanned::new(document.span(), DeValue::Table(document.into_inner()));
    let mut reader = Reader {
        file,
        ids: Vec::new(),
        states: None,
        max_states,
    };
    reader.model(&root_value)
}

pub(crate) fn syntax_error(file: &SourceFile, error: &toml::de::Error) -> Box<FormatError> {
    let help = if error.message().contains("duplicate") {
        "each key may appear once per table; note that `format` and `status_quo` must come before the first [table] header"
    } else if error.message().contains("recursion") {
        "arrays and tables are nested too deeply here; a model file needs only a few levels"
    } else {
        "this is not valid TOML; strings need quotes and lists need brackets, e.g. `not_both = [\"a\", \"b\"]`"
    };
    file.error(
        format!("TOML syntax error: {}", error.message()),
        error.span(),
    )
    .help(help)
}

/// One TOML table, its keys already checked against those allowed there.
struct Table<'t, 'i> {
    entries: &'t DeTable<'i>,
    span: Span,
    name: String,
}

impl<'t, 'i> Table<'t, 'i> {
    fn get(&self, key: &str) -> Option<&'t Val<'i>> {
        self.entry(key).map(|(_, v)| v)
    }

    fn key_span(&self, key: &str) -> Option<Span> {
        self.entry(key).map(|(k, _)| k.span())
    }

    fn entry(&self, key: &str) -> Option<(&'t Spanned<std::borrow::Cow<'i, str>>, &'t Val<'i>)> {
        self.entries.iter().find(|(k, _)| k.get_ref() == key)
    }
}

struct Reader<'a> {
    file: &'a SourceFile,
    /// Option ids in column order, once all DMs are read.
    ids: Vec<String>,
    /// The feasible states, enumerated when a ranking first names a state by number.
    states: Option<StateSpace>,
    /// The caller's state limit, for numbering states.
    max_states: usize,
}

/// What a DM's `preferences` or `ranking` gives, and where it is written.
struct ReadPreferences {
    preferences: Preferences,
    uncertain: Vec<Uncertain>,
    /// The `preferences` or `ranking` key.
    key_span: Option<Span>,
    /// Per tier, the span of each ranking item.
    tier_items: Vec<Vec<Span>>,
}

/// A DM read in the first pass; its preferences need every option id, so they wait for the second.
struct DmDraft<'t, 'i> {
    table: Table<'t, 'i>,
    dm: DecisionMaker,
}

impl<'a> Reader<'a> {
    fn model(&mut self, root_value: &Val) -> Res<(Model, Spans)> {
        let root = self.table(root_value, "the top level", ROOT_KEYS)?;
        self.format_tag(&root)?;
        let meta = root
            .get("model")
            .map(|v| self.table(v, "[model]", MODEL_KEYS))
            .transpose()?;
        let default_name = std::path::Path::new(&self.file.name)
            .file_stem()
            .map_or(String::new(), |s| s.to_string_lossy().into_owned());
        let mut model = Model {
            name: match &meta {
                Some(meta) => self.opt_string(meta, "name")?.map(str::to_string),
                None => None,
            }
            .unwrap_or(default_name),
            notes: meta
                .as_ref()
                .map(|m| self.notes(m))
                .transpose()?
                .unwrap_or_default(),
            ..Model::default()
        };
        let end = self.file.text.len();
        let mut spans = Spans {
            // An empty `dm` array, else the [model] table, else the end of the file.
            decision_makers: Some(
                root.get("dm")
                    .map(|v| v.span())
                    .or_else(|| root.key_span("model"))
                    .unwrap_or(end..end),
            ),
            ..Spans::default()
        };

        let mut drafts = Vec::new();
        for value in self.tables_of(&root, "dm", "[[dm]]")? {
            let draft = self.decision_maker(value, &drafts)?;
            spans.dm.push(Some(draft.table.span.clone()));
            drafts.push(draft);
        }
        self.ids = drafts
            .iter()
            .flat_map(|d| d.dm.options.iter().map(|o| o.id.clone()))
            .collect();

        for value in self.tables_of(&root, "rule", "[[rule]]")? {
            let (rule, span) = self.rule(value)?;
            model.rules.push(rule);
            spans.rules.push(Some(span));
        }

        for draft in drafts {
            let read = self.preferences(&draft.table, &model, &spans)?;
            let mut dm = draft.dm;
            dm.preferences = read.preferences;
            dm.uncertain = read.uncertain;
            dm.misperceived = self.misperceived(&draft.table)?;
            spans.preferences.push(read.key_span);
            spans.tier_items.push(read.tier_items);
            model.decision_makers.push(dm);
        }

        let top = root.get("status_quo");
        let nested = meta.as_ref().and_then(|m| m.get("status_quo"));
        if let (Some(_), Some(second)) = (top, nested) {
            return Err(self
                .file
                .error("the status quo is given twice", Some(second.span()))
                .help("keep either the top-level `status_quo` or `model.status_quo`"));
        }
        if let Some(value) = top.or(nested) {
            model.status_quo = Some(self.status_quo(value)?);
            spans.status_quo = Some(value.span());
        }

        for value in self.tables_of(&root, "state", "[[state]]")? {
            let (state, span) = self.named_state(value, &model.named_states)?;
            model.named_states.push(state);
            spans.named_states.push(Some(span));
        }

        for value in self.tables_of(&root, "coalition", "[[coalition]]")? {
            let coalition = self.coalition(value, &model)?;
            model.coalitions.push(coalition);
        }
        Ok((model, spans))
    }

    fn format_tag(&self, root: &Table) -> Res<()> {
        let example = format!("format = \"{FORMAT_TAG}\"");
        let Some(value) = root.get("format") else {
            return Err(self
                .file
                .error(format!("missing `{example}`"), Some(0..0))
                .help(format!("add `{example}` as the first line of the file")));
        };
        let tag = self.string(value, "`format`", &example)?;
        if tag != FORMAT_TAG {
            return Err(self
                .file
                .error(format!("unsupported format `{tag}`"), Some(value.span()))
                .help(format!("this version of detente reads `{example}`")));
        }
        Ok(())
    }

    // ------------------------------------------------------------ decision makers and options

    fn decision_maker<'t, 'i>(
        &self,
        value: &'t Val<'i>,
        earlier: &[DmDraft],
    ) -> Res<DmDraft<'t, 'i>> {
        let table = self.table(value, "[[dm]]", DM_KEYS)?;
        let id = self.required_id(&table, "id = \"us\"")?;
        if earlier.iter().any(|d| d.dm.id == id) {
            return Err(self
                .file
                .error(
                    format!("decision maker `{id}` is already defined"),
                    table.get("id").map(Spanned::span),
                )
                .label("defined again here")
                .help("DM ids must be unique; rename one of them"));
        }
        if table.get("preferences").is_some() && table.get("ranking").is_some() {
            return Err(self
                .file
                .error(
                    format!("decision maker `{id}` has both `preferences` and `ranking`"),
                    table.key_span("ranking"),
                )
                .help("give either an option prioritization (`preferences`) or an explicit `ranking`, not both"));
        }
        let name = self.opt_string(&table, "name")?.unwrap_or(&id).to_string();
        let written = Written {
            name: table.get("name").map(Spanned::span),
            id: table.get("id").map(Spanned::span),
        };
        identity::check_unique(
            self.file,
            earlier.iter().map(|d| &d.dm),
            &id,
            &name,
            written,
        )?;
        let notes = self.notes(&table)?;
        let mut options = Vec::new();
        let defined_before: usize = earlier.iter().map(|d| d.dm.options.len()).sum();
        for option_value in self.tables_of(&table, "option", "[[dm.option]]")? {
            let option = self.option(option_value, &id, earlier, &options)?;
            if defined_before + options.len() == MAX_OPTIONS {
                return Err(self
                    .file
                    .error(
                        format!("too many options: this is option {}", MAX_OPTIONS + 1),
                        option_value.get_ref().as_table().and_then(|t| t.get("id")).map(Spanned::span),
                    )
                    .help(format!("detente handles at most {MAX_OPTIONS} options (a state is one 64-bit pattern)")));
            }
            options.push(option);
        }
        Ok(DmDraft {
            table,
            dm: DecisionMaker {
                id,
                name,
                options,
                preferences: Preferences::default(),
                misperceived: Vec::new(),
                uncertain: Vec::new(),
                notes,
            },
        })
    }

    fn option(
        &self,
        value: &Val,
        dm_id: &str,
        earlier: &[DmDraft],
        siblings: &[OptionDef],
    ) -> Res<OptionDef> {
        let table = self.table(value, "[[dm.option]]", OPTION_KEYS)?;
        let id = self.required_id(&table, "id = \"air_strike\"")?;
        let id_span = table.get("id").map(Spanned::span);
        if !expr_parser::is_identifier(&id) {
            let why = if expr_parser::is_keyword(&id) {
                format!("`{id}` is a keyword of the expression syntax")
            } else {
                "ids use letters, digits and _, and start with a letter or _".to_string()
            };
            return Err(self
                .file
                .error(format!("`{id}` is not a valid option id"), id_span)
                .help(format!("{why}; put the display name in `label = \"...\"`")));
        }
        let owner = if siblings.iter().any(|o| o.id == id) {
            Some(dm_id.to_string())
        } else {
            earlier
                .iter()
                .find(|d| d.dm.options.iter().any(|o| o.id == id))
                .map(|d| d.dm.id.clone())
        };
        if let Some(owner) = owner {
            return Err(self
                .file
                .error(
                    format!("option `{id}` is already defined under DM `{owner}`"),
                    id_span,
                )
                .label("defined again here")
                .help("option ids must be unique across the whole model; rename one of them"));
        }
        let label = self.opt_string(&table, "label")?.unwrap_or(&id).to_string();
        let direction = match table.get("irreversible") {
            None => Direction::Both,
            Some(v) => {
                let example = "irreversible = \"forward\"";
                match self.string(v, "`irreversible`", example)? {
                    "forward" => Direction::Forward,
                    "backward" => Direction::Backward,
                    other => {
                        return Err(self
                            .file
                            .error(
                                format!("`irreversible` must be \"forward\" or \"backward\", not \"{other}\""),
                                Some(v.span()),
                            )
                            .help("\"forward\": N to Y only; \"backward\": Y to N only; omit the key if the option can change both ways"));
                    }
                }
            }
        };
        Ok(OptionDef {
            id,
            label,
            direction,
            notes: self.notes(&table)?,
        })
    }

    // ------------------------------------------------------------ rules

    fn rule(&self, value: &Val) -> Res<(Rule, Span)> {
        let allowed: Vec<&str> = KINDS.iter().chain(NOTE_KEYS).copied().collect();
        let table = self.table(value, "[[rule]]", &allowed)?;
        let mut kinds: Vec<(&str, Span)> = KINDS
            .iter()
            .filter_map(|&k| table.key_span(k).map(|s| (k, s)))
            .collect();
        kinds.sort_by_key(|(_, s)| s.start);
        let (kind, key_span) = match kinds.as_slice() {
            [] => {
                return Err(self
                    .file
                    .error("this [[rule]] has no condition", Some(table.span.clone()))
                    .help(format!("add one of: {}", KINDS.join(", "))));
            }
            [one] => one.clone(),
            [first, second, ..] => {
                return Err(self
                    .file
                    .error(
                        format!(
                            "a [[rule]] takes exactly one condition; this one has `{}` and `{}`",
                            first.0, second.0
                        ),
                        Some(second.1.clone()),
                    )
                    .help("split it into two [[rule]] tables"));
            }
        };
        let value = table.get(kind).expect("kind key present");
        let form = match kind {
            "require" => {
                RuleForm::Require(self.expr(value, "`require`", "require = \"a -> b\"")?)
            }
            "forbid" => RuleForm::Forbid(self.expr(value, "`forbid`", "forbid = \"a & !b\"")?),
            "implies" => match self.option_list(value, kind)?.as_slice() {
                &[p, q] => RuleForm::Implies(p, q),
                _ => {
                    return Err(self
                        .file
                        .error("`implies` takes exactly two option ids", Some(value.span()))
                        .help("implies = [\"p\", \"q\"] means p -> q (p only if q); use `require` for anything else"));
                }
            },
            _ => {
                let ids = self.option_list(value, kind)?;
                if ids.len() < 2 {
                    return Err(self
                        .file
                        .error(
                            format!("`{kind}` needs at least two option ids"),
                            Some(value.span()),
                        )
                        .help("for a single option use `require = \"a\"` or `forbid = \"a\"`"));
                }
                match kind {
                    "not_both" => RuleForm::NotBoth(ids),
                    "at_least_one" => RuleForm::AtLeastOne(ids),
                    "at_most_one" => RuleForm::AtMostOne(ids),
                    _ => RuleForm::ExactlyOne(ids),
                }
            }
        };
        let rule = Rule {
            condition: form.condition(),
            notes: self.notes(&table)?,
        };
        Ok((rule, key_span.start..value.span().end))
    }

    /// A list of distinct, known option ids.
    fn option_list(&self, value: &Val, key: &str) -> Res<Vec<usize>> {
        let example = format!("{key} = [\"a\", \"b\"]");
        let mut ids = Vec::new();
        for item in self
            .array(
                value,
                &format!("`{key}`"),
                "an array of option ids",
                &example,
            )?
            .iter()
        {
            let id = self.string(item, &format!("an item of `{key}`"), &example)?;
            let k = self.option_index(id, item.span())?;
            if ids.contains(&k) {
                return Err(self
                    .file
                    .error(format!("option `{id}` is listed twice"), Some(item.span()))
                    .help("remove the repetition"));
            }
            ids.push(k);
        }
        Ok(ids)
    }

    fn option_index(&self, id: &str, span: Span) -> Res<usize> {
        self.ids.iter().position(|x| x == id).ok_or_else(|| {
            let known: Vec<&str> = self.ids.iter().map(String::as_str).collect();
            self.file
                .error(format!("unknown option `{id}`"), Some(span))
                .help(suggestion(id, &known, "known options"))
        })
    }

    // ------------------------------------------------------------ preferences

    /// The DM's preferences and uncertain elements, and where they are written.
    fn preferences(&mut self, table: &Table, model: &Model, spans: &Spans) -> Res<ReadPreferences> {
        let mut uncertain = Vec::new();
        if let Some(value) = table.get("preferences") {
            let example = "preferences = [\"a\", \"!b\"]";
            let items = self.array(value, "`preferences`", "an array of statements", example)?;
            let count = items.len();
            let mut statements = Vec::new();
            for (j, item) in items.iter().enumerate() {
                let (statement, priority) = self.statement(item)?;
                statements.push(statement);
                if let Some(range) = priority {
                    let window = self.priority(range, j, count, &uncertain, "statement")?;
                    uncertain.push(window);
                }
            }
            return Ok(ReadPreferences {
                preferences: Preferences::Prioritization(statements),
                uncertain,
                key_span: table.key_span("preferences"),
                tier_items: Vec::new(),
            });
        }
        let Some(value) = table.get("ranking") else {
            return Ok(ReadPreferences {
                preferences: Preferences::default(),
                uncertain,
                key_span: None,
                tier_items: Vec::new(),
            });
        };
        let example = "ranking = [\"YN\", [\"NY\", \"NN\"], \"--\"]";
        let mut tiers = Vec::new();
        let mut tier_spans = Vec::new();
        let tier_values =
            self.array(value, "`ranking`", "an array of tiers, best first", example)?;
        let count = tier_values.len();
        for (t, written) in tier_values.iter().enumerate() {
            let tier_value = match written.get_ref() {
                DeValue::Table(_) => {
                    let (tier, range) = self.uncertain_tier(written)?;
                    let window = self.priority(range, t, count, &uncertain, "tier")?;
                    uncertain.push(window);
                    tier
                }
                _ => written,
            };
            let items: Vec<&Val> = match tier_value.get_ref() {
                DeValue::Array(tie) if tie.iter().next().is_none() => {
                    return Err(self
                        .file
                        .error("empty tie in `ranking`", Some(tier_value.span()))
                        .help("a tie lists the items that share a tier; remove the empty list"));
                }
                DeValue::Array(tie) => tie.iter().collect(),
                _ => vec![tier_value],
            };
            let mut tier = Tier { items: Vec::new() };
            let mut item_spans = Vec::new();
            for item in items {
                tier.items.push(self.ranking_item(item, model, spans)?);
                item_spans.push(item.span());
            }
            tiers.push(tier);
            tier_spans.push(item_spans);
        }
        let notes = Notes {
            description: self
                .opt_string(table, "ranking_description")?
                .map(str::to_string),
            source: self
                .opt_string(table, "ranking_source")?
                .map(str::to_string),
        };
        Ok(ReadPreferences {
            preferences: Preferences::Ranking { tiers, notes },
            uncertain,
            key_span: table.key_span("ranking"),
            tier_items: tier_spans,
        })
    }

    /// A tier written as `{ tier = ..., priority = [lo, hi] }`: the tier and its range.
    fn uncertain_tier<'v, 'i>(&self, value: &'v Val<'i>) -> Res<(&'v Val<'i>, &'v Val<'i>)> {
        let table = self.table(value, "a ranking tier", TIER_KEYS)?;
        let example = "{ tier = \"YN--\", priority = [2, 3] }";
        match (table.get("tier"), table.get("priority")) {
            (Some(tier), Some(range)) => Ok((tier, range)),
            (None, _) => Err(self
                .file
                .error("this tier has no `tier`", Some(table.span.clone()))
                .help(format!("write the tier's items under `tier`: {example}"))),
            (_, None) => Err(self
                .file
                .error("this tier has no `priority`", Some(table.span.clone()))
                .help(format!(
                    "a tier is written as a table only to give the range of positions it may take: {example}; otherwise write the tier itself"
                ))),
        }
    }

    /// The `priority = [lo, hi]` of the element written at (0-based) `at` of `count`:
    /// 1-based positions, holding `at`, disjoint from the DM's earlier ranges.
    fn priority(
        &self,
        value: &Val,
        at: usize,
        count: usize,
        earlier: &[Uncertain],
        what: &str,
    ) -> Res<Uncertain> {
        let example = format!("priority = [{}, {}]", at + 1, (at + 2).min(count));
        let position = |item: &Val| match item.get_ref() {
            DeValue::Integer(n) => {
                i64::from_str_radix(&n.as_str().replace('_', ""), n.radix()).ok()
            }
            _ => None,
        };
        let bounds: Vec<Option<i64>> = match value.get_ref() {
            DeValue::Array(items) => items.iter().map(position).collect(),
            _ => Vec::new(),
        };
        let &[Some(lo), Some(hi)] = bounds.as_slice() else {
            return Err(self.type_error(
                "`priority`",
                "a list of two positions [lowest, highest]",
                value,
                &example,
            ));
        };
        let error = |message: String, help: String| {
            Err(self.file.error(message, Some(value.span())).help(help))
        };
        if lo < 1 || hi > count as i64 {
            return error(
                format!(
                    "position {} is out of range: this list has {count} {what}s",
                    if lo < 1 { lo } else { hi }
                ),
                format!("positions count from 1 (most important) to {count}"),
            );
        }
        if lo >= hi {
            return error(
                format!("`priority = [{lo}, {hi}]` is not a range of two or more positions"),
                format!(
                    "give the most and the least important position the {what} may take, e.g. `{example}`"
                ),
            );
        }
        let (lo, hi) = (lo as usize - 1, hi as usize - 1);
        if !(lo..=hi).contains(&at) {
            return error(
                format!(
                    "this {what} is written at position {}, outside its range {}..{}",
                    at + 1,
                    lo + 1,
                    hi + 1
                ),
                format!(
                    "the range must include where the {what} is written: move it into the range, or widen the range"
                ),
            );
        }
        if let Some(other) = earlier
            .iter()
            .find(|o| lo <= *o.positions.end() && *o.positions.start() <= hi)
        {
            return error(
                format!(
                    "this range overlaps the range {}..{} of {what} {}",
                    other.positions.start() + 1,
                    other.positions.end() + 1,
                    other.element + 1
                ),
                format!(
                    "the uncertain {what}s of one DM must have ranges with no position in common"
                ),
            );
        }
        Ok(Uncertain {
            element: at,
            positions: lo..=hi,
        })
    }

    /// A statement, and its `priority` value if it has one.
    fn statement<'v, 'i>(&self, item: &'v Val<'i>) -> Res<(Statement, Option<&'v Val<'i>>)> {
        let example = "\"a & !b\" or { statement = \"a & !b\", source = \"...\" }";
        if item.get_ref().is_str() {
            let expr = self.expr(item, "a preference statement", example)?;
            return Ok((
                Statement {
                    expr,
                    notes: Notes::default(),
                },
                None,
            ));
        }
        if !item.get_ref().is_table() {
            return Err(self.type_error(
                "a preference statement",
                "a string or a table",
                item,
                example,
            ));
        }
        let table = self.table(item, "a preference statement", STATEMENT_KEYS)?;
        let Some(statement) = table.get("statement") else {
            return Err(self
                .file
                .error(
                    "this preference statement has no `statement`",
                    Some(table.span.clone()),
                )
                .help("write { statement = \"a & !b\", description = \"...\" }"));
        };
        let parsed = Statement {
            expr: self.expr(statement, "`statement`", example)?,
            notes: self.notes(&table)?,
        };
        Ok((parsed, table.get("priority")))
    }

    /// A Y/N/- pattern, an expression, or a state number.
    fn ranking_item(&mut self, item: &Val, model: &Model, spans: &Spans) -> Res<Expr> {
        match item.get_ref() {
            DeValue::Integer(number) => {
                self.state_by_number(number.as_str(), number.radix(), item.span(), model, spans)
            }
            DeValue::String(text) => self.pattern_or_expr(item, text, "a ranking"),
            DeValue::Array(_) => Err(self
                .file
                .error("a tie cannot contain another list", Some(item.span()))
                .help("a tier is one item or a flat list of tied items")),
            _ => Err(self.type_error(
                "a ranking item",
                "a pattern, an expression or a state number",
                item,
                "\"YN-N\", \"a & !b\" or 3",
            )),
        }
    }

    /// A string that is a Y/N/- pattern over all options or an expression;
    /// `what` names its place in messages ("a ranking").
    fn pattern_or_expr(&self, item: &Val, text: &str, what: &str) -> Res<Expr> {
        let n = self.ids.len();
        let is_pattern =
            text.chars().count() == n && text.chars().all(|c| matches!(c, 'Y' | 'N' | '-'));
        if is_pattern || (pattern::looks_like(text, n) && !self.ids.iter().any(|id| id == text)) {
            match pattern::parse(text, n, true) {
                Ok((mask, bits)) => return Ok(Expr::pattern(mask, bits)),
                // A short all-Y/N/- text may still be a valid expression such as `-N`.
                Err(error) if is_pattern || self.parse_expr(text).is_err() => {
                    return Err(self.pattern_error(
                        item,
                        text,
                        error,
                        &format!("{what} pattern"),
                        true,
                    ));
                }
                Err(_) => {}
            }
        }
        self.expr(item, &format!("{what} item"), "\"YN-N\"")
    }

    /// The states a DM does not perceive (`misperceives`): patterns or expressions.
    fn misperceived(&self, table: &Table) -> Res<Vec<Expr>> {
        let Some(value) = table.get("misperceives") else {
            return Ok(Vec::new());
        };
        let example = "misperceives = [\"nrc & !ceasefire\", \"Y-N-\"]";
        self.array(
            value,
            "`misperceives`",
            "an array of patterns or expressions",
            example,
        )?
        .iter()
        .map(|item| {
            let text = self.string(item, "an item of `misperceives`", example)?;
            self.pattern_or_expr(item, text, "a misperception")
        })
        .collect()
    }

    // ------------------------------------------------------------ coalitions

    fn coalition(&self, value: &Val, model: &Model) -> Res<Coalition> {
        let table = self.table(value, "[[coalition]]", COALITION_KEYS)?;
        let example = "members = [\"us\", \"russia\"]";
        let Some(list) = table.get("members") else {
            return Err(self
                .file
                .error("a coalition needs `members`", Some(table.span.clone()))
                .help(format!("list the DM ids that act together: `{example}`")));
        };
        let items = self.array(list, "`members`", "an array of DM ids", example)?;
        let mut members = Vec::new();
        for item in items.iter() {
            let id = self.string(item, "an item of `members`", example)?;
            let Some(d) = model.decision_makers.iter().position(|dm| dm.id == id) else {
                let known: Vec<&str> = model
                    .decision_makers
                    .iter()
                    .map(|dm| dm.id.as_str())
                    .collect();
                return Err(self
                    .file
                    .error(format!("unknown decision maker `{id}`"), Some(item.span()))
                    .help(suggestion(id, &known, "known decision makers")));
            };
            if members.contains(&d) {
                return Err(self
                    .file
                    .error(format!("`{id}` is listed twice"), Some(item.span()))
                    .help("remove the repetition"));
            }
            members.push(d);
        }
        if members.len() < 2 {
            return Err(self
                .file
                .error("a coalition needs at least two members", Some(list.span()))
                .help(format!(
                    "every DM alone is always examined; list two or more: `{example}`"
                )));
        }
        members.sort_unstable();
        if model.coalitions.iter().any(|c| c.members == members) {
            return Err(self
                .file
                .error("this coalition is listed already", Some(list.span()))
                .help("list each coalition once"));
        }
        Ok(Coalition {
            members,
            notes: self.notes(&table)?,
        })
    }

    fn state_by_number(
        &mut self,
        digits: &str,
        radix: u32,
        span: Span,
        model: &Model,
        spans: &Spans,
    ) -> Res<Expr> {
        if self.states.is_none() {
            let n = self.ids.len();
            let space = match crate::feasible_states(n, &model.rules, self.max_states) {
                Ok(space) => space,
                Err(CompileError::Model(ModelError::NoFeasibleState)) => {
                    return Err(crate::no_feasible_state(self.file, n, &model.rules, spans));
                }
                Err(error) => {
                    return Err(self
                        .file
                        .error(format!("cannot number the states: {error}"), Some(span))
                        .help("name the states by pattern or expression instead"));
                }
            };
            self.states = Some(space);
        }
        let space = self.states.as_ref().expect("enumerated above");
        let count = space.len();
        match i128::from_str_radix(&digits.replace('_', ""), radix) {
            Ok(number) if number >= 1 && number <= count as i128 => {
                let full = (1u64 << self.ids.len()) - 1;
                Ok(Expr::pattern(full, space.pattern(number as u32 - 1)))
            }
            _ => Err(self
                .file
                .error(
                    format!("state {digits} does not exist: the model has {count} feasible states"),
                    Some(span),
                )
                .help(format!(
                    "state numbers run from 1 to {count}: feasible states sorted by binary value, option 1 the lowest bit"
                ))),
        }
    }

    // ------------------------------------------------------------ status quo

    fn status_quo(&self, value: &Val) -> Res<u64> {
        let example = "status_quo = [\"blockade\"] or status_quo = \"NYNN\"";
        match value.get_ref() {
            DeValue::Array(items) => {
                let mut bits = 0u64;
                for item in items.iter() {
                    let id = self.string(item, "an item of `status_quo`", example)?;
                    bits |= 1 << self.option_index(id, item.span())?;
                }
                Ok(bits)
            }
            DeValue::String(text) => match pattern::parse(text, self.ids.len(), false) {
                Ok((_, bits)) => Ok(bits),
                Err(error) => Err(self.pattern_error(value, text, error, "the status quo", false)),
            },
            _ => Err(self.type_error(
                "`status_quo`",
                "a list of option ids or a Y/N string",
                value,
                example,
            )),
        }
    }

    // ------------------------------------------------------------ named states

    /// A `[[state]]`, and the span of the `options` or `yn` value that gives it.
    fn named_state(&self, value: &Val, earlier: &[NamedState]) -> Res<(NamedState, Span)> {
        let table = self.table(value, "[[state]]", STATE_KEYS)?;
        let name_example = "name = \"Proposed settlement\"";
        let Some(name_value) = table.get("name") else {
            return Err(self
                .file
                .error("this [[state]] has no `name`", Some(table.span.clone()))
                .help(format!(
                    "add `{name_example}`: reports refer to the state by it"
                )));
        };
        let name = self.string(name_value, "`name`", name_example)?;
        if name.trim().is_empty() {
            return Err(self
                .file
                .error(
                    "the name of a [[state]] must not be empty",
                    Some(name_value.span()),
                )
                .help(format!("write `{name_example}`")));
        }
        if let Some(first) = earlier
            .iter()
            .find(|s| s.name.trim().eq_ignore_ascii_case(name.trim()))
        {
            let message = if first.name == name {
                format!("a state named `{name}` is already defined")
            } else {
                format!(
                    "a state named `{name}` is already defined (as `{}`)",
                    first.name
                )
            };
            return Err(self
                .file
                .error(message, Some(name_value.span()))
                .label("defined again here")
                .help("state names must be unique (ignoring case); rename one of them"));
        }
        let example = "options = [\"a\", \"c\"] or yn = \"YNYN\"";
        let mut given: Vec<(&str, Span)> = ["options", "yn"]
            .iter()
            .filter_map(|&k| table.key_span(k).map(|s| (k, s)))
            .collect();
        given.sort_by_key(|(_, s)| s.start);
        let key = match given.as_slice() {
            [] => {
                return Err(self
                    .file
                    .error(
                        format!("the [[state]] `{name}` has neither `options` nor `yn`"),
                        Some(table.span.clone()),
                    )
                    .help(format!(
                        "say which options are Y there: {example} (one Y/N per option, in column order)"
                    )));
            }
            [(key, _)] => *key,
            [_, (_, second), ..] => {
                return Err(self
                    .file
                    .error(
                        format!("the [[state]] `{name}` has both `options` and `yn`"),
                        Some(second.clone()),
                    )
                    .help("give either the list of options that are Y (`options`) or the full Y/N string (`yn`), not both"));
            }
        };
        let value = table.get(key).expect("key present");
        let pattern = if key == "options" {
            self.option_list(value, "options")?
                .into_iter()
                .fold(0u64, |bits, k| bits | 1 << k)
        } else {
            let text = self.string(value, "`yn`", "yn = \"YNYN\"")?;
            match pattern::parse(text, self.ids.len(), false) {
                Ok((_, bits)) => bits,
                Err(error) => {
                    return Err(self.pattern_error(value, text, error, "the state pattern", false));
                }
            }
        };
        let state = NamedState {
            name: name.to_string(),
            pattern,
            notes: self.notes(&table)?,
        };
        Ok((state, value.span()))
    }

    fn pattern_error(
        &self,
        value: &Val,
        text: &str,
        error: PatternError,
        what: &str,
        dash: bool,
    ) -> Box<FormatError> {
        let order = self.ids.join(", ");
        let allowed = if dash { "Y, N and -" } else { "Y and N" };
        match error {
            PatternError::Length { found } => self
                .file
                .error(
                    format!(
                        "{what} `{text}` has {found} characters, but the model has {} options",
                        self.ids.len()
                    ),
                    Some(value.span()),
                )
                .help(format!(
                    "write one of {allowed} per option, in column order: {order}"
                )),
            PatternError::BadChar { at, ch } => self
                .file
                .error(
                    format!("{what} `{text}` contains `{ch}`; only {allowed} are allowed"),
                    Some(inner_span(
                        &self.file.text,
                        value.span(),
                        text,
                        at..at + ch.len_utf8(),
                    )),
                )
                .help(format!(
                    "one character per option, in column order: {order}"
                )),
        }
    }

    // ------------------------------------------------------------ values

    fn parse_expr(&self, text: &str) -> Result<Expr, ExprError> {
        let ids: Vec<&str> = self.ids.iter().map(String::as_str).collect();
        expr_parser::parse(text, &ids)
    }

    fn expr(&self, value: &Val, what: &str, example: &str) -> Res<Expr> {
        let text = self.string(value, what, example)?;
        self.parse_expr(text).map_err(|e| {
            let span = inner_span(&self.file.text, value.span(), text, e.range);
            let error = self.file.error(e.message, Some(span));
            match e.help {
                Some(help) => error.help(help),
                None => error,
            }
        })
    }

    /// Opens `value` as a table named `name` whose keys must all be in `allowed`.
    fn table<'t, 'i>(
        &self,
        value: &'t Val<'i>,
        name: &str,
        allowed: &[&str],
    ) -> Res<Table<'t, 'i>> {
        let DeValue::Table(entries) = value.get_ref() else {
            return Err(self.type_error(name, "a table", value, "[model] or { key = \"value\" }"));
        };
        let unknown = entries
            .iter()
            .map(|(k, _)| k)
            .filter(|k| !allowed.contains(&k.get_ref().as_ref()))
            .min_by_key(|k| k.span().start);
        if let Some(key) = unknown {
            return Err(self
                .file
                .error(
                    format!("unknown key `{}` in {name}", key.get_ref()),
                    Some(key.span()),
                )
                .help(suggestion(key.get_ref(), allowed, "valid keys here")));
        }
        Ok(Table {
            entries,
            span: value.span(),
            name: name.to_string(),
        })
    }

    /// The tables of an array of tables such as `[[dm]]`, or none if the key is absent.
    fn tables_of<'t, 'i>(
        &self,
        table: &Table<'t, 'i>,
        key: &str,
        header: &str,
    ) -> Res<Vec<&'t Val<'i>>> {
        let Some(value) = table.get(key) else {
            return Ok(Vec::new());
        };
        let example = format!("{header} (double brackets: there may be several)");
        let items: Vec<&Val> = match value.get_ref() {
            DeValue::Array(items) => items.iter().collect(),
            _ => {
                return Err(self.type_error(
                    &format!("`{key}`"),
                    "an array of tables",
                    value,
                    &example,
                ));
            }
        };
        if let Some(bad) = items.iter().find(|v| !v.get_ref().is_table()) {
            return Err(self.type_error(&format!("an item of `{key}`"), "a table", bad, &example));
        }
        Ok(items)
    }

    fn required_id(&self, table: &Table, example: &str) -> Res<String> {
        match table.get("id") {
            None => Err(self
                .file
                .error(
                    format!("this {} has no `id`", table.name),
                    Some(table.span.clone()),
                )
                .help(format!("add `{example}`"))),
            Some(value) => {
                let id = self.string(value, "`id`", example)?;
                if id.trim().is_empty() {
                    return Err(self
                        .file
                        .error("`id` must not be empty", Some(value.span()))
                        .help(format!("write `{example}`")));
                }
                Ok(id.to_string())
            }
        }
    }

    fn opt_string<'t>(&self, table: &Table<'t, '_>, key: &str) -> Res<Option<&'t str>> {
        table
            .get(key)
            .map(|v| self.string(v, &format!("`{key}`"), &format!("{key} = \"...\"")))
            .transpose()
    }

    fn notes(&self, table: &Table) -> Res<Notes> {
        Ok(Notes {
            description: self.opt_string(table, "description")?.map(str::to_string),
            source: self.opt_string(table, "source")?.map(str::to_string),
        })
    }

    fn string<'v>(&self, value: &'v Val, what: &str, example: &str) -> Res<&'v str> {
        value
            .get_ref()
            .as_str()
            .ok_or_else(|| self.type_error(what, "a string", value, example))
    }

    fn array<'v, 'i>(
        &self,
        value: &'v Val<'i>,
        what: &str,
        expected: &str,
        example: &str,
    ) -> Res<&'v DeArray<'i>> {
        value
            .get_ref()
            .as_array()
            .ok_or_else(|| self.type_error(what, expected, value, example))
    }

    fn type_error(
        &self,
        what: &str,
        expected: &str,
        value: &Val,
        example: &str,
    ) -> Box<FormatError> {
        let found = value.get_ref().type_str();
        let article = if found.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        self.file
            .error(
                format!("{what} must be {expected}, not {article} {found}"),
                Some(value.span()),
            )
            .help(format!("for example: {example}"))
    }
}

/// Maps `range`, a byte range within the string value `value`, to the source, when the
/// string is written without escapes; otherwise the whole string's `span`.
fn inner_span(source: &str, span: Span, value: &str, range: Range<usize>) -> Span {
    let Some(raw) = source.get(span.clone()) else {
        return span;
    };
    for quote in ["\"\"\"", "'''", "\"", "'"] {
        if raw.len() >= 2 * quote.len() && raw.starts_with(quote) && raw.ends_with(quote) {
            let mut start = span.start + quote.len();
            let mut body = &raw[quote.len()..raw.len() - quote.len()];
            if quote.len() == 3 {
                for newline in ["\r\n", "\n"] {
                    if let Some(rest) = body.strip_prefix(newline) {
                        start += newline.len();
                        body = rest;
                        break;
                    }
                }
            }
            if body == value {
                return start + range.start..start + range.end;
            }
            break;
        }
    }
    span
}
