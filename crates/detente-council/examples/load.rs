//! The council under load: many delegates at once answering the proposal under
//! consideration and reading the council, over real HTTP on 127.0.0.1, with the
//! latency of each request recorded. Run by scripts/bench-council.sh; the figures are
//! in docs/PERFORMANCE.md.
//!
//! Usage: load [--clients N] [--seconds S] [--database FILE|URL]

use detente_council::{Db, Disclosure, Role, Server};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const PASSWORD: &str = "load test password";

struct Options {
    clients: usize,
    seconds: u64,
    database: Option<String>,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        clients: 100,
        seconds: 30,
        database: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--clients" => {
                options.clients = value()?.parse().map_err(|e| format!("--clients: {e}"))?
            }
            "--seconds" => {
                options.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?
            }
            "--database" => options.database = Some(value()?),
            other => {
                return Err(format!(
                    "unknown option {other}: use --clients N, --seconds S, --database FILE|URL"
                ));
            }
        }
    }
    Ok(options)
}

/// A delegate's session: its client (cookies) and CSRF token.
struct Delegate {
    client: reqwest::Client,
    csrf: String,
}

async fn join(base: &str, token: &str, name: &str) -> Result<Delegate, String> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .map_err(|e| e.to_string())?;
    let reply: Value = client
        .post(format!("{base}/api/join"))
        .json(&json!({"token": token, "name": name, "password": PASSWORD}))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let csrf = reply["csrf"]
        .as_str()
        .ok_or_else(|| format!("joining failed: {reply}"))?
        .to_string();
    Ok(Delegate { client, csrf })
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let options = options()?;
    let dir = std::env::temp_dir().join(format!("detente-council-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let location = options
        .database
        .clone()
        .unwrap_or_else(|| dir.join("council.db").display().to_string());
    let db = Db::open(&location).await.map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let base = format!(
        "http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    tokio::spawn(detente_council::serve(listener, Server::new(db.clone())));

    // The NRC council: heads join, state the model's positions, the mediator tables the
    // package, and each head invites its share of the delegates.
    let created = db
        .create_council(
            None,
            "Load test",
            &detente_app::Source::Example(None),
            Disclosure::Verdicts,
        )
        .await
        .map_err(|e| e.to_string())?;
    let example = detente_examples::default_example();
    let form = detente_format::form_of_file(example.source, example.file_name)
        .map_err(|e| e.to_string())?;
    let mut heads = Vec::new();
    let mut mediator = None;
    for (i, invitation) in created.invitations.iter().enumerate() {
        let person = join(&base, &invitation.token, &format!("person-{i}")).await?;
        match invitation.role {
            Role::Head => heads.push(person),
            Role::Mediator => mediator = Some(person),
            _ => {}
        }
    }
    let council = created.council;
    for (head, dm) in heads.iter().zip(detente_app::dm_ids(&form)) {
        let position = detente_app::position_in(&form, &dm).unwrap_or_default();
        post(
            head,
            &format!("{base}/api/councils/{council}/position"),
            position,
        )
        .await?;
    }
    let mediator = mediator.ok_or("no mediator invitation")?;
    let taken = [
        "us_propose_nrc",
        "us_recognize_crimea",
        "us_sanctions_relief",
        "ru_ceasefire",
        "ua_ceasefire",
        "allies_consent_nrc",
    ];
    post(
        &mediator,
        &format!("{base}/api/councils/{council}/proposals"),
        json!({"title": "Proposed package", "taken": taken}),
    )
    .await?;
    let mut delegates = Vec::new();
    for n in 0..options.clients {
        let head = &heads[n % heads.len()];
        let invitation = post(
            head,
            &format!("{base}/api/councils/{council}/invitations"),
            json!({"role": "delegate"}),
        )
        .await?;
        let token = invitation["token"].as_str().ok_or("no token")?;
        delegates.push(join(&base, token, &format!("delegate-{n}")).await?);
    }
    eprintln!(
        "{} delegates ready; running for {} s",
        delegates.len(),
        options.seconds
    );

    let end = Instant::now() + Duration::from_secs(options.seconds);
    let mut tasks = Vec::new();
    for (n, delegate) in delegates.into_iter().enumerate() {
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            let mut reads = Vec::new();
            let mut failures = 0usize;
            let mut i = 0usize;
            while Instant::now() < end {
                i += 1;
                let started = Instant::now();
                let ok = if (i + n).is_multiple_of(2) {
                    // "reserve" never adopts the package, so the load can go on.
                    let body = json!({"version": 1, "answer": "reserve", "statement": format!("round {i}")});
                    let ok = post(&delegate, &format!("{base}/api/councils/{council}/proposals/1/responses"), body).await.is_ok();
                    answers.push(started.elapsed());
                    ok
                } else {
                    let path = if i.is_multiple_of(3) { "proposals" } else { "record?after=0" };
                    let ok = delegate
                        .client
                        .get(format!("{base}/api/councils/{council}/{path}"))
                        .send()
                        .await
                        .is_ok_and(|r| r.status().is_success());
                    reads.push(started.elapsed());
                    ok
                };
                failures += usize::from(!ok);
            }
            (answers, reads, failures)
        }));
    }
    let (mut answers, mut reads, mut failures) = (Vec::new(), Vec::new(), 0);
    for task in tasks {
        let (a, r, f) = task.await.map_err(|e| e.to_string())?;
        answers.extend(a);
        reads.extend(r);
        failures += f;
    }
    println!(
        "council load: {} delegates for {} s on {}",
        options.clients,
        options.seconds,
        if location.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    report("answers (POST responses)", &mut answers);
    report("reads (GET proposals, record)", &mut reads);
    println!("failed requests: {failures}");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

async fn post(who: &Delegate, url: &str, body: Value) -> Result<Value, String> {
    let response = who
        .client
        .post(url)
        .header("x-csrf-token", &who.csrf)
        .json(&body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let reply: Value = response.json().await.unwrap_or(Value::Null);
    if status.is_success() {
        Ok(reply)
    } else {
        Err(format!("{url}: {status} {reply}"))
    }
}

fn report(what: &str, latencies: &mut [Duration]) {
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what}: {} requests, p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies.len(),
        ms(at(0.5)),
        ms(at(0.95)),
        ms(at(0.99)),
        ms(latencies.last().copied().unwrap_or_default())
    );
}
