//! Human output: a card per item, sized for an 80-column terminal, a one-line form for
//! streams, and the policy between them (`CardOrLines`). Everything but our own constant
//! words goes through `safe`: input, and catalog text too, since a user catalog can say
//! anything.

use std::io::{self, Write};

use super::color::Palette;
use super::safe::safe;
use crate::catalog::{Catalog, Entry};
use crate::reason::How;
use crate::report::Report;
use crate::severity::{Severity, Tally};
use crate::text::{count, duration};

const WIDTH: usize = 80;
const LABEL: usize = 11;

/// Greedy word wrap to `width` columns, every line prefixed with `indent` spaces.
pub fn wrap(text: &str, indent: usize, width: usize) -> Vec<String> {
    let room = width.saturating_sub(indent).max(20);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if used > 0 && used + 1 + len > room {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if used > 0 {
            line.push(' ');
            used += 1;
        }
        line.push_str(word);
        used += len;
    }
    if used > 0 || lines.is_empty() {
        lines.push(line);
    }
    let pad = " ".repeat(indent);
    lines.into_iter().map(|l| format!("{pad}{l}")).collect()
}

fn paragraph(out: &mut impl Write, text: &str, indent: usize) -> io::Result<()> {
    for line in wrap(text, indent, WIDTH) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// `Label      value`, the value wrapped under itself.
fn field(out: &mut impl Write, palette: Palette, label: &str, value: &str) -> io::Result<()> {
    let lines = wrap(value, LABEL, WIDTH);
    for (i, line) in lines.iter().enumerate() {
        if i == 0 {
            let head = format!("{label:<width$}", width = LABEL);
            writeln!(out, "{}{}", palette.dim(&head), &line[LABEL..])?;
        } else {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

fn numbered(out: &mut impl Write, steps: &[String]) -> io::Result<()> {
    for (i, step) in steps.iter().enumerate() {
        let marker = format!("{:>3}. ", i + 1);
        let lines = wrap(step, marker.len(), WIDTH);
        for (j, line) in lines.iter().enumerate() {
            if j == 0 {
                writeln!(out, "{marker}{}", &line[marker.len()..])?;
            } else {
                writeln!(out, "{line}")?;
            }
        }
    }
    Ok(())
}

fn entry_body(out: &mut impl Write, palette: Palette, entry: &Entry) -> io::Result<()> {
    writeln!(out)?;
    paragraph(out, &safe(&entry.explanation), 2)?;
    if !entry.next_steps.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", palette.heading("Next steps"))?;
        let steps: Vec<String> = entry
            .next_steps
            .iter()
            .map(|s| safe(s).into_owned())
            .collect();
        numbered(out, &steps)?;
    }
    writeln!(out)?;
    if !entry.settings.is_empty() {
        field(out, palette, "Settings", &safe(&entry.settings.join(", ")))?;
    }
    field(out, palette, "Set by", &safe(&entry.set_by))?;
    for (i, url) in entry.docs.iter().enumerate() {
        field(out, palette, if i == 0 { "Docs" } else { "" }, &safe(url))?;
    }
    Ok(())
}

/// How the reason was matched, when that is worth a line.
fn matched_line(catalog: &Catalog, report: &Report) -> Option<String> {
    let input = report.input.as_deref().map(safe);
    let input = input.as_deref().unwrap_or("");
    let entry = report.entry(catalog);
    let suggestion = report
        .found
        .suggestion
        .map(|i| safe(&catalog.entries[i].name).into_owned());
    let name = safe(&entry.name);
    match report.found.how {
        How::Exact => None,
        How::Alias => Some(format!("`{input}` is another spelling of `{name}`")),
        How::Normalized => Some(format!(
            "`{input}` matched `{name}` with case and separators ignored"
        )),
        How::Family => {
            let tail = report.found.tail.as_deref().map(safe).unwrap_or_default();
            let mut line = format!(
                "`{input}` is not in the catalog: explained as the `{name}` family (tail `{tail}`)"
            );
            if let Some(s) = &suggestion {
                line.push_str(&format!("; did you mean `{s}`?"));
            }
            Some(line)
        }
        How::Suggestion => Some(format!(
            "`{input}` is not in the catalog. Did you mean `{}`?",
            suggestion.as_deref().unwrap_or("?")
        )),
        How::Custom => Some(format!("`{input}` is not in the catalog")),
        How::NotFinished | How::NoOutcome | How::NeverClosed | How::FailedToStart | How::Empty => {
            None
        }
    }
}

pub fn card(
    out: &mut impl Write,
    palette: Palette,
    catalog: &Catalog,
    report: &Report,
) -> io::Result<()> {
    let entry = report.entry(catalog);
    let name = report.outcome(catalog).unwrap_or(&entry.name);
    writeln!(
        out,
        "{}  {}",
        palette.strong(&safe(name)),
        palette.badge(report.severity)
    )?;
    writeln!(out, "{}", safe(&entry.title))?;
    if let Some(line) = matched_line(catalog, report) {
        for l in wrap(&line, 0, WIDTH) {
            writeln!(out, "{}", palette.dim(&l))?;
        }
    }
    let mut facts: Vec<(&str, String)> = Vec::new();
    if let Some(job) = &report.job {
        job_facts(job, report, &mut facts);
    }
    for note in &report.notes {
        facts.push(("Note", safe(note).into_owned()));
    }
    if !facts.is_empty() {
        writeln!(out)?;
        for (label, value) in &facts {
            field(out, palette, label, value)?;
        }
    }
    entry_body(out, palette, entry)
}

/// The record's facts worth a line each: who, state, counts, tags.
fn job_facts(job: &crate::job::Job, report: &Report, facts: &mut Vec<(&str, String)>) {
    let mut who = Vec::new();
    if let Some(key) = &job.key {
        who.push(safe(key).into_owned());
    }
    if let Some(spider) = &job.spider {
        who.push(format!("spider {}", safe(spider)));
    }
    let mut state = Vec::new();
    if let Some(s) = &job.state {
        state.push(safe(s).into_owned());
    }
    if let Some(seconds) = job.run_seconds() {
        state.push(format!("ran {}", duration(seconds)));
    }
    if let Some(units) = job.units {
        state.push(count(units, "unit"));
    }
    let mut counts = Vec::new();
    for (noun, value) in [
        ("item", job.items()),
        ("error", job.errors()),
        ("page", job.pages()),
    ] {
        if let Some(v) = value {
            counts.push(count(v, noun));
        }
    }
    if let Some(from) = job.log.as_ref().and_then(|l| l.counts_from) {
        if !counts.is_empty() {
            counts.push(format!("from the {from}"));
        }
    }
    if let Some(version) = job.log.as_ref().and_then(|l| l.scrapy_version.as_deref()) {
        state.push(format!("Scrapy {}", safe(version)));
    }
    let tags: Vec<String> = job.tags.iter().map(|t| safe(t).into_owned()).collect();
    let source: Vec<String> = report
        .location
        .iter()
        .map(|l| format!("{}:{}", safe(&l.source), l.line))
        .collect();
    for (label, parts) in [
        ("Job", who),
        ("State", state),
        ("Counts", counts),
        ("Tags", tags),
        ("Read from", source),
    ] {
        if !parts.is_empty() {
            facts.push((label, parts.join(", ")));
        }
    }
}

/// One job on one line: `CRITICAL  123/4/5  memusage_exceeded  title-or-first-note`.
pub fn stream_line(
    out: &mut impl Write,
    palette: Palette,
    catalog: &Catalog,
    report: &Report,
) -> io::Result<()> {
    let badge = palette.badge(report.severity);
    let entry = report.entry(catalog);
    let what = report
        .notes
        .first()
        .map(String::as_str)
        .unwrap_or(&entry.title);
    let pad = " ".repeat(Severity::LABEL_WIDTH - report.severity.label().len());
    let outcome = report.outcome(catalog).unwrap_or("-");
    write!(out, "{badge}{pad}  ")?;
    match (
        report.job.as_ref().and_then(|j| j.key.as_deref()),
        &report.location,
    ) {
        (Some(key), _) => write!(out, "{}  ", safe(key))?,
        (None, Some(location)) => write!(out, "{}:{}  ", safe(&location.source), location.line)?,
        (None, None) => {}
    }
    writeln!(out, "{}  {}", palette.strong(&safe(outcome)), safe(what))
}

/// The policy for human output of a stream: one record is a card, several are one line
/// each and a closing count. The first record is held back until a second arrives or the
/// input ends; records that could not be read are not records here (they are reported on
/// stderr and counted in the closing line).
#[derive(Debug, Default)]
pub struct CardOrLines {
    held: Option<Report<'static>>,
    reports: u64,
}

impl CardOrLines {
    pub fn report(
        &mut self,
        out: &mut impl Write,
        palette: Palette,
        catalog: &Catalog,
        report: &Report,
    ) -> io::Result<()> {
        self.reports += 1;
        match self.reports {
            1 => {
                self.held = Some(report.clone().into_owned());
                Ok(())
            }
            _ => {
                self.release(out, palette, catalog)?;
                stream_line(out, palette, catalog, report)
            }
        }
    }

    /// Reports rendered elsewhere as lines (a chunk of a stream from a worker thread):
    /// `lines` holds `n` of them, the first of which is `first`.
    pub fn join(
        &mut self,
        out: &mut impl Write,
        palette: Palette,
        catalog: &Catalog,
        n: u64,
        first: Option<Report<'static>>,
        lines: &[u8],
    ) -> io::Result<()> {
        if n == 0 {
            return Ok(());
        }
        if self.reports == 0 && n == 1 {
            self.reports = 1;
            self.held = first;
            return Ok(());
        }
        self.release(out, palette, catalog)?;
        self.reports += n;
        out.write_all(lines)
    }

    fn release(
        &mut self,
        out: &mut impl Write,
        palette: Palette,
        catalog: &Catalog,
    ) -> io::Result<()> {
        match self.held.take() {
            Some(first) => stream_line(out, palette, catalog, &first),
            None => Ok(()),
        }
    }

    /// The input has ended: the only record as a card, or the closing count after lines.
    pub fn finish(
        &mut self,
        out: &mut impl Write,
        palette: Palette,
        catalog: &Catalog,
        tally: &Tally,
    ) -> io::Result<()> {
        match self.held.take() {
            Some(only) => card(out, palette, catalog, &only),
            None if self.reports > 1 => super::closing_count(out, palette, tally),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrap_respects_width_and_indent() {
        let text = "one two three four five six seven eight nine ten eleven twelve";
        for line in wrap(text, 4, 24) {
            assert!(line.chars().count() <= 24, "{line:?}");
            assert!(line.starts_with("    "));
        }
        assert_eq!(wrap("", 2, 80), vec!["  ".to_string()]);
    }
}
