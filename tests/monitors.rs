//! Monitors (issue 12): Monitoring Plugins thresholds for `summary` and Prometheus
//! textfile metrics. A stream of 20 jobs: 2 critical, 4 warning, 1 unknown, 13 ok.

mod common;

use common::{json_lines, outcome, stderr_of, stdout_of};

fn jobs() -> String {
    let mut lines = Vec::new();
    for i in 0..20 {
        let (spider, reason, errors) = match i {
            0 | 1 => ("shop", "memusage_exceeded", 0),
            2..=5 => ("shop", "finished", 3),
            6 => ("news", "login_failed", 0),
            _ => ("news", "finished", 0),
        };
        lines.push(format!(
            r#"{{"key":"1/1/{i}","spider":"{spider}","close_reason":"{reason}","items":10,"errors":{errors}}}"#
        ));
    }
    lines.join("\n") + "\n"
}

fn nagios(args: &[&str]) -> (String, Option<i32>) {
    let output = outcome()
        .args(["summary", "--format", "nagios"])
        .args(args)
        .write_stdin(jobs())
        .output()
        .expect("runs");
    (stdout_of(&output), output.status.code())
}

const PERF_TAIL: &str =
    "reason_finished=17 reason_memusage_exceeded=2 reason_other=1 finding_errors_logged=4";

#[test]
fn thresholds_in_counts_give_the_state_and_the_exact_line() {
    let cases = [
        // -w over problems (6: 2 critical + 4 warning), -c over critical jobs (2).
        (
            &["-w", "10", "-c", "5"][..],
            "OK",
            0,
            "problem_jobs=6;10;;0;20 critical_jobs=2;;5;0;20",
        ),
        (
            &["-w", "5", "-c", "5"],
            "WARNING",
            1,
            "problem_jobs=6;5;;0;20 critical_jobs=2;;5;0;20",
        ),
        (
            &["-w", "5", "-c", "1"],
            "CRITICAL",
            2,
            "problem_jobs=6;5;;0;20 critical_jobs=2;;1;0;20",
        ),
        (
            &["-c", "0"],
            "CRITICAL",
            2,
            "problem_jobs=6;;;0;20 critical_jobs=2;;0;0;20",
        ),
        (
            &["-w", "@1:10"],
            "WARNING",
            1,
            "problem_jobs=6;@1:10;;0;20 critical_jobs=2;;;0;20",
        ),
    ];
    for (args, state, code, perf) in cases {
        let (line, status) = nagios(args);
        let given = args.join(" ");
        assert_eq!(
            line,
            format!(
                "OUTCOME {state} - 6 of 20 jobs (30.0%) at warning or worse, 2 critical; thresholds {given} (memusage_exceeded 2, errors_logged 4) | ok=13 warning=4 critical=2 unknown=1 {perf} {PERF_TAIL}\n"
            ),
            "{args:?}"
        );
        assert_eq!(status, Some(code), "{args:?}");
    }
}

#[test]
fn thresholds_in_percentages_are_shares_of_the_jobs_read() {
    let (line, status) = nagios(&["-w", "25%", "-c", "20%"]);
    assert_eq!(status, Some(1), "{line}");
    assert!(line.starts_with("OUTCOME WARNING - 6 of 20 jobs (30.0%) at warning or worse, 2 critical; thresholds -w 25% -c 20%"), "{line}");
    assert!(
        line.contains("problem_jobs=30.0%;25;;0;100 critical_jobs=10.0%;;20;0;100"),
        "{line}"
    );
    let (_, status) = nagios(&["-w", "40%", "-c", "5%"]);
    assert_eq!(status, Some(2));
    let (_, status) = nagios(&["-w", "30%"]);
    assert_eq!(status, Some(0), "30% is inside 0:30%");
}

#[test]
fn without_thresholds_one_critical_job_is_critical() {
    let (line, status) = nagios(&[]);
    assert_eq!(status, Some(2));
    assert_eq!(
        line,
        format!("OUTCOME CRITICAL - 2 of 20 jobs critical (memusage_exceeded 2) | ok=13 warning=4 critical=2 unknown=1 {PERF_TAIL}\n")
    );
}

#[test]
fn thresholds_decide_the_status_in_every_format() {
    for args in [
        &["-w", "5", "-c", "5"][..],
        &["-w", "25%", "-c", "1"],
        &["-c", "10%"],
    ] {
        let mut codes = Vec::new();
        for format in [
            &["--format", "human"][..],
            &["--format", "json"],
            &["--format", "line"],
            &["--format", "nagios"],
            &["--format", "prometheus"],
            &["-q"],
        ] {
            let output = outcome()
                .arg("summary")
                .args(format)
                .args(args)
                .write_stdin(jobs())
                .output()
                .expect("runs");
            codes.push(output.status.code());
        }
        assert!(
            codes.windows(2).all(|w| w[0] == w[1]),
            "{args:?}: {codes:?}"
        );
    }
    let output = outcome()
        .args(["summary", "--format", "json", "-w", "5", "-c", "5"])
        .write_stdin(jobs())
        .output()
        .expect("runs");
    let value = &json_lines(&output)[0];
    assert_eq!(value["severity"], "warning");
    assert_eq!(value["exit_code"], 1);
    assert_eq!(
        value["thresholds"],
        serde_json::json!({"warning": "5", "critical": "5"})
    );
    let human = outcome()
        .args(["summary", "-w", "5", "-c", "5"])
        .write_stdin(jobs())
        .output()
        .expect("runs");
    assert!(stdout_of(&human).contains(
        "WARNING: 6 of 20 jobs (30.0%) at warning or worse, 2 critical; thresholds -w 5 -c 5"
    ));
}

#[test]
fn no_jobs_is_unknown_and_bad_ranges_are_usage_errors() {
    let output = outcome()
        .args(["summary", "--format", "nagios", "-w", "1"])
        .write_stdin("")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stdout_of(&output).starts_with("OUTCOME UNKNOWN - 0 of 1 job (0.0%) at warning or worse"),
        "{}",
        stdout_of(&output)
    );
    // Only jobs that are still running: nothing judged, nothing to measure.
    let output = outcome()
        .args(["summary", "-q", "-w", "1", "-c", "1"])
        .write_stdin(
            "{\"key\":\"1\",\"state\":\"running\"}\n{\"key\":\"2\",\"state\":\"pending\"}\n",
        )
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(3));
    for bad in ["20:10", "x", "5%:3", "", "@"] {
        let output = outcome()
            .args(["summary", "-w", bad])
            .write_stdin(jobs())
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(64), "{bad}");
        assert!(
            stderr_of(&output).contains("ranges: 10, 10:, ~:10, 10:20, @10:20"),
            "{bad}"
        );
        // In nagios format, the same error is one UNKNOWN status line.
        let output = outcome()
            .args(["summary", "--format", "nagios", "-c", bad])
            .write_stdin(jobs())
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(3), "{bad}");
        assert!(
            stdout_of(&output).starts_with("OUTCOME UNKNOWN - "),
            "{bad}"
        );
    }
}

#[test]
fn prometheus_metrics_count_outcomes_verdicts_spiders_and_findings() {
    let output = outcome()
        .args(["summary", "--format", "prometheus"])
        .write_stdin(jobs())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stdout_of(&output),
        "# HELP outcome_jobs Jobs read, by outcome, verdict and spider.\n\
         # TYPE outcome_jobs gauge\n\
         outcome_jobs{outcome=\"login_failed\",severity=\"unknown\",spider=\"news\"} 1\n\
         outcome_jobs{outcome=\"finished\",severity=\"ok\",spider=\"news\"} 13\n\
         outcome_jobs{outcome=\"memusage_exceeded\",severity=\"critical\",spider=\"shop\"} 2\n\
         outcome_jobs{outcome=\"finished\",severity=\"warning\",spider=\"shop\"} 4\n\
         # HELP outcome_findings Jobs a finding fired on, by finding, its severity and spider.\n\
         # TYPE outcome_findings gauge\n\
         outcome_findings{finding=\"errors_logged\",severity=\"warning\",spider=\"shop\"} 4\n\
         # HELP outcome_malformed_records Records that could not be read.\n\
         # TYPE outcome_malformed_records gauge\n\
         outcome_malformed_records 0\n\
         # HELP outcome_verdict The summary's verdict as its exit status: 0 ok, 1 warning, 2 critical, 3 unknown.\n\
         # TYPE outcome_verdict gauge\n\
         outcome_verdict 2\n"
    );
}

#[test]
fn prometheus_labels_from_input_stay_on_their_line() {
    let hostile = r#"{"key":"1","spider":"a\"b\\c\nd\u001b[31m","close_reason":"x\"} 9\nfake_metric 1","items":1,"errors":0}"#;
    let output = outcome()
        .args(["summary", "--format", "prometheus"])
        .write_stdin(hostile)
        .output()
        .expect("runs");
    let text = stdout_of(&output);
    assert!(
        !text.lines().any(|l| l.starts_with("fake_metric")),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "{text}");
    let jobs_lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("outcome_jobs{"))
        .collect();
    assert_eq!(jobs_lines.len(), 1, "{text}");
    assert!(jobs_lines[0].ends_with("} 1"), "{}", jobs_lines[0]);
    // Every other command refuses the format.
    for command in [&["explain", "finished"][..], &["list"]] {
        let output = outcome()
            .args(command)
            .args(["--format", "prometheus"])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(64));
        assert!(
            stderr_of(&output).contains("--format prometheus works with `outcome summary` only")
        );
    }
}

// History: each spider against its own earlier runs, in time order.

/// 12 daily runs of `shop` (about 3,000 items in an hour; run 7 takes 4 hours, run 11
/// scrapes 1,204 items) and 4 of `news`, shuffled so that input order is not time order.
fn job_list() -> String {
    let day = 86_400_000u64;
    let mut rows = Vec::new();
    for i in 0..12u64 {
        let items = if i == 11 { 1204 } else { 3000 + (i * 17) % 200 };
        let seconds = if i == 7 { 4 * 3600 } else { 3600 };
        let start = 1_700_000_000_000 + i * day;
        rows.push(format!(
            r#"{{"key":"9/1/{i}","spider":"shop","state":"finished","close_reason":"finished","items":{items},"errors":0,"running_time":{start},"finished_time":{}}}"#,
            start + seconds * 1000
        ));
    }
    for i in 0..4u64 {
        let start = 1_700_000_000_000 + i * day;
        rows.push(format!(
            r#"{{"key":"9/2/{i}","spider":"news","state":"finished","close_reason":"finished","items":{},"errors":0,"running_time":{start},"finished_time":{}}}"#,
            if i == 3 { 10 } else { 100 },
            start + 600_000
        ));
    }
    // A fixed shuffle: newest first, then the rest interleaved.
    let order = [11, 15, 3, 7, 0, 12, 9, 1, 14, 5, 10, 2, 13, 8, 4, 6];
    order.iter().map(|&i| rows[i].clone() + "\n").collect()
}

#[test]
fn each_run_is_compared_with_its_spiders_earlier_runs() {
    let output = outcome()
        .args(["summary", "--format", "json"])
        .write_stdin(job_list())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let value = &json_lines(&output)[0];
    assert_eq!(value["severity"], "warning");
    // The three runs their history flags count at the flag's verdict: the headline and
    // the status tell one story.
    assert_eq!(value["ok"], 13);
    assert_eq!(value["warning"], 3);
    assert_eq!(
        value["history"],
        serde_json::json!([
            {"id": "items_below_history", "severity": "warning", "spider": "news", "job": "9/2/3",
             "evidence": "items 90% below this spider's median of 3 earlier runs (10 vs 100)"},
            {"id": "duration_above_history", "severity": "warning", "spider": "shop", "job": "9/1/7",
             "evidence": "duration 4.0x this spider's median of 7 earlier runs (4h 0m 0s vs 1h 0m 0s)"},
            {"id": "items_below_history", "severity": "warning", "spider": "shop", "job": "9/1/11",
             "evidence": "items 61% below this spider's median of 10 earlier runs (1,204 vs 3,094)"}
        ])
    );
    let rows = common::rows(
        &outcome()
            .args(["summary", "--format", "line", "--findings"])
            .write_stdin(job_list())
            .output()
            .expect("runs"),
    );
    assert_eq!(
        rows[0],
        [
            "items_below_history",
            "warning",
            "2",
            "Far fewer items than this spider's earlier runs"
        ]
    );
    assert_eq!(rows[1][0], "duration_above_history");
    let (line, code) = {
        let output = outcome()
            .args(["summary", "--format", "nagios"])
            .write_stdin(job_list())
            .output()
            .expect("runs");
        (stdout_of(&output), output.status.code())
    };
    assert_eq!(code, Some(1));
    assert!(
        line.starts_with("OUTCOME WARNING - 3 of 16 jobs warning (items_below_history 2, duration_above_history 1) | ok=13 warning=3 "),
        "{line}"
    );
    assert!(
        line.ends_with("finding_items_below_history=2 finding_duration_above_history=1\n"),
        "{line}"
    );
    let human = stdout_of(
        &outcome()
            .arg("summary")
            .write_stdin(job_list())
            .output()
            .expect("runs"),
    );
    assert!(
        human.contains("History\nWARNING   items_below_history     news  9/2/3: items 90% below"),
        "{human}"
    );
    // The line a human reads first agrees with the exit status.
    assert!(
        human.starts_with("16 jobs: 0 critical, 3 warning, 0 unknown, 13 ok\n"),
        "{human}"
    );
}

#[test]
fn a_history_threshold_is_catalog_data() {
    let dir = std::env::temp_dir().join(format!("outcome-history-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("team.json");
    std::fs::write(
        &path,
        r#"{"checks":[{"id":"items_below_history","levels":{"warning":0.95}},{"id":"duration_above_history","enabled":false}]}"#,
    )
    .expect("written");
    let output = outcome()
        .args(["summary", "-q", "--catalog"])
        .arg(&path)
        .write_stdin(job_list())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    std::fs::write(
        &path,
        r#"{"checks":[{"id":"duration_above_history","levels":{"critical":2}}]}"#,
    )
    .expect("written");
    let output = outcome()
        .args(["summary", "-q", "--catalog"])
        .arg(&path)
        .write_stdin(job_list())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn too_few_earlier_runs_compare_nothing() {
    let some: String = job_list()
        .lines()
        .filter(|l| l.contains("\"news\""))
        .take(3)
        .map(|l| format!("{l}\n"))
        .collect();
    let output = outcome()
        .args(["summary", "--format", "json"])
        .write_stdin(some)
        .output()
        .expect("runs");
    assert_eq!(json_lines(&output)[0]["history"], serde_json::json!([]));
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn since_limits_which_jobs_count() {
    // The runs are in November 2023: from the 20th on, shop's runs 6 to 11 remain.
    let output = outcome()
        .args(["summary", "--format", "line", "--since", "2023-11-20"])
        .write_stdin(job_list())
        .output()
        .expect("runs");
    // Run 11 scraped far fewer items than runs 6 to 10 before it: it counts as a warning.
    assert_eq!(
        common::rows(&output),
        [
            [
                "finished",
                "warning",
                "1",
                "The spider ran out of work and closed normally, but findings raised the verdict"
            ],
            [
                "finished",
                "ok",
                "5",
                "The spider ran out of work and closed normally"
            ]
        ]
    );
    // Relative to now, they are all long gone: nothing left to judge.
    let output = outcome()
        .args(["summary", "-q", "--since", "24h"])
        .write_stdin(job_list())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(3));
    let output = outcome()
        .args(["summary", "--format", "line", "--since", "7d"])
        .write_stdin(r#"{"key":"x","close_reason":"finished","items":1,"errors":0}"#)
        .output()
        .expect("runs");
    assert!(
        stderr_of(&output).contains("--since: 1 job without a time left out"),
        "{}",
        stderr_of(&output)
    );
    for bad in ["1y", "yesterday", "2023-02-30", ""] {
        let output = outcome()
            .args(["summary", "--since", bad])
            .write_stdin(job_list())
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(64), "{bad}");
    }
}

#[test]
fn history_is_the_same_whatever_files_the_runs_came_in() {
    let dir = std::env::temp_dir().join(format!("outcome-split-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (mut a, mut b) = (String::new(), String::new());
    for (i, line) in job_list().lines().enumerate() {
        let half = if i % 2 == 0 { &mut a } else { &mut b };
        half.push_str(line);
        half.push('\n');
    }
    std::fs::write(dir.join("a.jl"), a).expect("written");
    std::fs::write(dir.join("b.jl"), b).expect("written");
    let whole = outcome()
        .args(["summary", "--format", "json"])
        .write_stdin(job_list())
        .output()
        .expect("runs");
    let split = outcome()
        .args(["summary", "--format", "json", "-i"])
        .arg(dir.join("a.jl"))
        .arg("-i")
        .arg(dir.join("b.jl"))
        .output()
        .expect("runs");
    let history = |output: &std::process::Output| json_lines(output)[0]["history"].clone();
    assert_eq!(history(&whole).as_array().map(Vec::len), Some(3));
    assert_eq!(history(&split), history(&whole));
    assert_eq!(split.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).ok();
}

/// Hourly finished runs of one spider `s`, keyed `1/1/N`, with these item counts.
fn hourly_runs(items: impl IntoIterator<Item = u64>) -> String {
    items
        .into_iter()
        .enumerate()
        .map(|(i, items)| {
            format!(
                "{{\"key\":\"1/1/{i}\",\"spider\":\"s\",\"close_reason\":\"finished\",\"items\":{items},\"finished_time\":{}}}\n",
                1_700_000_000_000 + i as u64 * 3_600_000
            )
        })
        .collect()
}

/// `summary --format json`'s `history` for `jobs`, with `extra` arguments.
fn history_of(jobs: String, extra: &[&std::ffi::OsStr]) -> serde_json::Value {
    let output = outcome()
        .args(["summary", "--format", "json"])
        .args(extra)
        .write_stdin(jobs)
        .output()
        .expect("runs");
    json_lines(&output)[0]["history"].clone()
}

#[test]
fn only_a_spiders_newest_thousand_runs_are_compared() {
    // 1,001 hourly runs of 100 items: the 4th oldest scraped 1 and the newest 2. Only the
    // newest 1,000 are compared, so the oldest is let go and the 4th has two earlier runs,
    // too few to compare with; the newest is compared.
    let history = history_of(
        hourly_runs((0..1001u64).map(|i| match i {
            3 => 1,
            1000 => 2,
            _ => 100,
        })),
        &[],
    );
    let jobs: Vec<&str> = history
        .as_array()
        .expect("history")
        .iter()
        .filter_map(|h| h["job"].as_str())
        .collect();
    assert_eq!(jobs, ["1/1/1000"], "{history}");
}

#[test]
fn a_threshold_of_zero_flags_a_run_that_is_no_better_than_its_median() {
    let catalog = common::UserCatalog::new(
        "zero",
        r#"{"checks":[{"id":"items_below_history","levels":{"warning":0}}]}"#,
    );
    // A spider that never scrapes anything: each run is as bad as its median of 0.
    let history = history_of(
        hourly_runs([0; 4]),
        &["--catalog".as_ref(), catalog.path.as_ref()],
    );
    assert_eq!(
        history[0]["evidence"], "items 0% below this spider's median of 3 earlier runs (0 vs 0)",
        "{history}"
    );
}

#[test]
fn the_median_of_an_odd_number_of_runs_is_the_middle_one() {
    // Five earlier runs of 100 to 500 items: the median is 300, not a mean of two.
    let history = history_of(hourly_runs([100, 200, 300, 400, 500, 100]), &[]);
    assert_eq!(
        history[0]["evidence"],
        "items 67% below this spider's median of 5 earlier runs (100 vs 300)",
        "{history}"
    );
}

#[test]
fn prometheus_has_each_spiders_newest_run_and_last_success() {
    let day = 86_400_000u64;
    let run = |spider: &str, n: u64, reason: &str, items: u64| {
        let start = 1_764_000_000_000 + n * day;
        format!(
            r#"{{"key":"1/{spider}/{n}","spider":"{spider}","state":"finished","close_reason":"{reason}","items_scraped":{items},"running_time":{start},"finished_time":{}}}"#,
            start + 90_000
        )
    };
    // books: OK on day 1 and 2, its newest run (day 3, given first) out of memory;
    // news: one OK run; a job without a spider has no gauges.
    let input = [
        run("books", 3, "memusage_exceeded", 7),
        run("books", 1, "finished", 100),
        run("books", 2, "finished", 120),
        run("news", 1, "finished", 5),
        r#"{"key":"9/9/9","state":"finished","close_reason":"finished","items_scraped":1}"#
            .to_string(),
    ]
    .join("\n");
    let out = outcome()
        .args(["summary", "--format", "prometheus"])
        .write_stdin(input)
        .output()
        .expect("runs");
    let text = stdout_of(&out);
    let gauge = |line: &str| {
        assert!(text.lines().any(|l| l == line), "{line} not in:\n{text}");
    };
    gauge("outcome_last_run_timestamp_seconds{spider=\"books\"} 1764259290");
    gauge("outcome_last_run_items{spider=\"books\"} 7");
    gauge("outcome_last_run_duration_seconds{spider=\"books\"} 90");
    gauge("outcome_last_run_verdict{spider=\"books\"} 2");
    gauge("outcome_last_success_timestamp_seconds{spider=\"books\"} 1764172890");
    gauge("outcome_last_run_verdict{spider=\"news\"} 0");
    gauge("outcome_last_success_timestamp_seconds{spider=\"news\"} 1764086490");
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("outcome_last_run_items{"))
            .count(),
        2,
        "{text}"
    );
    assert!(text.contains("# TYPE outcome_last_success_timestamp_seconds gauge"));
}

#[test]
fn prometheus_counts_a_run_its_history_raised_as_no_success() {
    let day = 86_400_000u64;
    let run = |n: u64, items: u64| {
        let start = 1_764_000_000_000 + n * day;
        format!(
            r#"{{"key":"1/2/{n}","spider":"books","state":"finished","close_reason":"finished","items_scraped":{items},"running_time":{start},"finished_time":{}}}"#,
            start + 60_000
        )
    };
    let input = [run(1, 1000), run(2, 1000), run(3, 1000), run(4, 100)].join("\n");
    let out = outcome()
        .args(["summary", "--format", "prometheus"])
        .write_stdin(input)
        .output()
        .expect("runs");
    let text = stdout_of(&out);
    assert!(
        text.contains("outcome_last_run_verdict{spider=\"books\"} 1\n"),
        "{text}"
    );
    // Day 3's run is the newest that went well.
    assert!(
        text.contains("outcome_last_success_timestamp_seconds{spider=\"books\"} 1764259260\n"),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(1));
}
