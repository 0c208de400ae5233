//! The built-in models, embedded at compile time from `models/`, so that
//! `detente` runs the NRC scenario with no file at hand.

/// A model shipped with detente.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// Short name used on the command line (`--example cuban`).
    pub name: &'static str,
    /// One-line description for `detente examples`.
    pub title: &'static str,
    /// File name the source is reported under in diagnostics.
    pub file_name: &'static str,
    /// The model in detente's TOML format.
    pub source: &'static str,
}

macro_rules! example {
    ($name:literal, $file:literal, $title:literal) => {
        Example {
            name: $name,
            title: $title,
            file_name: concat!("models/", $file),
            source: include_str!(concat!("../../../models/", $file)),
        }
    };
}

/// Every built-in model; the first is the default analysis.
pub static EXAMPLES: &[Example] = &[
    example!(
        "nrc",
        "nrc-2025.toml",
        "Reviving the NATO-Russia Council as part of a Ukraine ceasefire package (May 2025)"
    ),
    example!("prisoners", "prisoners.toml", "Prisoner's Dilemma"),
    example!("chicken", "chicken.toml", "Chicken"),
    example!("cuban", "cuban.toml", "The Cuban missile crisis (1962)"),
    example!(
        "syria-iraq",
        "syria-iraq.toml",
        "The Syria-Iraq Euphrates water conflict (1975)"
    ),
];

/// The model `detente analyze` runs when given none.
pub fn default_example() -> &'static Example {
    &EXAMPLES[0]
}

/// The example called `name` (case-insensitive).
pub fn find(name: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found() {
        for e in EXAMPLES {
            assert!(std::ptr::eq(find(e.name).unwrap(), e));
            assert!(
                e.source.contains("format = \"detente/1\""),
                "{} lacks the format tag",
                e.file_name
            );
        }
        assert!(find("no-such-model").is_none());
    }
}
