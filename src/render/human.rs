//! Human output: a card per item, wrapped to the stream's width (`Palette::prose`), a
//! one-line form for streams cut to fit, and the policy between them (`CardOrLines`). Everything but our own constant
//! words goes through `safe`: input, and catalog text too, since a user catalog can say
//! anything.

use std::borrow::Cow;
use std::io::{self, Write};

use super::color::Palette;
use super::safe::safe;
use super::width::{columns, fit, fit_start, pad};
use crate::catalog::{Catalog, Entry};
use crate::reason::How;
use crate::report::Report;
use crate::severity::{Severity, Tally};
use crate::text::{count, duration};

const LABEL: usize = 11;

/// Words to wrap at, with an inline command in backticks kept whole: `shub log 1/2/3`
/// broken across two lines cannot be copied. Words are slices of the text; only a quoted
/// span, its words joined by one space, is a string of its own.
fn unbreakable_words(text: &str, room: usize) -> Vec<Cow<'_, str>> {
    let mut words = Vec::new();
    let mut open: Option<String> = None;
    for word in text.split_whitespace() {
        let ticks = word.bytes().filter(|&b| b == b'`').count();
        match open.take() {
            Some(mut span) => {
                span.push(' ');
                span.push_str(word);
                if ticks % 2 == 1 {
                    // A quotation longer than a line (a log line) wraps like prose.
                    if columns(&span) <= room {
                        words.push(Cow::Owned(span));
                    } else {
                        split_span(&span, &mut words);
                    }
                } else {
                    open = Some(span);
                }
            }
            None if ticks % 2 == 1 => open = Some(word.to_string()),
            None => words.push(Cow::Borrowed(word)),
        }
    }
    // An unclosed backtick: the rest is still words.
    if let Some(span) = open {
        split_span(&span, &mut words);
    }
    words
}

fn split_span(span: &str, words: &mut Vec<Cow<'_, str>>) {
    words.extend(span.split(' ').map(|w| Cow::Owned(w.to_string())));
}

/// `text` wrapped to `width` columns, every line starting with `indent` spaces.
pub fn wrap(text: &str, indent: usize, width: usize) -> Vec<String> {
    let room = width.saturating_sub(indent).max(20);
    let mut lines = Lines {
        done: Vec::new(),
        line: " ".repeat(indent),
        indent,
        used: 0,
        room,
    };
    for word in unbreakable_words(text, room) {
        let word: &str = &word;
        let len = columns(word);
        // A long word that is neither a URL nor a command is shown in slices of at most
        // `room` columns.
        if len <= room || word.contains("://") || word.starts_with('`') {
            lines.add(word, len);
            continue;
        }
        let (mut start, mut used) = (0, 0);
        for (at, c) in word.char_indices() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if used + w > room && at > start {
                lines.add(&word[start..at], used);
                (start, used) = (at, 0);
            }
            used += w;
        }
        if start < word.len() {
            lines.add(&word[start..], used);
        }
    }
    lines.finish()
}

/// The lines `wrap` is filling.
struct Lines {
    done: Vec<String>,
    line: String,
    indent: usize,
    used: usize,
    room: usize,
}

impl Lines {
    fn add(&mut self, word: &str, len: usize) {
        if self.used > 0 && self.used + 1 + len > self.room {
            let next = " ".repeat(self.indent);
            self.done.push(std::mem::replace(&mut self.line, next));
            self.used = 0;
        }
        if self.used > 0 {
            self.line.push(' ');
            self.used += 1;
        }
        self.line.push_str(word);
        self.used += len;
    }

    fn finish(mut self) -> Vec<String> {
        if self.used > 0 || self.done.is_empty() {
            self.done.push(self.line);
        }
        self.done
    }
}

fn paragraph(out: &mut impl Write, width: usize, text: &str, indent: usize) -> io::Result<()> {
    for line in wrap(text, indent, width) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// `Label      value`, the value wrapped under itself.
fn field(out: &mut impl Write, palette: Palette, label: &str, value: &str) -> io::Result<()> {
    let lines = wrap(value, LABEL, palette.prose());
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

fn numbered(out: &mut impl Write, width: usize, steps: &[String]) -> io::Result<()> {
    for (i, step) in steps.iter().enumerate() {
        let marker = format!("{:>3}. ", i + 1);
        let lines = wrap(step, marker.len(), width);
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

/// How much of a card to show: all of it, or (`--brief`) what a user who knows the outcome
/// acts on: the verdict, the facts, the findings and the next steps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Detail {
    #[default]
    Full,
    Brief,
}

fn entry_body(
    out: &mut impl Write,
    palette: Palette,
    entry: &Entry,
    steps: &[String],
    detail: Detail,
) -> io::Result<()> {
    if detail == Detail::Full {
        writeln!(out)?;
        paragraph(out, palette.prose(), &safe(&entry.explanation), 2)?;
    }
    if !steps.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", palette.heading("Next steps"))?;
        let steps: Vec<String> = steps.iter().map(|s| safe(s).into_owned()).collect();
        numbered(out, palette.prose(), &steps)?;
    }
    if detail == Detail::Brief {
        return Ok(());
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

/// The most of a reason a card quotes: Scrapy Cloud keeps 255 characters of one, so a
/// longer one is rarely a reason at all; JSON and the line format carry it whole.
const REASON_QUOTED: usize = 1_024;

/// The reason as given, terminal-safe, cut after `REASON_QUOTED` bytes with its length.
fn quoted_reason(report: &Report) -> String {
    let input = report.input.as_deref().unwrap_or("");
    if input.len() <= REASON_QUOTED {
        return safe(input).into_owned();
    }
    let mut end = REASON_QUOTED;
    while !input.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}… ({} bytes in all)",
        safe(&input[..end]),
        crate::text::group(input.len() as u64)
    )
}

/// How the reason was matched, when that is worth a line.
fn matched_line(catalog: &Catalog, report: &Report) -> Option<String> {
    let input = quoted_reason(report);
    let input = input.as_str();
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
        // Its note says what it was inferred from.
        How::Inferred
        | How::NotFinished
        | How::NoOutcome
        | How::NeverClosed
        | How::FailedToStart
        | How::Empty => None,
    }
}

pub fn card(
    out: &mut impl Write,
    palette: Palette,
    catalog: &Catalog,
    report: &Report,
    detail: Detail,
) -> io::Result<()> {
    let catalog = catalog.view(report.rule);
    let entry = report.entry(catalog);
    let name = report.outcome(catalog).unwrap_or(&entry.name);
    // The whole reason is quoted below when it is not the catalog's own name.
    let room = palette.prose() - 2 - Severity::LABEL_WIDTH;
    writeln!(
        out,
        "{}  {}",
        palette.strong(&fit(&safe(name), room)),
        palette.badge(report.severity)
    )?;
    let suggested = report
        .found
        .suggestion
        .filter(|_| report.found.how == How::Suggestion)
        .map(|i| safe(&catalog.entries[i].name).into_owned());
    if let Some(meant) = &suggested {
        // A typo first: that it may be one's own reason comes second.
        let input = quoted_reason(report);
        paragraph(
            out,
            palette.prose(),
            &format!("Did you mean `{meant}`? `{input}` is not in the catalog."),
            0,
        )?;
        let title = safe(&entry.title);
        let mut lowered = title.chars();
        let title: String = match lowered.next() {
            Some(first) => first.to_lowercase().chain(lowered).collect(),
            None => String::new(),
        };
        for l in wrap(&format!("If it is no typo: {title}"), 0, palette.prose()) {
            writeln!(out, "{}", palette.dim(&l))?;
        }
    } else {
        paragraph(out, palette.prose(), &safe(&entry.title), 0)?;
    }
    if let Some(line) = matched_line(catalog, report).filter(|_| suggested.is_none()) {
        for l in wrap(&line, 0, palette.prose()) {
            writeln!(out, "{}", palette.dim(&l))?;
        }
    }
    let mut facts: Vec<(&str, String)> = Vec::new();
    if let Some(verdict) = verdict_line(catalog, report) {
        facts.push(("Verdict", verdict));
    }
    if let Some(rule) = &catalog.expectations {
        facts.push((
            "Rule",
            format!("spider `{}` ({})", safe(&rule.pattern), safe(&rule.place)),
        ));
    }
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
    findings_block(out, palette, catalog, report)?;
    let steps: Vec<String> = report
        .all_steps(catalog)
        .into_iter()
        .map(|s| s.into_owned())
        .collect();
    entry_body(out, palette, entry, &steps, detail)
}

/// Why the verdict is not the outcome's own: a finding raised it, or --expect lowered it.
fn verdict_line(catalog: &Catalog, report: &Report) -> Option<String> {
    if let Some(finding) = report.deciding() {
        return Some(format!(
            "{}, raised by {} (the outcome alone is {})",
            report.severity.label(),
            safe(&finding.check(catalog).id),
            report.outcome_severity.label()
        ));
    }
    if report.expected {
        return Some(format!(
            "{}: this outcome is expected for this run (--expect)",
            report.outcome_severity.label()
        ));
    }
    None
}

/// The label a finding shows: an OK-level finding is information, not a pass.
fn finding_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Ok => "INFO",
        other => other.label(),
    }
}

fn findings_block(
    out: &mut impl Write,
    palette: Palette,
    catalog: &Catalog,
    report: &Report,
) -> io::Result<()> {
    if report.findings.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{}", palette.heading("Findings"))?;
    const INDENT: usize = 2 + Severity::LABEL_WIDTH + 2;
    for finding in &report.findings {
        let check = finding.check(catalog);
        let label = finding_label(finding.severity);
        let badge = match finding.severity {
            Severity::Ok => palette.dim(label),
            other => palette.badge(other),
        };
        let pad = " ".repeat(Severity::LABEL_WIDTH.saturating_sub(label.len()));
        let head = format!("{}: {}", safe(&check.id), safe(&check.title));
        for (i, line) in wrap(&head, INDENT, palette.prose()).iter().enumerate() {
            if i == 0 {
                writeln!(out, "  {badge}{pad}  {}", &line[INDENT..])?;
            } else {
                writeln!(out, "{line}")?;
            }
        }
        for item in &finding.evidence {
            for line in wrap(&safe(item), INDENT, palette.prose()) {
                writeln!(out, "{}", palette.dim(&line))?;
            }
        }
    }
    Ok(())
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
    match job.log.as_ref() {
        Some(_) if counts.is_empty() => {
            // Said, not left out: a reader takes a missing row for nothing to count.
            counts.push("unknown: the text given does not show them".into())
        }
        Some(log) => {
            if let Some(from) = log.counts_from {
                counts.push(format!("from the {from}"));
            }
        }
        None => {}
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
    let command: Vec<String> = report
        .command
        .iter()
        .map(|fate| {
            let ended = match (fate.exit_code, fate.signal) {
                (_, Some(signal)) => format!("killed by {}", crate::text::signal_name(signal)),
                (Some(code), None) => format!("exited {code}"),
                (None, None) => "ended".to_string(),
            };
            format!(
                "`{}` {ended} after {}",
                safe(&fate.line),
                duration(fate.seconds)
            )
        })
        .collect();
    for (label, parts) in [
        ("Job", who),
        ("State", state),
        ("Counts", counts),
        ("Tags", tags),
        ("Command", command),
        ("Read from", source),
    ] {
        if !parts.is_empty() {
            facts.push((label, parts.join(", ")));
        }
    }
}

/// Where a stream line's columns start when the entries are of the usual sizes: a Scrapy
/// Cloud key (`123456/7/890`) and the catalog's longer names. A stream is written as it is
/// read, so its columns cannot be sized to the widest entry; a longer one pushes the rest
/// of its own line along.
const KEY_COLUMN: usize = 12;
const OUTCOME_COLUMN: usize = 18;

/// One job on one line: `CRITICAL  123/4/5  memusage_exceeded  title-or-first-note`, cut
/// to the stream's width: the title first, then, for a key or an outcome too long to leave
/// the title a quarter of the line, those too.
pub fn stream_line(
    out: &mut impl Write,
    palette: Palette,
    catalog: &Catalog,
    report: &Report,
) -> io::Result<()> {
    let catalog = catalog.view(report.rule);
    let width = palette.line();
    let entry = report.entry(catalog);
    let deciding = report.deciding().map(|f| {
        let headline = f.evidence.first().map(String::as_str).unwrap_or("");
        format!("{}: {headline}", f.check(catalog).id)
    });
    let what = deciding
        .as_deref()
        .or(report.notes.first().map(String::as_str))
        .unwrap_or(&entry.title);
    let key = match (
        report.job.as_ref().and_then(|j| j.key.as_deref()),
        &report.location,
    ) {
        (Some(key), _) => Some(safe(key)),
        (None, Some(location)) => Some(std::borrow::Cow::Owned(format!(
            "{}:{}",
            safe(&location.source),
            location.line
        ))),
        (None, None) => None,
    };
    let outcome = safe(report.outcome(catalog).unwrap_or("-"));
    let lead = Severity::LABEL_WIDTH + 2;
    let key_columns = key.as_deref().map_or(0, |k| columns(k).max(KEY_COLUMN) + 2);
    let crowded =
        lead + key_columns + columns(&outcome).max(OUTCOME_COLUMN) + 2 + width / 4 > width;
    // A crowded line drops the padding, cuts the outcome to under a third of the line and
    // gives the key what is left after a title's minimum.
    let (key, outcome, key_column, outcome_column) = if crowded {
        let outcome = fit(&outcome, width * 3 / 10).into_owned();
        let key_room = width
            .saturating_sub(lead + columns(&outcome) + 2 + 2 + width / 4)
            .max(KEY_COLUMN);
        let key = key.map(|k| fit_start(&k, key_room).into_owned());
        (key, outcome, 0, 0)
    } else {
        let key = key.map(|k| k.into_owned());
        (key, outcome.into_owned(), KEY_COLUMN, OUTCOME_COLUMN)
    };
    let badge = palette.badge(report.severity);
    let mut used = lead;
    write!(
        out,
        "{badge}{}  ",
        pad(report.severity.label(), Severity::LABEL_WIDTH)
    )?;
    if let Some(key) = &key {
        let key_pad = pad(key, key_column);
        write!(out, "{key}{key_pad}  ")?;
        used += columns(key) + key_pad.len() + 2;
    }
    used += columns(&outcome).max(outcome_column) + 2;
    let what = safe(what);
    let room = width.saturating_sub(used);
    if room == 0 {
        return writeln!(out, "{}", palette.strong(&outcome));
    }
    writeln!(
        out,
        "{}{}  {}",
        palette.strong(&outcome),
        pad(&outcome, outcome_column),
        fit(&what, room)
    )
}

/// The policy for human output of a stream: one record is a card, several are one line
/// each and a closing count. The first record is held back until a second arrives or the
/// input ends; records that could not be read are not records here (they are reported on
/// stderr and counted in the closing line).
#[derive(Debug, Default)]
pub struct CardOrLines {
    held: Option<Report<'static>>,
    reports: u64,
    detail: Detail,
}

impl CardOrLines {
    pub fn new(detail: Detail) -> CardOrLines {
        CardOrLines {
            detail,
            ..CardOrLines::default()
        }
    }

    /// A chunk of the stream, rendered on a worker or the reading thread: its first
    /// report `first`, kept whole in case it is the stream's only one, then `more`
    /// reports already rendered as `lines`.
    pub fn join(
        &mut self,
        out: &mut impl Write,
        palette: Palette,
        catalog: &Catalog,
        first: Option<Report<'static>>,
        more: u64,
        lines: &[u8],
    ) -> io::Result<()> {
        let Some(first) = first else {
            return Ok(());
        };
        if self.reports == 0 && more == 0 {
            self.reports = 1;
            self.held = Some(first);
            return Ok(());
        }
        self.release(out, palette, catalog)?;
        stream_line(out, palette, catalog, &first)?;
        self.reports += 1 + more;
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
            Some(only) => card(out, palette, catalog, &only, self.detail),
            None if self.reports > 1 => super::closing_count(out, palette, tally),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn a_command_in_backticks_is_never_broken() {
        let text = "Run it again with `scrapy crawl books -a category=fiction` to see, and then more words here";
        // Wherever the command fits on a line of its own.
        for width in 44..90 {
            let lines = wrap(text, 4, width);
            assert!(
                lines
                    .iter()
                    .any(|l| l.contains("`scrapy crawl books -a category=fiction`")),
                "{width}: {lines:?}"
            );
        }
        // A quotation longer than the line wraps like prose.
        let long = format!("the log ends with `{}`", "word ".repeat(40).trim_end());
        assert!(wrap(&long, 2, 60).iter().all(|l| l.chars().count() <= 60));
    }

    #[test]
    fn wrap_respects_width_and_indent() {
        let text = "one two three four five six seven eight nine ten eleven twelve";
        for line in wrap(text, 4, 24) {
            assert!(line.chars().count() <= 24, "{line:?}");
            assert!(line.starts_with("    "));
        }
        assert_eq!(wrap("", 2, 80), vec!["  ".to_string()]);
    }

    #[test]
    fn only_urls_and_commands_pass_the_width() {
        let url = format!("https://example.com/{}", "a".repeat(80));
        assert_eq!(wrap(&url, 2, 40), vec![format!("  {url}")]);
        let digits = "9".repeat(100);
        let lines = wrap(&format!("key {digits} end"), 2, 40);
        assert!(lines.iter().all(|l| l.chars().count() <= 40), "{lines:?}");
        assert_eq!(lines.concat().replace(' ', ""), format!("key{digits}end"));
    }
}
