//! Findings: named checks over a job's stats and its log's own lines, each with the
//! evidence it rests on. What each check measures is here; when it fires, at which
//! severity, with which title and advice, is catalog data (`checks`). The verdict is the
//! worst of the outcome's severity and its findings (`report`).

use crate::catalog::Catalog;
use crate::checks::{percent, Check};
use crate::counters::{largest_first, Counters};
use crate::evidence::LogEvidence;
use crate::job::Job;
use crate::severity::Severity;
use crate::text::group;

/// One check that fired.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Index into the catalog's checks.
    pub check: usize,
    pub severity: Severity,
    /// What the check measured (a count, a share from 0 to 1, or 1 for a flag).
    pub value: f64,
    /// What it rests on, the headline first: stat values, ratios, quoted log lines.
    pub evidence: Vec<String>,
}

impl Finding {
    pub fn check<'c>(&self, catalog: &'c Catalog) -> &'c Check {
        &catalog.checks[self.check]
    }
}

/// What the verdict so far says about the job, which decides where a check makes sense.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'c> {
    /// The catalog's name for the outcome, when the reason matched one by name.
    pub outcome: Option<&'c str>,
    /// The outcome counts as OK (in the catalog, or by --expect).
    pub accepted: bool,
    /// The job is pending or running: its stats are a snapshot, nothing to judge yet.
    pub unfinished: bool,
    /// The log stops before the spider closed, or before it opened.
    pub never_closed: bool,
    pub failed_to_start: bool,
    /// Evidence will be shown (cards, JSON); without it only the verdict is needed, and
    /// the checks that fire most often skip writing theirs.
    pub detail: bool,
}

struct Measured {
    value: f64,
    evidence: Vec<String>,
}

type Measure = fn(&Context, &Job, &Counters, &LogEvidence) -> Option<Measured>;

/// What a check needs beyond the job's own fields: `Job` checks can fire on a bare record
/// (items, errors); the others only with stats counters or a log's evidence.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Needs {
    Job,
    Evidence,
}

/// Every check the code knows, by the id the catalog uses, in the catalog's order (a test
/// keeps the two in step, so a check is found by its index).
const MEASURES: [(&str, Measure, Needs); 18] = [
    ("zero_items", zero_items, Needs::Job),
    ("errors_logged", errors_logged, Needs::Job),
    ("feed_export_failed", feed_export_failed, Needs::Evidence),
    ("retries_exhausted", retries_exhausted, Needs::Evidence),
    ("blocked_responses", blocked_responses, Needs::Evidence),
    ("server_errors", server_errors, Needs::Evidence),
    ("not_found_responses", not_found_responses, Needs::Evidence),
    (
        "downloader_exceptions",
        downloader_exceptions,
        Needs::Evidence,
    ),
    ("items_dropped", items_dropped, Needs::Evidence),
    ("robots_forbidden", robots_forbidden, Needs::Evidence),
    ("spider_exceptions", spider_exceptions, Needs::Evidence),
    ("queue_not_drained", queue_not_drained, Needs::Evidence),
    ("memory_near_limit", memory_near_limit, Needs::Evidence),
    ("log_counts_unreliable", log_counts_unreliable, Needs::Job),
    (
        "zyte_api_fatal_errors",
        zyte_api_fatal_errors,
        Needs::Evidence,
    ),
    ("start_failed", start_failed, Needs::Evidence),
    ("close_incomplete", close_incomplete, Needs::Evidence),
    ("browser_crashed", browser_crashed, Needs::Evidence),
];

/// Checks of how the command `outcome run` ran ended, judged once it has (after the
/// history checks in the catalog).
#[cfg(test)]
pub const COMMAND_CHECKS: [&str; 1] = ["command_failed"];

/// Checks of a spider rule's numbers (after the command's in the catalog).
#[cfg(test)]
pub const SPIDER_CHECKS: [&str; 3] = ["spider_items", "spider_errors", "spider_duration"];

/// The ids of every check the code implements (the catalog must describe each one).
#[cfg(test)]
pub fn implemented() -> impl Iterator<Item = &'static str> {
    MEASURES.iter().map(|(id, _, _)| *id)
}

/// Runs every enabled check of the catalog over a job: the findings, worst first (in
/// catalog order among equals).
pub fn assess(catalog: &Catalog, context: &Context, job: &Job) -> Vec<Finding> {
    if context.unfinished {
        return Vec::new();
    }
    let counters = job.stats.counters();
    static NO_LOG: std::sync::OnceLock<LogEvidence> = std::sync::OnceLock::new();
    let log = job
        .log
        .as_ref()
        .map(|l| &l.evidence)
        .unwrap_or_else(|| NO_LOG.get_or_init(LogEvidence::default));
    let mut findings = Vec::new();
    let bare = job.stats.counters.is_none() && job.log.is_none();
    // Most records of a stream: nothing but counts, and counts that raise nothing.
    let quiet_counts = job.items() != Some(0) && job.errors().is_none_or(|e| e == 0);
    if bare && quiet_counts && job.stats.items.is_none() {
        expected_of_spider(catalog, job, &mut findings);
        return findings;
    }
    // A catalog holds the built-in checks in their order (a user catalog changes them, it
    // cannot add or reorder any; a test keeps MEASURES in that order), so the index finds
    // the code. The checks after these compare runs with each other (`history`).
    for (index, check) in catalog.checks.iter().enumerate().take(MEASURES.len()) {
        if !check.enabled {
            continue;
        }
        let Some((id, measure, needs)) = MEASURES.get(index) else {
            continue;
        };
        if *id != check.id {
            continue;
        }
        if bare && *needs == Needs::Evidence {
            continue;
        }
        let Some(measured) = measure(context, job, counters, log) else {
            continue;
        };
        let Some(severity) = check.judge(measured.value) else {
            continue;
        };
        let mut evidence = measured.evidence;
        if context.detail && check.measure != crate::checks::Measure::Flag {
            if let Some(first) = evidence.first_mut() {
                with_thresholds(first, &check.levels.describe(check.measure));
            }
        }
        findings.push(Finding {
            check: index,
            severity,
            value: measured.value,
            evidence,
        });
    }
    expected_of_spider(catalog, job, &mut findings);
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    findings
}

/// The findings of a spider rule's numbers (`spider_items`, `spider_errors`,
/// `spider_duration`): flags, judged by their checks' levels and the run's policy.
fn expected_of_spider(catalog: &Catalog, job: &Job, findings: &mut Vec<Finding>) {
    let Some(expectations) = &catalog.expectations else {
        return;
    };
    for breach in expectations.breaches(job) {
        let Some(index) = catalog.checks.iter().position(|c| c.id == breach.check) else {
            continue;
        };
        let Some(severity) = catalog.checks[index].judge(1.0) else {
            continue;
        };
        findings.push(Finding {
            check: index,
            severity,
            value: 1.0,
            evidence: vec![breach.evidence],
        });
    }
}

/// `18 of 21 responses (86%)` becomes `18 of 21 responses (86%; warning at 10%)`.
fn with_thresholds(headline: &mut String, thresholds: &str) {
    if headline.ends_with(')') {
        headline.pop();
        headline.push_str(&format!("; {thresholds})"));
    } else {
        headline.push_str(&format!(" ({thresholds})"));
    }
}

fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// `403 ×12, 429 ×6`
fn list_counts<T: std::fmt::Display>(items: &[(T, u64)], most: usize) -> String {
    let mut parts: Vec<String> = items
        .iter()
        .take(most)
        .map(|(kind, n)| format!("{kind} ×{}", group(*n)))
        .collect();
    if items.len() > most {
        parts.push(format!("and {} more", items.len() - most));
    }
    parts.join(", ")
}

fn sum(items: &[(String, u64)]) -> u64 {
    items.iter().fold(0u64, |s, (_, n)| s.saturating_add(*n))
}

/// The response total the status shares are taken of.
fn responses(job: &Job, counters: &Counters) -> Option<u64> {
    counters.responses_by_status().or(job.stats.responses)
}

fn statuses(
    job: &Job,
    counters: &Counters,
    codes: fn(u16) -> bool,
    what: &str,
) -> Option<Measured> {
    let total = responses(job, counters)?;
    let (hit, by_code) = counters.statuses_in(codes);
    let value = share(hit, total)?;
    if hit == 0 {
        return None;
    }
    Some(Measured {
        value,
        evidence: vec![
            format!(
                "{} of {} responses were {what} ({})",
                group(hit),
                group(total),
                percent(value)
            ),
            format!(
                "downloader/response_status_count: {}",
                list_counts(&by_code, 6)
            ),
        ],
    })
}

fn blocked_responses(_: &Context, job: &Job, c: &Counters, _: &LogEvidence) -> Option<Measured> {
    statuses(
        job,
        c,
        |code| matches!(code, 403 | 407 | 429),
        "refusals (403, 407 or 429)",
    )
}

fn server_errors(_: &Context, job: &Job, c: &Counters, _: &LogEvidence) -> Option<Measured> {
    statuses(
        job,
        c,
        |code| (500..600).contains(&code),
        "server errors (5xx)",
    )
}

/// 404 Not Found and 410 Gone among the responses, robots.txt's own left out (a site
/// without one answers 404, and that is no missing page).
fn not_found_responses(_: &Context, job: &Job, c: &Counters, _: &LogEvidence) -> Option<Measured> {
    let gone = |code: u16| matches!(code, 404 | 410);
    let (hit, by_code) = c.statuses_in(gone);
    let robots_gone: u64 = c
        .robots_statuses
        .iter()
        .filter(|(code, _)| gone(*code))
        .fold(0u64, |sum, (_, n)| sum.saturating_add(*n));
    let robots_all: u64 = c
        .robots_statuses
        .iter()
        .fold(0u64, |sum, (_, n)| sum.saturating_add(*n));
    let hit = hit.saturating_sub(robots_gone);
    if hit == 0 {
        return None;
    }
    let total = responses(job, c)?.saturating_sub(robots_all);
    let value = share(hit, total)?;
    let mut headline = format!(
        "{} of {} responses were 404 Not Found or 410 Gone ({})",
        group(hit),
        group(total),
        percent(value)
    );
    if robots_all > 0 {
        headline.push_str(&format!(
            "; robots.txt's own response{} left out",
            crate::text::plural(robots_all)
        ));
    }
    Some(Measured {
        value,
        evidence: vec![
            headline,
            format!(
                "downloader/response_status_count: {}",
                list_counts(&by_code, 6)
            ),
        ],
    })
}

fn downloader_exceptions(_: &Context, _: &Job, c: &Counters, _: &LogEvidence) -> Option<Measured> {
    let (failed, kinds) = c.failed_downloads();
    if failed == 0 {
        return None;
    }
    let requests = c.requests?;
    let value = share(failed, requests)?;
    let mut evidence = vec![format!(
        "{} of {} requests failed with a download exception ({})",
        group(failed),
        group(requests),
        percent(value)
    )];
    if !kinds.is_empty() {
        evidence.push(format!(
            "downloader/exception_type_count: {}",
            list_counts(&kinds, 4)
        ));
    }
    Some(Measured { value, evidence })
}

fn retries_exhausted(_: &Context, _: &Job, c: &Counters, log: &LogEvidence) -> Option<Measured> {
    let (count, from_stats) = match c.retry_max_reached {
        Some(n) => (n, true),
        None => (log.gave_up, false),
    };
    if count == 0 {
        return None;
    }
    let mut evidence = vec![match (from_stats, c.requests) {
        (true, Some(requests)) if requests > 0 => format!(
            "{} request{} given up after retrying (retry/max_reached), {} of {} requests",
            group(count),
            crate::text::plural(count),
            percent(count as f64 / requests as f64),
            group(requests)
        ),
        (true, _) => format!(
            "{} request{} given up after retrying (retry/max_reached)",
            group(count),
            crate::text::plural(count)
        ),
        (false, _) => format!(
            "{} `Gave up retrying` line{} in the log",
            group(count),
            crate::text::plural(count)
        ),
    }];
    let mut reasons = c.retry_reasons.clone();
    largest_first(&mut reasons);
    if !reasons.is_empty() {
        evidence.push(format!("retry/reason_count: {}", list_counts(&reasons, 4)));
    }
    if let Some(first) = &log.gave_up_first {
        evidence.push(format!("line {}: `{}`", first.line, first.text));
    }
    Some(Measured {
        value: count as f64,
        evidence,
    })
}

fn feed_export_failed(_: &Context, _: &Job, c: &Counters, log: &LogEvidence) -> Option<Measured> {
    let failed = sum(&c.feeds_failed);
    let count = if failed > 0 { failed } else { log.feed_errors };
    if count == 0 {
        return None;
    }
    let mut evidence = Vec::new();
    if failed > 0 {
        evidence.push(format!(
            "feedexport/failed_count: {}",
            list_counts(&c.feeds_failed, 4)
        ));
        if !c.feeds_stored.is_empty() {
            evidence.push(format!(
                "feedexport/success_count: {}",
                list_counts(&c.feeds_stored, 4)
            ));
        }
    } else {
        evidence.push(format!(
            "{} feed export error{} in the log, and no feedexport/failed_count (the storage failed before the export could count it)",
            group(log.feed_errors),
            crate::text::plural(log.feed_errors)
        ));
    }
    if let Some(first) = &log.feed_first {
        evidence.push(format!("line {}: `{}`", first.line, first.text));
    }
    Some(Measured {
        value: count as f64,
        evidence,
    })
}

fn zero_items(context: &Context, job: &Job, _: &Counters, _: &LogEvidence) -> Option<Measured> {
    if job.items() != Some(0) {
        return None;
    }
    // A log that stops before the close may be of a crawl that is still running.
    if context.failed_to_start || context.never_closed {
        return None;
    }
    // A start that failed made no request: the outcome says why nothing was scraped.
    if context.outcome == Some("start_error") {
        return None;
    }
    // Outcomes that already say so (closespider_timeout_no_item, slybot_fewitems_scraped).
    if context
        .outcome
        .is_some_and(|o| o.contains("no_item") || o.contains("fewitems"))
    {
        return None;
    }
    if !context.detail {
        return Some(Measured {
            value: 1.0,
            evidence: Vec::new(),
        });
    }
    let source = match job.log.as_ref().and_then(|l| l.counts_from) {
        Some("stats dump") => "no item_scraped_count in a complete stats dump, so 0 items",
        Some(_) => "no `Scraped from` line in the log",
        None => "the job's item count is 0",
    };
    let pages = match job.pages() {
        Some(0) => ", and no page was crawled either".to_string(),
        Some(pages) => format!(" from {} page{}", group(pages), crate::text::plural(pages)),
        None => String::new(),
    };
    Some(Measured {
        value: 1.0,
        evidence: vec![format!("{source}{pages}")],
    })
}

fn items_dropped(_: &Context, job: &Job, c: &Counters, _: &LogEvidence) -> Option<Measured> {
    let dropped = c.items_dropped.filter(|&n| n > 0)?;
    let scraped = job.items().unwrap_or(0);
    let whole = scraped.saturating_add(dropped);
    let value = share(dropped, whole)?;
    let mut evidence = vec![format!(
        "{} of {} items dropped by pipelines ({}; item_dropped_count {}, item_scraped_count {})",
        group(dropped),
        group(whole),
        percent(value),
        group(dropped),
        group(scraped)
    )];
    if !c.drop_reasons.is_empty() {
        let mut reasons = c.drop_reasons.clone();
        largest_first(&mut reasons);
        evidence.push(format!(
            "item_dropped_reasons_count: {}",
            list_counts(&reasons, 4)
        ));
    }
    Some(Measured { value, evidence })
}

fn robots_forbidden(_: &Context, _: &Job, c: &Counters, _: &LogEvidence) -> Option<Measured> {
    let forbidden = c.robots_forbidden.filter(|&n| n > 0)?;
    // Refused requests never reach the downloader, so they are not in its request count.
    let whole = c.requests.unwrap_or(0).saturating_add(forbidden);
    let value = share(forbidden, whole)?;
    Some(Measured {
        value,
        evidence: vec![format!(
            "{} of {} requests refused by robots.txt ({}; robotstxt/forbidden {})",
            group(forbidden),
            group(whole),
            percent(value),
            group(forbidden)
        )],
    })
}

fn spider_exceptions(_: &Context, _: &Job, c: &Counters, log: &LogEvidence) -> Option<Measured> {
    let mut kinds = c.spider_exception_types.clone();
    let counted = c.spider_exceptions.is_some() || !kinds.is_empty();
    let mut count = c
        .spider_exceptions
        .or_else(|| (!kinds.is_empty()).then(|| sum(&kinds)))
        .unwrap_or(log.spider_errors);
    // Since 2.13 the exception start() raised is counted in spider_exceptions too: it is
    // no callback's, and the start error's outcome or check already says it.
    let start_counted = counted
        && log
            .start_error
            .as_ref()
            .is_some_and(|q| q.text.starts_with("Error while reading start items"));
    if start_counted {
        count = count.saturating_sub(1);
        let kind = log
            .exceptions
            .iter()
            .find(|e| {
                e.after
                    .as_deref()
                    .is_some_and(|a| a.starts_with("Error while"))
            })
            .map(|e| e.kind.as_str());
        if let Some(slot) = kinds.iter_mut().find(|(k, _)| Some(k.as_str()) == kind) {
            slot.1 = slot.1.saturating_sub(1);
        }
        kinds.retain(|(_, n)| *n > 0);
    }
    largest_first(&mut kinds);
    if count == 0 {
        return None;
    }
    let mut evidence = vec![if counted {
        format!(
            "{} unhandled exception{} in callbacks (spider_exceptions{}){}",
            group(count),
            crate::text::plural(count),
            if start_counted {
                ", less the one start() raised"
            } else {
                ""
            },
            if kinds.is_empty() {
                String::new()
            } else {
                format!(": {}", list_counts(&kinds, 4))
            }
        )
    } else {
        format!(
            "{} `Spider error processing` line{} in the log",
            group(count),
            crate::text::plural(count)
        )
    }];
    // The first traceback that followed a spider error names the file and line.
    if let Some(first) = log.exceptions_by_count().into_iter().find(|e| {
        e.after
            .as_deref()
            .is_some_and(|a| a.starts_with("Spider error"))
    }) {
        evidence.push(exception_line(first));
    }
    Some(Measured {
        value: count as f64,
        evidence,
    })
}

/// `line 84: ValueError: cannot parse ... (at spiders/books.py:38 in parse, after `Spider error processing <GET ...>`)`
fn exception_line(e: &crate::evidence::ExceptionGroup) -> String {
    let mut line = format!(
        "{} ×{}, first at line {}: `{}`",
        e.kind,
        group(e.count),
        e.first.line,
        e.first.text
    );
    if let Some(frame) = &e.frame {
        line.push_str(&format!(", raised at `{frame}`"));
    }
    line
}

fn errors_logged(
    context: &Context,
    job: &Job,
    _: &Counters,
    log: &LogEvidence,
) -> Option<Measured> {
    let (own, own_words) = log.own_error_lines(context.outcome);
    if !context.detail && job.log.is_none() {
        // A record's own count: the verdict needs nothing more.
        let errors = job
            .errors()
            .map(|n| n.saturating_sub(own))
            .filter(|&n| n > 0)?;
        return Some(Measured {
            value: errors as f64,
            evidence: Vec::new(),
        });
    }
    // The ERROR and CRITICAL lines the log itself shows.
    let seen = job
        .log
        .as_ref()
        .map(|l| l.error_lines.saturating_add(l.critical_lines))
        .filter(|&n| n > 0);
    // A log's job has its own error count only from the log's lines (a dump's count is
    // in its stats).
    let from_lines = job.log.is_some() && job.errors.is_some();
    let headline = |n: u64, source: &str| {
        format!(
            "{} error{} logged ({source})",
            group(n),
            crate::text::plural(n)
        )
    };
    let (errors, headline) = match (job.errors(), seen) {
        // More lines than the stats counted: logged while closing, after the LogCount
        // extension stopped counting (2.14+).
        (Some(counted), Some(lines)) if lines > counted && job.errors.is_none() => (
            lines,
            format!(
                "{} ERROR and CRITICAL line{} in the log, more than the {} that log_count/ERROR and log_count/CRITICAL counted",
                group(lines),
                crate::text::plural(lines),
                group(counted)
            ),
        ),
        (Some(n), _) if n > 0 && from_lines => (n, headline(n, "counted from the log's own lines")),
        (Some(n), _) if n > 0 && job.errors.is_some() => (n, headline(n, "the job's error count")),
        (Some(n), _) if n > 0 => (n, headline(n, "log_count/ERROR plus log_count/CRITICAL")),
        // An excerpt's lines prove at least that many, not how many in all.
        (None, Some(n)) => (
            n,
            headline(
                n,
                "ERROR and CRITICAL lines in the part of the log given; the whole run's count is unknown",
            ),
        ),
        _ => return None,
    };
    let errors = errors.saturating_sub(own);
    if errors == 0 {
        return None;
    }
    let headline = if own > 0 {
        format!(
            "{headline}; {} of them {own_words}{}, not counted here",
            group(own),
            crate::text::plural(own)
        )
    } else {
        headline
    };
    let mut evidence = vec![headline];
    let groups = log.groups_by_count();
    for g in groups.iter().take(3) {
        // Twisted logs a failure as `CRITICAL: ` with nothing after it, its traceback on
        // the lines below (quoted with the exceptions).
        let message = if g.pattern.trim().is_empty() {
            "an empty message".to_string()
        } else {
            format!("`{}`", g.pattern)
        };
        evidence.push(format!(
            "{} ×{}: {message}, first at line {}",
            g.level,
            group(g.count),
            g.first.line
        ));
    }
    if groups.len() > 3 || log.errors_ungrouped > 0 {
        evidence.push(format!(
            "and {} more kind{} of error line",
            groups.len().saturating_sub(3) as u64 + u64::from(log.errors_ungrouped > 0),
            if groups.len().saturating_sub(3) == 1 && log.errors_ungrouped == 0 {
                ""
            } else {
                "s"
            }
        ));
    }
    // Exceptions that no more specific check quotes.
    for e in log
        .exceptions_by_count()
        .into_iter()
        .filter(|e| {
            !e.after
                .as_deref()
                .is_some_and(|a| a.starts_with("Spider error"))
        })
        .take(2)
    {
        evidence.push(exception_line(e));
    }
    Some(Measured {
        value: errors as f64,
        evidence,
    })
}

fn start_failed(context: &Context, _: &Job, _: &Counters, log: &LogEvidence) -> Option<Measured> {
    // Only where the close reason hides it: 2.18+ says start_error itself.
    if context.outcome != Some("finished") {
        return None;
    }
    let quote = log.start_error.as_ref()?;
    Some(Measured {
        value: 1.0,
        evidence: vec![format!("line {}: `{}`", quote.line, quote.text)],
    })
}

fn browser_crashed(_: &Context, _: &Job, _: &Counters, log: &LogEvidence) -> Option<Measured> {
    let quote = log.browser_out_of_memory.as_ref()?;
    Some(Measured {
        value: 1.0,
        evidence: vec![format!("line {}: `{}`", quote.line, quote.text)],
    })
}

fn close_incomplete(_: &Context, _: &Job, _: &Counters, log: &LogEvidence) -> Option<Measured> {
    if !log.close_incomplete {
        return None;
    }
    let mut evidence = vec![if log.close_in_excerpt {
        "`Closing spider` is in the text, `Spider closed` is not; the text is an excerpt (it does not start at `Scrapy ... started`): it may also just end before the close was done"
    } else {
        "`Closing spider` is in the log, `Spider closed` is not, and the log is whole (it starts at `Scrapy ... started`)"
    }
    .to_string()];
    if log.forced {
        if let Some(signal) = &log.signal {
            evidence.push(format!(
                "{signal} came twice: the process was forced to stop"
            ));
        }
    }
    Some(Measured {
        value: 1.0,
        evidence,
    })
}

fn queue_not_drained(
    context: &Context,
    _: &Job,
    c: &Counters,
    _: &LogEvidence,
) -> Option<Measured> {
    // A limit the run was meant to stop at leaves work behind by design.
    if context.accepted && context.outcome != Some("finished") {
        return None;
    }
    let (enqueued, dequeued) = (c.enqueued?, c.dequeued?);
    let left = enqueued.checked_sub(dequeued).filter(|&n| n > 0)?;
    Some(Measured {
        value: left as f64,
        evidence: vec![format!(
            "{} of {} requests never left the scheduler (scheduler/enqueued {}, scheduler/dequeued {})",
            group(left),
            group(enqueued),
            group(enqueued),
            group(dequeued)
        )],
    })
}

fn memory_near_limit(
    context: &Context,
    job: &Job,
    _: &Counters,
    _: &LogEvidence,
) -> Option<Measured> {
    if matches!(context.outcome, Some("memusage_exceeded" | "killed by oom")) {
        return None;
    }
    let peak = job.stats.memory_peak?;
    let limit = job.memory_limit.filter(|&l| l > 0)?;
    let value = peak as f64 / limit as f64;
    const MIB: f64 = 1024.0 * 1024.0;
    Some(Measured {
        value,
        evidence: vec![format!(
            "peak {} MiB (memusage/max) against a limit of {} MiB, {} of it",
            group((peak as f64 / MIB).round() as u64),
            group((limit as f64 / MIB).round() as u64),
            percent(value)
        )],
    })
}

fn zyte_api_fatal_errors(_: &Context, _: &Job, c: &Counters, _: &LogEvidence) -> Option<Measured> {
    let fatal = c.zyte_api_fatal.filter(|&n| n > 0)?;
    Some(Measured {
        value: fatal as f64,
        evidence: vec![format!("scrapy-zyte-api/fatal_errors: {}", group(fatal))],
    })
}

fn log_counts_unreliable(
    context: &Context,
    job: &Job,
    c: &Counters,
    _: &LogEvidence,
) -> Option<Measured> {
    if context.never_closed || job.errors().is_some_and(|e| e > 0) {
        return None;
    }
    let level = job.log.as_ref().and_then(|l| {
        l.settings
            .iter()
            .find(|(k, _)| k == "LOG_LEVEL")
            .map(|(_, v)| v.as_str())
    });
    if level.is_some_and(|l| l.eq_ignore_ascii_case("CRITICAL")) {
        return Some(Measured {
            value: 1.0,
            evidence: vec!["LOG_LEVEL is CRITICAL (Overridden settings): ERROR lines are neither written nor counted".to_string()],
        });
    }
    let has_stats = job.stats.counters.is_some() || job.stats.items.is_some();
    if has_stats && !c.log_counts && job.errors().is_none() {
        return Some(Measured {
            value: 1.0,
            evidence: vec!["the stats have no log_count/* key, so they do not count the errors: the LogCount extension was disabled (Scrapy 2.14+), the dump is not whole, or LOG_LEVEL let no counted line through".to_string()],
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_are_implemented_in_the_catalogs_order() {
        let catalog = Catalog::builtin().expect("built-in catalog");
        let described: Vec<&str> = catalog.checks.iter().map(|c| c.id.as_str()).collect();
        let mut implemented: Vec<&str> = implemented().collect();
        implemented.extend(crate::history::CHECKS);
        implemented.extend(COMMAND_CHECKS);
        implemented.extend(SPIDER_CHECKS);
        assert_eq!(described, implemented);
    }

    #[test]
    fn every_check_is_described_and_every_description_is_implemented() {
        let catalog = Catalog::builtin().expect("built-in catalog");
        let described: Vec<&str> = catalog.checks.iter().map(|c| c.id.as_str()).collect();
        let mut implemented: Vec<&str> = implemented().collect();
        implemented.extend(crate::history::CHECKS);
        implemented.extend(COMMAND_CHECKS);
        implemented.extend(SPIDER_CHECKS);
        let mut sorted = described.clone();
        sorted.sort_unstable();
        implemented.sort_unstable();
        assert_eq!(sorted, implemented);
        for check in &catalog.checks {
            assert!(
                !check.title.is_empty() && !check.next_steps.is_empty(),
                "{}",
                check.id
            );
            assert!(check.levels.lowest().is_some(), "{}", check.id);
        }
    }
}
