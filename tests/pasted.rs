//! Reading what people paste, and saying only what is true of it (issue 25): texts that
//! are logs however they arrive (quoted, wrapped, without a header), shutdown evidence
//! without a close line. Hand-written cases are pastes; where Scrapy can write the case
//! itself, the real log is read (tests/fixtures/real/).

mod common;

use std::path::PathBuf;

use common::{explain_json as answers, moved_back};
use serde_json::Value;

fn real(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real/2.19.0")
        .join(format!("{name}.log"))
}

/// What a wrapper (Celery, docker, journald, kubectl) puts before each line.
type Wrap<'w> = (&'w str, &'w dyn Fn(&str) -> String);

#[test]
fn a_memory_shutdown_without_a_close_line_is_memusage_exceeded_inferred() {
    // The real Scrapy with LOG_LEVEL=ERROR: the memory line is all the log holds.
    let real_log = std::fs::read(real("memusage_level_error")).expect("fixture");
    let killed_after = b"2024-01-01 00:00:00 [scrapy.utils.log] INFO: Scrapy 2.19.0 started (bot: b)\n\
2024-01-01 00:00:01 [scrapy.core.engine] INFO: Spider opened\n\
2024-01-01 00:01:01 [scrapy.extensions.memusage] ERROR: Memory usage exceeded 512MiB. Shutting down Scrapy...\n\
2024-01-01 00:01:01 [scrapy.extensions.memusage] INFO: Memory usage at shutdown: 530MiB\n"
        .to_vec();
    let old_wording = b"2016-05-01 10:00:00 [scrapy] ERROR: Memory usage exceeded 2048M. Shutting down Scrapy...\n".to_vec();
    for (label, log, limit) in [
        ("real, LOG_LEVEL=ERROR", real_log, 20u64),
        ("killed before closing", killed_after, 512),
        ("Scrapy 1.x wording", old_wording, 2048),
    ] {
        let (reports, code) = answers(&log);
        assert_eq!(reports.len(), 1, "{label}");
        let report = &reports[0];
        assert_eq!(report["outcome"], "memusage_exceeded", "{label}: {report}");
        assert_eq!(report["matched"], "inferred", "{label}");
        assert_eq!(
            report["input"],
            Value::Null,
            "{label}: no reason was written"
        );
        assert_eq!(report["severity"], "critical", "{label}");
        assert_eq!(code, Some(2), "{label}");
        assert_eq!(
            report["job"]["memory_limit_bytes"],
            limit * 1024 * 1024,
            "{label}"
        );
        let notes = report["notes"].to_string();
        assert!(notes.contains("is inferred from"), "{label}: {notes}");
        assert_eq!(
            notes.matches("Memory usage exceeded").count(),
            1,
            "{label}: said once: {notes}"
        );
    }
    // A run that closed keeps the engine's reason, by name.
    let (reports, _) = answers(&std::fs::read(real("memusage")).expect("fixture"));
    assert_eq!(reports[0]["matched"], "exact");
    assert_eq!(reports[0]["outcome"], "memusage_exceeded");
}

/// A real log as a Markdown quote, a nested quote, each line in an inline code span.
fn pasted_forms(log: &str) -> Vec<(&'static str, String)> {
    let each =
        |f: &dyn Fn(&str) -> String| log.lines().map(f).collect::<Vec<_>>().join("\n") + "\n";
    vec![
        ("quoted", each(&|l| format!("> {l}"))),
        ("quoted twice", each(&|l| format!("> > {l}"))),
        ("quoted, no space", each(&|l| format!(">{l}"))),
        ("indented quote", each(&|l| format!("  > {l}"))),
        (
            "code spans",
            each(&|l| {
                if l.trim().is_empty() {
                    String::new()
                } else {
                    format!("`{l}`")
                }
            }),
        ),
    ]
}

#[test]
fn a_pasted_log_reads_as_the_log_itself() {
    for name in ["blocked", "errors", "closespider_itemcount", "sigint"] {
        let log = std::fs::read_to_string(real(name)).expect("fixture");
        let (plain, plain_code) = answers(log.as_bytes());
        for (form, text) in pasted_forms(&log) {
            let (pasted, code) = answers(text.as_bytes());
            assert_eq!(
                pasted.len(),
                plain.len(),
                "{name} {form}: one answer per crawl"
            );
            assert_eq!(code, plain_code, "{name} {form}");
            for (a, b) in pasted.iter().zip(&plain) {
                for field in ["outcome", "severity", "deciding", "matched"] {
                    assert_eq!(a[field], b[field], "{name} {form}: {field}");
                }
                assert_eq!(a["job"]["items"], b["job"]["items"], "{name} {form}");
                assert_eq!(a["job"]["errors"], b["job"]["errors"], "{name} {form}");
                assert_eq!(a["source"]["line"], b["source"]["line"], "{name} {form}");
            }
        }
    }
}

#[test]
fn a_traceback_pasted_alone_is_read_as_one_and_said_for_what_it_is() {
    let deferred = "Unhandled error in Deferred:\n\
Traceback (most recent call last):\n  File \"/usr/lib/python3/dist-packages/scrapy/crawler.py\", line 172, in crawl\n    return self._crawl(crawler, *args, **kwargs)\n\
builtins.ModuleNotFoundError: No module named 'shop.pipelines'\n";
    let interrupted = "^CTraceback (most recent call last):\n  File \"/usr/bin/scrapy\", line 8, in <module>\n    sys.exit(execute())\n  File \"/usr/lib/python3/dist-packages/twisted/internet/base.py\", line 1318, in run\n    self.mainLoop()\nKeyboardInterrupt\n";
    let callback = "Traceback (most recent call last):\n  File \"/srv/shop/spiders/books.py\", line 38, in parse_page\n    price = response.css('.price::text').get().strip()\nAttributeError: 'NoneType' object has no attribute 'strip'\n";
    for (label, text, matched, code) in [
        ("Twisted's unhandled error", deferred, "failed_to_start", 2),
        ("Ctrl-C", interrupted, "never_closed", 3),
        ("a callback's traceback", callback, "never_closed", 3),
    ] {
        for (form, text) in [
            ("plain", text.to_string()),
            ("quoted", format!("> {}", text.replace('\n', "\n> "))),
        ] {
            let (reports, status) = answers(text.as_bytes());
            assert_eq!(
                reports.len(),
                1,
                "{label} {form}: one answer, not one per line"
            );
            let report = &reports[0];
            assert_eq!(report["matched"], matched, "{label} {form}: {report}");
            assert_eq!(status, Some(code), "{label} {form}");
            let notes = report["notes"].to_string();
            assert!(
                notes.contains("the first traceback ends with"),
                "{label}: {notes}"
            );
            // Nothing the text cannot show.
            assert!(!notes.contains("no INFO line"), "{label}: {notes}");
            if matched == "never_closed" {
                assert!(!notes.contains("never opened"), "{label}: {notes}");
            }
        }
    }
    let (reports, _) = answers(interrupted.as_bytes());
    assert!(reports[0]["notes"].to_string().contains("Ctrl-C"));
}

#[test]
fn a_wrapped_excerpt_without_its_header_is_learnt_from_the_engines_lines() {
    for name in ["blocked", "closespider_itemcount", "sigint", "clean"] {
        let log = std::fs::read_to_string(real(name)).expect("fixture");
        let lines: Vec<&str> = log.lines().collect();
        let opened = lines
            .iter()
            .position(|l| l.contains("Spider opened"))
            .expect("opened");
        let excerpt = &lines[opened..];
        let (plain, plain_code) = answers((excerpt.join("\n") + "\n").as_bytes());
        // What Celery, docker -t and kubectl --prefix put before each line.
        let wrappers: [Wrap; 6] = [
            ("celery", &|l| {
                format!("[2022-03-12 19:44:57,512: WARNING/MainProcess] {l}")
            }),
            ("docker", &|l| format!("2024-01-01T00:00:00.123456789Z {l}")),
            ("kubectl", &|l| format!("[pod/shop-7d9/crawler] {l}")),
            ("journald", &|l| {
                format!("Jan 01 00:00:00 host scrapy[4242]: {l}")
            }),
            ("colour", &|l| format!("\u{1b}[32m{l}\u{1b}[0m")),
            ("arrow", &|l| format!("scrapy -> {l}")),
        ];
        for (wrapper, wrap) in wrappers {
            let text = excerpt
                .iter()
                .map(|l| wrap(l))
                .collect::<Vec<_>>()
                .join("\n")
                + "\n";
            let (wrapped, code) = answers(text.as_bytes());
            assert_eq!(wrapped.len(), plain.len(), "{name} {wrapper}");
            assert_eq!(code, plain_code, "{name} {wrapper}");
            for (a, b) in wrapped.iter().zip(&plain) {
                assert_eq!(a["outcome"], b["outcome"], "{name} {wrapper}: {a}");
                assert_eq!(a["severity"], b["severity"], "{name} {wrapper}");
            }
        }
    }
    // Celery's own formatter in place of Scrapy's: no logger at all before the message.
    let celery = "[2021-09-08 03:10:00,100: INFO/ForkPoolWorker-4] Spider opened\n\
[2021-09-08 03:10:00,380: INFO/ForkPoolWorker-4] Closing spider (closespider_timeout)\n\
[2021-09-08 03:10:00,380: INFO/ForkPoolWorker-4] Spider closed (closespider_timeout)\n";
    let (reports, code) = answers(celery.as_bytes());
    assert_eq!(reports[0]["outcome"], "closespider_timeout");
    assert_eq!(code, Some(1));
    // A spider's own logger saying the words is still not the engine.
    let spider = "2024-01-01 00:00:00 [books] INFO: Spider closed (banned)\n";
    let (reports, _) = answers(spider.as_bytes());
    assert_ne!(reports[0]["outcome"], "banned");
}

#[test]
fn a_wrapped_logs_stats_dump_is_read_through_the_wrapper() {
    let wrappers: [Wrap; 7] = [
        ("arrow", &|l| format!("scrapy -> {l}")),
        ("docker compose", &|l| format!("crawler-1  | {l}")),
        ("foreman", &|l| format!("10:00:00 crawl.1 | {l}")),
        ("docker", &|l| format!("2026-11-24T01:34:47.123456789Z {l}")),
        ("journald", &|l| {
            format!("Nov 24 01:34:47 host scrapy[4242]: {l}")
        }),
        ("celery", &|l| {
            format!("[2021-09-08 03:10:00,380: WARNING/ForkPoolWorker-4] {l}")
        }),
        ("kubectl", &|l| {
            format!("[pod/crawler-7d9f/scrapy] 2026-11-24T01:34:47.123Z {l}")
        }),
    ];
    for name in ["blocked", "clean", "items_dropped", "memusage"] {
        let log = std::fs::read_to_string(real(name)).expect("fixture");
        let (plain, _) = answers(log.as_bytes());
        for (wrapper, wrap) in wrappers {
            let text: String = log.lines().map(|l| wrap(l) + "\n").collect();
            let (wrapped, _) = answers(text.as_bytes());
            assert_eq!(wrapped.len(), 1, "{name} {wrapper}");
            let (a, b) = (&wrapped[0], &plain[0]);
            assert!(
                !a["notes"].to_string().contains("could not be read"),
                "{name} {wrapper}: {}",
                a["notes"]
            );
            for field in ["outcome", "severity", "deciding"] {
                assert_eq!(a[field], b[field], "{name} {wrapper}: {field}");
            }
            for field in ["items", "errors", "pages", "counts_from"] {
                assert_eq!(
                    a["job"][field], b["job"][field],
                    "{name} {wrapper}: {field}"
                );
            }
        }
    }
}

#[test]
fn an_excerpt_that_stops_while_closing_is_not_ok_and_says_why() {
    let closing = "2024-01-01 00:00:05 [scrapy.core.engine] INFO: Closing spider (finished)\n";
    let dump = "2024-01-01 00:00:05 [scrapy.statscollectors] INFO: Dumping Scrapy stats:\n\
{'finish_reason': 'finished',\n 'item_scraped_count': 3,\n 'log_count/INFO': 9}\n";
    for (label, text) in [
        ("close line alone", closing.to_string()),
        ("with its dump", format!("{closing}{dump}")),
        ("quoted", format!("> {closing}")),
    ] {
        let (reports, code) = answers(text.as_bytes());
        let report = &reports[0];
        assert_eq!(report["severity"], "warning", "{label}: {report}");
        assert_eq!(report["deciding"], "close_incomplete", "{label}");
        assert_eq!(code, Some(1), "{label}");
        let evidence = report["findings"].to_string();
        assert!(
            evidence.contains("the text is an excerpt"),
            "{label}: {evidence}"
        );
        assert!(
            !evidence.contains("the log is whole"),
            "{label}: {evidence}"
        );
    }
    // With `Spider closed` after it, the close was done.
    let (reports, _) = answers(
        format!(
            "{closing}2024-01-01 00:00:05 [scrapy.core.engine] INFO: Spider closed (finished)\n"
        )
        .as_bytes(),
    );
    assert_ne!(reports[0]["deciding"], "close_incomplete");
}

#[test]
fn a_dump_without_log_counts_is_not_said_to_prove_logcount_was_off() {
    // Cut, or LOG_LEVEL above the lines counted: the dump alone cannot tell which.
    let dump = "{'finish_reason': 'finished', 'item_scraped_count': 3}\n";
    let (reports, _) = answers(dump.as_bytes());
    let findings = reports[0]["findings"].to_string();
    assert!(!findings.contains("log counting was off"), "{findings}");
    assert!(findings.contains("do not count the errors"), "{findings}");
    assert_eq!(reports[0]["job"]["errors"], Value::Null);
}

#[test]
fn a_dump_without_finish_reason_has_no_close_reason_not_an_empty_one() {
    for (label, text) in [
        ("a dump alone", "{'item_scraped_count': 3, 'log_count/ERROR': 0}\n".to_string()),
        (
            "an excerpt's dump",
            "2024-01-01 00:00:05 [scrapy.statscollectors] INFO: Dumping Scrapy stats:\n{'item_scraped_count': 3,\n 'log_count/ERROR': 0}\n".to_string(),
        ),
        ("quoted", "> {'item_scraped_count': 3, 'log_count/ERROR': 0}\n".to_string()),
    ] {
        let (reports, code) = answers(text.as_bytes());
        let report = &reports[0];
        assert_eq!(report["matched"], "no_outcome", "{label}: {report}");
        assert_eq!(report["outcome"], Value::Null, "{label}");
        assert_eq!(report["input"], Value::Null, "{label}");
        assert_eq!(code, Some(3), "{label}");
        let notes = report["notes"].to_string();
        assert!(notes.contains("no close reason in the text"), "{label}: {notes}");
        assert!(!notes.contains("the reason comes from the stats dump"), "{label}: {notes}");
        assert!(!report.to_string().contains("``"), "{label}");
    }
    // With a finish_reason, the dump gives the reason.
    let (reports, _) =
        answers(b"{'finish_reason': 'closespider_timeout', 'item_scraped_count': 3}\n");
    assert_eq!(reports[0]["outcome"], "closespider_timeout");
}

/// A log as a console window `width` columns wide copies it: each line longer than the
/// window in rows of `width` characters, without the spaces that ended a row.
fn cut_by_console(log: &str, width: usize) -> String {
    let mut rows = Vec::new();
    for line in log.lines() {
        let chars: Vec<char> = line.chars().collect();
        if chars.is_empty() {
            rows.push(String::new());
        }
        for row in chars.chunks(width) {
            rows.push(row.iter().collect::<String>().trim_end().to_string());
        }
    }
    rows.join("\r\n") + "\r\n"
}

#[test]
fn a_log_copied_from_a_console_that_cut_its_lines_reads_as_the_log() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    for width in [80, 120] {
        let mut compared = 0;
        for version in ["2.11.2", "2.19.0"] {
            let mut names: Vec<PathBuf> = std::fs::read_dir(root.join(version))
                .expect("fixtures")
                .map(|entry| entry.expect("entry").path())
                .filter(|path| path.extension().is_some_and(|e| e == "log"))
                .collect();
            names.sort();
            for path in names {
                let log = std::fs::read_to_string(&path).expect("fixture");
                // A line or two cut do not tell a cut text from a log with long lines of
                // one length; every other real log has more.
                if log.lines().filter(|l| l.chars().count() > width).count() < 3 {
                    continue;
                }
                let (plain, plain_code) = answers(log.as_bytes());
                let (cut, code) = answers(cut_by_console(&log, width).as_bytes());
                let name = format!("{version}/{} at {width}", path.display());
                assert_eq!(code, plain_code, "{name}");
                assert_eq!(cut.len(), plain.len(), "{name}");
                for (a, b) in cut.iter().zip(&plain) {
                    // Line numbers aside: a joined line is numbered by its first row.
                    assert_eq!(moved_back(a, u64::MAX), moved_back(b, u64::MAX), "{name}");
                }
                compared += 1;
            }
        }
        assert!(compared >= 40, "{compared} logs compared at {width}");
    }
}

#[test]
fn a_joined_line_is_numbered_by_the_row_it_starts_on() {
    let log = "2024-01-01 00:00:00 [scrapy.core.engine] INFO: Spider opened\n\
2024-01-01 00:00:01 [scrapy.downloadermiddlewares.retry] ERROR: Gave up retrying <GET https://example.com/a/long/path/to/page/1> (failed 3 times): 503 Service Unavailable\n\
2024-01-01 00:00:02 [scrapy.downloadermiddlewares.retry] ERROR: Gave up retrying <GET https://example.com/a/long/path/to/page/2> (failed 3 times): 503 Service Unavailable\n\
2024-01-01 00:00:03 [scrapy.core.engine] INFO: Closing spider (closespider_errorcount)\n\
2024-01-01 00:00:03 [scrapy.core.engine] INFO: Spider closed (closespider_errorcount)\n";
    let (reports, code) = answers(cut_by_console(log, 80).as_bytes());
    assert_eq!(reports.len(), 1);
    let report = &reports[0];
    assert_eq!(report["outcome"], "closespider_errorcount", "{report}");
    assert_eq!(code, Some(2));
    // Rows: 1; 2-3; 4-5; 6-7; 8-9. The close line starts on row 8.
    assert_eq!(report["source"]["line"], 8, "{report}");
    let evidence = report.to_string();
    assert!(evidence.contains("first at line 2"), "{evidence}");
}

#[test]
fn a_log_that_only_has_lines_of_one_length_is_not_taken_for_a_cut_one() {
    // Every line as long as the longest, each a record of its own: nothing was cut.
    let mut log = String::from("2024-01-01 00:00:00 [scrapy.core.engine] INFO: Spider opened\n");
    for i in 0..30 {
        log.push_str(&format!(
            "2024-01-01 00:00:{i:02} [scrapy.core.engine] DEBUG: Crawled (200) <GET https://example.com/{i:02}> (referer: None)\n"
        ));
    }
    log.push_str("2024-01-01 00:00:59 [scrapy.core.engine] INFO: Closing spider (finished)\n");
    log.push_str("2024-01-01 00:00:59 [scrapy.core.engine] INFO: Spider closed (finished)\n");
    let (reports, _) = answers(log.as_bytes());
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["outcome"], "finished");
    assert_eq!(reports[0]["source"]["line"], 32);
}

#[test]
fn a_process_managers_prefix_is_read_on_every_line_of_a_traceback() {
    let log = std::fs::read_to_string(real("errors")).expect("fixture");
    let (plain, plain_code) = answers(log.as_bytes());
    let wrappers: [Wrap; 4] = [
        ("arrow", &|l| format!("scrapy -> {l}")),
        ("docker compose", &|l| format!("crawler-1  | {l}")),
        ("foreman", &|l| format!("10:00:00 crawl.1 | {l}")),
        ("journald", &|l| {
            format!("Nov 24 01:34:47 host scrapy[4242]: {l}")
        }),
    ];
    for (wrapper, wrap) in wrappers {
        let text: String = log.lines().map(|l| wrap(l) + "\n").collect();
        let (wrapped, code) = answers(text.as_bytes());
        assert_eq!(code, plain_code, "{wrapper}");
        assert_eq!(wrapped.len(), 1, "{wrapper}");
        let (a, b) = (&wrapped[0], &plain[0]);
        for field in ["outcome", "severity", "deciding", "matched"] {
            assert_eq!(a[field], b[field], "{wrapper}: {field}");
        }
        // The exception under the wrapper's prefix is named, with where it was raised.
        let evidence = a["findings"].to_string();
        assert!(
            evidence.contains("ValueError ×") && evidence.contains(" in parse_page"),
            "{wrapper}: {evidence}"
        );
        assert!(
            !evidence.contains("unnamed exception"),
            "{wrapper}: {evidence}"
        );
    }
}

#[test]
fn a_browser_driver_out_of_heap_is_a_crash_and_said_so() {
    // Node.js's words, as Playwright's and Puppeteer's drivers die of them (three wordings
    // of the failed allocation), in a log that ends there and in one that went on.
    let fatal = [
        "FATAL ERROR: CALL_AND_RETRY_LAST Allocation failed - JavaScript heap out of memory",
        "FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory",
        "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
    ];
    for words in fatal {
        let ended = format!(
            "2021-07-17 14:40:00 [scrapy.core.engine] INFO: Spider opened\n\
2021-07-17 14:47:48 [scrapy.core.engine] DEBUG: Crawled (200) <GET https://example.com/> (referer: None)\n\
{words}\n 1: 0xa18150 node::Abort() [/usr/lib/python3/site-packages/playwright/driver/node]\n"
        );
        let went_on = format!(
            "{ended}2021-07-17 14:50:00 [scrapy.core.engine] INFO: Closing spider (finished)\n\
2021-07-17 14:50:00 [scrapy.core.engine] INFO: Spider closed (finished)\n"
        );
        for (label, text, outcome) in [
            ("ended there", ended, Value::Null),
            ("closed later", went_on, Value::from("finished")),
        ] {
            let (reports, code) = answers(text.as_bytes());
            assert_eq!(reports.len(), 1, "{label}");
            let report = &reports[0];
            assert_eq!(report["outcome"], outcome, "{label}");
            assert_eq!(report["deciding"], "browser_crashed", "{label}: {report}");
            assert_eq!(report["severity"], "critical", "{label}");
            assert_eq!(code, Some(2), "{label}");
            let evidence = report["findings"][0]["evidence"].to_string();
            assert!(evidence.contains("line 3: `FATAL ERROR: "), "{evidence}");
            let steps = report["findings"][0]["next_steps"].to_string();
            assert!(steps.contains("page.close()"), "{steps}");
        }
    }
    // Scrapy's own memory limit is another matter, and a log that never met the words has
    // no such finding.
    let (reports, _) = answers(&std::fs::read(real("memusage")).expect("fixture"));
    assert!(!reports[0].to_string().contains("browser_crashed"));
}

#[test]
fn counts_a_text_does_not_show_are_unknown_on_the_card() {
    let clean = std::fs::read_to_string(real("clean")).expect("fixture");
    let lines: Vec<&str> = clean.lines().collect();
    let opened = lines
        .iter()
        .position(|l| l.contains("Spider opened"))
        .expect("opened");
    let card = |text: String| {
        let output = common::outcome()
            .args(["explain", "--color", "never"])
            .write_stdin(text)
            .output()
            .expect("runs");
        common::stdout_of(&output)
    };
    // Cut during start-up, at several points before the spider opened: the crawl may have
    // scraped anything after the cut.
    for cut in [2, 12, opened] {
        let text = lines[..cut].join("\n") + "\n";
        let (reports, _) = answers(text.as_bytes());
        assert_eq!(reports[0]["job"]["items"], Value::Null, "cut at {cut}");
        assert_eq!(reports[0]["job"]["errors"], Value::Null, "cut at {cut}");
        let shown = card(text);
        assert!(
            shown.contains("Counts     unknown: the text given does not show them"),
            "cut at {cut}: {shown}"
        );
        assert!(!shown.contains("0 items"), "cut at {cut}: {shown}");
    }
    // Once the spider opened, a whole log's own lines are its counts, and they are said
    // to be; a start that failed ended the process where its log ends.
    let text = lines[..=opened].join("\n") + "\n";
    let shown = card(text);
    assert!(
        shown.contains("0 items, 0 errors, from the log lines"),
        "{shown}"
    );
    let failed = lines[..12].join("\n")
        + "\nUnhandled error in Deferred:\n\
Traceback (most recent call last):\n  File \"/usr/lib/python3/dist-packages/scrapy/crawler.py\", line 172, in crawl\n    return self._crawl(crawler, *args, **kwargs)\n\
builtins.ModuleNotFoundError: No module named 'shop.pipelines'\n";
    let shown = card(failed);
    assert!(
        shown.contains("0 items, 0 errors, from the log lines"),
        "{shown}"
    );
}

#[test]
fn old_and_odd_log_shapes_are_one_log_each() {
    // Scrapy 0.2x without logger names; 0.2x with the spider's name and a UTC offset; a
    // log whose first lines are a Python warning; each a log, not a list of reasons.
    let no_logger = "2014-01-27 13:15:05 DEBUG Crawled (429) <GET http://www.example.com/a> (referer: None)\n\
2014-01-27 13:15:05 DEBUG Crawled (429) <GET http://www.example.com/b> (referer: None)\n\
2014-01-27 13:15:06 INFO Closing spider (finished)\n\
2014-01-27 13:15:06 INFO Dumping Scrapy stats:\n\
{'downloader/response_count': 2,\n 'downloader/response_status_count/429': 2,\n 'finish_reason': 'finished',\n 'log_count/DEBUG': 2}\n\
2014-01-27 13:15:06 INFO Spider closed (finished)\n";
    let spider_named =
        "2014-01-27 13:15:02+0100 [scrapy] INFO: Scrapy 0.22.0 started (bot: tutorial)\n\
2014-01-27 13:15:05+0100 [dmoz] ERROR: Spider error processing <GET http://www.example.com/a>\n\
2014-01-27 13:15:05+0100 [dmoz] INFO: Closing spider (closespider_errorcount)\n\
2014-01-27 13:15:05+0100 [dmoz] INFO: Spider closed (closespider_errorcount)\n";
    let warned_first = "/usr/lib/python3/dist-packages/scrapy/utils/request.py:254: ScrapyDeprecationWarning: '2.6' is a deprecated value for the 'REQUEST_FINGERPRINTER_IMPLEMENTATION' setting.\n\
  return cls(crawler)\n\
2023-05-01 10:00:00 [scrapy.core.engine] INFO: Spider opened\n\
2023-05-01 10:00:02 [scrapy.core.engine] INFO: Closing spider (finished)\n\
2023-05-01 10:00:02 [scrapy.core.engine] INFO: Spider closed (finished)\n";
    for (label, text, outcome, deciding, line) in [
        (
            "no logger",
            no_logger,
            "finished",
            Value::from("blocked_responses"),
            3,
        ),
        (
            "spider named",
            spider_named,
            "closespider_errorcount",
            Value::Null,
            3,
        ),
        ("warned first", warned_first, "finished", Value::Null, 4),
    ] {
        let (reports, _) = answers(text.as_bytes());
        assert_eq!(
            reports.len(),
            1,
            "{label}: one log, one answer: {reports:?}"
        );
        assert_eq!(reports[0]["outcome"], outcome, "{label}");
        assert_eq!(reports[0]["deciding"], deciding, "{label}");
        assert_eq!(reports[0]["source"]["line"], line, "{label}");
    }
}
