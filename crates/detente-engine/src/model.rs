//! The conflict model as the engine sees it (GMCR.md §1).
//!
//! Options are owned by decision makers and stored inside them, so every option
//! belongs to exactly one DM and each DM's options are contiguous. The global
//! option order (DM by DM, in declaration order) is the column order of every
//! tableau and fixes the state numbering of GMCR.md §5: bit `k` of a state is the
//! `k`-th option in that order.

use crate::expr::Expr;

/// Free text that travels with every element of a model: what it means and what it rests on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    pub description: Option<String>,
    /// A quotation from the source text, or a plain statement that this is an analyst's assumption.
    pub source: Option<String>,
}

/// Which way an option may be changed by its owner.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Direction {
    /// N to Y and Y to N.
    #[default]
    Both,
    /// N to Y only: once taken, it cannot be recalled.
    Forward,
    /// Y to N only.
    Backward,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionDef {
    /// Short identifier used in expressions (`ceasefire`, `us_sanctions`).
    pub id: String,
    /// Human-readable label shown in tables.
    pub label: String,
    pub direction: Direction,
    pub notes: Notes,
}

/// One preference statement of an option prioritization (GMCR.md §1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub expr: Expr,
    pub notes: Notes,
}

/// One tier of an explicit ranking: states matched by any of `items` are tied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    pub items: Vec<Expr>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Preferences {
    /// Statements most important first; statement `j` of `k` weighs `2^(k-1-j)`.
    Prioritization(Vec<Statement>),
    /// Tiers best first; every feasible state must be matched by exactly one tier.
    Ranking { tiers: Vec<Tier>, notes: Notes },
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences::Prioritization(Vec::new())
    }
}

/// A preference element (a statement of an option prioritization, or a tier of a
/// ranking) whose place in the DM's order is uncertain: it may lie anywhere in
/// `positions`, while the other elements keep their written order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Uncertain {
    /// The element's index as written (0-based).
    pub element: usize,
    /// The 0-based positions it may take; contains `element` and at least one other position.
    pub positions: std::ops::RangeInclusive<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionMaker {
    pub id: String,
    pub name: String,
    pub options: Vec<OptionDef>,
    pub preferences: Preferences,
    /// States this DM does not perceive: those where any of these holds
    /// (GMCR.md §4). It can neither move to nor from them.
    pub misperceived: Vec<Expr>,
    /// Preference elements whose place is uncertain, with disjoint ranges of
    /// positions; the analysis uses the written order, `robustness` all of them.
    pub uncertain: Vec<Uncertain>,
    pub notes: Notes,
}

/// A feasibility rule: a state is feasible only if every rule's condition holds there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Must be true at every feasible state.
    pub condition: Expr,
    pub notes: Notes,
}

/// A state the analyst names because it matters: a proposed settlement, a feared outcome.
/// Reports say whether each named state is stable and who would leave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedState {
    pub name: String,
    /// The options that are Y in the state (bit pattern in column order).
    pub pattern: u64,
    pub notes: Notes,
}

/// A group of DMs that may act together, listed for coalition analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coalition {
    /// DM indices, ascending, at least two.
    pub members: Vec<usize>,
    pub notes: Notes,
}

/// A whole conflict model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Model {
    pub name: String,
    pub notes: Notes,
    pub decision_makers: Vec<DecisionMaker>,
    pub rules: Vec<Rule>,
    /// The state today, as the set of options that are Y (bit pattern in column order).
    pub status_quo: Option<u64>,
    pub named_states: Vec<NamedState>,
    /// Coalitions the analyst expects; `detente coalitions` examines them by default.
    pub coalitions: Vec<Coalition>,
}

/// Global index of an option in column order.
pub type OptionIndex = usize;

/// Most options a model may have: a state is one `u64` bit pattern.
pub const MAX_OPTIONS: usize = 63;

impl Model {
    /// All options in column order, each with the index of its DM.
    pub fn options(&self) -> impl Iterator<Item = (usize, &OptionDef)> + '_ {
        self.decision_makers
            .iter()
            .enumerate()
            .flat_map(|(d, dm)| dm.options.iter().map(move |o| (d, o)))
    }

    pub fn option_count(&self) -> usize {
        self.decision_makers.iter().map(|d| d.options.len()).sum()
    }

    /// The global index of the first option of each DM, plus the total at the end.
    pub fn option_offsets(&self) -> Vec<usize> {
        let mut offsets = Vec::with_capacity(self.decision_makers.len() + 1);
        let mut at = 0;
        for dm in &self.decision_makers {
            offsets.push(at);
            at += dm.options.len();
        }
        offsets.push(at);
        offsets
    }

    pub fn option(&self, index: OptionIndex) -> &OptionDef {
        self.options()
            .nth(index)
            .map(|(_, o)| o)
            .expect("option index in range")
    }

    pub fn find_dm(&self, name_or_id: &str) -> Option<usize> {
        self.decision_makers
            .iter()
            .position(|d| d.id == name_or_id || d.name == name_or_id)
            .or_else(|| {
                self.decision_makers
                    .iter()
                    .position(|d| d.name.eq_ignore_ascii_case(name_or_id))
            })
    }
}
