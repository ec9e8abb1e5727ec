//! `outcome summary` in every format: a table worst first, one JSON object, TSV rows, or
//! one Nagios status line.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use super::color::Palette;
use super::safe::safe;
use super::width::{columns, fit, pad};
use super::{closing_count, closing_count_after, nagios, tsv_row, Format};
use crate::catalog::Catalog;
use crate::exit::ExitStatus;
use crate::history::Flagged;
use crate::severity::Severity;
use crate::summary::{FindingRow, Group, Row};
use crate::thresholds::{Measured, Thresholds};

/// One spider's group, by its name.
pub type Spiders<'g> = [(&'g str, &'g Group)];

/// How to show a summary: which rows (`--only`), how many keys a human row names.
#[derive(Debug, Clone, Copy)]
pub struct View<'v> {
    pub only: &'v [Severity],
    pub keys: usize,
    /// TSV rows are findings, not outcomes.
    pub findings: bool,
    /// `-w` and `-c`, when given.
    pub thresholds: &'v Thresholds,
    /// The summary's verdict: the worst job's, or what the thresholds say.
    pub verdict: Severity,
    /// Runs out of line with their spider's history.
    pub history: &'v [Flagged],
    /// Each spider's newest run in the input (Prometheus gauges).
    pub last_runs: &'v [crate::history::LastRun],
    /// `--since WHEN` and how many jobs it left out for being older.
    pub since: Option<(&'v str, u64)>,
}

impl View<'_> {
    /// `--only`: whether rows (outcomes, findings, history) of this severity are shown.
    fn shows(&self, severity: Severity) -> bool {
        self.only.is_empty() || self.only.contains(&severity)
    }
}

pub fn render(
    out: &mut impl Write,
    format: Format,
    palette: Palette,
    catalog: &Catalog,
    view: View<'_>,
    all: &Group,
    spiders: &Spiders<'_>,
) -> io::Result<()> {
    match format {
        Format::Human => human(out, palette, catalog, view, all, spiders),
        Format::Json => json(out, catalog, view, all, spiders),
        Format::Line => tsv(out, catalog, view, all, spiders),
        Format::Nagios => nagios_line(out, catalog, view, all),
        Format::Prometheus => {
            super::prometheus::summary(out, catalog, view.verdict, all, spiders)?;
            super::prometheus::last_runs(out, view.last_runs)
        }
    }
}

fn table(
    out: &mut impl Write,
    palette: Palette,
    catalog: &Catalog,
    view: View<'_>,
    group: &Group,
    indent: &str,
) -> io::Result<()> {
    let rows: Vec<Row<'_>> = group
        .rows()
        .into_iter()
        .filter(|r| view.shows(r.severity))
        .collect();
    // A custom reason can be any length; past a third of the line it is cut, so that the
    // titles keep their room.
    let name_room = palette.line() / 3;
    let width = rows
        .iter()
        .map(|r| columns(&fit(&safe(r.outcome), name_room)))
        .max()
        .unwrap_or(0);
    let count_width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    for row in rows {
        let name = safe(row.outcome);
        let name = fit(&name, name_room);
        let used = indent.len() + Severity::LABEL_WIDTH + 2 + count_width + 2 + width + 2;
        writeln!(
            out,
            "{indent}{}{}  {:>count_width$}  {}{}  {}",
            palette.badge(row.severity),
            pad(row.severity.label(), Severity::LABEL_WIDTH),
            row.count,
            palette.strong(&name),
            pad(&name, width),
            fit(
                &safe(&row_title(catalog, &row)),
                palette.line().saturating_sub(used)
            )
        )?;
        key_line(out, palette, view, row.keys, row.count, indent, count_width)?;
    }
    findings_table(out, palette, catalog, view, group, indent)
}

/// Under a row, the first jobs behind it (`--keys`), and how many more there are.
fn key_line(
    out: &mut impl Write,
    palette: Palette,
    view: View<'_>,
    keys: &[String],
    count: u64,
    indent: &str,
    count_width: usize,
) -> io::Result<()> {
    if view.keys == 0 || keys.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = keys
        .iter()
        .take(view.keys)
        .map(|k| safe(k).into_owned())
        .collect();
    let more = (count as usize).saturating_sub(shown.len());
    let more = if more > 0 {
        format!(" (and {more} more)")
    } else {
        String::new()
    };
    let lead = indent.len() + Severity::LABEL_WIDTH + 2 + count_width + 2;
    let room = palette.line().saturating_sub(lead + more.len());
    writeln!(
        out,
        "{indent}{}{}{more}",
        " ".repeat(lead - indent.len()),
        palette.dim(&fit(&shown.join(", "), room))
    )
}

/// Which checks fired across the jobs, worst first: the jobs they fired on, not counted
/// in the rows above a second time.
fn findings_table(
    out: &mut impl Write,
    palette: Palette,
    catalog: &Catalog,
    view: View<'_>,
    group: &Group,
    indent: &str,
) -> io::Result<()> {
    let rows: Vec<FindingRow<'_>> = group
        .finding_rows()
        .into_iter()
        .filter(|r| view.shows(r.severity))
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{indent}{}", palette.heading("Findings"))?;
    let width = rows
        .iter()
        .map(|r| columns(&safe(&catalog.checks[r.check].id)))
        .max()
        .unwrap_or(0);
    let count_width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    for row in rows {
        let check = &catalog.checks[row.check];
        let label = match row.severity {
            Severity::Ok => "INFO",
            other => other.label(),
        };
        let badge = match row.severity {
            Severity::Ok => palette.dim(label),
            other => palette.badge(other),
        };
        let id = safe(&check.id);
        let used = indent.len() + Severity::LABEL_WIDTH + 2 + count_width + 2 + width + 2;
        writeln!(
            out,
            "{indent}{badge}{}  {:>count_width$}  {}{}  {}",
            pad(label, Severity::LABEL_WIDTH),
            row.count,
            palette.strong(&id),
            pad(&id, width),
            fit(&safe(&check.title), palette.line().saturating_sub(used))
        )?;
        key_line(out, palette, view, row.keys, row.count, indent, count_width)?;
    }
    Ok(())
}

fn human(
    out: &mut impl Write,
    palette: Palette,
    catalog: &Catalog,
    view: View<'_>,
    all: &Group,
    spiders: &Spiders<'_>,
) -> io::Result<()> {
    closing_count(out, palette, &all.tally)?;
    if view.thresholds.is_set() {
        let label = view.verdict.label();
        let text = threshold_text(view.thresholds, Measured::of(&all.tally));
        let lines = super::human::wrap(&format!("{label}: {text}"), 0, palette.line() - 2);
        for (i, line) in lines.iter().enumerate() {
            match i {
                0 => writeln!(
                    out,
                    "{}{}",
                    palette.badge(view.verdict),
                    &line[label.len()..]
                )?,
                _ => writeln!(out, "  {line}")?,
            }
        }
    }
    if all.tally.total() > 0 {
        writeln!(out)?;
        table(out, palette, catalog, view, all, "")?;
    }
    history_table(out, palette, catalog, view)?;
    for (spider, group) in spiders {
        writeln!(out)?;
        let name = fit(&safe(spider), palette.line() / 2).into_owned();
        write!(out, "{}  ", palette.heading(&name))?;
        closing_count_after(out, palette, &group.tally, columns(&name) + 2)?;
        table(out, palette, catalog, view, group, "  ")?;
    }
    Ok(())
}

/// The entry's title, or, where a record's facts changed the verdict (a `finished` job
/// with errors), a title that says so.
fn row_title<'c>(catalog: &'c Catalog, row: &Row<'_>) -> Cow<'c, str> {
    let entry = &catalog.entries[row.entry];
    if row.severity == entry.severity {
        Cow::Borrowed(&entry.title)
    } else if row.severity > entry.severity {
        Cow::Owned(format!("{}, but findings raised the verdict", entry.title))
    } else {
        Cow::Owned(format!("{}, expected for this run", entry.title))
    }
}

/// Each run its spider's history flags, with the evidence: at most `--keys` a check in
/// each spider (JSON lists them all).
fn history_table(
    out: &mut impl Write,
    palette: Palette,
    catalog: &Catalog,
    view: View<'_>,
) -> io::Result<()> {
    let shown: Vec<&Flagged> = view
        .history
        .iter()
        .filter(|f| view.shows(f.severity))
        .collect();
    if shown.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{}", palette.heading("History"))?;
    let width = |text: &str| columns(&safe(text));
    let id_width = shown
        .iter()
        .map(|f| width(&catalog.checks[f.check].id))
        .max()
        .unwrap_or(0);
    let spider_width = shown.iter().map(|f| width(&f.spider)).max().unwrap_or(0);
    let mut listed: Vec<(&str, usize, usize)> = Vec::new();
    for flag in shown {
        let seen = match listed
            .iter_mut()
            .find(|(s, c, _)| *s == flag.spider && *c == flag.check)
        {
            Some((_, _, n)) => {
                *n += 1;
                *n
            }
            None => {
                listed.push((flag.spider.as_str(), flag.check, 1));
                1
            }
        };
        if view.keys > 0 && seen > view.keys {
            continue;
        }
        let label = flag.severity.label();
        let id = &catalog.checks[flag.check].id;
        let used = Severity::LABEL_WIDTH + 2 + id_width + 2 + spider_width + 2;
        let what = format!("{}: {}", safe(&flag.key), safe(&flag.evidence));
        writeln!(
            out,
            "{}{}  {}{}  {}{}  {}",
            palette.badge(flag.severity),
            pad(label, Severity::LABEL_WIDTH),
            palette.strong(&safe(id)),
            " ".repeat(id_width - width(id)),
            safe(&flag.spider),
            " ".repeat(spider_width - width(&flag.spider)),
            fit(&what, palette.line().saturating_sub(used))
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonHistory<'a> {
    id: &'a str,
    severity: &'static str,
    spider: &'a str,
    job: &'a str,
    evidence: &'a str,
}

/// `12 of 200 jobs (6.0%) at warning or worse, 3 critical; thresholds -w 5% -c 5`
fn threshold_text(thresholds: &Thresholds, measured: Measured) -> String {
    let mut given = Vec::new();
    if let Some(w) = &thresholds.warning {
        given.push(format!("-w {w}"));
    }
    if let Some(c) = &thresholds.critical {
        given.push(format!("-c {c}"));
    }
    format!(
        "{} of {} job{} ({:.1}%) at warning or worse, {} critical; thresholds {}",
        measured.problems,
        measured.total,
        crate::text::plural(measured.total),
        measured.percent(measured.problems),
        measured.critical,
        given.join(" ")
    )
}

#[derive(Serialize)]
struct JsonThresholds {
    warning: Option<String>,
    critical: Option<String>,
}

#[derive(Serialize)]
struct JsonFindingRow<'a> {
    id: &'a str,
    severity: &'static str,
    count: u64,
    title: &'a str,
    jobs: &'a [String],
}

fn json_findings<'a>(
    catalog: &'a Catalog,
    view: View<'_>,
    group: &'a Group,
) -> Vec<JsonFindingRow<'a>> {
    group
        .finding_rows()
        .into_iter()
        .filter(|r| view.shows(r.severity))
        .map(|r| {
            let check = &catalog.checks[r.check];
            JsonFindingRow {
                id: &check.id,
                severity: r.severity.as_str(),
                count: r.count,
                title: &check.title,
                jobs: r.keys,
            }
        })
        .collect()
}

#[derive(Serialize)]
struct JsonRow<'a> {
    outcome: &'a str,
    severity: &'static str,
    count: u64,
    title: Cow<'a, str>,
    /// The jobs behind the row: keys, or `file:line` where a record had none.
    jobs: &'a [String],
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
    /// How many jobs each finding fired on, by severity, and which.
    findings: Vec<JsonFindingRow<'a>>,
    /// `-w` and `-c` as given, when they decided `severity`.
    #[serde(skip_serializing_if = "Option::is_none")]
    thresholds: Option<JsonThresholds>,
    /// Runs out of line with their spider's history (top level only).
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<Vec<JsonHistory<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    by_spider: Option<Vec<JsonGroup<'a>>>,
}

fn json_group<'a>(
    catalog: &'a Catalog,
    view: View<'_>,
    group: &'a Group,
    spider: Option<&'a str>,
) -> JsonGroup<'a> {
    let severity = group.worst().unwrap_or(Severity::Unknown);
    let tally = &group.tally;
    JsonGroup {
        spider,
        total: tally.total(),
        ok: tally.count(Severity::Ok),
        warning: tally.count(Severity::Warning),
        critical: tally.count(Severity::Critical),
        unknown: tally.count(Severity::Unknown),
        malformed: tally.malformed,
        severity: severity.as_str(),
        exit_code: ExitStatus::from_severity(severity).code(),
        outcomes: group
            .rows()
            .into_iter()
            .filter(|row| view.shows(row.severity))
            .map(|row| JsonRow {
                outcome: row.outcome,
                severity: row.severity.as_str(),
                count: row.count,
                title: row_title(catalog, &row),
                jobs: row.keys,
            })
            .collect(),
        findings: json_findings(catalog, view, group),
        thresholds: None,
        history: None,
        by_spider: None,
    }
}

fn json(
    out: &mut impl Write,
    catalog: &Catalog,
    view: View<'_>,
    all: &Group,
    spiders: &Spiders<'_>,
) -> io::Result<()> {
    let mut value = json_group(catalog, view, all, None);
    value.severity = view.verdict.as_str();
    value.exit_code = ExitStatus::from_severity(view.verdict).code();
    value.history = Some(
        view.history
            .iter()
            .filter(|f| view.shows(f.severity))
            .map(|f| JsonHistory {
                id: &catalog.checks[f.check].id,
                severity: f.severity.as_str(),
                spider: &f.spider,
                job: &f.key,
                evidence: &f.evidence,
            })
            .collect(),
    );
    if view.thresholds.is_set() {
        value.severity = view.verdict.as_str();
        value.exit_code = ExitStatus::from_severity(view.verdict).code();
        value.thresholds = Some(JsonThresholds {
            warning: view.thresholds.warning.as_ref().map(|r| r.to_string()),
            critical: view.thresholds.critical.as_ref().map(|r| r.to_string()),
        });
    }
    if !spiders.is_empty() {
        value.by_spider = Some(
            spiders
                .iter()
                .map(|(spider, group)| json_group(catalog, view, group, Some(spider)))
                .collect(),
        );
    }
    serde_json::to_writer(&mut *out, &value).map_err(io::Error::from)?;
    writeln!(out)
}

/// `outcome severity count title` (with `--findings`, `id severity count title`), or with
/// `--by spider` the spider first.
fn tsv(
    out: &mut impl Write,
    catalog: &Catalog,
    view: View<'_>,
    all: &Group,
    spiders: &Spiders<'_>,
) -> io::Result<()> {
    let groups: Vec<(Option<&str>, &Group)> = if spiders.is_empty() {
        vec![(None, all)]
    } else {
        spiders.iter().map(|(s, g)| (Some(*s), *g)).collect()
    };
    for (spider, group) in groups {
        let lead: &[&str] = match &spider {
            Some(spider) => std::slice::from_ref(spider),
            None => &[],
        };
        if view.findings {
            for row in group
                .finding_rows()
                .into_iter()
                .filter(|r| view.shows(r.severity))
            {
                let check = &catalog.checks[row.check];
                let count = row.count.to_string();
                let fields = [
                    check.id.as_str(),
                    row.severity.as_str(),
                    &count,
                    &check.title,
                ];
                tsv_row(out, &[lead, &fields[..]].concat())?;
            }
            continue;
        }
        for row in group.rows().into_iter().filter(|r| view.shows(r.severity)) {
            let count = row.count.to_string();
            let title = row_title(catalog, &row);
            let fields = [row.outcome, row.severity.as_str(), &count, &title];
            tsv_row(out, &[lead, &fields[..]].concat())?;
        }
    }
    Ok(())
}

/// `OUTCOME CRITICAL - 3 of 120 jobs critical (memusage_exceeded 2, banned 1) | ok=110 ...`;
/// with thresholds, the state is theirs and the text says what they measured.
fn nagios_line(
    out: &mut impl Write,
    catalog: &Catalog,
    view: View<'_>,
    all: &Group,
) -> io::Result<()> {
    let tally = &all.tally;
    let total = tally.total();
    let state = view.verdict;
    let noun = if total == 1 { "job" } else { "jobs" };
    let measured = Measured::of(tally);
    let mut listed = Vec::new();
    let text = if total == 0 {
        match view.since {
            Some((when, older)) if older > 0 => format!(
                "{older} job{} read, none since {when}",
                crate::text::plural(older)
            ),
            _ => "no jobs in the input".to_string(),
        }
    } else if view.thresholds.is_set() {
        // What is behind the problems, worst first.
        listed = [Severity::Critical, Severity::Warning]
            .into_iter()
            .flat_map(|severity| all.causes_at(severity))
            .map(|(cause, n)| format!("{cause} {n}"))
            .collect();
        threshold_text(view.thresholds, measured)
    } else if state == Severity::Ok {
        format!("{total} {noun} ok")
    } else {
        // What made those jobs that bad: the finding that raised a job's verdict, else its
        // outcome (a blocked crawl that closed `finished` is named by blocked_responses).
        listed = all
            .causes_at(state)
            .into_iter()
            .map(|(cause, n)| format!("{cause} {n}"))
            .collect();
        format!(
            "{} of {total} {noun} {}",
            tally.count(state),
            state.as_str()
        )
    };
    let mut perfdata = format!(
        "ok={} warning={} critical={} unknown={}",
        tally.count(Severity::Ok),
        tally.count(Severity::Warning),
        tally.count(Severity::Critical),
        tally.count(Severity::Unknown)
    );
    if view.thresholds.is_set() {
        perfdata.push(' ');
        perfdata.push_str(&view.thresholds.perfdata(measured));
    }
    // Jobs per outcome: the catalog's names only (a label from input could be anything);
    // every other reason is counted as `reason_other`.
    let mut reasons: Vec<(String, u64)> = Vec::new();
    let mut other = 0u64;
    for row in all.rows() {
        let known = catalog.by_name(row.outcome).is_some()
            && catalog.kinds[row.entry] == crate::catalog::Kind::Outcome;
        if known {
            let label = format!("reason_{}", perf_label(row.outcome));
            match reasons.iter_mut().find(|(l, _)| *l == label) {
                Some((_, n)) => *n += row.count,
                None => reasons.push((label, row.count)),
            }
        } else {
            other += row.count;
        }
    }
    reasons.sort();
    for (label, n) in reasons {
        perfdata.push_str(&format!(" {label}={n}"));
    }
    if other > 0 {
        perfdata.push_str(&format!(" reason_other={other}"));
    }
    // Jobs each check fired on, whatever its severity: ids are catalog constants
    // (a user catalog cannot add one), so they are safe as labels.
    let mut fired: Vec<(usize, u64)> = Vec::new();
    for row in all.finding_rows() {
        match fired.iter_mut().find(|(c, _)| *c == row.check) {
            Some((_, n)) => *n += row.count,
            None => fired.push((row.check, row.count)),
        }
    }
    fired.sort_unstable();
    for (check, n) in fired {
        perfdata.push_str(&format!(" finding_{}={n}", catalog.checks[check].id));
    }
    nagios::status_line(out, state, &text, &listed, &perfdata)
}

/// A perfdata label from a catalog name: letters, digits and `_` only.
fn perf_label(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}
