//! `outcome summary`: many jobs in, counts per outcome out, worst first.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::catalog::{Catalog, Severity};
use crate::cli::{ByField, Global, Summary};
use crate::commands::{
    final_status, malformed_message, read_all, sources, stderr_palette, stdout_palette, warn,
};
use crate::exit::{ExitStatus, Failure};
use crate::input::{Consumer, Records};
use crate::output::Sink;
use crate::render::safe::safe;
use crate::render::{closing_count, Format, Tally};
use crate::report::Report;

/// Counts for one outcome, by severity (a `finished` can be OK or WARNING).
#[derive(Debug, Clone)]
struct Counts {
    entry: usize,
    by_severity: [u64; 4],
}

fn slot(severity: Severity) -> usize {
    match severity {
        Severity::Critical => 0,
        Severity::Warning => 1,
        Severity::Unknown => 2,
        Severity::Ok => 3,
    }
}

#[derive(Debug, Default)]
pub struct Group {
    tally: Tally,
    outcomes: HashMap<String, Counts>,
}

impl Group {
    fn add(&mut self, outcome: &str, severity: Severity, entry: usize) {
        self.tally.add(severity);
        // Look up by &str first so the common case allocates nothing.
        let counts = match self.outcomes.get_mut(outcome) {
            Some(counts) => counts,
            None => self.outcomes.entry(outcome.to_string()).or_insert(Counts {
                entry,
                by_severity: [0; 4],
            }),
        };
        counts.by_severity[slot(severity)] += 1;
    }

    fn merge(&mut self, other: Group) {
        self.tally.merge(&other.tally);
        for (outcome, counts) in other.outcomes {
            let mine = self.outcomes.entry(outcome).or_insert(Counts {
                entry: counts.entry,
                by_severity: [0; 4],
            });
            for (a, b) in mine.by_severity.iter_mut().zip(counts.by_severity) {
                *a += b;
            }
        }
    }

    /// Rows worst first, then most frequent, then by name.
    fn rows(&self) -> Vec<(&str, Severity, u64, usize)> {
        let mut rows = Vec::new();
        for (name, counts) in &self.outcomes {
            for severity in Severity::ALL {
                let count = counts.by_severity[slot(severity)];
                if count > 0 {
                    rows.push((name.as_str(), severity, count, counts.entry));
                }
            }
        }
        rows.sort_by(|a, b| {
            b.1.rank()
                .cmp(&a.1.rank())
                .then(b.2.cmp(&a.2))
                .then(a.0.cmp(b.0))
        });
        rows
    }

    fn worst(&self) -> Option<Severity> {
        Severity::ALL.into_iter().find(|&s| self.tally.count(s) > 0)
    }
}

/// The counts of a run, whole or for one chunk of a stream.
pub struct Counter<'c> {
    catalog: &'c Catalog,
    all: Group,
    by_spider: Option<HashMap<String, Group>>,
    problems: Vec<String>,
}

impl<'c> Counter<'c> {
    fn new(catalog: &'c Catalog, by_spider: bool) -> Self {
        Counter {
            catalog,
            all: Group::default(),
            by_spider: by_spider.then(HashMap::new),
            problems: Vec::new(),
        }
    }

    fn add(&mut self, outcome: &str, severity: Severity, entry: usize, spider: Option<&str>) {
        self.all.add(outcome, severity, entry);
        if let Some(groups) = &mut self.by_spider {
            let spider = spider.unwrap_or("-");
            let group = match groups.get_mut(spider) {
                Some(group) => group,
                None => groups.entry(spider.to_string()).or_default(),
            };
            group.add(outcome, severity, entry);
        }
    }
}

impl Records for Counter<'_> {
    fn report(&mut self, report: Report<'_>) -> io::Result<()> {
        let entry = report.found.entry;
        let fallback = &self.catalog.entries[entry].name;
        let outcome = report.outcome(self.catalog).unwrap_or(fallback);
        let spider = report.job.as_ref().and_then(|j| j.spider.as_deref());
        self.add(outcome, report.severity, entry, spider);
        Ok(())
    }

    fn malformed(&mut self, source: &str, line: u64, what: &str) {
        self.all.tally.malformed += 1;
        let unknown = self.catalog.index_of(crate::catalog::Fallback::NoOutcome);
        self.add("(malformed)", Severity::Unknown, unknown, None);
        self.problems.push(malformed_message(source, line, what));
    }

    fn detail(&self) -> bool {
        false
    }
}

struct Summarizer<'c> {
    counter: Counter<'c>,
    errors: crate::render::color::Palette,
}

impl Summarizer<'_> {
    fn report_problems(&mut self) {
        for problem in self.counter.problems.drain(..) {
            warn(self.errors, &problem);
        }
    }
}

impl Records for Summarizer<'_> {
    fn report(&mut self, report: Report<'_>) -> io::Result<()> {
        self.counter.report(report)
    }

    fn malformed(&mut self, source: &str, line: u64, what: &str) {
        self.counter.malformed(source, line, what);
        self.report_problems();
    }

    fn detail(&self) -> bool {
        false
    }
}

impl<'c> Consumer for Summarizer<'c> {
    type Part = Counter<'c>;

    fn idle(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn part(&self) -> Counter<'c> {
        Counter::new(self.counter.catalog, self.counter.by_spider.is_some())
    }

    fn join(&mut self, part: Counter<'c>) -> io::Result<()> {
        self.counter.all.merge(part.all);
        if let (Some(mine), Some(theirs)) = (&mut self.counter.by_spider, part.by_spider) {
            for (spider, group) in theirs {
                mine.entry(spider).or_default().merge(group);
            }
        }
        self.counter.problems.extend(part.problems);
        self.report_problems();
        Ok(())
    }
}

pub fn run(global: &Global, args: &Summary) -> anyhow::Result<ExitStatus> {
    let catalog = Catalog::load(global.catalog.as_deref())?;
    let sources = sources(&args.inputs)?;
    let errors = stderr_palette(global);
    let mut summarizer = Summarizer {
        counter: Counter::new(&catalog, args.by == Some(ByField::Spider)),
        errors,
    };
    let failure = read_all(&sources, &catalog, &mut summarizer, errors)?;
    let mut sink = Sink::stdout();
    let palette = stdout_palette(global, &sink);
    if !global.quiet {
        let mut groups: Vec<(&str, &Group)> = match &summarizer.counter.by_spider {
            Some(groups) => groups.iter().map(|(k, g)| (k.as_str(), g)).collect(),
            None => Vec::new(),
        };
        groups.sort_by(|a, b| a.0.cmp(b.0));
        let written = match global.format {
            Format::Human => human(
                &mut sink,
                palette,
                &catalog,
                &summarizer.counter.all,
                &groups,
            ),
            Format::Json => json(&mut sink, &catalog, &summarizer.counter.all, &groups),
            Format::Line => tsv(&mut sink, &catalog, &summarizer.counter.all, &groups),
            Format::Nagios => nagios(&mut sink, &summarizer.counter.all),
        };
        written.and_then(|()| sink.flush()).map_err(|err| {
            Failure::new(
                ExitStatus::IoError,
                format!("error writing output: {}", crate::io_reason(&err)),
            )
        })?;
    }
    let worst = summarizer.counter.all.worst().or(Some(Severity::Unknown));
    Ok(final_status(
        global,
        worst,
        failure,
        &summarizer.counter.all.tally,
    ))
}

fn human(
    out: &mut impl Write,
    palette: crate::render::color::Palette,
    catalog: &Catalog,
    all: &Group,
    groups: &[(&str, &Group)],
) -> io::Result<()> {
    let table = |out: &mut dyn Write, group: &Group, indent: &str| -> io::Result<()> {
        let rows = group.rows();
        let width = rows
            .iter()
            .map(|r| safe(r.0).chars().count())
            .max()
            .unwrap_or(0);
        let count_width = rows
            .iter()
            .map(|r| r.2.to_string().len())
            .max()
            .unwrap_or(1);
        for (name, severity, count, entry) in rows {
            let pad = " ".repeat(8 - severity.label().len());
            let name = safe(name);
            let name_pad = " ".repeat(width - name.chars().count());
            writeln!(
                out,
                "{indent}{}{pad}  {count:>count_width$}  {}{name_pad}  {}",
                palette.badge(severity),
                palette.strong(&name),
                row_title(catalog, entry, severity)
            )?;
        }
        Ok(())
    };
    closing_count(out, palette, &all.tally)?;
    if all.tally.total() > 0 {
        writeln!(out)?;
        table(out, all, "")?;
    }
    for (spider, group) in groups {
        writeln!(out)?;
        write!(out, "{}  ", palette.heading(&safe(spider)))?;
        closing_count(out, palette, &group.tally)?;
        table(out, group, "  ")?;
    }
    Ok(())
}

/// The entry's title, or, where a record's facts changed the verdict (a `finished` job
/// with errors), a title that says so.
fn row_title(catalog: &Catalog, entry: usize, severity: Severity) -> Cow<'_, str> {
    let entry = &catalog.entries[entry];
    if severity == entry.severity {
        Cow::Borrowed(&entry.title)
    } else {
        Cow::Owned(format!(
            "{}, but the record shows errors or no items",
            entry.title
        ))
    }
}

#[derive(Serialize)]
struct JsonRow<'a> {
    outcome: &'a str,
    severity: &'static str,
    count: u64,
    title: Cow<'a, str>,
}

#[derive(Serialize)]
struct JsonGroup<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    spider: Option<&'a str>,
    total: u64,
    ok: u64,
    warning: u64,
    critical: u64,
    unknown: u64,
    malformed: u64,
    severity: &'static str,
    exit_code: u8,
    outcomes: Vec<JsonRow<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    by_spider: Option<Vec<JsonGroup<'a>>>,
}

fn json_group<'a>(
    catalog: &'a Catalog,
    group: &'a Group,
    spider: Option<&'a str>,
) -> JsonGroup<'a> {
    let severity = group.worst().unwrap_or(Severity::Unknown);
    JsonGroup {
        spider,
        total: group.tally.total(),
        ok: group.tally.ok,
        warning: group.tally.warning,
        critical: group.tally.critical,
        unknown: group.tally.unknown,
        malformed: group.tally.malformed,
        severity: severity.as_str(),
        exit_code: ExitStatus::from_severity(severity).code(),
        outcomes: group
            .rows()
            .into_iter()
            .map(|(outcome, severity, count, entry)| JsonRow {
                outcome,
                severity: severity.as_str(),
                count,
                title: row_title(catalog, entry, severity),
            })
            .collect(),
        by_spider: None,
    }
}

fn json(
    out: &mut impl Write,
    catalog: &Catalog,
    all: &Group,
    groups: &[(&str, &Group)],
) -> io::Result<()> {
    let mut value = json_group(catalog, all, None);
    if !groups.is_empty() {
        value.by_spider = Some(
            groups
                .iter()
                .map(|(spider, group)| json_group(catalog, group, Some(spider)))
                .collect(),
        );
    }
    serde_json::to_writer(&mut *out, &value).map_err(io::Error::from)?;
    writeln!(out)
}

fn tsv(
    out: &mut impl Write,
    catalog: &Catalog,
    all: &Group,
    groups: &[(&str, &Group)],
) -> io::Result<()> {
    if groups.is_empty() {
        for (outcome, severity, count, entry) in all.rows() {
            writeln!(
                out,
                "{}\t{severity}\t{count}\t{}",
                safe(outcome),
                row_title(catalog, entry, severity)
            )?;
        }
        return Ok(());
    }
    for (spider, group) in groups {
        for (outcome, severity, count, entry) in group.rows() {
            writeln!(
                out,
                "{}\t{}\t{severity}\t{count}\t{}",
                safe(spider),
                safe(outcome),
                row_title(catalog, entry, severity)
            )?;
        }
    }
    Ok(())
}

/// `OUTCOME CRITICAL - 3 of 120 jobs critical (memusage_exceeded 2, banned 1) | ok=110 ...`
fn nagios(out: &mut impl Write, all: &Group) -> io::Result<()> {
    let tally = &all.tally;
    let total = tally.total();
    let worst = all.worst().unwrap_or(Severity::Unknown);
    let noun = if total == 1 { "job" } else { "jobs" };
    let text = if total == 0 {
        "no jobs in the input".to_string()
    } else if worst == Severity::Ok {
        format!("{total} {noun} ok")
    } else {
        let listed: Vec<String> = all
            .rows()
            .into_iter()
            .filter(|r| r.1 == worst)
            .map(|(name, _, count, _)| format!("{} {count}", safe(name)))
            .collect();
        format!(
            "{} of {total} {noun} {} ({})",
            tally.count(worst),
            worst.as_str(),
            listed.join(", ")
        )
    };
    writeln!(
        out,
        "OUTCOME {} - {text} | ok={} warning={} critical={} unknown={}",
        worst.label(),
        tally.ok,
        tally.warning,
        tally.critical,
        tally.unknown
    )
}
