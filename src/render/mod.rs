//! Every renderer of every command. `human` is for people (cards, or one line per job for a
//! stream), `json` is a stable schema (one object per item, JSON Lines for several), `line`
//! is TSV for awk, `nagios` one Monitoring Plugins status line. Nothing that is not a
//! compile-time constant is written without going through `safe`.

pub mod color;
pub mod human;
pub mod json;
pub mod list;
pub mod nagios;
pub mod prometheus;
pub mod safe;
pub mod summary;
pub mod width;

use std::io::{self, Write};

use crate::catalog::Catalog;
use crate::report::Report;
use crate::severity::{Severity, Tally};
use crate::text::plural;
use color::Palette;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Human,
    Json,
    Line,
    Nagios,
    Prometheus,
}

/// A report in a machine format: a JSON line or a TSV line.
pub fn machine(
    out: &mut impl Write,
    format: Format,
    catalog: &Catalog,
    report: &Report,
) -> io::Result<()> {
    match format {
        Format::Json => json::report_json(out, catalog, report),
        _ => tsv(out, catalog, report),
    }
}

/// `job  outcome  severity  title`: see `tsv_row`. The first column is the job's key, else
/// where its answer was read (`file:line`: every answer from a file names its crawl), else
/// `-` (a reason given as an argument).
pub fn tsv(out: &mut impl Write, catalog: &Catalog, report: &Report) -> io::Result<()> {
    let catalog = catalog.view(report.rule);
    let job = report.job.as_ref().and_then(|j| j.key.as_deref());
    match (job, &report.location) {
        (Some(key), _) => tsv_field(out, key)?,
        (None, Some(location)) => {
            out.write_all(safe::safe(&location.source).as_bytes())?;
            write!(out, ":{}", location.line)?;
        }
        (None, None) => out.write_all(b"-")?,
    }
    let outcome = report.outcome(catalog);
    let entry = report.entry(catalog);
    let lead = [outcome.unwrap_or(""), report.severity.as_str()];
    out.write_all(b"\t")?;
    match report.deciding() {
        // The title column names the finding that decided the verdict, when one did:
        // `id: title`, written in place (this runs once per record of a stream).
        Some(finding) => {
            let check = finding.check(catalog);
            tsv_fields(out, &lead)?;
            out.write_all(b"\t")?;
            tsv_field(out, &check.id)?;
            out.write_all(b": ")?;
            out.write_all(safe::safe(&check.title).as_bytes())?;
            out.write_all(b"\n")
        }
        None => tsv_row(out, &[lead[0], lead[1], &entry.title]),
    }
}

fn tsv_field(out: &mut impl Write, field: &str) -> io::Result<()> {
    if field.is_empty() {
        out.write_all(b"-")
    } else {
        out.write_all(safe::safe(field).as_bytes())
    }
}

fn tsv_fields(out: &mut impl Write, fields: &[&str]) -> io::Result<()> {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b"\t")?;
        }
        tsv_field(out, field)?;
    }
    Ok(())
}

/// One TSV row: every field made terminal-safe (so a tab or a newline inside a field is
/// shown as `\t` or `\n`, never a new column or row), and an empty field written as `-`, so
/// that every row has its documented number of non-empty fields.
pub fn tsv_row(out: &mut impl Write, fields: &[&str]) -> io::Result<()> {
    tsv_fields(out, fields)?;
    out.write_all(b"\n")
}

/// `120 jobs: 3 critical, 7 warning, 0 unknown, 110 ok`
pub fn closing_count(out: &mut impl Write, palette: Palette, tally: &Tally) -> io::Result<()> {
    closing_count_after(out, palette, tally, 0)
}

/// The closing count on a line that already holds `lead` columns; it breaks after a comma
/// where the line would pass the stream's width, the rest indented by two.
pub fn closing_count_after(
    out: &mut impl Write,
    palette: Palette,
    tally: &Tally,
    lead: usize,
) -> io::Result<()> {
    let total = tally.total();
    let noun = if total == 1 { "job" } else { "jobs" };
    // Each piece as (what it shows, how it is written).
    let mut pieces: Vec<(String, String)> = Vec::new();
    for (i, severity) in Severity::WORST_FIRST.into_iter().enumerate() {
        let n = tally.count(severity);
        let mut text = format!("{n} {}", severity.as_str());
        if i == 0 {
            text = format!("{total} {noun}: {text}");
        }
        let styled = if n > 0 && severity != Severity::Ok {
            palette.strong(&text)
        } else {
            text.clone()
        };
        pieces.push((text, styled));
    }
    if tally.malformed > 0 {
        let text = format!(
            "({} malformed record{} counted as unknown)",
            tally.malformed,
            plural(tally.malformed)
        );
        pieces.push((text.clone(), text));
    }
    let last = pieces.len() - 1;
    let mut used = lead;
    for (i, (text, styled)) in pieces.iter().enumerate() {
        let separator = match i {
            0 => "",
            _ if i == last && tally.malformed > 0 => " ",
            _ => ", ",
        };
        let needed = separator.len() + width::columns(text);
        // Room is kept for the comma that may have to end this line.
        let comma = usize::from(i < last);
        if i > 0 && used.saturating_add(needed + comma) > palette.line() {
            write!(out, "{}\n  {styled}", separator.trim_end())?;
            used = 2 + width::columns(text);
        } else {
            write!(out, "{separator}{styled}")?;
            used += needed;
        }
    }
    writeln!(out)
}

/// A one-line message on stderr, made terminal-safe; a failure to write it is not worth
/// failing over.
pub fn warn(palette: Palette, message: &str) {
    let _ = writeln!(
        io::stderr(),
        "{}: {}",
        palette.error("outcome"),
        safe::safe(message)
    );
}
