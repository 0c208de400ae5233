//! The council's pages, rendered on the server: plain HTML forms that work without
//! JavaScript, each posting to one action that calls one domain method and redirects
//! back. Every text from a user or a model is escaped ([`esc`]).

use crate::council::{Council, Disclosure, Member, RECORD_PAGE, Role};
use crate::engine::Answer as EngineAnswer;
use crate::error::CouncilError;
use crate::proposals::{Amendment, Answer, Proposal, Tabling};
use crate::talk::Channel;
use crate::web::{Asking, Server, St, account, caller, csrf_token, failure, log_in, log_out};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tower_sessions::Session;

pub(crate) fn routes() -> Router<Server> {
    Router::new()
        .route("/", get(home))
        .route("/assets/live.js", get(|| async { script(LIVE_JS) }))
        .route("/assets/witness.js", get(|| async { script(WITNESS_JS) }))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/join/{token}", get(join_page).post(join))
        .route("/councils", post(create))
        .route("/councils/{council}", get(council_page))
        .route("/councils/{council}/record", get(record_page))
        .route("/councils/{council}/invitations", post(invite))
        .route(
            "/councils/{council}/position",
            get(position_page).post(state_position),
        )
        .route("/councils/{council}/caucus", post(caucus))
        .route(
            "/councils/{council}/delegations/{delegation}/position",
            get(caucus_page),
        )
        .route("/councils/{council}/proposals", post(table))
        .route(
            "/councils/{council}/proposals/{number}/amendments",
            post(amend),
        )
        .route(
            "/councils/{council}/proposals/{number}/responses",
            post(respond),
        )
        .route(
            "/councils/{council}/proposals/{number}/silence",
            post(silence),
        )
        .route("/councils/{council}/proposals/{number}/answers", post(ask))
        .route(
            "/councils/{council}/talk/{channel}",
            get(talk_page).post(say),
        )
}

/// The pages' scripts: live updates from the record, and the delegation's witness of it.
const LIVE_JS: &str = include_str!("../assets/live.js");
const WITNESS_JS: &str = include_str!("../assets/witness.js");

/// The live-updates script for council `council`'s pages, whose record they show up to
/// event `seen`; on a talk page, the `channel` whose new messages it adds.
fn live(council: i64, seen: i64, channel: Option<&str>) -> String {
    let channel = channel
        .map(|c| format!(" data-channel=\"{}\"", esc(c)))
        .unwrap_or_default();
    format!(
        "<script src=\"/assets/live.js\" data-council=\"{council}\" data-after=\"{seen}\"{channel} defer></script>"
    )
}

fn script(text: &'static str) -> impl IntoResponse {
    ([("content-type", "text/javascript; charset=utf-8")], text)
}

/// The line where the page's witness (`assets/witness.js`) says whether the record
/// checks out, and the script; `cosign` when a decision awaits the member's delegation's
/// cosignature, which the script then gives.
fn witness(council: i64, me: &Member, csrf: &str, cosign: bool) -> String {
    format!(
        "<p id=\"witness\" class=\"witness\" role=\"status\">Checking the record…</p>\
         <script src=\"/assets/witness.js\" data-council=\"{council}\" data-account=\"{}\" data-csrf=\"{}\" data-cosign=\"{}\" defer></script>",
        me.account,
        esc(csrf),
        u8::from(cosign)
    )
}

/// Whether a decision is recorded, that is cosigned by every delegation, in words.
fn recording_words(decision: &crate::proposals::Decision) -> String {
    if decision.recorded {
        format!(
            "Recorded: every delegation has cosigned the record containing it (event {}).",
            decision.seq
        )
    } else if decision.cosigned_by.is_empty() {
        format!(
            "Not yet recorded: awaiting the cosignature of {} (event {}).",
            words_list(&decision.awaiting),
            decision.seq
        )
    } else {
        format!(
            "Not yet recorded: cosigned by {}, awaiting {} (event {}).",
            words_list(&decision.cosigned_by),
            words_list(&decision.awaiting),
            decision.seq
        )
    }
}

/// "A", "A and B", "A, B and C".
fn words_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Escapes text for HTML, in elements and in quoted attributes.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;line-height:1.45;color:#1b1b1b}\
header{display:flex;justify-content:space-between;align-items:center;border-bottom:1px solid #ccc;margin-bottom:1rem;gap:1rem;flex-wrap:wrap}\
header a{color:inherit}section{margin:1.5rem 0}.card{border:1px solid #ccc;border-radius:6px;padding:.75rem 1rem;margin:.75rem 0}\
.holds{color:#11612b}.fails{color:#9b1c1c}.error{color:#9b1c1c;font-weight:600}.help{color:#444}.muted{color:#666;font-size:.9em}\
form.inline{display:inline}textarea{width:100%;font-family:ui-monospace,monospace}label{display:block;margin:.3rem 0}\
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}\
.token{word-break:break-all}button{margin:.25rem 0;padding:.35rem .9rem}input,select,textarea,button{font:inherit;max-width:100%;box-sizing:border-box}\
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;padding:.5rem;border-radius:4px}main{overflow-wrap:break-word}@media (max-width:30rem){body{padding:.6rem}.card{padding:.5rem .6rem}}.live{background:#fff6d6;border:1px solid #e0c060;padding:.5rem 1rem;border-radius:6px}\
.witness{color:#11612b;font-size:.9em}.alarm{background:#fde8e8;border:2px solid #9b1c1c;color:#9b1c1c;font-weight:600;padding:.5rem 1rem;border-radius:6px}";

/// A whole page around `body`.
pub fn layout(title: &str, who: Option<&str>, body: &str) -> String {
    let account = match who {
        Some(name) => format!("<span>Logged in as <strong>{}</strong></span>", esc(name)),
        None => String::new(),
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · detente council</title><style>{STYLE}</style></head><body>\
         <header><a href=\"/\"><strong>detente council</strong></a>{account}</header><main>{body}</main></body></html>",
        esc(title)
    )
}

/// A form posting to `action`, with the session's CSRF token.
fn form(action: &str, csrf: &str, inner: &str, button: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">{inner}<button>{}</button></form>",
        esc(action),
        esc(csrf),
        esc(button)
    )
}

/// A form's fields, repeated names kept (the options a package takes are ticked boxes).
struct Fields(Vec<(String, String)>);

impl Fields {
    fn of(body: &Bytes) -> Fields {
        Fields(form_urlencoded::parse(body).into_owned().collect())
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn text(&self, key: &str) -> String {
        self.get(key).unwrap_or("").to_string()
    }

    fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn number(&self, key: &str) -> Result<i64, CouncilError> {
        self.text(key)
            .trim()
            .parse()
            .map_err(|_| CouncilError::invalid(format!("`{key}` must be a whole number")))
    }
}

type Page = Result<Response, Response>;

/// Runs one page's work: its error as an error page.
async fn page(uri: &Uri, work: impl Future<Output = Result<Response, CouncilError>>) -> Page {
    work.await.map_err(|e| failure(uri.path(), e))
}

fn html(title: &str, who: &str, body: &str) -> Response {
    Html(layout(title, Some(who), body)).into_response()
}

fn back_to(council: i64, anchor: &str) -> Response {
    Redirect::to(&format!("/councils/{council}{anchor}")).into_response()
}

async fn home(State(s): St, session: Session, uri: Uri) -> Page {
    page(&uri, async {
        let Some(account) = account(&s, &session).await? else {
            return Ok(Redirect::to("/login").into_response());
        };
        let csrf = csrf_token(&session).await?;
        let councils = s.db.councils_of(account.id).await?;
        let mut body = String::from("<h1>Your councils</h1>");
        if councils.is_empty() {
            body.push_str("<p>You are not a member of any council yet: follow the invitation link you were given.</p>");
        } else {
            body.push_str("<ul>");
            for (id, name, role) in councils {
                body.push_str(&format!("<li><a href=\"/councils/{id}\">{}</a> <span class=\"muted\">({})</span></li>", esc(&name), role.words()));
            }
            body.push_str("</ul>");
        }
        if account.secretariat {
            let examples: String = detente_examples::EXAMPLES
                .iter()
                .map(|e| format!("<option value=\"{}\">{} ({})</option>", esc(e.name), esc(e.title), esc(e.file_name)))
                .collect();
            let disclosures: String = [Disclosure::Verdicts, Disclosure::Mediator, Disclosure::Full]
                .iter()
                .map(|d| format!(
                    "<label><input type=\"radio\" name=\"disclosure\" value=\"{}\"{}> {}</label>",
                    d.key(),
                    if *d == Disclosure::Verdicts { " checked" } else { "" },
                    esc(d.words())
                ))
                .collect();
            body.push_str(&format!(
                "<section><h2>Create a council</h2><p>Its model's decision makers become delegations and its options the agenda's terms; no one's preferences are copied: each delegation states its own, in private.</p>{}</section>",
                form(
                    "/councils",
                    &csrf,
                    &format!(
                        "<label>Name <input name=\"name\" required maxlength=\"200\" value=\"NATO-Russia Council\"></label>\
                         <label>Model <select name=\"example\">{examples}</select></label>\
                         <label>…or a model file (TOML), which replaces the choice above <textarea name=\"model\" rows=\"4\"></textarea></label>\
                         <fieldset><legend>What the engine's answers tell whom (cannot be changed later)</legend>{disclosures}</fieldset>"
                    ),
                    "Create the council"
                )
            ));
        }
        body.push_str(&form("/logout", &csrf, "", "Log out"));
        Ok(html("Your councils", &account.name, &body))
    })
    .await
}

async fn login_page(session: Session, uri: Uri) -> Page {
    page(&uri, async {
        let csrf = csrf_token(&session).await?;
        let body = format!(
            "<h1>Log in</h1>{}<p class=\"muted\">No account? Follow the invitation link you were given.</p>",
            form(
                "/login",
                &csrf,
                "<label>Name <input name=\"name\" autocomplete=\"username\" required></label>\
                 <label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>",
                "Log in"
            )
        );
        Ok(Html(layout("Log in", None, &body)).into_response())
    })
    .await
}

async fn login(State(s): St, session: Session, uri: Uri, body: Bytes) -> Page {
    page(&uri, async {
        let fields = Fields::of(&body);
        let account =
            s.db.log_in(&fields.text("name"), &fields.text("password"))
                .await?;
        log_in(&session, &account).await?;
        Ok(Redirect::to("/").into_response())
    })
    .await
}

async fn logout(session: Session, uri: Uri) -> Page {
    page(&uri, async {
        log_out(&session).await?;
        Ok(Redirect::to("/login").into_response())
    })
    .await
}

async fn join_page(State(s): St, session: Session, uri: Uri, Path(token): Path<String>) -> Page {
    page(&uri, async {
        let csrf = csrf_token(&session).await?;
        let action = format!("/join/{token}");
        let mut body = String::from("<h1>Join a council</h1><p>This invitation gives a role in a council. Choose a name and a password for a new account, or join with the account you are logged in with.</p>");
        body.push_str(&form(
            &action,
            &csrf,
            &format!(
                "<label>Name (lower-case letters, digits, . _ -) <input name=\"name\" autocomplete=\"username\" required maxlength=\"64\"></label>\
                 <label>Password (at least {} characters) <input name=\"password\" type=\"password\" autocomplete=\"new-password\" required></label>",
                crate::MIN_PASSWORD
            ),
            "Create the account and join",
        ));
        let who = account(&s, &session).await?;
        if let Some(account) = &who {
            body.push_str(&form(&action, &csrf, "", &format!("Join as {}", account.name)));
        }
        Ok(Html(layout("Join a council", who.as_ref().map(|a| a.name.as_str()), &body)).into_response())
    })
    .await
}

async fn join(
    State(s): St,
    session: Session,
    uri: Uri,
    Path(token): Path<String>,
    body: Bytes,
) -> Page {
    page(&uri, async {
        let fields = Fields::of(&body);
        let account = match fields.get("name") {
            Some(name) => {
                s.db.create_account(name, &fields.text("password"), false)
                    .await?
            }
            None => caller(&s, &session).await?,
        };
        let member = s.db.join(&account, &token).await?;
        log_in(&session, &account).await?;
        Ok(back_to(member.council, ""))
    })
    .await
}

async fn create(State(s): St, session: Session, uri: Uri, headers: HeaderMap, body: Bytes) -> Page {
    page(&uri, async {
        let account = caller(&s, &session).await?;
        let fields = Fields::of(&body);
        let model = fields.text("model");
        let request = crate::api::NewCouncil {
            name: fields.text("name"),
            example: model.trim().is_empty().then(|| fields.text("example")),
            model: (!model.trim().is_empty()).then_some(model),
            disclosure: fields.text("disclosure"),
        };
        let created = s
            .db
            .create_council(Some(&account), &request.name, &request.source()?, Disclosure::from_key(&request.disclosure)?)
            .await?;
        let links = invitation_rows(&site(&s, &headers), &created.invitations);
        let body = format!(
            "<h1>The council is created</h1><p>Hand each link to the person it is for: each works once, for a week, and is shown only now.</p>\
             <table><tr><th>Role</th><th>Link</th></tr>{links}</table><p><a href=\"/councils/{}\">Go to the council</a></p>",
            created.council
        );
        Ok(html("Council created", &account.name, &body))
    })
    .await
}

/// The address people reach this server at, as the browser asking named it (the `Host`
/// header), so that an invitation link can be handed on whole.
fn site(s: &Server, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let scheme = if s.secure_cookies { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// Invitations as table rows: whom each is for, and its whole link.
fn invitation_rows(site: &str, invitations: &[crate::Invitation]) -> String {
    invitations
        .iter()
        .map(|i| {
            let link = esc(&format!("{site}/join/{}", i.token));
            format!(
                "<tr><td>{}{}</td><td><a class=\"token\" href=\"{link}\">{link}</a></td></tr>",
                i.role.words(),
                i.delegation
                    .as_ref()
                    .map(|d| format!(" of {}", esc(d)))
                    .unwrap_or_default(),
            )
        })
        .collect()
}

/// The options of the agenda as tick boxes, `ticked` checked.
fn terms_boxes(council: &Council, ticked: &[String]) -> String {
    let mut out = String::from(
        "<fieldset><legend>Terms: the options the package takes up (the rest it leaves out)</legend>",
    );
    for delegation in &council.delegations {
        out.push_str(&format!(
            "<p><strong>{}</strong></p>",
            esc(&delegation.name)
        ));
        for (_, id, label) in council
            .options()
            .into_iter()
            .filter(|(owner, _, _)| *owner == delegation.dm)
        {
            out.push_str(&format!(
                "<label><input type=\"checkbox\" name=\"taken\" value=\"{}\"{}> {}</label>",
                esc(&id),
                if ticked.contains(&id) { " checked" } else { "" },
                esc(&label)
            ));
        }
    }
    out.push_str("</fieldset>");
    out
}

fn answer_html(answer: &EngineAnswer) -> String {
    let mut out = format!(
        "<div class=\"card answer\"><p class=\"muted\">Asked by {} on the positions in force then.</p>",
        esc(&answer.asked_by)
    );
    match &answer.verdict {
        Some(v) => {
            let class = if v.holds.is_empty() { "fails" } else { "holds" };
            out.push_str(&format!(
                "<p class=\"verdict {class}\">{}</p>",
                esc(&v.words)
            ));
        }
        None => out.push_str("<p>The engine's answer was told to the mediator only.</p>"),
    }
    if let Some(d) = &answer.detail {
        out.push_str("<details class=\"detail\" open><summary>For the mediator: who would defect, what deters them, what would have to change</summary><ul>");
        for line in d.temptations.iter().chain(&d.changes).chain(&d.robustness) {
            out.push_str(&format!("<li>{}</li>", esc(line)));
        }
        out.push_str(&format!(
            "<li>{}</li></ul></details>",
            esc(&d.from_status_quo)
        ));
    }
    out.push_str("</div>");
    out
}

async fn proposal_html(
    s: &Server,
    me: &Member,
    council: &Council,
    proposal: &Proposal,
    csrf: &str,
) -> Result<String, CouncilError> {
    let n = proposal.number;
    let base = format!("/councils/{}/proposals/{n}", council.id);
    let mut out = format!(
        "<div class=\"card proposal\" id=\"proposal-{n}\"><h3>{} {n}: {}</h3><p class=\"muted\">Tabled by {}</p>",
        if proposal.non_paper {
            "Non-paper"
        } else {
            "Proposal"
        },
        esc(&proposal.title),
        esc(&proposal.tabled_by)
    );
    if let Some(decision) = &proposal.decision {
        out.push_str(&format!(
            "<p class=\"holds decision\"><strong>Adopted</strong> (version {}) by {}: {}.</p>",
            decision.version,
            esc(&decision.procedure),
            esc(&decision.basis)
        ));
        out.push_str(&format!(
            "<p class=\"muted recording\">{}</p>",
            esc(&recording_words(decision))
        ));
    }
    let Some(current) = proposal.current() else {
        return Ok(out);
    };
    let labels: Vec<String> = current
        .taken
        .iter()
        .map(|id| council.option_label(id))
        .collect();
    out.push_str(&format!(
        "<p>Version {}: {} <span class=\"muted\">(state {})</span></p>",
        current.version,
        if labels.is_empty() {
            "no option taken up".to_string()
        } else {
            esc(&format!("takes up {}", detente_report::and_list(&labels)))
        },
        current.state
    ));
    if !current.note.is_empty() {
        out.push_str(&format!("<p><em>{}</em></p>", esc(&current.note)));
    }
    out.push_str("<table><tr><th>Delegation</th><th>Answer</th><th>Statement</th></tr>");
    for d in &council.delegations {
        let response = current.responses.iter().find(|r| r.delegation == d.id);
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&d.name),
            response.map_or("no answer yet", |r| r.answer.key()),
            response.map(|r| esc(&r.statement)).unwrap_or_default()
        ));
    }
    out.push_str("</table>");
    if let Some(silence) = &current.silence {
        out.push_str(&match silence.broken_by.and_then(|d| council.delegation(d)) {
            Some(d) => format!("<p>The silence procedure was broken by {}.</p>", esc(&d.name)),
            None => "<p>Under a silence procedure: adopted at its deadline unless a delegation rejects it.</p>".to_string(),
        });
    }
    let answers = s.db.answers(me, n).await?;
    match answers.first() {
        Some(latest) => out.push_str(&answer_html(latest)),
        None => out.push_str("<p class=\"muted\">The engine has not been asked about this proposal yet (it answers once every delegation has stated a position).</p>"),
    }
    if proposal.decision.is_none() {
        if me.delegation.is_some() {
            out.push_str(&form(
                &format!("{base}/responses"),
                csrf,
                &format!(
                    "<input type=\"hidden\" name=\"version\" value=\"{}\">\
                     <label>Your delegation's answer <select name=\"answer\" required><option value=\"\" selected disabled>choose…</option><option value=\"accept\">accept</option><option value=\"reject\">reject</option><option value=\"reserve\">reserve</option></select></label>\
                     <label>Statement <textarea name=\"statement\" rows=\"2\"></textarea></label>",
                    current.version
                ),
                "Answer",
            ));
        }
        if matches!(me.role, Role::Mediator | Role::Head | Role::Delegate) {
            out.push_str(&form(
                &format!("{base}/answers"),
                csrf,
                "",
                "Ask the engine whether it can hold",
            ));
        }
        let own = proposal.delegation.is_some_and(|d| me.speaks_for(d));
        if me.role == Role::Mediator || own {
            out.push_str(&format!(
                "<details class=\"amend\"><summary>Amend</summary>{}</details>",
                form(
                    &format!("{base}/amendments"),
                    csrf,
                    &format!(
                        "{}<label>Why <textarea name=\"note\" rows=\"2\"></textarea></label>",
                        terms_boxes(council, &current.taken)
                    ),
                    "Table the amendment"
                )
            ));
        }
        if me.role == Role::Mediator && !proposal.non_paper && current.silence.is_none() {
            out.push_str(&form(
                &format!("{base}/silence"),
                csrf,
                "<label>Silence procedure: adopted unless a delegation rejects it within <input name=\"minutes\" type=\"number\" min=\"1\" value=\"1440\"> minutes</label>",
                "Start the silence procedure",
            ));
        }
    }
    out.push_str("</div>");
    Ok(out)
}

async fn council_page(
    State(s): St,
    Asking(me): Asking,
    session: Session,
    uri: Uri,
    Path(id): Path<i64>,
) -> Page {
    page(&uri, async {
        let csrf = csrf_token(&session).await?;
        let council = s.db.council(&me).await?;
        let mut body = format!(
            "<h1>{}</h1><p>You are its {}{}.</p><p class=\"muted\">Disclosure: {}</p>\
             <nav><a href=\"/councils/{id}/record\">The record</a> · <a href=\"/councils/{id}/talk/plenary\">Plenary</a>",
            esc(&council.name),
            me.role.words(),
            me.delegation.as_ref().map(|d| format!(", for {}", esc(&d.name))).unwrap_or_default(),
            esc(council.disclosure.words())
        );
        if let Some(d) = &me.delegation {
            body.push_str(&format!(
                " · <a href=\"/councils/{id}/position\">Your delegation's position</a> · <a href=\"/councils/{id}/talk/caucus-{}\">Caucus with the mediator</a>",
                d.id
            ));
        }
        body.push_str("</nav>");
        if me.role == Role::Mediator {
            body.push_str("<section><h2>Caucus</h2><ul>");
            for d in &council.delegations {
                let granted = s.db.caucus_granted(d.id).await?;
                body.push_str(&format!(
                    "<li>{}: <a href=\"/councils/{id}/talk/caucus-{}\">talk</a>{}</li>",
                    esc(&d.name),
                    d.id,
                    if granted { format!(" · <a href=\"/councils/{id}/delegations/{}/position\">its position (granted)</a>", d.id) } else { String::new() }
                ));
            }
            body.push_str("</ul></section>");
        }
        body.push_str("<section><h2>Proposals</h2>");
        let proposals = s.db.proposals(&me).await?;
        if proposals.is_empty() {
            body.push_str("<p>Nothing has been tabled yet.</p>");
        }
        for p in &proposals {
            body.push_str(&proposal_html(&s, &me, &council, p, &csrf).await?);
        }
        if matches!(me.role, Role::Mediator | Role::Head | Role::Delegate) {
            body.push_str(&format!(
                "<details class=\"table-package\"><summary>Table a package</summary>{}</details>",
                form(
                    &format!("/councils/{id}/proposals"),
                    &csrf,
                    &format!(
                        "<label>Title <input name=\"title\" required maxlength=\"200\"></label>{}\
                         <label><input type=\"checkbox\" name=\"non_paper\" value=\"1\"> A non-paper (for discussion, not for adoption)</label>\
                         <label>Note <textarea name=\"note\" rows=\"2\"></textarea></label>",
                        terms_boxes(&council, &[])
                    ),
                    "Table it"
                )
            ));
        }
        body.push_str("</section><section><h2>Members</h2><ul>");
        for (name, role, delegation) in s.db.members(&me).await? {
            body.push_str(&format!(
                "<li>{} — {}{}</li>",
                esc(&name),
                role.words(),
                delegation.map(|d| format!(", {}", esc(&d))).unwrap_or_default()
            ));
        }
        body.push_str("</ul>");
        if me.role == Role::Secretariat || me.role == Role::Head {
            // A head invites delegates to its own delegation only: nothing to choose.
            let fields = match &me.delegation {
                Some(own) if me.role == Role::Head => format!(
                    "<input type=\"hidden\" name=\"role\" value=\"delegate\"><input type=\"hidden\" name=\"delegation\" value=\"{}\">\
                     <p>Invite a delegate of {}: they will speak for it as you do, but invite no one and grant no caucus.</p>",
                    own.id,
                    esc(&own.name)
                ),
                _ => {
                    let roles: String = Role::ALL.iter().map(|r| format!("<option value=\"{}\">{}</option>", r.key(), r.words())).collect();
                    let delegations: String = council
                        .delegations
                        .iter()
                        .map(|d| format!("<option value=\"{}\">{}</option>", d.id, esc(&d.name)))
                        .collect();
                    format!(
                        "<label>Invite a <select name=\"role\">{roles}</select></label>\
                         <label>of the delegation (heads and delegates) <select name=\"delegation\"><option value=\"\">none</option>{delegations}</select></label>"
                    )
                }
            };
            body.push_str(&form(
                &format!("/councils/{id}/invitations"),
                &csrf,
                &fields,
                "Make an invitation link",
            ));
        }
        body.push_str("</section>");
        let cosign = me.delegation.as_ref().is_some_and(|own| {
            proposals.iter().any(|p| {
                p.decision
                    .as_ref()
                    .is_some_and(|d| d.awaiting.contains(&own.name))
            })
        });
        body.push_str(&witness(id, &me, &csrf, cosign));
        body.push_str(&live(id, s.db.record_size(id).await?, None));
        Ok(html(&council.name, &me.name, &body))
    })
    .await
}

/// The record, a page of [`RECORD_PAGE`] events at a time (`?after=` the last seq seen).
async fn record_page(
    State(s): St,
    Asking(me): Asking,
    uri: Uri,
    Path(id): Path<i64>,
    Query(from): Query<RecordFrom>,
) -> Page {
    page(&uri, async {
        let council = s.db.council(&me).await?;
        let events = s.db.record(&me, from.after, RECORD_PAGE).await?;
        let mut body = format!(
            "<h1>The record of {}</h1><p>Every event of the council, in order; what a delegation holds private appears only as the fact that it changed.</p><ol>",
            esc(&council.name)
        );
        for event in &events {
            body.push_str(&format!("<li value=\"{}\">{}</li>", event.seq, esc(&event.summary)));
        }
        body.push_str("</ol>");
        if let Some(last) = events.last().filter(|_| events.len() == RECORD_PAGE) {
            body.push_str(&format!(
                "<p><a href=\"/councils/{id}/record?after={}\">Later events</a></p>",
                last.seq
            ));
        }
        body.push_str(&format!("<p><a href=\"/councils/{id}\">Back to the council</a></p>"));
        body.push_str(&witness(id, &me, "", false));
        Ok(html("The record", &me.name, &body))
    })
    .await
}

/// Where a page of the record starts: after event `after` (0: from the first).
#[derive(serde::Deserialize)]
struct RecordFrom {
    #[serde(default)]
    after: i64,
}

async fn invite(
    State(s): St,
    Asking(me): Asking,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> Page {
    page(&uri, async {
        let fields = Fields::of(&body);
        let delegation = match fields.text("delegation").trim() {
            "" => None,
            d => Some(d.parse().map_err(|_| CouncilError::invalid("choose a delegation from the list"))?),
        };
        let invitation = s.db.invite(&me, Role::from_key(&fields.text("role"))?, delegation).await?;
        let body = format!(
            "<h1>Invitation</h1><p>Hand this link to the person it is for: it works once, for a week, and is shown only now.</p><table>{}</table><p><a href=\"/councils/{id}\">Back to the council</a></p>",
            invitation_rows(&site(&s, &headers), std::slice::from_ref(&invitation))
        );
        Ok(html("Invitation", &me.name, &body))
    })
    .await
}

async fn position_page(
    State(s): St,
    Asking(me): Asking,
    session: Session,
    uri: Uri,
    Path(id): Path<i64>,
) -> Page {
    page(&uri, async {
        let csrf = csrf_token(&session).await?;
        let delegation = me.own_delegation("read a delegation's position")?.clone();
        let council = s.db.council(&me).await?;
        let positions = s.db.positions(&me, delegation.id).await?;
        let current = match positions.first() {
            Some(p) => detente_app::position_to_toml(&p.body)?,
            None => "preferences = [\n  { statement = \"\" },\n]\n".to_string(),
        };
        let options: String = council
            .options()
            .iter()
            .map(|(_, id, label)| format!("<li><code>{}</code>: {}</li>", esc(id), esc(label)))
            .collect();
        let mut body = format!(
            "<h1>The position of {}</h1><p>Only your delegation reads it{}. The engine uses your latest version, with every other delegation's, to say whether a tabled package can hold; the record says only that you revised it.</p>",
            esc(&delegation.name),
            if s.db.caucus_granted(delegation.id).await? { ", and the mediator, to whom your head has granted a caucus" } else { "" }
        );
        body.push_str(&form(
            &format!("/councils/{id}/position"),
            &csrf,
            &format!(
                "<label>Your preferences, most important first, as in a model file (docs/MODEL_FORMAT.md): each statement a formula over the options; \
                 <code>priority = [lowest, highest]</code> where you are unsure of its place.<textarea name=\"position\" rows=\"12\">{}</textarea></label>",
                esc(&current)
            ),
            "Save a new version",
        ));
        body.push_str(&format!("<details><summary>The agenda's options</summary><ul>{options}</ul></details>"));
        if me.role == Role::Head {
            let granted = s.db.caucus_granted(delegation.id).await?;
            body.push_str(&form(
                &format!("/councils/{id}/caucus"),
                &csrf,
                &format!("<input type=\"hidden\" name=\"granted\" value=\"{}\">", if granted { "false" } else { "true" }),
                if granted { "Withdraw the mediator's access" } else { "Let the mediator read this position (a caucus; every member will see that you did)" },
            ));
        }
        body.push_str(&format!("<h2>Versions</h2><ol reversed>{}</ol>", positions.iter().map(|p| format!("<li>version {} by {}</li>", p.version, esc(&p.author))).collect::<String>()));
        Ok(html("Your position", &me.name, &body))
    })
    .await
}

async fn state_position(
    State(s): St,
    Asking(me): Asking,
    uri: Uri,
    Path(id): Path<i64>,
    body: Bytes,
) -> Page {
    page(&uri, async {
        let position = detente_app::position_from_toml(&Fields::of(&body).text("position"))?;
        s.db.state_position(&me, &position).await?;
        Ok(Redirect::to(&format!("/councils/{id}/position")).into_response())
    })
    .await
}

async fn caucus(
    State(s): St,
    Asking(me): Asking,
    uri: Uri,
    Path(id): Path<i64>,
    body: Bytes,
) -> Page {
    page(&uri, async {
        s.db.grant_caucus(&me, Fields::of(&body).text("granted") == "true")
            .await?;
        Ok(Redirect::to(&format!("/councils/{id}/position")).into_response())
    })
    .await
}

async fn caucus_page(
    State(s): St,
    Asking(me): Asking,
    uri: Uri,
    Path((id, delegation)): Path<(i64, i64)>,
) -> Page {
    page(&uri, async {
        let positions = s.db.positions(&me, delegation).await?;
        let council = s.db.council(&me).await?;
        let name = council.delegation(delegation).map(|d| d.name.clone()).unwrap_or_default();
        let text = match positions.first() {
            Some(p) => detente_app::position_to_toml(&p.body)?,
            None => "(no position stated yet)".to_string(),
        };
        let body = format!("<h1>The position of {} (caucus)</h1><pre>{}</pre><p><a href=\"/councils/{id}\">Back</a></p>", esc(&name), esc(&text));
        Ok(html("Caucus", &me.name, &body))
    })
    .await
}

async fn table(
    State(s): St,
    Asking(me): Asking,
    uri: Uri,
    Path(id): Path<i64>,
    body: Bytes,
) -> Page {
    page(&uri, async {
        let fields = Fields::of(&body);
        let tabling = Tabling {
            title: fields.text("title"),
            taken: fields.all("taken"),
            non_paper: fields.get("non_paper").is_some(),
            note: fields.text("note"),
        };
        let proposal = s.db.table(&me, &tabling).await?;
        Ok(back_to(id, &format!("#proposal-{}", proposal.number)))
    })
    .await
}

async fn amend(
    State(s): St,
    Asking(me): Asking,
    uri: Uri,
    Path((id, n)): Path<(i64, i64)>,
    body: Bytes,
) -> Page {
    page(&uri, async {
        let fields = Fields::of(&body);
        s.db.amend(
            &me,
            n,
            &Amendment {
                taken: fields.all("taken"),
                note: fields.text("note"),
            },
        )
        .await?;
        Ok(back_to(id, &format!("#proposal-{n}")))
    })
    .await
}

async fn respond(
    State(s): St,
    Asking(me): Asking,
    uri: Uri,
    Path((id, n)): Path<(i64, i64)>,
    body: Bytes,
) -> Page {
    page(&uri, async {
        let fields = Fields::of(&body);
        s.db.respond(
            &me,
            n,
            fields.number("version")?,
            Answer::from_key(&fields.text("answer"))?,
            &fields.text("statement"),
        )
        .await?;
        Ok(back_to(id, &format!("#proposal-{n}")))
    })
    .await
}

async fn silence(
    State(s): St,
    Asking(me): Asking,
    uri: Uri,
    Path((id, n)): Path<(i64, i64)>,
    body: Bytes,
) -> Page {
    page(&uri, async {
        s.db.start_silence(&me, n, Fields::of(&body).number("minutes")?)
            .await?;
        Ok(back_to(id, &format!("#proposal-{n}")))
    })
    .await
}

async fn ask(State(s): St, Asking(me): Asking, uri: Uri, Path((id, n)): Path<(i64, i64)>) -> Page {
    page(&uri, async {
        s.db.ask(&me, n).await?;
        Ok(back_to(id, &format!("#proposal-{n}")))
    })
    .await
}

async fn talk_page(
    State(s): St,
    Asking(me): Asking,
    session: Session,
    uri: Uri,
    Path((id, name)): Path<(i64, String)>,
) -> Page {
    page(&uri, async {
        let csrf = csrf_token(&session).await?;
        let channel = crate::api::channel(&name)?;
        let council = s.db.council(&me).await?;
        let title = match channel {
            Channel::Plenary => "Plenary".to_string(),
            Channel::Caucus(d) => format!(
                "Caucus of {} with the mediator",
                council
                    .delegation(d)
                    .map(|d| d.name.as_str())
                    .unwrap_or("?")
            ),
        };
        let mut body = format!("<h1>{}</h1><ol class=\"messages\">", esc(&title));
        for m in s.db.messages(&me, channel, 0).await? {
            body.push_str(&format!(
                "<li><strong>{}</strong>: {}</li>",
                esc(&m.by),
                esc(&m.body)
            ));
        }
        body.push_str("</ol>");
        if !matches!(me.role, Role::Observer | Role::Auditor) {
            body.push_str(&form(
                &format!("/councils/{id}/talk/{name}"),
                &csrf,
                "<label>Message <textarea name=\"body\" rows=\"3\" required></textarea></label>",
                "Send",
            ));
        }
        body.push_str(&format!(
            "<p><a href=\"/councils/{id}\">Back to the council</a></p>"
        ));
        body.push_str(&live(id, s.db.record_size(id).await?, Some(&name)));
        Ok(html(&title, &me.name, &body))
    })
    .await
}

async fn say(
    State(s): St,
    Asking(me): Asking,
    uri: Uri,
    Path((id, name)): Path<(i64, String)>,
    body: Bytes,
) -> Page {
    page(&uri, async {
        s.db.say(
            &me,
            crate::api::channel(&name)?,
            &Fields::of(&body).text("body"),
        )
        .await?;
        Ok(Redirect::to(&format!("/councils/{id}/talk/{name}")).into_response())
    })
    .await
}
