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
        if let Ok(Ok(Some(chunk))) =
            tokio::time::timeout(Duration::from_secs(5), events.chunk()).await
        {
            seen.push_str(&String::from_utf8_lossy(&chunk));
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

/// Runs `detente council ARGS`.
fn council(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_detente"))
        .arg("council")
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A diagnostic as words: miette wraps its lines and sets a margin before them.
fn words(bytes: &[u8]) -> String {
    let text = text(bytes);
    let words: Vec<&str> = text.split_whitespace().filter(|w| *w != "|").collect();
    words.join(" ")
}

/// `council export`, `verify` and `minutes` on the demo's database: the record verifies
/// in both editions, against the key the reader holds; a changed event fails (1) naming
/// it; a truncated file and a file that is no record are refused (2) saying where; the
/// minutes are written as Markdown or PDF, each entry with its event's number.
#[tokio::test]
async fn the_record_is_exported_verified_and_minuted() {
    let dir = scratch("export");
    let database = fresh_database(&dir, "export");
    let port = free_port();
    let mut demo = start("demo", &database, port).await;
    demo.kill().unwrap();
    demo.wait().unwrap();
    let path = |name: &str| dir.join(name).display().to_string();
    let (record, public) = (path("record.json"), path("public.json"));
    // `council COMMAND --database DATABASE --council ID -o FILE MORE...`
    let on = |command: &str, id: &str, file: &str, more: &[&str]| {
        let args = [
            command,
            "--database",
            &database,
            "--council",
            id,
            "-o",
            file,
        ];
        council(&[&args[..], more].concat())
    };

    let out = on("export", "1", &record, &[]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("The record of council 1 \"NATO-Russia Council (demo)\" verifies: 15 events, 1 signed checkpoint, 4 private commitments opened and matching."),
        "{stderr}"
    );
    assert!(stderr.contains("--public leaves them out"), "{stderr}");
    let out = on("export", "1", &public, &["--public"]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = council(&["verify", &record]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bundle: Value = serde_json::from_slice(&std::fs::read(&record).unwrap()).unwrap();
    let key = bundle["key"].as_str().unwrap();
    insta::assert_snapshot!(
        "council_verify",
        text(&out.stdout).replace(key, "[the server's key]")
    );
    let out = council(&["verify", &public, "--key", key]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("4 private commitments (not opened: this is the public edition).")
            && stdout.contains("as you gave it"),
        "{stdout}"
    );
    let out = council(&["verify", &public, "--key", &"ab".repeat(32)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("not the key you trust"),
        "{}",
        text(&out.stdout)
    );

    // A changed event: exit 1, the event named.
    let mut changed = bundle.clone();
    changed["events"][13]["summary"] = json!("Nothing was tabled.");
    let tampered = path("tampered.json");
    std::fs::write(&tampered, serde_json::to_string_pretty(&changed).unwrap()).unwrap();
    let out = council(&["verify", &tampered]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("The record of council 1 \"NATO-Russia Council (demo)\" does not verify: 1 problem.\n  - event 14 does not match the record the server signed: it was changed after the checkpoint at size 15 was signed\n"),
        "{stdout}"
    );
    assert!(
        text(&out.stderr).contains("tampered.json` does not verify: 1 problem"),
        "{}",
        text(&out.stderr)
    );

    // A truncated file, a file that is no record, and no file: exit 2, located.
    let whole = std::fs::read(&record).unwrap();
    let truncated = path("truncated.json");
    std::fs::write(&truncated, &whole[..whole.len() / 3]).unwrap();
    for (file, says) in [
        (
            truncated.as_str(),
            "the file ends before its JSON does: it was cut short (line ",
        ),
        (
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/nrc-2025.toml"),
            "it is not valid JSON: expected ident (line 1, column 2)",
        ),
        ("no-such-file.json", "cannot read `no-such-file.json`"),
    ] {
        let out = council(&["verify", file]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file}: {stderr}");
        assert!(words(&out.stderr).contains(says), "{file}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }

    // An unknown council is refused with the councils there are.
    let out = on("export", "9", &path("nine.json"), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        words(&out.stderr).contains(
            "the database has no council 9: its councils are 1 \"NATO-Russia Council (demo)\""
        ),
        "{}",
        text(&out.stderr)
    );

    // The minutes, as Markdown and as PDF.
    let minutes = |file: &str| {
        let out = on("minutes", "1", file, &[]);
        (out.status.code(), words(&out.stderr))
    };
    let markdown = path("minutes.md");
    let (code, stderr) = minutes(&markdown);
    assert_eq!(code, Some(0), "{stderr}");
    let written = std::fs::read_to_string(&markdown).unwrap();
    assert!(
        written.starts_with("# Minutes of the council \"NATO-Russia Council (demo)\"\n"),
        "{written}"
    );
    assert!(
        written.contains("### Proposal 1: \"Proposed package\"\n\n- **Event 14, "),
        "{written}"
    );
    let pdf = path("minutes.pdf");
    let (code, stderr) = minutes(&pdf);
    assert_eq!(code, Some(0), "{stderr}");
    let read = Command::new("pdftotext")
        .args([pdf.as_str(), "-"])
        .output()
        .unwrap_or_else(|e| panic!("pdftotext is needed to read the minutes ({e}); install Debian's poppler-utils (scripts/test does)"));
    let read = words(&read.stdout);
    for expected in [
        "Minutes of the council \"NATO-Russia Council (demo)\"",
        "Proposal 1: \"Proposed package\"",
        "Event 14, ",
        "tabled proposal 1",
        "Event 15, ",
        "asked the engine whether proposal 1 (version 1) can hold",
        "Event 7, ",
        "Russia stated its position (version 1)",
    ] {
        assert!(
            read.contains(expected),
            "{expected:?} not in the PDF: {read}"
        );
    }
    let (code, stderr) = minutes(&path("minutes.txt"));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("name the file minutes.md, minutes.pdf or minutes.html"),
        "{stderr}"
    );
}
