//! docs/FORESIGHT.md followed literally, for property tests: plain recursion
//! over the literal move sets and scores of [`crate::reference::Reference`],
//! no tables, no memo, no cycle. Exponential in the horizon; small models and
//! horizons only.

use super::Outlook;
use crate::reference::Reference;

/// The outcome `mover` anticipates when it has the turn at `s` with `h` moves
/// of foresight left; ties resolved for `focal` under `outlook`.
pub fn turn(
    r: &Reference,
    focal: usize,
    outlook: Outlook,
    h: u32,
    mover: usize,
    s: usize,
) -> usize {
    if h == 0 {
        return s;
    }
    // Every move with the outcome it leads to, keeping those strictly better
    // for the mover than staying.
    let better: Vec<(usize, usize)> = r
        .moves(mover, s)
        .into_iter()
        .map(|t| (t, response(r, focal, outlook, h - 1, mover, t)))
        .filter(|&(_, o)| r.score[mover][o] > r.score[mover][s])
        .collect();
    let Some(top) = better.iter().map(|&(_, o)| r.score[mover][o]).max() else {
        return s;
    };
    let best: Vec<(usize, usize)> = better
        .into_iter()
        .filter(|&(_, o)| r.score[mover][o] == top)
        .collect();
    pick(r, focal, outlook, &best)
}

/// The outcome after `last` moved to `t`, when any other DM may respond with
/// `h` moves left: `t` if none would move, else the responder the outlook picks.
pub fn response(
    r: &Reference,
    focal: usize,
    outlook: Outlook,
    h: u32,
    last: usize,
    t: usize,
) -> usize {
    let movers: Vec<(usize, usize)> = (0..r.score.len())
        .filter(|&j| j != last)
        .map(|j| (j, turn(r, focal, outlook, h, j, t)))
        .filter(|&(_, o)| o != t)
        .collect();
    if movers.is_empty() {
        return t;
    }
    pick(r, focal, outlook, &movers)
}

/// Of `(candidate, outcome)` pairs, the outcome worst (cautious) or best
/// (hopeful) for `focal`; among those the lowest outcome. (The lowest
/// candidate rule only names a move or DM; it cannot change the outcome.)
fn pick(r: &Reference, focal: usize, outlook: Outlook, candidates: &[(usize, usize)]) -> usize {
    let scores = candidates.iter().map(|&(_, o)| r.score[focal][o]);
    let target = match outlook {
        Outlook::Cautious => scores.min(),
        Outlook::Hopeful => scores.max(),
    }
    .expect("candidates are not empty");
    candidates
        .iter()
        .map(|&(_, o)| o)
        .filter(|&o| r.score[focal][o] == target)
        .min()
        .expect("the target is one of the candidates")
}
