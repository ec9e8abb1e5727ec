//! One answer: what was given, the catalog entry it matched, the verdict, and the record's
//! own facts that changed or explain the verdict.

use std::borrow::Cow;

use crate::catalog::{Catalog, Entry, Fallback};
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
    pub severity: Severity,
    /// Findings from the record itself, worst first.
    pub notes: Vec<String>,
    /// Boxed: a report moves through several calls per record, a job is large.
    pub job: Option<Box<Job<'a>>>,
}

const MIB: f64 = 1024.0 * 1024.0;

impl<'a> Report<'a> {
    pub fn for_reason(matcher: &Matcher, reason: Cow<'a, str>) -> Report<'a> {
        let found = matcher.find(&reason);
        Report {
            location: None,
            severity: matcher.catalog().entries[found.entry].severity,
            input: Some(reason),
            found,
            notes: Vec::new(),
            job: None,
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
            notes: Vec::new(),
            job: None,
        }
    }

    /// A log that stopped before the spider was opened, with errors: a failure to start.
    pub fn failed_to_start(matcher: &Matcher, job: Box<Job<'a>>, notes: Vec<String>) -> Report<'a> {
        let mut report = Report::fallback(
            matcher.catalog(),
            Fallback::FailedToStart,
            How::FailedToStart,
        );
        report.notes = notes;
        report.job = Some(job);
        report
    }

    /// An input with nothing in it: still one answer, so every input gets one.
    pub fn empty(matcher: &Matcher) -> Report<'a> {
        Report::fallback(matcher.catalog(), Fallback::Empty, How::Empty)
    }

    /// A log that ended before the engine closed the spider.
    pub fn never_closed(matcher: &Matcher, job: Box<Job<'a>>, notes: Vec<String>) -> Report<'a> {
        let mut report =
            Report::fallback(matcher.catalog(), Fallback::NeverClosed, How::NeverClosed);
        report.notes = notes;
        report.job = Some(job);
        report
    }

    /// The verdict for a job record: its state, its outcome, and the facts that qualify it.
    pub fn for_job(matcher: &Matcher, mut job: Box<Job<'a>>) -> Report<'a> {
        let catalog = matcher.catalog();
        if job.raw_stats.is_some()
            && (job.close_reason.is_none() || job.items.is_none() || job.errors.is_none())
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
                    Report::for_reason(matcher, reason)
                }
            },
        };
        report.judge_facts(catalog, &mut job);
        report.job = Some(job);
        report
    }

    fn judge_facts(&mut self, catalog: &Catalog, job: &mut Job<'a>) {
        let entry = &catalog.entries[self.found.entry];
        let known = matches!(self.found.how, How::Exact | How::Alias | How::Normalized);
        if known && entry.name == "finished" {
            if let Some(errors) = job.errors().filter(|&e| e > 0) {
                self.severity = self.severity.max(Severity::Warning);
                self.notes.push(format!(
                    "finished with {} error{} logged; the data may be incomplete",
                    group(errors),
                    plural(errors)
                ));
            }
            if job.items() == Some(0) {
                self.severity = self.severity.max(Severity::Warning);
                self.notes
                    .push("finished without scraping a single item".to_string());
            }
        }
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
        }
        if let Some(by) = &job.cancelled_by {
            self.notes.push(format!("cancelled by {by}"));
        }
    }

    /// The outcome's name: the catalog's spelling for a known reason, the reason as given
    /// otherwise, or `None` when there was no reason.
    pub fn outcome<'s>(&'s self, catalog: &'s Catalog) -> Option<&'s str> {
        match self.found.how {
            How::Exact | How::Alias | How::Normalized => {
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
            notes: self.notes,
            job: self.job.map(|job| Box::new(job.into_owned())),
        }
    }
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
