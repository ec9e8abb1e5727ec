//! One answer: what was given, the catalog entry it matched, the verdict, and the record's
//! own facts that changed or explain the verdict.

use std::borrow::Cow;

use crate::catalog::{Catalog, Entry};
use crate::findings::Finding;
use crate::job::Job;
use crate::reason::{How, Match};
use crate::severity::Severity;

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

impl<'a> Report<'a> {
    /// The finding that raised the verdict above the outcome's own severity, if one did.
    pub fn deciding(&self) -> Option<&Finding> {
        self.findings
            .first()
            .filter(|f| f.severity == self.severity && f.severity > self.outcome_severity)
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
