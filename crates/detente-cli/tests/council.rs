//! `detente council` as a process: init prints working invitation links, and nothing
//! acknowledged is lost when the server is killed with SIGKILL mid-stream.

use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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
    let child = Command::new(env!("CARGO_BIN_EXE_detente"))
        .args([
            "council",
            "serve",
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
    let database = dir.join("council.db").display().to_string();
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
    let database = dir.join("council.db").display().to_string();
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
