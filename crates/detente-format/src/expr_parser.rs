//! The expression syntax of docs/MODEL_FORMAT.md.
//!
//! Precedence, loosest first: `<->`/`iff` (left-associative), `->`/`implies`/`if`
//! (right-associative), `|`/`or`, `&`/`and`, then the prefix `!`/`-`/`not`.
//! Chains of `&` or `|` become one n-ary `And`/`Or`; parentheses always keep
//! their own node, so the engine's `Expr::display` output parses back to the
//! same tree.

use std::ops::Range;

use detente_engine::Expr;

use crate::diagnostic::suggestion;

/// Deeper nesting than this is refused, so hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 100;

const KEYWORDS: [&str; 8] = ["not", "and", "or", "implies", "if", "iff", "true", "false"];

/// A problem at `range`, a byte range within the expression text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExprError {
    pub message: String,
    pub range: Range<usize>,
    pub help: Option<String>,
}

/// Whether `s` may name an option: `[A-Za-z_][A-Za-z0-9_]*` and not a keyword.
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !is_keyword(s)
}

pub(crate) fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Parses `text`, resolving option ids to their index in `ids` (column order).
pub(crate) fn parse(text: &str, ids: &[&str]) -> Result<Expr, ExprError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        text,
        ids,
        tokens,
        at: 0,
        depth: 0,
    };
    if parser.peek().kind == Kind::End {
        return Err(ExprError {
            message: "empty expression".into(),
            range: 0..text.len(),
            help: Some("write a condition over option ids, such as `a & !b`".into()),
        });
    }
    let expr = parser.iff()?;
    let next = parser.peek().clone();
    if next.kind != Kind::End {
        let help = if next.kind == Kind::RParen {
            "this `)` has no matching `(`".to_string()
        } else {
            "join the parts with `&`, `|`, `->` or `<->`".to_string()
        };
        return Err(ExprError {
            message: format!(
                "unexpected {} after a complete expression",
                parser.describe(&next)
            ),
            range: next.range,
            help: Some(help),
        });
    }
    Ok(expr)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Ident,
    Not,
    And,
    Or,
    Implies,
    If,
    Iff,
    True,
    False,
    LParen,
    RParen,
    End,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub kind: Kind,
    pub range: Range<usize>,
}

pub(crate) fn tokenize(text: &str) -> Result<Vec<Token>, ExprError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let (kind, len) = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'(' => (Kind::LParen, 1),
            b')' => (Kind::RParen, 1),
            b'!' => (Kind::Not, 1),
            b'-' if bytes.get(i + 1) == Some(&b'>') => (Kind::Implies, 2),
            b'-' => (Kind::Not, 1),
            b'<' if text[i..].starts_with("<->") => (Kind::Iff, 3),
            b'&' | b'|' if bytes.get(i + 1) == Some(&c) => {
                let single = c as char;
                return Err(ExprError {
                    message: format!("`{single}{single}` is not an operator here"),
                    range: i..i + 2,
                    help: Some(format!("write a single `{single}`")),
                });
            }
            b'&' => (Kind::And, 1),
            b'|' => (Kind::Or, 1),
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let len = bytes[i..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count();
                let kind = match &text[i..i + len] {
                    "not" => Kind::Not,
                    "and" => Kind::And,
                    "or" => Kind::Or,
                    "implies" => Kind::Implies,
                    "if" => Kind::If,
                    "iff" => Kind::Iff,
                    "true" => Kind::True,
                    "false" => Kind::False,
                    _ => Kind::Ident,
                };
                (kind, len)
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('?');
                let help = match ch {
                    '=' | '<' | '>' => "implication is `->`, equivalence `<->`",
                    _ => {
                        "expressions use option ids, `!`, `&`, `|`, `->`, `<->`, `if`, `true`, `false` and parentheses"
                    }
                };
                return Err(ExprError {
                    message: format!("unexpected character `{ch}`"),
                    range: i..i + ch.len_utf8(),
                    help: Some(help.into()),
                });
            }
        };
        i += len;
        tokens.push(Token {
            kind,
            range: start..i,
        });
    }
    tokens.push(Token {
        kind: Kind::End,
        range: text.len()..text.len(),
    });
    Ok(tokens)
}

struct Parser<'a> {
    text: &'a str,
    ids: &'a [&'a str],
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        &self.tokens[self.at.min(self.tokens.len() - 1)]
    }

    fn eat(&mut self, kind: Kind) -> bool {
        let hit = self.peek().kind == kind;
        if hit {
            self.at += 1;
        }
        hit
    }

    fn describe(&self, token: &Token) -> String {
        match token.kind {
            Kind::End => "end of expression".into(),
            _ => format!("`{}`", &self.text[token.range.clone()]),
        }
    }

    /// Goes one level deeper, refusing absurd nesting.
    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ExprError {
                message: format!("expression nested more than {MAX_DEPTH} levels deep"),
                range: self.peek().range.clone(),
                help: Some("split it into simpler statements or rules".into()),
            });
        }
        Ok(())
    }

    /// Runs `f` one level deeper.
    fn nested(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<Expr, ExprError>,
    ) -> Result<Expr, ExprError> {
        self.enter()?;
        let result = f(self);
        self.depth -= 1;
        result
    }

    fn iff(&mut self) -> Result<Expr, ExprError> {
        let mut lhs = self.implication()?;
        let depth = self.depth;
        // Each link of a chain nests the tree one level deeper.
        while self.eat(Kind::Iff) {
            self.enter()?;
            let rhs = self.implication()?;
            lhs = Expr::Iff(Box::new(lhs), Box::new(rhs));
        }
        self.depth = depth;
        Ok(lhs)
    }

    fn implication(&mut self) -> Result<Expr, ExprError> {
        let lhs = self.or()?;
        if self.eat(Kind::Implies) {
            let rhs = self.nested(|p| p.implication())?;
            Ok(Expr::Implies(Box::new(lhs), Box::new(rhs)))
        } else if self.eat(Kind::If) {
            let condition = self.nested(|p| p.implication())?;
            Ok(Expr::Implies(Box::new(condition), Box::new(lhs)))
        } else {
            Ok(lhs)
        }
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        let mut terms = vec![self.and()?];
        while self.eat(Kind::Or) {
            terms.push(self.and()?);
        }
        Ok(if terms.len() == 1 {
            terms.remove(0)
        } else {
            Expr::Or(terms)
        })
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        let mut terms = vec![self.unary()?];
        while self.eat(Kind::And) {
            terms.push(self.unary()?);
        }
        Ok(if terms.len() == 1 {
            terms.remove(0)
        } else {
            Expr::And(terms)
        })
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        if self.eat(Kind::Not) {
            return self.nested(|p| p.unary()).map(Expr::not);
        }
        let token = self.peek().clone();
        self.at += 1;
        match token.kind {
            Kind::True => Ok(Expr::Const(true)),
            Kind::False => Ok(Expr::Const(false)),
            Kind::Ident => self.option(&token),
            Kind::LParen => {
                let inner = self.nested(|p| p.iff())?;
                if self.eat(Kind::RParen) {
                    Ok(inner)
                } else {
                    let next = self.peek().clone();
                    Err(ExprError {
                        message: format!("expected `)`, found {}", self.describe(&next)),
                        range: next.range,
                        help: Some(format!(
                            "close the `(` opened at character {}",
                            token.range.start + 1
                        )),
                    })
                }
            }
            _ => Err(ExprError {
                message: format!(
                    "expected an option id, `!`, `(`, `true` or `false`, found {}",
                    self.describe(&token)
                ),
                range: token.range,
                help: Some("each operator needs an operand on both sides, e.g. `a & !b`".into()),
            }),
        }
    }

    fn option(&self, token: &Token) -> Result<Expr, ExprError> {
        let name = &self.text[token.range.clone()];
        match self.ids.iter().position(|id| *id == name) {
            Some(k) => Ok(Expr::Option(k)),
            None => Err(ExprError {
                message: format!("unknown option `{name}`"),
                range: token.range.clone(),
                help: Some(suggestion(name, self.ids, "known options")),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: [&str; 3] = ["a", "b", "c"];

    fn p(text: &str) -> Expr {
        parse(text, &IDS).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    fn a() -> Expr {
        Expr::Option(0)
    }
    fn b() -> Expr {
        Expr::Option(1)
    }
    fn c() -> Expr {
        Expr::Option(2)
    }
    fn imp(x: Expr, y: Expr) -> Expr {
        Expr::Implies(Box::new(x), Box::new(y))
    }

    #[test]
    fn negations_and_keywords() {
        for text in ["!a", "-a", "not a", " ! a "] {
            assert_eq!(p(text), Expr::not(a()), "{text}");
        }
        assert_eq!(p("a and b or c"), p("a & b | c"));
        assert_eq!(
            p("true & false"),
            Expr::And(vec![Expr::Const(true), Expr::Const(false)])
        );
    }

    #[test]
    fn precedence_loosest_first_iff_implies_or_and_not() {
        assert_eq!(
            p("!a & b | c"),
            Expr::Or(vec![Expr::And(vec![Expr::not(a()), b()]), c()])
        );
        assert_eq!(
            p("a <-> b -> c"),
            Expr::Iff(Box::new(a()), Box::new(imp(b(), c())))
        );
        assert_eq!(p("a | b -> c"), imp(Expr::Or(vec![a(), b()]), c()));
        assert_eq!(p("a -> b -> c"), imp(a(), imp(b(), c())));
        assert_eq!(p("a implies b"), imp(a(), b()));
        assert_eq!(
            p("a<->b<->c"),
            Expr::Iff(
                Box::new(Expr::Iff(Box::new(a()), Box::new(b()))),
                Box::new(c())
            )
        );
    }

    #[test]
    fn if_means_reverse_implication() {
        assert_eq!(p("a if b"), imp(b(), a()));
        assert_eq!(
            p("!c if a & b"),
            imp(Expr::And(vec![a(), b()]), Expr::not(c()))
        );
    }

    #[test]
    fn chains_flatten_but_parentheses_keep_their_node() {
        assert_eq!(p("a & b & c"), Expr::And(vec![a(), b(), c()]));
        assert_eq!(
            p("a & (b & c)"),
            Expr::And(vec![a(), Expr::And(vec![b(), c()])])
        );
        assert_eq!(p("(a)"), a());
    }

    #[test]
    fn errors_point_at_the_offending_text() {
        let e = parse("a & blokade", &["a", "blockade"]).unwrap_err();
        assert_eq!(e.message, "unknown option `blokade`");
        assert_eq!(e.range, 4..11);
        assert!(e.help.unwrap().starts_with("did you mean `blockade`?"));

        let e = parse("a & ", &IDS).unwrap_err();
        assert_eq!(
            e.message,
            "expected an option id, `!`, `(`, `true` or `false`, found end of expression"
        );
        assert_eq!(e.range, 4..4);

        let e = parse("(a | b", &IDS).unwrap_err();
        assert_eq!(e.message, "expected `)`, found end of expression");

        let e = parse("a b", &IDS).unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.range),
            ("unexpected `b` after a complete expression", 2..3)
        );

        let e = parse("a && b", &IDS).unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.range),
            ("`&&` is not an operator here", 2..4)
        );

        let e = parse("a # b", &IDS).unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.range),
            ("unexpected character `#`", 2..3)
        );

        assert_eq!(parse("  ", &IDS).unwrap_err().message, "empty expression");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        for text in [
            "(".repeat(10_000),
            "!".repeat(10_000) + "a",
            "a -> ".repeat(10_000) + "a",
            "a <-> ".repeat(10_000) + "a",
        ] {
            let e = parse(&text, &IDS).unwrap_err();
            assert!(e.message.contains("nested"), "{}", e.message);
        }
    }

    #[test]
    fn identifiers_exclude_keywords() {
        assert!(is_identifier("air_strike2"));
        assert!(is_identifier("_x"));
        assert!(!is_identifier("2x"));
        assert!(!is_identifier("iff"));
        assert!(!is_identifier("a-b"));
        assert!(!is_identifier(""));
    }
}
