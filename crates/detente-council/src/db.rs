//! The council's database: one SQLite file by default, or a PostgreSQL server, read and
//! written through sqlx's Any driver with the same queries (`$1` placeholders, BIGINT
//! flags and times), each backend with its own migrations (`migrations/`).

use crate::error::Result;
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
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
}

impl Db {
    /// Opens (creating and migrating it when new) the database `location` names: a
    /// `postgres://` URL, a `sqlite://` URL, or a file path for SQLite.
    ///
    /// SQLite runs in WAL mode with full sync, so a write is on disk when it is
    /// acknowledged, through one connection, so that writes never race; PostgreSQL
    /// through a pool, its writers serialised per council by a row lock.
    pub async fn open(location: &str) -> Result<Db> {
        install_default_drivers();
        let (backend, url) =
            if location.starts_with("postgres://") || location.starts_with("postgresql://") {
                (Backend::Postgres, location.to_string())
            } else {
                let path = location.strip_prefix("sqlite://").unwrap_or(location);
                (Backend::Sqlite, format!("sqlite://{path}?mode=rwc"))
            };
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
        let pool = match backend {
            Backend::Sqlite => {
                options
                    .max_connections(1)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await?
            }
            Backend::Postgres => options.max_connections(16).connect(&url).await?,
        };
        if backend == Backend::Postgres {
            crate::notify::listen(url.clone());
        }
        match backend {
            Backend::Sqlite => SQLITE.run(&pool).await?,
            Backend::Postgres => POSTGRES.run(&pool).await?,
        }
        Ok(Db { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection pool, for tools and tests that read the tables directly.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// Milliseconds since 1970: how the council's tables keep time.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
