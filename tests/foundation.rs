//! Defects found by the second review (issue 8, part 1), each end to end: what a user sees on
//! stdout and stderr, and the exit status.

mod common;

use std::io::Write;

use common::{json_lines, outcome, rows, stderr_of, stdout_of};

fn explain_stdin(input: impl Into<Vec<u8>>, args: &[&str]) -> std::process::Output {
    outcome()
        .arg("explain")
        .args(args)
        .write_stdin(input.into())
        .output()
        .expect("runs")
}

fn temp_file(name: &str, contents: &[u8]) -> (tempdir::Dir, std::path::PathBuf) {
    let dir = tempdir::Dir::new();
    let path = dir.path().join(name);
    std::fs::write(&path, contents).expect("writes");
    (dir, path)
}

/// A throwaway directory under target/, removed on drop.
mod tempdir {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicU64, Ordering};

    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new() -> Dir {
            static NEXT: AtomicU64 = AtomicU64::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("foundation-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).expect("creates temp dir");
            Dir(path)
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

// 1. One record is a card, several are lines: malformed records do not count as records.

#[test]
fn a_malformed_record_does_not_turn_a_stream_into_a_card() {
    let input = "{\"key\":\"a\",\"close_reason\":\"finished\",\"items\":1}\n{\"key\": \n{\"key\":\"b\",\"close_reason\":\"banned\"}\n";
    let output = explain_stdin(input, &[]);
    let stdout = stdout_of(&output);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].starts_with("OK") && lines[0].contains(" a "),
        "{stdout}"
    );
    assert!(
        lines[1].starts_with("CRITICAL") && lines[1].contains(" b "),
        "{stdout}"
    );
    assert!(lines[2].starts_with("3 jobs: 1 critical"), "{stdout}");
    assert!(lines[2].contains("1 malformed record"), "{stdout}");
    assert!(!stdout.contains("Next steps"), "{stdout}");
    assert!(stderr_of(&output).contains("<stdin>: line 2: invalid JSON"));
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn one_good_record_and_malformed_ones_is_still_one_card() {
    for input in [
        "{\"key\": \n{\"key\":\"b\",\"close_reason\":\"banned\"}\n",
        "{\"key\":\"b\",\"close_reason\":\"banned\"}\nnot json at all {\n",
        "[1,\n{\"key\":\"b\",\"close_reason\":\"banned\"}]\n",
    ] {
        let output = explain_stdin(input, &[]);
        let stdout = stdout_of(&output);
        assert!(
            stdout.starts_with("banned  CRITICAL\n"),
            "{input:?}: {stdout}"
        );
        assert!(stdout.contains("Next steps"), "{input:?}: {stdout}");
        assert!(!stdout.contains(" jobs: "), "{input:?}: {stdout}");
        assert_eq!(output.status.code(), Some(2), "{input:?}");
    }
}

// 2. An engine close line is the engine's only where the log's own format puts its logger.

#[test]
fn a_quoted_engine_line_is_not_the_engine() {
    let quoted = [
        // An item printed after `Scraped from`, quoting a log line.
        "{'text': '2024-01-01 00:00:00 [scrapy.core.engine] INFO: Closing spider (banned)'}",
        "{\"text\": \"2024-01-01 00:00:00 [scrapy.core.engine] INFO: Spider closed (banned)\"}",
        // A DEBUG line of another logger that quotes it.
        "2024-01-01 00:00:01 [quotes] DEBUG: seen 2024-01-01 00:00:00 [scrapy.core.engine] INFO: Closing spider (banned)",
        // Indented inside a traceback or an item.
        "    [scrapy.core.engine] INFO: Closing spider (memusage_exceeded)",
    ];
    for line in quoted {
        let log = format!(
            "2024-01-01 00:00:00 [scrapy.utils.log] INFO: Scrapy 2.11.2 started (bot: q)\n\
             2024-01-01 00:00:00 [scrapy.core.engine] INFO: Spider opened\n\
             2024-01-01 00:00:01 [scrapy.core.scraper] DEBUG: Scraped from <200 http://127.0.0.1/>\n\
             {line}\n\
             2024-01-01 00:00:02 [scrapy.core.engine] INFO: Closing spider (finished)\n\
             2024-01-01 00:00:02 [scrapy.core.engine] INFO: Spider closed (finished)\n"
        );
        let output = explain_stdin(log, &["--format", "line"]);
        assert_eq!(
            rows(&output),
            [[
                "<stdin>:5",
                "finished",
                "ok",
                "The spider ran out of work and closed normally"
            ]],
            "{line}"
        );
        assert_eq!(output.status.code(), Some(0), "{line}");
        // Alone, too: whatever it is read as, it is not the engine's close.
        let output = explain_stdin(format!("{line}\n"), &["--format", "json"]);
        let stdout = stdout_of(&output);
        assert!(
            !stdout.contains("\"outcome\":\"banned\""),
            "{line}: {stdout}"
        );
        assert!(
            !stdout.contains("\"outcome\":\"memusage_exceeded\"") || line.starts_with("    "),
            "{line}"
        );
    }
}

#[test]
fn a_quoted_engine_line_in_a_logs_api_message_is_not_the_engine() {
    let input = concat!(
        r#"{"time":1,"level":20,"message":"[scrapy.core.engine] Spider opened"}"#,
        "\n",
        r#"{"time":2,"level":10,"message":"[scrapy.core.scraper] Scraped from <200 http://x/>\n{'q': '[scrapy.core.engine] Closing spider (banned)'}"}"#,
        "\n",
        r#"{"time":3,"level":20,"message":"[scrapy.core.engine] Closing spider (finished)"}"#,
        "\n",
        r#"{"time":4,"level":20,"message":"[scrapy.core.engine] Spider closed (finished)"}"#,
        "\n"
    );
    let output = explain_stdin(input, &["--format", "line"]);
    assert_eq!(rows(&output)[0][1], "finished");
    assert_eq!(output.status.code(), Some(0));
}

// 3 (and issue 15.6). Stats-dump datetimes outside Python's bounds are not dates.

#[test]
fn impossible_datetimes_give_no_run_time() {
    for stamp in [
        "datetime.datetime(99999999999999999999, 1, 1)",
        "datetime.datetime(10000, 1, 1)",
        "datetime.datetime(0, 1, 1)",
        "datetime.datetime(2024, 13, 1)",
        "datetime.datetime(2024, 2, 30)",
        "datetime.datetime(2023, 2, 29)",
        "datetime.datetime(2024, 1, 1, 25, 0)",
        "datetime.datetime(2024, 1, 1, 0, 61)",
        "datetime.datetime(2024, 1, 1, 0, 0, 0, 1000000)",
        "datetime.datetime(-5, 1, 1)",
    ] {
        let log = format!(
            "2024-01-01 00:00:00 [scrapy.statscollectors] INFO: Dumping Scrapy stats:\n\
             {{'finish_reason': 'finished',\n 'finish_time': {stamp},\n 'item_scraped_count': 3,\n \
             'start_time': datetime.datetime(2024, 1, 1, 0, 0)}}\n\
             2024-01-01 00:00:02 [scrapy.core.engine] INFO: Spider closed (finished)\n"
        );
        let output = explain_stdin(log, &["--format", "json"]);
        let report = &json_lines(&output)[0];
        assert_eq!(
            report["job"]["run_seconds"],
            serde_json::Value::Null,
            "{stamp}"
        );
        assert_eq!(report["outcome"], "finished", "{stamp}");
        assert_eq!(output.status.code(), Some(0), "{stamp}");
    }
}

#[test]
fn a_leap_day_and_the_last_microsecond_are_dates() {
    let log = "2024-01-01 00:00:00 [scrapy.statscollectors] INFO: Dumping Scrapy stats:\n\
         {'finish_reason': 'finished',\n 'finish_time': datetime.datetime(2024, 2, 29, 23, 59, 59, 999999),\n \
         'start_time': datetime.datetime(2024, 2, 29, 23, 0)}\n";
    let output = explain_stdin(log, &["--format", "json"]);
    let seconds = json_lines(&output)[0]["job"]["run_seconds"]
        .as_f64()
        .expect("a run time");
    assert!((seconds - 3599.999999).abs() < 0.01, "{seconds}");
}

// 4 (and issue 15.1-2). Text from a user catalog is input: escaped, and one TSV field.

fn hostile_catalog() -> (tempdir::Dir, std::path::PathBuf) {
    temp_file(
        "hostile.json",
        br#"{"outcomes":[{"name":"login_failed","severity":"critical",
            "title":"Bad\ttitle\nsecond line \u001b[31mred\u001b]52;c;aGk=\u0007",
            "explanation":"Explained \u001b[2J with a \u202e bidi override",
            "next_steps":["Step \u001b[1m one"],
            "settings":["X\u0007"],
            "set_by":"us\u0085"},
           {"name":"finished","title":"Over\tridden"}]}"#,
    )
}

#[test]
fn user_catalog_text_is_escaped_in_every_output() {
    let (_dir, catalog) = hostile_catalog();
    let catalog = catalog.to_str().expect("utf-8 path");
    let line = outcome()
        .args([
            "explain",
            "login_failed",
            "finished",
            "--format",
            "line",
            "--catalog",
            catalog,
        ])
        .output()
        .expect("runs");
    let rows = rows(&line);
    assert_eq!(rows.len(), 2, "{}", stdout_of(&line));
    for row in &rows {
        assert_eq!(row.len(), 4, "{row:?}");
    }
    assert_eq!(
        rows[0][3],
        "Bad\\ttitle\\nsecond line \\x1b[31mred\\x1b]52;c;aGk=\\x07"
    );
    assert_eq!(rows[1][3], "Over\\tridden");
    let card = outcome()
        .args(["explain", "login_failed", "--catalog", catalog])
        .output()
        .expect("runs");
    let text = stdout_of(&card);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text}"
    );
    assert!(
        !text.contains('\u{202e}') && !text.contains('\u{85}'),
        "{text}"
    );
    assert!(text.contains("Bad\\ttitle\\nsecond line"), "{text}");
    let list = outcome()
        .args(["list", "--catalog", catalog])
        .output()
        .expect("runs");
    assert!(!stdout_of(&list).contains('\u{1b}'));
}

#[test]
fn user_catalog_text_keeps_summary_rows_whole() {
    let (_dir, catalog) = hostile_catalog();
    for by in [&[][..], &["--by", "spider"][..]] {
        let output = outcome()
            .args(["summary", "--format", "line", "--catalog"])
            .arg(&catalog)
            .args(by)
            .write_stdin(
                "{\"key\":\"1/2/3\",\"spider\":\"s\",\"close_reason\":\"login_failed\"}\n\
                 {\"key\":\"1/2/4\",\"spider\":\"s\",\"close_reason\":\"finished\",\"items\":0}\n",
            )
            .output()
            .expect("runs");
        let rows = rows(&output);
        assert_eq!(rows.len(), 2, "{}", stdout_of(&output));
        let width = if by.is_empty() { 4 } else { 5 };
        for row in &rows {
            assert_eq!(row.len(), width, "{row:?}");
        }
        let human = outcome()
            .args(["summary", "--catalog"])
            .arg(&catalog)
            .args(by)
            .write_stdin("{\"key\":\"1/2/3\",\"spider\":\"s\",\"close_reason\":\"login_failed\"}\n")
            .output()
            .expect("runs");
        assert!(!stdout_of(&human).contains('\u{1b}'));
        assert!(stdout_of(&human).contains("Bad\\ttitle"));
    }
}

// 5 (and issue 15.1). Every Unicode format character (category Cf) is shown escaped.

#[test]
fn format_characters_are_escaped() {
    for c in [
        '\u{ad}',
        '\u{600}',
        '\u{605}',
        '\u{6dd}',
        '\u{70f}',
        '\u{890}',
        '\u{891}',
        '\u{8e2}',
        '\u{180e}',
        '\u{200b}',
        '\u{2064}',
        '\u{206a}',
        '\u{206f}',
        '\u{feff}',
        '\u{110bd}',
        '\u{13430}',
        '\u{1bca0}',
        '\u{1d173}',
        '\u{e0001}',
        '\u{e0020}',
        '\u{e007f}',
    ] {
        let reason = format!("x{c}y");
        for format in ["human", "line"] {
            let output = outcome()
                .args(["explain", &reason, "--format", format])
                .output()
                .expect("runs");
            let text = stdout_of(&output);
            assert!(!text.contains(c), "U+{:04X} in {format}: {text}", c as u32);
            assert!(
                text.contains(&format!("\\u{{{:x}}}", c as u32)),
                "U+{:04X} in {format}: {text}",
                c as u32
            );
        }
    }
}

// 6. A user catalog can take an alias away.

#[test]
fn a_user_catalog_can_remove_aliases() {
    let (_dir, catalog) = temp_file(
        "no-aliases.json",
        br#"{"outcomes":[{"name":"killed by oom","aliases":[]}]}"#,
    );
    let output = outcome()
        .args(["explain", "OOMKilled", "--format", "json", "--catalog"])
        .arg(&catalog)
        .output()
        .expect("runs");
    let report = &json_lines(&output)[0];
    assert_ne!(report["outcome"], "killed by oom", "{report}");
    assert_eq!(output.status.code(), Some(3));
    let list = outcome()
        .args(["list", "--format", "json", "--catalog"])
        .arg(&catalog)
        .output()
        .expect("runs");
    let entry = json_lines(&list)
        .into_iter()
        .find(|e| e["name"] == "killed by oom")
        .expect("listed");
    assert_eq!(entry["aliases"], serde_json::json!([]));
    // The name itself still matches, spelled any way.
    let output = outcome()
        .args(["explain", "Killed-By-OOM", "--format", "line", "--catalog"])
        .arg(&catalog)
        .output()
        .expect("runs");
    assert_eq!(rows(&output)[0][1], "killed by oom");
}

#[test]
fn a_user_catalog_can_give_an_alias_to_another_entry() {
    let (_dir, catalog) = temp_file(
        "move-alias.json",
        br#"{"outcomes":[{"name":"killed by oom","aliases":[]},
                        {"name":"memusage_exceeded","aliases":["OOMKilled"]}]}"#,
    );
    let output = outcome()
        .args(["explain", "OOMKilled", "--format", "json", "--catalog"])
        .arg(&catalog)
        .output()
        .expect("runs");
    let report = &json_lines(&output)[0];
    assert_eq!(report["outcome"], "memusage_exceeded");
    assert_eq!(report["matched"], "alias");
}

// 7. A truncated first line does not make a JSON Lines stream one bad document.

#[test]
fn a_truncated_first_line_loses_only_itself() {
    for first in [
        "{\"key\": ",
        "{\"key\":\"x\",\"close_reason\":\"fin",
        "[{\"key\":",
    ] {
        let input = format!(
            "{first}\n{{\"key\":\"a\",\"close_reason\":\"finished\",\"items\":3}}\n\
             {{\"key\":\"b\",\"close_reason\":\"shutdown\"}}\n{{\"key\":\"c\",\"close_reason\":\"finished\",\"items\":1}}\n"
        );
        let output = explain_stdin(input, &["--format", "line"]);
        let keys: Vec<String> = rows(&output).into_iter().map(|r| r[0].clone()).collect();
        assert_eq!(keys, ["a", "b", "c"], "{first:?}");
        assert!(
            stderr_of(&output).contains("<stdin>: line 1: "),
            "{first:?}"
        );
        assert_eq!(output.status.code(), Some(1), "{first:?}");
    }
}

// 8. Log lines longer than any buffer are still whole lines.

#[test]
fn a_close_line_longer_than_a_read_buffer_is_read_whole() {
    let reason = format!("custom_{}", "x".repeat(3 * 1024 * 1024));
    let mut log = String::from("2024-01-01 00:00:00 [scrapy.core.engine] INFO: Spider opened\n");
    log.push_str(&format!(
        "2024-01-01 00:00:01 [scrapy.core.engine] INFO: Closing spider ({reason})\n"
    ));
    log.push_str(&format!(
        "2024-01-01 00:00:01 [scrapy.core.engine] INFO: Spider closed ({reason})\n"
    ));
    let output = explain_stdin(log, &["--format", "json"]);
    let report = &json_lines(&output)[0];
    assert_eq!(report["matched"], "custom", "never closed?");
    assert_eq!(report["outcome"].as_str().map(str::len), Some(reason.len()));
    assert_eq!(output.status.code(), Some(3));
}

#[test]
fn a_phrase_after_a_megabyte_of_one_line_is_found() {
    // The phrase sits where a fixed 1 MiB buffer used to cut the line.
    for pad in [
        1024 * 1024 - 60,
        1024 * 1024 - 30,
        1024 * 1024 - 5,
        2 * 1024 * 1024 - 40,
    ] {
        let mut log =
            String::from("2024-01-01 00:00:00 [scrapy.core.engine] INFO: Spider opened\n");
        log.push_str(&format!(
            "2024-01-01 00:00:01 [x] DEBUG: {}\n",
            "y".repeat(pad)
        ));
        let line =
            "2024-01-01 00:00:02 [scrapy.core.engine] INFO: Spider closed (memusage_exceeded)\n";
        // Pad so the close line straddles the old 1 MiB mark.
        let mut padded =
            String::from("2024-01-01 00:00:00 [scrapy.core.engine] INFO: Spider opened\n");
        padded.push_str(&"a".repeat(pad));
        padded.push('\n');
        padded.push_str(line);
        for input in [log.clone() + line, padded] {
            let output = explain_stdin(input, &["--format", "line"]);
            assert_eq!(rows(&output)[0][1], "memusage_exceeded", "pad {pad}");
        }
    }
}

// 9. Binary and compressed input is refused once, naming what it looks like.

#[test]
fn binary_input_is_refused_once() {
    let mut gzip = vec![0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 3];
    gzip.extend((0..4000u32).map(|i| (i * 7 % 251) as u8));
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
    elf.extend((0..4000u32).map(|i| (i % 13) as u8));
    let cases: [(&str, Vec<u8>, &str); 6] = [
        ("x.gz", gzip, "gzip-compressed"),
        (
            "x.bz2",
            b"BZh91AY&SY\x01\x02\x03\x04\0\0\xff\xfe".repeat(50),
            "bzip2-compressed",
        ),
        (
            "x.xz",
            b"\xfd7zXZ\0\0\x04\xe6\xd6\xb4\x46\x02\0\x21\x01".repeat(50),
            "xz-compressed",
        ),
        (
            "x.zst",
            b"\x28\xb5\x2f\xfd\x24\x00\x01\x00\xff\xfe".repeat(50),
            "zstd-compressed",
        ),
        ("a.out", elf, "binary"),
        ("x.zip", b"PK\x03\x04\x14\0\0\0\x08\0".repeat(50), "zip"),
    ];
    for (name, bytes, what) in cases {
        let (_dir, path) = temp_file(name, &bytes);
        for format in ["human", "line", "json"] {
            let output = outcome()
                .args(["explain", "--format", format, "-i"])
                .arg(&path)
                .output()
                .expect("runs");
            let stderr = stderr_of(&output);
            assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
            assert!(stderr.contains(what), "{name}: {stderr}");
            assert!(stderr.contains(name), "{name}: {stderr}");
            assert_eq!(stdout_of(&output), "", "{name}");
            assert_eq!(output.status.code(), Some(65), "{name}");
        }
    }
    // On stdin too, and through summary.
    let output = outcome()
        .arg("summary")
        .write_stdin(b"\x1f\x8b\x08\0\0\0\0\0\0\x03abc\0\0\0\xff".to_vec())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(65));
    assert!(stderr_of(&output).contains("<stdin>: gzip-compressed"));
}

#[test]
fn a_stray_nul_is_not_binary() {
    let output = explain_stdin(&b"fini\0shed\n"[..], &["--format", "line"]);
    assert_eq!(output.status.code(), Some(3));
}

// 10. A file name given where a reason belongs.

#[test]
fn a_file_name_as_a_reason_suggests_dash_i() {
    let (_dir, path) = temp_file(
        "crawl.log",
        b"2024-01-01 00:00:00 [scrapy.core.engine] INFO: Spider closed (finished)\n",
    );
    let name = path.to_str().expect("utf-8 path");
    for format in ["human", "line", "json"] {
        let output = outcome()
            .args(["explain", name, "--format", format])
            .output()
            .expect("runs");
        let stderr = stderr_of(&output);
        assert!(stderr.contains("is a file"), "{stderr}");
        assert!(
            stderr.contains(&format!("outcome explain -i {name}")),
            "{stderr}"
        );
        assert_eq!(output.status.code(), Some(64));
        assert_eq!(stdout_of(&output), "");
    }
    // A known reason is a reason even when a file has its name.
    let (_dir2, path) = temp_file("finished", b"x\n");
    let output = outcome()
        .current_dir(path.parent().expect("dir"))
        .args(["explain", "finished", "--format", "line"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
}

// 11. In nagios format an error is one UNKNOWN line and status 3.

#[test]
fn nagios_errors_are_one_unknown_line() {
    let (_dir, bad_catalog) = temp_file("bad.json", b"{\"outcomes\": [}");
    let cases: Vec<Vec<String>> = vec![
        vec!["summary".into(), "-i".into(), "/nonexistent/jobs.jl".into()],
        vec!["summary".into(), "--bogus".into()],
        vec!["summary".into(), "--by".into(), "planet".into()],
        vec![
            "summary".into(),
            "--catalog".into(),
            bad_catalog.display().to_string(),
        ],
    ];
    for args in cases {
        for place in ["before", "after", "equals"] {
            let mut cmd = outcome();
            match place {
                "before" => cmd.args(["--format", "nagios"]).args(&args),
                "after" => cmd.args(&args).args(["--format", "nagios"]),
                _ => cmd.args(&args).arg("--format=nagios"),
            };
            let output = cmd.write_stdin("").output().expect("runs");
            let stdout = stdout_of(&output);
            assert_eq!(stdout.lines().count(), 1, "{args:?}: {stdout}");
            assert!(
                stdout.starts_with("OUTCOME UNKNOWN - "),
                "{args:?}: {stdout}"
            );
            assert!(!stdout.contains('|'), "{args:?}: {stdout}");
            assert_eq!(output.status.code(), Some(3), "{args:?} {place}");
        }
    }
    // Data errors too.
    let output = outcome()
        .args(["summary", "--format", "nagios", "--strict"])
        .write_stdin("{\"key\": \n")
        .output()
        .expect("runs");
    assert!(stdout_of(&output).starts_with("OUTCOME UNKNOWN - "));
    assert_eq!(output.status.code(), Some(3));
}

#[test]
fn nagios_is_offered_only_where_it_works() {
    let help = outcome()
        .args(["explain", "--help"])
        .output()
        .expect("runs");
    assert!(!stdout_of(&help).contains("nagios"), "{}", stdout_of(&help));
    let help = outcome().args(["list", "--help"]).output().expect("runs");
    assert!(!stdout_of(&help).contains("nagios"));
    let help = outcome()
        .args(["summary", "--help"])
        .output()
        .expect("runs");
    assert!(stdout_of(&help).contains("nagios"));
}

// 12. An empty OUTCOME_CATALOG is unset.

#[test]
fn an_empty_catalog_variable_is_unset() {
    for command in [&["explain", "finished"][..], &["list"][..]] {
        let output = outcome()
            .env("OUTCOME_CATALOG", "")
            .args(command)
            .args(["--format", "line"])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
        assert_eq!(stderr_of(&output), "");
    }
    let output = outcome()
        .env("OUTCOME_CATALOG", "/nonexistent/catalog.json")
        .args(["explain", "finished"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(78));
    assert!(stderr_of(&output).contains("/nonexistent/catalog.json"));
}

// 14. The summary's malformed row has a title of its own.

#[test]
fn the_malformed_row_says_what_it_is() {
    for format in ["line", "json", "human"] {
        let output = outcome()
            .args(["summary", "--format", format])
            .write_stdin("{\"key\":\"a\",\"close_reason\":\"finished\",\"items\":1}\n{oops\n")
            .output()
            .expect("runs");
        let stdout = stdout_of(&output);
        assert!(!stdout.contains("holds no close reason"), "{stdout}");
        assert!(stdout.contains("could not be read"), "{stdout}");
    }
}

// 15. Small ones.

#[test]
fn counts_of_one_are_singular() {
    let output = explain_stdin(
        r#"{"key":"1/2/3","close_reason":"finished","items":1,"errors":1,"pages":1}"#,
        &[],
    );
    let stdout = stdout_of(&output);
    assert!(stdout.contains("1 item, 1 error, 1 page"), "{stdout}");
    assert!(
        stdout.contains("1 error logged (the job's error count"),
        "{stdout}"
    );
}

#[test]
fn severity_names_are_accepted_in_any_case() {
    for name in ["CRITICAL", "Critical", "critical"] {
        let output = outcome()
            .args(["list", "--severity", name, "--format", "line"])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(0), "{name}");
        assert!(rows(&output).iter().all(|r| r[1] == "critical"));
    }
}

#[test]
fn completions_dir_is_created() {
    let dir = tempdir::Dir::new();
    let target = dir.path().join("new/nested");
    let output = outcome()
        .args(["completions", "--dir"])
        .arg(&target)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(target.join("outcome.bash").is_file());
    // A file where the directory should be: 74, naming it.
    let (_dir, file) = temp_file("not-a-dir", b"");
    let output = outcome()
        .args(["completions", "--dir"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(74));
    assert!(stderr_of(&output).contains("not-a-dir"));
}

#[test]
fn notes_quote_the_log_as_written() {
    let log = "2024-01-01 00:00:00 [scrapy.core.engine] INFO: Spider opened\n\
         2024-01-01 00:00:05 [scrapy.crawler] INFO: Received SIGINT, shutting down gracefully. Send again to force \n\
         2024-01-01 00:00:06 [scrapy.crawler] INFO: Received SIGINT twice, forcing unclean shutdown\n";
    let output = explain_stdin(log, &["--format", "json"]);
    let notes = json_lines(&output)[0]["notes"].to_string();
    assert!(
        notes.contains("Received SIGINT twice, forcing unclean shutdown"),
        "{notes}"
    );
    assert!(!notes.contains("SIGTERM"), "{notes}");
    let log = "2024-01-01 00:00:00 [scrapy.core.engine] INFO: Spider opened\n\
         2024-01-01 00:00:05 [scrapy.crawler] INFO: Received SIGTERM, shutting down gracefully. Send again to force \n";
    let output = explain_stdin(log, &["--format", "json"]);
    let notes = json_lines(&output)[0]["notes"].to_string();
    assert!(
        notes.contains("Received SIGTERM, shutting down gracefully"),
        "{notes}"
    );
    assert!(!notes.contains("SIGTERM or SIGINT"), "{notes}");
    for (written, quoted) in [
        (
            "Memory usage exceeded 160M. Shutting down Scrapy...",
            "Memory usage exceeded 160M.",
        ),
        (
            "Memory usage exceeded 2048MiB. Shutting down Scrapy...",
            "Memory usage exceeded 2048MiB.",
        ),
    ] {
        let log = format!(
            "2024-01-01 00:00:00 [scrapy.extensions.memusage] ERROR: {written}\n\
             2024-01-01 00:00:01 [scrapy.core.engine] INFO: Closing spider (memusage_exceeded)\n"
        );
        let output = explain_stdin(log, &["--format", "json"]);
        let notes = json_lines(&output)[0]["notes"].to_string();
        assert!(notes.contains(quoted), "{notes}");
        if written.contains("160M.") {
            assert!(!notes.contains("160MiB"), "{notes}");
        }
    }
}

#[test]
fn a_log_report_points_at_its_close_line() {
    let log = "2024-01-01 00:00:00 [scrapy.utils.log] INFO: Scrapy 2.11.2 started (bot: q)\n\
         2024-01-01 00:00:00 [scrapy.core.engine] INFO: Spider opened\n\
         2024-01-01 00:00:01 [scrapy.core.scraper] DEBUG: Scraped from <200 http://127.0.0.1/>\n\
         2024-01-01 00:00:02 [scrapy.core.engine] INFO: Closing spider (finished)\n\
         2024-01-01 00:00:02 [scrapy.core.engine] INFO: Spider closed (finished)\n";
    let output = explain_stdin(log, &["--format", "json"]);
    assert_eq!(json_lines(&output)[0]["source"]["line"], 4);
    let output = explain_stdin(log, &[]);
    assert!(
        stdout_of(&output).contains("Read from  <stdin>:4"),
        "{}",
        stdout_of(&output)
    );
    // Past the first block of a long log, too.
    let mut long = String::new();
    for i in 0..50_000 {
        long.push_str(&format!("2024-01-01 00:00:01 [q] DEBUG: line {i}\n"));
    }
    long.push_str("2024-01-01 00:00:02 [scrapy.core.engine] INFO: Closing spider (shutdown)\n");
    let output = explain_stdin(long, &["--format", "json"]);
    assert_eq!(json_lines(&output)[0]["source"]["line"], 50_001);
}

/// Every example of the README's "Matching a reason" list matches as the list says.
#[test]
fn the_readme_says_how_each_example_matches() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let start = readme.find("## Matching a reason").expect("the section");
    let section = common::squeezed(&readme[start..].replace('\n', " "));
    // (what the README says, the reason, how it matches, what it is explained as)
    let examples = [
        ("`alias` for another spelling the catalog lists exactly as written (`oomkilled` for `killed by oom`)", "oomkilled", "alias", "killed by oom"),
        ("`normalized`: case and separators ignored (`Killed-By-OOM`", "Killed-By-OOM", "normalized", "killed by oom"),
        ("`killed_by_oom`, and", "killed_by_oom", "normalized", "killed by oom"),
        ("`OOMKilled`, which matches the alias `oomkilled` this way", "OOMKilled", "normalized", "killed by oom"),
        ("(`closespider_foo` → `closespider_*`, tail `foo`;", "closespider_foo", "family", "closespider_*"),
        ("`cancelled (maintenance)` → `cancelled (*)`", "cancelled (maintenance)", "family", "cancelled (*)"),
        ("`suggestion`: a likely typo (`memusage_exceed`)", "memusage_exceed", "suggestion", "memusage_exceeded"),
    ];
    for (claim, reason, how, meant) in examples {
        assert!(
            section.contains(claim),
            "the README no longer says: {claim}"
        );
        let output = outcome()
            .args(["explain", "--format", "json", reason])
            .output()
            .expect("runs");
        let answer = &json_lines(&output)[0];
        assert_eq!(answer["matched"], how, "{reason}");
        let explained = match how {
            "family" => &answer["family"],
            "suggestion" => &answer["suggestion"],
            _ => &answer["outcome"],
        };
        assert_eq!(explained, meant, "{reason}");
    }
    assert!(section.contains("tail `foo`"));
    let output = outcome()
        .args(["explain", "--format", "json", "closespider_foo"])
        .output()
        .expect("runs");
    assert_eq!(json_lines(&output)[0]["family_tail"], "foo");
}

// 13. A terminal on stdin.

#[test]
fn a_terminal_on_stdin_spoils_only_the_stdin_input() {
    let Some(tty) = pty() else {
        panic!("this test needs a pseudo-terminal (/dev/ptmx)");
    };
    let (_dir, job) = temp_file("job.json", br#"{"key":"1/2/3","close_reason":"banned"}"#);
    let output = common::std_outcome()
        .args(["explain", "--format", "line", "-i"])
        .arg(&job)
        .args(["-i", "-"])
        .stdin(tty.try_clone().expect("clone"))
        .output()
        .expect("runs");
    assert_eq!(common::rows(&output)[0][0], "1/2/3");
    let stderr = stderr_of(&output);
    assert!(stderr.contains("<stdin>: is a terminal"), "{stderr}");
    assert_eq!(output.status.code(), Some(66));
    let output = common::std_outcome()
        .arg("summary")
        .stdin(tty)
        .output()
        .expect("runs");
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(66));
    assert!(!stderr.contains("REASON"), "{stderr}");
    assert!(stderr.contains("-i FILE"), "{stderr}");
}

fn pty() -> Option<std::fs::File> {
    use std::os::fd::FromRawFd;
    // SAFETY: plain libc calls on a descriptor we own; the slave is opened by name.
    unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        if master < 0 || libc::grantpt(master) != 0 || libc::unlockpt(master) != 0 {
            return None;
        }
        let name = libc::ptsname(master);
        if name.is_null() {
            return None;
        }
        let path = std::ffi::CStr::from_ptr(name).to_str().ok()?.to_string();
        // Leak the master on purpose: closing it would hang up the slave.
        let _master = std::mem::ManuallyDrop::new(std::fs::File::from_raw_fd(master));
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .ok()
    }
}

// 16. Facts in the catalog.

#[test]
fn catalog_facts_are_current() {
    let output = outcome()
        .args(["list", "--format", "json"])
        .output()
        .expect("runs");
    let all = stdout_of(&output);
    assert!(
        !all.contains("exceptions.html#closespider\""),
        "stale anchor"
    );
    assert!(all.contains("exceptions.html#scrapy.exceptions.CloseSpider"));
    let entries = json_lines(&output);
    let banned = entries
        .iter()
        .find(|e| e["name"] == "banned")
        .expect("banned");
    let steps = banned["next_steps"].to_string();
    if steps.contains("DOWNLOAD_DELAY") {
        assert!(steps.contains("ZYTE_SMARTPROXY_PRESERVE_DELAY"), "{steps}");
    }
    for entry in &entries {
        let text = entry.to_string();
        if text.contains("close_spider(") {
            assert!(
                text.contains("close_spider_async"),
                "deprecated since 2.18: {text}"
            );
        }
    }
    let start_error = entries
        .iter()
        .find(|e| e["name"] == "start_error")
        .expect("start_error");
    assert!(
        start_error["explanation"].to_string().contains("2.16"),
        "{}",
        start_error["explanation"]
    );
    let _ = std::io::stdout().flush();
}

// 14. The layering the README's module table describes: no module reaches back to one that
// reaches it.

/// `src/` and every `.rs` file under it.
fn rust_files() -> (std::path::PathBuf, Vec<std::path::PathBuf>) {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    (root, files)
}

/// Every module of `src/` by path (`input::log`), and the modules its code names through
/// `crate::` and `super::` (unit tests left out: they may use their parent freely).
fn module_graph() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    use std::collections::{BTreeMap, BTreeSet};
    let (root, files) = rust_files();
    let module_of = |path: &std::path::Path| -> Option<String> {
        let relative = path.strip_prefix(&root).ok()?.with_extension("");
        let mut parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.last().is_some_and(|p| p == "mod") {
            parts.pop();
        }
        let name = parts.join("::");
        (name != "main" && name != "lib").then_some(name)
    };
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(f)).collect();
    // The deepest module a path names: `input::log::LogReader` is `input::log`.
    let resolve = |segments: &[&str]| -> Option<String> {
        (1..=segments.len())
            .rev()
            .map(|n| segments[..n].join("::"))
            .find(|m| modules.contains(m))
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let Some(module) = module_of(file) else {
            continue;
        };
        let text = std::fs::read_to_string(file).expect("source");
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
        let parent: Vec<&str> = {
            let mut p: Vec<&str> = module.split("::").collect();
            let is_dir_module = file.file_name().is_some_and(|n| n == "mod.rs");
            if !is_dir_module {
                p.pop();
            }
            p
        };
        let edges = graph.entry(module.clone()).or_default();
        for (prefix, base) in [("crate::", Vec::new()), ("super::", parent.clone())] {
            for (at, _) in code.match_indices(prefix) {
                let before = code[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let rest = &code[at + prefix.len()..];
                // `super::{a, b::c}` names each; `super::a::b` names one path.
                let paths: Vec<&str> = match rest.strip_prefix('{') {
                    Some(group) => group
                        .split('}')
                        .next()
                        .unwrap_or("")
                        .split(',')
                        .map(str::trim)
                        .collect(),
                    None => vec![rest],
                };
                for path in paths {
                    let segments: Vec<&str> = path
                        .split("::")
                        .map(|s| {
                            let end = s
                                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                                .unwrap_or(s.len());
                            &s[..end]
                        })
                        .take_while(|s| !s.is_empty())
                        .collect();
                    let mut full: Vec<&str> = base.clone();
                    full.extend(segments);
                    if let Some(target) = resolve(&full).or_else(|| {
                        // An item of the parent itself.
                        (!base.is_empty()).then(|| base.join("::"))
                    }) {
                        // A child naming its parent's own items counts too.
                        if target != module {
                            edges.insert(target);
                        }
                    }
                }
            }
        }
    }
    // A parent reaches each child it names through `child::` paths as `mod child;` uses.
    for file in &files {
        let Some(module) = module_of(file) else {
            continue;
        };
        if file.file_name().is_none_or(|n| n != "mod.rs") {
            continue;
        }
        let text = std::fs::read_to_string(file).expect("source");
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
        for child in modules.iter().filter(|m| {
            m.strip_prefix(&format!("{module}::"))
                .is_some_and(|rest| !rest.contains("::"))
        }) {
            let name = child.rsplit("::").next().unwrap_or("");
            let used = code.match_indices(&format!("{name}::")).any(|(at, _)| {
                !code[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            });
            if used {
                graph
                    .entry(module.clone())
                    .or_default()
                    .insert(child.clone());
            }
        }
    }
    graph
}

#[test]
fn no_module_reaches_back_to_one_that_reaches_it() {
    let graph = module_graph();
    assert!(graph.len() > 40, "{} modules found", graph.len());
    // `input::stream` names `input::records`: the graph sees what the code does.
    assert!(
        graph["input::stream"].contains("input::records"),
        "{graph:?}"
    );
    assert!(graph["report"].contains("findings"), "{graph:?}");
    // Depth-first: a module met again while still on the path closes a cycle.
    fn visit(
        module: &str,
        graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) {
        if done.contains(module) {
            return;
        }
        if let Some(at) = path.iter().position(|m| m == module) {
            panic!("import cycle: {} -> {module}", path[at..].join(" -> "));
        }
        path.push(module.to_string());
        for next in graph.get(module).into_iter().flatten() {
            visit(next, graph, path, done);
        }
        path.pop();
        done.insert(module.to_string());
    }
    let mut done = std::collections::BTreeSet::new();
    for module in graph.keys() {
        visit(module, &graph, &mut Vec::new(), &mut done);
    }
}

#[test]
fn each_module_names_only_the_layers_below_it_as_lib_rs_says() {
    let lib = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs"))
        .expect("lib.rs");
    let doc: String = lib
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .skip_while(|l| !l.contains("Dependencies run one way"))
        .collect::<Vec<_>>()
        .join(" ");
    let list = &doc[doc.find(':').expect("the list") + 1..];
    let layers: Vec<Vec<String>> = list
        .split("<-")
        .map(|layer| {
            layer
                .split('`')
                .skip(1)
                .step_by(2)
                .map(String::from)
                .collect()
        })
        .collect();
    let layer_of = |module: &str| {
        let top = module.split("::").next().unwrap_or(module);
        layers.iter().position(|l| l.iter().any(|m| m == top))
    };
    let graph = module_graph();
    let mut edges = 0;
    for (from, targets) in &graph {
        let Some(from_layer) = layer_of(from) else {
            panic!("lib.rs does not place `{from}` in a layer");
        };
        for to in targets {
            let (from_top, to_top) = (
                from.split("::").next().unwrap_or(from),
                to.split("::").next().unwrap_or(to),
            );
            if from_top == to_top {
                continue;
            }
            let to_layer = layer_of(to).unwrap_or_else(|| panic!("`{to}` has no layer"));
            assert!(
                to_layer < from_layer,
                "`{from}` names `{to}`, which lib.rs puts in the same layer or above"
            );
            edges += 1;
        }
    }
    assert!(edges > 50, "{edges} edges between top-level modules");
}

/// Each `.rs` file under `src/`, with its path relative to `src/` and its code (unit tests
/// left out).
fn source_files() -> Vec<(String, String)> {
    let (root, files) = rust_files();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("source");
            let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
            let name = path
                .strip_prefix(&root)
                .expect("under src")
                .to_string_lossy()
                .into_owned();
            (name, code)
        })
        .collect()
}

#[test]
fn every_verdict_is_built_and_changed_in_judge_only() {
    // What makes a verdict: the matched outcome, its severity, the findings. Built as a
    // `Report { .. }` literal or changed through these fields, anywhere but `judge.rs`
    // (and `report.rs`'s own copy into an owned report), it would be a second judge.
    let fields = [
        "severity",
        "outcome_severity",
        "expected",
        "found",
        "findings",
    ];
    // Other structs with a field of the same name.
    let not_reports = ["value.severity", "entry.severity"];
    let mut found = Vec::new();
    let mut literals = 0;
    for (file, code) in source_files() {
        let judge = file == "judge.rs";
        for (number, line) in code.lines().enumerate() {
            let line = line.split("//").next().unwrap_or("");
            let literal = line.match_indices("Report {").any(|(at, _)| {
                !line[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
            });
            if literal && !line.contains("struct Report") {
                if judge || file == "report.rs" {
                    literals += 1;
                } else {
                    found.push(format!("src/{file}:{}: builds a Report", number + 1));
                }
            }
            if judge {
                continue;
            }
            for field in fields {
                for (at, _) in line.match_indices(&format!(".{field}")) {
                    let receiver: String = line[..at]
                        .chars()
                        .rev()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
                        .collect::<Vec<_>>()
                        .into_iter()
                        .rev()
                        .collect();
                    let rest = line[at + field.len() + 1..].trim_start();
                    let assignment = |rest: &str| {
                        rest.starts_with('=') && !rest.starts_with("==") && !rest.starts_with("=>")
                    };
                    let assigns = assignment(rest)
                        || rest
                            .strip_prefix(".how")
                            .is_some_and(|how| assignment(how.trim_start()))
                        || [
                            ".push(", ".insert(", ".extend(", ".retain(", ".clear(", ".append(",
                        ]
                        .iter()
                        .any(|m| rest.starts_with(m));
                    if assigns && !not_reports.contains(&format!("{receiver}.{field}").as_str()) {
                        found.push(format!(
                            "src/{file}:{}: changes `{receiver}.{field}`",
                            number + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(
        literals >= 3,
        "judge.rs builds reports: {literals} literals seen"
    );
    assert!(
        found.is_empty(),
        "verdicts made outside src/judge.rs:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_log_reader_yields_facts_and_names_no_judge() {
    // A log's lines become facts (`job::LogCrawl`); the verdict is the judge's alone. The
    // reader naming a report, the matcher or the judge would be judging again below it.
    let graph = module_graph();
    let readers: Vec<_> = graph
        .keys()
        .filter(|m| *m == "input::log" || m.starts_with("input::log::"))
        .collect();
    assert!(readers.len() >= 6, "{readers:?}");
    assert!(graph["input::log::answer"].contains("job"), "{graph:?}");
    for module in readers {
        for judging in ["report", "reason", "judge", "findings"] {
            assert!(
                !graph[module].contains(judging),
                "`{module}` names `{judging}`"
            );
        }
    }
}

#[test]
fn commands_give_one_render_function_and_take_the_chunks_back() {
    // A command that reads inputs gives the readers one render function
    // (`input::emit::Render`) and consumes the chunks it made, in order; how the readers
    // put records down (`Records`) stays theirs. A command implementing a reader's trait
    // again would be the three callback traits this replaced.
    let mut renders = Vec::new();
    let mut found = Vec::new();
    for (file, code) in source_files() {
        for (number, line) in code.lines().enumerate() {
            let line = line.split("//").next().unwrap_or("");
            let place = format!("src/{file}:{}", number + 1);
            // Outside string literals: a metric's help text may say "Records".
            let in_code = |at: usize| line[..at].matches('"').count() % 2 == 0;
            let names_records = line.match_indices("Records").any(|(at, _)| in_code(at));
            if !file.starts_with("input/") && names_records {
                found.push(format!("{place}: names the readers' `Records`"));
            }
            let implements = line.trim_start().starts_with("impl") && line.contains(" for ");
            if file.starts_with("commands/") && implements {
                if line.contains("Render for") {
                    renders.push(file.clone());
                } else if ["Consumer", "Part for", "Source"]
                    .iter()
                    .any(|name| line.contains(name))
                {
                    found.push(format!("{place}: implements a reader's trait"));
                }
            }
        }
    }
    renders.sort();
    assert_eq!(renders, ["commands/explain.rs", "commands/summary.rs"]);
    assert!(found.is_empty(), "{found:#?}");
    let (_, reading) = source_files()
        .into_iter()
        .find(|(file, _)| file == "commands/reading.rs")
        .expect("commands/reading.rs");
    assert!(reading.contains("input::emit::pipeline("), "reading.rs");
}
