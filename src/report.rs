//! One answer: what was given, the catalog entry it matched, the verdict, and the record's
//! own facts that changed or explain the verdict.

use std::borrow::Cow;

use crate::catalog::{Catalog, Entry, Fallback};
use crate::findings::{self, Context, Finding};
use crate::job::Job;
use crate::reason::{How, Match, Matcher};
use crate::severity::Severity;
use crate::text::{group, plural};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location<'a> {
    pub source: Cow<'a, str>,
    pub line: u64,
}

#[derive(Debug, Clone)]
pub struct Report<'a> {
    pub location: Option<Location<'a>>,
    /// The reason exactly as given, if there was one.
    pub input: Option<Cow<'a, str>>,
    pub found: Match,
    /// The verdict: the worst of the outcome's own severity and its findings'.
    pub severity: Severity,
    /// The outcome's own severity (after `--expect`), before any finding.
    pub outcome_severity: Severity,
    /// The outcome was named by `--expect`, so it counts as OK for this run.
    pub expected: bool,
    /// Checks over the stats and the log that fired, worst first.
    pub findings: Vec<Finding>,
    /// What the record or log says beyond the findings: who cancelled, which signal.
    pub notes: Vec<String>,
    /// Boxed: a report moves through several calls per record, a job is large.
    pub job: Option<Box<Job<'a>>>,
    /// `outcome run`: how the command itself ended.
    pub command: Option<CommandFate>,
    /// The project file's spider rule it was judged by (an index into the catalog's
    /// rules, `Catalog::view`), or `None` for the catalog itself.
    pub rule: Option<usize>,
}

/// How a command run by `outcome run` ended: its exit status, or the signal that killed it;
/// the command as run and how long it took.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandFate {
    pub exit_code: Option<i32>,
    pub signal: Option<i32>,
    /// The command line, quoted as a shell would need it.
    pub line: String,
    pub seconds: f64,
}

const MIB: f64 = 1024.0 * 1024.0;

impl<'a> Report<'a> {
    /// A bare reason, judged in the rule of `--spider` where one is given and matches.
    pub fn for_reason(matcher: &Matcher, reason: Cow<'a, str>) -> Report<'a> {
        let catalog = matcher.catalog();
        let rule = catalog.rule_for(catalog.spider.as_deref());
        let mut report = Report::for_reason_in(matcher, rule, reason);
        if let Some(note) = no_rule_note(catalog, rule, catalog.spider.as_deref()) {
            report.notes.push(note);
        }
        report
    }

    fn for_reason_in(matcher: &Matcher, rule: Option<usize>, reason: Cow<'a, str>) -> Report<'a> {
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

    fn fallback(catalog: &Catalog, which: Fallback, how: How) -> Report<'a> {
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

    /// A log that stopped before the spider was opened, with errors: a failure to start.
    pub fn failed_to_start(
        matcher: &Matcher,
        mut job: Box<Job<'a>>,
        notes: Vec<String>,
    ) -> Report<'a> {
        let mut report = Report::fallback(
            matcher.catalog(),
            Fallback::FailedToStart,
            How::FailedToStart,
        );
        report.notes = notes;
        report.rule = report.spider_rule(matcher.catalog(), &mut job);
        report.judge_findings(matcher.catalog().view(report.rule), &job, true);
        report.job = Some(job);
        report
    }

    /// An input with nothing in it: still one answer, so every input gets one.
    pub fn empty(matcher: &Matcher) -> Report<'a> {
        Report::fallback(matcher.catalog(), Fallback::Empty, How::Empty)
    }

    /// A log that ended before the engine closed the spider.
    pub fn never_closed(
        matcher: &Matcher,
        mut job: Box<Job<'a>>,
        notes: Vec<String>,
    ) -> Report<'a> {
        let mut report =
            Report::fallback(matcher.catalog(), Fallback::NeverClosed, How::NeverClosed);
        report.notes = notes;
        report.rule = report.spider_rule(matcher.catalog(), &mut job);
        report.judge_findings(matcher.catalog().view(report.rule), &job, true);
        report.job = Some(job);
        report
    }

    /// The verdict for a job record: its state, its outcome, and the facts that qualify it.
    pub fn for_job(matcher: &Matcher, job: Box<Job<'a>>) -> Report<'a> {
        Report::for_job_with(matcher, job, true)
    }

    /// The verdict for a job record; without `detail` (TSV lines, summaries) findings
    /// carry only what decides the verdict, not the evidence a card would quote.
    pub fn for_job_with(matcher: &Matcher, mut job: Box<Job<'a>>, detail: bool) -> Report<'a> {
        let base = matcher.catalog();
        let (rule, rule_note) = Report::rule_of(base, &mut job);
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
                let mut report = Report::fallback(catalog, Fallback::NotFinished, How::NotFinished);
                report.notes.push(format!("the job is {state}"));
                report
            }
            _ => match job.reason() {
                None => Report::fallback(catalog, Fallback::NoOutcome, How::NoOutcome),
                Some(reason) => {
                    let reason = match (&job.close_reason, &job.stats.finish_reason) {
                        (Some(Cow::Borrowed(r)), _) | (None, Some(Cow::Borrowed(r))) => {
                            Cow::Borrowed(*r)
                        }
                        _ => Cow::Owned(reason.to_string()),
                    };
                    Report::for_reason_in(matcher, rule, reason)
                }
            },
        };
        report.rule = rule;
        report.notes.extend(rule_note);
        report.judge_facts(catalog, &mut job);
        report.judge_findings(catalog, &job, detail);
        report.job = Some(job);
        report
    }

    /// The rule a job is judged by: its own spider's, else `--spider`'s (which then becomes
    /// the job's spider); and, where a project file has rules and none applies, why not.
    fn rule_of(catalog: &Catalog, job: &mut Job<'a>) -> (Option<usize>, Option<String>) {
        if job.spider.is_none() {
            if let Some(spider) = &catalog.spider {
                job.spider = Some(Cow::Owned(spider.clone()));
            }
        }
        let rule = catalog.rule_for(job.spider.as_deref());
        (rule, no_rule_note(catalog, rule, job.spider.as_deref()))
    }

    fn spider_rule(&mut self, catalog: &Catalog, job: &mut Job<'a>) -> Option<usize> {
        let (rule, note) = Report::rule_of(catalog, job);
        self.notes.extend(note);
        rule
    }

    /// Runs the checks and lets the worst finding raise the verdict.
    fn judge_findings(&mut self, catalog: &Catalog, job: &Job<'_>, detail: bool) {
        let known = self.found.how.is_by_name();
        let context = Context {
            outcome: known.then(|| catalog.entries[self.found.entry].name.as_str()),
            accepted: self.outcome_severity == Severity::Ok,
            unfinished: self.found.how == How::NotFinished,
            never_closed: matches!(self.found.how, How::NeverClosed | How::FailedToStart),
            failed_to_start: self.found.how == How::FailedToStart,
            detail,
        };
        self.findings = findings::assess(catalog, &context, job);
        if let (Some(expectations), true, false) =
            (&catalog.expectations, detail, context.unfinished)
        {
            let unchecked = expectations.unchecked(job);
            if !unchecked.is_empty() {
                self.notes.push(format!(
                    "the project file's rule for `{}` ({}) expects {}, which this input does not show: not checked",
                    expectations.pattern,
                    expectations.place,
                    unchecked.join(" and ")
                ));
            }
        }
        if let Some(worst) = self.findings.first() {
            self.severity = self.severity.max(worst.severity);
        }
    }

    /// A finding judged outside the checks over the job (how `outcome run`'s command
    /// ended): judged by its check's levels and the run's `--finding` like any other,
    /// placed among the findings worst first, and raising the verdict. False, with
    /// nothing added, where the check is off or does not fire.
    pub fn add_finding(
        &mut self,
        catalog: &Catalog,
        id: &str,
        value: f64,
        evidence: String,
    ) -> bool {
        let Some((index, check)) = catalog.checks.iter().enumerate().find(|(_, c)| c.id == id)
        else {
            return false;
        };
        if !check.enabled {
            return false;
        }
        let Some(severity) = check.judge(value) else {
            return false;
        };
        self.add_judged(Finding {
            check: index,
            severity,
            value,
            evidence: vec![evidence],
        });
        true
    }

    /// A finding judged elsewhere (a comparison with the spider's history), placed among
    /// the findings worst first, raising the verdict.
    pub fn add_judged(&mut self, finding: Finding) {
        let at = self
            .findings
            .iter()
            .position(|f| f.severity < finding.severity)
            .unwrap_or(self.findings.len());
        self.severity = self.severity.max(finding.severity);
        self.findings.insert(at, finding);
    }

    /// The finding that raised the verdict above the outcome's own severity, if one did.
    pub fn deciding(&self) -> Option<&Finding> {
        self.findings
            .first()
            .filter(|f| f.severity == self.severity && f.severity > self.outcome_severity)
    }

    fn judge_facts(&mut self, catalog: &Catalog, job: &mut Job<'a>) {
        let entry = &catalog.entries[self.found.entry];
        let known = self.found.how.is_by_name();
        if let (Some(close), Some(finish)) = (&job.close_reason, &job.stats.finish_reason) {
            if close != finish {
                self.notes.push(format!(
                    "close_reason is `{close}` but Scrapy's finish_reason is `{finish}`: \
                     the platform or an API client set the outcome, Scrapy closed with the other"
                ));
            }
        }
        let memory_outcome =
            known && matches!(entry.name.as_str(), "memusage_exceeded" | "killed by oom");
        if memory_outcome || job.stats.memory_limit_reached == Some(true) {
            if let Some(note) = memory_note(job) {
                self.notes.push(note);
            }
            if known && entry.name == "killed by oom" {
                self.notes.push(oom_note(job));
            }
        }
        if let Some(by) = &job.cancelled_by {
            self.notes.push(format!("cancelled by {by}"));
        }
        if known {
            if let Some(note) = who_stopped_it(entry.name.as_str(), job) {
                self.notes.push(note);
            }
        }
    }

    /// The outcome's name: the catalog's spelling for a known reason, the reason as given
    /// otherwise, or `None` when there was no reason.
    pub fn outcome<'s>(&'s self, catalog: &'s Catalog) -> Option<&'s str> {
        match self.found.how {
            How::Exact | How::Alias | How::Normalized | How::Inferred => {
                Some(catalog.entries[self.found.entry].name.as_str())
            }
            How::Family | How::Suggestion | How::Custom => self.input.as_deref(),
            How::NotFinished
            | How::NoOutcome
            | How::NeverClosed
            | How::FailedToStart
            | How::Empty => None,
        }
    }

    pub fn entry<'c>(&self, catalog: &'c Catalog) -> &'c Entry {
        &catalog.entries[self.found.entry]
    }

    pub fn into_owned(self) -> Report<'static> {
        Report {
            location: self.location.map(|l| Location {
                source: Cow::Owned(l.source.into_owned()),
                line: l.line,
            }),
            input: self.input.map(|i| Cow::Owned(i.into_owned())),
            found: self.found,
            severity: self.severity,
            outcome_severity: self.outcome_severity,
            expected: self.expected,
            findings: self.findings,
            notes: self.notes,
            command: self.command.clone(),
            rule: self.rule,
            job: self.job.map(|job| Box::new(job.into_owned())),
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

/// What the input knows that the catalog's advice leaves as a placeholder.
struct Known<'r> {
    job_key: Option<&'r str>,
    spider: Option<&'r str>,
    reason: Option<&'r str>,
}

/// A value fit to stand inside a quoted shell command as written: a quote, a backslash, a
/// `$` or a control character could change the command, so such a value is left out and
/// the placeholder stays.
fn quiet(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 200
        && !value
            .chars()
            .any(|c| matches!(c, '\'' | '"' | '`' | '\\' | '$') || c.is_control())
}

/// Replaces the placeholder `name` where it stands as a word of its own.
fn replace_word(text: &str, name: &str, value: &str) -> String {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(name) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + name.len()..].chars().next();
        out.push_str(&rest[..at]);
        if before.is_some_and(word) || after.is_some_and(word) {
            out.push_str(name);
        } else {
            out.push_str(value);
        }
        rest = &rest[at + name.len()..];
    }
    out.push_str(rest);
    out
}

impl Known<'_> {
    fn fill<'s>(&self, step: &'s str) -> Cow<'s, str> {
        let mut text = Cow::Borrowed(step);
        if let Some(reason) = self.reason.filter(|r| quiet(r)) {
            if text.contains("closespider_TAIL") {
                text = Cow::Owned(text.replace("closespider_TAIL", reason));
            }
            if text.contains("REASON") {
                text = Cow::Owned(replace_word(&text, "REASON", reason));
            }
        }
        for (name, value) in [("JOB_KEY", self.job_key), ("SPIDER", self.spider)] {
            if let Some(value) = value.filter(|v| quiet(v)) {
                if text.contains(name) {
                    text = Cow::Owned(replace_word(&text, name, value));
                }
            }
        }
        text
    }
}

/// A step with the placeholders the input knows filled (`filled`, from `Known::fill`), and
/// a URL the log names where the step's command takes one; borrowed from the catalog where
/// nothing was filled.
fn fill_url<'c>(urls: &crate::advice::Urls, filled: Cow<'_, str>, step: &'c str) -> Cow<'c, str> {
    let text: &str = &filled;
    match (urls.fill(text), filled) {
        (Some(with_url), _) => Cow::Owned(with_url),
        (None, Cow::Owned(s)) => Cow::Owned(s),
        (None, Cow::Borrowed(_)) => Cow::Borrowed(step),
    }
}

impl Report<'_> {
    fn known(&self) -> Known<'_> {
        let job = self.job.as_deref();
        Known {
            job_key: job.and_then(|j| j.key.as_deref()),
            spider: job.and_then(|j| j.spider.as_deref()),
            reason: self.input.as_deref(),
        }
    }

    /// URLs the log names, for the steps whose commands take one.
    fn urls(&self) -> crate::advice::Urls {
        crate::advice::Urls::of(self.job.as_deref())
    }

    /// What the crawl read shows, for the steps that hold only under a condition.
    fn facts(&self, catalog: &Catalog) -> crate::advice::Known {
        let job = self.job.as_deref();
        let outcome = self
            .found
            .how
            .is_by_name()
            .then(|| catalog.entries[self.found.entry].name.as_str());
        let killed = self
            .command
            .as_ref()
            .map(|c| c.signal == Some(libc::SIGKILL));
        crate::advice::Known::of(job, job.and_then(|j| j.memory_limit), outcome, killed)
    }

    /// The outcome's own next steps, with what the input knows filled in and without the
    /// ones a finding's advice replaces or the crawl's facts contradict.
    pub fn outcome_steps<'c>(&self, catalog: &'c Catalog) -> Vec<Cow<'c, str>> {
        let known = self.known();
        let facts = self.facts(catalog);
        let urls = self.urls();
        let superseded: Vec<&str> = self
            .findings
            .iter()
            .flat_map(|f| f.check(catalog).supersedes.iter().map(String::as_str))
            .filter(|p| !p.is_empty())
            .collect();
        let mut steps: Vec<Cow<'c, str>> = self
            .entry(catalog)
            .next_steps
            .iter()
            .filter(|step| !superseded.iter().any(|p| step.starts_with(p)))
            .filter(|step| facts.fits(step))
            .map(|step| fill_url(&urls, known.fill(step), step.as_ref()))
            .collect();
        // A reason that looks like a typo: the outcome it looks like comes first.
        if let (How::Suggestion, Some(meant)) = (self.found.how, self.found.suggestion) {
            let name = &catalog.entries[meant].name;
            if quiet(name) {
                steps.insert(
                    0,
                    Cow::Owned(format!(
                        "If you meant `{name}`, `outcome explain {name}` explains it."
                    )),
                );
            }
        }
        steps
    }

    /// A finding's next steps, with what the input knows filled in, without the ones the
    /// crawl's facts contradict.
    pub fn finding_steps<'c>(&self, catalog: &'c Catalog, finding: &Finding) -> Vec<Cow<'c, str>> {
        self.first_finding_steps(catalog, finding, usize::MAX)
    }

    /// The first `most` of a finding's steps that the facts do not contradict.
    fn first_finding_steps<'c>(
        &self,
        catalog: &'c Catalog,
        finding: &Finding,
        most: usize,
    ) -> Vec<Cow<'c, str>> {
        let known = self.known();
        let facts = self.facts(catalog);
        let urls = self.urls();
        finding
            .check(catalog)
            .next_steps
            .iter()
            .filter(|step| facts.fits(step))
            .take(most)
            .map(|step| fill_url(&urls, known.fill(step), step.as_str()))
            .collect()
    }

    /// The next steps for the card, in the order of cause: what made the verdict first (the
    /// outcome, where it is at least as bad as every finding and not OK; else the worst
    /// finding), the other findings after, the outcome's general advice last. A finding
    /// below the verdict gives only its first step that fits the crawl, so that what
    /// matters most is not buried (JSON keeps every step); a step
    /// said twice is said once.
    pub fn all_steps<'c>(&self, catalog: &'c Catalog) -> Vec<Cow<'c, str>> {
        let mut steps: Vec<Cow<'c, str>> = Vec::new();
        let add = |more: Vec<Cow<'c, str>>, steps: &mut Vec<Cow<'c, str>>| {
            for step in more {
                if !steps.contains(&step) {
                    steps.push(step);
                }
            }
        };
        let worst_finding = self.findings.first().map(|f| f.severity);
        let outcome_decides = self.outcome_severity > Severity::Ok
            && worst_finding.is_none_or(|worst| self.outcome_severity >= worst);
        if outcome_decides {
            add(self.outcome_steps(catalog), &mut steps);
        }
        for finding in &self.findings {
            let most = if finding.severity == self.severity {
                usize::MAX
            } else {
                1
            };
            add(self.first_finding_steps(catalog, finding, most), &mut steps);
        }
        if !outcome_decides {
            add(self.outcome_steps(catalog), &mut steps);
        }
        steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_only_where_they_are_words() {
        let known = Known {
            job_key: Some("2222222/1/1546"),
            spider: Some("books"),
            reason: Some("login_failed"),
        };
        assert_eq!(
            known.fill("run `shub log JOB_KEY` or `scrapy crawl SPIDER`; SPIDER_MODULES stays"),
            "run `shub log 2222222/1/1546` or `scrapy crawl books`; SPIDER_MODULES stays"
        );
        assert_eq!(
            known.fill("`grep -rn 'REASON' .` and `Closing spider (REASON)`"),
            "`grep -rn 'login_failed' .` and `Closing spider (login_failed)`"
        );
        let hostile = Known {
            job_key: None,
            spider: Some("x'; rm -rf ~; '"),
            reason: Some("a$(id)"),
        };
        assert_eq!(
            hostile.fill("`scrapy crawl SPIDER` `grep 'REASON'`"),
            "`scrapy crawl SPIDER` `grep 'REASON'`"
        );
    }
}
