//! Findings: named checks over a job's stats and its log's own lines, each with the
//! evidence it rests on. What each check measures is here; when it fires, at which
//! severity, with which title and advice, is catalog data (`checks`). The verdict is the
//! worst of the outcome's severity and its findings (`report`). The checks of the crawl's
//! traffic are in `responses`, those of the log's own lines in `logged`; those of what was
//! scraped and what was left are here.

mod logged;
mod measure;
mod responses;

pub use measure::Context;
use measure::{cite, list_counts, share, sum, Measured};

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
    ("errors_logged", logged::errors_logged, Needs::Job),
    ("feed_export_failed", feed_export_failed, Needs::Evidence),
    (
        "retries_exhausted",
        responses::retries_exhausted,
        Needs::Evidence,
    ),
    (
        "blocked_responses",
        responses::blocked_responses,
        Needs::Evidence,
    ),
    ("server_errors", responses::server_errors, Needs::Evidence),
    (
        "not_found_responses",
        responses::not_found_responses,
        Needs::Evidence,
    ),
    (
        "downloader_exceptions",
        responses::downloader_exceptions,
        Needs::Evidence,
    ),
    ("items_dropped", items_dropped, Needs::Evidence),
    (
        "robots_forbidden",
        responses::robots_forbidden,
        Needs::Evidence,
    ),
    (
        "spider_exceptions",
        logged::spider_exceptions,
        Needs::Evidence,
    ),
    ("queue_not_drained", queue_not_drained, Needs::Evidence),
    ("memory_near_limit", memory_near_limit, Needs::Evidence),
    (
        "log_counts_unreliable",
        logged::log_counts_unreliable,
        Needs::Job,
    ),
    (
        "zyte_api_fatal_errors",
        responses::zyte_api_fatal_errors,
        Needs::Evidence,
    ),
    ("start_failed", logged::start_failed, Needs::Evidence),
    (
        "close_incomplete",
        logged::close_incomplete,
        Needs::Evidence,
    ),
    ("browser_crashed", logged::browser_crashed, Needs::Evidence),
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
        evidence.push(cite(first));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every check the code implements, wherever it is judged, in the order the code
    /// runs them.
    fn every_implemented() -> Vec<&'static str> {
        let mut implemented: Vec<&str> = implemented().collect();
        implemented.extend(crate::history::CHECKS);
        implemented.extend(COMMAND_CHECKS);
        implemented.extend(SPIDER_CHECKS);
        implemented
    }

    #[test]
    fn checks_are_implemented_in_the_catalogs_order() {
        let catalog = Catalog::builtin().expect("built-in catalog");
        let described: Vec<&str> = catalog.checks.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(described, every_implemented());
    }

    #[test]
    fn every_check_is_described_and_every_description_is_implemented() {
        let catalog = Catalog::builtin().expect("built-in catalog");
        let described: Vec<&str> = catalog.checks.iter().map(|c| c.id.as_str()).collect();
        let mut implemented = every_implemented();
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
