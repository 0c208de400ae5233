//! Browser support for the council's walk-through: one chromedriver (Debian's
//! `chromium-driver`, as the workbench's browser tests use) in a process group of its own,
//! and as many WebDriver sessions on it as there are people, each a headless Chromium with a
//! profile of its own, so cookies are never shared between them.

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver and the browsers it starts, all stopped when dropped (the whole process
/// group), and their profiles removed, so a failing test leaves no browser behind.
pub struct Browsers {
    driver: Child,
    port: u16,
    profiles: PathBuf,
    next: AtomicUsize,
}

impl Drop for Browsers {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // The browsers may still be writing their profiles as they stop.
        for _ in 0..5 {
            if std::fs::remove_dir_all(&self.profiles).is_ok() || !self.profiles.exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Browsers {
    /// chromedriver on a free local port, or `None` when `DETENTE_SKIP_BROWSER=1` asks to
    /// skip browser tests (the workbench's convention). Fails when Chromium is missing.
    pub fn start() -> Option<Browsers> {
        if std::env::var_os("DETENTE_SKIP_BROWSER").is_some_and(|v| v == "1") {
            eprintln!("DETENTE_SKIP_BROWSER=1: browser test skipped");
            return None;
        }
        for binary in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                std::path::Path::new(binary).exists(),
                "{binary} is missing: install Debian's chromium and chromium-driver (as scripts/test does), \
                 or set DETENTE_SKIP_BROWSER=1 to skip this test"
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profiles =
            std::env::temp_dir().join(format!("detente-council-e2e-{}-{port}", std::process::id()));
        Some(Browsers {
            driver,
            port,
            profiles,
            next: AtomicUsize::new(0),
        })
    }

    /// A new browser: its own Chromium, profile and cookies.
    pub async fn open(&self) -> Client {
        let profile = self
            .profiles
            .join(self.next.fetch_add(1, Ordering::SeqCst).to_string());
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--window-size=1440,900",
                    format!("--user-data-dir={}", profile.display()),
                ],
            }),
        );
        let started = Instant::now();
        loop {
            match ClientBuilder::rustls()
                .expect("TLS roots")
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{}", self.port))
                .await
            {
                Ok(client) => return client,
                Err(_) if started.elapsed() < Duration::from_secs(30) => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("cannot start a Chromium session: {e}"),
            }
        }
    }
}

/// Polls a JavaScript expression until it returns something other than null/false/"";
/// after a minute, fails with what the page says.
pub async fn wait_for(client: &Client, what: &str, expression: &str) -> Value {
    let started = Instant::now();
    loop {
        let value = client
            .execute(&format!("return ({expression});"), vec![])
            .await
            .unwrap();
        let ready =
            !matches!(&value, Value::Null | Value::Bool(false)) && value.as_str() != Some("");
        if ready {
            return value;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let page = client
                .execute(
                    "return location.href + '\\n' + document.body.innerText;",
                    vec![],
                )
                .await;
            panic!("timed out waiting for {what}; the page: {page:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The first element `css` of the page; fails when there is none.
pub async fn find(client: &Client, css: &str) -> Element {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}` on the page: {e}"))
}

pub async fn click(client: &Client, css: &str) {
    find(client, css).await.click().await.unwrap();
}

/// Clicks `css`, a button that submits a form or a link, and waits for the page the server answers
/// with (after its redirect) to have loaded in place of this one.
pub async fn submit(client: &Client, css: &str) {
    client
        .execute("document.documentElement.dataset.left = 'yes';", vec![])
        .await
        .unwrap();
    click(client, css).await;
    wait_for(
        client,
        &format!("the page after submitting `{css}`"),
        "document.documentElement.dataset.left !== 'yes' && document.readyState === 'complete'",
    )
    .await;
}

/// Types `text` into the field `css`, after clearing it.
pub async fn type_into(client: &Client, css: &str, text: &str) {
    let field = find(client, css).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// The visible text of the first element `css`.
pub async fn text(client: &Client, css: &str) -> String {
    find(client, css).await.text().await.unwrap()
}

/// Whether the page has an element `css`.
pub async fn has(client: &Client, css: &str) -> bool {
    !client.find_all(Locator::Css(css)).await.unwrap().is_empty()
}

/// The page's path (the URL after its redirects), without the query.
pub async fn path(client: &Client) -> String {
    client.current_url().await.unwrap().path().to_string()
}

/// Saves a screenshot of what is in view as `target/e2e/NAME.png`.
pub async fn screenshot(client: &Client, name: &str) {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("e2e");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(format!("{name}.png")),
        client.screenshot().await.unwrap(),
    )
    .unwrap();
}
