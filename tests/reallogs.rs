//! Logs written by the real Scrapy (issue 9): tests/fixtures/real/<version>/, made by
//! tests/fixtures/real/make.sh, which runs small spiders against a local site. Every test
//! runs on both versions. Wrapped logs (docker, journald, Celery, kubectl, colours) are the
//! real logs with each line prefixed here, as those tools do.

mod common;

use std::path::PathBuf;

use common::{json_lines, outcome, rows, stdout_of};

const VERSIONS: [&str; 2] = ["2.19.0", "2.11.2"];

fn real(version: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(version)
        .join(format!("{name}.log"))
}

/// Every report for a log, as JSON, and the exit status.
fn explain(version: &str, name: &str) -> (Vec<serde_json::Value>, Option<i32>) {
    let output = outcome()
        .args(["explain", "--format", "json", "-i"])
        .arg(real(version, name))
        .output()
        .expect("runs");
    (json_lines(&output), output.status.code())
}

fn only(version: &str, name: &str) -> (serde_json::Value, Option<i32>) {
    let (reports, code) = explain(version, name);
    assert_eq!(reports.len(), 1, "{version}/{name}: {reports:?}");
    (reports[0].clone(), code)
}

fn notes(report: &serde_json::Value) -> String {
    report["notes"].to_string()
}

// 1. Any LOG_FORMAT, LOG_DATEFORMAT, LOG_SHORT_NAMES.

#[test]
fn any_log_format_is_a_log() {
    for version in VERSIONS {
        for name in [
            "format_levelname",
            "format_message",
            "format_custom_date",
            "short_names",
            "clean",
        ] {
            let (report, code) = only(version, name);
            assert_eq!(report["outcome"], "finished", "{version}/{name}");
            assert_eq!(report["job"]["items"], 5, "{version}/{name}");
            assert_eq!(report["job"]["scrapy_version"], version, "{version}/{name}");
            assert_eq!(code, Some(0), "{version}/{name}");
        }
    }
}

// 2. Logs wrapped by another logger.

#[test]
fn wrapped_logs_are_read_through_their_wrapper() {
    type Wrap = fn(&str) -> String;
    let wrappers: [(&str, Wrap); 5] = [
        ("docker", |l| format!("2026-11-24T01:34:47.123456789Z {l}")),
        ("journald", |l| {
            format!("Nov 24 01:34:47 host scrapy[4242]: {l}")
        }),
        ("celery", |l| {
            format!("[2021-09-08 03:10:00,380: WARNING/ForkPoolWorker-4] {l}")
        }),
        ("kubectl", |l| {
            format!("[pod/crawler-7d9f/scrapy] 2026-11-24T01:34:47.123Z {l}")
        }),
        ("colour", |l| {
            l.replacen(" INFO: ", " \u{1b}[32mINFO\u{1b}[0m: ", 1)
        }),
    ];
    for version in VERSIONS {
        for log in ["clean", "closespider_errorcount"] {
            let text = std::fs::read_to_string(real(version, log)).expect("fixture");
            for (wrapper, wrap) in wrappers {
                let wrapped: String = text.lines().map(|l| wrap(l) + "\n").collect();
                let output = outcome()
                    .args(["explain", "--format", "line"])
                    .write_stdin(wrapped)
                    .output()
                    .expect("runs");
                let rows = rows(&output);
                assert_eq!(rows.len(), 1, "{version}/{log} in {wrapper}: {rows:?}");
                let want = if log == "clean" {
                    "finished"
                } else {
                    "closespider_errorcount"
                };
                assert_eq!(rows[0][1], want, "{version}/{log} in {wrapper}");
            }
        }
    }
}

#[test]
fn a_celery_line_of_its_own_does_not_double_a_crawl() {
    // Celery logs a redirected record twice: its own line and the nested Scrapy one.
    let text = std::fs::read_to_string(real("2.19.0", "clean")).expect("fixture");
    let mut wrapped = String::new();
    for line in text.lines() {
        wrapped.push_str(&format!(
            "[2021-09-08 03:10:00,380: WARNING/ForkPoolWorker-4] {line}\n"
        ));
        if let Some(at) = line
            .find("Spider closed (")
            .or_else(|| line.find("Closing spider ("))
        {
            wrapped.push_str(&format!(
                "[2021-09-08 03:10:00,380: INFO/ForkPoolWorker-4] {}\n",
                &line[at..]
            ));
        }
    }
    let output = outcome()
        .args(["explain", "--format", "line"])
        .write_stdin(wrapped)
        .output()
        .expect("runs");
    assert_eq!(rows(&output).len(), 1, "{}", stdout_of(&output));
}

// 4. Zero counters: a complete dump without a counter means 0.

#[test]
fn a_complete_dump_without_items_means_zero_items() {
    for version in VERSIONS {
        let (report, code) = only(version, "zero_items");
        assert_eq!(report["outcome"], "finished");
        assert_eq!(report["severity"], "warning", "{version}");
        assert_eq!(report["job"]["items"], 0, "{version}");
        assert_eq!(report["job"]["errors"], 0, "{version}");
        assert_eq!(report["job"]["counts_from"], "stats dump");
        assert_eq!(report["deciding"], "zero_items", "{version}");
        assert!(
            report["findings"][0]["evidence"][0]
                .as_str()
                .is_some_and(|e| e.starts_with(
                    "no item_scraped_count in a complete stats dump, so 0 items from "
                )),
            "{version}: {}",
            report["findings"]
        );
        assert_eq!(code, Some(1));
    }
    // A record without scrapystats says nothing about items: unknown, not 0.
    let output = outcome()
        .args(["explain", "--format", "json"])
        .write_stdin(r#"{"key":"1/2/3","close_reason":"finished"}"#)
        .output()
        .expect("runs");
    assert!(json_lines(&output)[0]["job"]["items"].is_null());
}

// 5. No stats dump: counts from the log's own lines, said as such.

#[test]
fn without_a_dump_the_log_lines_are_counted() {
    for version in VERSIONS {
        let (report, code) = only(version, "no_stats_dump");
        assert_eq!(report["outcome"], "finished", "{version}");
        assert_eq!(report["job"]["counts_from"], "log lines", "{version}");
        assert_eq!(report["job"]["errors"], 5, "{version}");
        assert_eq!(report["job"]["log_lines"]["tracebacks"], 5, "{version}");
        assert_eq!(report["severity"], "warning", "{version}");
        assert_eq!(code, Some(1));
    }
    let output = outcome()
        .args(["explain", "-i"])
        .arg(real("2.19.0", "no_stats_dump"))
        .output()
        .expect("runs");
    assert!(
        stdout_of(&output).contains("from the log lines"),
        "{}",
        stdout_of(&output)
    );
}

// 6. Several crawlers in one log: one answer each.

#[test]
fn every_crawl_of_a_log_gets_its_answer() {
    for version in VERSIONS {
        let (reports, code) = explain(version, "two_crawlers");
        let mut outcomes: Vec<&str> = reports
            .iter()
            .map(|r| r["outcome"].as_str().unwrap_or(""))
            .collect();
        outcomes.sort();
        assert_eq!(
            outcomes,
            ["closespider_errorcount", "finished"],
            "{version}"
        );
        for report in &reports {
            // Each crawl got its own dump, though crawlers finish closing in any order.
            assert_eq!(
                report["job"]["finish_reason"], report["outcome"],
                "{version}: {report}"
            );
            if report["outcome"] == "closespider_errorcount" {
                assert_eq!(report["severity"], "critical", "{version}");
            }
        }
        // In input order: the first close line first.
        assert!(reports[0]["source"]["line"].as_u64() < reports[1]["source"]["line"].as_u64());
        assert_eq!(code, Some(2), "{version}: the worst crawl decides");
    }
}

#[test]
fn a_dump_after_a_closed_crawl_belongs_to_the_next_one() {
    // Runs appended to one file: the first with STATS_DUMP=False (closed, no dump), the
    // second whole. Scrapy dumps before `Spider closed`, so the second dump is the second
    // run's; the first run is whole from its header, so its own lines give its counts.
    for version in VERSIONS {
        let mut log = std::fs::read(real(version, "no_stats_dump")).expect("fixture");
        log.extend(std::fs::read(real(version, "clean")).expect("fixture"));
        let output = outcome()
            .args(["explain", "--format", "json"])
            .write_stdin(log)
            .output()
            .expect("runs");
        let reports = json_lines(&output);
        assert_eq!(reports.len(), 2, "{version}");
        let (alone, _) = only(version, "no_stats_dump");
        assert_eq!(reports[0]["job"]["counts_from"], "log lines", "{version}");
        assert_eq!(
            reports[0]["job"]["items"], alone["job"]["items"],
            "{version}"
        );
        assert_eq!(
            reports[0]["job"]["errors"], alone["job"]["errors"],
            "{version}"
        );
        assert_eq!(reports[1]["job"]["counts_from"], "stats dump", "{version}");
        assert!(reports[1]["job"]["items"].as_u64().is_some(), "{version}");
    }
}

#[test]
fn a_summary_of_real_logs_counts_crawls() {
    for version in VERSIONS {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/real")
            .join(version);
        let mut logs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("fixtures")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "log"))
            .collect();
        logs.sort();
        let mut cmd = outcome();
        cmd.args(["summary", "--format", "json"]);
        for log in &logs {
            cmd.arg("-i").arg(log);
        }
        let output = cmd.output().expect("runs");
        let summary = &json_lines(&output)[0];
        // One answer per log, and one more for each further crawler or appended run.
        let more = |path: &PathBuf| match path.file_stem().and_then(|s| s.to_str()) {
            Some("two_crawlers" | "two_crawlers_blocked" | "appended_blocked_then_clean") => 1,
            Some("appended_errors_then_clean" | "appended_clean_then_killed_then_clean") => 2,
            _ => 0,
        };
        let answers: u64 = logs.iter().map(|log| 1 + more(log)).sum();
        assert_eq!(summary["total"], answers, "{version}: {summary}");
        assert_eq!(summary["malformed"], 0);
    }
}

// 7. A close that never completes is not OK.

#[test]
fn a_close_that_never_completes_is_a_warning() {
    for version in VERSIONS {
        let (report, code) = only(version, "killed_while_closing");
        assert_eq!(report["outcome"], "finished");
        assert_eq!(report["severity"], "warning", "{version}");
        assert_eq!(report["deciding"], "close_incomplete", "{version}");
        assert_eq!(code, Some(1));
    }
}

// 8. Logs that never closed say what they show.

#[test]
fn a_killed_crawl_says_it_began_and_how_the_log_ends() {
    for version in VERSIONS {
        let (report, code) = only(version, "killed");
        assert_eq!(report["matched"], "never_closed", "{version}");
        let notes = notes(&report);
        assert!(
            notes.contains("the spider was opened"),
            "{version}: {notes}"
        );
        assert!(notes.contains("the log ends with"), "{version}: {notes}");
        assert_eq!(code, Some(3));
    }
}

#[test]
fn a_crash_before_the_spider_opened_is_a_failure_to_start() {
    let (report, code) = only("2.11.2", "start_error");
    assert_eq!(report["matched"], "failed_to_start");
    assert_eq!(report["severity"], "critical");
    assert!(
        notes(&report).contains("ValueError: no start URLs today"),
        "{}",
        notes(&report)
    );
    assert_eq!(code, Some(2));
    // Scrapy 2.18 and later close such a run as start_error.
    let (report, code) = only("2.19.0", "start_error");
    assert_eq!(report["outcome"], "start_error");
    assert_eq!(code, Some(2));
}

#[test]
fn a_spider_that_was_never_opened_says_so() {
    for version in VERSIONS {
        let (report, code) = only(version, "spider_not_found");
        let notes = notes(&report);
        assert!(
            notes.contains("the spider was never opened"),
            "{version}: {notes}"
        );
        assert_eq!(code, Some(3));
    }
}

#[test]
fn a_log_level_that_hides_info_is_named() {
    for version in VERSIONS {
        let (report, code) = only(version, "level_warning");
        assert_eq!(report["matched"], "never_closed");
        let notes = notes(&report);
        assert!(notes.contains("LOG_LEVEL above INFO"), "{version}: {notes}");
        assert!(!notes.contains("never opened"), "{version}: {notes}");
        // Without its header the log may be an excerpt: its lines are counted in a note,
        // not taken for the run's counts.
        assert!(
            report["job"]["items"].is_null(),
            "items are DEBUG lines, hidden here"
        );
        assert!(notes.contains("5 ERROR"), "{version}: {notes}");
        // The ERROR lines it does show are findings: at least that many errors.
        assert_eq!(report["deciding"], "errors_logged", "{version}");
        assert!(
            report["findings"][0]["evidence"][0]
                .as_str()
                .is_some_and(|e| e.starts_with(
                    "5 errors logged (ERROR and CRITICAL lines in the part of the log given"
                )),
            "{version}: {}",
            report["findings"]
        );
        assert_eq!(code, Some(1));
    }
}

// 10. Every input gets an answer, an empty log too.

#[test]
fn an_empty_log_gets_one_answer() {
    for version in VERSIONS {
        let (report, code) = only(version, "level_error_clean");
        assert_eq!(report["matched"], "empty");
        assert!(report["outcome"].is_null());
        assert_eq!(code, Some(3));
    }
}

// 11. The header's version and settings, used where they change the answer.

#[test]
fn the_header_gives_version_and_settings() {
    for version in VERSIONS {
        let (report, _) = only(version, "closespider_itemcount");
        assert_eq!(report["job"]["scrapy_version"], version);
        assert_eq!(report["job"]["settings"]["CLOSESPIDER_ITEMCOUNT"], "3");
        assert!(
            notes(&report).contains("CLOSESPIDER_ITEMCOUNT is 3"),
            "{}",
            notes(&report)
        );
        let (report, code) = only(version, "memusage");
        assert_eq!(report["outcome"], "memusage_exceeded");
        assert_eq!(report["job"]["memory_limit_bytes"], 20 * 1024 * 1024);
        assert!(
            notes(&report).contains("Memory usage exceeded 20MiB."),
            "{}",
            notes(&report)
        );
        assert_eq!(code, Some(2));
    }
}

// Signals, on every version.

#[test]
fn signals_are_quoted_as_written() {
    for version in VERSIONS {
        for (name, quoted) in [
            ("sigint", "Received SIGINT, shutting down gracefully"),
            (
                "sigint_twice",
                "Received SIGINT twice, forcing unclean shutdown",
            ),
            ("sigterm", "Received SIGTERM, shutting down gracefully"),
        ] {
            let (report, code) = only(version, name);
            assert_eq!(report["outcome"], "shutdown", "{version}/{name}");
            assert!(
                notes(&report).contains(quoted),
                "{version}/{name}: {}",
                notes(&report)
            );
            assert_eq!(code, Some(1));
        }
    }
}

#[test]
fn clean_real_runs_are_ok() {
    for version in VERSIONS {
        for name in ["clean", "closespider_itemcount"] {
            let (report, code) = only(version, name);
            assert_eq!(
                report["severity"],
                "ok",
                "{version}/{name}: {}",
                notes(&report)
            );
            assert_eq!(code, Some(0));
        }
    }
}

// 3. Excerpts, as pasted into issues (hand-written: Scrapy does not paste).

fn explain_text(text: &str) -> (Vec<serde_json::Value>, Option<i32>) {
    common::explain_json(text.as_bytes())
}

#[test]
fn a_paste_from_the_middle_of_a_dump_is_read() {
    let (reports, code) = explain_text(
        " 'downloader/response_count': 7,\n 'finish_reason': 'closespider_itemcount',\n 'item_scraped_count': 3}\n",
    );
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["outcome"], "closespider_itemcount");
    assert_eq!(reports[0]["job"]["items"], 3);
    // Not the whole dump: a counter it does not show is unknown, not 0.
    assert!(reports[0]["job"]["errors"].is_null());
    assert!(reports[0]["notes"].to_string().contains("not whole"));
    assert_eq!(code, Some(0));
}

#[test]
fn a_dump_cut_at_the_end_keeps_what_it_shows() {
    let (reports, code) = explain_text(
        "2024-01-01 00:00:01 [scrapy.statscollectors] INFO: Dumping Scrapy stats:\n\
         {'downloader/response_count': 7,\n 'finish_reason': 'memusage_exceeded',\n 'item_scraped_count': 3,\n 'log_count/",
    );
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert_eq!(reports[0]["outcome"], "memusage_exceeded");
    assert_eq!(reports[0]["job"]["items"], 3);
    assert!(reports[0]["job"]["errors"].is_null());
    assert_eq!(code, Some(2));
}

#[test]
fn python_2_and_bytes_dumps_are_read() {
    for dump in [
        "{u'finish_reason': u'finished',\n u'item_scraped_count': 4,\n u'log_count/ERROR': 1}\n",
        "{b'finish_reason': b'finished',\n b'item_scraped_count': b'4',\n b'log_count/ERROR': b'1'}\n",
    ] {
        let text = format!("2024-01-01 00:00:01 [scrapy.statscollectors] INFO: Dumping Scrapy stats:\n{dump}");
        let (reports, code) = explain_text(&text);
        assert_eq!(reports[0]["outcome"], "finished", "{dump}");
        assert_eq!(reports[0]["job"]["items"], 4, "{dump}");
        assert_eq!(reports[0]["job"]["errors"], 1, "{dump}");
        assert_eq!(code, Some(1), "{dump}");
    }
}

#[test]
fn an_indented_paste_is_read() {
    let text = std::fs::read_to_string(real("2.19.0", "closespider_errorcount")).expect("fixture");
    let indented: String = text.lines().map(|l| format!("    {l}\n")).collect();
    let (reports, code) = explain_text(&indented);
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["outcome"], "closespider_errorcount");
    assert_eq!(code, Some(2));
}

// 9. Wording that differs by version, quoted as the log has it.

#[test]
fn start_failures_are_read_in_each_versions_words() {
    // Up to 2.17 such a run still ends `finished`: not OK, since the failure is hidden.
    let (report, code) = only("2.11.2", "start_error_iter");
    assert_eq!(report["outcome"], "finished");
    assert_eq!(report["severity"], "warning");
    assert!(
        notes(&report).contains("`Error while obtaining start requests"),
        "{}",
        notes(&report)
    );
    assert_eq!(code, Some(1));
    let (report, code) = only("2.19.0", "start_error_iter");
    assert_eq!(report["outcome"], "start_error");
    assert!(
        notes(&report).contains("`Error while reading start items and requests"),
        "{}",
        notes(&report)
    );
    assert_eq!(code, Some(2));
}

#[test]
fn no_quote_in_an_answer_to_a_real_log_is_empty() {
    // Twisted logs `CRITICAL: ` with nothing after it and the traceback on the lines
    // below: quoted as ``, the evidence said nothing.
    let mut read = 0;
    for version in VERSIONS {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/real")
            .join(version);
        for entry in std::fs::read_dir(&dir).expect("fixtures") {
            let path = entry.expect("entry").path();
            if path.extension().is_none_or(|e| e != "log") {
                continue;
            }
            for format in ["json", "human"] {
                let output = outcome()
                    .args(["explain", "--color", "never", "--format", format, "-i"])
                    .arg(&path)
                    .output()
                    .expect("runs");
                let text = stdout_of(&output);
                assert!(!text.contains("``"), "{}: {text}", path.display());
                read += 1;
            }
        }
    }
    assert!(read > 60, "{read} answers read");
    let (report, _) = only("2.11.2", "start_error");
    let evidence = report["findings"][0]["evidence"].to_string();
    assert!(
        evidence.contains("CRITICAL ×1: an empty message, first at line 41"),
        "{evidence}"
    );
}
