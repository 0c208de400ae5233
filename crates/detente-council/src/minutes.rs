//! The minutes of a council: its record regrouped for reading, decisions first, then
//! each proposal's history (tabling, amendments, every delegation's answers, silence
//! procedures, the engine's answers and to whom they were told), the members, the
//! positions and caucuses, and the delegations' keys and cosignatures. Every entry is one event of the record, in its words, with
//! its number, so that a reader can check it against an exported record
//! (`detente council verify`) or the server's inclusion proofs; the minutes add
//! nothing the record does not say.
//!
//! [`Minutes::parts`] lays them out once; Markdown ([`Minutes::to_markdown`]) and any
//! other output (the command line's PDF) are walks over those parts.

use crate::council::{Disclosure, Event};
use crate::db::Db;
use crate::error::Result;
use detente_report::count;
use serde_json::Value;
use std::fmt::Write;

/// One event of the record as the minutes give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The event's number on the record.
    pub seq: i64,
    /// Milliseconds since 1970.
    pub at: i64,
    /// What happened: the event's own summary.
    pub text: String,
}

impl Entry {
    fn of(event: &Event) -> Entry {
        Entry {
            seq: event.seq,
            at: event.at,
            // A statement may run over lines; an entry is one line.
            text: event
                .summary
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// What leads the entry: its event's number and time, "Event 12, 2025-06-01 14:03 UTC".
    pub fn lead(&self) -> String {
        format!("Event {}, {}", self.seq, utc(self.at))
    }
}

/// "2025-06-01 14:03 UTC".
fn utc(at: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000_000) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        ),
        Err(_) => format!("{at} ms after 1970"),
    }
}

/// One proposal's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub number: i64,
    pub title: String,
    pub non_paper: bool,
    pub entries: Vec<Entry>,
}

/// The minutes of one council.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minutes {
    pub council: i64,
    pub name: String,
    /// How many events of the record they were made from.
    pub events: usize,
    /// What the engine's answers tell whom, as the council was created.
    pub disclosure: Option<Disclosure>,
    pub decisions: Vec<Entry>,
    pub proposals: Vec<Item>,
    /// The council's creation, invitations and who joined.
    pub members: Vec<Entry>,
    /// Positions stated (as commitments only) and caucuses granted or withdrawn.
    pub positions: Vec<Entry>,
    /// Delegates' keys registered, and their delegations' cosignatures of the record.
    pub cosignatures: Vec<Entry>,
    /// Events of kinds the minutes do not group, so that none is left out.
    pub other: Vec<Entry>,
}

/// A piece of the minutes' layout, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part<'a> {
    Title(String),
    Paragraph(String),
    Heading(String),
    Subheading(String),
    Entries(&'a [Entry]),
}

impl Minutes {
    /// The minutes of council `council` ("name") from its record, `events` in order.
    pub fn from_record(council: i64, name: &str, events: &[Event]) -> Minutes {
        let mut minutes = Minutes {
            council,
            name: name.to_string(),
            events: events.len(),
            disclosure: None,
            decisions: Vec::new(),
            proposals: Vec::new(),
            members: Vec::new(),
            positions: Vec::new(),
            cosignatures: Vec::new(),
            other: Vec::new(),
        };
        for event in events {
            let entry = Entry::of(event);
            let proposal = event.body.get("proposal").and_then(Value::as_i64);
            match (event.kind.split_once('.').map_or("", |k| k.0), proposal) {
                ("council", _) => {
                    minutes.disclosure = event
                        .body
                        .get("disclosure")
                        .and_then(Value::as_str)
                        .and_then(|d| Disclosure::from_key(d).ok());
                    minutes.members.push(entry);
                }
                ("member", _) => minutes.members.push(entry),
                ("position" | "caucus", _) => minutes.positions.push(entry),
                ("key" | "record", _) => minutes.cosignatures.push(entry),
                ("proposal" | "silence" | "decision" | "engine", Some(number)) => {
                    if event.kind == "decision.adopted" {
                        minutes.decisions.push(entry.clone());
                    }
                    minutes.item(number, event).entries.push(entry);
                }
                _ => minutes.other.push(entry),
            }
        }
        minutes
    }

    /// Proposal `number`'s history, begun when first met (its tabling names it).
    fn item(&mut self, number: i64, event: &Event) -> &mut Item {
        let at = match self.proposals.iter().position(|p| p.number == number) {
            Some(at) => at,
            None => {
                let text = |key: &str| event.body.get(key).and_then(Value::as_str);
                self.proposals.push(Item {
                    number,
                    title: text("title").unwrap_or_default().to_string(),
                    non_paper: event.body.get("non_paper").and_then(Value::as_bool) == Some(true),
                    entries: Vec::new(),
                });
                self.proposals.len() - 1
            }
        };
        &mut self.proposals[at]
    }

    pub fn title(&self) -> String {
        format!("Minutes of the council \"{}\"", self.name)
    }

    /// The minutes laid out: title, introduction, then each section.
    pub fn parts(&self) -> Vec<Part<'_>> {
        let mut parts = vec![
            Part::Title(self.title()),
            Part::Paragraph(format!(
                "Council {}, from its record of {}. Each entry is one event of the record, in its words, led by its number: an exported record (detente council export) proves every event, and detente council verify checks it.",
                self.council,
                count(self.events, "event")
            )),
        ];
        if let Some(disclosure) = self.disclosure {
            parts.push(Part::Paragraph(format!(
                "What the engine tells whom: {}",
                disclosure.words()
            )));
        }
        parts.push(Part::Heading("Decisions".to_string()));
        parts.push(if self.decisions.is_empty() {
            Part::Paragraph("The council has adopted no proposal.".to_string())
        } else {
            Part::Entries(&self.decisions)
        });
        parts.push(Part::Heading("Proposals".to_string()));
        if self.proposals.is_empty() {
            parts.push(Part::Paragraph("No proposal has been tabled.".to_string()));
        }
        for item in &self.proposals {
            parts.push(Part::Subheading(format!(
                "{} {}{}",
                if item.non_paper {
                    "Non-paper"
                } else {
                    "Proposal"
                },
                item.number,
                if item.title.is_empty() {
                    String::new()
                } else {
                    format!(": \"{}\"", item.title)
                }
            )));
            parts.push(Part::Entries(&item.entries));
        }
        parts.push(Part::Heading("The council and its members".to_string()));
        parts.push(Part::Entries(&self.members));
        parts.push(Part::Heading("Positions and caucuses".to_string()));
        parts.push(Part::Paragraph(
            "What each delegation's position says is private to it: the record holds a commitment to each version, which an auditor shown the position can check.".to_string(),
        ));
        parts.push(if self.positions.is_empty() {
            Part::Paragraph("No delegation has stated a position.".to_string())
        } else {
            Part::Entries(&self.positions)
        });
        if !self.cosignatures.is_empty() {
            parts.push(Part::Heading("Keys and cosignatures".to_string()));
            parts.push(Part::Paragraph(
                "A delegation's cosignature says that it saw the record as the server signed it, up to that event; a decision counts as recorded once every delegation has cosigned it.".to_string(),
            ));
            parts.push(Part::Entries(&self.cosignatures));
        }
        if !self.other.is_empty() {
            parts.push(Part::Heading("Other events".to_string()));
            parts.push(Part::Entries(&self.other));
        }
        parts
    }

    /// The minutes as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        for part in self.parts() {
            let _ = match part {
                Part::Title(t) => writeln!(out, "# {}\n", markdown(&t)),
                Part::Heading(t) => writeln!(out, "## {}\n", markdown(&t)),
                Part::Subheading(t) => writeln!(out, "### {}\n", markdown(&t)),
                Part::Paragraph(t) => writeln!(out, "{}\n", markdown(&t)),
                Part::Entries(entries) => {
                    for entry in entries {
                        let _ = writeln!(out, "- **{}:** {}", entry.lead(), markdown(&entry.text));
                    }
                    writeln!(out)
                }
            };
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }
}

/// `text` with the characters Markdown gives meaning to inside a line escaped, so that
/// what members wrote reads as they wrote it.
fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Db {
    /// The minutes of council `council` from its whole record, for whoever holds the
    /// database (every member may read the record they are made from).
    pub async fn minutes(&self, council: i64) -> Result<Minutes> {
        let name = self.council_name(council).await?;
        let events = self.events_of(council, 0, usize::MAX).await?;
        Ok(Minutes::from_record(council, &name, &events))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(seq: i64, kind: &str, summary: &str, body: Value) -> Event {
        Event {
            seq,
            kind: kind.to_string(),
            actor: "someone".to_string(),
            summary: summary.to_string(),
            body,
            at: 1_748_786_580_000 + seq * 60_000,
        }
    }

    #[test]
    fn each_event_is_an_entry_under_its_proposal_with_its_number() {
        let events = [
            event(
                1,
                "council.created",
                "Created.",
                json!({"name": "C", "disclosure": "full"}),
            ),
            event(
                2,
                "proposal.tabled",
                "Tabled *1*.",
                json!({"proposal": 1, "title": "Deal", "non_paper": false}),
            ),
            event(
                3,
                "proposal.tabled",
                "Tabled 2.",
                json!({"proposal": 2, "title": "Idea", "non_paper": true}),
            ),
            event(4, "decision.adopted", "Adopted 1.", json!({"proposal": 1})),
            event(5, "something.new", "Line one\nline two.", json!({})),
            event(
                6,
                "record.cosigned",
                "Russia cosigned.",
                json!({"delegation": "russia"}),
            ),
        ];
        let minutes = Minutes::from_record(7, "C", &events);
        assert_eq!(minutes.disclosure, Some(Disclosure::Full));
        assert_eq!(minutes.proposals.len(), 2);
        assert_eq!(
            minutes.proposals[0]
                .entries
                .iter()
                .map(|e| e.seq)
                .collect::<Vec<_>>(),
            [2, 4]
        );
        assert!(minutes.proposals[1].non_paper);
        assert_eq!(minutes.decisions[0].seq, 4);
        assert_eq!(minutes.other[0].text, "Line one line two.");
        let markdown = minutes.to_markdown();
        assert!(
            markdown.starts_with("# Minutes of the council \"C\"\n"),
            "{markdown}"
        );
        assert!(
            markdown.contains(
                "### Proposal 1: \"Deal\"\n\n- **Event 2, 2025-06-01 14:05 UTC:** Tabled \\*1\\*.\n"
            ),
            "{markdown}"
        );
        assert!(markdown.contains("### Non-paper 2: \"Idea\""), "{markdown}");
        assert!(
            markdown.contains("## Decisions\n\n- **Event 4, 2025-06-01 14:07 UTC:** Adopted 1.\n"),
            "{markdown}"
        );
        assert!(markdown.contains("## Other events"), "{markdown}");
        assert_eq!(minutes.cosignatures[0].seq, 6);
        assert!(
            markdown.contains("## Keys and cosignatures\n\nA delegation's cosignature"),
            "{markdown}"
        );
        assert!(
            markdown.contains("from its record of 6 events"),
            "{markdown}"
        );
    }
}
