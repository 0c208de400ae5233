//! Y/N/- patterns over all options in column order (`YN-N`): ranking items and
//! status quo strings.

use detente_engine::Expr;

/// Why a text is not a valid pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PatternError {
    /// It has `found` characters where one per option is needed.
    Length { found: usize },
    /// Character `ch` at byte offset `at` is not allowed.
    BadChar { at: usize, ch: char },
}

/// Parses a pattern over `n` options into (mask of fixed options, their values).
/// `-` (either value) is allowed only when `allow_dash`.
pub(crate) fn parse(text: &str, n: usize, allow_dash: bool) -> Result<(u64, u64), PatternError> {
    let (mut mask, mut bits) = (0u64, 0u64);
    for (k, (at, ch)) in text.char_indices().enumerate() {
        match ch {
            'Y' | 'N' if k < 64 => {
                mask |= 1 << k;
                if ch == 'Y' {
                    bits |= 1 << k;
                }
            }
            // Past 64 characters the length check below rejects the text.
            'Y' | 'N' => {}
            '-' if allow_dash => {}
            _ => return Err(PatternError::BadChar { at, ch }),
        }
    }
    let found = text.chars().count();
    if found != n {
        return Err(PatternError::Length { found });
    }
    Ok((mask, bits))
}

/// Whether `text` was probably meant as a pattern rather than an expression:
/// one upper-case letter or `-` per option, mostly Y, N and -.
pub(crate) fn looks_like(text: &str, n: usize) -> bool {
    let all_yn = !text.is_empty() && text.chars().all(|c| matches!(c, 'Y' | 'N' | '-'));
    let mostly_yn = text.chars().count() == n
        && text.chars().all(|c| c.is_ascii_uppercase() || c == '-')
        && 2 * text
            .chars()
            .filter(|c| matches!(c, 'Y' | 'N' | '-'))
            .count()
            >= n;
    all_yn || mostly_yn
}

/// The pattern string of `mask`/`bits` over `n` options.
pub(crate) fn render(mask: u64, bits: u64, n: usize) -> String {
    (0..n)
        .map(|k| match (mask >> k & 1, bits >> k & 1) {
            (0, _) => '-',
            (_, 1) => 'Y',
            _ => 'N',
        })
        .collect()
}

/// The (mask, values) of `expr` if it is exactly `Expr::pattern(mask, values)` over `n` options.
pub(crate) fn of_expr(expr: &Expr, n: usize) -> Option<(u64, u64)> {
    let Expr::And(literals) = expr else {
        return None;
    };
    let (mut mask, mut bits) = (0u64, 0u64);
    for literal in literals {
        let (k, value) = match literal {
            Expr::Option(k) => (*k, true),
            Expr::Not(inner) => match **inner {
                Expr::Option(k) => (k, false),
                _ => return None,
            },
            _ => return None,
        };
        if k >= n || mask >> k != 0 {
            return None; // out of range, repeated or out of order
        }
        mask |= 1 << k;
        bits |= u64::from(value) << k;
    }
    Some((mask, bits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_render_and_recognise_agree() {
        let (mask, bits) = parse("Y-N", 3, true).unwrap();
        assert_eq!((mask, bits), (0b101, 0b001));
        assert_eq!(render(mask, bits, 3), "Y-N");
        assert_eq!(of_expr(&Expr::pattern(mask, bits), 3), Some((mask, bits)));
        assert_eq!(of_expr(&Expr::Option(0), 3), None);
        assert_eq!(of_expr(&Expr::pattern(0, 0), 3), Some((0, 0)));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(parse("YN", 3, true), Err(PatternError::Length { found: 2 }));
        assert_eq!(
            parse("YXN", 3, true),
            Err(PatternError::BadChar { at: 1, ch: 'X' })
        );
        assert_eq!(
            parse("Y-N", 3, false),
            Err(PatternError::BadChar { at: 1, ch: '-' })
        );
    }

    #[test]
    fn pattern_lookalikes() {
        assert!(looks_like("YNY", 4));
        assert!(looks_like("YNXN", 4));
        assert!(!looks_like("a & b", 4));
        assert!(!looks_like("ABCD", 4));
    }
}
