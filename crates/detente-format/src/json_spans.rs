//! Where each value of a JSON text is, by JSON Pointer. serde_json keeps no positions,
//! so errors in a `.gmcr` file found after it is parsed are located by one scan of its text.

use std::fmt::Write;

use crate::diagnostic::Span;

/// A container the scan is inside.
struct Open {
    /// Where its `{` or `[` is.
    start: usize,
    /// The length of its own pointer, which each element's pointer extends.
    base: usize,
    /// The current element's index, for an array.
    index: Option<usize>,
}

/// Calls `visit` with the JSON Pointer (RFC 6901) and byte range of every value in `text`,
/// each container after its elements. `text` is expected to be JSON (serde_json has
/// accepted it); the scan stops quietly where it is not.
pub(crate) fn walk(text: &str, mut visit: impl FnMut(&str, Span)) {
    let bytes = text.as_bytes();
    let mut pointer = String::new();
    let mut open: Vec<Open> = Vec::new();
    let mut i = skip_space(bytes, 0);
    'value: loop {
        // `i` is where a value starts, and `pointer` is its pointer.
        match bytes.get(i) {
            None => return,
            Some(&c @ (b'{' | b'[')) => {
                let container = Open {
                    start: i,
                    base: pointer.len(),
                    index: (c == b'[').then_some(0),
                };
                i = skip_space(bytes, i + 1);
                let empty = matches!(bytes.get(i), Some(b'}' | b']'));
                open.push(container);
                if !empty {
                    match element(text, i, open.last(), &mut pointer) {
                        Some(at) => i = at,
                        None => return,
                    }
                    continue 'value;
                }
            }
            Some(_) => {
                let end = scalar_end(bytes, i);
                if end == i {
                    return;
                }
                visit(&pointer, i..end);
                i = end;
            }
        }
        // After a value: a comma starts the next element, a bracket closes the container.
        loop {
            i = skip_space(bytes, i);
            match bytes.get(i) {
                Some(b',') => {
                    if let Some(Open {
                        index: Some(index), ..
                    }) = open.last_mut()
                    {
                        *index += 1;
                    }
                    match element(text, skip_space(bytes, i + 1), open.last(), &mut pointer) {
                        Some(at) => i = at,
                        None => return,
                    }
                    continue 'value;
                }
                Some(b'}' | b']') => {
                    let Some(closed) = open.pop() else { return };
                    pointer.truncate(closed.base);
                    visit(&pointer, closed.start..i + 1);
                    i += 1;
                }
                _ => return,
            }
        }
    }
}

/// The byte range of the value at `pointer` in the JSON `text`, if there is one.
pub(crate) fn find(text: &str, pointer: &str) -> Option<Span> {
    let mut found = None;
    walk(text, |at, span| {
        if at == pointer {
            found = Some(span);
        }
    });
    found
}

/// Enters the current element of `container` at `i`: points `pointer` at it and
/// returns where its value starts (after the key, for an object).
fn element(text: &str, i: usize, container: Option<&Open>, pointer: &mut String) -> Option<usize> {
    let container = container?;
    pointer.truncate(container.base);
    pointer.push('/');
    let Some(index) = container.index else {
        let bytes = text.as_bytes();
        let end = string_end(bytes, i)?;
        let key: String = serde_json::from_str(&text[i..end]).ok()?;
        pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
        let colon = skip_space(bytes, end);
        return (bytes.get(colon) == Some(&b':')).then(|| skip_space(bytes, colon + 1));
    };
    write!(pointer, "{index}").ok()?;
    Some(i)
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|b| b" \t\n\r".contains(b)) {
        i += 1;
    }
    i
}

/// The end of the string that starts at `i` (just past its closing quote).
fn string_end(bytes: &[u8], i: usize) -> Option<usize> {
    if bytes.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    loop {
        match bytes.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
}

/// The end of the string, number, `true`, `false` or `null` that starts at `i`.
fn scalar_end(bytes: &[u8], i: usize) -> usize {
    if bytes.get(i) == Some(&b'"') {
        return string_end(bytes, i).unwrap_or(i);
    }
    let mut j = i;
    while bytes.get(j).is_some_and(|b| !b",]}: \t\n\r".contains(b)) {
        j += 1;
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_is_found_by_its_pointer() {
        let text = r#" {"a": [1, {"b~/c": "x\"]"}, []], "d": {}, "": null } "#;
        let at = |pointer| find(text, pointer).map(|span| &text[span]);
        assert_eq!(at("/a/0"), Some("1"));
        assert_eq!(at("/a/1/b~0~1c"), Some(r#""x\"]""#));
        assert_eq!(at("/a/2"), Some("[]"));
        assert_eq!(at("/d"), Some("{}"));
        assert_eq!(at("/"), Some("null"));
        assert_eq!(at(""), Some(&text[1..text.len() - 1]));
        assert_eq!(at("/a/3"), None);
    }

    #[test]
    fn broken_text_ends_the_scan_without_panicking() {
        for text in [
            "",
            "[1,",
            "{\"a\" 1}",
            "[:]",
            "{\"a\": [1, 2}",
            "\"open",
            "]]",
        ] {
            walk(text, |_, span| assert!(span.end <= text.len()));
        }
    }
}
