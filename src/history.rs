//! Each spider against its own history: with several finished runs of one spider in a
//! summary's input, each run is compared with the median of that spider's previous runs,
//! ordered by their time fields, not by where they stood in the input. The checks are
//! catalog data like every other (`items_below_history`, `duration_above_history`).

use std::collections::HashMap;

use crate::catalog::Catalog;
use crate::checks::percent;
use crate::severity::Severity;
use crate::text::group;

/// The checks judged here, in the catalog's order after the per-record ones.
pub const CHECKS: [&str; 2] = ["items_below_history", "duration_above_history"];

/// How many earlier runs a run is compared with (their median), and how few are enough.
pub const WINDOW: usize = 10;
pub const MIN_EARLIER: usize = 3;
/// Runs kept per spider: the newest, by time. A job list of years of daily runs still
/// compares its latest runs; memory stays bounded by spiders, not jobs.
pub const RUNS_CAP: usize = 1_000;

/// One finished run, as much as the comparison needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// When it finished (or ran), in milliseconds since the epoch.
    pub time: f64,
    pub items: Option<u64>,
    pub seconds: Option<f64>,
    /// Its key, or `file:line`.
    pub key: Key,
    /// How it was judged on its own: its verdict, its outcome (and catalog entry), and
    /// what decided the verdict, so that a history check that raises it can move it.
    pub judged: Judged,
    /// Read from the history store: an earlier run to compare with, not one of the input.
    pub stored: bool,
}

/// A run's own verdict, as the summary counted it.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    pub severity: Severity,
    pub outcome: String,
    pub entry: usize,
    pub cause: String,
}

/// A job key kept without an allocation when it is short, as Scrapy Cloud keys are
/// (`123456/7/890`): a summary keeps one per run.
#[derive(Debug, Clone, PartialEq)]
pub enum Key {
    Inline { len: u8, bytes: [u8; 30] },
    Heap(String),
}

impl Key {
    pub fn new(text: &str) -> Key {
        match u8::try_from(text.len()) {
            Ok(len) if text.len() <= 30 => {
                let mut bytes = [0u8; 30];
                bytes[..text.len()].copy_from_slice(text.as_bytes());
                Key::Inline { len, bytes }
            }
            _ => Key::Heap(text.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            // Only ever filled from a whole `&str`, so the bytes are UTF-8.
            Key::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or("")
            }
            Key::Heap(text) => text,
        }
    }
}

/// A history check that fired on one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Flagged {
    pub spider: String,
    pub key: String,
    /// Index into the catalog's checks.
    pub check: usize,
    pub severity: Severity,
    pub evidence: String,
    /// The run's own verdict before its history was looked at.
    pub judged: Judged,
}

#[derive(Debug, Default)]
pub struct History {
    spiders: HashMap<String, Vec<Run>>,
}

impl History {
    pub fn add(&mut self, spider: &str, run: Run) {
        if !run.time.is_finite() {
            return;
        }
        let runs = match self.spiders.get_mut(spider) {
            Some(runs) => runs,
            None => self.spiders.entry(spider.to_string()).or_default(),
        };
        runs.push(run);
        if runs.len() >= RUNS_CAP * 2 {
            keep_newest(runs);
        }
    }

    /// The spiders with runs in the input.
    pub fn spiders(&self) -> Vec<String> {
        self.spiders.keys().cloned().collect()
    }

    /// Adds a run from the history store, to compare the input's runs with. One the input
    /// holds too (the same key; for runs without one, the same time) is left out, so that
    /// a run is never compared with itself.
    pub fn add_stored(
        &mut self,
        spider: &str,
        time: f64,
        key: Option<&str>,
        items: Option<u64>,
        seconds: Option<f64>,
    ) {
        let Some(runs) = self.spiders.get_mut(spider) else {
            return;
        };
        let same = |run: &Run| match key {
            Some(key) => run.key.as_str() == key,
            None => run.time == time,
        };
        if !time.is_finite() || runs.iter().any(|r| !r.stored && same(r)) {
            return;
        }
        runs.push(Run {
            time,
            items,
            seconds,
            key: Key::new(key.unwrap_or("")),
            judged: Judged {
                severity: Severity::Unknown,
                outcome: String::new(),
                entry: 0,
                cause: String::new(),
            },
            stored: true,
        });
    }

    /// Adds what another part of the input saw, a spider at a time.
    pub fn merge(&mut self, other: History) {
        for (spider, runs) in other.spiders {
            let mine = self.spiders.entry(spider).or_default();
            mine.extend(runs);
            if mine.len() >= RUNS_CAP * 2 {
                keep_newest(mine);
            }
        }
    }

    /// Every run that a history check flags, spiders in name order, runs in time order;
    /// each spider by the levels of its own rule in the project file. Runs from the store
    /// (`Run::stored`) are compared with, never flagged: they are not in this input.
    pub fn judge(&mut self, catalog: &Catalog) -> Vec<Flagged> {
        let mut spiders: Vec<(&String, &mut Vec<Run>)> = self.spiders.iter_mut().collect();
        spiders.sort_by(|a, b| a.0.cmp(b.0));
        let mut flagged = Vec::new();
        for (spider, runs) in spiders {
            let view = catalog.view(catalog.rule_for(Some(spider)));
            keep_newest(runs);
            // Ties keep input order (a stable sort).
            runs.sort_by(|a, b| a.time.total_cmp(&b.time));
            for at in 0..runs.len() {
                let run = &runs[at];
                if run.stored {
                    continue;
                }
                let earlier = &runs[at.saturating_sub(WINDOW)..at];
                let past = earlier.iter().map(|r| (r.items, r.seconds));
                for found in compare(view, run.items, run.seconds, past) {
                    flagged.push(Flagged {
                        spider: spider.clone(),
                        key: run.key.as_str().to_string(),
                        check: found.check,
                        severity: found.severity,
                        judged: run.judged.clone(),
                        evidence: found.evidence,
                    });
                }
            }
        }
        flagged
    }
}

impl History {
    /// Each spider's newest run of the input, and its newest run whose verdict is OK,
    /// their verdicts raised where `flagged` raised them; spiders in name order.
    pub fn last_runs(&self, flagged: &[Flagged]) -> Vec<LastRun> {
        let mut spiders: Vec<(&String, &Vec<Run>)> = self.spiders.iter().collect();
        spiders.sort_by(|a, b| a.0.cmp(b.0));
        let mut last = Vec::new();
        for (spider, runs) in spiders {
            let verdict = |run: &Run| {
                flagged
                    .iter()
                    .filter(|f| f.spider == *spider && f.key == run.key.as_str())
                    .map(|f| f.severity)
                    .fold(run.judged.severity, Severity::max)
            };
            let input = runs.iter().filter(|r| !r.stored);
            let Some(newest) = input.clone().max_by(|a, b| a.time.total_cmp(&b.time)) else {
                continue;
            };
            let success = input
                .filter(|r| verdict(r) == Severity::Ok)
                .map(|r| r.time)
                .max_by(f64::total_cmp);
            last.push(LastRun {
                spider: spider.clone(),
                time: newest.time,
                items: newest.items,
                seconds: newest.seconds,
                severity: verdict(newest),
                success,
            });
        }
        last
    }
}

/// A spider's newest run, for monitors: when, how much, how it was judged, and when it
/// last ran well.
#[derive(Debug, Clone, PartialEq)]
pub struct LastRun {
    pub spider: String,
    /// Milliseconds since the epoch.
    pub time: f64,
    pub items: Option<u64>,
    pub seconds: Option<f64>,
    pub severity: Severity,
    /// The newest run judged OK, in milliseconds since the epoch.
    pub success: Option<f64>,
}

/// A history check that fired on one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Compared {
    /// Index into the catalog's checks.
    pub check: usize,
    pub severity: Severity,
    pub value: f64,
    pub evidence: String,
}

/// One run against the runs before it (their items and seconds, at most `WINDOW` used,
/// at least `MIN_EARLIER` needed): the history checks that fire, judged by `catalog`'s
/// levels and policy.
pub fn compare(
    catalog: &Catalog,
    items: Option<u64>,
    seconds: Option<f64>,
    earlier: impl Iterator<Item = (Option<u64>, Option<f64>)> + Clone,
) -> Vec<Compared> {
    let index = |id: &str| catalog.checks.iter().position(|c| c.id == id);
    let (Some(items_check), Some(duration_check)) = (index(CHECKS[0]), index(CHECKS[1])) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    if let Some(items) = items {
        let mut past = Past::default();
        past.extend(earlier.clone().filter_map(|(n, _)| n).map(|n| n as f64));
        if let Some(median) = past.median() {
            let drop = if median > 0.0 {
                1.0 - items as f64 / median
            } else {
                0.0
            };
            if let Some(severity) = catalog.checks[items_check].judge(drop) {
                found.push(Compared {
                    check: items_check,
                    severity,
                    value: drop,
                    evidence: format!(
                        "items {} below this spider's median of {} earlier run{} ({} vs {})",
                        percent(drop),
                        past.len(),
                        crate::text::plural(past.len() as u64),
                        group(items),
                        group(median.round() as u64)
                    ),
                });
            }
        }
    }
    if let Some(seconds) = seconds {
        let mut past = Past::default();
        past.extend(earlier.filter_map(|(_, s)| s));
        if let Some(median) = past.median().filter(|m| *m > 0.0) {
            let ratio = seconds / median;
            if let Some(severity) = catalog.checks[duration_check].judge(ratio) {
                found.push(Compared {
                    check: duration_check,
                    severity,
                    value: ratio,
                    evidence: format!(
                        "duration {ratio:.1}x this spider's median of {} earlier run{} ({} vs {})",
                        past.len(),
                        crate::text::plural(past.len() as u64),
                        crate::text::duration(seconds),
                        crate::text::duration(median)
                    ),
                });
            }
        }
    }
    found
}

/// Keeps the newest `RUNS_CAP` runs; a selection, not a sort, so trimming as runs stream in
/// stays linear.
fn keep_newest(runs: &mut Vec<Run>) {
    if runs.len() > RUNS_CAP {
        runs.select_nth_unstable_by(RUNS_CAP - 1, |a, b| b.time.total_cmp(&a.time));
        runs.truncate(RUNS_CAP);
    }
}

/// The median of at least `MIN_EARLIER` values.
fn median(values: &mut [f64]) -> Option<f64> {
    if values.len() < MIN_EARLIER {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// The values of a run's earlier runs (at most `WINDOW`), held in place: every run of
/// every spider is compared, and a vector each would cost allocations a run.
struct Past {
    values: [f64; WINDOW],
    len: usize,
}

impl Default for Past {
    fn default() -> Self {
        Past {
            values: [0.0; WINDOW],
            len: 0,
        }
    }
}

impl Past {
    fn extend(&mut self, values: impl Iterator<Item = f64>) {
        for value in values {
            if let Some(slot) = self.values.get_mut(self.len) {
                *slot = value;
                self.len += 1;
            }
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    fn median(&mut self) -> Option<f64> {
        median(&mut self.values[..self.len])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(time: f64, items: u64, seconds: f64) -> Run {
        Run {
            time,
            items: Some(items),
            seconds: Some(seconds),
            key: Key::new(&format!("k{time}")),
            judged: Judged {
                severity: Severity::Ok,
                outcome: "finished".into(),
                entry: 0,
                cause: "finished".into(),
            },
            stored: false,
        }
    }

    #[test]
    fn runs_are_compared_in_time_order_with_the_median_before_them() {
        let catalog = Catalog::builtin().expect("catalog");
        let mut history = History::default();
        // Given out of order: the drop is the newest run, whatever the input order.
        history.add("s", run(5.0, 1000, 100.0));
        history.add("s", run(1.0, 3000, 100.0));
        history.add("s", run(2.0, 3200, 110.0));
        history.add("s", run(3.0, 3100, 90.0));
        history.add("s", run(4.0, 2900, 400.0));
        let flagged = history.judge(&catalog);
        let lines: Vec<(String, String)> = flagged
            .iter()
            .map(|f| (f.key.clone(), f.evidence.clone()))
            .collect();
        assert_eq!(
            lines,
            [
                (
                    "k4".to_string(),
                    "duration 4.0x this spider's median of 3 earlier runs (6m 40s vs 1m 40s)"
                        .to_string()
                ),
                (
                    "k5".to_string(),
                    "items 67% below this spider's median of 4 earlier runs (1,000 vs 3,050)"
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn keys_short_and_long_read_back() {
        for text in [
            "",
            "1/2/3",
            &"k".repeat(30),
            &"é".repeat(20),
            &"x".repeat(300),
        ] {
            assert_eq!(Key::new(text).as_str(), text);
        }
    }

    #[test]
    fn too_few_earlier_runs_say_nothing() {
        let catalog = Catalog::builtin().expect("catalog");
        let mut history = History::default();
        history.add("s", run(1.0, 3000, 100.0));
        history.add("s", run(2.0, 3000, 100.0));
        history.add("s", run(3.0, 1, 10_000.0));
        assert!(history.judge(&catalog).is_empty());
    }
}
