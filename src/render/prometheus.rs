//! `summary --format prometheus`: the node exporter's textfile-collector format. Gauges of
//! jobs per outcome, verdict and spider, of jobs per finding, and the summary's verdict.
//! Label values come from input, so they are made terminal-safe, escaped as the text format
//! wants (`\\`, `\"`) and capped.

use std::io::{self, Write};

use super::safe::safe;
use crate::catalog::Catalog;
use crate::exit::ExitStatus;
use crate::history::LastRun;
use crate::severity::Severity;
use crate::summary::Group;

/// The longest label value written; a custom reason can be megabytes long.
const LABEL_CAP: usize = 200;

/// A label value: terminal-safe (so no newline or escape reaches the file or a terminal),
/// then escaped for the text format.
fn label(value: &str) -> String {
    let shown = safe(value);
    let mut out = String::with_capacity(shown.len().min(LABEL_CAP) + 2);
    for (count, c) in shown.chars().enumerate() {
        if count >= LABEL_CAP {
            out.push('…');
            break;
        }
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out
}

pub fn summary(
    out: &mut impl Write,
    catalog: &Catalog,
    verdict: Severity,
    all: &Group,
    spiders: &[(&str, &Group)],
) -> io::Result<()> {
    // Without spiders (no job named one), the whole is the only group.
    let groups: Vec<(&str, &Group)> = if spiders.is_empty() {
        vec![("-", all)]
    } else {
        spiders.to_vec()
    };
    // The name `-` stands for "no spider": an empty label, which Prometheus drops.
    let spider_label = |name: &str| {
        if name == "-" {
            String::new()
        } else {
            label(name)
        }
    };
    writeln!(
        out,
        "# HELP outcome_jobs Jobs read, by outcome, verdict and spider."
    )?;
    writeln!(out, "# TYPE outcome_jobs gauge")?;
    for (spider, group) in &groups {
        for row in group.rows() {
            writeln!(
                out,
                "outcome_jobs{{outcome=\"{}\",severity=\"{}\",spider=\"{}\"}} {}",
                label(row.outcome),
                row.severity.as_str(),
                spider_label(spider),
                row.count
            )?;
        }
    }
    writeln!(
        out,
        "# HELP outcome_findings Jobs a finding fired on, by finding, its severity and spider."
    )?;
    writeln!(out, "# TYPE outcome_findings gauge")?;
    for (spider, group) in &groups {
        for row in group.finding_rows() {
            writeln!(
                out,
                "outcome_findings{{finding=\"{}\",severity=\"{}\",spider=\"{}\"}} {}",
                label(&catalog.checks[row.check].id),
                row.severity.as_str(),
                spider_label(spider),
                row.count
            )?;
        }
    }
    writeln!(
        out,
        "# HELP outcome_malformed_records Records that could not be read."
    )?;
    writeln!(out, "# TYPE outcome_malformed_records gauge")?;
    writeln!(out, "outcome_malformed_records {}", all.tally.malformed)?;
    writeln!(
        out,
        "# HELP outcome_verdict The summary's verdict as its exit status: 0 ok, 1 warning, 2 critical, 3 unknown."
    )?;
    writeln!(out, "# TYPE outcome_verdict gauge")?;
    writeln!(
        out,
        "outcome_verdict {}",
        ExitStatus::from_severity(verdict).code()
    )
}

/// Gauges of each spider's newest run in the input, so that a rule can alert on a spider
/// that has not run, or not run well, for too long
/// (`time() - outcome_last_success_timestamp_seconds > 86400`).
pub fn last_runs(out: &mut impl Write, runs: &[LastRun]) -> io::Result<()> {
    if runs.is_empty() {
        return Ok(());
    }
    type Value = fn(&LastRun) -> Option<f64>;
    let gauges: [(&str, &str, Value); 5] = [
        (
            "outcome_last_run_timestamp_seconds",
            "When each spider's newest run finished (else ran), in seconds since the epoch.",
            |r| Some(r.time / 1000.0),
        ),
        (
            "outcome_last_run_items",
            "Items scraped by each spider's newest run.",
            |r| r.items.map(|n| n as f64),
        ),
        (
            "outcome_last_run_duration_seconds",
            "How long each spider's newest run took.",
            |r| r.seconds,
        ),
        (
            "outcome_last_run_verdict",
            "The verdict on each spider's newest run as its exit status: 0 ok, 1 warning, 2 critical, 3 unknown.",
            |r| Some(f64::from(ExitStatus::from_severity(r.severity).code())),
        ),
        (
            "outcome_last_success_timestamp_seconds",
            "When each spider's newest run judged OK finished, in seconds since the epoch.",
            |r| r.success.map(|t| t / 1000.0),
        ),
    ];
    for (name, help, value) in gauges {
        writeln!(out, "# HELP {name} {help}")?;
        writeln!(out, "# TYPE {name} gauge")?;
        for run in runs {
            if let Some(v) = value(run).filter(|v| v.is_finite()) {
                writeln!(out, "{name}{{spider=\"{}\"}} {v}", label(&run.spider))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::label;

    #[test]
    fn label_values_cannot_break_a_line_or_a_quote() {
        assert_eq!(label(r#"a"b\c"#), r#"a\"b\\c"#);
        assert_eq!(label("x\ny"), r"x\\ny");
        assert_eq!(label("\x1b[31m"), r"\\x1b[31m");
        assert!(label(&"z".repeat(5000)).chars().count() <= 201);
    }
}
