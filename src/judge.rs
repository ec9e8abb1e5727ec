//! Every verdict is decided here. The input layer reads facts and hands each over once: a
//! bare reason, a job record, a crawl the log reader followed to its end (or that never
//! ended), a job Scrapyd lists without a log, or an input with nothing in it. What comes
//! out is rendered as it is. Two things are judged after a crawl, and here too, as findings
//! by their checks' levels: how the command `outcome run` ran ended (`command_ended`), and
//! a comparison with the spider's earlier runs (`add_judged`).

use std::borrow::Cow;

use crate::catalog::{Catalog, Fallback};
use crate::findings::{self, Context, Finding};
use crate::job::{Job, LogCrawl, LogEnd};
use crate::reason::{How, Match, Matcher};
use crate::report::{CommandFate, Location, Report};
use crate::severity::Severity;
use crate::text::{group, plural};

const MIB: f64 = 1024.0 * 1024.0;

/// A bare reason, judged in the rule of `--spider` where one is given and matches.
pub fn reason<'a>(matcher: &Matcher, reason: Cow<'a, str>) -> Report<'a> {
    let catalog = matcher.catalog();
    let rule = catalog.rule_for(catalog.spider.as_deref());
    let mut report = reason_in(matcher, rule, reason);
    if let Some(note) = no_rule_note(catalog, rule, catalog.spider.as_deref()) {
        report.notes.push(note);
    }
    report
}

/// The verdict for a job record: its state, its outcome, and the facts that qualify it.
/// Without `detail` (TSV lines, summaries) findings carry only what decides the verdict,
/// not the evidence a card would quote.
pub fn record<'a>(matcher: &Matcher, mut job: Box<Job<'a>>, detail: bool) -> Report<'a> {
    let base = matcher.catalog();
    let (rule, rule_note) = rule_of(base, &mut job);
    let catalog = base.view(rule);
    let missing = job.close_reason.is_none() || job.items.is_none() || job.errors.is_none();
    if job
        .raw_stats
        .is_some_and(|raw| missing || crate::counters::might_reveal(raw))
    {
        job.read_stats();
    }
    let unfinished = job.state.as_deref().and_then(|state| {
        ["pending", "running", "deleted"]
            .into_iter()
            .find(|s| s.eq_ignore_ascii_case(state))
    });
    let mut report = match unfinished {
        Some(state) => {
            let mut report = fallback(catalog, Fallback::NotFinished, How::NotFinished);
            report.notes.push(format!("the job is {state}"));
            report
        }
        _ => match job.reason() {
            None => fallback(catalog, Fallback::NoOutcome, How::NoOutcome),
            Some(reason) => {
                let reason = match (&job.close_reason, &job.stats.finish_reason) {
                    (Some(Cow::Borrowed(r)), _) | (None, Some(Cow::Borrowed(r))) => {
                        Cow::Borrowed(*r)
                    }
                    _ => Cow::Owned(reason.to_string()),
                };
                reason_in(matcher, rule, reason)
            }
        },
    };
    report.rule = rule;
    report.notes.extend(rule_note);
    judge_facts(&mut report, catalog, &mut job);
    judge_findings(&mut report, catalog, &job, detail);
    report.job = Some(job);
    report
}

/// An input with nothing in it: still one answer, so every input gets one.
pub fn nothing(matcher: &Matcher) -> Report<'static> {
    fallback(matcher.catalog(), Fallback::Empty, How::Empty)
}

/// The verdict for a crawl read from a log.
pub fn crawl(matcher: &Matcher, crawl: LogCrawl) -> Report<'static> {
    let LogCrawl {
        job,
        end,
        mut notes,
    } = crawl;
    let mut job = Box::new(job);
    match end {
        LogEnd::Closed { finish_reason } => {
            let mut report = record(matcher, job, true);
            if let Some(job) = report.job.as_mut() {
                job.stats.finish_reason = finish_reason.map(Cow::Owned);
            }
            report.notes.append(&mut notes);
            report
        }
        LogEnd::MemoryInferred => {
            let mut report = record(matcher, job, true);
            report.found.how = How::Inferred;
            // Nothing gave this reason: the log's lines imply it.
            report.input = None;
            report.notes.append(&mut notes);
            report
        }
        LogEnd::NeverClosed | LogEnd::FailedToStart => {
            let (which, how) = if end == LogEnd::FailedToStart {
                (Fallback::FailedToStart, How::FailedToStart)
            } else {
                (Fallback::NeverClosed, How::NeverClosed)
            };
            let mut report = fallback(matcher.catalog(), which, how);
            report.notes = notes;
            let (rule, note) = rule_of(matcher.catalog(), &mut job);
            report.notes.extend(note);
            report.rule = rule;
            judge_findings(&mut report, matcher.catalog().view(rule), &job, true);
            report.job = Some(job);
            report
        }
    }
}

/// The verdicts of a log read to its end (`explain --follow`, `outcome run`), each placed
/// at the line of `source` it rests on.
pub fn crawls(
    matcher: &Matcher,
    crawls: Vec<(LogCrawl, u64)>,
    source: &str,
) -> Vec<Report<'static>> {
    crawls
        .into_iter()
        .map(|(fact, line)| {
            let mut report = crawl(matcher, fact);
            report.location = Some(Location {
                source: Cow::Owned(source.to_string()),
                line,
            });
            report
        })
        .collect()
}

/// `outcome run`: the crawl's answers (one saying the command wrote no Scrapy log, if it
/// wrote none) with how the command ended. Ending badly before any crawl closed is the
/// finding `command_failed`, so that the verdict names what decided it; any other end is
/// a note.
pub fn command_ended(
    matcher: &Matcher,
    mut reports: Vec<Report<'static>>,
    fate: &CommandFate,
) -> Vec<Report<'static>> {
    if reports.is_empty() {
        let mut report = nothing(matcher);
        report.notes.push(match fate.exit_code {
            Some(0) => "the command ended well but wrote no Scrapy log: LOG_LEVEL above INFO, a LOG_FILE that needs --log, or a command that is not a Scrapy crawl".to_string(),
            _ => "the command wrote no Scrapy log".to_string(),
        });
        reports.push(report);
    }
    let closed = |r: &Report| {
        !matches!(
            r.found.how,
            How::NeverClosed | How::FailedToStart | How::Empty
        )
    };
    let any_closed = reports.iter().any(closed);
    let catalog = matcher.catalog();
    for report in &mut reports {
        report.command = Some(fate.clone());
        let (said, failed) = match (fate.exit_code, fate.signal) {
            (_, Some(signal)) if signal == libc::SIGKILL => (
                format!(
                    "the command was killed by {}: out of memory? (the kernel's OOM killer and most platforms' memory limits send SIGKILL; see `dmesg` or `journalctl -k`)",
                    crate::text::signal_name(signal)
                ),
                !closed(report),
            ),
            (_, Some(signal)) => (
                format!("the command was killed by {}", crate::text::signal_name(signal)),
                false,
            ),
            (Some(code), None) if code != 0 => {
                if any_closed {
                    (format!("the command exited with status {code}"), false)
                } else {
                    (
                        format!(
                            "the command exited with status {code} before any crawl in its log closed"
                        ),
                        true,
                    )
                }
            }
            _ => continue,
        };
        // A check turned off (`--finding command_failed=off`) leaves the note.
        if !(failed && add_finding(report, catalog, "command_failed", 1.0, said.clone())) {
            report.notes.insert(0, said);
        }
    }
    reports
}

/// A finding judged outside the checks over the job: judged by its check's levels and the
/// run's `--finding` like any other, placed among the findings worst first, and raising
/// the verdict. False, with nothing added, where the check is off or does not fire.
fn add_finding(
    report: &mut Report<'_>,
    catalog: &Catalog,
    id: &str,
    value: f64,
    evidence: String,
) -> bool {
    let Some((index, check)) = catalog.checks.iter().enumerate().find(|(_, c)| c.id == id) else {
        return false;
    };
    if !check.enabled {
        return false;
    }
    let Some(severity) = check.judge(value) else {
        return false;
    };
    add_judged(
        report,
        Finding {
            check: index,
            severity,
            value,
            evidence: vec![evidence],
        },
    );
    true
}

/// A finding judged elsewhere (a comparison with the spider's history), placed among the
/// findings worst first, raising the verdict.
pub fn add_judged(report: &mut Report<'_>, finding: Finding) {
    let at = report
        .findings
        .iter()
        .position(|f| f.severity < finding.severity)
        .unwrap_or(report.findings.len());
    report.severity = report.severity.max(finding.severity);
    report.findings.insert(at, finding);
}

fn reason_in<'a>(matcher: &Matcher, rule: Option<usize>, reason: Cow<'a, str>) -> Report<'a> {
    let found = matcher.find(&reason);
    let catalog = matcher.catalog().view(rule);
    // `--expect 'closespider_*'` names the family, so the family's reasons are expected;
    // a guess (a suggestion) or the custom fallback is never the entry the user named.
    let named = found.how.is_by_name() || found.how == How::Family;
    let expected = catalog.is_expected(named.then_some(found.entry), &reason);
    let severity = if expected {
        Severity::Ok
    } else {
        catalog.entries[found.entry].severity
    };
    Report {
        location: None,
        severity,
        outcome_severity: severity,
        expected,
        findings: Vec::new(),
        input: Some(reason),
        found,
        notes: Vec::new(),
        job: None,
        command: None,
        rule: None,
    }
}

fn fallback<'a>(catalog: &Catalog, which: Fallback, how: How) -> Report<'a> {
    let entry = catalog.index_of(which);
    Report {
        location: None,
        input: None,
        found: Match {
            entry,
            how,
            tail: None,
            suggestion: None,
        },
        severity: catalog.entries[entry].severity,
        outcome_severity: catalog.entries[entry].severity,
        expected: false,
        findings: Vec::new(),
        notes: Vec::new(),
        job: None,
        command: None,
        rule: None,
    }
}

/// The rule a job is judged by: its own spider's, else `--spider`'s (which then becomes
/// the job's spider); and, where a project file has rules and none applies, why not.
fn rule_of(catalog: &Catalog, job: &mut Job<'_>) -> (Option<usize>, Option<String>) {
    if job.spider.is_none() {
        if let Some(spider) = &catalog.spider {
            job.spider = Some(Cow::Owned(spider.clone()));
        }
    }
    let rule = catalog.rule_for(job.spider.as_deref());
    (rule, no_rule_note(catalog, rule, job.spider.as_deref()))
}

/// Runs the checks and lets the worst finding raise the verdict.
fn judge_findings(report: &mut Report<'_>, catalog: &Catalog, job: &Job<'_>, detail: bool) {
    let known = report.found.how.is_by_name();
    let context = Context {
        outcome: known.then(|| catalog.entries[report.found.entry].name.as_str()),
        accepted: report.outcome_severity == Severity::Ok,
        unfinished: report.found.how == How::NotFinished,
        never_closed: matches!(report.found.how, How::NeverClosed | How::FailedToStart),
        failed_to_start: report.found.how == How::FailedToStart,
        detail,
    };
    report.findings = findings::assess(catalog, &context, job);
    if let (Some(expectations), true, false) = (&catalog.expectations, detail, context.unfinished) {
        let unchecked = expectations.unchecked(job);
        if !unchecked.is_empty() {
            report.notes.push(format!(
                "the project file's rule for `{}` ({}) expects {}, which this input does not show: not checked",
                expectations.pattern,
                expectations.place,
                unchecked.join(" and ")
            ));
        }
    }
    if let Some(worst) = report.findings.first() {
        report.severity = report.severity.max(worst.severity);
    }
}

/// The notes a job's own facts call for: who stopped it, memory, a reason set twice.
fn judge_facts(report: &mut Report<'_>, catalog: &Catalog, job: &mut Job<'_>) {
    let entry = &catalog.entries[report.found.entry];
    let known = report.found.how.is_by_name();
    if let (Some(close), Some(finish)) = (&job.close_reason, &job.stats.finish_reason) {
        if close != finish {
            report.notes.push(format!(
                "close_reason is `{close}` but Scrapy's finish_reason is `{finish}`: \
                 the platform or an API client set the outcome, Scrapy closed with the other"
            ));
        }
    }
    let memory_outcome =
        known && matches!(entry.name.as_str(), "memusage_exceeded" | "killed by oom");
    if memory_outcome || job.stats.memory_limit_reached == Some(true) {
        if let Some(note) = memory_note(job) {
            report.notes.push(note);
        }
        if known && entry.name == "killed by oom" {
            report.notes.push(oom_note(job));
        }
    }
    if let Some(by) = &job.cancelled_by {
        report.notes.push(format!("cancelled by {by}"));
    }
    if known {
        if let Some(note) = who_stopped_it(entry.name.as_str(), job) {
            report.notes.push(note);
        }
    }
}

/// Where a project file has spider rules and a crawl is judged by none, the note saying
/// why: the spider is unknown, or no rule names it.
fn no_rule_note(catalog: &Catalog, rule: Option<usize>, spider: Option<&str>) -> Option<String> {
    if rule.is_some() || !catalog.has_rules() {
        return None;
    }
    let file = catalog
        .rules()
        .first()
        .and_then(|view| view.expectations.as_ref())
        .map_or("", |e| {
            e.place
                .rsplit_once(':')
                .map_or(e.place.as_str(), |(f, _)| f)
        });
    Some(match spider {
        None => "no spider rule of the project file applies: the spider is not known (give it with --spider NAME)".to_string(),
        Some(name) => format!("no spider rule of the project file applies: {file} has no rule for spider `{name}`"),
    })
}

/// Tells apart the outcomes that several parties can cause, where the input says which.
fn who_stopped_it(outcome: &str, job: &Job<'_>) -> Option<String> {
    let log = job.log.as_ref();
    let evidence = log.map(|l| &l.evidence);
    match outcome {
        "cancelled" if job.cancelled_by.is_some() => None,
        "cancelled" if log.is_some() => Some(
            "the engine itself closed the spider as `cancelled`: the spider's own code did it (`raise CloseSpider()` without a reason, or closing the spider without one), not the platform".to_string(),
        ),
        "cancelled" if job.stats.finish_reason.as_deref().is_some_and(|r| r != "cancelled") => {
            Some(format!(
                "Scrapy closed with `{}` and the platform recorded `cancelled`: the job was cancelled from outside (dashboard, API or the platform's own limits)",
                job.stats.finish_reason.as_deref().unwrap_or_default()
            ))
        }
        "shutdown" => match evidence.and_then(|e| e.signal.as_deref()) {
            // The log's own signal line is quoted with where such a signal comes from.
            Some(_) => None,
            None if log.is_some_and(|l| l.scrapy_version.is_some()) => Some(
                "no signal is in the log: the crawler was stopped from code (crawler.stop(), an extension or a script around it)".to_string(),
            ),
            None => None,
        },
        _ => None,
    }
}

/// Why the platform's or the kernel's killer can strike below Scrapy's own limit.
fn oom_note(job: &Job<'_>) -> String {
    let counters = job.stats.counters();
    let mut note = match (job.stats.memory_peak, job.memory_limit) {
        (Some(peak), Some(limit)) if peak < limit => format!(
            "Scrapy's own memory check saw at most {} MiB, below its limit of {} MiB, so memusage_exceeded never fired: the memory grew between its checks (every MEMUSAGE_CHECK_INTERVAL_SECONDS, 60 s by default) or was used outside the Scrapy process",
            group((peak as f64 / MIB).round() as u64),
            group((limit as f64 / MIB).round() as u64)
        ),
        (Some(_), _) => "the process was killed from outside (the kernel or the platform), not closed by Scrapy's MemoryUsage extension; memusage/max is its last check, not the peak at the kill".to_string(),
        _ => "the process was killed from outside (the kernel or the platform), not closed by Scrapy's MemoryUsage extension (that one would say memusage_exceeded)".to_string(),
    };
    if counters.playwright {
        note.push_str("; the stats show scrapy-playwright, whose browser processes' memory Scrapy does not count");
    } else {
        note.push_str("; a browser started by scrapy-playwright or Splash is not counted either");
    }
    note
}

fn memory_note(job: &Job<'_>) -> Option<String> {
    let peak = job.stats.memory_peak;
    let mut parts = Vec::new();
    if let Some(peak) = peak {
        parts.push(format!(
            "peak memory {} MiB",
            group((peak as f64 / MIB).round() as u64)
        ));
    }
    if let Some(limit) = job.memory_limit {
        parts.push(format!(
            "limit {} MiB",
            group((limit as f64 / MIB).round() as u64)
        ));
    }
    if let Some(units) = job.units.filter(|&u| u > 0) {
        parts.push(format!(
            "{units} unit{} = {units} GB on Scrapy Cloud, where MEMUSAGE_LIMIT_MB is set a little below that",
            plural(units)
        ));
    }
    if job.stats.memory_limit_reached == Some(true) {
        parts.push("memusage/limit_reached is set".to_string());
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> Matcher {
        Matcher::new(Catalog::builtin().expect("built-in catalog"))
    }

    fn closed_by(reason: &str) -> Job<'static> {
        Job {
            close_reason: Some(Cow::Owned(reason.to_string())),
            items: Some(10),
            errors: Some(0),
            ..Job::default()
        }
    }

    #[test]
    fn a_closed_crawl_keeps_its_dumps_finish_reason_without_a_second_note() {
        let matcher = matcher();
        let report = crawl(
            &matcher,
            LogCrawl {
                job: closed_by("finished"),
                end: LogEnd::Closed {
                    finish_reason: Some("shutdown".to_string()),
                },
                notes: vec!["the crawl's own note".to_string()],
            },
        );
        assert_eq!(report.outcome(matcher.catalog()), Some("finished"));
        let job = report.job.as_deref().expect("the job");
        assert_eq!(job.stats.finish_reason.as_deref(), Some("shutdown"));
        // The log reader's notes come after the judge's, and the judge adds no note of
        // its own about the two reasons (the reader's notes say it where it matters).
        assert_eq!(report.notes, vec!["the crawl's own note".to_string()]);
    }

    #[test]
    fn an_inferred_memory_limit_is_said_to_be_inferred_and_quotes_no_input() {
        let matcher = matcher();
        let report = crawl(
            &matcher,
            LogCrawl {
                job: closed_by("memusage_exceeded"),
                end: LogEnd::MemoryInferred,
                notes: Vec::new(),
            },
        );
        assert_eq!(report.found.how, How::Inferred);
        assert_eq!(report.input, None);
        assert_eq!(report.severity, Severity::Critical);
    }

    #[test]
    fn a_command_that_failed_before_any_crawl_closed_is_decided_by_command_failed() {
        let matcher = matcher();
        let never = crawl(
            &matcher,
            LogCrawl {
                job: Job::default(),
                end: LogEnd::NeverClosed,
                notes: Vec::new(),
            },
        );
        let fate = CommandFate {
            exit_code: Some(1),
            signal: None,
            line: "scrapy crawl books".to_string(),
            seconds: 1.0,
        };
        let reports = command_ended(&matcher, vec![never], &fate);
        let id = |r: &Report| {
            r.deciding()
                .map(|f| matcher.catalog().checks[f.check].id.clone())
        };
        assert_eq!(id(&reports[0]).as_deref(), Some("command_failed"));
        // A crawl that closed: the same exit status is a note, not a finding.
        let closed = record(&matcher, Box::new(closed_by("finished")), true);
        let reports = command_ended(&matcher, vec![closed], &fate);
        assert_eq!(reports[0].severity, Severity::Ok);
        assert_eq!(reports[0].notes[0], "the command exited with status 1");
        // No log at all: one answer that says so.
        let reports = command_ended(&matcher, Vec::new(), &fate);
        assert_eq!(reports.len(), 1);
        assert_eq!(reports[0].found.how, How::Empty);
        assert!(reports[0]
            .notes
            .contains(&"the command wrote no Scrapy log".to_string()));
    }
}
