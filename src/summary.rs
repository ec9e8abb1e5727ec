//! A summary's model: counts per outcome and severity, for all jobs or one spider's, with
//! the jobs behind each, merged from chunks counted on several threads.

use std::collections::HashMap;

use crate::severity::{Severity, Tally};

/// Counts for one outcome, by severity (a `finished` can be OK or WARNING), and the jobs
/// behind each count, in input order.
#[derive(Debug, Clone, Default)]
struct Counts {
    entry: usize,
    by_severity: [u64; 4],
    keys: [Vec<String>; 4],
}

fn slot(severity: Severity) -> usize {
    severity as usize
}

#[derive(Debug, Default)]
pub struct Group {
    pub tally: Tally,
    outcomes: HashMap<String, Counts>,
    /// By check index: how many jobs each finding fired on, by severity.
    findings: Vec<Counts>,
    /// What decided each job's verdict (the finding that raised it, else its outcome), by
    /// severity: what a one-line status names as the cause.
    causes: HashMap<String, [u64; 4]>,
    /// How many jobs a row keeps: `None` for all (JSON lists every one); human output
    /// shows a few, so it keeps only those and memory stays flat.
    keep: Option<usize>,
}

/// A finding at one severity across the jobs, and the jobs it fired on.
#[derive(Debug, Clone, Copy)]
pub struct FindingRow<'g> {
    /// The check's index in the catalog.
    pub check: usize,
    pub severity: Severity,
    pub count: u64,
    pub keys: &'g [String],
}

/// One row of a summary: an outcome at one severity, and the jobs behind it.
#[derive(Debug, Clone, Copy)]
pub struct Row<'g> {
    pub outcome: &'g str,
    pub severity: Severity,
    pub count: u64,
    /// The catalog entry the outcome matched.
    pub entry: usize,
    /// Job keys, or `file:line` for a record without one, in input order: all of them, or
    /// the first few the group keeps (`count` says how many there are); empty when not
    /// collected.
    pub keys: &'g [String],
}

impl Group {
    /// A group that keeps at most `keep` jobs per row (`None`: all).
    pub fn keeping(keep: Option<usize>) -> Group {
        Group {
            keep,
            ..Group::default()
        }
    }

    /// Counts one job; `key` names it when the summary lists jobs.
    pub fn add(&mut self, outcome: &str, severity: Severity, entry: usize, key: Option<&str>) {
        self.tally.add(severity);
        self.row(outcome, severity, entry, key);
    }

    /// Counts what decided one job's verdict.
    pub fn add_cause(&mut self, cause: &str, severity: Severity) {
        match self.causes.get_mut(cause) {
            Some(counts) => counts[slot(severity)] += 1,
            None => {
                let mut counts = [0; 4];
                counts[slot(severity)] += 1;
                self.causes.insert(cause.to_string(), counts);
            }
        }
    }

    /// What decided the verdicts at `severity`, most frequent first (then by name).
    pub fn causes_at(&self, severity: Severity) -> Vec<(&str, u64)> {
        let mut causes: Vec<(&str, u64)> = self
            .causes
            .iter()
            .map(|(name, counts)| (name.as_str(), counts[slot(severity)]))
            .filter(|(_, n)| *n > 0)
            .collect();
        causes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        causes
    }

    /// A job counted at `from` whose verdict a later look (its spider's history) raised to
    /// `to`, for `cause`: it moves, in the tally, its outcome's row and the causes.
    pub fn regrade(
        &mut self,
        judged: &crate::history::Judged,
        to: Severity,
        cause: &str,
        key: Option<&str>,
    ) {
        let from = judged.severity;
        if to <= from {
            return;
        }
        self.tally.regrade(from, to);
        if let Some(counts) = self.outcomes.get_mut(&judged.outcome) {
            counts.by_severity[slot(from)] = counts.by_severity[slot(from)].saturating_sub(1);
            counts.by_severity[slot(to)] += 1;
            if let Some(key) = key {
                let before = &mut counts.keys[slot(from)];
                if let Some(at) = before.iter().position(|k| k == key) {
                    let key = before.remove(at);
                    let after = &mut counts.keys[slot(to)];
                    if self.keep.is_none_or(|most| after.len() < most) {
                        after.push(key);
                    }
                }
            }
        }
        if let Some(counts) = self.causes.get_mut(&judged.cause) {
            counts[slot(from)] = counts[slot(from)].saturating_sub(1);
        }
        self.add_cause(cause, to);
    }

    /// Counts the findings of one job (check index and severity each).
    pub fn add_findings(&mut self, findings: &[(usize, Severity)], key: Option<&str>) {
        for &(check, severity) in findings {
            if self.findings.len() <= check {
                self.findings.resize_with(check + 1, Counts::default);
            }
            let counts = &mut self.findings[check];
            counts.entry = check;
            counts.by_severity[slot(severity)] += 1;
            let keys = &mut counts.keys[slot(severity)];
            if let Some(key) = key.filter(|_| self.keep.is_none_or(|most| keys.len() < most)) {
                keys.push(key.to_string());
            }
        }
    }

    /// Findings worst first, then most frequent, then in catalog order.
    pub fn finding_rows(&self) -> Vec<FindingRow<'_>> {
        let mut rows = Vec::new();
        for (check, counts) in self.findings.iter().enumerate() {
            for severity in Severity::WORST_FIRST {
                let count = counts.by_severity[slot(severity)];
                if count > 0 {
                    rows.push(FindingRow {
                        check,
                        severity,
                        count,
                        keys: &counts.keys[slot(severity)],
                    });
                }
            }
        }
        rows.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(b.count.cmp(&a.count))
                .then(a.check.cmp(&b.check))
        });
        rows
    }

    /// A record that could not be read: UNKNOWN, under its own row.
    pub fn add_malformed(&mut self, outcome: &str, entry: usize, key: Option<&str>) {
        self.tally.add_malformed();
        self.row(outcome, Severity::Unknown, entry, key);
    }

    fn row(&mut self, outcome: &str, severity: Severity, entry: usize, key: Option<&str>) {
        // Look up by &str first so the common case allocates nothing.
        let counts = match self.outcomes.get_mut(outcome) {
            Some(counts) => counts,
            None => self.outcomes.entry(outcome.to_string()).or_insert(Counts {
                entry,
                ..Counts::default()
            }),
        };
        counts.by_severity[slot(severity)] += 1;
        let keys = &mut counts.keys[slot(severity)];
        if let Some(key) = key.filter(|_| self.keep.is_none_or(|most| keys.len() < most)) {
            keys.push(key.to_string());
        }
    }

    /// Adds a later chunk's counts (the chunk came after these in the input).
    pub fn merge(&mut self, other: Group) {
        self.tally.merge(&other.tally);
        if self.findings.len() < other.findings.len() {
            self.findings
                .resize_with(other.findings.len(), Counts::default);
        }
        for (mine, counts) in self.findings.iter_mut().zip(other.findings) {
            mine.entry = counts.entry;
            for (a, b) in mine.by_severity.iter_mut().zip(counts.by_severity) {
                *a += b;
            }
            for (a, b) in mine.keys.iter_mut().zip(counts.keys) {
                a.extend(b);
                if let Some(most) = self.keep {
                    a.truncate(most);
                }
            }
        }
        for (cause, counts) in other.causes {
            let mine = self.causes.entry(cause).or_insert([0; 4]);
            for (a, b) in mine.iter_mut().zip(counts) {
                *a += b;
            }
        }
        for (outcome, counts) in other.outcomes {
            let mine = self.outcomes.entry(outcome).or_insert(Counts {
                entry: counts.entry,
                ..Counts::default()
            });
            for (a, b) in mine.by_severity.iter_mut().zip(counts.by_severity) {
                *a += b;
            }
            for (a, b) in mine.keys.iter_mut().zip(counts.keys) {
                a.extend(b);
                if let Some(most) = self.keep {
                    a.truncate(most);
                }
            }
        }
    }

    /// Rows worst first, then most frequent, then by name.
    pub fn rows(&self) -> Vec<Row<'_>> {
        let mut rows = Vec::new();
        for (name, counts) in &self.outcomes {
            for severity in Severity::WORST_FIRST {
                let count = counts.by_severity[slot(severity)];
                if count > 0 {
                    rows.push(Row {
                        outcome: name.as_str(),
                        severity,
                        count,
                        entry: counts.entry,
                        keys: &counts.keys[slot(severity)],
                    });
                }
            }
        }
        rows.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(b.count.cmp(&a.count))
                .then(a.outcome.cmp(b.outcome))
        });
        rows
    }

    pub fn worst(&self) -> Option<Severity> {
        self.tally.worst()
    }
}
