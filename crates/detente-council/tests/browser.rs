//! The council walked through in a real headless Chromium, through its pages only, each
//! person in a browser of their own (their own cookies): the secretariat logs in and creates
//! the NRC council, the mediator and the heads of Russia and Ukraine join through their
//! invitation links and state positions in the position form, the mediator tables the
//! proposed package, each delegation's page shows the verdict and only the mediator's the
//! detail, Russia rejects, the mediator amends, and all four accept: every page then says
//! the package was adopted by consensus. The United States and the NATO allies act from a
//! script through the JSON API, as a delegation may. Live updates reach an open page.
//!
//! Screenshots at 1440, 1024 and 390 px are left under `target/e2e/council-*.png`; at each
//! width no page is wider than the window. The test fails when Chromium is missing;
//! `DETENTE_SKIP_BROWSER=1` skips it (the workbench's convention; CI never sets it).

#[path = "support/browser.rs"]
mod browser;
mod support;

use browser::{Browsers, click, find, has, path, screenshot, submit, text, type_into, wait_for};
use fantoccini::Client;
use serde_json::{Value, json};
use support::{PACKAGE, PASSWORD, Person};

/// The widths every key moment is seen at: a desktop, a small laptop or tablet, a phone.
const WIDTHS: [(u32, u32); 3] = [(1440, 900), (1024, 768), (390, 844)];

/// Checks the page at each width (nothing wider than the window, so nothing needs
/// scrolling sideways) and keeps screenshots of each: with `css` scrolled into view as
/// `target/e2e/council-NAME-WIDTH.png`, and the whole page as `...-WIDTH-page.png`.
async fn at_every_width(client: &Client, name: &str, css: &str) {
    for (width, height) in WIDTHS {
        client.set_window_size(width, height).await.unwrap();
        let inner = client.execute("return innerWidth;", vec![]).await.unwrap();
        assert_eq!(
            inner,
            json!(width),
            "{name}: the page is shown {width} px wide"
        );
        // The page's width, and what sticks out (a box past the window's edge, or one
        // whose content runs past its own edge), to tell why.
        let wide = client
            .execute(
                "return {width: document.documentElement.scrollWidth, \
                   out: [...document.querySelectorAll('body *')] \
                     .filter(e => e.getBoundingClientRect().right > innerWidth + 1 \
                       || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible')) \
                     .map(e => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 60))};",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            wide["width"].as_u64().unwrap() <= u64::from(width),
            "{name} at {width} px: the page is wider than the window: {wide}"
        );
        client
            .execute(
                "document.querySelector(arguments[0]).scrollIntoView({block: 'start'});",
                vec![json!(css)],
            )
            .await
            .unwrap();
        screenshot(client, &format!("council-{name}-{width}")).await;
        // And the whole page, in a window as tall as it (up to a limit).
        let tall = client
            .execute("return document.documentElement.scrollHeight;", vec![])
            .await
            .unwrap()
            .as_u64()
            .unwrap()
            .clamp(u64::from(height), 6000) as u32;
        client.set_window_size(width, tall).await.unwrap();
        client
            .execute("window.scrollTo(0, 0);", vec![])
            .await
            .unwrap();
        screenshot(client, &format!("council-{name}-{width}-page")).await;
    }
    client.set_window_size(1440, 900).await.unwrap();
}

/// A new browser in which someone follows the invitation link `link` and fills in the join
/// form for a new account `name`: the council's page then says they are its `role`.
async fn joins(browsers: &Browsers, link: &str, name: &str, role: &str) -> Client {
    let client = browsers.open().await;
    client.goto(link).await.unwrap();
    assert!(
        text(&client, "h1").await.contains("Join a council"),
        "{link}"
    );
    type_into(&client, "input[name=name]", name).await;
    type_into(&client, "input[name=password]", PASSWORD).await;
    submit(&client, "form button").await;
    assert_eq!(
        text(&client, "h1").await,
        "NATO-Russia Council",
        "{name} is on the council's page"
    );
    let main = text(&client, "main").await;
    assert!(
        main.contains(&format!("You are its {role}.")),
        "{name}: {main}"
    );
    client
}

/// Types the model's own preferences for decision maker `dm` into the position form.
async fn state_position(client: &Client, base: &str, council: i64, dm: &str) {
    let example = detente_examples::default_example();
    let form = detente_format::form_of_file(example.source, example.file_name).unwrap();
    let position = detente_app::position_in(&form, dm).unwrap();
    let toml = detente_app::position_to_toml(&position).unwrap();
    client
        .goto(&format!("{base}/councils/{council}/position"))
        .await
        .unwrap();
    type_into(client, "textarea[name=position]", &toml).await;
    submit(client, "form[action$='/position'] button").await;
    wait_for(
        client,
        "the first version of the position",
        "[...document.querySelectorAll('ol li')].some(li => li.textContent.startsWith('version 1 by'))",
    )
    .await;
    // What was typed is what was kept: the form shows the saved version.
    let kept = find(client, "textarea[name=position]")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        detente_app::position_from_toml(&kept).unwrap(),
        position,
        "{dm}'s position as saved"
    );
}

/// Opens the council page of `client`'s person and returns proposal 1's card text.
async fn proposal_card(client: &Client, base: &str, council: i64) -> String {
    client
        .goto(&format!("{base}/councils/{council}"))
        .await
        .unwrap();
    text(client, "#proposal-1").await
}

/// Answers proposal 1 through the page's answer form.
async fn answer(client: &Client, base: &str, council: i64, answer: &str, statement: &str) {
    client
        .goto(&format!("{base}/councils/{council}"))
        .await
        .unwrap();
    let form = "#proposal-1 form[action$='/responses']";
    // Nothing is answered until the delegation chooses: the form cannot be sent as it comes.
    let valid = client
        .execute(
            "return document.querySelector(arguments[0]).checkValidity();",
            vec![json!(form)],
        )
        .await
        .unwrap();
    assert_eq!(valid, json!(false), "an answer is chosen, never preset");
    click(
        client,
        &format!("{form} select[name=answer] option[value={answer}]"),
    )
    .await;
    type_into(
        client,
        &format!("{form} textarea[name=statement]"),
        statement,
    )
    .await;
    submit(client, &format!("{form} button")).await;
    assert!(has(client, "#proposal-1").await, "back on the council page");
}

/// Proposal 1's answer of delegation `name` as its table shows it.
async fn answer_shown(client: &Client, name: &str) -> Value {
    client
        .execute(
            "return [...document.querySelectorAll('#proposal-1 table tr')] \
               .map(tr => [...tr.cells].map(c => c.innerText.trim())) \
               .find(cells => cells[0] === arguments[0])?.[1] ?? null;",
            vec![json!(name)],
        )
        .await
        .unwrap()
}

/// What the page's witness line says once it has checked the record.
async fn witness_says(client: &Client, who: &str) -> String {
    wait_for(
        client,
        &format!("{who}'s page to check the record"),
        "(t => t.startsWith('Checking') ? null : t)(document.querySelector('#witness').textContent)",
    )
    .await
    .as_str()
    .unwrap()
    .to_string()
}

/// A delegation acting from a script cosigns the server's newest checkpoint, after
/// checking it, with a key of its own.
async fn cosign_by_script(person: &Person, council: i64) {
    use ed25519_dalek::Signer;
    let api = |rest: &str| format!("/api/councils/{council}{rest}");
    let (_, checkpoint) = person.get(&api("/checkpoint")).await;
    let checkpoint: detente_council::Checkpoint = serde_json::from_value(checkpoint).unwrap();
    checkpoint.verify_signature().unwrap();
    // A key of this person's own (made from the name: a test needs no secrecy).
    let seed = person
        .name
        .bytes()
        .fold(7u8, |a, b| a.wrapping_mul(31).wrapping_add(b));
    let key = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let public = hex(key.verifying_key().as_bytes());
    let (status, body) = person.post(&api("/keys"), json!({"key": public})).await;
    assert_eq!(status, 201, "{body}");
    let note = detente_council::Checkpoint::note(council, checkpoint.size, &checkpoint.root);
    let (status, body) = person
        .post(
            &api("/cosignatures"),
            json!({"size": checkpoint.size, "root": checkpoint.root, "key": public,
                   "signature": hex(&key.sign(note.as_bytes()).to_bytes())}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

/// The summary of the mediator's detail (the disclosure setting shown to all says "who would
/// defect" too).
const DETAIL: &str = "For the mediator: who would defect";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_nrc_council_is_created_joined_and_decides_in_the_browser() {
    let Some(browsers) = Browsers::start() else {
        return;
    };
    let forum = support::start("browser").await;
    let base = forum.base.clone();
    forum
        .db
        .create_account("secretariat", PASSWORD, true)
        .await
        .unwrap();

    // The secretariat logs in and creates the NRC council from the home page's form.
    let secretariat = browsers.open().await;
    secretariat.goto(&base).await.unwrap();
    assert_eq!(
        path(&secretariat).await,
        "/login",
        "the home page asks to log in"
    );
    type_into(&secretariat, "input[name=name]", "secretariat").await;
    type_into(&secretariat, "input[name=password]", PASSWORD).await;
    submit(&secretariat, "form[action='/login'] button").await;
    wait_for(
        &secretariat,
        "the home page",
        "document.querySelector('h1')?.textContent === 'Your councils'",
    )
    .await;
    assert!(
        has(&secretariat, "form[action='/councils']").await,
        "the form to create a council"
    );
    at_every_width(&secretariat, "home", "form[action='/councils']").await;
    click(&secretariat, "select[name=example] option[value=nrc]").await;
    click(&secretariat, "input[name=disclosure][value=verdicts]").await;
    submit(&secretariat, "form[action='/councils'] button").await;
    wait_for(
        &secretariat,
        "the new council's invitation links",
        "document.querySelector('h1')?.textContent === 'The council is created'",
    )
    .await;
    // Each link is a whole address to hand on, by whom it is for.
    let links = secretariat
        .execute(
            "return [...document.querySelectorAll('table tr')].filter(tr => tr.querySelector('a')) \
               .map(tr => [tr.cells[0].innerText.trim(), tr.querySelector('a').href, tr.querySelector('a').innerText.trim()]);",
            vec![],
        )
        .await
        .unwrap();
    let links: Vec<(String, String)> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let (href, shown) = (row[1].as_str().unwrap(), row[2].as_str().unwrap());
            assert_eq!(href, shown, "the link shown is the link followed");
            assert!(href.starts_with(&format!("{base}/join/")), "{href}");
            (row[0].as_str().unwrap().to_string(), href.to_string())
        })
        .collect();
    let link = |for_whom: &str| {
        links
            .iter()
            .find(|(who, _)| who == for_whom)
            .unwrap_or_else(|| panic!("no invitation for {for_whom}: {links:?}"))
            .1
            .clone()
    };
    at_every_width(&secretariat, "created", "table").await;
    submit(&secretariat, "a[href^='/councils/']").await;
    let council: i64 = wait_for(
        &secretariat,
        "the council page",
        "location.pathname.match(/^\\/councils\\/(\\d+)$/)?.[1]",
    )
    .await
    .as_str()
    .unwrap()
    .parse()
    .unwrap();
    assert!(
        text(&secretariat, "main")
            .await
            .contains("You are its secretariat.")
    );
    secretariat.close().await.unwrap();

    // The mediator and the heads of Russia and Ukraine join in their own browsers; the
    // heads of the United States and the NATO allies through the API.
    let mediator = joins(&browsers, &link("mediator"), "mediator", "mediator").await;
    let head = |of: &str| {
        (
            link(&format!("head of delegation of {of}")),
            format!("head of delegation, for {of}"),
        )
    };
    let (russia_link, russia_role) = head("Russia");
    let russia = joins(&browsers, &russia_link, "head-russia", &russia_role).await;
    let (ukraine_link, ukraine_role) = head("Ukraine");
    let ukraine = joins(&browsers, &ukraine_link, "head-ukraine", &ukraine_role).await;
    let token = |for_whom: &str| link(for_whom).rsplit('/').next().unwrap().to_string();
    let us = Person::join_with(
        &base,
        "head-us",
        &token("head of delegation of United States"),
    )
    .await;
    let allies = Person::join_with(
        &base,
        "head-allies",
        &token("head of delegation of NATO allies"),
    )
    .await;
    let api = |rest: &str| format!("/api/councils/{council}{rest}");

    // Positions: Russia and Ukraine in the form, the others from their scripts.
    state_position(&russia, &base, council, "russia").await;
    at_every_width(&russia, "position", "textarea").await;
    state_position(&ukraine, &base, council, "ukraine").await;
    let example = detente_examples::default_example();
    let model = detente_format::form_of_file(example.source, example.file_name).unwrap();
    for (dm, person) in [("us", &us), ("allies", &allies)] {
        let position = detente_app::position_in(&model, dm).unwrap();
        let (status, body) = person.post(&api("/position"), position).await;
        assert_eq!(status, 201, "{dm}: {body}");
    }
    // A delegation's position page is its own: Ukraine's shows Ukraine's.
    assert!(text(&ukraine, "h1").await.contains("Ukraine"));

    // Russia's head lets the mediator read its position (a caucus): the mediator's page
    // links to it, and it reads as Russia stated it; Ukraine may not read it.
    russia
        .goto(&format!("{base}/councils/{council}/position"))
        .await
        .unwrap();
    submit(&russia, "form[action$='/caucus'] button").await;
    assert!(
        text(&russia, "main")
            .await
            .contains("and the mediator, to whom your head has granted a caucus")
    );
    mediator
        .goto(&format!("{base}/councils/{council}"))
        .await
        .unwrap();
    let caucus = find(&mediator, "a[href$='/position']")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    submit(&mediator, "a[href$='/position']").await;
    assert_eq!(
        text(&mediator, "h1").await,
        "The position of Russia (caucus)"
    );
    let shown = text(&mediator, "main pre").await;
    let model_position = detente_app::position_in(&model, "russia").unwrap();
    let first = model_position["preferences"][0]["statement"]
        .as_str()
        .unwrap();
    assert!(shown.contains(first), "{first} in: {shown}");
    at_every_width(&mediator, "caucus", "main pre").await;
    ukraine.goto(&format!("{base}{caucus}")).await.unwrap();
    assert_eq!(
        text(&ukraine, "h1").await,
        "Forbidden",
        "Ukraine reads no other's position"
    );

    // The mediator tables the proposed package in the "Table a package" form.
    mediator
        .goto(&format!("{base}/councils/{council}"))
        .await
        .unwrap();
    let table = "form[action$='/proposals']";
    click(&mediator, "details.table-package > summary").await;
    type_into(
        &mediator,
        &format!("{table} input[name=title]"),
        "Proposed package",
    )
    .await;
    for option in PACKAGE {
        click(
            &mediator,
            &format!("{table} input[name=taken][value={option}]"),
        )
        .await;
    }
    submit(&mediator, &format!("{table} button")).await;
    let card = text(&mediator, "#proposal-1").await;
    assert!(card.contains("Proposal 1: Proposed package"), "{card}");
    assert!(card.contains("(state 320)"), "{card}");

    // Every delegation's page tells the verdict and nothing more; the mediator's the detail.
    let verdict = text(&mediator, "#proposal-1 .verdict").await;
    assert!(verdict.contains("holds"), "{verdict}");
    assert!(verdict.contains("GMR"), "{verdict}");
    assert!(
        card.contains(DETAIL),
        "the mediator is told the detail: {card}"
    );
    assert!(
        text(&mediator, "#proposal-1 details.detail")
            .await
            .contains("Russia would gain by dropping"),
        "the mediator is told who would defect"
    );
    at_every_width(&mediator, "tabled-mediator", "#proposal-1").await;
    for (who, client) in [("Russia", &russia), ("Ukraine", &ukraine)] {
        let card = proposal_card(client, &base, council).await;
        assert_eq!(text(client, "#proposal-1 .verdict").await, verdict, "{who}");
        assert!(
            !card.contains(DETAIL),
            "{who} is not told the detail: {card}"
        );
        assert!(!has(client, "#proposal-1 details.detail").await, "{who}");
        assert!(!card.contains("would gain by"), "{who}: {card}");
    }
    at_every_width(&russia, "tabled-russia", "#proposal-1").await;
    for (who, person) in [("United States", &us), ("NATO allies", &allies)] {
        let (status, page) = person.page(&format!("/councils/{council}")).await;
        assert_eq!(status, 200, "{who}");
        assert!(page.contains("class=\"verdict holds\""), "{who}");
        assert!(
            !page.contains(DETAIL) && !page.contains("would gain by"),
            "{who}"
        );
    }

    // Ukraine keeps its page open; Russia rejects through its own: the live notice tells
    // Ukraine, whose reload shows the answer.
    proposal_card(&ukraine, &base, council).await;
    assert!(
        !has(&ukraine, ".live").await,
        "no notice before anything happens"
    );
    answer(
        &russia,
        &base,
        council,
        "reject",
        "Without the NATO door closed, no.",
    )
    .await;
    assert_eq!(answer_shown(&russia, "Russia").await, json!("reject"));
    let notice = wait_for(
        &ukraine,
        "the live notice of Russia's answer",
        "document.querySelector('main > .live')?.textContent",
    )
    .await;
    let notice = notice.as_str().unwrap();
    assert!(notice.contains("Russia"), "{notice}");
    assert!(notice.ends_with("Reload to see it."), "{notice}");
    at_every_width(&ukraine, "live", "main > .live").await;
    assert_eq!(
        answer_shown(&ukraine, "Russia").await,
        json!("no answer yet"),
        "not reloaded yet"
    );
    submit(&ukraine, "main > .live a").await;
    wait_for(
        &ukraine,
        "Russia's answer after the reload",
        "!document.querySelector('main > .live') && document.getElementById('proposal-1')",
    )
    .await;
    assert_eq!(answer_shown(&ukraine, "Russia").await, json!("reject"));
    assert!(
        text(&ukraine, "#proposal-1")
            .await
            .contains("Without the NATO door closed, no.")
    );

    // The mediator amends: the alliance closes the door as well.
    mediator
        .goto(&format!("{base}/councils/{council}"))
        .await
        .unwrap();
    let amend = "#proposal-1 form[action$='/amendments']";
    click(&mediator, "#proposal-1 details.amend > summary").await;
    for option in PACKAGE {
        let ticked = find(&mediator, &format!("{amend} input[value={option}]"))
            .await
            .prop("checked")
            .await
            .unwrap();
        assert_eq!(
            ticked.as_deref(),
            Some("true"),
            "{option} is ticked as in version 1"
        );
    }
    click(
        &mediator,
        &format!("{amend} input[name=taken][value=allies_close_door]"),
    )
    .await;
    type_into(
        &mediator,
        &format!("{amend} textarea[name=note]"),
        "Russia's condition met by the alliance.",
    )
    .await;
    submit(&mediator, &format!("{amend} button")).await;
    let card = text(&mediator, "#proposal-1").await;
    assert!(card.contains("Version 2: takes up"), "{card}");
    assert!(card.contains("(state 800)"), "{card}");
    assert_eq!(
        answer_shown(&mediator, "Russia").await,
        json!("no answer yet"),
        "an amendment resets every answer"
    );

    // All four accept version 2: Russia and Ukraine in their pages, the others by script.
    answer(
        &russia,
        &base,
        council,
        "accept",
        "With the door closed, yes.",
    )
    .await;
    answer(&ukraine, &base, council, "accept", "").await;
    for (who, person) in [("United States", &us), ("NATO allies", &allies)] {
        let (status, body) = person
            .post(
                &api("/proposals/1/responses"),
                json!({"version": 2, "answer": "accept"}),
            )
            .await;
        assert_eq!(status, 201, "{who}: {body}");
    }
    for (who, client) in [
        ("mediator", &mediator),
        ("Russia", &russia),
        ("Ukraine", &ukraine),
    ] {
        proposal_card(client, &base, council).await;
        let decision = text(client, "#proposal-1 .decision").await;
        assert!(
            decision.starts_with("Adopted (version 2) by consensus"),
            "{who}: {decision}"
        );
        assert!(
            !has(client, "#proposal-1 form[action$='/responses']").await,
            "{who}: no more answers"
        );
        // A delegation's page cosigns, with a key made in the browser, the record that
        // contains the decision, after checking it.
        if who != "mediator" {
            let said = witness_says(client, who).await;
            assert!(said.contains("The record checks out"), "{who}: {said}");
            assert!(said.contains("Your browser cosigned it"), "{who}: {said}");
        }
    }
    for (who, person) in [("United States", &us), ("NATO allies", &allies)] {
        let (_, page) = person.page(&format!("/councils/{council}")).await;
        assert!(
            page.contains("<strong>Adopted</strong> (version 2) by consensus"),
            "{who}"
        );
    }
    at_every_width(&russia, "adopted", "#proposal-1").await;

    // The decision is recorded once every delegation has cosigned the record containing
    // it: Russia's and Ukraine's pages have cosigned (above); the United States and the
    // allies cosign by script.
    proposal_card(&russia, &base, council).await;
    let recording = text(&russia, "#proposal-1 .recording").await;
    assert!(
        recording.starts_with(
            "Not yet recorded: cosigned by Russia and Ukraine, awaiting United States and NATO allies"
        ),
        "{recording}"
    );
    for person in [&us, &allies] {
        cosign_by_script(person, council).await;
    }
    for (who, client) in [
        ("mediator", &mediator),
        ("Russia", &russia),
        ("Ukraine", &ukraine),
    ] {
        proposal_card(client, &base, council).await;
        let recording = text(client, "#proposal-1 .recording").await;
        assert!(
            recording.starts_with("Recorded: every delegation has cosigned"),
            "{who}: {recording}"
        );
        let said = witness_says(client, who).await;
        assert!(
            said.contains("you saw before and with 4 cosignatures by delegations"),
            "{who}: {said}"
        );
        assert!(!said.contains("cosigned it"), "{who} cosigns once: {said}");
    }

    // The operator rewrites an event every page has seen: the next page Russia opens says so.
    sqlx::query("DROP TRIGGER events_append_only_update")
        .execute(forum.db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE events SET summary = 'Nothing was decided.' WHERE council_id = $1 AND kind = 'decision.adopted'")
        .bind(council)
        .execute(forum.db.pool())
        .await
        .unwrap();
    proposal_card(&russia, &base, council).await;
    let alarm = witness_says(&russia, "Russia").await;
    assert!(alarm.contains("is not the one you saw before"), "{alarm}");
    assert!(has(&russia, "#witness.alarm").await, "shown as an alarm");
    at_every_width(&russia, "witness-alarm", "#witness").await;

    for client in [mediator, russia, ukraine] {
        client.close().await.unwrap();
    }
}
