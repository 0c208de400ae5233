//! Test support: a council server on 127.0.0.1 over a fresh database (a SQLite file in
//! a temporary directory, or, when DETENTE_TEST_POSTGRES names a server, a new database
//! on it), and people who use it through the JSON API with their own cookies.

#![allow(dead_code)]

use detente_council::{Db, Invitation, Role, Server};
use reqwest::Client;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A fresh, empty database location for one test.
pub async fn fresh_database(name: &str) -> String {
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    match std::env::var("DETENTE_TEST_POSTGRES") {
        Ok(server) if !server.is_empty() => {
            use sqlx::Connection;
            let database = format!(
                "council_{}_{}_{n}",
                name.replace('-', "_"),
                std::process::id()
            );
            let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres"))
                .await
                .unwrap();
            sqlx::Executor::execute(
                &mut admin,
                format!("DROP DATABASE IF EXISTS {database}").as_str(),
            )
            .await
            .unwrap();
            sqlx::Executor::execute(&mut admin, format!("CREATE DATABASE {database}").as_str())
                .await
                .unwrap();
            format!("{server}/{database}")
        }
        _ => {
            let dir = scratch(&format!("{name}-{n}"));
            dir.join("council.db").display().to_string()
        }
    }
}

/// An empty directory under the target directory.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("council")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A council server and its database.
pub struct Forum {
    pub base: String,
    pub db: Db,
}

/// Starts a council server over a fresh database.
pub async fn start(name: &str) -> Forum {
    start_with_idle(name, detente_council::SESSION_IDLE).await
}

/// Starts a council server over a fresh database whose sessions end after `idle`
/// without a request.
pub async fn start_with_idle(name: &str, idle: std::time::Duration) -> Forum {
    let db = Db::open(&fresh_database(name).await).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = Server {
        session_idle: idle,
        ..Server::new(db.clone())
    };
    tokio::spawn(detente_council::serve(listener, server));
    Forum { base, db }
}

/// Someone using the council through the API, with their own session.
pub struct Person {
    pub client: Client,
    pub base: String,
    pub csrf: String,
    pub name: String,
}

pub const PASSWORD: &str = "correct horse battery";

impl Person {
    pub fn anonymous(base: &str) -> Person {
        Person {
            client: Client::builder().cookie_store(true).build().unwrap(),
            base: base.to_string(),
            csrf: String::new(),
            name: String::new(),
        }
    }

    /// A new account `name` that takes up `invitation`.
    pub async fn join(base: &str, name: &str, invitation: &Invitation) -> Person {
        Person::join_with(base, name, &invitation.token).await
    }

    /// A new account `name` that takes up the invitation whose token is `token`.
    pub async fn join_with(base: &str, name: &str, token: &str) -> Person {
        let mut person = Person::anonymous(base);
        let (status, body) = person
            .post(
                "/api/join",
                json!({"token": token, "name": name, "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        person.csrf = body["csrf"].as_str().unwrap().to_string();
        person.name = name.to_string();
        person
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header("x-csrf-token", &self.csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
        reply(response).await
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        reply(
            self.client
                .get(format!("{}{path}", self.base))
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// A page's status and HTML.
    pub async fn page(&self, path: &str) -> (u16, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }
}

async fn reply(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The NRC council with a member for every role: the secretariat, the mediator, each
/// delegation's head, an observer and an auditor.
pub struct Nrc {
    pub forum: Forum,
    pub council: i64,
    pub secretariat: Person,
    pub mediator: Person,
    /// By decision maker id: us, russia, ukraine, allies.
    pub heads: Vec<(String, Person)>,
    pub observer: Person,
    pub auditor: Person,
}

impl Nrc {
    pub async fn start(name: &str, disclosure: detente_council::Disclosure) -> Nrc {
        let forum = start(name).await;
        let created = forum
            .db
            .create_council(
                None,
                "NATO-Russia Council",
                &detente_app::Source::Example(None),
                disclosure,
            )
            .await
            .unwrap();
        let mut people: Vec<(Role, Option<String>, Person)> = Vec::new();
        for invitation in &created.invitations {
            let name = match (&invitation.role, &invitation.delegation) {
                (Role::Head, Some(d)) => format!("head-{}", d.to_lowercase().replace(' ', "-")),
                (role, _) => role.key().to_string(),
            };
            let person = Person::join(&forum.base, &name, invitation).await;
            people.push((invitation.role, invitation.delegation.clone(), person));
        }
        let take = |people: &mut Vec<(Role, Option<String>, Person)>, role: Role| {
            let at = people.iter().position(|(r, _, _)| *r == role).unwrap();
            people.remove(at).2
        };
        let secretariat = take(&mut people, Role::Secretariat);
        let mediator = take(&mut people, Role::Mediator);
        let observer = take(&mut people, Role::Observer);
        let auditor = take(&mut people, Role::Auditor);
        let dms = ["us", "russia", "ukraine", "allies"];
        let heads = people
            .into_iter()
            .zip(dms)
            .map(|((_, _, person), dm)| (dm.to_string(), person))
            .collect();
        Nrc {
            forum,
            council: created.council,
            secretariat,
            mediator,
            heads,
            observer,
            auditor,
        }
    }

    pub fn head(&self, dm: &str) -> &Person {
        &self.heads.iter().find(|(d, _)| d == dm).unwrap().1
    }

    pub fn path(&self, rest: &str) -> String {
        format!("/api/councils/{}{rest}", self.council)
    }

    /// Each head states the NRC model's own preferences as its delegation's position.
    pub async fn state_model_positions(&self) {
        let example = detente_examples::default_example();
        let form = detente_format::form_of_file(example.source, example.file_name).unwrap();
        for (dm, head) in &self.heads {
            let position = detente_app::position_in(&form, dm).unwrap();
            let (status, body) = head.post(&self.path("/position"), position).await;
            assert_eq!(status, 201, "{dm}: {body}");
        }
    }

    /// The delegation id of decision maker `dm`.
    pub async fn delegation(&self, dm: &str) -> i64 {
        let (_, body) = self.mediator.get(&self.path("")).await;
        body["council"]["delegations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["dm"] == dm)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    }
}

/// The options the NRC model's "Proposed package" takes up.
pub const PACKAGE: &[&str] = &[
    "us_propose_nrc",
    "us_recognize_crimea",
    "us_sanctions_relief",
    "ru_ceasefire",
    "ua_ceasefire",
    "allies_consent_nrc",
];
