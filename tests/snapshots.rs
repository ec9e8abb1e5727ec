//! Whole renderings that are part of the contract, compared with files in
//! tests/snapshots/. After an intended change, rewrite them with
//! `OUTCOME_BLESS=1 cargo test --test snapshots` and review the diff.

mod common;

use common::{fixture, outcome, stderr_of, stdout_of};

fn check(name: &str, args: &[&str], stdin: Option<&str>) {
    check_env(name, args, stdin, &[]);
}

/// The rendering at a width, as a terminal of that many columns would ask for it: the
/// snapshot, and no line longer than the width but for an unbreakable URL or command.
fn check_at(columns: usize, name: &str, args: &[&str], stdin: Option<&str>) {
    let name = format!("{name}-{columns}");
    let actual = check_env(&name, args, stdin, &[("COLUMNS", &columns.to_string())]);
    for line in actual.lines() {
        let shown = line.chars().count();
        let unbreakable = line.contains("://") || line.contains('`');
        assert!(
            shown <= columns || unbreakable,
            "{name}: a line of {shown} columns at {columns}:\n{line}"
        );
    }
}

fn check_env(name: &str, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> String {
    let mut cmd = outcome();
    // Fixtures are named relative to their folder, so no absolute path gets into a snapshot.
    cmd.current_dir(fixture("")).args(args);
    for (var, value) in env {
        cmd.env(var, value);
    }
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    let output = cmd.output().expect("runs");
    let actual = format!(
        "exit status: {}\n--- stdout\n{}--- stderr\n{}",
        output.status.code().unwrap_or(-1),
        stdout_of(&output),
        stderr_of(&output)
    );
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.txt"));
    if std::env::var_os("OUTCOME_BLESS").is_some() {
        std::fs::write(&path, &actual).expect("snapshot written");
        return stdout_of(&output);
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{name}: output differs from tests/snapshots/{name}.txt from line {}\n\
             --- expected ---\n{expected}\n--- actual ---\n{actual}\n\
             (if the change is intended: OUTCOME_BLESS=1 cargo test --test snapshots)",
            first + 1
        );
    }
    stdout_of(&output)
}

const WIDTHS: [usize; 3] = [60, 80, 160];

const FINDINGS_JOB: &str = r#"{"key":"2222222/1/1546","spider":"shop","close_reason":"finished","items":0,"errors":7,"scrapystats":{"downloader/request_count":120,"downloader/response_status_count/200":20,"downloader/response_status_count/403":95,"downloader/response_status_count/429":5,"retry/max_reached":5,"retry/reason_count/429 Unknown Status":5,"feedexport/failed_count/S3FeedStorage":1,"log_count/ERROR":7}}"#;

#[test]
fn cards_fit_the_width() {
    for columns in WIDTHS {
        check_at(
            columns,
            "width-card",
            &["explain", "memusage_exceeded"],
            None,
        );
        check_at(columns, "width-findings", &["explain"], Some(FINDINGS_JOB));
        check_at(
            columns,
            "width-log",
            &["explain", "-i", "real/2.19.0/blocked.log"],
            None,
        );
    }
}

#[test]
fn tables_fit_the_width() {
    for columns in WIDTHS {
        check_at(columns, "width-list", &["list"], None);
        check_at(columns, "width-checks", &["list", "--checks"], None);
        check_at(
            columns,
            "width-stream",
            &["explain", "-i", "jobs_mixed.jl"],
            None,
        );
        check_at(
            columns,
            "width-logs",
            &["explain", "-i", "real/2.19.0", "--only", "critical"],
            None,
        );
        check_at(
            columns,
            "width-summary",
            &[
                "summary",
                "--by",
                "spider",
                "-i",
                "jobs_mixed.jl",
                "-w",
                "1",
            ],
            None,
        );
    }
}

#[test]
fn card_for_a_reason() {
    check(
        "explain-memusage_exceeded",
        &["explain", "memusage_exceeded"],
        None,
    );
}

#[test]
fn card_for_a_typo() {
    check("explain-typo", &["explain", "memusage_exceed"], None);
}

#[test]
fn card_for_a_family() {
    check("explain-family", &["explain", "closespider_foo"], None);
}

#[test]
fn card_for_a_job_record() {
    check("explain-job", &["explain", "-i", "job_memusage.json"], None);
}

#[test]
fn card_for_a_log_that_never_closed() {
    check(
        "explain-never-closed",
        &["explain", "-i", "log_killed.log"],
        None,
    );
}

#[test]
fn stream_of_jobs() {
    check("explain-stream", &["explain", "-i", "jobs_mixed.jl"], None);
}

#[test]
fn the_catalog() {
    check("list", &["list"], None);
}

#[test]
fn summary_by_spider() {
    check(
        "summary-by-spider",
        &["summary", "--by", "spider", "-i", "jobs_mixed.jl"],
        None,
    );
}

#[test]
fn stream_with_a_malformed_record() {
    check(
        "explain-stream-malformed",
        &["explain"],
        Some(
            "{\"key\":\"a\",\"close_reason\":\"finished\",\"items\":1}\n{\"key\": \n{\"key\":\"b\",\"close_reason\":\"banned\"}\n",
        ),
    );
}

#[test]
fn nagios_error() {
    check(
        "summary-nagios-error",
        &["summary", "--format", "nagios", "-i", "missing.jl"],
        None,
    );
}

#[test]
fn card_with_findings() {
    check(
        "explain-findings",
        &["explain"],
        Some(
            r#"{"key":"2222222/1/1546","spider":"shop","close_reason":"finished","items":0,"errors":7,"scrapystats":{"downloader/request_count":120,"downloader/response_status_count/200":20,"downloader/response_status_count/403":95,"downloader/response_status_count/429":5,"retry/max_reached":5,"retry/reason_count/429 Unknown Status":5,"feedexport/failed_count/S3FeedStorage":1,"log_count/ERROR":7}}"#,
        ),
    );
}
