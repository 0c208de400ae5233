//! The named rule forms of the TOML format and the engine conditions they stand for.
//!
//! Each form builds one fixed condition shape, and [`RuleForm::recognise`]
//! inverts exactly those shapes, so a rule written as `not_both` is printed back
//! as `not_both`.

use detente_engine::Expr;
use detente_engine::model::OptionIndex;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RuleForm {
    NotBoth(Vec<OptionIndex>),
    AtLeastOne(Vec<OptionIndex>),
    AtMostOne(Vec<OptionIndex>),
    ExactlyOne(Vec<OptionIndex>),
    Implies(OptionIndex, OptionIndex),
    Require(Expr),
    Forbid(Expr),
}

/// The keys that introduce a rule, in the order the format documents them.
pub(crate) const KINDS: [&str; 7] = [
    "not_both",
    "at_least_one",
    "at_most_one",
    "exactly_one",
    "implies",
    "require",
    "forbid",
];

impl RuleForm {
    pub fn kind(&self) -> &'static str {
        match self {
            RuleForm::NotBoth(_) => KINDS[0],
            RuleForm::AtLeastOne(_) => KINDS[1],
            RuleForm::AtMostOne(_) => KINDS[2],
            RuleForm::ExactlyOne(_) => KINDS[3],
            RuleForm::Implies(..) => KINDS[4],
            RuleForm::Require(_) => KINDS[5],
            RuleForm::Forbid(_) => KINDS[6],
        }
    }

    /// The condition that must hold at every feasible state.
    pub fn condition(&self) -> Expr {
        match self {
            RuleForm::NotBoth(ids) => Expr::not(Expr::And(options(ids))),
            RuleForm::AtLeastOne(ids) => Expr::Or(options(ids)),
            RuleForm::AtMostOne(ids) => Expr::And(pairs_not_both(ids)),
            RuleForm::ExactlyOne(ids) => Expr::And(
                std::iter::once(Expr::Or(options(ids)))
                    .chain(pairs_not_both(ids))
                    .collect(),
            ),
            RuleForm::Implies(p, q) => {
                Expr::Implies(Box::new(Expr::Option(*p)), Box::new(Expr::Option(*q)))
            }
            RuleForm::Require(e) => e.clone(),
            RuleForm::Forbid(e) => Expr::not(e.clone()),
        }
    }

    /// The most specific form whose condition is exactly `condition`.
    pub fn recognise(condition: &Expr) -> RuleForm {
        let candidates = match condition {
            Expr::Not(inner) => match option_list(inner, Expr::And) {
                Some(ids) => vec![RuleForm::NotBoth(ids)],
                None => vec![RuleForm::Forbid((**inner).clone())],
            },
            Expr::Or(_) => option_list(condition, Expr::Or)
                .map(RuleForm::AtLeastOne)
                .into_iter()
                .collect(),
            Expr::And(parts) => {
                let exactly = parts
                    .first()
                    .and_then(|first| option_list(first, Expr::Or))
                    .map(RuleForm::ExactlyOne);
                let at_most = at_most_one_ids(parts).map(RuleForm::AtMostOne);
                exactly.into_iter().chain(at_most).collect()
            }
            Expr::Implies(p, q) => match (&**p, &**q) {
                (Expr::Option(p), Expr::Option(q)) if p != q => vec![RuleForm::Implies(*p, *q)],
                _ => vec![],
            },
            _ => vec![],
        };
        candidates
            .into_iter()
            .find(|form| form.condition() == *condition)
            .unwrap_or_else(|| RuleForm::Require(condition.clone()))
    }
}

fn options(ids: &[OptionIndex]) -> Vec<Expr> {
    ids.iter().map(|&k| Expr::Option(k)).collect()
}

/// `!(a & b)` for every pair of `ids`, in order.
fn pairs_not_both(ids: &[OptionIndex]) -> Vec<Expr> {
    let mut pairs = Vec::new();
    for (i, &a) in ids.iter().enumerate() {
        for &b in &ids[i + 1..] {
            pairs.push(Expr::not(Expr::And(options(&[a, b]))));
        }
    }
    pairs
}

/// The ids of an `at_most_one` condition: the first option of the first pair, then its
/// partners in the pairs that follow (the full condition is checked by the caller).
fn at_most_one_ids(parts: &[Expr]) -> Option<Vec<OptionIndex>> {
    let pair = |part: &Expr| match part {
        Expr::Not(inner) => option_list(inner, Expr::And).filter(|p| p.len() == 2),
        _ => None,
    };
    let head = pair(parts.first()?)?[0];
    let partners = parts
        .iter()
        .map_while(|part| pair(part).filter(|p| p[0] == head).map(|p| p[1]));
    Some(std::iter::once(head).chain(partners).collect())
}

/// The options of `expr` if it is `make(list of at least two distinct options)`.
fn option_list(expr: &Expr, make: fn(Vec<Expr>) -> Expr) -> Option<Vec<OptionIndex>> {
    let (Expr::And(items) | Expr::Or(items)) = expr else {
        return None;
    };
    let ids: Vec<OptionIndex> = items
        .iter()
        .map(|e| match e {
            Expr::Option(k) => Some(*k),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let distinct = ids.iter().enumerate().all(|(i, k)| !ids[..i].contains(k));
    (ids.len() >= 2 && distinct && make(options(&ids)) == *expr).then_some(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_form_is_recognised_back() {
        let forms = [
            RuleForm::NotBoth(vec![2, 0]),
            RuleForm::NotBoth(vec![0, 1, 2]),
            RuleForm::AtLeastOne(vec![1, 2]),
            RuleForm::AtMostOne(vec![0, 1]),
            RuleForm::AtMostOne(vec![3, 1, 2]),
            RuleForm::ExactlyOne(vec![0, 1]),
            RuleForm::ExactlyOne(vec![0, 2, 1]),
            RuleForm::Implies(1, 0),
            RuleForm::Forbid(Expr::Option(0)),
            RuleForm::Forbid(Expr::And(vec![Expr::Option(0), Expr::not(Expr::Option(1))])),
            RuleForm::Require(Expr::Or(vec![Expr::Option(0), Expr::not(Expr::Option(1))])),
            RuleForm::Require(Expr::And(vec![Expr::Option(0), Expr::Option(1)])),
            RuleForm::Require(Expr::Option(0)),
            RuleForm::Require(RuleForm::Implies(1, 1).condition()),
        ];
        for form in forms {
            assert_eq!(RuleForm::recognise(&form.condition()), form);
        }
    }

    #[test]
    fn at_most_one_means_no_two() {
        let cond = RuleForm::AtMostOne(vec![0, 1, 2]).condition();
        let ok: Vec<u64> = (0..8).filter(|&s| cond.eval(s)).collect();
        assert_eq!(ok, vec![0, 1, 2, 4]);
        let cond = RuleForm::ExactlyOne(vec![0, 1, 2]).condition();
        let ok: Vec<u64> = (0..8).filter(|&s| cond.eval(s)).collect();
        assert_eq!(ok, vec![1, 2, 4]);
    }
}
