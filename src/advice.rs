//! Which of the catalog's next steps fit the crawl that was read. A step is advice about a
//! crawl; one that contradicts what was read ("open a crawled page" after 0 pages), or asks
//! the user to look up what the card already says (a limit and the value that hit it),
//! costs trust. Steps are left out only where the facts are known: where they are not
//! (a bare reason, a record without stats), every step stays.
//!
//! The conditions are keyed by the opening words of the built-in catalog's steps (a test
//! keeps every key matching a step), the way a check's `supersedes` names the steps it
//! replaces; a user catalog's own steps are never left out.

use crate::evidence::LogEvidence;
use crate::job::Job;

/// What a step needs of the crawl to be true of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needs {
    /// At least one response was received (a page to open).
    Pages,
    /// No response was received, the crawl logged errors of its own, and nothing from
    /// outside stopped it before its first response (the first requests failed).
    FailedRequests,
    /// At least one ERROR or CRITICAL line.
    Errors,
    /// At least one item was dropped by a pipeline.
    Dropped,
    /// The job ran on Scrapy Cloud (its `shub` and dashboard), or nothing says where.
    ScrapyCloud,
    /// The card does not already show the run's duration and CLOSESPIDER_TIMEOUT.
    TimeoutUnknown,
    /// The card does not already show the memory peak and the limit.
    MemoryUnknown,
    /// The log's signal line is not already quoted.
    SignalUnknown,
    /// The command `outcome run` ran was killed by SIGKILL, or how it ended is unknown.
    Killed,
    /// The command ended with a non-zero status, or how it ended is unknown.
    ExitedBadly,
}

/// Steps of the built-in catalog by their opening words, and what each needs.
const CONDITIONS: [(&str, Needs); 13] = [
    ("Open a crawled page", Needs::Pages),
    ("Open one of those pages", Needs::Pages),
    ("If no page was crawled either", Needs::FailedRequests),
    ("If items were yielded but dropped", Needs::Dropped),
    ("Look for ERROR and CRITICAL lines", Needs::Errors),
    ("If errors are expected", Needs::Errors),
    ("On Scrapy Cloud", Needs::ScrapyCloud),
    (
        "Read the last lines of the job log (`shub",
        Needs::ScrapyCloud,
    ),
    ("Compare the run's elapsed time", Needs::TimeoutUnknown),
    ("Compare memusage/max in the stats", Needs::MemoryUnknown),
    ("Look for `Received SIGTERM", Needs::SignalUnknown),
    ("After SIGKILL", Needs::Killed),
    ("After a non-zero exit", Needs::ExitedBadly),
];

/// Steps whose `URL` placeholder a URL the log names can fill, by their opening words:
/// the kind of URL each means.
const URL_STEPS: [(&str, UrlKind); 3] = [
    ("Fetch a refused URL", UrlKind::Refused),
    (
        "The exception types and the first traceback",
        UrlKind::Failing,
    ),
    (
        "Reproduce with `scrapy shell URL` on a failing URL",
        UrlKind::Failing,
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UrlKind {
    /// A request the site refused (403, 407, 429), from a `Gave up retrying` line.
    Refused,
    /// A page whose callback raised, from a `Spider error processing` line.
    Failing,
}

/// The URL in `<GET https://...>`, when it can stand in a shell command between single
/// quotes.
fn request_url(text: &str) -> Option<&str> {
    let request = &text[text.find('<')?..];
    let (_, rest) = request.split_once(' ')?;
    let url = &rest[..rest.find('>')?];
    let fits = (url.starts_with("http://") || url.starts_with("https://"))
        && url.len() <= 300
        && !url.contains(['\'', '`', '\\'])
        && !url.chars().any(char::is_control)
        && !url.contains('…');
    fits.then_some(url)
}

/// URLs the log names, by what they mean.
#[derive(Debug, Default, Clone)]
pub struct Urls {
    refused: Option<String>,
    failing: Option<String>,
    /// The callback that raised on the `failing` page, where its traceback names it.
    callback: Option<String>,
}

impl Urls {
    pub fn of(job: Option<&Job<'_>>) -> Urls {
        let Some(evidence) = job.and_then(|j| j.log.as_deref()).map(|l| &l.evidence) else {
            return Urls::default();
        };
        let refused = evidence.gave_up_first.as_ref().and_then(|q| {
            let (_, why) = q.text.rsplit_once("): ")?;
            let refusal = ["403", "407", "429"].iter().any(|c| why.starts_with(c));
            refusal.then(|| request_url(&q.text)).flatten()
        });
        // The first page a callback raised on, with the callback where its traceback
        // names it (both of one error, so the command reproduces that error).
        let traced = evidence
            .exceptions
            .iter()
            .filter_map(|e| {
                let after = e.after.as_deref()?;
                let url =
                    request_url(after).filter(|_| after.starts_with("Spider error processing"))?;
                Some((e.first.line, url, e.callback.as_deref()))
            })
            .min_by_key(|(line, ..)| *line);
        let (failing, callback) = match traced {
            Some((_, url, callback)) => (Some(url), callback),
            None => {
                let url = evidence
                    .error_groups
                    .iter()
                    .filter(|g| g.pattern.starts_with("Spider error processing"))
                    .min_by_key(|g| g.first.line)
                    .and_then(|g| request_url(&g.first.text));
                (url, None)
            }
        };
        Urls {
            refused: refused.map(String::from),
            failing: failing.map(String::from),
            callback: callback.map(String::from),
        }
    }

    /// `step` with its `URL` placeholder in a command filled, where the log names one of
    /// the kind the step means.
    pub fn fill(&self, step: &str) -> Option<String> {
        if self.refused.is_none() && self.failing.is_none() {
            return None;
        }
        let (_, kind) = URL_STEPS
            .iter()
            .find(|(opening, _)| step.starts_with(opening))?;
        let url = match kind {
            UrlKind::Refused => self.refused.as_deref()?,
            UrlKind::Failing => self.failing.as_deref()?,
        };
        if !step.contains(" URL`") {
            return None;
        }
        let mut filled = step.replace(" URL`", &format!(" '{url}'`"));
        if let (UrlKind::Failing, Some(callback)) = (kind, &self.callback) {
            filled = filled.replace("-c CALLBACK ", &format!("-c {callback} "));
        }
        Some(filled)
    }
}

/// What is known of the crawl, for the conditions.
#[derive(Debug, Default, Clone, Copy)]
pub struct Known {
    pages: Option<u64>,
    errors: Option<u64>,
    dropped: Option<u64>,
    /// `Some(true)`: a Scrapy Cloud job key; `Some(false)`: a log file or Scrapyd.
    scrapy_cloud: Option<bool>,
    /// The outcome ends a crawl whatever its requests did (a memory limit, a signal, a
    /// cancellation, a timeout, a start that failed).
    stopped_from_outside: bool,
    timeout_shown: bool,
    memory_shown: bool,
    signal_shown: bool,
    /// How `outcome run`'s command ended: `Some(true)` killed by SIGKILL, `Some(false)`
    /// otherwise; `None` where no command was run.
    killed: Option<bool>,
}

impl Known {
    /// `outcome`: the catalog's name of the outcome, where the reason was found by name;
    /// `killed`: how `outcome run`'s command ended, where one was run.
    pub fn of(
        job: Option<&Job<'_>>,
        memory_limit: Option<u64>,
        outcome: Option<&str>,
        killed: Option<bool>,
    ) -> Known {
        let Some(job) = job else {
            return Known {
                killed,
                ..Known::default()
            };
        };
        let log = job.log.as_deref();
        let (own_lines, _) = match log {
            Some(log) => log.evidence.own_error_lines(outcome),
            None => LogEvidence::default().own_error_lines(outcome),
        };
        let scrapy_cloud = match job.key.as_deref() {
            Some(key) if is_cloud_key(key) => Some(true),
            Some(_) => Some(false),
            None if log.is_some() => Some(false),
            None => None,
        };
        let timeout_set = log.is_some_and(|l| {
            l.settings
                .iter()
                .any(|(name, _)| name == "CLOSESPIDER_TIMEOUT")
        });
        // Scrapy makes a counter at its first increment: a whole dump without one counted
        // none (a dump from a log is whole when its counts came from it).
        let complete_dump = match log {
            Some(log) => log.counts_from == Some("stats dump"),
            None => job.stats.finish_reason.is_some(),
        };
        Known {
            pages: job.pages().or_else(|| {
                // A whole dump without `response_received_count` received nothing.
                complete_dump.then_some(0)
            }),
            errors: job.errors().map(|n| n.saturating_sub(own_lines)),
            dropped: job
                .stats
                .counters()
                .items_dropped
                .or_else(|| complete_dump.then_some(0)),
            scrapy_cloud,
            stopped_from_outside: outcome.is_some_and(stops_from_outside),
            timeout_shown: timeout_set && job.run_seconds().is_some(),
            memory_shown: job.stats.memory_peak.is_some() && memory_limit.is_some(),
            signal_shown: log.is_some_and(|l| l.evidence.signal.is_some()),
            killed,
        }
    }

    /// Whether a step fits what is known (a step no condition names always does).
    pub fn fits(&self, step: &str) -> bool {
        // Every opening starts with one of these letters: most steps are told at once.
        if !step.starts_with(['O', 'I', 'L', 'R', 'C', 'A']) {
            return true;
        }
        // The longest opening that matches names the step.
        let needs = CONDITIONS
            .iter()
            .filter(|(opening, _)| step.starts_with(opening))
            .max_by_key(|(opening, _)| opening.len())
            .map(|(_, needs)| *needs);
        let Some(needs) = needs else {
            return true;
        };
        match needs {
            Needs::Pages => self.pages != Some(0),
            Needs::FailedRequests => {
                self.pages.is_none_or(|p| p == 0)
                    && self.errors != Some(0)
                    && !self.stopped_from_outside
            }
            Needs::Errors => self.errors != Some(0),
            Needs::Dropped => self.dropped != Some(0),
            Needs::ScrapyCloud => self.scrapy_cloud != Some(false),
            Needs::TimeoutUnknown => !self.timeout_shown,
            Needs::MemoryUnknown => !self.memory_shown,
            Needs::SignalUnknown => !self.signal_shown,
            Needs::Killed => self.killed != Some(false),
            Needs::ExitedBadly => self.killed != Some(true),
        }
    }
}

/// Outcomes that end a crawl whatever its requests did: with no page crawled under one of
/// them, the first requests may simply not have been answered yet.
fn stops_from_outside(outcome: &str) -> bool {
    matches!(
        outcome,
        "memusage_exceeded"
            | "diskusage_exceeded"
            | "shutdown"
            | "start_error"
            | "project_deleted"
            | "failed"
    ) || ["cancel", "killed", "closespider_timeout"]
        .iter()
        .any(|stop| outcome.starts_with(stop))
}

/// A Scrapy Cloud job key: `project/spider/job`, three numbers.
fn is_cloud_key(key: &str) -> bool {
    // Counted, not collected: this runs for every record of a stream.
    let mut parts = 0;
    for part in key.split('/') {
        parts += 1;
        if parts > 3 || part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    parts == 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrapy_cloud_keys_are_three_numbers() {
        assert!(is_cloud_key("123/4/56"));
        for key in ["123/4", "a/b/c", "books/2024-01-01T00_00_00", "1//2", ""] {
            assert!(!is_cloud_key(key), "{key}");
        }
    }

    #[test]
    fn every_condition_names_a_step_of_the_builtin_catalog() {
        let catalog = crate::catalog::Catalog::builtin().expect("built-in catalog");
        let steps: Vec<String> = catalog
            .entries
            .iter()
            .flat_map(|e| e.next_steps.iter().map(|s| s.to_string()))
            .chain(
                catalog
                    .checks
                    .iter()
                    .flat_map(|c| c.next_steps.iter().cloned()),
            )
            .collect();
        let openings = CONDITIONS
            .iter()
            .map(|(opening, _)| *opening)
            .chain(URL_STEPS.iter().map(|(opening, _)| *opening));
        for opening in openings {
            assert!(
                steps.iter().any(|step| step.starts_with(opening)),
                "no built-in step starts with {opening:?}"
            );
        }
    }

    #[test]
    fn urls_are_read_from_requests_and_kept_out_of_commands_when_unsafe() {
        assert_eq!(
            request_url(
                "Spider error processing <GET https://shop.example/p?id=1&x=2> (referer: None)"
            ),
            Some("https://shop.example/p?id=1&x=2")
        );
        assert_eq!(
            request_url("Gave up retrying <POST http://a.example/> (failed 3 times)"),
            Some("http://a.example/")
        );
        for text in [
            "no request here",
            "<GET ftp://a.example/>",
            "<GET https://a.example/it's>",
            "<GET https://a.example/…>",
        ] {
            assert_eq!(request_url(text), None, "{text}");
        }
    }

    #[test]
    fn every_condition_opens_with_a_letter_the_quick_test_knows() {
        for (opening, _) in CONDITIONS {
            assert!(
                opening.starts_with(['O', 'I', 'L', 'R', 'C', 'A']),
                "{opening}"
            );
        }
    }

    #[test]
    fn a_step_stays_where_nothing_is_known() {
        let known = Known::default();
        for (opening, _) in CONDITIONS {
            assert!(known.fits(&format!("{opening} and so on")), "{opening}");
        }
    }
}
