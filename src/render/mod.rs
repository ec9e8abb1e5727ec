//! Output formats. `human` is for people (cards, or one line per job for a stream), `json`
//! is a stable schema (one object per item, JSON Lines for several), `line` is TSV for awk.

pub mod color;
mod human;
mod json;
pub mod safe;

use std::io::{self, Write};

use crate::catalog::{Catalog, Severity};
use crate::report::Report;
use color::Palette;
pub use human::{card, stream_line};
pub use json::{entry_json, report_json};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Cards for people; one line per job for a stream
    Human,
    /// One JSON object per item (JSON Lines for several)
    Json,
    /// Tab-separated: job, outcome, severity, title
    Line,
    /// One Monitoring Plugins status line (summary only)
    Nagios,
}

/// A report in a machine format: a JSON line or a TSV line.
pub fn machine(
    out: &mut impl Write,
    format: Format,
    catalog: &Catalog,
    report: &Report,
) -> io::Result<()> {
    match format {
        Format::Json => report_json(out, catalog, report),
        _ => tsv(out, catalog, report),
    }
}

/// `job  outcome  severity  title`, tab-separated, input made terminal-safe (tabs included).
pub fn tsv(out: &mut impl Write, catalog: &Catalog, report: &Report) -> io::Result<()> {
    let job = report
        .job
        .as_ref()
        .and_then(|j| j.key.as_deref())
        .unwrap_or("-");
    let outcome = report.outcome(catalog).unwrap_or("-");
    let entry = report.entry(catalog);
    // Pieces rather than `writeln!`: this runs once per record of a stream.
    out.write_all(safe::safe(job).as_bytes())?;
    out.write_all(b"\t")?;
    out.write_all(safe::safe(outcome).as_bytes())?;
    out.write_all(b"\t")?;
    out.write_all(report.severity.as_str().as_bytes())?;
    out.write_all(b"\t")?;
    out.write_all(safe::safe(&entry.title).as_bytes())?;
    out.write_all(b"\n")
}

/// What a run has judged so far: counts and the worst verdict.
#[derive(Debug, Default, Clone, Copy)]
pub struct Verdicts {
    pub tally: Tally,
    pub worst: Option<Severity>,
}

impl Verdicts {
    pub fn add(&mut self, severity: Severity) {
        self.tally.add(severity);
        self.worst = Some(self.worst.map_or(severity, |w| w.worst(severity)));
    }

    /// A malformed record counts as UNKNOWN.
    pub fn add_malformed(&mut self) {
        self.tally.malformed += 1;
        self.add(Severity::Unknown);
    }

    pub fn merge(&mut self, other: &Verdicts) {
        self.tally.merge(&other.tally);
        if let Some(worst) = other.worst {
            self.worst = Some(self.worst.map_or(worst, |w| w.worst(worst)));
        }
    }
}

/// Per-severity tallies for a run's closing line and for `summary`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub ok: u64,
    pub warning: u64,
    pub critical: u64,
    pub unknown: u64,
    pub malformed: u64,
}

impl Tally {
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Ok => self.ok += 1,
            Severity::Warning => self.warning += 1,
            Severity::Critical => self.critical += 1,
            Severity::Unknown => self.unknown += 1,
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        self.ok += other.ok;
        self.warning += other.warning;
        self.critical += other.critical;
        self.unknown += other.unknown;
        self.malformed += other.malformed;
    }

    pub fn total(&self) -> u64 {
        self.ok + self.warning + self.critical + self.unknown
    }

    pub fn count(&self, severity: Severity) -> u64 {
        match severity {
            Severity::Ok => self.ok,
            Severity::Warning => self.warning,
            Severity::Critical => self.critical,
            Severity::Unknown => self.unknown,
        }
    }
}

/// `120 jobs: 3 critical, 7 warning, 0 unknown, 110 ok`
pub fn closing_count(out: &mut impl Write, palette: Palette, tally: &Tally) -> io::Result<()> {
    let total = tally.total();
    let noun = if total == 1 { "job" } else { "jobs" };
    let mut parts = Vec::new();
    for severity in Severity::ALL {
        let n = tally.count(severity);
        let text = format!("{n} {}", severity.as_str());
        parts.push(if n > 0 && severity != Severity::Ok {
            palette.strong(&text)
        } else {
            text
        });
    }
    write!(out, "{total} {noun}: {}", parts.join(", "))?;
    if tally.malformed > 0 {
        write!(
            out,
            " ({} malformed record{} counted as unknown)",
            tally.malformed,
            crate::report::plural(tally.malformed)
        )?;
    }
    writeln!(out)
}
