//! The detente council (`detente council`): a mediated forum in which each party's
//! delegation states its preferences privately, proposals are tabled, amended and
//! answered, decisions are taken by consensus or silence, and the engine tells the
//! members what can hold, computed from every private position and disclosed as the
//! council's setting says. docs/COUNCIL.md describes roles, procedure and privacy.
//!
//! Invariants: who may do what is decided in the domain methods on [`Db`] (by the
//! [`Member`] asking), never in a page or an API handler, so that every view of a
//! private thing goes through the same check; every change and its event on the
//! public record are written in one transaction; a position's content never reaches
//! the record, only that it was revised.

mod accounts;
mod api;
mod bundle;
mod cosign;
mod council;
mod db;
mod demo;
mod engine;
mod error;
mod minutes;
mod notify;
mod pages;
mod positions;
mod proposals;
mod record;
mod sessions;
mod talk;
mod web;
mod witness;

pub use accounts::{Account, LOGIN_WINDOW_MS, MAX_FAILED_LOGINS, MIN_PASSWORD, check_name};
pub use api::OPENAPI;
pub use bundle::{
    BUNDLE_FORMAT, BUNDLE_VERSION, Bundle, Edition, Opening, Unreadable, Verification,
};
pub use cosign::{Cosignature, Cosigning, RegisteredKey};
pub use council::{
    Council, Created, Delegation, Disclosure, Event, INVITATION_MS, Invitation, Member,
    RECORD_PAGE, Role, council_limits,
};
pub use db::{Backend, Db};
pub use demo::{DEMO_PASSWORD, Demo, DemoAccount};
pub use engine::{Answer as EngineAnswer, Detail, Verdict};
pub use error::{CouncilError, Result};
pub use minutes::{Entry, Item, Minutes, Part};
pub use positions::{MAX_POSITION_BYTES, Position};
pub use proposals::{
    Amendment, Answer, Decision, MAX_SILENCE_MINUTES, MAX_TEXT, Proposal, Response, Silence,
    Tabling, Version,
};
pub use record::{
    Checkpoint, Consistency, Inclusion, Leaf, leaf, tree, verify_consistency, verify_inclusion,
};
pub use talk::{Channel, MAX_MESSAGE, Message};
pub use web::{MAX_BODY, SESSION_IDLE, Server, router, serve};
pub use witness::{Alarm, Witness};
