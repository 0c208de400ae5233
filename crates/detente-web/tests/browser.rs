//! End to end in a real headless Chromium (Debian's `chromium` and
//! `chromium-driver`, installed by `.ci/run`): open the page, load the NRC
//! scenario, analyse, compare the equilibria shown with the engine's, edit a
//! preference and see the result change, click a state and read its
//! explanation. A screenshot is left at `target/e2e/workbench.png`.
//!
//! The test fails when Chromium is missing; `DETENTE_SKIP_BROWSER=1` skips it
//! on a machine without a browser (CI never sets it).

use detente_engine::generate::{PreferenceKind, Shape, generate};
use detente_engine::{Analysis, Concept, NoDeadline};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver in a process group of its own, with the browsers it starts: all stopped
/// when dropped, so a failing test leaves no browser behind.
struct Driver(Child, PathBuf);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.0.id())])
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
        // The browsers may still be writing their profile as they stop.
        for _ in 0..5 {
            if std::fs::remove_dir_all(&self.1).is_ok() || !self.1.exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_browser() -> (Driver, Client) {
    for binary in [CHROMIUM, CHROMEDRIVER] {
        assert!(
            std::path::Path::new(binary).exists(),
            "{binary} is missing: install Debian's chromium and chromium-driver (as .ci/run does), \
             or set DETENTE_SKIP_BROWSER=1 to skip this test"
        );
    }
    let port = free_port();
    let profile = std::env::temp_dir().join(format!("detente-e2e-{}-{port}", std::process::id()));
    let driver = Driver(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
        profile.clone(),
    );
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1500,1400",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    let started = Instant::now();
    loop {
        match ClientBuilder::rustls()
            .expect("TLS roots")
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return (driver, client),
            Err(e) if started.elapsed() < Duration::from_secs(20) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("cannot start a Chromium session: {e}"),
        }
    }
}

/// Polls a JavaScript expression until it returns something other than null/false/"".
async fn wait_for(client: &Client, what: &str, expression: &str) -> Value {
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
            // What the page shows, to tell why.
            let page = client
                .execute(
                    "return {banner: document.getElementById('banner')?.textContent, \
                     validation: document.getElementById('validation')?.textContent, \
                     focus: document.activeElement?.id, \
                     chips: [...document.querySelectorAll('.chips')].map(c => c.textContent), \
                     fields: [...document.querySelectorAll('input[data-key]')].slice(0, 12).map(e => e.dataset.key + '=' + e.value), \
                     errors: [...document.querySelectorAll('.field-error, .error-message')].map(e => e.textContent)};",
                    vec![],
                )
                .await;
            panic!("timed out waiting for {what}; the page: {page:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn click(client: &Client, locator: Locator<'_>) {
    client.find(locator).await.unwrap().click().await.unwrap();
}

async fn text(client: &Client, locator: Locator<'_>) -> String {
    client.find(locator).await.unwrap().text().await.unwrap()
}

/// Waits until the page has finished loading and analysing.
async fn idle(client: &Client) {
    wait_for(
        client,
        "the page to finish its work",
        "!document.body.dataset.busy && document.readyState === 'complete'",
    )
    .await;
}

/// The equilibria the page lists, per concept key.
async fn shown_equilibria(client: &Client) -> Value {
    client
        .execute(
            "const out = {}; document.querySelectorAll('#equilibria dd[data-concept]').forEach(dd => { \
               out[dd.dataset.concept] = dd.dataset.states ? dd.dataset.states.split(' ').map(Number) : []; }); \
             return out;",
            vec![],
        )
        .await
        .unwrap()
}

/// The engine's equilibria of a model, per concept key, as the page lists them: the
/// first 200 of each (the tableau API's limit; the page shows the count beside them).
fn engine_equilibria(source: &str) -> Value {
    let mut equilibria = analysis_json(source, "nrc.toml")["equilibria"].clone();
    for list in equilibria.as_object_mut().unwrap().values_mut() {
        list.as_array_mut().unwrap().truncate(200);
    }
    equilibria
}

/// A workbench on a free local port and a browser session, or `None` when
/// `DETENTE_SKIP_BROWSER=1` asks to skip browser tests.
async fn open_workbench() -> Option<(Driver, Client, String)> {
    if std::env::var_os("DETENTE_SKIP_BROWSER").is_some_and(|v| v == "1") {
        eprintln!("DETENTE_SKIP_BROWSER=1: browser test skipped");
        return None;
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(detente_web::serve_on(
        listener,
        detente_web::Config::default(),
    ));
    let (driver, client) = start_browser().await;
    Some((driver, client, base))
}

/// The page asked to open the NRC scenario on arrival.
fn nrc_page(base: &str) -> String {
    format!("{base}/#example=nrc")
}

/// Saves a screenshot as `target/e2e/NAME.png`, scrolled to the element `id` (or the top).
async fn screenshot(client: &Client, id: Option<&str>, name: &str) {
    let scroll = match id {
        Some(id) => format!("document.getElementById('{id}').scrollIntoView();"),
        None => "window.scrollTo(0, 0);".to_string(),
    };
    client.execute(&scroll, vec![]).await.unwrap();
    let dir = screenshot_path();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(format!("{name}.png")),
        client.screenshot().await.unwrap(),
    )
    .unwrap();
}

fn screenshot_path() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("e2e")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_analyst_loads_nrc_analyses_edits_and_explores() {
    let Some((_driver, client, base)) = open_workbench().await else {
        return;
    };

    // The page starts by saying what detente does and offers the NRC scenario first.
    client.goto(&base).await.unwrap();
    let landing = wait_for(
        &client,
        "the start",
        "document.getElementById('landing')?.textContent",
    )
    .await;
    assert!(
        landing
            .as_str()
            .unwrap()
            .contains("works out which outcomes are stable"),
        "{landing}"
    );
    let first = text(&client, Locator::Css("#landing .landing-main button")).await;
    assert!(first.contains("NATO-Russia Council"), "{first}");
    click(&client, Locator::Css("#landing [data-example='nrc']")).await;
    idle(&client).await;
    wait_for(
        &client,
        "the analysis",
        "document.querySelector('#equilibria dd[data-concept=nash]')",
    )
    .await;
    let nrc = detente_examples::find("nrc").unwrap().source;
    assert_eq!(shown_equilibria(&client).await, engine_equilibria(nrc));
    let rows = wait_for(
        &client,
        "the tableau",
        "document.querySelectorAll('#tableau tbody tr').length",
    )
    .await;
    assert_eq!(rows, 100, "the first page of 960 states");
    let stats = text(&client, Locator::Id("stats")).await;
    assert!(stats.contains("960 feasible states"), "{stats}");

    // Edit the US's fourth preference statement: the results follow.
    let statement = client
        .find(Locator::Css("[data-key='dm.0.pref.3']"))
        .await
        .unwrap();
    assert_eq!(
        statement.prop("value").await.unwrap().as_deref(),
        Some("us_new_sanctions iff !ru_ceasefire")
    );
    statement.clear().await.unwrap();
    statement.send_keys("!us_new_sanctions").await.unwrap();
    let edited = nrc.replace(
        "statement = \"us_new_sanctions iff !ru_ceasefire\"",
        "statement = \"!us_new_sanctions\"",
    );
    let expected = engine_equilibria(&edited);
    assert_ne!(expected["nash"], engine_equilibria(nrc)["nash"]);
    let want = expected["nash"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    wait_for(
        &client,
        "the re-analysis",
        &format!("document.querySelector('#equilibria dd[data-concept=nash]').dataset.states === '{want}'"),
    )
    .await;
    assert_eq!(shown_equilibria(&client).await, expected);

    // A located error while typing, then fixed.
    statement.send_keys(" &").await.unwrap();
    let message = invalid(&client, &statement).await;
    // In the form, not a file: the message names the field.
    assert!(
        message.contains("in the form: “Statement 4” in United States"),
        "located: {message}"
    );
    statement.send_keys("\u{0008}\u{0008}").await.unwrap();
    wait_for(
        &client,
        "the model to be valid again",
        "document.querySelector('#validation .ok')",
    )
    .await;

    // Click a state in the tableau: its explanation and its path from the status quo.
    let first_nash = expected["nash"][0].as_u64().unwrap();
    click(
        &client,
        Locator::Css(&format!("#tableau tr[data-state='{first_nash}']")),
    )
    .await;
    wait_for(
        &client,
        "the explanation",
        "document.querySelector('#explanation .verdicts')",
    )
    .await;
    let title = text(&client, Locator::Id("state-title")).await;
    assert_eq!(title, format!("State {first_nash}"));
    let explanation = text(&client, Locator::Id("explanation")).await;
    for dm in ["United States", "Russia", "Ukraine", "NATO allies"] {
        assert!(explanation.contains(dm), "{dm} missing from: {explanation}");
    }
    // A Nash equilibrium is Nash-stable for every DM, and the page says so.
    let nash_verdicts = client
        .execute(
            "return [...document.querySelectorAll('#explanation li[data-concept=nash]')].map(li => li.className);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        nash_verdicts,
        json!(["stable", "stable", "stable", "stable"])
    );
    wait_for(
        &client,
        "the evolution",
        "document.querySelector('.evolution')",
    )
    .await;
    wait_for(
        &client,
        "the graph",
        "document.querySelector('#graph svg .node')",
    )
    .await;
    // Clicking a node of the graph explains that state.
    let neighbour = wait_for(
        &client,
        "a neighbour in the graph",
        &format!("[...document.querySelectorAll('#graph svg .node')].map(n => n.dataset.state).find(s => s !== '{first_nash}')"),
    )
    .await;
    let neighbour = neighbour.as_str().unwrap().to_string();
    client
        .execute(
            &format!("document.querySelector('#graph svg .node[data-state=\"{neighbour}\"]').dispatchEvent(new MouseEvent('click', {{bubbles: true}}));"),
            vec![],
        )
        .await
        .unwrap();
    wait_for(
        &client,
        "the neighbour's explanation",
        &format!("document.getElementById('state-title')?.textContent === 'State {neighbour}' && document.querySelector('#explanation .verdicts')"),
    )
    .await;
    // A DM's column header sorts the tableau by its preference, best first.
    click(
        &client,
        Locator::XPath("//th[contains(@class,'dm-head')]//button[contains(., 'United States')]"),
    )
    .await;
    wait_for(
        &client,
        "the sorted tableau",
        "document.querySelector('th.dm-head[aria-sort=descending]')?.textContent.includes('United States')",
    )
    .await;
    // Coalition analysis of the Nash equilibria, against the model's three coalitions.
    click(&client, Locator::Id("coalitions-run")).await;
    let coalitions = wait_for(
        &client,
        "the coalition analysis",
        "document.querySelector('#coalitions-body > ul > li') && document.getElementById('coalitions-body').textContent",
    )
    .await;
    assert!(
        coalitions
            .as_str()
            .unwrap()
            .contains("examined against 3 coalitions"),
        "{coalitions}"
    );

    // Every export produces its file (downloads are caught in the page, not saved).
    client
        .execute(
            // A download is a click on a link to a blob: caught, and the blob read, instead.
            "const url = URL.createObjectURL; \
             URL.createObjectURL = (blob) => { window.blob = blob; return url(blob); }; \
             HTMLAnchorElement.prototype.click = function () { \
               const name = this.download; \
               window.blob.text().then(content => { window.downloaded = {name, content}; }); };",
            vec![],
        )
        .await
        .unwrap();
    for (kind, extension, mentions) in [
        ("toml", ".toml", "format = \"detente/1\""),
        ("gmcr", ".gmcr", "\"decisionMakers\""),
        ("json", "-analysis.json", "detente.analysis/1"),
        ("csv", "-analysis.csv", "state"),
        ("svg", "-graph.svg", "<svg"),
        // The printable brief is the one `detente report` writes.
        ("brief", "-brief.pdf", "%PDF-"),
        ("brief-html", "-brief.html", "The bottom line"),
    ] {
        client
            .execute("window.downloaded = null;", vec![])
            .await
            .unwrap();
        click(&client, Locator::Css(&format!("[data-export='{kind}']"))).await;
        let file = wait_for(&client, kind, "window.downloaded").await;
        assert!(
            file["name"].as_str().unwrap().ends_with(extension),
            "{kind}: {}",
            file["name"]
        );
        assert!(
            file["content"].as_str().unwrap().contains(mentions),
            "{kind} lacks {mentions}"
        );
    }
    screenshot(&client, None, "workbench").await;
    screenshot(&client, Some("state-panel"), "workbench-state").await;
    screenshot(&client, Some("graph-panel"), "workbench-graph").await;
    client.close().await.unwrap();
}

/// The validation message once the page shows one, after checking it marks `field` invalid.
async fn invalid(client: &Client, field: &fantoccini::elements::Element) -> String {
    let message = wait_for(
        client,
        "the validation error",
        "document.querySelector('#validation .error-message')?.textContent",
    )
    .await;
    assert_eq!(
        field.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true"),
        "{message}"
    );
    message.as_str().unwrap().to_string()
}

/// The equilibria of one concept the page lists.
async fn shown(client: &Client, concept: &str) -> Value {
    shown_equilibria(client).await[concept].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_analyst_builds_a_model_uploads_files_and_breaks_things() {
    let Some((_driver, client, base)) = open_workbench().await else {
        return;
    };
    client.goto(&nrc_page(&base)).await.unwrap();
    wait_for(
        &client,
        "the first analysis",
        "document.querySelector('#equilibria dd[data-concept=nash]')",
    )
    .await;

    // From nothing: two DMs, one option each; a Prisoner's Dilemma by preference statements.
    click(&client, Locator::Id("blank-model")).await;
    wait_for(&client, "the blank model", "document.querySelector('#validation .ok') && document.getElementById('validation').textContent.includes('4 feasible states')").await;
    for (dm, statements) in [(0, ["b_acts", "!a_acts"]), (1, ["a_acts", "!b_acts"])] {
        for (j, statement) in statements.iter().enumerate() {
            click(
                &client,
                Locator::XPath(&format!(
                    "(//fieldset[contains(@class,'dm')])[{}]//button[contains(., 'Statement')]",
                    dm + 1
                )),
            )
            .await;
            // A new statement starts valid (the DM's first option), then is written over.
            wait_for(
                &client,
                "the new statement, valid",
                &format!("document.querySelector(\"[data-key='dm.{dm}.pref.{j}']\") && document.querySelector('#validation .ok')"),
            )
            .await;
            let field = client
                .find(Locator::Css(&format!("[data-key='dm.{dm}.pref.{j}']")))
                .await
                .unwrap();
            field.clear().await.unwrap();
            field.send_keys(statement).await.unwrap();
        }
    }
    wait_for(
        &client,
        "the model to be valid",
        "document.querySelector('#validation .ok')",
    )
    .await;
    click(&client, Locator::Id("analyze")).await;
    wait_for(
        &client,
        "the analysis",
        "document.querySelector('#equilibria dd[data-concept=nash]')",
    )
    .await;
    let toml = client
        .find(Locator::Id("toml-preview"))
        .await
        .unwrap()
        .prop("textContent")
        .await
        .unwrap()
        .unwrap();
    assert!(toml.contains("b_acts"), "{toml}");
    // Mutual defection (state 1, NN) is the only Nash equilibrium.
    assert_eq!(shown(&client, "nash").await, json!([1]));
    // Moving B's only option to A leaves B without options: a located error; moving it back fixes it.
    client
        .find(Locator::Id("f-dm-1-opt-0-owner"))
        .await
        .unwrap()
        .select_by_value("0")
        .await
        .unwrap();
    let message = wait_for(
        &client,
        "the owner error",
        "document.querySelector('#validation .error-message')?.textContent",
    )
    .await;
    assert!(
        message.as_str().unwrap().contains("no options"),
        "{message}"
    );
    client
        .find(Locator::Id("f-dm-0-opt-1-owner"))
        .await
        .unwrap()
        .select_by_value("1")
        .await
        .unwrap();
    wait_for(
        &client,
        "the model to be valid again",
        "document.querySelector('#validation .ok')",
    )
    .await;

    // A desktop-tool file: opening it would discard the edits, so the page asks first.
    let gmcr = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases/Prisoners.gmcr");
    let upload = client.find(Locator::Id("file-input")).await.unwrap();
    upload
        .send_keys(gmcr.canonicalize().unwrap().to_str().unwrap())
        .await
        .unwrap();
    let asked = wait_for(
        &client,
        "the confirmation",
        "document.getElementById('confirm-dialog').open && document.getElementById('confirm-dialog').textContent",
    )
    .await;
    assert!(
        asked.as_str().unwrap().contains("open Prisoners.gmcr"),
        "{asked}"
    );
    click(&client, Locator::Id("confirm-discard")).await;
    wait_for(
        &client,
        "the upload",
        "document.getElementById('file-name').textContent === 'Prisoners.gmcr'",
    )
    .await;
    wait_for(
        &client,
        "its analysis",
        "document.getElementById('stats').textContent.includes('4 feasible states')",
    )
    .await;
    let source = std::fs::read_to_string(&gmcr).unwrap();
    let loaded = detente_format::parse_gmcr(&source, "Prisoners.gmcr").unwrap();
    let conflict = loaded.compile(1 << 20).unwrap();
    let analysis = Analysis::run(&conflict, &Concept::ALL, &NoDeadline, &|| {}).unwrap();
    let nash: Vec<usize> = analysis
        .equilibria(Concept::Nash)
        .ones()
        .map(|s| s + 1)
        .collect();
    wait_for(
        &client,
        "its equilibria",
        &format!(
            "document.querySelector('#equilibria dd[data-concept=nash]')?.dataset.states === '{}'",
            nash.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        ),
    )
    .await;

    // A file with a model error loads into the forms, with the error located.
    let dir = std::env::temp_dir().join(format!("detente-e2e-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.toml");
    std::fs::write(&broken, "format = \"detente/1\"\n[[dm]]\nid = 3\n").unwrap();
    let upload = client.find(Locator::Id("file-input")).await.unwrap();
    upload.send_keys(broken.to_str().unwrap()).await.unwrap();
    let banner = wait_for(
        &client,
        "the banner",
        "document.getElementById('banner')?.textContent",
    )
    .await;
    assert!(
        banner.as_str().unwrap().contains("must be a string"),
        "{banner}"
    );
    // Not a model at all: a clear error, and the page keeps working.
    let garbage = dir.join("garbage.gmcr");
    std::fs::write(&garbage, "{ this is not json").unwrap();
    let upload = client.find(Locator::Id("file-input")).await.unwrap();
    upload.send_keys(garbage.to_str().unwrap()).await.unwrap();
    let banner = wait_for(&client, "the error", "document.getElementById('banner')?.textContent.includes('garbage.gmcr') && document.getElementById('banner').textContent").await;
    assert!(banner.as_str().unwrap().contains("Cannot open"), "{banner}");
    click(&client, Locator::Id("load-example")).await;
    idle(&client).await;
    wait_for(
        &client,
        "NRC again",
        "document.getElementById('stats').textContent.includes('960 feasible states')",
    )
    .await;
    screenshot(&client, None, "workbench-reloaded").await;
    std::fs::remove_dir_all(&dir).ok();
    client.close().await.unwrap();
}

/// Opens the NRC scenario, waits for its analysis, then uploads `file`.
async fn open_after_nrc(client: &Client, base: &str, file: &std::path::Path) {
    client.goto(&nrc_page(base)).await.unwrap();
    wait_for(
        client,
        "the first analysis",
        "document.querySelector('#equilibria dd[data-concept=nash]')",
    )
    .await;
    idle(client).await;
    client
        .find(Locator::Id("file-input"))
        .await
        .unwrap()
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_of_over_100000_states_stays_usable() {
    let Some((_driver, client, base)) = open_workbench().await else {
        return;
    };
    let model = generate(&Shape {
        dms: 3,
        options_per_dm: 6,
        rules: 3,
        rule_width: 3,
        irreversible_percent: 10,
        preferences: PreferenceKind::Prioritization { statements: 6 },
        seed: 3,
    });
    let toml = detente_format::to_toml(&model);
    let conflict = detente_format::parse_toml(&toml, "big.toml")
        .unwrap()
        .compile(1 << 21)
        .unwrap();
    let states = conflict.state_count();
    assert!(states > 100_000, "{states} states");
    let dir = std::env::temp_dir().join(format!("detente-e2e-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("big.toml");
    std::fs::write(&file, &toml).unwrap();

    open_after_nrc(&client, &base, &file).await;
    let count = format!("{}", states);
    wait_for(
        &client,
        "the big analysis",
        &format!("document.getElementById('stats').textContent.replace(/[^0-9 ]/g, '').includes('{count} ')"),
    )
    .await;
    // SIM is left out by default, as in the CLI; one page of rows is in the page.
    assert_eq!(
        client
            .execute(
                "return document.getElementById('concept-sim').checked",
                vec![]
            )
            .await
            .unwrap(),
        json!(false)
    );
    let rows = client
        .execute(
            "return document.querySelectorAll('#tableau tbody tr').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(rows, json!(100));
    // Page on, jump far, and explore a state and its neighbourhood.
    click(&client, Locator::Id("page-next")).await;
    wait_for(
        &client,
        "page 2",
        "document.querySelector('#tableau tbody tr')?.dataset.state === '101'",
    )
    .await;
    let far = states - 7;
    let goto = client.find(Locator::Id("goto-state")).await.unwrap();
    goto.send_keys(&format!("{far}\n")).await.unwrap();
    wait_for(&client, "the far state's explanation", &format!("document.getElementById('state-title')?.textContent === 'State {far}' && document.querySelector('#explanation .verdicts')")).await;
    wait_for(
        &client,
        "its neighbourhood",
        &format!("document.querySelector('#graph svg .node[data-state=\"{far}\"]')"),
    )
    .await;
    wait_for(
        &client,
        "the tableau page that holds it",
        &format!("document.querySelector('#tableau tr.selected[data-state=\"{far}\"]')"),
    )
    .await;
    let nodes = client
        .execute(
            "return document.querySelectorAll('#graph svg .node').length",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        nodes.as_u64().unwrap() <= 40,
        "a neighbourhood, not the whole graph: {nodes}"
    );
    // Filtered to one concept's equilibria, every row is one.
    client
        .find(Locator::Id("filter-concept"))
        .await
        .unwrap()
        .select_by_value("gmr")
        .await
        .unwrap();
    wait_for(
        &client,
        "the filter",
        "document.getElementById('page-info').textContent.includes('matching')",
    )
    .await;
    let all_eq = client
        .execute("return [...document.querySelectorAll('#tableau tbody tr')].every(r => r.classList.contains('eq'))", vec![])
        .await
        .unwrap();
    assert_eq!(all_eq, json!(true));
    screenshot(&client, Some("tableau-wrap"), "workbench-big").await;
    std::fs::remove_dir_all(&dir).ok();
    client.close().await.unwrap();
}

/// The engine's analysis of a model file as `detente analyze --format json` writes it.
fn analysis_json(source: &str, file_name: &str) -> Value {
    use detente_report::Render;
    let loaded = detente_format::parse(source, file_name).unwrap();
    let conflict = loaded.compile(1 << 21).unwrap();
    let analysis = Analysis::run(&conflict, &Concept::ALL, &NoDeadline, &|| {}).unwrap();
    let mut out = Vec::new();
    detente_report::Report {
        model: &loaded.model,
        conflict: &conflict,
        analysis: &analysis,
        all_states: true,
        robustness: None,
    }
    .render(detente_report::Format::Json, &mut out)
    .unwrap();
    serde_json::from_slice(&out).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_survives_the_forms_unchanged() {
    let Some((_driver, client, base)) = open_workbench().await else {
        return;
    };
    client.goto(&nrc_page(&base)).await.unwrap();
    idle(&client).await;
    for example in detente_examples::EXAMPLES {
        client
            .find(Locator::Id("example-select"))
            .await
            .unwrap()
            .select_by_value(example.name)
            .await
            .unwrap();
        click(&client, Locator::Id("load-example")).await;
        idle(&client).await;
        // The model the forms send back has the same analysis as the file.
        // The form as the page saved it in the browser's storage.
        let form = client
            .execute(
                "return JSON.parse(sessionStorage.getItem('detente.workbench/1')).form;",
                vec![],
            )
            .await
            .unwrap();
        let written = detente_format::form_to_toml(&form).unwrap();
        assert_eq!(
            analysis_json(&written, "form.toml"),
            analysis_json(example.source, example.file_name),
            "{}",
            example.name
        );
        // So do the parts the analysis above does not show: coalitions,
        // misperceptions and uncertain priorities.
        let parse = |source: &str, name: &str| detente_format::parse(source, name).unwrap().model;
        let (form, file) = (
            parse(&written, "form.toml"),
            parse(example.source, example.file_name),
        );
        assert_eq!(form.coalitions, file.coalitions, "{}", example.name);
        for (a, b) in form.decision_makers.iter().zip(&file.decision_makers) {
            assert_eq!(a.misperceived, b.misperceived, "{}", example.name);
            assert_eq!(a.uncertain, b.uncertain, "{}", example.name);
        }
    }
}

/// A panel's answer once it has one: its text, which must not be an error.
async fn panel_answer(client: &Client, body: &str) -> String {
    let shown = wait_for(
        client,
        body,
        &format!("!document.querySelector('#{body} .pending') && document.getElementById('{body}').textContent"),
    )
    .await;
    let error = client
        .execute(
            &format!("return !!document.querySelector('#{body} .error-message')"),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(error, json!(false), "{body}: {shown}");
    shown.as_str().unwrap().to_string()
}

/// The states a page element lists in its `data-states`.
async fn listed_states(client: &Client, selector: &str) -> Vec<usize> {
    let listed = wait_for(
        client,
        selector,
        &format!("((e) => e ? [e.dataset.states] : false)(document.querySelector('{selector}'))"),
    )
    .await;
    let listed = listed[0].as_str().unwrap().to_string();
    listed
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_analyst_looks_ahead_weighs_uncertainty_and_asks_what_it_would_take() {
    use detente_engine::foresight::{Foresight, Outlook};
    use detente_engine::inverse::{Conditions, Inverse};
    let Some((_driver, client, base)) = open_workbench().await else {
        return;
    };
    let source = detente_examples::find("nrc").unwrap().source;
    let loaded = detente_format::parse_toml(source, "nrc.toml").unwrap();
    let conflict = loaded.compile(1 << 21).unwrap();
    let package = 320;

    client.goto(&nrc_page(&base)).await.unwrap();
    idle(&client).await;
    let goto = client.find(Locator::Id("goto-state")).await.unwrap();
    goto.send_keys(&format!("{package}\n")).await.unwrap();
    wait_for(
        &client,
        "the package state's targets",
        &format!("document.getElementById('inverse-state').value === '{package}' && document.getElementById('foresight-state').value === '{package}'"),
    )
    .await;

    // Foresight: two moves ahead, hopeful; the equilibria are the engine's, and each DM's
    // line of play at the package state is shown.
    let horizon = client.find(Locator::Id("foresight-horizon")).await.unwrap();
    horizon.clear().await.unwrap();
    horizon.send_keys("2").await.unwrap();
    client
        .find(Locator::Id("foresight-outlook"))
        .await
        .unwrap()
        .select_by_value("hopeful")
        .await
        .unwrap();
    click(&client, Locator::Id("foresight-run")).await;
    panel_answer(&client, "foresight-body").await;
    let engine = Foresight::run(&conflict, 2, Outlook::Hopeful, &NoDeadline).unwrap();
    let expected: Vec<usize> = (0..conflict.state_count())
        .filter(|&s| (0..conflict.dm_count()).all(|d| engine.is_stable(d, s as _)))
        .map(|s| s + 1)
        .collect();
    assert_eq!(
        listed_states(&client, "#foresight-body .foresight-lh").await,
        expected
    );
    let lines = wait_for(
        &client,
        "the lines of play",
        "document.querySelectorAll('#foresight-body .foresight-lines li').length",
    )
    .await;
    assert_eq!(lines, json!(conflict.dm_count()));
    let first = text(&client, Locator::Css("#foresight-body .foresight-lines li")).await;
    let verdict = if engine.is_stable(0, package as u32 - 1) {
        "United States: stable at L2"
    } else {
        "United States: unstable at L2"
    };
    assert!(first.starts_with(verdict), "{first}");

    // Robustness: NRC's uncertain priorities allow few enough profiles for exact shares.
    click(&client, Locator::Id("robustness-run")).await;
    panel_answer(&client, "robustness-body").await;
    let method = wait_for(
        &client,
        "the robustness shares",
        "document.querySelector('#robustness-body table.shares tbody tr') && document.querySelector('#robustness-body .robustness-method').textContent",
    )
    .await;
    let profiles = detente_engine::robustness::profile_count(&loaded.model).unwrap();
    assert!(
        method
            .as_str()
            .unwrap()
            .contains(&format!("every one of the {profiles} profiles")),
        "{method}"
    );
    // The page's concepts: all six, as ticked for a model of this size.
    let all = Concept::ALL;
    let settings = detente_engine::robustness::Settings::new(&all);
    let robustness = detente_engine::robustness::Robustness::run(
        &loaded.model,
        &conflict,
        &settings,
        &NoDeadline,
        &|| {},
    )
    .unwrap();
    let somewhere: Vec<usize> = (0..conflict.state_count())
        .filter(|&s| all.iter().any(|&c| robustness.equilibrium_count(c, s) > 0))
        .map(|s| s + 1)
        .collect();
    let rows = client
        .execute(
            "return [...document.querySelectorAll('#robustness-body tbody tr')].map(r => Number(r.dataset.state))",
            vec![],
        )
        .await
        .unwrap();
    let rows: Vec<usize> = serde_json::from_value(rows).unwrap();
    // The states that matter first, the status quo and the named states, equilibria or not;
    // then states that are equilibria under some profile.
    let mut matter: Vec<usize> = conflict
        .status_quo()
        .into_iter()
        .chain(conflict.named_states().iter().copied())
        .map(|s| s as usize + 1)
        .collect();
    matter.sort_unstable();
    matter.dedup();
    let mut first: Vec<usize> = rows[..matter.len()].to_vec();
    first.sort_unstable();
    assert_eq!(first, matter, "{rows:?}");
    let others = somewhere.iter().filter(|s| !matter.contains(s)).count();
    assert_eq!(rows.len(), (matter.len() + others).min(40));
    assert!(
        rows[matter.len()..].iter().all(|s| somewhere.contains(s)),
        "{rows:?}"
    );

    // Inverse: only the United States varied, with counts; each concept's verdict is the engine's.
    for dm in loaded.model.decision_makers.iter().skip(1) {
        click(
            &client,
            Locator::Css(&format!("#inverse-vary input[value='{}']", dm.name)),
        )
        .await;
    }
    click(&client, Locator::Id("inverse-count")).await;
    // Asked from the selected state's panel.
    click(&client, Locator::Id("state-inverse")).await;
    panel_answer(&client, "inverse-body").await;
    let question = Inverse::new(&conflict, package as u32 - 1, &[0]);
    for concept in detente_engine::inverse::CONCEPTS {
        let expected = match question.conditions(concept, &NoDeadline).unwrap() {
            Conditions::Never(_) => "never",
            Conditions::When {
                required,
                requirements,
            } if required.is_empty() && requirements.is_empty() => "always",
            Conditions::When { .. } => "conditional",
        };
        let shown = wait_for(
            &client,
            "the inverse answer",
            &format!(
                "document.querySelector('#inverse-body [data-concept=\"{}\"]')?.dataset.equilibrium",
                concept.key()
            ),
        )
        .await;
        assert_eq!(shown, json!(expected), "{}", concept.key());
    }
    let counted = text(&client, Locator::Css("#inverse-body .inverse-count")).await;
    assert!(
        counted.starts_with("Rankings that make it an equilibrium"),
        "{counted}"
    );
    screenshot(&client, Some("foresight-panel"), "workbench-foresight").await;
    screenshot(&client, Some("robustness-panel"), "workbench-robustness").await;
    screenshot(&client, Some("inverse-panel"), "workbench-inverse").await;
    // With no concept ticked the server's refusal is shown in the panel.
    for concept in detente_engine::inverse::CONCEPTS {
        click(
            &client,
            Locator::Css(&format!(
                "#inverse-concepts input[value='{}']",
                concept.key()
            )),
        )
        .await;
    }
    click(&client, Locator::Id("inverse-run")).await;
    let refusal = wait_for(
        &client,
        "the refusal",
        "document.querySelector('#inverse-body .error-message')?.textContent",
    )
    .await;
    assert_eq!(refusal, json!("no solution concept chosen"));
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_field_is_marked_and_its_message_shown() {
    let Some((_driver, client, base)) = open_workbench().await else {
        return;
    };
    client.goto(&nrc_page(&base)).await.unwrap();
    idle(&client).await;
    wait_for(
        &client,
        "the model to be valid",
        "document.querySelector('#validation .ok')",
    )
    .await;
    // A statement's uncertain priority, folded away, typed half-way.
    let priority = client
        .find(Locator::Css("[data-key='dm.1.pref.0.priority']"))
        .await
        .unwrap();
    client
        .execute(
            "document.querySelector(\"[data-key='dm.1.pref.0.priority']\").closest('details').open = true;",
            vec![],
        )
        .await
        .unwrap();
    priority.send_keys("1-").await.unwrap();
    let message = invalid(&client, &priority).await;
    assert!(message.contains("`priority`"), "{message}");
    assert!(
        message.contains("in the form: “Uncertain priority (positions lo-hi)” in Russia"),
        "{message}"
    );
    let note = wait_for(
        &client,
        "the note beside the field",
        "document.querySelector(\"[data-key='dm.1.pref.0.priority']\").closest('.field').querySelector('.field-error')?.textContent",
    )
    .await;
    assert!(note.as_str().unwrap().contains("`priority`"), "{note}");
    // The TOML preview keeps the last valid form and says so.
    let stale = client
        .execute(
            "return document.getElementById('toml-stale').hidden;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(stale, json!(false));
    // Completed, the range is valid; an unknown option in a rule marks the rule's field.
    priority.send_keys("2").await.unwrap();
    wait_for(
        &client,
        "the model to be valid again",
        "document.querySelector('#validation .ok') && !document.querySelector('[aria-invalid]')",
    )
    .await;
    let rule = client
        .find(Locator::Css("[data-key='rule.0.value']"))
        .await
        .unwrap();
    rule.send_keys(", nobody").await.unwrap();
    let message = invalid(&client, &rule).await;
    assert!(message.contains("unknown option `nobody`"), "{message}");
    client.close().await.unwrap();
}

/// What covers the page's key elements at the current window size: each element named is
/// scrolled into view and sampled at its centre and near its corners, where it must be the
/// element found, or hold it; empty when nothing covers anything.
const COVERED: &str = "
  const problems = [];
  const check = (el, what) => {
    if (!el) { problems.push(what + ' is missing'); return; }
    el.scrollIntoView({block: 'center', inline: 'nearest', behavior: 'instant'});
    const r = el.getBoundingClientRect();
    const points = [[r.left + r.width / 2, r.top + r.height / 2], [r.left + 3, r.top + 3], [r.right - 3, r.top + 3],
                    [r.left + 3, r.bottom - 3], [r.right - 3, r.bottom - 3]];
    for (const [x, y] of points) {
      if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
      const at = document.elementFromPoint(x, y);
      if (!at || !(at === el || el.contains(at))) problems.push(`${what} at ${Math.round(x)},${Math.round(y)} is under ${at ? at.tagName + '#' + at.id + '.' + at.className : 'nothing'}`);
    }
  };
  check(document.getElementById('results-title'), 'the analysis heading');
  document.querySelectorAll('.verdict-card').forEach((c, i) => check(c, 'verdict card ' + i));
  check(document.querySelector('#equilibria dl'), 'the equilibria');
  check(document.querySelector('#tableau thead'), 'the tableau header');
  check(document.querySelector('#tableau tbody tr'), 'the first row');
  check(document.getElementById('page-info'), 'the pager');
  if (document.documentElement.scrollWidth > innerWidth) problems.push(`the page is ${document.documentElement.scrollWidth} px wide in a window of ${innerWidth}`);
  return problems;";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_analysis_is_never_covered_at_any_width() {
    let Some((_driver, client, base)) = open_workbench().await else {
        return;
    };
    client.goto(&nrc_page(&base)).await.unwrap();
    wait_for(
        &client,
        "the analysis",
        "document.querySelector('#equilibria dd[data-concept=nash]') && document.querySelector('.verdict-card')",
    )
    .await;
    for (width, height) in [(1440, 900), (1024, 768), (390, 844), (360, 740)] {
        client.set_window_size(width, height).await.unwrap();
        let inner = client.execute("return innerWidth;", vec![]).await.unwrap();
        assert_eq!(inner, json!(width), "the page is shown {width} px wide");
        let narrow = client
            .execute(
                "return !!document.getElementById('tab-analysis')?.offsetParent;",
                vec![],
            )
            .await
            .unwrap();
        // Two panes side by side on a wide screen; tabs below 1200 px.
        assert_eq!(narrow, json!(width < 1200), "tabs at {width} px");
        if width < 1200 {
            click(&client, Locator::Id("tab-analysis")).await;
        }
        let problems = client.execute(COVERED, vec![]).await.unwrap();
        assert_eq!(problems, json!([]), "at {width}x{height}");
        if width == 1440 {
            // Every concept's column in view beside the model, and no option label cut short.
            let hidden = client
                .execute(
                    "const wrap = document.getElementById('tableau-wrap').getBoundingClientRect(); \
                     return [...document.querySelectorAll('#tableau th.concept-head')].filter(th => { \
                       const r = th.getBoundingClientRect(); return r.left < wrap.left || r.right > wrap.right; }).map(th => th.textContent) \
                       .concat([...document.querySelectorAll('#tableau th.option-head span')] \
                         .filter(s => s.scrollHeight > s.clientHeight + 1 || s.scrollWidth > s.clientWidth + 1).map(s => s.textContent));",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(hidden, json!([]), "columns or labels out of view");
            let editor = client
                .execute(
                    "const e = document.getElementById('editor').getBoundingClientRect(), \
                     r = document.getElementById('results').getBoundingClientRect(); return e.right <= r.left;",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(editor, json!(true), "the model beside the analysis");
        }
        client
            .execute("window.scrollTo(0, 0);", vec![])
            .await
            .unwrap();
        screenshot(&client, None, &format!("layout-{width}x{height}")).await;
        if width < 1200 {
            // The model is one tab away, and nothing covers it either.
            click(&client, Locator::Id("tab-model")).await;
            let problems = client
                .execute(
                    "const r = document.querySelector('#editor fieldset.card').getBoundingClientRect(); \
                     const at = document.elementFromPoint(r.left + 10, Math.min(r.top + 10, innerHeight - 1)); \
                     return document.getElementById('editor').contains(at) && document.documentElement.scrollWidth <= innerWidth;",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(problems, json!(true), "the model at {width} px");
            screenshot(&client, None, &format!("layout-{width}x{height}-model")).await;
        }
    }
    client.close().await.unwrap();
}

/// Presses a key with Ctrl (and Shift) held, in the element that has the focus.
async fn ctrl(client: &Client, key: &str, shift: bool) {
    let keys = format!(
        "\u{E009}{}{key}\u{E000}",
        if shift { "\u{E008}" } else { "" }
    );
    client
        .active_element()
        .await
        .unwrap()
        .send_keys(&keys)
        .await
        .unwrap();
}

/// The value of the form field with `key`.
async fn field_value(client: &Client, key: &str) -> String {
    client
        .execute(
            &format!("return document.querySelector(\"[data-key='{key}']\").value;"),
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_are_never_lost() {
    let Some((_driver, client, base)) = open_workbench().await else {
        return;
    };
    client.goto(&nrc_page(&base)).await.unwrap();
    wait_for(
        &client,
        "the analysis",
        "document.querySelector('#equilibria dd[data-concept=nash]')",
    )
    .await;
    const KEY: &str = "dm.0.pref.3";
    let written = "us_new_sanctions iff !ru_ceasefire";
    assert_eq!(field_value(&client, KEY).await, written);

    // An edit the model cannot take: the results are marked out of date at once, and stay so.
    let statement = client
        .find(Locator::Css(&format!("[data-key='{KEY}']")))
        .await
        .unwrap();
    statement.send_keys(" &").await.unwrap();
    let stale = wait_for(
        &client,
        "the results marked out of date",
        "document.getElementById('results').dataset.stale === 'true' && document.getElementById('stale-note').textContent",
    )
    .await;
    assert!(
        stale
            .as_str()
            .unwrap()
            .contains("has changed since this analysis"),
        "{stale}"
    );
    wait_for(
        &client,
        "the error",
        "document.querySelector('#validation .error-message')",
    )
    .await;

    // Undo takes the typing back in one step, and the results are current again; redo restores it.
    ctrl(&client, "z", false).await;
    assert_eq!(field_value(&client, KEY).await, written);
    wait_for(
        &client,
        "current results",
        "document.querySelector('#validation .ok') && !document.getElementById('results').dataset.stale && !document.body.dataset.busy",
    )
    .await;
    ctrl(&client, "z", true).await;
    assert_eq!(field_value(&client, KEY).await, format!("{written} &"));
    click(&client, Locator::Id("undo")).await;
    assert_eq!(field_value(&client, KEY).await, written);
    click(&client, Locator::Id("redo")).await;
    let edited = format!("{written} & us_propose_nrc");
    statement.send_keys(" us_propose_nrc").await.unwrap();
    assert_eq!(field_value(&client, KEY).await, edited);
    wait_for(
        &client,
        "the edit checked",
        "document.querySelector('#validation .ok') && !document.body.dataset.busy",
    )
    .await;

    // A reload brings the edited model back, and says so.
    client.refresh().await.unwrap();
    let restored = wait_for(
        &client,
        "the model restored",
        "document.getElementById('restored-note')?.textContent",
    )
    .await;
    assert!(
        restored
            .as_str()
            .unwrap()
            .contains("Restored the model you were editing"),
        "{restored}"
    );
    wait_for(
        &client,
        "the restored form",
        &format!("document.querySelector(\"[data-key='{KEY}']\")?.value === '{edited}'"),
    )
    .await;
    wait_for(
        &client,
        "its analysis",
        "document.querySelector('#equilibria dd[data-concept=nash]') && !document.body.dataset.busy",
    )
    .await;

    // Opening another model would discard the edits: the page asks, and keeping them keeps them.
    client
        .find(Locator::Id("example-select"))
        .await
        .unwrap()
        .select_by_value("cuban")
        .await
        .unwrap();
    click(&client, Locator::Id("load-example")).await;
    wait_for(
        &client,
        "the question",
        "document.getElementById('confirm-dialog').open",
    )
    .await;
    click(&client, Locator::Id("confirm-keep")).await;
    assert_eq!(field_value(&client, KEY).await, edited);
    click(&client, Locator::Id("blank-model")).await;
    wait_for(
        &client,
        "the question again",
        "document.getElementById('confirm-dialog').open",
    )
    .await;
    click(&client, Locator::Id("confirm-discard")).await;
    wait_for(
        &client,
        "the blank model",
        "document.getElementById('file-name')?.textContent === 'new model'",
    )
    .await;

    // Should the browser refuse to store the edits, leaving the page asks first.
    let asks = client
        .execute(
            "Storage.prototype.setItem = () => { throw new Error('full'); }; \
             const name = document.querySelector(\"[data-key='name']\"); \
             name.value = 'Kept only here'; name.dispatchEvent(new Event('input', {bubbles: true})); \
             await new Promise(r => setTimeout(r, 50)); \
             const e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(asks, json!(true));
    client.close().await.unwrap();
}

/// Drags the element at `from` onto the element at `to` with the mouse, in small steps.
async fn drag(client: &Client, from: &str, to: &str) {
    use fantoccini::actions::{InputSource as _, MouseActions, PointerAction};
    // Both in the middle of the window, away from the edges where dragging scrolls the page.
    client
        .execute(
            &format!(
                "const a = document.querySelector(\"{from}\").getBoundingClientRect(), b = document.querySelector(\"{to}\").getBoundingClientRect(); \
                 window.scrollBy(0, (a.top + b.bottom) / 2 - innerHeight / 2);"
            ),
            vec![],
        )
        .await
        .unwrap();
    let (from, to) = (
        client.find(Locator::Css(from)).await.unwrap(),
        client.find(Locator::Css(to)).await.unwrap(),
    );
    let mut mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: from,
            duration: Some(Duration::from_millis(50)),
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: fantoccini::actions::MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Pause {
            duration: Duration::from_millis(300),
        });
    // As slowly as a hand: a busy machine may take a while to start the drag.
    for step in 0..5 {
        mouse = mouse.then(PointerAction::MoveToElement {
            element: to.clone(),
            duration: Some(Duration::from_millis(150)),
            x: 0.0,
            y: f64::from(2 * step - 8),
        });
    }
    let mouse = mouse
        .then(PointerAction::Pause {
            duration: Duration::from_millis(300),
        })
        .then(PointerAction::Up {
            button: fantoccini::actions::MOUSE_BUTTON_LEFT,
        });
    client.perform_actions(mouse).await.unwrap();
    idle(client).await;
}

/// Types `text` over the field `id` and leaves it (Tab), as an analyst changing an id does.
async fn retype(client: &Client, id: &str, text: &str) {
    let field = client.find(Locator::Id(id)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(&format!("{text}\t")).await.unwrap();
}

/// Clicks the value `value` (Y, N or -) of `option` in the clicks of the condition `key`.
async fn click_value(client: &Client, key: &str, option: &str, value: &str) {
    let before = field_value(client, key).await;
    click(
        client,
        Locator::Css(&format!(
            "[data-clicks='{key}'] button[data-option='{option}'][data-value='{value}']"
        )),
    )
    .await;
    wait_for(
        client,
        "the condition rewritten",
        &format!(
            "document.querySelector(\"[data-key='{key}']\").value !== '{before}' && document.querySelector(\"[data-clicks='{key}'] button[data-option='{option}'][data-value='{value}']\").getAttribute('aria-pressed') === 'true'"
        ),
    )
    .await;
}

/// The states of each tier of DM `d`'s ranking, as the chips show them.
async fn tiers(client: &Client, d: usize) -> Value {
    client
        .execute(
            &format!(
                "return [...document.querySelectorAll('fieldset.dm:nth-of-type({}) .tiers .chips')].map(c => [...c.children].map(li => Number(li.dataset.item)));",
                d + 1
            ),
            vec![],
        )
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_is_built_by_clicking_and_dragging() {
    let Some((_driver, client, base)) = open_workbench().await else {
        return;
    };
    client.goto(&format!("{base}/#blank")).await.unwrap();
    wait_for(&client, "the blank model", "document.querySelector('#validation .ok') && document.getElementById('validation').textContent.includes('4 feasible states')").await;

    // A's preferences by clicks: "B acts" first, then "A does not act".
    for (j, clicks, expected) in [
        (0, [("a_acts", "-"), ("b_acts", "Y")], "b_acts"),
        (1, [("a_acts", "N"), ("b_acts", "-")], "!a_acts"),
    ] {
        click(
            &client,
            Locator::XPath(
                "(//fieldset[contains(@class,'dm')])[1]//button[contains(., 'Statement')]",
            ),
        )
        .await;
        let key = format!("dm.0.pref.{j}");
        // A new statement starts valid, its clicks open.
        wait_for(
            &client,
            "the new statement's clicks",
            &format!("document.querySelector(\"[data-clicks='{key}'][open] button[data-option='a_acts'][data-value='Y'][aria-pressed='true']\")"),
        )
        .await;
        for (option, value) in clicks {
            if value == "-" && field_value(&client, &key).await != option {
                continue;
            }
            click_value(&client, &key, option, value).await;
        }
        assert_eq!(field_value(&client, &key).await, expected);
    }

    // B's by ranking the four states by hand: best, state 2 (only A acts), then 4, 1 and 3.
    wait_for(
        &client,
        "the offer to rank by hand",
        "document.querySelector(\"[data-by-hand='1']\")",
    )
    .await;
    click(&client, Locator::Css("[data-by-hand='1']")).await;
    wait_for(
        &client,
        "B's ranking",
        "document.querySelector('fieldset.dm:nth-of-type(2) .tiers .chip')",
    )
    .await;
    assert_eq!(tiers(&client, 1).await, json!([[1, 2, 3, 4]]));
    for state in [2, 4, 1, 3] {
        // The states in words first: the chips grow as their words come in.
        wait_for(
            &client,
            "the states in words",
            "[...document.querySelectorAll('fieldset.dm:nth-of-type(2) .tiers .chip')].every(c => c.textContent.includes(':'))",
        )
        .await;
        drag(
            &client,
            &format!("fieldset.dm:nth-of-type(2) .tiers .chip[data-item='{state}']"),
            "fieldset.dm:nth-of-type(2) .new-tier",
        )
        .await;
        wait_for(
            &client,
            "the state in a tier of its own, last",
            &format!("[...document.querySelectorAll('fieldset.dm:nth-of-type(2) .tiers .chips')].pop()?.textContent.startsWith('state {state}:') && document.querySelector('#validation .ok')"),
        )
        .await;
    }
    assert_eq!(tiers(&client, 1).await, json!([[2], [4], [1], [3]]));
    // B's order as the model now makes it, shown as it changes.
    client
        .execute(
            "document.querySelector(\"[data-order='1']\").open = true;",
            vec![],
        )
        .await
        .unwrap();
    wait_for(
        &client,
        "B's order",
        "[...document.querySelectorAll(\"[data-order='1'] .order-state\")].map(s => s.dataset.state).join(' ') === '2 4 1 3'",
    )
    .await;
    // A tier dragged by its handle to the top.
    drag(
        &client,
        "fieldset.dm:nth-of-type(2) .tiers > li:nth-child(4) .tier-handle",
        "fieldset.dm:nth-of-type(2) .tiers > li:nth-child(1) .priority",
    )
    .await;
    wait_for(
        &client,
        "the tier moved",
        "document.querySelector(\"[data-key='dm.1.tier.0']\").value === '3'",
    )
    .await;
    assert_eq!(tiers(&client, 1).await, json!([[3], [2], [4], [1]]));
    click(&client, Locator::Id("undo")).await;
    assert_eq!(tiers(&client, 1).await, json!([[2], [4], [1], [3]]));

    // A Prisoner's Dilemma: mutual defection is the only Nash equilibrium.
    click(&client, Locator::Id("analyze")).await;
    wait_for(
        &client,
        "the analysis",
        "document.querySelector('#equilibria dd[data-concept=nash]')?.dataset.states === '1'",
    )
    .await;
    screenshot(&client, Some("editor"), "clicking-preferences").await;

    // An infeasible combination by clicks: both acting, then A acting at all.
    click(&client, Locator::Id("add-combination")).await;
    wait_for(
        &client,
        "the combination",
        "document.querySelector(\"[data-key='rule.0.value']\")?.value === 'a_acts & b_acts'",
    )
    .await;
    wait_for(
        &client,
        "three states",
        "document.getElementById('validation').textContent.includes('3 feasible states')",
    )
    .await;
    click_value(&client, "rule.0.value", "b_acts", "-").await;
    assert_eq!(field_value(&client, "rule.0.value").await, "a_acts");
    wait_for(
        &client,
        "two states",
        "document.getElementById('validation').textContent.includes('2 feasible states')",
    )
    .await;
    screenshot(&client, Some("editor"), "clicking-rules").await;
    click(&client, Locator::Id("undo")).await;
    click(&client, Locator::Id("undo")).await;
    wait_for(&client, "four states again", "document.getElementById('validation').textContent.includes('4 feasible states') && !document.querySelector(\"[data-key='rule.0.value']\")").await;

    // Renaming an option renames its mentions; a DM's, its coalitions.
    click(
        &client,
        Locator::XPath("//fieldset[contains(@class,'section')][legend='Coalitions']//button[contains(., 'Coalition')]"),
    )
    .await;
    retype(&client, "f-dm-0-opt-0-id", "a_cooperates").await;
    wait_for(
        &client,
        "the rename",
        "document.querySelector(\"[data-key='dm.0.pref.1']\").value === '!a_cooperates'",
    )
    .await;
    retype(&client, "f-dm-1-id", "bee").await;
    wait_for(
        &client,
        "the DM renamed in its coalition",
        "document.querySelector(\"[data-key='coalition.0.members']\").value === 'a, bee'",
    )
    .await;
    // An id another option has is refused, beside the field, and nothing changes.
    retype(&client, "f-dm-0-opt-0-id", "b_acts").await;
    let refused = wait_for(
        &client,
        "the refusal",
        "document.getElementById('f-dm-0-opt-0-id').closest('.field').querySelector('.field-error')?.textContent",
    )
    .await;
    assert!(
        refused
            .as_str()
            .unwrap()
            .contains("already called `b_acts`"),
        "{refused}"
    );
    assert_eq!(field_value(&client, "dm.0.pref.1").await, "!a_cooperates");
    wait_for(
        &client,
        "the same equilibrium",
        "document.querySelector('#validation .ok') && document.querySelector('#equilibria dd[data-concept=nash]')?.dataset.states === '1' && !document.getElementById('results').dataset.stale",
    )
    .await;
    client.close().await.unwrap();
}

/// Whether the server still runs the job `job` (its name is listed while its work runs).
async fn job_running(base: &str, job: &str) -> bool {
    let response = reqwest::get(format!("{base}/api/progress/{job}"))
        .await
        .unwrap();
    response.status().as_u16() == 200
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_analysis_shows_its_progress_and_cancel_stops_it() {
    let Some((_driver, client, base)) = open_workbench().await else {
        return;
    };
    // 2^20 states under every concept, SIM included, two decision makers of ten options
    // each (about a thousand moves each from every state): tens of seconds of work in a
    // debug build, where four of five options take four.
    let model = generate(&Shape {
        dms: 2,
        options_per_dm: 10,
        rules: 0,
        rule_width: 2,
        irreversible_percent: 0,
        preferences: PreferenceKind::Prioritization { statements: 4 },
        seed: 5,
    });
    let dir = std::env::temp_dir().join(format!("detente-e2e-long-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("million.toml");
    std::fs::write(&file, detente_format::to_toml(&model)).unwrap();

    open_after_nrc(&client, &base, &file).await;
    wait_for(
        &client,
        "the large model checked",
        "document.getElementById('analyze') && !document.getElementById('analyze').disabled && document.body.textContent.includes('1,048,576')",
    )
    .await;
    idle(&client).await;
    for key in ["sim", "seqsim"] {
        let checked = client
            .execute(
                &format!("return document.getElementById('concept-{key}').checked"),
                vec![],
            )
            .await
            .unwrap();
        if checked != json!(true) {
            click(&client, Locator::Id(&format!("concept-{key}"))).await;
        }
    }
    // Nothing else under way (the decision makers' orders of the states, looked up as the
    // model opened), so that the analysis starts at once.
    wait_for(
        &client,
        "the page's other work",
        "!document.getElementById('work')",
    )
    .await;
    click(&client, Locator::Id("analyze")).await;
    // Half a second in, the work bar shows what runs, how far it has got and for how long.
    wait_for(
        &client,
        "the analysis's progress",
        "[...document.querySelectorAll('#work .work-item')].some(i => i.textContent.includes('Analysing') && / of [\\d,]+ steps?/.test(i.textContent) && i.querySelector('progress[max]'))",
    )
    .await;
    let jobs = client
        .execute(
            "return [...document.querySelectorAll('#work .work-item')].map(i => i.dataset.job)",
            vec![],
        )
        .await
        .unwrap();
    let jobs: Vec<String> = serde_json::from_value(jobs).unwrap();
    assert!(!jobs.is_empty());
    for job in &jobs {
        assert!(job_running(&base, job).await, "{job} should be running");
    }
    screenshot(&client, None, "workbench-progress").await;
    // Clicked by script: the bar is redrawn every second, its button with it.
    client
        .execute(
            "document.querySelector('#work .work-item .work-cancel').click()",
            vec![],
        )
        .await
        .unwrap();
    wait_for(
        &client,
        "the cancellation",
        "document.getElementById('results')?.textContent.includes('The analysis was cancelled.') && !document.getElementById('work')",
    )
    .await;
    // The server's work stops too (uncancelled, it would run for minutes): the jobs end.
    for job in &jobs {
        let started = Instant::now();
        while job_running(&base, job).await {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server still runs {job} after the page cancelled it"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    // The page works on: the Analyse button is back.
    let analyse_enabled = client
        .execute(
            "return !document.getElementById('analyze').disabled",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(analyse_enabled, json!(true));
    std::fs::remove_dir_all(&dir).ok();
    client.close().await.unwrap();
}

/// Counts the files the page saves, with their sizes, in `window.saved`.
async fn count_downloads(client: &Client) {
    client
        .execute(
            "window.saved = []; const make = URL.createObjectURL.bind(URL); \
             URL.createObjectURL = (blob) => { window.saved.push(blob.size); return make(blob); };",
            vec![],
        )
        .await
        .unwrap();
}

async fn saved(client: &Client) -> Value {
    client.execute("return window.saved", vec![]).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_export_is_saved_only_when_the_analyst_agrees() {
    let Some((_driver, client, base)) = open_workbench().await else {
        return;
    };
    // A lower threshold than 10 MB, through the page's address: NRC's results are about
    // half a megabyte.
    client
        .goto(&format!("{base}/?export-warning=1000#example=nrc"))
        .await
        .unwrap();
    wait_for(
        &client,
        "the analysis",
        "document.querySelector('#equilibria dd[data-concept=nash]')",
    )
    .await;
    idle(&client).await;
    count_downloads(&client).await;
    click(&client, Locator::Css("button[data-export=json]")).await;
    let question = wait_for(
        &client,
        "the question",
        "document.getElementById('confirm-dialog').open && document.getElementById('confirm-dialog').textContent",
    )
    .await;
    let question = question.as_str().unwrap().to_string();
    assert!(question.contains("This export is"), "{question}");
    assert!(question.contains("MB"), "{question}");
    // Declined: nothing is saved, and no error is shown.
    click(&client, Locator::Id("confirm-keep")).await;
    idle(&client).await;
    assert_eq!(saved(&client).await, json!([]));
    let banner = client
        .execute(
            "return document.getElementById('banner')?.textContent || ''",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(banner, json!(""));
    // Agreed: saved whole.
    click(&client, Locator::Css("button[data-export=json]")).await;
    wait_for(
        &client,
        "the question again",
        "document.getElementById('confirm-dialog').open",
    )
    .await;
    click(&client, Locator::Id("confirm-discard")).await;
    wait_for(&client, "the download", "window.saved.length === 1").await;
    // The whole analysis, as the API gives it.
    let size = saved(&client).await[0].as_u64().unwrap();
    let expected = reqwest::Client::new()
        .post(format!("{base}/api/analyze"))
        .json(&json!({"model": detente_examples::find("nrc").unwrap().source}))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(size as usize, expected.len());

    // At the usual threshold, 10 MB, the same export is saved without a question.
    client.goto(&nrc_page(&base)).await.unwrap();
    wait_for(
        &client,
        "the analysis",
        "document.querySelector('#equilibria dd[data-concept=nash]')",
    )
    .await;
    idle(&client).await;
    count_downloads(&client).await;
    click(&client, Locator::Css("button[data-export=json]")).await;
    wait_for(&client, "the download", "window.saved.length === 1").await;
    let asked = client
        .execute(
            "return document.getElementById('confirm-dialog').open",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(asked, json!(false));
    client.close().await.unwrap();
}
