//! "Something changed in council N": what wakes the live streams of this process at once.
//! A change made by this process signals it directly; on PostgreSQL each change is also
//! announced with `NOTIFY` in its transaction (delivered when it commits) and every server
//! process listens, so the streams of every process on one database wake at once. On
//! SQLite, other processes' changes are found by the streams' periodic poll instead.

use std::sync::LazyLock;
use tokio::sync::broadcast;

/// The PostgreSQL channel the council's changes are announced on.
pub(crate) const CHANNEL: &str = "detente_council";

static CHANGED: LazyLock<broadcast::Sender<i64>> = LazyLock::new(|| broadcast::channel(1024).0);

/// Says that council `council` changed.
pub(crate) fn changed(council: i64) {
    // No receiver (no stream open) is not an error.
    let _ = CHANGED.send(council);
}

/// Waits for changes: each message is a council's id. A receiver that falls behind is
/// told so (`Lagged`), which a stream treats as a change.
pub(crate) fn subscribe() -> broadcast::Receiver<i64> {
    CHANGED.subscribe()
}

/// Listens to PostgreSQL's announcements at `url` for as long as the process runs,
/// reconnecting after a failure, and passes each on to this process's streams.
pub(crate) fn listen(url: String) {
    tokio::spawn(async move {
        loop {
            if let Ok(mut listener) = sqlx::postgres::PgListener::connect(&url).await
                && listener.listen(CHANNEL).await.is_ok()
            {
                while let Ok(notification) = listener.recv().await {
                    if let Ok(council) = notification.payload().parse() {
                        changed(council);
                    }
                }
            }
            // The streams' poll carries on meanwhile; try again shortly.
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        }
    });
}
