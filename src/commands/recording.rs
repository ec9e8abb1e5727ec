//! A history of runs for every command that judges crawls (`--history FILE`, or the
//! project file's `history`): each crawl is compared with its spider's earlier runs in the
//! store, then kept there. The store is opened when the first crawl is to be kept (bare
//! reasons have nothing to keep, and make no file); whatever goes wrong with it is said
//! once on stderr and never changes a verdict already reached or the exit status.

use std::path::PathBuf;
use std::sync::Mutex;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::findings::Finding;
use crate::history::{compare, WINDOW};
use crate::reason::How;
use crate::render::{self, color::Palette};
use crate::report::Report;
use crate::store::{Earlier, Row, Store, DEFAULT_KEEP};

pub struct Recorder {
    store: Mutex<Held>,
    shown: String,
    err: Palette,
    /// The first problem met, said when the command ends (the store is then let go).
    problem: Mutex<Option<String>>,
}

/// The store, from not yet opened to let go.
enum Held {
    Unopened {
        path: PathBuf,
        keep: u32,
    },
    Open(Store),
    /// It could not be opened, or failed: the run goes on without it.
    Gone,
}

impl Recorder {
    /// The store the run asked for, or `None` when it asked for none. It is opened when
    /// first needed; one that cannot be is said on stderr then, and the run goes on
    /// without a history.
    pub fn open(config: &Config, catalog: &Catalog) -> Option<Recorder> {
        let from_file = catalog.history.as_ref();
        let path = config
            .history
            .clone()
            .or_else(|| from_file.map(|h| h.path.clone()))?;
        let keep = from_file.and_then(|h| h.keep).unwrap_or(DEFAULT_KEEP);
        let shown = path.display().to_string();
        Some(Recorder {
            store: Mutex::new(Held::Unopened { path, keep }),
            shown,
            err: config.err,
            problem: Mutex::new(None),
        })
    }

    /// Compares a judged crawl with its spider's earlier runs (the history checks join its
    /// findings, by its rule's levels) and keeps it. A crawl that cannot be kept says why
    /// in a note.
    pub fn judge(&self, catalog: &Catalog, report: &mut Report<'_>) {
        let Some(row) = self.row_of(report) else {
            return;
        };
        let earlier = self.with_store(|store| {
            store.earlier(&row.spider, row.time_ms, row.key.as_deref(), WINDOW)
        });
        if let Some(earlier) = earlier {
            let view = catalog.view(report.rule);
            let past = earlier.iter().map(|e: &Earlier| (e.items, e.seconds));
            let found = compare(view, row.items, row.seconds, past);
            if found.is_empty() && earlier.len() < crate::history::MIN_EARLIER {
                report.notes.push(format!(
                    "history: {} earlier run{} of `{}` in {}, {} needed to compare",
                    earlier.len(),
                    crate::text::plural(earlier.len() as u64),
                    row.spider,
                    self.shown,
                    crate::history::MIN_EARLIER
                ));
            }
            for compared in found {
                crate::judge::add_judged(
                    report,
                    Finding {
                        check: compared.check,
                        severity: compared.severity,
                        value: compared.value,
                        evidence: vec![compared.evidence],
                    },
                );
            }
        }
        let mut row = row;
        // The verdict as it stands now, history included.
        row.verdict = report.severity.as_str();
        self.keep(row, report);
    }

    /// Keeps a crawl without comparing it (a summary compares its runs itself).
    pub fn keep_only(&self, report: &mut Report<'_>) {
        if let Some(row) = self.row_of(report) {
            self.keep(row, report);
        }
    }

    /// The stored runs of a spider (newest first, at most `limit`), for a summary to
    /// compare its input's runs with.
    pub fn runs_of(&self, spider: &str, limit: usize) -> Vec<Earlier> {
        self.with_store(|store| store.earlier(spider, f64::INFINITY, None, limit))
            .unwrap_or_default()
    }

    /// Writes what is held, and says the first problem met, if any.
    pub fn finish(&self) {
        let opened = self
            .store
            .lock()
            .is_ok_and(|held| matches!(*held, Held::Open(_)));
        if opened {
            self.with_store(Store::flush);
        }
        let problem = self.problem.lock().ok().and_then(|mut p| p.take());
        if let Some(what) = problem {
            render::warn(
                self.err,
                &format!(
                    "history {}: {what}; the verdicts stand, but the runs not yet written were not kept",
                    self.shown
                ),
            );
        }
    }

    fn keep(&self, row: Row, report: &mut Report<'_>) {
        if self.with_store(|store| store.record(row)) == Some(false) {
            report.notes.push(format!(
                "history: not kept: the spider's name or the job's key is over {} bytes",
                crate::store::TEXT_CAP
            ));
        }
    }

    /// The run a report is about, as the store keeps it: a finished crawl whose spider and
    /// time are known. A note says why another is not kept.
    fn row_of(&self, report: &mut Report<'_>) -> Option<Row> {
        let finished = !matches!(
            report.found.how,
            How::NotFinished | How::Empty | How::NeverClosed | How::FailedToStart
        );
        let job = report.job.as_deref()?;
        if !finished {
            return None;
        }
        let why_not = match (job.spider.as_deref(), job.time()) {
            (Some(spider), Some(time_ms)) => {
                return Some(Row {
                    spider: spider.to_string(),
                    key: job.key.as_deref().map(str::to_string),
                    time_ms,
                    started_ms: job.running_time.or(job.stats.start_time),
                    items: job.items(),
                    pages: job.pages(),
                    errors: job.errors(),
                    seconds: job.run_seconds(),
                    outcome: report
                        .input
                        .as_deref()
                        .or(job.reason())
                        .unwrap_or_default()
                        .to_string(),
                    verdict: report.severity.as_str(),
                })
            }
            (None, _) => "the spider is not known (give it with --spider NAME)",
            (Some(_), None) => "the input gives no time for the run",
        };
        report
            .notes
            .push(format!("history: not compared or kept: {why_not}"));
        None
    }

    /// Runs `f` on the store while it works; after a failure the store is let go and the
    /// failure kept for `finish`.
    fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> Result<T, String>) -> Option<T> {
        let mut guard = self.store.lock().ok()?;
        if let Held::Unopened { path, keep } = &*guard {
            *guard = match Store::open(path, *keep) {
                Ok(store) => Held::Open(store),
                Err(what) => {
                    render::warn(
                        self.err,
                        &format!(
                            "history {}: {what}; the crawls are judged without it",
                            self.shown
                        ),
                    );
                    Held::Gone
                }
            };
        }
        let Held::Open(store) = &mut *guard else {
            return None;
        };
        match f(store) {
            Ok(value) => Some(value),
            Err(what) => {
                *guard = Held::Gone;
                if let Ok(mut problem) = self.problem.lock() {
                    problem.get_or_insert(what);
                }
                None
            }
        }
    }
}
