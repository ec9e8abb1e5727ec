//! Each run judged on its own lines (issue 24). Scrapy appends to `LOG_FILE` by default, so
//! one file holds many runs; a `CrawlerProcess` writes several crawlers into one log. The
//! logs are the real Scrapy's (tests/fixtures/real/make.py: appended runs, two crawlers in
//! one process), and runs made by putting real logs one after another.

mod common;

use std::path::PathBuf;

use common::{explain_json as answers, json_lines, moved_back, outcome};
use serde_json::Value;

fn real(version: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(version)
        .join(format!("{name}.log"))
}

/// The runs of an appended log, cut at each header: (first line number - 1, text).
fn runs_of(log: &[u8]) -> Vec<(u64, Vec<u8>)> {
    let text = String::from_utf8_lossy(log);
    let mut runs: Vec<(u64, Vec<u8>)> = Vec::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if line.contains(" started (bot: ") || runs.is_empty() {
            runs.push((i as u64, Vec::new()));
        }
        if let Some((_, run)) = runs.last_mut() {
            run.extend_from_slice(line.as_bytes());
        }
    }
    runs
}

/// The heart of the matter: every answer for a file of appended runs is the answer its run
/// gets when read alone, but for where its lines stand in the file.
fn each_run_reads_as_alone(name: &str, log: &[u8]) {
    let (whole, _) = answers(log);
    let mut alone = Vec::new();
    for (offset, run) in runs_of(log) {
        let (reports, _) = answers(&run);
        alone.extend(reports.into_iter().map(|r| (offset, r)));
    }
    assert_eq!(whole.len(), alone.len(), "{name}: one answer per run");
    for (i, (answer, (offset, alone))) in whole.iter().zip(&alone).enumerate() {
        assert_eq!(
            moved_back(answer, *offset),
            *alone,
            "{name}: run {} differs from the same run read alone",
            i + 1
        );
    }
}

#[test]
fn appended_runs_are_each_judged_on_their_own_lines() {
    for name in [
        "appended_errors_then_clean",
        "appended_blocked_then_clean",
        "appended_clean_then_killed_then_clean",
    ] {
        let log = std::fs::read(real("2.19.0", name)).expect("fixture");
        each_run_reads_as_alone(name, &log);
    }
}

#[test]
fn clean_runs_after_a_bad_one_carry_none_of_its_evidence() {
    let (reports, code) =
        answers(&std::fs::read(real("2.19.0", "appended_errors_then_clean")).expect("fixture"));
    let verdicts: Vec<&str> = reports
        .iter()
        .map(|r| r["severity"].as_str().expect("severity"))
        .collect();
    assert_eq!(verdicts, ["warning", "ok", "ok"]);
    assert_eq!(code, Some(1), "the worst run decides the status");
    for clean in &reports[1..] {
        assert_eq!(clean["findings"], Value::Array(Vec::new()), "{clean}");
        assert_eq!(clean["notes"], Value::Array(Vec::new()), "{clean}");
        assert_eq!(clean["job"]["log_lines"]["error"], 0, "{clean}");
        assert_eq!(clean["job"]["log_lines"]["tracebacks"], 0, "{clean}");
        assert!(!clean.to_string().contains("ValueError"), "{clean}");
    }
    let (reports, code) =
        answers(&std::fs::read(real("2.19.0", "appended_blocked_then_clean")).expect("fixture"));
    assert_eq!(reports[0]["deciding"], "blocked_responses");
    assert_eq!(reports[1]["severity"], "ok", "{}", reports[1]);
    assert_eq!(code, Some(2));
}

#[test]
fn a_run_killed_between_two_others_gets_its_own_answer_from_its_own_lines() {
    let log =
        std::fs::read(real("2.19.0", "appended_clean_then_killed_then_clean")).expect("fixture");
    let (reports, code) = answers(&log);
    assert_eq!(reports.len(), 3, "{reports:?}");
    let killed = &reports[1];
    assert_eq!(killed["matched"], "never_closed", "{killed}");
    assert_eq!(code, Some(3), "a run that never closed is UNKNOWN");
    // Its last lines are its own (before the third run's header), not the file's last.
    let runs = runs_of(&log);
    let third = runs[2].0;
    let notes = killed["notes"].to_string();
    assert!(notes.contains("the log ends with"), "{notes}");
    assert!(!notes.contains("Spider closed"), "{notes}");
    assert!(
        killed["source"]["line"].as_u64() < Some(third + 1),
        "{killed}"
    );
}

#[test]
fn real_logs_put_one_after_another_read_as_each_alone() {
    // Every real log that is one run, before and after a clean run and a failed one: the
    // siblings of the appended fixtures (memory limit, signals, kills, feeds, formats).
    for version in ["2.19.0", "2.11.2"] {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/real")
            .join(version);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .expect("fixtures")
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter_map(|n| n.strip_suffix(".log").map(str::to_string))
            .filter(|n| {
                // Several runs or crawlers already, or no line at all.
                !n.starts_with("appended_")
                    && !n.starts_with("two_crawlers")
                    && n != "level_error_clean"
            })
            .collect();
        names.sort();
        let clean = std::fs::read(real(version, "clean")).expect("fixture");
        let errors = std::fs::read(real(version, "errors")).expect("fixture");
        for name in &names {
            let log = std::fs::read(real(version, name)).expect("fixture");
            if !String::from_utf8_lossy(&log).contains(" started (bot: ") {
                continue;
            }
            for (label, before, after) in [
                ("clean first", &clean, &log),
                ("after", &log, &clean),
                ("errors first", &errors, &log),
                ("before errors", &log, &errors),
            ] {
                let mut both = before.clone();
                both.extend_from_slice(after);
                each_run_reads_as_alone(&format!("{version}/{name} ({label})"), &both);
            }
        }
    }
}

#[test]
fn two_crawlers_in_one_process_are_each_charged_only_with_their_own_lines() {
    let log = std::fs::read(real("2.19.0", "two_crawlers_blocked")).expect("fixture");
    let (reports, code) = answers(&log);
    assert_eq!(reports.len(), 2);
    // The clean crawler closes first: its own stats show 5 items and no refusals; the
    // blocked crawler's `Gave up retrying` lines come after it closed, so they are not its.
    let clean = &reports[0];
    assert_eq!(clean["job"]["items"], 5, "{clean}");
    assert_eq!(clean["severity"], "ok", "{clean}");
    assert_eq!(clean["findings"], Value::Array(Vec::new()), "{clean}");
    assert_eq!(clean["notes"], Value::Array(Vec::new()), "{clean}");
    assert_eq!(clean["job"]["log_lines"]["error"], 0, "{clean}");
    let blocked = &reports[1];
    assert_eq!(blocked["severity"], "critical", "{blocked}");
    assert_eq!(blocked["deciding"], "blocked_responses", "{blocked}");
    // Logged while it alone was running: its own, and its log_count agrees.
    assert_eq!(blocked["job"]["log_lines"]["error"], 3, "{blocked}");
    assert_eq!(blocked["job"]["errors"], 3, "{blocked}");
    assert_eq!(code, Some(2));
}

#[test]
fn lines_logged_while_both_crawlers_ran_are_shown_as_shared() {
    let log = std::fs::read(real("2.19.0", "two_crawlers")).expect("fixture");
    let (reports, _) = answers(&log);
    assert_eq!(reports.len(), 2);
    // The errors spider's 5 callback errors come while both are open (the items crawler
    // has begun closing, but not closed): shared, said so on both, charged to neither.
    for report in &reports {
        let notes = report["notes"].to_string();
        assert!(
            notes.contains("5 ERROR lines, 5 tracebacks logged while more than one was running cannot be told apart"),
            "{notes}"
        );
        assert_eq!(report["job"]["log_lines"]["error"], 0, "{report}");
        let ids: Vec<&Value> = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| &f["id"])
            .collect();
        assert!(!ids.contains(&&Value::from("errors_logged")), "{report}");
    }
}

#[test]
fn a_crawlers_log_count_is_not_taken_as_its_own_when_others_ran_beside_it() {
    // Scrapy's LogCount counts every record of the process: the `items` crawler of this
    // process shows log_count/ERROR 4 for the other crawler's callback errors.
    let log = std::fs::read(real("2.19.0", "two_crawlers")).expect("fixture");
    let text = String::from_utf8_lossy(&log);
    assert!(
        text.contains("'log_count/ERROR': 4"),
        "the fixture shows the count"
    );
    let (reports, _) = answers(&log);
    let items = &reports[0];
    assert_eq!(items["outcome"], "finished");
    assert_eq!(items["severity"], "ok", "{items}");
    assert_eq!(items["job"]["errors"], Value::Null, "{items}");
    assert!(
        items["notes"].to_string().contains("log_count/ERROR"),
        "{items}"
    );
    let errors = &reports[1];
    assert_eq!(errors["outcome"], "closespider_errorcount");
    assert_eq!(errors["severity"], "critical");
    // Its own stats still count its callbacks' exceptions.
    assert!(
        errors["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["id"] == "spider_exceptions"),
        "{errors}"
    );
}

#[test]
fn settings_are_shown_as_python_wrote_them() {
    let (reports, _) = answers(&std::fs::read(real("2.19.0", "clean")).expect("fixture"));
    let settings = &reports[0]["job"]["settings"];
    assert_eq!(settings["SPIDER_MODULES"], "['proj.spiders']", "{settings}");
    // Every Python type a setting can hold, as repr writes it.
    let log = "2026-01-01 00:00:00 [scrapy.utils.log] INFO: Scrapy 2.19.0 started (bot: b)\n\
2026-01-01 00:00:00 [scrapy.crawler] INFO: Overridden settings:\n\
{'A_LIST': ['a', \"it's\"],\n\
 'A_TUPLE': ('x',),\n\
 'A_PAIR': (1, 2.5),\n\
 'A_DICT': {'k': None, 'n': -3},\n\
 'A_FLOAT': 2.0,\n\
 'A_BIG': 1e+20,\n\
 'A_BOOL': False,\n\
 'A_NONE': None}\n\
2026-01-01 00:00:01 [scrapy.core.engine] INFO: Closing spider (finished)\n";
    let (reports, _) = answers(log.as_bytes());
    let settings = &reports[0]["job"]["settings"];
    for (key, want) in [
        ("A_LIST", "['a', \"it's\"]"),
        ("A_TUPLE", "('x',)"),
        ("A_PAIR", "(1, 2.5)"),
        ("A_DICT", "{'k': None, 'n': -3}"),
        ("A_FLOAT", "2.0"),
        ("A_BIG", "1e+20"),
        ("A_BOOL", "False"),
        ("A_NONE", "None"),
    ] {
        assert_eq!(settings[key], want, "{key}: {settings}");
    }
}

#[test]
fn thousands_of_appended_runs_get_one_answer_each_on_every_path() {
    // Over the 16 MiB at which a named file is read on every core; the same text from a
    // pipe is read on one thread. Both hand out each run's answer as the run ends.
    let parts: Vec<Vec<u8>> = ["clean", "errors", "blocked", "killed", "sigint"]
        .iter()
        .map(|name| std::fs::read(real("2.19.0", name)).expect("fixture"))
        .collect();
    let mut log = Vec::new();
    let mut runs = 0;
    while log.len() < 20 * 1024 * 1024 {
        log.extend_from_slice(&parts[runs % parts.len()]);
        runs += 1;
    }
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("appended-{}.log", std::process::id()));
    std::fs::write(&path, &log).expect("written");
    let from_file = outcome()
        .args(["explain", "--format", "line", "-i"])
        .arg(&path)
        .output()
        .expect("runs");
    let from_pipe = outcome()
        .args(["explain", "--format", "line"])
        .write_stdin(log)
        .output()
        .expect("runs");
    std::fs::remove_file(&path).ok();
    let rows = |output: &std::process::Output| -> Vec<Vec<String>> {
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|l| l.split('\t').skip(1).map(str::to_string).collect())
            .collect()
    };
    let (file_rows, pipe_rows) = (rows(&from_file), rows(&from_pipe));
    assert_eq!(file_rows.len(), runs, "one answer per run");
    assert_eq!(file_rows, pipe_rows, "the same answers in the same order");
    // Each run's verdict is its own: the fixtures' order repeats.
    let verdicts: Vec<&str> = file_rows.iter().map(|r| r[1].as_str()).collect();
    for (i, verdict) in verdicts.iter().enumerate() {
        assert_eq!(*verdict, verdicts[i % parts.len()], "run {}", i + 1);
    }
    assert_eq!(from_file.status.code(), Some(2));
    assert_eq!(from_pipe.status.code(), Some(2));
}

#[test]
fn every_line_row_names_its_crawl() {
    let names = [
        "clean",
        "errors",
        "blocked",
        "killed",
        "sigint",
        "appended_errors_then_clean",
        "two_crawlers",
    ];
    let mut cmd = outcome();
    cmd.args(["explain", "--format", "line"]);
    for name in names {
        cmd.arg("-i").arg(real("2.19.0", name));
    }
    let output = cmd.output().expect("runs");
    let firsts: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or("").to_string())
        .collect();
    // One row per crawl: five single runs, three appended runs, two crawlers.
    assert_eq!(firsts.len(), 10, "{firsts:?}");
    let mut distinct = firsts.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), firsts.len(), "{firsts:?}");
    for first in &firsts {
        let (file, line) = first.rsplit_once(':').expect("FILE:LINE");
        assert!(file.ends_with(".log"), "{first}");
        assert!(line.parse::<u64>().is_ok_and(|n| n > 0), "{first}");
    }
}

#[test]
fn a_killed_crawl_is_dated_by_its_own_lines() {
    let killed = real("2.19.0", "killed");
    let text = std::fs::read_to_string(&killed).expect("fixture");
    let first = &text[..19];
    // JSON names when it started: the first line's time, for a run without a dump.
    let output = outcome()
        .args(["explain", "--format", "json", "-i"])
        .arg(&killed)
        .output()
        .expect("runs");
    let report = &json_lines(&output)[0];
    assert_eq!(
        report["job"]["started"],
        format!("{}T{}Z", &first[..10], &first[11..]),
        "{report}"
    );
    // A dump's start_time where there is one.
    let output = outcome()
        .args(["explain", "--format", "json", "-i"])
        .arg(real("2.19.0", "clean"))
        .output()
        .expect("runs");
    let started = json_lines(&output)[0]["job"]["started"].clone();
    assert!(
        started
            .as_str()
            .is_some_and(|s| s.ends_with('Z') && s.len() == 20),
        "{started}"
    );
    // --since keeps it: it has times, though no stats.
    let day_before = first[..10].to_string();
    let output = outcome()
        .args(["summary", "--format", "json", "--since", &day_before, "-i"])
        .arg(&killed)
        .output()
        .expect("runs");
    assert_eq!(json_lines(&output)[0]["total"], 1, "{:?}", output);
    assert!(String::from_utf8_lossy(&output.stderr).is_empty());
}

#[test]
fn since_says_how_many_jobs_it_left_out() {
    let logs = ["clean", "killed", "errors"].map(|n| real("2.19.0", n));
    for (format, expect_stdout) in [
        ("human", None),
        (
            "nagios",
            Some("OUTCOME UNKNOWN - 3 jobs read, none since 1h"),
        ),
    ] {
        let mut cmd = outcome();
        cmd.args(["summary", "--format", format, "--since", "1h"]);
        for log in &logs {
            cmd.arg("-i").arg(log);
        }
        let output = cmd.output().expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("--since 1h: 3 jobs read, none since 1h"),
            "{format}: {stderr}"
        );
        if let Some(want) = expect_stdout {
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(stdout.starts_with(want), "{format}: {stdout}");
        }
        assert_eq!(output.status.code(), Some(3), "{format}");
    }
}

#[test]
fn item_feeds_beside_the_logs_are_skipped_once_each_and_never_counted() {
    // Real Scrapy output: four crawls, each with its log and the feed `-O` wrote (JSON
    // Lines, JSON, CSV, XML).
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real/2.19.0/feeds");
    for format in ["json", "nagios"] {
        let output = outcome()
            .args(["summary", "--format", format, "-i"])
            .arg(&dir)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        for feed in ["items.jl", "blocked.json", "dropping.csv", "empty.xml"] {
            assert_eq!(
                stderr.matches(&format!("feeds/{feed}: ")).count(),
                1,
                "{format}: one note for {feed}: {stderr}"
            );
        }
        assert_eq!(stderr.lines().count(), 4, "{stderr}");
        assert_eq!(output.status.code(), Some(2), "{format}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        if format == "json" {
            let summary = &json_lines(&output)[0];
            assert_eq!(summary["total"], 4, "the crawls only: {summary}");
            assert_eq!(summary["unknown"], 0, "{summary}");
            assert_eq!(summary["malformed"], 0, "{summary}");
        } else {
            assert!(
                stdout.contains("of 4 jobs") && stdout.contains("unknown=0"),
                "the thresholds count crawls: {stdout}"
            );
        }
    }
}

#[test]
fn feeds_of_every_shape_are_told_from_job_records() {
    for (feed, what) in [
        (
            "{\"title\": \"a\", \"price\": 3}\n{\"title\": \"b\", \"sizes\": [\"x\"]}\n",
            "JSON objects",
        ),
        (
            "[{\"name\": \"a\", \"nested\": {\"k\": 1}}, {\"name\": \"b\"}]\n",
            "JSON objects",
        ),
        (
            "[\n  {\n    \"url\": \"http://x/1\"\n  }\n]\n",
            "JSON objects",
        ),
        ("name,price\n", "CSV"),
        ("name,price\na,1\nb,\"2,5\"\n", "CSV"),
        (
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<items><item><a>1</a></item></items>\n",
            "XML",
        ),
    ] {
        let output = outcome()
            .args(["explain", "--format", "line"])
            .write_stdin(feed)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.stdout.is_empty(), "{feed}: no answer per line");
        assert!(
            stderr.starts_with("outcome: <stdin>: ")
                && stderr.contains(what)
                && stderr.contains("skipped"),
            "{feed}: {stderr}"
        );
        assert_eq!(output.status.code(), Some(3), "{feed}");
    }
    // Job records, reasons and Logs API lines are not feeds.
    for (input, rows) in [
        (
            "{\"close_reason\": \"finished\"}\n{\"title\": \"an item\"}\n",
            1,
        ),
        (
            "[{\"key\": \"1/2/3\", \"close_reason\": \"finished\"}]\n",
            1,
        ),
        ("finished\nmemusage_exceeded\n", 2),
        (
            "{\"time\": 1, \"level\": 20, \"message\": \"Spider closed (finished)\"}\n",
            1,
        ),
    ] {
        let output = outcome()
            .args(["explain", "--format", "line"])
            .write_stdin(input)
            .output()
            .expect("runs");
        assert_eq!(
            String::from_utf8_lossy(&output.stdout).lines().count(),
            rows,
            "{input}"
        );
        assert!(
            !String::from_utf8_lossy(&output.stderr).contains("skipped"),
            "{input}"
        );
    }
}

#[test]
fn a_setting_only_one_crawler_of_a_process_had_is_not_shown_for_the_other() {
    // Each crawler logs its own `Overridden settings`; only the errors crawler's has
    // CLOSESPIDER_ERRORCOUNT, and the log does not say which block is whose.
    let log = std::fs::read(real("2.19.0", "two_crawlers")).expect("fixture");
    let (reports, _) = answers(&log);
    for report in &reports {
        let settings = &report["job"]["settings"];
        assert_eq!(settings["CLOSESPIDER_ERRORCOUNT"], Value::Null, "{report}");
        // What every block says alike is the process's, so each crawl's.
        assert_eq!(settings["RETRY_TIMES"], "1", "{settings}");
        assert!(
            report["notes"]
                .to_string()
                .contains("CLOSESPIDER_ERRORCOUNT"),
            "the left-out setting is named: {}",
            report["notes"]
        );
    }
}
