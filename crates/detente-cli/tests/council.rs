//! `detente council` as a process: init prints working invitation links, and nothing
//! acknowledged is lost when the server is killed with SIGKILL mid-stream.

use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A fresh database for one test: a SQLite file in `dir`, or, when DETENTE_TEST_POSTGRES
/// names a PostgreSQL server (scripts/test starts one), a new database on it.
fn fresh_database(dir: &std::path::Path, name: &str) -> String {
    match std::env::var("DETENTE_TEST_POSTGRES") {
        Ok(server) if !server.is_empty() => {
            let database = format!("council_cli_{name}_{}", std::process::id());
            let admin = format!("{server}/postgres");
            let psql = |sql: String| {
                let out = Command::new("psql")
                    .args([admin.as_str(), "-q", "-c", sql.as_str()])
                    .output()
                    .expect("psql runs");
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            };
            psql(format!("DROP DATABASE IF EXISTS {database}"));
            psql(format!("CREATE DATABASE {database}"));
            format!("{server}/{database}")
        }
        _ => dir.join("council.db").display().to_string(),
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("council-cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `detente council serve` and waits until it answers.
async fn serve(database: &str, port: u16) -> Child {
    start("serve", database, port).await
}

/// Starts `detente council <command>` (serve or demo) and waits until it answers.
async fn start(command: &str, database: &str, port: u16) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_detente"))
        .args([
            "council",
            command,
            "--database",
            database,
            "--port",
            &port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while reqwest::get(format!("http://127.0.0.1:{port}/login"))
        .await
        .is_err()
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the council server did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child
}

/// `detente council init`'s invitation links, by role as printed.
fn init(database: &str) -> Vec<(String, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_detente"))
        .args([
            "council",
            "init",
            "--database",
            database,
            "--model",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/nrc-2025.toml"),
            "--name",
            "NATO-Russia Council",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with("Created council 1 \"NATO-Russia Council\"."),
        "{stdout}"
    );
    stdout
        .lines()
        .filter_map(|line| {
            let (role, link) = line.trim().split_once(": http")?;
            Some((role.to_string(), link.rsplit('/').next()?.to_string()))
        })
        .collect()
}

async fn join(port: u16, token: &str, name: &str) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let reply: Value = client
        .post(format!("http://127.0.0.1:{port}/api/join"))
        .json(&json!({"token": token, "name": name, "password": "correct horse battery"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let csrf = reply["csrf"]
        .as_str()
        .unwrap_or_else(|| panic!("{reply}"))
        .to_string();
    (client, csrf)
}

#[tokio::test]
async fn init_prints_an_invitation_for_every_role() {
    let dir = scratch("init");
    let database = fresh_database(&dir, "init");
    let links = init(&database);
    let roles: Vec<&str> = links.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(
        roles,
        [
            "secretariat",
            "mediator",
            "head of delegation of United States",
            "head of delegation of Russia",
            "head of delegation of Ukraine",
            "head of delegation of NATO allies",
            "observer",
            "auditor"
        ]
    );
    let port = free_port();
    let mut server = serve(&database, port).await;
    let (client, _) = join(port, &links[3].1, "ru-head").await;
    let council: Value = client
        .get(format!("http://127.0.0.1:{port}/api/councils/1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(council["you"]["delegation"]["name"], "Russia", "{council}");
    server.kill().unwrap();
    server.wait().unwrap();
}

/// Many clients post to the plenary at once; the server is killed with SIGKILL while
/// they do; after a restart every message the server acknowledged (201) is there.
#[tokio::test]
async fn nothing_acknowledged_is_lost_when_the_server_is_killed() {
    let dir = scratch("kill");
    let database = fresh_database(&dir, "kill");
    let links = init(&database);
    let port = free_port();
    let mut server = serve(&database, port).await;
    let mut speakers = Vec::new();
    for (i, (_, token)) in links.iter().enumerate().skip(1).take(5) {
        speakers.push(join(port, token, &format!("speaker-{i}")).await);
    }
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut tasks = Vec::new();
    for (s, (client, csrf)) in speakers.into_iter().enumerate() {
        let acknowledged = acknowledged.clone();
        tasks.push(tokio::spawn(async move {
            for n in 0.. {
                let body = format!("message {n} from speaker {s}");
                let sent = client
                    .post(format!(
                        "http://127.0.0.1:{port}/api/councils/1/talk/plenary"
                    ))
                    .header("x-csrf-token", &csrf)
                    .json(&json!({"body": body}))
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status().as_u16() == 201 => acknowledged.lock().unwrap().push(body),
                    _ => break,
                }
            }
        }));
    }
    // Let them write for a while, then kill the server mid-stream.
    let started = Instant::now();
    while acknowledged.lock().unwrap().len() < 200 && started.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    for task in tasks {
        task.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= 50,
        "only {} writes before the kill",
        acknowledged.len()
    );

    let mut server = serve(&database, port).await;
    let (client, _) = join(port, &links[6].1, "observer").await;
    let messages: Value = client
        .get(format!(
            "http://127.0.0.1:{port}/api/councils/1/talk/plenary"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let stored: std::collections::HashSet<&str> = messages
        .as_array()
        .unwrap_or_else(|| panic!("{messages}"))
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|m| !stored.contains(m.as_str()))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged messages were lost, e.g. {:?}",
        lost.len(),
        acknowledged.len(),
        lost.first()
    );
    server.kill().unwrap();
    server.wait().unwrap();
}

/// Two `council serve` processes on one database serve one council consistently: a
/// session made on one is good on the other, what is said through one is read through
/// the other, and the other's open event stream carries it.
#[tokio::test]
async fn two_servers_on_one_database_serve_one_council() {
    let dir = scratch("two");
    let database = fresh_database(&dir, "two");
    let links = init(&database);
    let (first, second) = (free_port(), free_port());
    let mut servers = [
        serve(&database, first).await,
        serve(&database, second).await,
    ];
    let (mediator, csrf) = join(first, &links[1].1, "mediator").await;
    // The cookie (127.0.0.1, any port) carries the session to the second server.
    let council: Value = mediator
        .get(format!("http://127.0.0.1:{second}/api/councils/1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(council["you"]["role"], "mediator", "{council}");
    let (russia, _) = join(second, &links[3].1, "ru-head").await;
    let mut events = russia
        .get(format!(
            "http://127.0.0.1:{second}/api/councils/1/events?after=0"
        ))
        .send()
        .await
        .unwrap();
    let tabled = mediator
        .post(format!("http://127.0.0.1:{first}/api/councils/1/proposals"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"title": "Proposed package", "taken": ["us_propose_nrc", "ru_ceasefire", "ua_ceasefire"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(tabled.status().as_u16(), 201);
    let proposals: Value = russia
        .get(format!(
            "http://127.0.0.1:{second}/api/councils/1/proposals"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(proposals[0]["title"], "Proposed package", "{proposals}");
    // The second server's stream sends what the first server recorded.
    let started = Instant::now();
    let mut seen = String::new();
    while !seen.contains("tabled proposal 1") {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no event for the tabling: {seen}"
        );
        match tokio::time::timeout(Duration::from_secs(5), events.chunk()).await {
            Ok(Ok(Some(chunk))) => seen.push_str(&String::from_utf8_lossy(&chunk)),
            _ => {}
        }
    }
    assert!(seen.contains("event: record"), "{seen}");
    for server in &mut servers {
        server.kill().unwrap();
        server.wait().unwrap();
    }
}

async fn log_in(port: u16, name: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let reply = client
        .post(format!("http://127.0.0.1:{port}/api/login"))
        .json(&json!({"name": name, "password": "demo-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status().as_u16(), 200, "{name} logs in");
    client
}

/// `council demo`: one command gives every role an account, each delegation the model's
/// position, and the proposed package on the table with the engine's verdict.
#[tokio::test]
async fn the_demo_seeds_every_role_and_tables_the_package() {
    let dir = scratch("demo");
    let database = fresh_database(&dir, "demo");
    let port = free_port();
    let mut server = start("demo", &database, port).await;
    let russia = log_in(port, "russia-head").await;
    let answers: Value = russia
        .get(format!(
            "http://127.0.0.1:{port}/api/councils/1/proposals/1/answers"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        answers[0]["verdict"]["holds"],
        json!(["GMR", "SMR", "SEQ"]),
        "{answers}"
    );
    assert!(
        answers[0]["detail"].is_null(),
        "a delegation sees only the verdict"
    );
    let mediator = log_in(port, "mediator").await;
    let answers: Value = mediator
        .get(format!(
            "http://127.0.0.1:{port}/api/councils/1/proposals/1/answers"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        answers[0]["detail"]["temptations"]
            .as_array()
            .is_some_and(|t| !t.is_empty()),
        "{answers}"
    );
    for name in [
        "secretariat",
        "us-head",
        "ukraine-head",
        "allies-head",
        "observer",
        "auditor",
    ] {
        log_in(port, name).await;
    }
    server.kill().unwrap();
    server.wait().unwrap();
}
