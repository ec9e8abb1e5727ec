//! Hostile and broken inputs, end to end: each case states the exit status and what is
//! printed. Nothing a record or log holds may panic, hang, lose a record or reach the
//! terminal raw.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::{json_lines, outcome, rows, std_outcome, stderr_of, stdout_of};
use predicates::prelude::*;

fn explain_stdin(input: impl Into<Vec<u8>>, format: &str) -> std::process::Output {
    outcome()
        .args(["explain", "--format", format])
        .write_stdin(input.into())
        .output()
        .expect("runs")
}

fn no_panic(output: &std::process::Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("internal error"), "{stderr}");
    let code = output.status.code().expect("exited normally");
    assert!(
        [0, 1, 2, 3, 64, 65, 66, 70, 74, 78].contains(&code) && code != 70,
        "undocumented or internal status {code}"
    );
}

#[test]
fn empty_and_blank_inputs_get_one_answer_that_says_so() {
    // Every input gets an answer, so a consumer gets one record per input file.
    for input in ["", "   \n\n\t \n", "\r\n\r\n"] {
        let output = explain_stdin(input, "human");
        no_panic(&output);
        assert_eq!(output.status.code(), Some(3), "{input:?}");
        assert!(
            stdout_of(&output).contains("The input is empty"),
            "{input:?}"
        );
        let output = explain_stdin(input, "json");
        let items = json_lines(&output);
        assert_eq!(items.len(), 1, "{input:?}");
        assert_eq!(items[0]["matched"], "empty");
        assert_eq!(items[0]["outcome"], serde_json::Value::Null);
    }
    let output = outcome()
        .args(["summary", "--format", "nagios"])
        .write_stdin("")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stdout_of(&output).starts_with("OUTCOME UNKNOWN - 1 of 1 job unknown ((empty) 1)"),
        "{}",
        stdout_of(&output)
    );
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let output = explain_stdin(
        "\u{feff}{\"key\":\"1/1/1\",\"close_reason\":\"banned\"}\n",
        "line",
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(rows(&output)[0][..3], ["1/1/1", "banned", "critical"]);
    let output = explain_stdin("\u{feff}shutdown\n", "line");
    assert_eq!(rows(&output)[0][1], "shutdown");
    let output = explain_stdin("\u{feff}{\n  \"close_reason\": \"failed\"\n}\n", "line");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn crlf_line_endings() {
    let input = "{\"key\":\"a\",\"close_reason\":\"finished\"}\r\n{\"key\":\"b\",\"close_reason\":\"shutdown\"}\r\n";
    let output = explain_stdin(input, "line");
    assert_eq!(output.status.code(), Some(1));
    let outcomes: Vec<String> = rows(&output).into_iter().map(|r| r[1].clone()).collect();
    assert_eq!(outcomes, ["finished", "shutdown"]);
    let log = "2026-01-01 00:00:00 [scrapy.core.engine] INFO: Closing spider (finished)\r\n\
               2026-01-01 00:00:00 [scrapy.core.engine] INFO: Spider closed (finished)\r\n";
    let output = explain_stdin(log, "line");
    assert_eq!(rows(&output)[0][1], "finished");
}

#[test]
fn nul_bytes() {
    // In a JSON string a raw NUL is invalid JSON: that line is malformed, the rest kept.
    let input = b"{\"key\":\"a\",\"close_reason\":\"finished\"}\n{\"key\":\"b\0\",\"close_reason\":\"failed\"}\n{\"key\":\"c\",\"close_reason\":\"shutdown\"}\n";
    let output = explain_stdin(&input[..], "line");
    no_panic(&output);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(rows(&output).len(), 2);
    assert!(stderr_of(&output).contains("line 2:"));
    // As a bare reason it is an unknown reason, shown escaped.
    let output = explain_stdin(&b"fini\0shed\n"[..], "line");
    assert_eq!(output.status.code(), Some(3));
    assert!(stdout_of(&output).contains("fini\\x00shed"));
}

#[test]
fn invalid_utf8_in_the_middle_of_a_stream() {
    for copies in [3usize, 5000] {
        let mut input = Vec::new();
        for i in 0..copies {
            if i == 1 {
                input.extend_from_slice(b"{\"key\":\"bad\xff\xfe\",\"close_reason\":\"failed\"}\n");
            } else {
                input.extend_from_slice(
                    format!("{{\"key\":\"k{i}\",\"close_reason\":\"finished\",\"items\":1}}\n")
                        .as_bytes(),
                );
            }
        }
        let output = explain_stdin(input, "line");
        no_panic(&output);
        assert_eq!(output.status.code(), Some(3), "{copies}");
        assert_eq!(rows(&output).len(), copies - 1);
        let stderr = stderr_of(&output);
        assert!(stderr.contains("line 2: not valid UTF-8"), "{stderr}");
    }
}

#[test]
fn json_nested_100000_deep() {
    let deep_array = "[".repeat(100_000);
    let output = explain_stdin(deep_array.clone(), "line");
    no_panic(&output);
    assert_eq!(output.status.code(), Some(65));
    let deep_object = format!(
        "{{\"key\":{}1{}}}\n",
        "{\"a\":".repeat(100_000),
        "}".repeat(100_000)
    );
    let output = explain_stdin(deep_object, "line");
    no_panic(&output);
    assert_eq!(
        output.status.code(),
        Some(3),
        "a deep value where a string belongs is skipped"
    );
    // Nesting that outcome itself descends into (jobs within jobs) meets a depth limit.
    let deep_jobs = format!("{{\"jobs\":{}}}\n", "[{\"jobs\":".repeat(100_000));
    let output = explain_stdin(deep_jobs, "line");
    no_panic(&output);
    assert_eq!(output.status.code(), Some(65));
    assert!(
        stderr_of(&output).contains("nested too deep"),
        "{}",
        stderr_of(&output)
    );
    // In a stream, the deep line is one malformed record among good ones.
    let stream = format!(
        "{{\"key\":\"a\",\"close_reason\":\"finished\"}}\n{{\"x\":{}1\n{{\"key\":\"b\",\"close_reason\":\"finished\"}}\n",
        "[".repeat(100_000)
    );
    let output = explain_stdin(stream, "line");
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(rows(&output).len(), 2);
    // A deep Python literal in a log.
    let log = format!(
        "2026-01-01 00:00:00 [scrapy.statscollectors] INFO: Dumping Scrapy stats:\n{{'a': {}\n",
        "[".repeat(100_000)
    );
    no_panic(&explain_stdin(log, "line"));
}

#[test]
fn a_single_100_mb_line_is_refused() {
    let mut input = Vec::with_capacity(101 << 20);
    input.extend_from_slice(b"{\"key\":\"");
    input.resize(100 << 20, b'a');
    input.extend_from_slice(b"\"}\n");
    let output = explain_stdin(input.clone(), "line");
    no_panic(&output);
    assert_eq!(output.status.code(), Some(65));
    assert!(
        stderr_of(&output).contains("over the 64 MiB limit"),
        "{}",
        stderr_of(&output)
    );
    // After a good first record the long line is skipped and what follows is kept.
    let mut stream = b"{\"key\":\"first\",\"close_reason\":\"finished\"}\n".to_vec();
    stream.extend_from_slice(&input);
    stream.extend_from_slice(b"{\"key\":\"last\",\"close_reason\":\"finished\"}\n");
    let output = explain_stdin(stream, "line");
    assert_eq!(output.status.code(), Some(3));
    let keys: Vec<String> = rows(&output).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(keys, ["first", "last"]);
    assert!(stderr_of(&output).contains("line 2: record of"));
}

#[test]
fn a_truncated_last_line() {
    let input = "{\"key\":\"a\",\"close_reason\":\"finished\"}\n{\"key\":\"b\",\"close_rea";
    let output = explain_stdin(input, "line");
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(rows(&output).len(), 1);
    assert!(stderr_of(&output).contains("line 2: invalid JSON"));
}

#[test]
fn numbers_where_strings_belong_and_the_reverse() {
    let input = r#"{"key":12345,"spider":7,"state":"finished","close_reason":42,"items":"17","errors":"2","units":"x","tags":[1,"t",null]}"#;
    let output = explain_stdin(input, "json");
    let item = &json_lines(&output)[0];
    assert_eq!(item["job"]["key"], "12345");
    assert_eq!(item["job"]["spider"], "7");
    assert_eq!(item["outcome"], "42");
    assert_eq!(item["job"]["items"], 17);
    assert_eq!(item["job"]["errors"], 2);
    assert!(item["job"]["units"].is_null());
    assert_eq!(item["job"]["tags"], serde_json::json!(["1", "t"]));
    let output = explain_stdin(r#"{"key":"a","close_reason":true,"state":{"x":1}}"#, "json");
    assert_eq!(json_lines(&output)[0]["matched"], "no_outcome");
}

#[test]
fn negative_huge_and_fractional_counts() {
    let input = r#"{"key":"a","close_reason":"finished","items":-5,"errors":1e400,"pages":2.9}"#;
    let output = explain_stdin(input, "json");
    no_panic(&output);
    // 1e400 is not a number JSON can hold: that field is unknown, the record is kept.
    assert_eq!(output.status.code(), Some(0));
    let job = &json_lines(&output)[0]["job"];
    assert_eq!(job["key"], "a");
    assert!(job["errors"].is_null());
    let input = r#"{"key":"a","close_reason":"finished","items":-5,"errors":1e300,"pages":2.9}"#;
    let output = explain_stdin(input, "json");
    let job = &json_lines(&output)[0]["job"];
    assert!(job["items"].is_null());
    assert!(job["errors"].is_null());
    assert_eq!(job["pages"], 2);
    let input = r#"{"key":"a","close_reason":"finished","items":0,"errors":18446744073709551615}"#;
    let output = explain_stdin(input, "json");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn duplicate_keys_keep_the_last() {
    let output = explain_stdin(
        r#"{"close_reason":"failed","close_reason":"finished","key":"x","key":"y"}"#,
        "line",
    );
    assert_eq!(rows(&output)[0][..2], ["y", "finished"]);
}

#[test]
fn an_empty_object_or_a_bare_value() {
    let output = explain_stdin("{}", "line");
    assert_eq!(output.status.code(), Some(65));
    assert!(stderr_of(&output).contains("not a job record"));
    let output = explain_stdin("[1, \"x\", null]", "line");
    assert_eq!(output.status.code(), Some(65));
    // A JSON string alone is read as a reason (quotes are separators); a number too.
    let output = explain_stdin("\"finished\"\n", "line");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(rows(&output)[0][1], "finished");
    let output = explain_stdin("42\n", "line");
    assert_eq!(output.status.code(), Some(3));
    // In a stream of objects, a bare value is a malformed record.
    let output = explain_stdin("{\"close_reason\":\"finished\"}\n\"finished\"\n", "line");
    assert_eq!(output.status.code(), Some(3));
    assert!(stderr_of(&output).contains("line 2: not a job record"));
}

#[test]
fn every_command_and_format_into_a_full_disk() {
    assert!(
        std::path::Path::new("/dev/full").exists(),
        "this test writes to /dev/full, which every Linux has"
    );
    let stream: String = (0..3000)
        .map(|i| format!("{{\"key\":\"k{i}\",\"close_reason\":\"finished\"}}\n"))
        .collect();
    for args in [
        &["explain", "--format", "human"][..],
        &["explain", "--format", "json"],
        &["explain", "--format", "line"],
        &["summary", "--format", "human"],
        &["summary", "--format", "json"],
        &["summary", "--format", "line"],
        &["summary", "--format", "nagios"],
    ] {
        let mut child = std_outcome()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open("/dev/full")
                    .expect("opens"),
            )
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawns");
        let mut stdin = child.stdin.take().expect("piped");
        let _ = stdin.write_all(stream.as_bytes());
        drop(stdin);
        let output = child.wait_with_output().expect("exits");
        assert_eq!(output.status.code(), Some(74), "{args:?}");
        assert!(
            stderr_of(&output).contains("No space left on device"),
            "{args:?}: {}",
            stderr_of(&output)
        );
    }
}

#[test]
fn every_command_into_a_pipe_closed_after_one_line() {
    let stream: String = (0..50_000)
        .map(|i| {
            format!(
                "{{\"key\":\"k{i}\",\"spider\":\"s{}\",\"close_reason\":\"finished\"}}\n",
                i % 7
            )
        })
        .collect();
    let path = std::env::temp_dir().join(format!("outcome-head-{}.jl", std::process::id()));
    std::fs::write(&path, stream).expect("temp file");
    let bin = assert_cmd::cargo::cargo_bin("outcome");
    let file = path.display();
    for command in [
        format!("'{}' list --format human", bin.display()),
        format!("'{}' list --format json", bin.display()),
        format!("'{}' completions zsh", bin.display()),
        format!("'{}' explain finished shutdown banned", bin.display()),
        format!("'{}' explain --format human -i '{file}'", bin.display()),
        format!("'{}' explain --format json -i '{file}'", bin.display()),
        format!("'{}' explain --format line -i '{file}'", bin.display()),
        format!("'{}' summary --by spider -i '{file}'", bin.display()),
        format!(
            "'{}' summary --by spider --format line -i '{file}'",
            bin.display()
        ),
    ] {
        // outcome's own status goes to stderr, past `head`.
        let output = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("( {command}; echo \"status=$?\" >&2 ) | head -1"))
            .output()
            .expect("runs");
        assert_eq!(stdout_of(&output).lines().count(), 1, "{command}");
        let stderr = stderr_of(&output);
        let status = stderr.strip_prefix("status=").map(str::trim);
        assert!(
            matches!(status, Some("0" | "1" | "2" | "3")),
            "{command}: stderr {stderr:?}"
        );
    }
    std::fs::remove_file(&path).ok();
}

#[test]
fn terminal_escapes_in_log_lines_and_file_names() {
    let log =
        "2026-01-01 00:00:00 [scrapy.core.engine] INFO: Closing spider (evil\u{1b}]0;pwned\u{7})\n";
    for format in ["human", "line"] {
        let output = explain_stdin(log, format);
        let text = stdout_of(&output);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
        assert!(text.contains("evil\\x1b]0;pwned\\x07"), "{text}");
    }
    let dir = std::env::temp_dir().join(format!("outcome-names-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let evil = dir.join("jobs\u{1b}[2J\u{202e}.jl");
    std::fs::write(
        &evil,
        "{\"close_reason\":\"finished\"}\n{\"close_reason\":\"banned\"}\n{\"nope\":1}\n",
    )
    .expect("file");
    let output = outcome()
        .args(["explain", "-i"])
        .arg(&evil)
        .output()
        .expect("runs");
    std::fs::remove_dir_all(&dir).ok();
    let all = format!("{}{}", stdout_of(&output), stderr_of(&output));
    assert!(
        !all.contains('\u{1b}') && !all.contains('\u{202e}'),
        "{all:?}"
    );
    assert!(all.contains("\\x1b[2J\\u{202e}"), "{all}");
}

#[test]
fn json_output_stays_valid_json_whatever_the_input() {
    let nasty = "\u{1b}[31m\u{0}\u{7f}\u{9b}\u{202e}\u{200b}\"\\\n\t";
    let record = serde_json::json!({"key": nasty, "spider": nasty, "close_reason": nasty, "tags": [nasty], "cancelled_by": nasty});
    let output = explain_stdin(format!("{record}\n{record}\n"), "json");
    let items = json_lines(&output);
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["job"]["key"], nasty);
    assert_eq!(items[0]["input"], nasty);
}

#[test]
fn a_stats_dump_that_is_not_a_literal() {
    let output = explain_stdin("{'finish_reason': 'finished', 'x': <broken\n", "line");
    no_panic(&output);
    let output = explain_stdin("{'finish_reason': 'fin\n", "line");
    no_panic(&output);
    outcome()
        .arg("explain")
        .write_stdin("2026-01-01 00:00:00 [scrapy.statscollectors] INFO: Dumping Scrapy stats:\n{'finish_reason': \n")
        .assert()
        .code(3)
        .stdout(predicate::str::contains("never"));
}

/// Inputs that once crashed a fuzz target (see fuzz/), kept so they never come back.
#[test]
fn inputs_found_by_fuzzing() {
    let dir = common::fixture("fuzz");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz fixtures") {
        let path = entry.expect("entry").path();
        for args in [
            &["explain"][..],
            &["explain", "--format", "line"],
            &["explain", "--format", "json"],
            &["summary"],
        ] {
            let output = outcome()
                .args(args)
                .arg("-i")
                .arg(&path)
                .output()
                .expect("runs");
            no_panic(&output);
        }
        seen += 1;
    }
    assert!(seen > 0);
}
