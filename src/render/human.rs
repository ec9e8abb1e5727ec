//! Human output: a card per item, sized for an 80-column terminal, and a one-line form for
//! streams. Text from input goes through `safe`; catalog text is ours and printed as is.

use std::io::{self, Write};

use super::color::Palette;
use super::safe::safe;
use crate::catalog::{Catalog, Entry};
use crate::reason::How;
use crate::report::{duration, group, Report};

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
    paragraph(out, &entry.explanation, 2)?;
    if !entry.next_steps.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", palette.heading("Next steps"))?;
        numbered(out, &entry.next_steps)?;
    }
    writeln!(out)?;
    if !entry.settings.is_empty() {
        field(out, palette, "Settings", &entry.settings.join(", "))?;
    }
    field(out, palette, "Set by", &entry.set_by)?;
    for (i, url) in entry.docs.iter().enumerate() {
        field(out, palette, if i == 0 { "Docs" } else { "" }, url)?;
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
        .map(|i| catalog.entries[i].name.as_str());
    match report.found.how {
        How::Exact => None,
        How::Alias => Some(format!("`{input}` is another spelling of `{}`", entry.name)),
        How::Normalized => Some(format!(
            "`{input}` matched `{}` with case and separators ignored",
            entry.name
        )),
        How::Family => {
            let tail = report.found.tail.as_deref().map(safe).unwrap_or_default();
            let mut line = format!(
                "`{input}` is not in the catalog: explained as the `{}` family (tail `{tail}`)",
                entry.name
            );
            if let Some(s) = suggestion {
                line.push_str(&format!("; did you mean `{s}`?"));
            }
            Some(line)
        }
        How::Suggestion => Some(format!(
            "`{input}` is not in the catalog. Did you mean `{}`?",
            suggestion.unwrap_or("?")
        )),
        How::Custom => Some(format!("`{input}` is not in the catalog")),
        How::NotFinished | How::NoOutcome | How::NeverClosed => None,
    }
}

pub fn card(
    out: &mut impl Write,
    palette: Palette,
    catalog: &Catalog,
    report: &Report,
) -> io::Result<()> {
    let entry = report.entry(catalog);
    let name = report
        .outcome(catalog)
        .map(|o| safe(o).into_owned())
        .unwrap_or_else(|| entry.name.clone());
    writeln!(
        out,
        "{}  {}",
        palette.strong(&name),
        palette.badge(report.severity)
    )?;
    writeln!(out, "{}", entry.title)?;
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
        state.push(format!("{units} unit{}", crate::report::plural(units)));
    }
    let mut counts = Vec::new();
    for (label, value) in [
        ("items", job.items()),
        ("errors", job.errors()),
        ("pages", job.pages()),
    ] {
        if let Some(v) = value {
            counts.push(format!("{} {label}", group(v)));
        }
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
    let pad = " ".repeat(8 - report.severity.label().len());
    let entry = report.entry(catalog);
    let what = report
        .notes
        .first()
        .map(String::as_str)
        .unwrap_or(&entry.title);
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
