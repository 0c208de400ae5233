//! Logical formulas over options, used by feasibility rules, preference
//! statements and ranking tiers.

use crate::model::OptionIndex;

/// A formula over options. `Option(k)` is true where option `k` is Y.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expr {
    Const(bool),
    Option(OptionIndex),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    /// `Implies(p, q)`: p implies q ("q if p").
    Implies(Box<Expr>, Box<Expr>),
    Iff(Box<Expr>, Box<Expr>),
}

impl Expr {
    pub fn option(k: OptionIndex) -> Expr {
        Expr::Option(k)
    }

    /// A literal: option `k` is Y (`value = true`) or N.
    pub fn literal(k: OptionIndex, value: bool) -> Expr {
        if value {
            Expr::Option(k)
        } else {
            Expr::not(Expr::Option(k))
        }
    }

    #[allow(clippy::should_implement_trait)]
    pub fn not(e: Expr) -> Expr {
        Expr::Not(Box::new(e))
    }

    /// The conjunction matching exactly the states that agree with `pattern` on `mask`.
    pub fn pattern(mask: u64, pattern: u64) -> Expr {
        Expr::And(
            (0..64)
                .filter(|k| mask >> k & 1 == 1)
                .map(|k| Expr::literal(k, pattern >> k & 1 == 1))
                .collect(),
        )
    }

    /// Truth of the formula at a state (bit `k` = option `k`).
    pub fn eval(&self, state: u64) -> bool {
        match self {
            Expr::Const(b) => *b,
            Expr::Option(k) => state >> k & 1 == 1,
            Expr::Not(e) => !e.eval(state),
            Expr::And(es) => es.iter().all(|e| e.eval(state)),
            Expr::Or(es) => es.iter().any(|e| e.eval(state)),
            Expr::Implies(p, q) => !p.eval(state) || q.eval(state),
            Expr::Iff(p, q) => p.eval(state) == q.eval(state),
        }
    }

    /// Three-valued truth under a partial assignment: only options in `known`
    /// are fixed. `None` means the value depends on options not yet fixed.
    pub fn eval_partial(&self, known: u64, values: u64) -> Option<bool> {
        match self {
            Expr::Const(b) => Some(*b),
            Expr::Option(k) => (known >> k & 1 == 1).then_some(values >> k & 1 == 1),
            Expr::Not(e) => e.eval_partial(known, values).map(|b| !b),
            Expr::And(es) => {
                let mut all_known = true;
                for e in es {
                    match e.eval_partial(known, values) {
                        Some(false) => return Some(false),
                        None => all_known = false,
                        Some(true) => {}
                    }
                }
                all_known.then_some(true)
            }
            Expr::Or(es) => {
                let mut all_known = true;
                for e in es {
                    match e.eval_partial(known, values) {
                        Some(true) => return Some(true),
                        None => all_known = false,
                        Some(false) => {}
                    }
                }
                all_known.then_some(false)
            }
            Expr::Implies(p, q) => {
                match (p.eval_partial(known, values), q.eval_partial(known, values)) {
                    (Some(false), _) | (_, Some(true)) => Some(true),
                    (Some(true), Some(false)) => Some(false),
                    _ => None,
                }
            }
            Expr::Iff(p, q) => match (p.eval_partial(known, values), q.eval_partial(known, values))
            {
                (Some(a), Some(b)) => Some(a == b),
                _ => None,
            },
        }
    }

    /// The formula as a cube (a conjunction of literals): `(mask, values)` such
    /// that it holds exactly where `state & mask == values`. `None` if it is
    /// not a cube or contradicts itself.
    pub fn as_cube(&self) -> Option<(u64, u64)> {
        match self {
            Expr::Option(k) => Some((1 << k, 1 << k)),
            Expr::Not(e) => match e.as_ref() {
                Expr::Option(k) => Some((1 << k, 0)),
                _ => None,
            },
            Expr::And(es) => es.iter().try_fold((0u64, 0u64), |(mask, values), e| {
                let (m, v) = e.as_cube()?;
                let clash = mask & m & (values ^ v) != 0;
                (!clash).then_some((mask | m, values | v))
            }),
            _ => None,
        }
    }

    /// Bit mask of the options the formula mentions.
    pub fn support(&self) -> u64 {
        match self {
            Expr::Const(_) => 0,
            Expr::Option(k) => 1 << k,
            Expr::Not(e) => e.support(),
            Expr::And(es) | Expr::Or(es) => es.iter().fold(0, |m, e| m | e.support()),
            Expr::Implies(p, q) | Expr::Iff(p, q) => p.support() | q.support(),
        }
    }

    /// Renders the formula in the model-file syntax, naming options with `name`.
    pub fn display<'a>(&'a self, name: &'a dyn Fn(OptionIndex) -> String) -> String {
        self.render(name, 0)
    }

    /// `level`: 0 top, 1 inside a binary connective, 2 inside `and`/`or`/`not`.
    fn render(&self, name: &dyn Fn(OptionIndex) -> String, level: u8) -> String {
        let wrap = |s: String, need: bool| if need { format!("({s})") } else { s };
        match self {
            Expr::Const(b) => b.to_string(),
            Expr::Option(k) => name(*k),
            Expr::Not(e) => format!("!{}", e.render(name, 3)),
            Expr::And(es) if es.is_empty() => "true".into(),
            Expr::Or(es) if es.is_empty() => "false".into(),
            Expr::And(es) | Expr::Or(es) if es.len() == 1 => es[0].render(name, level),
            Expr::And(es) => wrap(
                es.iter()
                    .map(|e| e.render(name, 2))
                    .collect::<Vec<_>>()
                    .join(" & "),
                level >= 2,
            ),
            Expr::Or(es) => wrap(
                es.iter()
                    .map(|e| e.render(name, 2))
                    .collect::<Vec<_>>()
                    .join(" | "),
                level >= 2,
            ),
            Expr::Implies(p, q) => wrap(
                format!("{} -> {}", p.render(name, 1), q.render(name, 1)),
                level >= 1,
            ),
            Expr::Iff(p, q) => wrap(
                format!("{} <-> {}", p.render(name, 1), q.render(name, 1)),
                level >= 1,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(k: OptionIndex) -> String {
        ["a", "b", "c"][k].to_string()
    }

    #[test]
    fn implication_and_iff_follow_truth_tables() {
        let imp = Expr::Implies(Box::new(Expr::option(0)), Box::new(Expr::option(1)));
        let iff = Expr::Iff(Box::new(Expr::option(0)), Box::new(Expr::option(1)));
        let truth: Vec<(bool, bool)> = (0..4u64).map(|s| (imp.eval(s), iff.eval(s))).collect();
        assert_eq!(
            truth,
            vec![(true, true), (false, false), (true, false), (true, true)]
        );
    }

    #[test]
    fn partial_evaluation_agrees_with_full_evaluation_once_known() {
        let e = Expr::Or(vec![
            Expr::And(vec![Expr::option(0), Expr::not(Expr::option(2))]),
            Expr::Iff(Box::new(Expr::option(1)), Box::new(Expr::option(2))),
        ]);
        for s in 0..8u64 {
            assert_eq!(e.eval_partial(0b111, s), Some(e.eval(s)));
        }
        // a & !c is decided by a=1,c=0 whatever b is.
        assert_eq!(e.eval_partial(0b101, 0b001), Some(true));
        assert_eq!(e.eval_partial(0b001, 0b000), None);
    }

    #[test]
    fn display_parenthesises_only_where_needed() {
        let e = Expr::Implies(
            Box::new(Expr::And(vec![Expr::option(0), Expr::not(Expr::option(1))])),
            Box::new(Expr::Or(vec![Expr::option(2), Expr::option(0)])),
        );
        assert_eq!(e.display(&names), "a & !b -> c | a");
        let nested = Expr::And(vec![
            Expr::Or(vec![Expr::option(0), Expr::option(1)]),
            Expr::option(2),
        ]);
        assert_eq!(nested.display(&names), "(a | b) & c");
    }
}
