//! The Python package's sweep and preference changes, read from the JSON its Python
//! half writes (`python/detente/sweep.py`); what they mean is detente-app's to check.

use detente_app::{AppError, ConceptChoice, SweepProfiles, SweepRequest};
use serde_json::Value;

/// A JSON object from decision makers (names or ids) to positions, as pairs in its order.
pub fn positions_of(json: &str) -> Result<Vec<(String, Value)>, AppError> {
    match serde_json::from_str(json) {
        Ok(Value::Object(map)) => Ok(map.into_iter().collect()),
        _ => Err(invalid(
            "preferences must map decision makers to their new preferences",
        )),
    }
}

/// A sweep request: `{"profiles": "all" | {"sample": N, "seed": S} | {"listed": [{DM:
/// position, ...}, ...]}, "vary": [DM, ...] | null, "concepts": [key, ...] | null,
/// "range": [start, end] | null}`; concepts default as for an analysis of
/// `state_count` states.
pub fn request(json: &str, state_count: usize) -> Result<SweepRequest, AppError> {
    let body: Value = serde_json::from_str(json)
        .map_err(|e| invalid(format!("the sweep request is not JSON: {e}")))?;
    let strings = |key: &str| -> Result<Option<Vec<String>>, AppError> {
        match &body[key] {
            Value::Null => Ok(None),
            Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .map(Some)
                .ok_or_else(|| invalid(format!("{key} must be a list of strings"))),
            _ => Err(invalid(format!("{key} must be a list of strings"))),
        }
    };
    let profiles = match &body["profiles"] {
        Value::String(all) if all == "all" => SweepProfiles::Every,
        Value::Object(o) if o.contains_key("sample") => SweepProfiles::Sample {
            count: o["sample"]
                .as_u64()
                .ok_or_else(|| invalid("the number of profiles to draw must be a whole number"))?,
            seed: o
                .get("seed")
                .and_then(Value::as_u64)
                .ok_or_else(|| invalid("the seed must be a whole number from 0 to 2^64 - 1"))?,
        },
        Value::Object(o) if o.contains_key("listed") => SweepProfiles::Listed(
            o["listed"]
                .as_array()
                .ok_or_else(|| invalid("listed profiles must be a list"))?
                .iter()
                .enumerate()
                .map(|(k, p)| match p {
                    Value::Object(map) => Ok(map.clone().into_iter().collect()),
                    _ => Err(invalid(format!(
                        "profile {} must map decision makers to their preferences",
                        k + 1
                    ))),
                })
                .collect::<Result<_, _>>()?,
        ),
        _ => {
            return Err(invalid(
                "profiles must be \"all\", a number of profiles to draw, or a list of profiles",
            ));
        }
    };
    let asked = strings("concepts")?
        .as_deref()
        .map(detente_app::concepts_by_key)
        .transpose()?;
    let range = match &body["range"] {
        Value::Null => None,
        Value::Array(ends) => match (
            ends.first().and_then(Value::as_u64),
            ends.get(1).and_then(Value::as_u64),
        ) {
            (Some(start), Some(end)) if ends.len() == 2 => Some(start..end),
            _ => return Err(invalid("a range is two whole numbers, start and end")),
        },
        _ => return Err(invalid("a range is two whole numbers, start and end")),
    };
    Ok(SweepRequest {
        profiles,
        vary: strings("vary")?,
        concepts: ConceptChoice::new(asked.as_deref(), state_count)?.concepts,
        range,
    })
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::Invalid {
        message: message.into(),
        help: None,
    }
}
