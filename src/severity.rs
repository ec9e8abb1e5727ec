//! The one ordered verdict type and the tallies built from it. Every other module asks this
//! one which verdict is worse, so the order lives in exactly one place.

use serde::Deserialize;

/// Declared from best to worst: the derived `Ord` is the contract's
/// OK < UNKNOWN < WARNING < CRITICAL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[serde(alias = "OK")]
    Ok,
    #[serde(alias = "UNKNOWN")]
    Unknown,
    #[serde(alias = "WARNING")]
    Warning,
    #[serde(alias = "CRITICAL")]
    Critical,
}

impl Severity {
    /// Worst first: the order of rows, counts and listings.
    pub const WORST_FIRST: [Severity; 4] = [
        Severity::Critical,
        Severity::Warning,
        Severity::Unknown,
        Severity::Ok,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Ok => "ok",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
            Severity::Unknown => "unknown",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Ok => "OK",
            Severity::Warning => "WARNING",
            Severity::Critical => "CRITICAL",
            Severity::Unknown => "UNKNOWN",
        }
    }

    /// The widest label, for aligning columns.
    pub const LABEL_WIDTH: usize = 8;

    /// Case-insensitive, for command-line values.
    pub fn parse(text: &str) -> Option<Severity> {
        Severity::WORST_FIRST
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// Per-severity counts, plus the records that could not be read (counted as UNKNOWN).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    counts: [u64; 4],
    pub malformed: u64,
}

impl Tally {
    fn slot(severity: Severity) -> usize {
        severity as usize
    }

    pub fn add(&mut self, severity: Severity) {
        self.counts[Tally::slot(severity)] += 1;
    }

    /// One job counted at `from` is now at `to`.
    pub fn regrade(&mut self, from: Severity, to: Severity) {
        let from = Tally::slot(from);
        if self.counts[from] > 0 {
            self.counts[from] -= 1;
            self.counts[Tally::slot(to)] += 1;
        }
    }

    /// A malformed record counts as UNKNOWN.
    pub fn add_malformed(&mut self) {
        self.malformed += 1;
        self.add(Severity::Unknown);
    }

    pub fn merge(&mut self, other: &Tally) {
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts) {
            *mine += theirs;
        }
        self.malformed += other.malformed;
    }

    pub fn count(&self, severity: Severity) -> u64 {
        self.counts[Tally::slot(severity)]
    }

    /// Everything counted, malformed records included.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Records that were read, malformed ones left out.
    pub fn read(&self) -> u64 {
        self.total() - self.malformed
    }

    /// The worst verdict counted, if anything was.
    pub fn worst(&self) -> Option<Severity> {
        Severity::WORST_FIRST
            .into_iter()
            .find(|&s| self.count(s) > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_the_contracts() {
        assert!(Severity::Critical > Severity::Warning);
        assert!(Severity::Warning > Severity::Unknown);
        assert!(Severity::Unknown > Severity::Ok);
        let mut sorted = Severity::WORST_FIRST;
        sorted.sort();
        sorted.reverse();
        assert_eq!(sorted, Severity::WORST_FIRST);
    }

    #[test]
    fn tallies_count_and_merge() {
        let mut a = Tally::default();
        a.add(Severity::Ok);
        a.add_malformed();
        let mut b = Tally::default();
        b.add(Severity::Critical);
        a.merge(&b);
        assert_eq!((a.total(), a.read(), a.malformed), (3, 2, 1));
        assert_eq!(a.worst(), Some(Severity::Critical));
        assert_eq!(Tally::default().worst(), None);
    }

    #[test]
    fn a_regraded_job_moves_and_an_empty_slot_gives_none() {
        let mut tally = Tally::default();
        tally.add(Severity::Ok);
        tally.add(Severity::Ok);
        tally.regrade(Severity::Ok, Severity::Warning);
        assert_eq!(tally.count(Severity::Ok), 1);
        assert_eq!(tally.count(Severity::Warning), 1);
        // No job was counted CRITICAL: nothing moves, and nothing wraps below zero.
        tally.regrade(Severity::Critical, Severity::Unknown);
        assert_eq!(tally.count(Severity::Critical), 0);
        assert_eq!(tally.count(Severity::Unknown), 0);
        assert_eq!(tally.total(), 2);
    }

    #[test]
    fn parse_ignores_case() {
        assert_eq!(Severity::parse("CRITICAL"), Some(Severity::Critical));
        assert_eq!(Severity::parse("Ok"), Some(Severity::Ok));
        assert_eq!(Severity::parse("bad"), None);
    }
}
