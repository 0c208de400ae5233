//! Formulas evaluated over all feasible states at once, 64 states per machine
//! word: one bit column per option, and `and`/`or`/`not` as word operations.
//! Preferences over millions of states cost a few passes over small bitsets
//! instead of a tree walk per state.

use crate::deadline::{Deadline, OutOfTime};
use crate::expr::Expr;
use crate::space::StateSpace;
use rayon::prelude::*;

/// A set of states as bits over state indices (bit `s % 64` of word `s / 64`).
pub type Column = Vec<u64>;

/// One column per option: the states where that option is Y.
pub struct Columns {
    words: usize,
    states: usize,
    options: Vec<Column>,
}

impl Columns {
    /// The option columns of `space`, polling `deadline` once per option (a column of
    /// tens of millions of states is a pass of tens of milliseconds).
    pub fn new(space: &StateSpace, deadline: &dyn Deadline) -> Result<Columns, OutOfTime> {
        let states = space.len();
        let words = states.div_ceil(64);
        let options = (0..space.option_count())
            .into_par_iter()
            .map(|k| {
                deadline.check()?;
                Ok(space
                    .patterns()
                    .chunks(64)
                    .map(|chunk| {
                        chunk
                            .iter()
                            .enumerate()
                            .fold(0u64, |w, (b, &p)| w | ((p >> k & 1) << b))
                    })
                    .collect())
            })
            .collect::<Result<_, OutOfTime>>()?;
        Ok(Columns {
            words,
            states,
            options,
        })
    }

    fn constant(&self, value: bool) -> Column {
        let mut c = vec![if value { u64::MAX } else { 0 }; self.words];
        self.trim(&mut c);
        c
    }

    /// Clears the bits past the last state, so that `not` never invents states.
    fn trim(&self, c: &mut Column) {
        if !self.states.is_multiple_of(64)
            && let Some(last) = c.last_mut()
        {
            *last &= (1u64 << (self.states % 64)) - 1;
        }
    }

    /// The states where `expr` holds.
    pub fn truth(&self, expr: &Expr) -> Column {
        let combine = |a: Column, b: &Column, f: fn(u64, u64) -> u64| -> Column {
            a.into_iter().zip(b).map(|(x, &y)| f(x, y)).collect()
        };
        match expr {
            Expr::Const(b) => self.constant(*b),
            Expr::Option(k) => self.options[*k].clone(),
            Expr::Not(e) => {
                let mut c: Column = self.truth(e).into_iter().map(|w| !w).collect();
                self.trim(&mut c);
                c
            }
            Expr::And(es) => es.iter().fold(self.constant(true), |acc, e| {
                combine(acc, &self.truth(e), |x, y| x & y)
            }),
            Expr::Or(es) => es.iter().fold(self.constant(false), |acc, e| {
                combine(acc, &self.truth(e), |x, y| x | y)
            }),
            Expr::Implies(p, q) => {
                let mut c = combine(self.truth(p), &self.truth(q), |x, y| !x | y);
                self.trim(&mut c);
                c
            }
            Expr::Iff(p, q) => {
                let mut c = combine(self.truth(p), &self.truth(q), |x, y| !(x ^ y));
                self.trim(&mut c);
                c
            }
        }
    }
}

/// The indices set in a column, ascending.
pub fn ones(column: &Column) -> impl Iterator<Item = u32> + '_ {
    column.iter().enumerate().flat_map(|(w, &word)| {
        let mut bits = word;
        std::iter::from_fn(move || {
            (bits != 0).then(|| {
                let b = bits.trailing_zeros();
                bits &= bits - 1;
                (w * 64) as u32 + b
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_agree_with_per_state_evaluation() {
        let patterns: Vec<u64> = (0..200u64).filter(|p| p % 3 != 0).collect();
        let space = StateSpace::from_sorted_patterns(8, patterns.clone());
        let columns = Columns::new(&space, &crate::NoDeadline).unwrap();
        let e = Expr::Or(vec![
            Expr::Implies(
                Box::new(Expr::option(1)),
                Box::new(Expr::not(Expr::option(6))),
            ),
            Expr::Iff(
                Box::new(Expr::option(0)),
                Box::new(Expr::And(vec![Expr::option(2), Expr::option(7)])),
            ),
        ]);
        let want: Vec<u32> = (0..patterns.len() as u32)
            .filter(|&s| e.eval(patterns[s as usize]))
            .collect();
        assert_eq!(ones(&columns.truth(&e)).collect::<Vec<_>>(), want);
        let negated: Vec<u32> = ones(&columns.truth(&Expr::not(e))).collect();
        assert_eq!(negated.len() + want.len(), patterns.len());
    }
}
