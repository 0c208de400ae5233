//! Words for states and moves, shared by every output format.

use detente_engine::{Conflict, Model, StateIndex};

/// A state as the list of options that are Y there (labels), or "no option taken".
pub fn describe_state(model: &Model, conflict: &Conflict, s: StateIndex) -> String {
    let pattern = conflict.space().pattern(s);
    let taken: Vec<&str> = model
        .options()
        .enumerate()
        .filter(|(k, _)| pattern >> k & 1 == 1)
        .map(|(_, (_, o))| o.label.as_str())
        .collect();
    if taken.is_empty() {
        "no option taken".to_string()
    } else {
        taken.join("; ")
    }
}

/// The options that change between two states, as labels turned on and off.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeText {
    pub takes: Vec<String>,
    pub drops: Vec<String>,
}

impl std::fmt::Display for ChangeText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if !self.takes.is_empty() {
            parts.push(format!("takes up {}", self.takes.join(", ")));
        }
        if !self.drops.is_empty() {
            parts.push(format!("drops {}", self.drops.join(", ")));
        }
        f.write_str(&parts.join(" and "))
    }
}

pub fn describe_change(
    model: &Model,
    conflict: &Conflict,
    from: StateIndex,
    to: StateIndex,
) -> ChangeText {
    let (a, b) = (conflict.space().pattern(from), conflict.space().pattern(to));
    let mut change = ChangeText::default();
    for (k, (_, o)) in model.options().enumerate() {
        match (a >> k & 1, b >> k & 1) {
            (0, 1) => change.takes.push(o.label.clone()),
            (1, 0) => change.drops.push(o.label.clone()),
            _ => {}
        }
    }
    change
}

/// State ids as a short list with ranges: `1-3, 7, 9-10`.
pub fn compress_ids(ids: impl IntoIterator<Item = usize>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut run: Option<(usize, usize)> = None;
    let flush = |run: (usize, usize), parts: &mut Vec<String>| {
        parts.push(if run.0 == run.1 {
            run.0.to_string()
        } else {
            format!("{}-{}", run.0, run.1)
        })
    };
    for id in ids {
        run = match run {
            Some((a, b)) if id == b + 1 => Some((a, id)),
            Some(r) => {
                flush(r, &mut parts);
                Some((id, id))
            }
            None => Some((id, id)),
        };
    }
    if let Some(r) = run {
        flush(r, &mut parts);
    }
    if parts.is_empty() {
        "none".to_string()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_compress_into_ranges() {
        assert_eq!(compress_ids([1, 2, 3, 7, 9, 10]), "1-3, 7, 9-10");
        assert_eq!(compress_ids([4]), "4");
        assert_eq!(compress_ids([]), "none");
    }
}
