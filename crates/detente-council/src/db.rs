//! The council's database: one SQLite file by default, or a PostgreSQL server, read and
//! written through sqlx's Any driver with the same queries (`$1` placeholders, BIGINT
//! flags and times), each backend with its own migrations (`migrations/`).

use crate::error::{CouncilError, Result};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::time::Duration;

static SQLITE: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("migrations/postgres");

/// Which database the council runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The council's database, migrated and ready.
#[derive(Clone)]
pub struct Db {
    /// Where every change is written (and read back inside its transaction).
    pub(crate) pool: AnyPool,
    /// Where reads outside a change go: connections of their own, so that a read never
    /// waits for a connection behind changes queued for a council's lock (on SQLite,
    /// WAL lets them read while the one writer writes).
    pub(crate) reader: AnyPool,
    pub(crate) backend: Backend,
}

/// How many connections read SQLite at once, beside its one writer.
const SQLITE_READERS: u32 = 4;
/// How many connections write to PostgreSQL at once, and how many read beside them.
const POSTGRES_WRITERS: u32 = 16;
const POSTGRES_READERS: u32 = 8;

/// How long a request waits for a free connection before it fails.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// How long opening the database may take: a server that does not answer is reported
/// after this, not after [`ACQUIRE_TIMEOUT`].
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl Db {
    /// Opens (creating and migrating it when new) the database `location` names: a
    /// `postgres://` URL, a `sqlite://` URL, or a file path for SQLite.
    ///
    /// SQLite runs in WAL mode with full sync, so a write is on disk when it is
    /// acknowledged, written through one connection, so that writes never race, and read
    /// through [`SQLITE_READERS`] more; PostgreSQL through two pools, one for changes
    /// (serialised per council by a row lock) and one for reads.
    pub async fn open(location: &str) -> Result<Db> {
        install_default_drivers();
        let (backend, url) =
            if location.starts_with("postgres://") || location.starts_with("postgresql://") {
                (Backend::Postgres, location.to_string())
            } else {
                let path = location.strip_prefix("sqlite://").unwrap_or(location);
                (Backend::Sqlite, format!("sqlite://{path}?mode=rwc"))
            };
        let pool = match backend {
            Backend::Sqlite => sqlite_pool(&url, 1, "").await?,
            Backend::Postgres => postgres_pool(&url, POSTGRES_WRITERS).await?,
        };
        match backend {
            Backend::Sqlite => SQLITE.run(&pool).await?,
            Backend::Postgres => POSTGRES.run(&pool).await?,
        }
        let reader = match backend {
            // Opened after the migrations, so the file exists and is in WAL mode.
            Backend::Sqlite => {
                sqlite_pool(&url, SQLITE_READERS, " PRAGMA query_only = ON;").await?
            }
            Backend::Postgres => {
                crate::notify::listen(url.clone());
                postgres_pool(&url, POSTGRES_READERS).await?
            }
        };
        Ok(Db {
            pool,
            reader,
            backend,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection pool, for tools and tests that read the tables directly.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// A pool of `connections` connections to the SQLite database at `url`, each set up
/// for durability (WAL, full sync) and to wait for the writer rather than fail, plus
/// `extra` pragmas.
async fn sqlite_pool(url: &str, connections: u32, extra: &'static str) -> Result<AnyPool> {
    Ok(AnyPoolOptions::new()
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .max_connections(connections)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                conn.execute(
                    format!(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;{extra}"
                    )
                    .as_str(),
                )
                .await?;
                Ok(())
            })
        })
        .connect(url)
        .await?)
}

/// A pool of `connections` connections to the PostgreSQL server at `url`, or the
/// reason it cannot be reached within [`CONNECT_TIMEOUT`].
async fn postgres_pool(url: &str, connections: u32) -> Result<AnyPool> {
    let connecting = AnyPoolOptions::new()
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .max_connections(connections)
        .connect(url);
    Ok(tokio::time::timeout(CONNECT_TIMEOUT, connecting)
        .await
        .map_err(|_| {
            CouncilError::System(format!(
                "the PostgreSQL server at {} did not answer within {} s: check that it runs and that the URL is right",
                redacted(url),
                CONNECT_TIMEOUT.as_secs()
            ))
        })??)
}

/// `url` without its password, for messages.
fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Milliseconds since 1970: how the council's tables keep time.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
