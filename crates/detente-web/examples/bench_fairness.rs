//! Small-request latency under load (issue 12, "fair under load"): against a running
//! workbench, starts twenty analyses of models of a million states each, and while
//! they run times a few hundred small requests (checking a 4-state model, a page of the
//! tableau of the NRC scenario), printing their 50th, 95th and 99th percentiles and the
//! slowest. Run by `scripts/bench-fairness.sh`, which starts the release workbench.
//!
//! Usage: bench_fairness BASE_URL [--heavy N] [--small N] [--every MS]
//!
//! Only 127.0.0.1 is spoken to, with a plain HTTP/1.1 client on std's TcpStream: one
//! connection per request (`Connection: close`), so a latency counts connecting too.

use detente_engine::generate::{PreferenceKind, Shape, generate};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(base) = args.first() else {
        eprintln!("usage: bench_fairness BASE_URL [--heavy N] [--small N] [--every MS]");
        std::process::exit(2);
    };
    let setting = |flag: &str, default: usize| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .map_or(default, |v| {
                v.parse()
                    .unwrap_or_else(|_| panic!("{flag} takes a number, not {v}"))
            })
    };
    let (heavy, small, every) = (
        setting("--heavy", 20),
        setting("--small", 300),
        setting("--every", 20),
    );
    let address = base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    if !address.starts_with("127.0.0.1:") {
        eprintln!("bench_fairness speaks only to 127.0.0.1, not {address}");
        std::process::exit(2);
    }

    let prisoners = detente_examples::find("prisoners").unwrap().source;
    let nrc = detente_examples::find("nrc").unwrap().source;
    let check = serde_json::json!({ "model": prisoners }).to_string();
    let page = |offset: usize| {
        serde_json::json!({ "model": nrc, "offset": offset, "limit": 100, "summary": false })
            .to_string()
    };
    // Warm up: the small models compiled and analysed, as a page that is being used has them.
    for (path, body) in [("/api/check", check.clone()), ("/api/tableau", page(0))] {
        let (status, _) = request(&address, path, &body);
        assert_eq!(status, 200, "warming up {path}");
    }

    eprintln!("starting {heavy} analyses of 2^20 = 1,048,576 states each");
    let finished = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let heavy_started = Instant::now();
    let analyses: Vec<_> = (0..heavy)
        .map(|i| {
            let (address, finished, failed) = (address.clone(), finished.clone(), failed.clone());
            std::thread::spawn(move || {
                let body =
                    serde_json::json!({ "model": million_states(i as u64 + 1), "limit": 10 })
                        .to_string();
                let (status, answer) = request(&address, "/api/tableau", &body);
                if status != 200 {
                    failed.fetch_add(1, Ordering::Relaxed);
                    eprintln!(
                        "analysis {i}: {status} {}",
                        String::from_utf8_lossy(&answer)
                    );
                }
                finished.fetch_add(1, Ordering::Relaxed);
            })
        })
        .collect();
    // Let the analyses reach the server and start.
    std::thread::sleep(Duration::from_secs(2));

    let mut checks = Vec::new();
    let mut pages = Vec::new();
    let mut finished_during = 0;
    for i in 0..small {
        let (path, body) = if i % 2 == 0 {
            ("/api/check", check.clone())
        } else {
            ("/api/tableau", page((i * 100) % 900))
        };
        let started = Instant::now();
        let (status, answer) = request(&address, path, &body);
        let took = started.elapsed();
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&answer));
        if i % 2 == 0 {
            checks.push(took);
        } else {
            pages.push(took);
        }
        finished_during = finished.load(Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(every as u64));
    }
    let measured_for = heavy_started.elapsed();
    eprintln!(
        "small requests done after {:.1} s; {finished_during} of {heavy} analyses had finished meanwhile; waiting for the rest",
        measured_for.as_secs_f64()
    );
    for analysis in analyses {
        analysis.join().unwrap();
    }
    let heavy_took = heavy_started.elapsed();

    println!(
        "{heavy} analyses of 1,048,576 states (Nash, GMR, SMR, SEQ; /api/tableau, 10 rows): all done in {:.1} s, {} failed; {finished_during} had finished when the last small request was answered",
        heavy_took.as_secs_f64(),
        failed.load(Ordering::Relaxed)
    );
    println!();
    println!("| small request | n | p50 | p95 | p99 | max |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut all: Vec<Duration> = checks.iter().chain(&pages).copied().collect();
    for (name, times) in [
        ("/api/check, 4 states", &mut checks),
        (
            "/api/tableau, NRC (960 states), a page of 100 rows",
            &mut pages,
        ),
        ("both", &mut all),
    ] {
        times.sort();
        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
        println!(
            "| {name} | {} | {} | {} | {} | {} |",
            times.len(),
            ms(percentile(times, 50.0)),
            ms(percentile(times, 95.0)),
            ms(percentile(times, 99.0)),
            ms(*times.last().unwrap_or(&Duration::ZERO)),
        );
    }
}

/// A model of 2^20 = 1,048,576 states, different for each seed.
fn million_states(seed: u64) -> String {
    detente_format::to_toml(&generate(&Shape {
        dms: 4,
        options_per_dm: 5,
        rules: 0,
        rule_width: 2,
        irreversible_percent: 0,
        preferences: PreferenceKind::Prioritization { statements: 4 },
        seed,
    }))
}

/// The `p`th percentile of sorted durations (nearest rank).
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// POSTs a JSON body over a new connection; the answer's status and body.
fn request(address: &str, path: &str, body: &str) -> (u16, Vec<u8>) {
    let mut stream =
        TcpStream::connect(address).unwrap_or_else(|e| panic!("cannot connect to {address}: {e}"));
    stream.set_nodelay(true).ok();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let status = std::str::from_utf8(&answer[..answer.len().min(12)])
        .ok()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body_at = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(answer.len(), |i| i + 4);
    (status, answer.split_off(body_at))
}
