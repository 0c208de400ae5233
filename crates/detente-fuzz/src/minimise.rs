//! Shrinking a failing input to what still fails (delta debugging): drop ever
//! smaller chunks of lines, then of characters, keeping each removal after which
//! it still fails in the same way.

use std::time::Instant;

/// `text` with as many lines and then characters removed as `fails` allows, in the
/// time until `deadline` (the best found so far when time runs out).
pub fn minimise(text: &str, mut fails: impl FnMut(&str) -> bool, deadline: Instant) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let lines = shrink(lines, |kept| fails(&kept.concat()), deadline).concat();
    let chars: Vec<char> = lines.chars().collect();
    shrink(
        chars,
        |kept| fails(&kept.iter().collect::<String>()),
        deadline,
    )
    .into_iter()
    .collect()
}

/// Removes chunks of `units`, halving the chunk size from half the input down to
/// one unit, while `fails` holds for what is left.
fn shrink<T: Clone>(
    mut units: Vec<T>,
    mut fails: impl FnMut(&[T]) -> bool,
    deadline: Instant,
) -> Vec<T> {
    let mut chunk = units.len().div_ceil(2);
    while chunk > 0 {
        let mut start = 0;
        while start < units.len() {
            if Instant::now() >= deadline {
                return units;
            }
            let end = (start + chunk).min(units.len());
            let mut candidate = units[..start].to_vec();
            candidate.extend_from_slice(&units[end..]);
            if fails(&candidate) {
                units = candidate;
            } else {
                start = end;
            }
        }
        chunk /= 2;
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn keeps_only_what_makes_it_fail() {
        let deadline = Instant::now() + Duration::from_secs(10);
        let text = "keep\nnoise\nmore noise\nbad line here\nend\n";
        let small = minimise(text, |t| t.contains("bad"), deadline);
        assert_eq!(small, "bad");
    }
}
