//! The expression language (docs/MODEL_FORMAT.md) as editors that click rather than type
//! see it: which option values a conjunction such as `a & !b` fixes, the expression that
//! fixes given values, and an option renamed wherever an expression names it.

use crate::expr_parser::{self, Kind};
use detente_engine::Expr;

/// The option values `text` fixes when it is a conjunction of options and negated options
/// (`a`, `!b`, `a & !b & c`, `true`): each as its index in `ids` and Y (`true`) or N, in
/// column order. `None` when it is anything else (`a | b`, `a & !a`), or not an expression.
pub fn literals(text: &str, ids: &[&str]) -> Option<Vec<(usize, bool)>> {
    let expr = expr_parser::parse(text, ids).ok()?;
    let mut fixed = Vec::new();
    collect(&expr, &mut fixed)?;
    fixed.sort_unstable();
    fixed.dedup();
    // The same option both Y and N: a contradiction, not a combination of values.
    if fixed.windows(2).any(|w| w[0].0 == w[1].0) {
        return None;
    }
    Some(fixed)
}

fn collect(expr: &Expr, fixed: &mut Vec<(usize, bool)>) -> Option<()> {
    match expr {
        Expr::Const(true) => Some(()),
        Expr::Option(k) => {
            fixed.push((*k, true));
            Some(())
        }
        Expr::Not(inner) => match inner.as_ref() {
            Expr::Option(k) => {
                fixed.push((*k, false));
                Some(())
            }
            _ => None,
        },
        Expr::And(terms) => terms.iter().try_for_each(|t| collect(t, fixed)),
        _ => None,
    }
}

/// The expression that fixes exactly `literals` (indices into `ids`, Y or N): `a & !b`,
/// `true` when it fixes nothing.
pub fn conjunction(ids: &[&str], literals: &[(usize, bool)]) -> String {
    let mut sorted = literals.to_vec();
    sorted.sort_unstable();
    Expr::And(sorted.iter().map(|&(k, y)| Expr::literal(k, y)).collect())
        .display(&|k| ids[k].to_string())
}

/// `text` with every mention of the option `from` made a mention of `to`, the rest written
/// as it was; `None` when it does not mention `from` or cannot be read as an expression.
pub(crate) fn rename(text: &str, from: &str, to: &str) -> Option<String> {
    let tokens = expr_parser::tokenize(text).ok()?;
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for token in tokens
        .iter()
        .filter(|t| t.kind == Kind::Ident && &text[t.range.clone()] == from)
    {
        out.push_str(&text[last..token.range.start]);
        out.push_str(to);
        last = token.range.end;
    }
    if last == 0 {
        return None;
    }
    out.push_str(&text[last..]);
    Some(out)
}

/// Whether `name` can be an option's id: a letter or `_`, then letters, digits and `_`,
/// and not a word of the language (`and`, `not`, ...).
pub fn is_option_id(name: &str) -> bool {
    expr_parser::is_identifier(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: [&str; 3] = ["a", "b", "c"];

    #[test]
    fn conjunctions_fix_their_options_and_nothing_else_does() {
        assert_eq!(literals("a", &IDS), Some(vec![(0, true)]));
        assert_eq!(
            literals("c & !a & not b", &IDS),
            Some(vec![(0, false), (1, false), (2, true)])
        );
        assert_eq!(
            literals("(a & -b) and c", &IDS),
            Some(vec![(0, true), (1, false), (2, true)])
        );
        assert_eq!(literals("true", &IDS), Some(vec![]));
        assert_eq!(literals("a & a", &IDS), Some(vec![(0, true)]));
        for other in [
            "a | b", "a & !a", "!(a & b)", "a -> b", "false", "!!a", "x", "a &",
        ] {
            assert_eq!(literals(other, &IDS), None, "{other}");
        }
    }

    #[test]
    fn the_conjunction_of_values_reads_back_as_them() {
        for fixed in [
            vec![],
            vec![(1, false)],
            vec![(0, true), (2, false)],
            vec![(0, false), (1, true), (2, true)],
        ] {
            let text = conjunction(&IDS, &fixed);
            assert_eq!(literals(&text, &IDS), Some(fixed), "{text}");
        }
        assert_eq!(conjunction(&IDS, &[(2, false), (0, true)]), "a & !c");
        assert_eq!(conjunction(&IDS, &[]), "true");
    }

    #[test]
    fn renaming_touches_only_the_option_and_keeps_the_writing() {
        assert_eq!(
            rename("a&!ab |  (not a) if b_a", "a", "x").as_deref(),
            Some("x&!ab |  (not x) if b_a")
        );
        assert_eq!(rename("ab & b", "a", "x"), None);
        // Text that is not an expression is left for its error to be reported.
        assert_eq!(rename("a = b", "a", "x"), None);
        assert!(is_option_id("us_sanctions") && !is_option_id("not") && !is_option_id("2a"));
    }
}
