//! Accounts: names, argon2 password hashes, logins limited per name, and the random
//! tokens of invitations and forms.

use crate::db::{Db, now};
use crate::error::{CouncilError, Result};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 10;
/// Failed logins for one name within [`LOGIN_WINDOW_MS`] after which it is refused.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// The window of [`MAX_FAILED_LOGINS`]: a quarter of an hour.
pub const LOGIN_WINDOW_MS: i64 = 15 * 60 * 1000;

/// Someone who can log in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: i64,
    pub name: String,
    /// May create councils and invite anyone to them.
    pub secretariat: bool,
}

/// A name is 1 to 64 of a-z, 0-9, `.`, `_` and `-`: it is shown to everyone and typed at
/// every login, so it carries nothing that could be misread.
pub fn check_name(name: &str) -> Result<()> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if valid {
        Ok(())
    } else {
        Err(CouncilError::invalid(format!(
            "`{}` cannot be an account name: use 1 to 64 lower-case letters, digits, `.`, `_` or `-`",
            name.chars().take(80).collect::<String>()
        )))
    }
}

fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(CouncilError::invalid(format!(
            "the password is too short: use at least {MIN_PASSWORD} characters"
        )));
    }
    if password.len() > 1024 {
        return Err(CouncilError::invalid(
            "the password is too long: use at most 1,024 bytes",
        ));
    }
    Ok(())
}

/// Hashing takes tens of milliseconds on purpose: it runs off the async threads.
async fn hash(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::encode_b64(&random_bytes::<16>()?)
            .map_err(|e| CouncilError::invalid(format!("cannot make a salt: {e}")))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| CouncilError::invalid(format!("cannot hash the password: {e}")))
    })
    .await
    .map_err(|e| CouncilError::invalid(format!("hashing failed: {e}")))?
}

async fn verify(password: String, stored: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored).is_ok_and(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

impl Db {
    /// Creates an account; the name must be free.
    pub async fn create_account(
        &self,
        name: &str,
        password: &str,
        secretariat: bool,
    ) -> Result<Account> {
        check_name(name)?;
        check_password(password)?;
        let hashed = hash(password.to_string()).await?;
        let row = sqlx::query(
            "INSERT INTO accounts (name, password_hash, secretariat, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING RETURNING id",
        )
        .bind(name)
        .bind(hashed)
        .bind(i64::from(secretariat))
        .bind(now())
        .fetch_optional(&self.pool)
        .await?;
        let row = row.ok_or_else(|| {
            CouncilError::conflict(format!(
                "the account name `{name}` is taken: choose another"
            ))
        })?;
        Ok(Account {
            id: row.try_get("id")?,
            name: name.to_string(),
            secretariat,
        })
    }

    /// The account with this id.
    pub async fn account(&self, id: i64) -> Result<Option<Account>> {
        let row = sqlx::query("SELECT id, name, secretariat FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        row.map(|r| account_of(&r)).transpose()
    }

    /// Checks a name and password. After [`MAX_FAILED_LOGINS`] failures for a name within
    /// [`LOGIN_WINDOW_MS`], that name is refused until the window has passed, whatever
    /// the password: guessing is slowed to a handful of tries a quarter of an hour.
    pub async fn log_in(&self, name: &str, password: &str) -> Result<Account> {
        let since = now() - LOGIN_WINDOW_MS;
        let failures: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM login_failures WHERE name = $1 AND at > $2")
                .bind(name)
                .bind(since)
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?;
        if failures >= MAX_FAILED_LOGINS {
            return Err(CouncilError::TooMany(format!(
                "too many failed logins for `{name}`: try again in a quarter of an hour"
            )));
        }
        let row = sqlx::query(
            "SELECT id, name, secretariat, password_hash FROM accounts WHERE name = $1",
        )
        .bind(name)
        .fetch_optional(&self.pool)
        .await?;
        // A missing account costs the same hash as a wrong password, so that timing does
        // not tell which names exist.
        let (account, stored) = match &row {
            Some(r) => (
                Some(account_of(r)?),
                r.try_get::<String, _>("password_hash")?,
            ),
            None => (None, DUMMY_HASH.to_string()),
        };
        let valid = verify(password.to_string(), stored).await;
        match account {
            Some(account) if valid => Ok(account),
            _ => {
                sqlx::query("INSERT INTO login_failures (name, at) VALUES ($1, $2)")
                    .bind(name)
                    .bind(now())
                    .execute(&self.pool)
                    .await?;
                Err(CouncilError::WrongLogin)
            }
        }
    }
}

/// An argon2 hash of no one's password, checked when a name has no account.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$O0nm0Y5vZ2GqOcuOl4vcHzVzSGfsvq1c4cvnRNLYixE";

pub(crate) fn account_of(row: &sqlx::any::AnyRow) -> Result<Account> {
    Ok(Account {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        secretariat: row.try_get::<i64, _>("secretariat")? != 0,
    })
}

/// `N` bytes from the operating system's random source.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0; N];
    getrandom::fill(&mut bytes)
        .map_err(|e| CouncilError::System(format!("the system has no random source: {e}")))?;
    Ok(bytes)
}

/// A fresh random token, 32 bytes as 64 hex digits.
pub(crate) fn token() -> Result<String> {
    Ok(hex(&random_bytes::<32>()?))
}

/// What the database keeps of a token: its SHA-256, so that a stolen database holds no
/// usable invitation.
pub(crate) fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two secrets in time that does not depend on where they differ.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0, |acc, (x, y)| acc | (x ^ y))
            == 0
}
