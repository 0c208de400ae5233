//! Counting the sets of true variables that satisfy a monotone formula, by size,
//! without listing them: split into independent groups of clauses, and within a
//! group branch on the most used variable (a model counter in the DPLL style).

use super::natural::Natural;
use crate::deadline::{Deadline, OutOfTime};
use crate::generate::SplitMix;
use std::collections::HashMap;

/// A disjunction of conjunctions: satisfied when every variable of some alternative is true.
pub type Clause = Vec<Vec<u32>>;

/// Most branching steps one count may take before it is refused.
pub const STEP_LIMIT: u64 = 2_000_000;

/// Why a count stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Halt {
    /// It needed more than [`STEP_LIMIT`] steps.
    TooHard,
    /// Its deadline passed.
    OutOfTime,
}

impl From<OutOfTime> for Halt {
    fn from(_: OutOfTime) -> Halt {
        Halt::OutOfTime
    }
}

/// `by_size[j]`: how many sets of exactly `j` true variables among `variables` satisfy `clauses`.
/// Every variable of a clause must be in `variables`. Polls `deadline` between steps.
pub fn by_size(
    clauses: &[Clause],
    variables: &[u32],
    deadline: &dyn Deadline,
) -> Result<Vec<Natural>, Halt> {
    let mut steps = Steps {
        left: STEP_LIMIT,
        deadline,
    };
    let mut weights = Weights {
        merged: HashMap::new(),
        next: variables.iter().max().map_or(0, |&v| v + 1),
    };
    count(
        clauses.to_vec(),
        variables.to_vec(),
        &mut weights,
        &mut steps,
    )
}

/// The clauses once `variable` is set to `value`; a clause left with no alternative stays,
/// empty, and makes the formula false.
pub fn assign(clauses: &[Clause], variable: u32, value: bool) -> Vec<Clause> {
    clauses
        .iter()
        .map(|clause| {
            clause
                .iter()
                .filter(|alternative| value || !alternative.contains(&variable))
                .map(|alternative| {
                    alternative
                        .iter()
                        .copied()
                        .filter(|&v| v != variable)
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// Variables that stand for a group of variables occurring in exactly the same
/// alternatives: by size, the ways of making the whole group true and of not doing so.
/// A plain variable has `x` and `1`.
struct Weights {
    merged: HashMap<u32, (Vec<Natural>, Vec<Natural>)>,
    next: u32,
}

impl Weights {
    fn of(&self, v: u32) -> (Vec<Natural>, Vec<Natural>) {
        self.merged.get(&v).cloned().unwrap_or_else(|| {
            (
                vec![Natural::zero(), Natural::from_u64(1)],
                vec![Natural::from_u64(1)],
            )
        })
    }

    /// Either value, by size.
    fn either(&self, v: u32) -> Vec<Natural> {
        let (yes, no) = self.of(v);
        add(&yes, &no)
    }

    /// Every value of `variables`, by size.
    fn all(&self, variables: &[u32]) -> Vec<Natural> {
        variables
            .iter()
            .fold(vec![Natural::from_u64(1)], |acc, &v| {
                multiply(&acc, &self.either(v))
            })
    }

    /// One clause whose alternatives share no variable: the assignments that falsify it
    /// leave some variable of every alternative false, choices independent from one
    /// alternative to the next, so they are counted as a product; the rest satisfy it.
    fn one_clause_of_disjoint_alternatives(
        &self,
        clause: &Clause,
        variables: &[u32],
    ) -> Vec<Natural> {
        let in_clause: std::collections::HashSet<u32> = clause.iter().flatten().copied().collect();
        let outside: Vec<u32> = variables
            .iter()
            .copied()
            .filter(|v| !in_clause.contains(v))
            .collect();
        let falsifying = clause.iter().fold(self.all(&outside), |acc, alternative| {
            let all_true = alternative
                .iter()
                .fold(vec![Natural::from_u64(1)], |p, &v| {
                    multiply(&p, &self.of(v).0)
                });
            multiply(&acc, &subtract(&self.all(alternative), &all_true))
        });
        subtract(&self.all(variables), &falsifying)
    }

    /// Replaces each group of at least two variables with the same occurrences by one
    /// variable: the formula only asks whether the whole group is true.
    fn merge(&mut self, clauses: &mut [Clause], variables: &mut Vec<u32>) {
        let mut occurrences: HashMap<u32, Vec<(usize, usize)>> = HashMap::new();
        for (c, clause) in clauses.iter().enumerate() {
            for (a, alternative) in clause.iter().enumerate() {
                for &v in alternative {
                    occurrences.entry(v).or_default().push((c, a));
                }
            }
        }
        let mut groups: HashMap<Vec<(usize, usize)>, Vec<u32>> = HashMap::new();
        for (v, places) in occurrences {
            groups.entry(places).or_default().push(v);
        }
        let mut groups: Vec<Vec<u32>> = groups.into_values().filter(|g| g.len() > 1).collect();
        groups.iter_mut().for_each(|g| g.sort_unstable());
        groups.sort_unstable();
        for group in groups {
            let merged = self.next;
            self.next += 1;
            let all_true = group.iter().fold(vec![Natural::from_u64(1)], |acc, &v| {
                multiply(&acc, &self.of(v).0)
            });
            let not_all = subtract(&self.all(&group), &all_true);
            self.merged.insert(merged, (all_true, not_all));
            for alternative in clauses.iter_mut().flatten() {
                if alternative.contains(&group[0]) {
                    alternative.retain(|v| group.binary_search(v).is_err());
                    alternative.push(merged);
                    alternative.sort_unstable();
                }
            }
            variables.retain(|v| group.binary_search(v).is_err());
            variables.push(merged);
        }
        variables.sort_unstable();
    }
}

/// The steps a count has left, and its deadline.
struct Steps<'a> {
    left: u64,
    deadline: &'a dyn Deadline,
}

impl Steps<'_> {
    fn take(&mut self) -> Result<(), Halt> {
        self.deadline.check_at((STEP_LIMIT - self.left) as usize)?;
        self.left = self.left.checked_sub(1).ok_or(Halt::TooHard)?;
        Ok(())
    }
}

fn count(
    clauses: Vec<Clause>,
    mut variables: Vec<u32>,
    weights: &mut Weights,
    steps: &mut Steps,
) -> Result<Vec<Natural>, Halt> {
    steps.take()?;
    let mut open = Vec::with_capacity(clauses.len());
    for clause in clauses {
        if clause.is_empty() {
            return Ok(vec![Natural::zero()]);
        }
        if !clause.iter().any(Vec::is_empty) {
            open.push(clause);
        }
    }
    if open.is_empty() {
        return Ok(weights.all(&variables));
    }
    weights.merge(&mut open, &mut variables);
    let groups = independent_groups(&open, &variables);
    if groups.len() > 1 {
        let mut product = vec![Natural::from_u64(1)];
        for (group_clauses, group_variables) in groups {
            let part = if group_clauses.is_empty() {
                weights.all(&group_variables)
            } else {
                count(group_clauses, group_variables, weights, steps)?
            };
            product = multiply(&product, &part);
        }
        return Ok(product);
    }
    if let [clause] = open.as_slice()
        && pairwise_disjoint(clause)
    {
        return Ok(weights.one_clause_of_disjoint_alternatives(clause, &variables));
    }
    let pivot = most_used(&open);
    let rest: Vec<u32> = variables.iter().copied().filter(|&v| v != pivot).collect();
    let (yes, no) = weights.of(pivot);
    let with = count(assign(&open, pivot, true), rest.clone(), weights, steps)?;
    let without = count(assign(&open, pivot, false), rest, weights, steps)?;
    Ok(add(&multiply(&yes, &with), &multiply(&no, &without)))
}

fn add(a: &[Natural], b: &[Natural]) -> Vec<Natural> {
    let zero = Natural::zero();
    (0..a.len().max(b.len()))
        .map(|k| a.get(k).unwrap_or(&zero).add(b.get(k).unwrap_or(&zero)))
        .collect()
}

/// `a - b`, coefficient by coefficient (each of `b` at most that of `a`).
fn subtract(a: &[Natural], b: &[Natural]) -> Vec<Natural> {
    let zero = Natural::zero();
    a.iter()
        .enumerate()
        .map(|(k, x)| x.minus(b.get(k).unwrap_or(&zero)))
        .collect()
}

/// The clauses split into groups sharing no variable, each with its variables; the
/// variables of no clause form a last group without clauses.
fn independent_groups(clauses: &[Clause], variables: &[u32]) -> Vec<(Vec<Clause>, Vec<u32>)> {
    let position = |v: u32| variables.binary_search(&v).expect("clause variable listed");
    let mut parent: Vec<usize> = (0..variables.len()).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut used = vec![false; variables.len()];
    for clause in clauses {
        let mut first = None;
        for &v in clause.iter().flatten() {
            let p = position(v);
            used[p] = true;
            let r = root(&mut parent, p);
            match first {
                None => first = Some(r),
                Some(f) => parent[r] = root(&mut parent, f),
            }
        }
    }
    let mut group_of_root = vec![usize::MAX; variables.len()];
    let mut groups: Vec<(Vec<Clause>, Vec<u32>)> = Vec::new();
    let mut free = Vec::new();
    for (p, &v) in variables.iter().enumerate() {
        if !used[p] {
            free.push(v);
            continue;
        }
        let r = root(&mut parent, p);
        if group_of_root[r] == usize::MAX {
            group_of_root[r] = groups.len();
            groups.push((Vec::new(), Vec::new()));
        }
        groups[group_of_root[r]].1.push(v);
    }
    for clause in clauses {
        let v = *clause
            .iter()
            .flatten()
            .next()
            .expect("open clauses mention a variable");
        let r = root(&mut parent, position(v));
        groups[group_of_root[r]].0.push(clause.clone());
    }
    if !free.is_empty() {
        groups.push((Vec::new(), free));
    }
    groups
}

fn pairwise_disjoint(clause: &Clause) -> bool {
    let mut seen = std::collections::HashSet::new();
    clause.iter().flatten().all(|&v| seen.insert(v))
}

fn most_used(clauses: &[Clause]) -> u32 {
    let mut uses = std::collections::HashMap::new();
    for &v in clauses.iter().flatten().flatten() {
        *uses.entry(v).or_insert(0usize) += 1;
    }
    uses.into_iter()
        .max_by_key(|&(v, n)| (n, std::cmp::Reverse(v)))
        .map(|(v, _)| v)
        .expect("open clauses mention a variable")
}

fn multiply(a: &[Natural], b: &[Natural]) -> Vec<Natural> {
    let mut product = vec![Natural::zero(); a.len() + b.len() - 1];
    for (i, x) in a.iter().enumerate() {
        if x.is_zero() {
            continue;
        }
        for (j, y) in b.iter().enumerate() {
            product[i + j] = product[i + j].add(&x.times(y));
        }
    }
    product
}

/// Draws a satisfying set of true variables, each set `A` with probability proportional
/// to `weight(|A|)`, by deciding one variable at a time with the conditional weights
/// (exact counts, compared in double precision).
pub fn sample(
    clauses: &[Clause],
    variables: &[u32],
    weight: &dyn Fn(usize) -> Natural,
    rng: &mut SplitMix,
    deadline: &dyn Deadline,
) -> Result<Vec<u32>, Halt> {
    let total_weight = |poly: &[Natural], already: usize| {
        poly.iter()
            .enumerate()
            .fold(Natural::zero(), |acc, (j, c)| {
                acc.add(&c.times(&weight(already + j)))
            })
    };
    let mut clauses = clauses.to_vec();
    let mut chosen = Vec::new();
    for (k, &v) in variables.iter().enumerate() {
        let rest = &variables[k + 1..];
        let if_true = assign(&clauses, v, true);
        let if_false = assign(&clauses, v, false);
        let weight_true = total_weight(&by_size(&if_true, rest, deadline)?, chosen.len() + 1);
        let weight_false = total_weight(&by_size(&if_false, rest, deadline)?, chosen.len());
        let total = weight_true.add(&weight_false);
        let uniform = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        if !weight_true.is_zero() && uniform < weight_true.ratio(&total) {
            chosen.push(v);
            clauses = if_true;
        } else {
            clauses = if_false;
        }
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::NoDeadline;

    fn plain(clauses: &[Clause], variables: &[u32]) -> Vec<u64> {
        let mut counts = vec![0u64; variables.len() + 1];
        for mask in 0u32..1 << variables.len() {
            let truth = |v: &u32| mask >> variables.iter().position(|x| x == v).unwrap() & 1 == 1;
            if clauses
                .iter()
                .all(|c| c.iter().any(|a| a.iter().all(truth)))
            {
                counts[mask.count_ones() as usize] += 1;
            }
        }
        counts
    }

    /// The counts as decimals, padded with zeros to `len` entries.
    fn decimal(poly: &[Natural], len: usize) -> Vec<String> {
        let mut digits: Vec<String> = poly.iter().map(Natural::to_decimal).collect();
        digits.resize(len, "0".into());
        digits
    }

    #[test]
    fn counts_by_size_match_enumeration() {
        let cases: Vec<(Vec<Clause>, Vec<u32>)> = vec![
            (vec![], vec![0, 1, 2]),
            (vec![vec![vec![0], vec![1]]], vec![0, 1, 2]),
            (
                vec![vec![vec![0, 1], vec![2]], vec![vec![1], vec![3, 4]]],
                vec![0, 1, 2, 3, 4],
            ),
            (vec![vec![]], vec![0]),
            (
                vec![vec![vec![0, 1], vec![2], vec![3, 4, 5]]],
                vec![0, 1, 2, 3, 4, 5, 6],
            ),
            (
                vec![vec![vec![0, 1], vec![2], vec![3, 4, 5]]],
                vec![0, 1, 2, 3, 4, 5, 6],
            ),
            (
                vec![
                    vec![vec![0], vec![1, 2]],
                    vec![vec![2], vec![3]],
                    vec![vec![5, 0], vec![4]],
                ],
                vec![0, 1, 2, 3, 4, 5, 6],
            ),
        ];
        for (clauses, variables) in cases {
            let expected: Vec<String> = plain(&clauses, &variables)
                .iter()
                .map(u64::to_string)
                .collect();
            let counted = by_size(&clauses, &variables, &NoDeadline).unwrap();
            assert_eq!(decimal(&counted, variables.len() + 1), expected);
        }
    }

    #[test]
    fn samples_satisfy_the_clauses() {
        let clauses: Vec<Clause> = vec![vec![vec![0], vec![1, 2]], vec![vec![2], vec![3]]];
        let mut rng = SplitMix::new(7);
        for _ in 0..50 {
            let one = |_| Natural::from_u64(1);
            let set = sample(&clauses, &[0, 1, 2, 3], &one, &mut rng, &NoDeadline).unwrap();
            assert!(
                clauses
                    .iter()
                    .all(|c| c.iter().any(|a| a.iter().all(|v| set.contains(v))))
            );
        }
    }
}
