//! Job records in: every API shape, both field spellings, the record's own facts,
//! malformed lines in a stream, and `outcome summary`.

mod common;

use common::{fixture, json_lines, outcome, rows, squeezed, stderr_of, stdout_of};
use predicates::prelude::*;

fn explain_json(path: &str) -> (Option<i32>, Vec<serde_json::Value>) {
    let output = outcome()
        .args(["explain", "--format", "json", "-i"])
        .arg(fixture(path))
        .output()
        .expect("runs");
    (output.status.code(), json_lines(&output))
}

#[test]
fn one_job_object_gives_a_card_with_its_facts() {
    let output = outcome()
        .arg("explain")
        .arg("-i")
        .arg(fixture("job_memusage.json"))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let text = stdout_of(&output);
    for expected in [
        "memusage_exceeded  CRITICAL",
        "101/7/42, spider books",
        "ran 1h 2m 0s",
        "1 unit",
        "18,211 items",
        "daily, prod",
        "peak memory 960 MiB",
        "MEMUSAGE_LIMIT_MB",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
}

#[test]
fn job_facts_in_json() {
    let (code, items) = explain_json("job_memusage.json");
    assert_eq!(code, Some(2));
    let job = &items[0]["job"];
    assert_eq!(job["key"], "101/7/42");
    assert_eq!(job["spider"], "books");
    assert_eq!(job["items"], 18211);
    assert_eq!(job["units"], 1);
    assert_eq!(job["memory_peak_bytes"], 1006632960u64);
    assert_eq!(job["memory_limit_reached"], true);
    assert_eq!(job["run_seconds"], 3720.0);
    assert_eq!(job["tags"], serde_json::json!(["daily", "prod"]));
    assert_eq!(items[0]["source"]["line"], 1);
}

#[test]
fn a_stream_is_one_line_per_job_and_a_count() {
    let output = outcome()
        .arg("explain")
        .arg("-i")
        .arg(fixture("jobs_mixed.jl"))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let text = squeezed(&stdout_of(&output));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 9, "{text}");
    assert!(
        lines[1].starts_with("WARNING 101/1/2 finished errors_logged: 3 errors logged"),
        "{}",
        lines[1]
    );
    assert!(
        lines[3].starts_with("CRITICAL 101/2/4 banned"),
        "{}",
        lines[3]
    );
    assert_eq!(lines[8], "8 jobs: 1 critical, 3 warning, 2 unknown, 2 ok");
}

#[test]
fn record_facts_shape_the_verdict() {
    let (code, items) = explain_json("jobs_mixed.jl");
    assert_eq!(code, Some(2));
    let by_key = |key: &str| {
        items
            .iter()
            .find(|i| i["job"]["key"] == key)
            .unwrap_or_else(|| panic!("{key} missing"))
            .clone()
    };
    assert_eq!(by_key("101/1/1")["severity"], "ok");
    let with_errors = by_key("101/1/2");
    assert_eq!(with_errors["severity"], "warning");
    assert_eq!(with_errors["exit_code"], 1);
    assert_eq!(with_errors["deciding"], "errors_logged");
    assert_eq!(with_errors["findings"][0]["id"], "errors_logged");
    assert!(with_errors["findings"][0]["evidence"][0]
        .as_str()
        .expect("evidence")
        .contains("3 errors"));
    // Legacy spelling: id / items_scraped / errors_count; zero items is a warning.
    let no_items = by_key("101/2/3");
    assert_eq!(no_items["severity"], "warning");
    assert_eq!(no_items["deciding"], "zero_items");
    let running = by_key("101/1/5");
    assert_eq!(running["severity"], "unknown");
    assert_eq!(running["matched"], "not_finished");
    assert!(running["outcome"].is_null());
    // No close_reason: scrapystats.finish_reason is the outcome.
    assert_eq!(by_key("101/3/6")["outcome"], "closespider_itemcount");
    let no_reason = by_key("101/3/7");
    assert_eq!(no_reason["matched"], "no_outcome");
    assert!(no_reason["next_steps"][0]
        .as_str()
        .expect("step")
        .contains("close_reason"));
    let cancelled = by_key("101/3/8");
    assert_eq!(cancelled["job"]["cancelled_by"], "alice");
    assert!(cancelled["notes"][0]
        .as_str()
        .expect("note")
        .contains("alice"));
}

#[test]
fn close_reason_and_finish_reason_both_shown_when_they_differ() {
    let output = outcome()
        .args(["explain", "--format", "json"])
        .write_stdin(r#"{"key":"1/1/1","state":"finished","close_reason":"cancelled","scrapystats":{"finish_reason":"shutdown"}}"#)
        .output()
        .expect("runs");
    let item = &json_lines(&output)[0];
    assert_eq!(item["outcome"], "cancelled");
    assert_eq!(item["job"]["close_reason"], "cancelled");
    assert_eq!(item["job"]["finish_reason"], "shutdown");
    assert!(item["notes"][0]
        .as_str()
        .expect("note")
        .contains("shutdown"));
}

#[test]
fn every_input_shape_is_detected_from_content() {
    let keys = |file: &str| -> Vec<String> {
        explain_json(file)
            .1
            .iter()
            .map(|i| {
                format!(
                    "{}={}",
                    i["job"]["key"].as_str().unwrap_or("-"),
                    i["severity"].as_str().unwrap_or("?")
                )
            })
            .collect()
    };
    assert_eq!(keys("envelope.json"), ["9/1/1=ok", "9/1/2=critical"]);
    assert_eq!(keys("array.json"), ["5/1/1=ok", "5/1/2=critical"]);
    assert_eq!(
        keys("summary_lines.jl"),
        ["7/1/3=unknown", "7/1/1=ok", "7/1/2=critical"]
    );
    assert_eq!(keys("job_memusage.json"), ["101/7/42=critical"]);
    let reasons: Vec<String> = explain_json("reasons.txt")
        .1
        .iter()
        .map(|i| i["outcome"].to_string())
        .collect();
    assert_eq!(
        reasons,
        ["\"finished\"", "\"killed by oom\"", "\"shutdown\""]
    );
}

#[test]
fn pretty_printed_values_one_after_another() {
    let input = "{\n  \"key\": \"1/1/1\",\n  \"close_reason\": \"finished\"\n}\n{\n  \"key\": \"1/1/2\",\n  \"close_reason\": \"banned\"\n}\n";
    let output = outcome()
        .args(["explain", "--format", "line"])
        .write_stdin(input)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let keys: Vec<String> = rows(&output).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(keys, ["1/1/1", "1/1/2"]);
}

#[test]
fn a_malformed_line_is_reported_and_the_others_kept() {
    let output = outcome()
        .args(["explain", "--format", "line", "-i"])
        .arg(fixture("jobs_corrupt.jl"))
        .output()
        .expect("runs");
    // shutdown (WARNING) is the worst verdict; the bad lines count as UNKNOWN.
    assert_eq!(output.status.code(), Some(1));
    let keys: Vec<String> = rows(&output).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(keys, ["1/1/1", "1/1/3", "1/1/5"]);
    let stderr = stderr_of(&output);
    let errors: Vec<&str> = stderr.lines().collect();
    assert_eq!(errors.len(), 2, "{stderr}");
    assert!(
        errors[0].contains("jobs_corrupt.jl: line 2: invalid JSON at column"),
        "{stderr}"
    );
    assert!(errors[1].contains("line 4: not a job record"), "{stderr}");
}

#[test]
fn strict_turns_malformed_records_into_65_after_reading_all() {
    let output = outcome()
        .args(["explain", "--strict", "--format", "line", "-i"])
        .arg(fixture("jobs_corrupt.jl"))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(65));
    assert_eq!(rows(&output).len(), 3);
}

#[test]
fn input_that_is_only_bad_records_is_65() {
    outcome()
        .arg("explain")
        .write_stdin("{}\n")
        .assert()
        .code(65);
    outcome()
        .arg("explain")
        .write_stdin("{\n  \"key\": \"1/1/1\",\n  \"close_reason\": \n")
        .assert()
        .code(65)
        .stderr(predicate::str::contains(
            "<stdin>: line 3: invalid JSON at column 19",
        ));
}

#[test]
fn every_thousandth_line_corrupted_loses_no_good_record() {
    let mut input = String::new();
    let mut good = 0;
    for i in 1..=5000 {
        if i % 1000 == 0 {
            input.push_str("{\"key\": \"broken\n");
        } else {
            good += 1;
            input.push_str(&format!(
                "{{\"key\":\"1/1/{i}\",\"close_reason\":\"finished\",\"items\":1}}\n"
            ));
        }
    }
    let output = outcome()
        .args(["explain", "--format", "line"])
        .write_stdin(input)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(rows(&output).len(), good);
    let stderr = stderr_of(&output);
    let reported: Vec<&str> = stderr.lines().collect();
    assert_eq!(reported.len(), 5);
    for (n, line) in reported.iter().enumerate() {
        assert!(
            line.contains(&format!("line {}:", (n + 1) * 1000)),
            "{line}"
        );
    }
}

#[test]
fn summary_counts_worst_first() {
    let output = outcome()
        .args(["summary", "-i"])
        .arg(fixture("jobs_mixed.jl"))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let text = stdout_of(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "8 jobs: 1 critical, 3 warning, 2 unknown, 2 ok");
    // Rows (each followed by the keys of its jobs), worst first.
    let rows: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| {
            ["CRITICAL", "WARNING", "UNKNOWN", "OK"]
                .iter()
                .any(|b| l.starts_with(b))
        })
        .collect();
    assert!(rows[0].starts_with("CRITICAL  1  banned"), "{text}");
    assert!(rows[1].starts_with("WARNING   2  finished"), "{text}");
    assert_eq!(lines[3].trim(), "101/2/4", "{text}");
}

#[test]
fn summary_json_line_and_by_spider() {
    let output = outcome()
        .args(["summary", "--format", "json", "--by", "spider", "-i"])
        .arg(fixture("jobs_mixed.jl"))
        .output()
        .expect("runs");
    let value = &json_lines(&output)[0];
    assert_eq!(value["total"], 8);
    assert_eq!(value["critical"], 1);
    assert_eq!(value["severity"], "critical");
    assert_eq!(value["exit_code"], 2);
    assert_eq!(value["outcomes"][0]["outcome"], "banned");
    let spiders: Vec<&str> = value["by_spider"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| g["spider"].as_str().expect("spider"))
        .collect();
    assert_eq!(spiders, ["books", "news", "quotes"]);
    let books = &value["by_spider"][0];
    assert_eq!(
        (books["total"].as_u64(), books["severity"].as_str()),
        (Some(3), Some("warning"))
    );

    let output = outcome()
        .args(["summary", "--format", "line", "-i"])
        .arg(fixture("jobs_mixed.jl"))
        .output()
        .expect("runs");
    let rows = rows(&output);
    assert_eq!(rows[0][..3], ["banned", "critical", "1"]);
    let total: u64 = rows
        .iter()
        .map(|r| r[2].parse::<u64>().expect("count"))
        .sum();
    assert_eq!(total, 8);

    let output = outcome()
        .args(["summary", "--format", "line", "--by", "spider", "-i"])
        .arg(fixture("jobs_mixed.jl"))
        .output()
        .expect("runs");
    assert!(stdout_of(&output)
        .lines()
        .all(|l| l.split('\t').count() == 5));
}

#[test]
fn summary_nagios_line() {
    let output = outcome()
        .args(["summary", "--format", "nagios", "-i"])
        .arg(fixture("jobs_mixed.jl"))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stdout_of(&output),
        "OUTCOME CRITICAL - 1 of 8 jobs critical (banned 1) | ok=2 warning=3 critical=1 unknown=2 reason_banned=1 reason_cancelled=1 reason_closespider_itemcount=1 reason_finished=3 reason_other=2 finding_zero_items=1 finding_errors_logged=1 finding_log_counts_unreliable=1\n"
    );
    let output = outcome()
        .args(["summary", "--format", "nagios"])
        .write_stdin("{\"key\":\"a\",\"close_reason\":\"finished\"}\n")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout_of(&output),
        "OUTCOME OK - 1 job ok | ok=1 warning=0 critical=0 unknown=0 reason_finished=1\n"
    );
}

#[test]
fn summary_exit_status_follows_the_worst_verdict() {
    for (input, code) in [
        ("{\"close_reason\":\"finished\"}\n", 0),
        (
            "{\"close_reason\":\"finished\"}\n{\"close_reason\":\"shutdown\"}\n",
            1,
        ),
        (
            "{\"close_reason\":\"finished\"}\n{\"close_reason\":\"failed\"}\n",
            2,
        ),
        (
            "{\"close_reason\":\"finished\"}\n{\"state\":\"running\"}\n",
            3,
        ),
        ("", 3),
    ] {
        outcome()
            .arg("summary")
            .write_stdin(input)
            .assert()
            .code(code);
    }
    outcome()
        .args(["summary", "--strict"])
        .write_stdin("{\"close_reason\":\"finished\"}\nnot json}\n")
        .assert()
        .code(65);
}

#[test]
fn an_empty_input_gets_one_answer() {
    outcome()
        .args(["explain", "--format", "line"])
        .write_stdin("")
        .assert()
        .code(3)
        .stdout("<stdin>:1\t-\tunknown\tThe input is empty\n")
        .stderr("");
}

#[test]
fn a_slow_stream_is_answered_as_it_arrives() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    let mut child = common::std_outcome()
        .args(["explain", "--format", "line"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut stdin = child.stdin.take().expect("piped");
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().expect("piped");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.expect("utf-8")).is_err() {
                break;
            }
        }
    });
    let wait = std::time::Duration::from_secs(10);
    for (i, reason) in ["finished", "banned", "shutdown"].iter().enumerate() {
        writeln!(stdin, r#"{{"key":"1/1/{i}","close_reason":"{reason}"}}"#).expect("writes");
        stdin.flush().expect("flushes");
        let line = rx
            .recv_timeout(wait)
            .expect("answered before the input ended");
        assert!(line.starts_with(&format!("1/1/{i}\t{reason}\t")), "{line}");
    }
    drop(stdin);
    assert_eq!(child.wait().expect("exits").code(), Some(2));
}

#[test]
fn a_long_stream_keeps_order_and_counts_on_every_core() {
    let mut input = String::new();
    let reasons = ["finished", "banned", "shutdown", "my_reason"];
    for i in 0..30_000 {
        input.push_str(&format!(
            "{{\"key\":\"1/1/{i}\",\"spider\":\"s{}\",\"close_reason\":\"{}\",\"items\":1}}\n",
            i % 3,
            reasons[i % 4]
        ));
    }
    let output = outcome()
        .args(["explain", "--format", "line"])
        .write_stdin(input.clone())
        .output()
        .expect("runs");
    let keys: Vec<String> = rows(&output).into_iter().map(|r| r[0].clone()).collect();
    let expected: Vec<String> = (0..30_000).map(|i| format!("1/1/{i}")).collect();
    assert_eq!(keys, expected);
    let output = outcome()
        .args(["summary", "--format", "json"])
        .write_stdin(input)
        .output()
        .expect("runs");
    let value = &json_lines(&output)[0];
    assert_eq!(value["total"], 30_000);
    assert_eq!(value["critical"], 7_500);
    assert_eq!(value["unknown"], 7_500);
}

// Behaviour that mutation testing found no test for: each record below is read in every
// format, and must give the same verdict in all of them.

fn verdict_in_every_format(record: &str) -> (Option<i32>, serde_json::Value) {
    let mut status = None;
    for format in ["human", "line", "json"] {
        let output = outcome()
            .args(["explain", "--format", format])
            .write_stdin(record.to_string())
            .output()
            .expect("runs");
        match status {
            None => status = Some(output.status.code()),
            Some(seen) => assert_eq!(seen, output.status.code(), "{format}: {record}"),
        }
    }
    let output = outcome()
        .args(["explain", "--format", "json"])
        .write_stdin(record.to_string())
        .output()
        .expect("runs");
    let json = json_lines(&output).into_iter().next().expect("one object");
    (status.flatten(), json)
}

#[test]
fn stats_fill_what_the_top_level_lacks_in_every_format() {
    // No top-level items: scrapystats' item_scraped_count of 0 is the zero_items finding.
    let (status, json) = verdict_in_every_format(
        r#"{"key":"1/1/1","close_reason":"finished","errors":0,"scrapystats":{"item_scraped_count":0}}"#,
    );
    assert_eq!(status, Some(1), "{json}");
    assert_eq!(json["deciding"], "zero_items", "{json}");
    // No close_reason: Scrapy's finish_reason is the outcome.
    let (status, json) = verdict_in_every_format(
        r#"{"key":"1/1/2","items":5,"errors":0,"scrapystats":{"finish_reason":"memusage_exceeded"}}"#,
    );
    assert_eq!(status, Some(2), "{json}");
    assert_eq!(json["outcome"], "memusage_exceeded", "{json}");
    // No errors at the top level: the stats' log_count/ERROR counts.
    let (status, json) = verdict_in_every_format(
        r#"{"key":"1/1/3","close_reason":"finished","items":5,"scrapystats":{"log_count/ERROR":4}}"#,
    );
    assert_eq!(status, Some(1), "{json}");
    assert_eq!(json["deciding"], "errors_logged", "{json}");
}

#[test]
fn stats_at_the_top_level_and_logparser_records_are_read() {
    // A flat stats object (Scrapy's stats as JSON): finish_reason and counts at the top.
    let (status, json) = verdict_in_every_format(
        r#"{"finish_reason":"finished","item_scraped_count":0,"log_count/ERROR":3}"#,
    );
    assert_eq!(status, Some(1), "{json}");
    assert_eq!(json["outcome"], "finished", "{json}");
    assert_eq!(json["job"]["items"], 0, "{json}");
    assert_eq!(json["job"]["errors"], 3, "{json}");
    let (status, json) = verdict_in_every_format(r#"{"finish_reason":"memusage_exceeded"}"#);
    assert_eq!(status, Some(2), "{json}");
    // logparser's stats JSON: Scrapy's stats under crawler_stats, its own "N/A" when none.
    let (status, json) = verdict_in_every_format(
        r#"{"log_path":"x.log","finish_reason":"N/A","crawler_stats":{"finish_reason":"closespider_timeout","item_scraped_count":12,"log_count/ERROR":0}}"#,
    );
    assert_eq!(status, Some(1), "{json}");
    assert_eq!(json["outcome"], "closespider_timeout", "{json}");
    assert_eq!(json["job"]["items"], 12, "{json}");
    let (status, json) = verdict_in_every_format(
        r#"{"finish_reason":"finished","crawler_stats":{"item_scraped_count":7}}"#,
    );
    assert_eq!(status, Some(0), "{json}");
    assert_eq!(json["outcome"], "finished", "{json}");
    let (status, _) = verdict_in_every_format(r#"{"finish_reason":"N/A","crawler_stats":{}}"#);
    assert_eq!(status, Some(3));
}

#[test]
fn scrapystats_of_another_kind_count_as_no_stats() {
    for stats in [
        "[1,2,{\"a\":[3]}]",
        "\"text\"",
        "5",
        "-5",
        "1.5",
        "true",
        "null",
    ] {
        let record = format!(
            r#"{{"key":"1/1/1","close_reason":"finished","items":3,"errors":0,"scrapystats":{stats}}}"#
        );
        let (status, json) = verdict_in_every_format(&record);
        assert_eq!(status, Some(0), "{stats}: {json}");
        assert_eq!(json["outcome"], "finished", "{stats}");
    }
}

#[test]
fn a_run_time_that_would_be_negative_is_unknown() {
    // Finished before it started: not a duration; the stats' own elapsed time is used.
    let (_, json) = verdict_in_every_format(
        r#"{"key":"1/1/1","close_reason":"finished","items":1,"errors":0,"running_time":5000,"finished_time":1000,"scrapystats":{"elapsed_time_seconds":42.5}}"#,
    );
    assert_eq!(json["job"]["run_seconds"], 42.5, "{json}");
    let (_, json) = verdict_in_every_format(
        r#"{"key":"1/1/2","close_reason":"finished","items":1,"errors":0,"running_time":5000,"finished_time":1000}"#,
    );
    assert!(json["job"]["run_seconds"].is_null(), "{json}");
    let (_, json) = verdict_in_every_format(
        r#"{"key":"1/1/3","close_reason":"finished","items":1,"errors":0,"scrapystats":{"start_time":9000,"finish_time":4000}}"#,
    );
    assert!(json["job"]["run_seconds"].is_null(), "{json}");
    let (_, json) = verdict_in_every_format(
        r#"{"key":"1/1/4","close_reason":"finished","items":1,"errors":0,"scrapystats":{"start_time":4000,"finish_time":9000}}"#,
    );
    assert_eq!(json["job"]["run_seconds"], 5.0, "{json}");
    let (_, json) = verdict_in_every_format(
        r#"{"key":"1/1/5","close_reason":"finished","items":1,"errors":0,"running_time":1000,"finished_time":1000}"#,
    );
    assert_eq!(json["job"]["run_seconds"], 0.0, "{json}");
}

#[test]
fn who_cancelled_is_said_once_and_only_what_the_record_shows() {
    let card = |record: &str| {
        let output = outcome()
            .arg("explain")
            .write_stdin(record.to_string())
            .output()
            .expect("runs");
        stdout_of(&output)
    };
    // The platform names who cancelled: that is the note, not a guess from the stats.
    let named = card(
        r#"{"key":"1/1/1","close_reason":"cancelled","cancelled_by":"alice","scrapystats":{"finish_reason":"finished"}}"#,
    );
    assert!(named.contains("alice"), "{named}");
    assert!(!named.contains("cancelled from outside"), "{named}");
    // Without a name, Scrapy's own reason tells that the cancel came from outside.
    let outside = card(
        r#"{"key":"1/1/2","close_reason":"cancelled","scrapystats":{"finish_reason":"finished"}}"#,
    );
    assert!(outside.contains("cancelled from outside"), "{outside}");
}

#[test]
fn a_shutdown_without_a_signal_line_says_the_crawler_was_stopped_from_code() {
    let head = "2026-11-30 10:00:00 [scrapy.utils.log] INFO: Scrapy 2.19.0 started (bot: shop)\n\
                2026-11-30 10:00:01 [scrapy.core.engine] INFO: Spider opened\n";
    let tail = "2026-11-30 10:00:09 [scrapy.core.engine] INFO: Closing spider (shutdown)\n\
                2026-11-30 10:00:09 [scrapy.core.engine] INFO: Spider closed (shutdown)\n";
    let signal = "2026-11-30 10:00:08 [scrapy.crawler] INFO: Received SIGTERM, shutting down gracefully. Send again to force \n";
    let explain = |log: String| {
        let output = outcome()
            .args(["explain", "--format", "json"])
            .write_stdin(log)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(1));
        stdout_of(&output)
    };
    let without = explain(format!("{head}{tail}"));
    assert!(without.contains("stopped from code"), "{without}");
    let with = explain(format!("{head}{signal}{tail}"));
    assert!(!with.contains("stopped from code"), "{with}");
    assert!(with.contains("SIGTERM"), "{with}");
}

#[test]
fn a_value_that_is_not_a_record_says_what_was_expected() {
    let output = outcome()
        .args(["explain", "--format", "line"])
        .write_stdin("[{\"key\":\"1/1/1\",\"close_reason\":\"finished\"}, 5, \"x\"]")
        .output()
        .expect("runs");
    let stderr = stderr_of(&output);
    assert!(stderr.contains("line 1"), "{stderr}");
    assert!(stderr.contains("job record"), "{stderr}");
    assert_eq!(rows(&output).len(), 1, "{stderr}");
}

#[test]
fn a_cancel_recorded_by_scrapy_itself_is_not_called_one_from_outside() {
    for record in [
        r#"{"key":"1/1/1","close_reason":"cancelled","scrapystats":{"finish_reason":"cancelled"}}"#,
        r#"{"key":"1/1/2","close_reason":"cancelled"}"#,
    ] {
        let output = outcome()
            .arg("explain")
            .write_stdin(record)
            .output()
            .expect("runs");
        let card = stdout_of(&output);
        // The card is there (an empty one would pass the check below).
        assert!(card.starts_with("cancelled  WARNING"), "{record}\n{card}");
        assert!(!card.contains("cancelled from outside"), "{record}\n{card}");
    }
}

#[test]
fn a_shutdown_in_a_log_without_its_header_makes_no_claim_about_code() {
    let log = "2026-11-30 10:00:01 [scrapy.core.engine] INFO: Spider opened\n\
               2026-11-30 10:00:09 [scrapy.core.engine] INFO: Closing spider (shutdown)\n\
               2026-11-30 10:00:09 [scrapy.core.engine] INFO: Spider closed (shutdown)\n";
    let output = outcome()
        .args(["explain", "--format", "json"])
        .write_stdin(log)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let answer = &json_lines(&output)[0];
    assert_eq!(answer["outcome"], "shutdown", "{answer}");
    assert!(
        !answer.to_string().contains("stopped from code"),
        "{answer}"
    );
}

/// The real 2.19 memusage log's header (its MEMUSAGE_LIMIT_MB is 20), closed by something
/// that called the outcome `killed by oom`, with this peak in its stats.
fn oom_log(peak_mib: u64) -> String {
    let real = std::fs::read_to_string(fixture("real/2.19.0/memusage.log")).expect("log");
    let head: String = real
        .lines()
        .take_while(|l| !l.contains("Spider opened"))
        .map(|l| format!("{l}\n"))
        .collect();
    format!(
        "{head}2026-11-24 01:59:11 [scrapy.core.engine] INFO: Spider opened\n\
         2026-11-24 01:59:15 [scrapy.core.engine] INFO: Closing spider (killed by oom)\n\
         2026-11-24 01:59:15 [scrapy.statscollectors] INFO: Dumping Scrapy stats:\n\
         {{'finish_reason': 'killed by oom',\n 'memusage/max': {},\n 'memusage/startup': 1048576}}\n\
         2026-11-24 01:59:15 [scrapy.core.engine] INFO: Spider closed (killed by oom)\n",
        peak_mib * 1024 * 1024
    )
}

#[test]
fn an_oom_kill_is_told_against_scrapys_own_limit() {
    let notes = |log: String| {
        let output = outcome()
            .args(["explain", "--format", "json"])
            .write_stdin(log)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2));
        stdout_of(&output)
    };
    let below = notes(oom_log(12));
    assert!(
        below.contains("saw at most 12 MiB, below its limit of 20 MiB"),
        "{below}"
    );
    for peak in [20, 31] {
        let text = notes(oom_log(peak));
        assert!(!text.contains("below its limit"), "{peak}: {text}");
        assert!(
            text.contains("memusage/max is its last check"),
            "{peak}: {text}"
        );
    }
    // No memory stat at all: the kill is still told from Scrapy's own limit.
    let output = outcome()
        .args(["explain", "--format", "json"])
        .write_stdin(r#"{"key":"1/1/1","close_reason":"killed by oom"}"#)
        .output()
        .expect("runs");
    let card = stdout_of(&output);
    assert!(
        card.contains("that one would say memusage_exceeded"),
        "{card}"
    );
}

#[test]
fn the_memory_note_names_units_only_when_there_are_some() {
    let notes = |record: &str| {
        let output = outcome()
            .args(["explain", "--format", "json"])
            .write_stdin(record.to_string())
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2));
        json_lines(&output)[0]["notes"].to_string()
    };
    let two = notes(
        r#"{"key":"1/1/1","close_reason":"memusage_exceeded","units":2,"scrapystats":{"memusage/max":2147483648}}"#,
    );
    assert!(
        two.contains("peak memory 2,048 MiB; 2 units = 2 GB"),
        "{two}"
    );
    let none = notes(
        r#"{"key":"1/1/2","close_reason":"memusage_exceeded","units":0,"scrapystats":{"memusage/max":1048576}}"#,
    );
    assert!(none.contains("peak memory 1 MiB"), "{none}");
    assert!(!none.contains("unit"), "{none}");
}
