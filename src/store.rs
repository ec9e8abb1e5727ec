//! The history store: each judged crawl's facts, kept between runs in one SQLite file so
//! that a crawl can be compared with its spider's earlier runs. Opened only when asked for
//! (`--history`, or a project file's `history`). Several processes may write at once
//! (WAL, a busy timeout, one short transaction per batch); each spider keeps its newest
//! `keep` runs. Every failure is a `String` for the caller to report: the store never
//! costs a crawl its verdict.

use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags};

/// Runs kept per spider unless the project file says otherwise.
pub const DEFAULT_KEEP: u32 = 1_000;
/// How long a writer waits for another's transaction before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// A spider name or job key longer than this is not recorded (nor looked up).
pub const TEXT_CAP: usize = 1024;
/// Runs held before they are written in one transaction.
const BATCH: usize = 1_000;
/// The schema this build writes (SQLite's `user_version`).
const VERSION: i64 = 1;

/// One judged run, as it is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub spider: String,
    /// The job key where there is one: the run's identity. Otherwise the run is known by
    /// its spider and time.
    pub key: Option<String>,
    /// When it finished (or ran), in milliseconds since the epoch: the order of runs.
    pub time_ms: f64,
    pub started_ms: Option<f64>,
    pub items: Option<u64>,
    pub pages: Option<u64>,
    pub errors: Option<u64>,
    pub seconds: Option<f64>,
    pub outcome: String,
    pub verdict: &'static str,
}

impl Row {
    fn identity(&self) -> String {
        match &self.key {
            Some(key) => format!("key {key}"),
            None => format!("at {}", self.time_ms),
        }
    }
}

/// An earlier run, as a comparison needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Earlier {
    pub time_ms: f64,
    pub key: Option<String>,
    pub items: Option<u64>,
    pub seconds: Option<f64>,
}

pub struct Store {
    connection: Connection,
    keep: u32,
    /// This process's mark on the rows it writes: what it reads back is only what others
    /// wrote, so that its answers do not depend on the order its own inputs were judged in.
    session: String,
    pending: Vec<Row>,
}

fn sql(err: rusqlite::Error) -> String {
    use rusqlite::ErrorCode;
    match err {
        rusqlite::Error::SqliteFailure(e, _)
            if matches!(e.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) =>
        {
            format!(
                "locked by another process for more than {} s",
                BUSY_TIMEOUT.as_secs()
            )
        }
        rusqlite::Error::SqliteFailure(e, _) if e.code == ErrorCode::NotADatabase => {
            "file is not a database (an SQLite file was expected)".to_string()
        }
        rusqlite::Error::SqliteFailure(_, Some(what)) => what,
        other => other.to_string(),
    }
}

impl Store {
    /// Opens the store, creating it (and its table) when missing.
    pub fn open(path: &Path, keep: u32) -> Result<Store, String> {
        // SQLite says only that it cannot open a file (and names it again): the two
        // usual reasons, said plainly.
        if path.is_dir() {
            return Err("is a directory".to_string());
        }
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
        if parent.is_some_and(|dir| !dir.is_dir()) {
            return Err("its directory does not exist".to_string());
        }
        let connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|err| {
            let what = sql(err);
            what.strip_suffix(&format!(": {}", path.display()))
                .map_or(what.clone(), str::to_string)
        })?;
        connection.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
        // WAL lets readers go on while one process writes; NORMAL syncs at checkpoints,
        // which is durable enough for a record of runs and keeps a write cheap.
        // A file system without shared memory keeps the default journal, which works too.
        connection
            .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .map_err(sql)?;
        connection
            .execute_batch("PRAGMA synchronous = NORMAL")
            .map_err(sql)?;
        let version: i64 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(sql)?;
        if version > VERSION {
            return Err(format!(
                "written by a newer outcome (schema {version}; this one writes {VERSION})"
            ));
        }
        let tables: i64 = connection
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name != 'runs'",
                [],
                |row| row.get(0),
            )
            .map_err(sql)?;
        if version == 0 && tables > 0 {
            return Err("an SQLite database, but not an outcome history".to_string());
        }
        connection
            .execute_batch(
                "BEGIN IMMEDIATE;
                 CREATE TABLE IF NOT EXISTS runs (
                     spider TEXT NOT NULL,
                     identity TEXT NOT NULL,
                     key TEXT,
                     time_ms REAL NOT NULL,
                     started_ms REAL,
                     items INTEGER,
                     pages INTEGER,
                     errors INTEGER,
                     seconds REAL,
                     outcome TEXT NOT NULL,
                     verdict TEXT NOT NULL,
                     session TEXT NOT NULL,
                     PRIMARY KEY (spider, identity)
                 );
                 CREATE INDEX IF NOT EXISTS runs_by_time ON runs (spider, time_ms);
                 PRAGMA user_version = 1;
                 COMMIT;",
            )
            .map_err(sql)?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Ok(Store {
            connection,
            keep: keep.max(1),
            session: format!("{}-{nanos}", std::process::id()),
            pending: Vec::new(),
        })
    }

    /// A spider's runs before `before_ms` that other processes recorded, newest first, at
    /// most `limit`; the run `except` (its key) left out.
    pub fn earlier(
        &self,
        spider: &str,
        before_ms: f64,
        except: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Earlier>, String> {
        if spider.len() > TEXT_CAP {
            return Ok(Vec::new());
        }
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT time_ms, key, items, seconds FROM runs
                 WHERE spider = ?1 AND time_ms < ?2 AND session != ?3
                   AND (?4 IS NULL OR key IS NULL OR key != ?4)
                 ORDER BY time_ms DESC LIMIT ?5",
            )
            .map_err(sql)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = statement
            .query_map(
                params![spider, before_ms, self.session, except, limit],
                |row| {
                    Ok(Earlier {
                        time_ms: row.get(0)?,
                        key: row.get(1)?,
                        items: row
                            .get::<_, Option<i64>>(2)?
                            .and_then(|n| u64::try_from(n).ok()),
                        seconds: row.get(3)?,
                    })
                },
            )
            .map_err(sql)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(sql)
    }

    /// Keeps a run, written with the next batch. False when it cannot be kept (a name or
    /// key over `TEXT_CAP`).
    pub fn record(&mut self, row: Row) -> Result<bool, String> {
        if row.spider.len() > TEXT_CAP || row.key.as_ref().is_some_and(|k| k.len() > TEXT_CAP) {
            return Ok(false);
        }
        self.pending.push(row);
        if self.pending.len() >= BATCH {
            self.flush()?;
        }
        Ok(true)
    }

    /// Writes the runs held, in one transaction, and lets go of each spider's oldest runs
    /// past `keep`.
    pub fn flush(&mut self) -> Result<(), String> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.pending);
        let transaction = self
            .connection
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
        {
            let mut insert = transaction
                .prepare_cached(
                    "INSERT INTO runs (spider, identity, key, time_ms, started_ms, items, pages,
                                       errors, seconds, outcome, verdict, session)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                     ON CONFLICT (spider, identity) DO UPDATE SET
                         key = excluded.key, time_ms = excluded.time_ms,
                         started_ms = excluded.started_ms, items = excluded.items,
                         pages = excluded.pages, errors = excluded.errors,
                         seconds = excluded.seconds, outcome = excluded.outcome,
                         verdict = excluded.verdict, session = excluded.session",
                )
                .map_err(sql)?;
            let count = |n: Option<u64>| n.and_then(|n| i64::try_from(n).ok());
            for row in &rows {
                insert
                    .execute(params![
                        row.spider,
                        row.identity(),
                        row.key,
                        row.time_ms,
                        row.started_ms,
                        count(row.items),
                        count(row.pages),
                        count(row.errors),
                        row.seconds,
                        row.outcome,
                        row.verdict,
                        self.session,
                    ])
                    .map_err(sql)?;
            }
            let mut spiders: Vec<&str> = rows.iter().map(|r| r.spider.as_str()).collect();
            spiders.sort_unstable();
            spiders.dedup();
            let mut prune = transaction
                .prepare_cached(
                    "DELETE FROM runs WHERE spider = ?1 AND rowid NOT IN
                       (SELECT rowid FROM runs WHERE spider = ?1 ORDER BY time_ms DESC LIMIT ?2)",
                )
                .map_err(sql)?;
            for spider in spiders {
                prune.execute(params![spider, self.keep]).map_err(sql)?;
            }
        }
        transaction.commit().map_err(sql)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(spider: &str, key: Option<&str>, time_ms: f64, items: u64) -> Row {
        Row {
            spider: spider.to_string(),
            key: key.map(str::to_string),
            time_ms,
            started_ms: None,
            items: Some(items),
            pages: None,
            errors: None,
            seconds: Some(60.0),
            outcome: "finished".to_string(),
            verdict: "ok",
        }
    }

    fn temp(tag: &str) -> std::path::PathBuf {
        let path =
            std::env::temp_dir().join(format!("outcome-store-{tag}-{}.sqlite", std::process::id()));
        let _ = std::fs::remove_file(&path);
        path
    }

    #[test]
    fn another_process_sees_what_one_wrote_and_each_spider_keeps_its_newest() {
        let path = temp("keep");
        let mut first = Store::open(&path, 3).expect("opens");
        for i in 0..5 {
            first
                .record(row(
                    "s",
                    Some(&format!("k{i}")),
                    f64::from(i),
                    10 * u64::from(i as u8),
                ))
                .expect("kept");
        }
        first.record(row("s", Some("k4"), 4.0, 99)).expect("kept");
        first.flush().expect("written");
        // Its own rows are not read back by the process that wrote them.
        assert!(first.earlier("s", 10.0, None, 10).expect("read").is_empty());
        let second = Store::open(&path, 3).expect("opens again");
        let earlier = second.earlier("s", 10.0, None, 10).expect("read");
        let seen: Vec<(Option<String>, Option<u64>)> =
            earlier.into_iter().map(|e| (e.key, e.items)).collect();
        assert_eq!(
            seen,
            [
                (Some("k4".to_string()), Some(99)),
                (Some("k3".to_string()), Some(30)),
                (Some("k2".to_string()), Some(20)),
            ]
        );
        assert_eq!(
            second
                .earlier("s", 4.0, Some("k3"), 10)
                .expect("read")
                .len(),
            1
        );
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn a_file_that_is_no_store_is_refused() {
        let path = temp("junk");
        std::fs::write(
            &path,
            b"this is not a database, just text that is long enough to fill a header page",
        )
        .expect("written");
        assert!(Store::open(&path, 10).is_err());
        let _ = std::fs::remove_file(&path);
    }
}
