//! `detente serve`: the workbench answers on the port it is given, and bad
//! arguments or a taken port are refused with exit code 2.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One plain HTTP/1.1 GET; the whole response as text.
fn get(port: u16, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}

#[test]
fn serves_the_workbench_on_the_given_port() {
    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_detente"))
        .args(["serve", "--bind", "127.0.0.1", "--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let response = loop {
        match get(port, "/api/examples") {
            Ok(response) => break response,
            Err(_) if started.elapsed() < Duration::from_secs(20) => {
                std::thread::sleep(Duration::from_millis(100))
            }
            Err(e) => {
                let _ = server.kill();
                panic!("the workbench did not answer: {e}");
            }
        }
    };
    let page = get(port, "/").unwrap_or_default();
    let _ = server.kill();
    let _ = server.wait();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"name\":\"nrc\""), "{response}");
    assert!(page.contains("detente workbench"), "{page}");
}

#[test]
fn a_taken_port_or_a_bad_address_is_refused() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_detente"))
        .args(["serve", "--port", &port])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot listen on"), "{stderr}");
    assert!(stderr.contains("--port"), "{stderr}");
    let output = Command::new(env!("CARGO_BIN_EXE_detente"))
        .args(["serve", "--bind", "localhost-ish"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}
