//! What every check works with: what the verdict so far says of the job, what a check
//! measured, and the small sums and lists their evidence is written with.

use crate::evidence::Quote;
use crate::text::group;

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

/// What a check measured: the value its levels judge, and the evidence, headline first.
pub struct Measured {
    pub value: f64,
    pub evidence: Vec<String>,
}

impl Measured {
    /// A log line that is the whole evidence, found once.
    pub fn line(quote: &Quote) -> Measured {
        Measured {
            value: 1.0,
            evidence: vec![cite(quote)],
        }
    }
}

/// ``line 1204: `the line's text` ``
pub fn cite(quote: &Quote) -> String {
    format!("line {}: `{}`", quote.line, quote.text)
}

/// `part` as a share of `whole`; none of nothing.
pub fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// `403 ×12, 429 ×6`
pub fn list_counts<T: std::fmt::Display>(items: &[(T, u64)], most: usize) -> String {
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

pub fn sum(items: &[(String, u64)]) -> u64 {
    items.iter().fold(0u64, |s, (_, n)| s.saturating_add(*n))
}
