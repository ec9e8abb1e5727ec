//! The JSON schema (version 1). Field names and meanings are a public contract, documented
//! in the README; add fields, never rename or remove them.

use std::io::{self, Write};

use std::borrow::Cow;

use serde::Serialize;

use crate::catalog::{Catalog, Entry, Kind, Text};
use crate::checks::Check;
use crate::report::Report;

#[derive(Serialize)]
struct JsonReport<'r> {
    input: Option<&'r str>,
    outcome: Option<&'r str>,
    matched: &'static str,
    suggestion: Option<&'r str>,
    family: Option<&'r str>,
    family_tail: Option<&'r str>,
    severity: &'static str,
    exit_code: u8,
    /// The outcome's own severity, before findings (after --expect).
    outcome_severity: &'static str,
    /// The outcome was named by --expect.
    expected: bool,
    /// The project file's spider rule the crawl was judged by.
    spider_rule: Option<JsonRule<'r>>,
    /// The id of the finding that raised the verdict above the outcome's own, if one did.
    deciding: Option<&'r str>,
    title: &'r str,
    explanation: &'r str,
    next_steps: Vec<Cow<'r, str>>,
    settings: &'r [Text],
    set_by: &'r str,
    docs: &'r [Text],
    catalog: &'r str,
    findings: Vec<JsonFinding<'r>>,
    notes: &'r [String],
    /// `outcome run`: the command's exit status, or the signal that ended it.
    #[serde(skip_serializing_if = "Option::is_none")]
    command: Option<JsonCommand<'r>>,
    source: Option<JsonSource<'r>>,
    job: Option<JsonJob<'r>>,
}

#[derive(Serialize)]
struct JsonCommand<'r> {
    line: &'r str,
    exit_code: Option<i32>,
    signal: Option<String>,
    seconds: f64,
}

#[derive(Serialize)]
struct JsonFinding<'r> {
    id: &'r str,
    severity: &'static str,
    title: &'r str,
    /// What the check measured: a count, a share from 0 to 1, or 1 for a flag.
    value: f64,
    /// The thresholds it fires at, by severity (`ok`, `warning`, `critical`).
    levels: JsonLevels,
    evidence: &'r [String],
    next_steps: Vec<Cow<'r, str>>,
}

#[derive(Serialize)]
struct JsonLevels {
    #[serde(skip_serializing_if = "Option::is_none")]
    ok: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    critical: Option<f64>,
}

#[derive(Serialize)]
struct JsonSource<'r> {
    file: &'r str,
    line: u64,
}

#[derive(Serialize)]
struct JsonJob<'r> {
    key: Option<&'r str>,
    spider: Option<&'r str>,
    state: Option<&'r str>,
    close_reason: Option<&'r str>,
    finish_reason: Option<&'r str>,
    items: Option<u64>,
    errors: Option<u64>,
    pages: Option<u64>,
    units: Option<u64>,
    memory_peak_bytes: Option<u64>,
    memory_limit_bytes: Option<u64>,
    memory_limit_reached: Option<bool>,
    cancelled_by: Option<&'r str>,
    run_seconds: Option<f64>,
    /// When the crawl started, UTC: the stats' start_time, the job's running_time, or a
    /// log's first line.
    started: Option<String>,
    tags: Vec<&'r str>,
    /// From a log: the Scrapy version its header names.
    #[serde(skip_serializing_if = "Option::is_none")]
    scrapy_version: Option<&'r str>,
    /// From a log: `Overridden settings`, name to value as Python wrote it.
    #[serde(skip_serializing_if = "Option::is_none")]
    settings: Option<serde_json::Map<String, serde_json::Value>>,
    /// From a log: where `items` and `errors` came from, `stats dump` or `log lines`.
    #[serde(skip_serializing_if = "Option::is_none")]
    counts_from: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    log_lines: Option<JsonLogLines>,
}

#[derive(Serialize)]
struct JsonRule<'r> {
    name: &'r str,
    place: &'r str,
}

/// Counts of a log's own lines.
#[derive(Serialize)]
struct JsonLogLines {
    spider_opened: u64,
    error: u64,
    critical: u64,
    tracebacks: u64,
}

pub fn report_json(out: &mut impl Write, catalog: &Catalog, report: &Report) -> io::Result<()> {
    let catalog = catalog.view(report.rule);
    let entry = report.entry(catalog);
    let is_family = catalog.kinds[report.found.entry] == Kind::Family;
    let value = JsonReport {
        input: report.input.as_deref(),
        outcome: report.outcome(catalog),
        matched: report.found.how.as_str(),
        suggestion: report
            .found
            .suggestion
            .map(|i| catalog.entries[i].name.as_str()),
        family: is_family.then_some(entry.name.as_str()),
        family_tail: report.found.tail.as_deref(),
        severity: report.severity.as_str(),
        exit_code: crate::exit::ExitStatus::from_severity(report.severity).code(),
        outcome_severity: report.outcome_severity.as_str(),
        expected: report.expected,
        spider_rule: catalog.expectations.as_ref().map(|rule| JsonRule {
            name: &rule.pattern,
            place: &rule.place,
        }),
        deciding: report.deciding().map(|f| f.check(catalog).id.as_str()),
        title: &entry.title,
        explanation: &entry.explanation,
        next_steps: report.outcome_steps(catalog),
        findings: report
            .findings
            .iter()
            .map(|f| {
                let check = f.check(catalog);
                JsonFinding {
                    id: &check.id,
                    severity: f.severity.as_str(),
                    title: &check.title,
                    value: f.value,
                    levels: JsonLevels {
                        ok: check.levels.ok,
                        warning: check.levels.warning,
                        critical: check.levels.critical,
                    },
                    evidence: &f.evidence,
                    next_steps: report.finding_steps(catalog, f),
                }
            })
            .collect(),
        settings: &entry.settings,
        set_by: &entry.set_by,
        docs: &entry.docs,
        catalog: entry.origin.as_str(),
        notes: &report.notes,
        command: report.command.as_ref().map(|fate| JsonCommand {
            line: &fate.line,
            exit_code: fate.exit_code,
            signal: fate.signal.map(crate::text::signal_name),
            seconds: fate.seconds,
        }),
        source: report.location.as_ref().map(|l| JsonSource {
            file: &l.source,
            line: l.line,
        }),
        job: report.job.as_ref().map(|job| JsonJob {
            key: job.key.as_deref(),
            spider: job.spider.as_deref(),
            state: job.state.as_deref(),
            close_reason: job.close_reason.as_deref(),
            finish_reason: job.stats.finish_reason.as_deref(),
            items: job.items(),
            errors: job.errors(),
            pages: job.pages(),
            units: job.units,
            memory_peak_bytes: job.stats.memory_peak,
            memory_limit_bytes: job.memory_limit,
            memory_limit_reached: job.stats.memory_limit_reached,
            cancelled_by: job.cancelled_by.as_deref(),
            run_seconds: job.run_seconds(),
            started: job
                .stats
                .start_time
                .or(job.running_time)
                .and_then(crate::civil::iso),
            tags: job.tags.iter().map(|t| t.as_ref()).collect(),
            scrapy_version: job.log.as_ref().and_then(|l| l.scrapy_version.as_deref()),
            settings: job
                .log
                .as_ref()
                .filter(|l| !l.settings.is_empty())
                .map(|l| {
                    l.settings
                        .iter()
                        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                        .collect()
                }),
            counts_from: job.log.as_ref().and_then(|l| l.counts_from),
            log_lines: job.log.as_ref().map(|l| JsonLogLines {
                spider_opened: l.spider_opened,
                error: l.error_lines,
                critical: l.critical_lines,
                tracebacks: l.tracebacks,
            }),
        }),
    };
    serde_json::to_writer(&mut *out, &value).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct JsonEntry<'r> {
    name: &'r str,
    kind: &'static str,
    aliases: &'r [Text],
    severity: &'static str,
    exit_code: u8,
    title: &'r str,
    explanation: &'r str,
    next_steps: &'r [Text],
    settings: &'r [Text],
    set_by: &'r str,
    docs: &'r [Text],
    catalog: &'r str,
}

pub fn entry_json(out: &mut impl Write, entry: &Entry, kind: Kind) -> io::Result<()> {
    let value = JsonEntry {
        name: &entry.name,
        kind: kind.as_str(),
        aliases: &entry.aliases,
        severity: entry.severity.as_str(),
        exit_code: crate::exit::ExitStatus::from_severity(entry.severity).code(),
        title: &entry.title,
        explanation: &entry.explanation,
        next_steps: &entry.next_steps,
        settings: &entry.settings,
        set_by: &entry.set_by,
        docs: &entry.docs,
        catalog: entry.origin.as_str(),
    };
    serde_json::to_writer(&mut *out, &value).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct JsonCheck<'r> {
    id: &'r str,
    enabled: bool,
    /// `--finding`: the severity it has whenever it fires, for this run.
    forced: Option<&'static str>,
    measure: &'static str,
    levels: JsonLevels,
    title: &'r str,
    explanation: &'r str,
    next_steps: &'r [String],
    settings: &'r [String],
    catalog: &'r str,
}

pub fn check_json(out: &mut impl Write, check: &Check) -> io::Result<()> {
    let value = JsonCheck {
        id: &check.id,
        enabled: check.enabled,
        forced: check.forced.map(|s| s.as_str()),
        measure: check.measure_name(),
        levels: JsonLevels {
            ok: check.levels.ok,
            warning: check.levels.warning,
            critical: check.levels.critical,
        },
        title: &check.title,
        explanation: &check.explanation,
        next_steps: &check.next_steps,
        settings: &check.settings,
        catalog: &check.origin,
    };
    serde_json::to_writer(&mut *out, &value).map_err(io::Error::from)?;
    out.write_all(b"\n")
}
