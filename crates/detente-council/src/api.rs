//! The JSON API: one route per action, each calling one domain method on [`Db`] with
//! the member asking; the OpenAPI description is `assets/openapi.json`.

use crate::cosign::Cosigning;
use crate::council::{Disclosure, RECORD_PAGE, Role};
use crate::error::CouncilError;
use crate::proposals::{Amendment, Answer, Tabling};
use crate::talk::Channel;
use crate::web::{Asking, Server, St, caller, csrf_token, failure, log_in, log_out};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use detente_app::Source;
use serde::Deserialize;
use serde_json::{Value, json};
use tower_sessions::Session;

pub(crate) fn routes() -> Router<Server> {
    Router::new()
        .route(
            "/api/openapi.json",
            get(|| async { ([("content-type", "application/json")], OPENAPI) }),
        )
        .route("/api/login", post(login))
        .route("/api/logout", post(logout))
        .route("/api/session", get(session_info))
        .route("/api/join", post(join))
        .route("/api/councils", get(councils).post(create))
        .route("/api/councils/{council}", get(council))
        .route("/api/councils/{council}/record", get(record))
        .route("/api/councils/{council}/events", get(events))
        .route("/api/councils/{council}/checkpoint", get(checkpoint))
        .route("/api/councils/{council}/proofs/inclusion", get(inclusion))
        .route(
            "/api/councils/{council}/proofs/consistency",
            get(consistency),
        )
        .route("/api/councils/{council}/keys", post(register_key))
        .route(
            "/api/councils/{council}/cosignatures",
            get(cosignatures).post(cosign),
        )
        .route("/api/councils/{council}/invitations", post(invite))
        .route(
            "/api/councils/{council}/position",
            get(own_position).post(state_position),
        )
        .route(
            "/api/councils/{council}/delegations/{delegation}/position",
            get(position),
        )
        .route("/api/councils/{council}/caucus", post(caucus))
        .route(
            "/api/councils/{council}/proposals",
            get(proposals).post(table),
        )
        .route("/api/councils/{council}/proposals/{number}", get(proposal))
        .route(
            "/api/councils/{council}/proposals/{number}/amendments",
            post(amend),
        )
        .route(
            "/api/councils/{council}/proposals/{number}/responses",
            post(respond),
        )
        .route(
            "/api/councils/{council}/proposals/{number}/silence",
            post(silence),
        )
        .route(
            "/api/councils/{council}/proposals/{number}/answers",
            get(answers).post(ask),
        )
        .route(
            "/api/councils/{council}/talk/{channel}",
            get(messages).post(say),
        )
}

/// The OpenAPI 3.1 description of the API.
pub const OPENAPI: &str = include_str!("../assets/openapi.json");

type Reply = Result<Response, Response>;

/// Runs one action for the API: its error as the API's JSON error.
async fn reply<T: serde::Serialize>(
    uri: &Uri,
    status: StatusCode,
    work: impl Future<Output = Result<T, CouncilError>>,
) -> Reply {
    match work.await {
        Ok(value) => Ok((status, Json(value)).into_response()),
        Err(e) => Err(failure(uri.path(), e)),
    }
}

#[derive(Deserialize)]
struct Login {
    name: String,
    password: String,
}

async fn login(State(s): St, session: Session, uri: Uri, Json(body): Json<Login>) -> Reply {
    reply(&uri, StatusCode::OK, async {
        let account = s.db.log_in(&body.name, &body.password).await?;
        let csrf = log_in(&session, &account).await?;
        Ok(json!({"account": account, "csrf": csrf}))
    })
    .await
}

async fn logout(session: Session, uri: Uri) -> Reply {
    reply(&uri, StatusCode::OK, async {
        log_out(&session).await?;
        Ok(json!({"logged_out": true}))
    })
    .await
}

async fn session_info(State(s): St, session: Session, uri: Uri) -> Reply {
    reply(&uri, StatusCode::OK, async {
        let account = caller(&s, &session).await?;
        Ok(json!({"account": account, "csrf": csrf_token(&session).await?}))
    })
    .await
}

#[derive(Deserialize)]
struct Join {
    token: String,
    /// A new account's name and password; without them, the logged-in account joins.
    name: Option<String>,
    password: Option<String>,
}

async fn join(State(s): St, session: Session, uri: Uri, Json(body): Json<Join>) -> Reply {
    reply(&uri, StatusCode::OK, async {
        let account = match (&body.name, &body.password) {
            (Some(name), Some(password)) => s.db.create_account(name, password, false).await?,
            (None, None) => caller(&s, &session).await?,
            _ => return Err(CouncilError::invalid("give both a name and a password for a new account, or neither to join as the logged-in account")),
        };
        let member = s.db.join(&account, &body.token).await?;
        let csrf = log_in(&session, &account).await?;
        Ok(json!({"account": account, "member": member, "csrf": csrf}))
    })
    .await
}

async fn councils(State(s): St, session: Session, uri: Uri) -> Reply {
    reply(&uri, StatusCode::OK, async {
        let account = caller(&s, &session).await?;
        let list: Vec<Value> =
            s.db.councils_of(account.id)
                .await?
                .into_iter()
                .map(|(id, name, role)| json!({"id": id, "name": name, "role": role}))
                .collect();
        Ok(list)
    })
    .await
}

#[derive(Deserialize)]
pub(crate) struct NewCouncil {
    pub name: String,
    /// A built-in model by name (such as `nrc`), or...
    pub example: Option<String>,
    /// ...a model file's text (TOML or .gmcr).
    pub model: Option<String>,
    #[serde(default = "default_disclosure")]
    pub disclosure: String,
}

fn default_disclosure() -> String {
    Disclosure::Verdicts.key().to_string()
}

impl NewCouncil {
    /// The model the request names, or why it names none.
    pub(crate) fn source(&self) -> Result<Source, CouncilError> {
        match (&self.example, &self.model) {
            (Some(name), None) => Ok(Source::Example(Some(name.clone()))),
            (None, Some(text)) => Ok(Source::Text {
                text: text.clone(),
                name: "the council's model".to_string(),
            }),
            _ => Err(CouncilError::invalid(
                "name the council's model: a built-in example (`example`) or a model file's text (`model`), one of the two",
            )),
        }
    }
}

async fn create(State(s): St, session: Session, uri: Uri, Json(body): Json<NewCouncil>) -> Reply {
    reply(&uri, StatusCode::CREATED, async {
        let account = caller(&s, &session).await?;
        s.db.create_council(
            Some(&account),
            &body.name,
            &body.source()?,
            Disclosure::from_key(&body.disclosure)?,
        )
        .await
    })
    .await
}

async fn council(State(s): St, Asking(member): Asking, uri: Uri) -> Reply {
    reply(&uri, StatusCode::OK, async {
        let council = s.db.council(&member).await?;
        let members: Vec<Value> = s
            .db
            .members(&member)
            .await?
            .into_iter()
            .map(|(name, role, delegation)| json!({"name": name, "role": role, "delegation": delegation}))
            .collect();
        Ok(json!({"council": council, "disclosure": council.disclosure.words(), "you": member, "members": members}))
    })
    .await
}

#[derive(Deserialize)]
struct After {
    #[serde(default)]
    after: i64,
}

/// A page of the record: the events after `after`, at most `limit` of them.
#[derive(Deserialize)]
struct RecordPage {
    #[serde(default)]
    after: i64,
    limit: Option<usize>,
}

impl RecordPage {
    /// How many events to send: `limit`, which must be 1 to [`RECORD_PAGE`].
    fn limit(&self) -> Result<usize, CouncilError> {
        match self.limit {
            None => Ok(RECORD_PAGE),
            Some(n) if (1..=RECORD_PAGE).contains(&n) => Ok(n),
            Some(n) => Err(CouncilError::invalid(format!(
                "limit={n} is out of range: ask for 1 to {RECORD_PAGE} events at a time, and for the next page with after= the last event's seq"
            ))),
        }
    }
}

async fn record(
    State(s): St,
    Asking(member): Asking,
    uri: Uri,
    Query(q): Query<RecordPage>,
) -> Reply {
    reply(&uri, StatusCode::OK, async {
        s.db.record(&member, q.after, q.limit()?).await
    })
    .await
}

async fn checkpoint(State(s): St, Asking(member): Asking, uri: Uri) -> Reply {
    reply(&uri, StatusCode::OK, s.db.checkpoint(&member)).await
}

#[derive(Deserialize)]
struct InclusionQuery {
    seq: i64,
    size: Option<u64>,
}

async fn inclusion(
    State(s): St,
    Asking(member): Asking,
    uri: Uri,
    Query(q): Query<InclusionQuery>,
) -> Reply {
    reply(&uri, StatusCode::OK, s.db.inclusion(&member, q.seq, q.size)).await
}

#[derive(Deserialize)]
struct ConsistencyQuery {
    from: u64,
    to: Option<u64>,
}

async fn consistency(
    State(s): St,
    Asking(member): Asking,
    uri: Uri,
    Query(q): Query<ConsistencyQuery>,
) -> Reply {
    reply(
        &uri,
        StatusCode::OK,
        s.db.consistency(&member, q.from, q.to),
    )
    .await
}

#[derive(Deserialize)]
struct KeyToRegister {
    key: String,
}

async fn register_key(
    State(s): St,
    Asking(member): Asking,
    uri: Uri,
    Json(body): Json<KeyToRegister>,
) -> Reply {
    reply(
        &uri,
        StatusCode::CREATED,
        s.db.register_key(&member, &body.key),
    )
    .await
}

async fn cosignatures(State(s): St, Asking(member): Asking, uri: Uri) -> Reply {
    reply(&uri, StatusCode::OK, s.db.cosignatures(&member)).await
}

async fn cosign(
    State(s): St,
    Asking(member): Asking,
    uri: Uri,
    Json(body): Json<Cosigning>,
) -> Reply {
    reply(&uri, StatusCode::CREATED, s.db.cosign(&member, &body)).await
}

#[derive(Deserialize)]
struct Invite {
    role: String,
    delegation: Option<i64>,
}

async fn invite(State(s): St, Asking(member): Asking, uri: Uri, Json(body): Json<Invite>) -> Reply {
    reply(&uri, StatusCode::CREATED, async {
        s.db.invite(&member, Role::from_key(&body.role)?, body.delegation)
            .await
    })
    .await
}

async fn own_position(State(s): St, Asking(member): Asking, uri: Uri) -> Reply {
    reply(&uri, StatusCode::OK, async {
        let delegation = member.own_delegation("read a delegation's position")?.id;
        s.db.positions(&member, delegation).await
    })
    .await
}

async fn state_position(
    State(s): St,
    Asking(member): Asking,
    uri: Uri,
    Json(body): Json<Value>,
) -> Reply {
    reply(
        &uri,
        StatusCode::CREATED,
        s.db.state_position(&member, &body),
    )
    .await
}

async fn position(
    State(s): St,
    Asking(member): Asking,
    uri: Uri,
    Path((_, delegation)): Path<(i64, i64)>,
) -> Reply {
    reply(&uri, StatusCode::OK, s.db.positions(&member, delegation)).await
}

#[derive(Deserialize)]
struct Caucus {
    granted: bool,
}

async fn caucus(State(s): St, Asking(member): Asking, uri: Uri, Json(body): Json<Caucus>) -> Reply {
    reply(&uri, StatusCode::OK, async {
        s.db.grant_caucus(&member, body.granted).await?;
        Ok(json!({"granted": body.granted}))
    })
    .await
}

async fn proposals(State(s): St, Asking(member): Asking, uri: Uri) -> Reply {
    reply(&uri, StatusCode::OK, s.db.proposals(&member)).await
}

async fn table(State(s): St, Asking(member): Asking, uri: Uri, Json(body): Json<Tabling>) -> Reply {
    reply(&uri, StatusCode::CREATED, s.db.table(&member, &body)).await
}

async fn proposal(
    State(s): St,
    Asking(member): Asking,
    uri: Uri,
    Path((_, number)): Path<(i64, i64)>,
) -> Reply {
    reply(&uri, StatusCode::OK, async {
        s.db.settle_silences(member.council).await?;
        s.db.proposal(&member, number).await
    })
    .await
}

async fn amend(
    State(s): St,
    Asking(member): Asking,
    uri: Uri,
    Path((_, number)): Path<(i64, i64)>,
    Json(body): Json<Amendment>,
) -> Reply {
    reply(
        &uri,
        StatusCode::CREATED,
        s.db.amend(&member, number, &body),
    )
    .await
}

#[derive(Deserialize)]
struct Respond {
    version: i64,
    answer: String,
    #[serde(default)]
    statement: String,
}

async fn respond(
    State(s): St,
    Asking(member): Asking,
    uri: Uri,
    Path((_, number)): Path<(i64, i64)>,
    Json(body): Json<Respond>,
) -> Reply {
    reply(&uri, StatusCode::CREATED, async {
        s.db.respond(
            &member,
            number,
            body.version,
            Answer::from_key(&body.answer)?,
            &body.statement,
        )
        .await
    })
    .await
}

#[derive(Deserialize)]
struct Silence {
    minutes: i64,
}

async fn silence(
    State(s): St,
    Asking(member): Asking,
    uri: Uri,
    Path((_, number)): Path<(i64, i64)>,
    Json(body): Json<Silence>,
) -> Reply {
    reply(
        &uri,
        StatusCode::CREATED,
        s.db.start_silence(&member, number, body.minutes),
    )
    .await
}

async fn ask(
    State(s): St,
    Asking(member): Asking,
    uri: Uri,
    Path((_, number)): Path<(i64, i64)>,
) -> Reply {
    reply(&uri, StatusCode::CREATED, s.db.ask(&member, number)).await
}

async fn answers(
    State(s): St,
    Asking(member): Asking,
    uri: Uri,
    Path((_, number)): Path<(i64, i64)>,
) -> Reply {
    reply(&uri, StatusCode::OK, s.db.answers(&member, number)).await
}

/// A channel named in a path: `plenary`, or `caucus-{delegation id}`.
pub(crate) fn channel(name: &str) -> Result<Channel, CouncilError> {
    if name == "plenary" {
        return Ok(Channel::Plenary);
    }
    name.strip_prefix("caucus-")
        .and_then(|d| d.parse().ok())
        .map(Channel::Caucus)
        .ok_or_else(|| {
            CouncilError::not_found(format!(
                "there is no channel `{name}`: use plenary or caucus-<delegation id>"
            ))
        })
}

async fn messages(
    State(s): St,
    Asking(member): Asking,
    uri: Uri,
    Path((_, name)): Path<(i64, String)>,
    Query(q): Query<After>,
) -> Reply {
    reply(&uri, StatusCode::OK, async {
        s.db.messages(&member, channel(&name)?, q.after).await
    })
    .await
}

#[derive(Deserialize)]
struct Say {
    body: String,
}

async fn say(
    State(s): St,
    Asking(member): Asking,
    uri: Uri,
    Path((_, name)): Path<(i64, String)>,
    Json(body): Json<Say>,
) -> Reply {
    reply(&uri, StatusCode::CREATED, async {
        s.db.say(&member, channel(&name)?, &body.body).await
    })
    .await
}

/// What a member's open pages are sent live, as server-sent events: each new event of
/// the council's record (`event: record`, from event `after` + 1 on) and each new
/// message on a channel the member may read (`event: message`, from the newest when the
/// stream opens). A stream wakes when its council changes (crate::notify: at once on
/// PostgreSQL from any process) and polls every [`POLL`] besides.
async fn events(State(s): St, Asking(member): Asking, uri: Uri, Query(q): Query<After>) -> Reply {
    use axum::response::sse::{Event, KeepAlive, Sse};
    let said = match s.db.messages_since(&member, 0).await {
        Ok(messages) => messages.last().map_or(0, |m| m.id),
        Err(e) => return Err(failure(uri.path(), e)),
    };
    let start = Live {
        after: q.after,
        behind: false,
        said,
        pending: Vec::new(),
        changes: crate::notify::subscribe(),
    };
    let stream =
        futures_util::stream::unfold((s, member, start), |(s, member, mut live)| async move {
            loop {
                if !live.pending.is_empty() {
                    let event = live.pending.remove(0);
                    return Some((Ok::<_, std::convert::Infallible>(event), (s, member, live)));
                }
                // Woken by a change to this council, or by the poll that finds other
                // processes' changes on SQLite; at once while the record has more pages.
                let poll = tokio::time::sleep(POLL);
                tokio::pin!(poll);
                while !live.behind {
                    tokio::select! {
                        _ = &mut poll => break,
                        changed = live.changes.recv() => match changed {
                            Ok(council) if council != member.council => continue,
                            _ => break,
                        },
                    }
                }
                // A database failure ends the stream; the page's EventSource reconnects.
                let page = s.db.record(&member, live.after, RECORD_PAGE).await.ok()?;
                live.behind = page.len() == RECORD_PAGE;
                for event in page {
                    live.after = event.seq;
                    live.pending.push(
                        Event::default()
                            .event("record")
                            .id(event.seq.to_string())
                            .json_data(&event)
                            .ok()?,
                    );
                }
                for message in s.db.messages_since(&member, live.said).await.ok()? {
                    live.said = message.id;
                    live.pending
                        .push(Event::default().event("message").json_data(&message).ok()?);
                }
            }
        });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}

/// Where a live stream has got to.
struct Live {
    after: i64,
    /// Whether the last page of the record read was full, so more may follow at once.
    behind: bool,
    said: i64,
    pending: Vec<axum::response::sse::Event>,
    changes: tokio::sync::broadcast::Receiver<i64>,
}

/// How often a live stream looks for changes no announcement told it of.
const POLL: std::time::Duration = std::time::Duration::from_secs(2);
