//! Reading what people paste, and saying only what is true of it (issue 25): texts that
//! are logs however they arrive (quoted, wrapped, without a header), shutdown evidence
//! without a close line. Hand-written cases are pastes; where Scrapy can write the case
//! itself, the real log is read (tests/fixtures/real/).

mod common;

use std::path::PathBuf;

use common::explain_json as answers;
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
        let wrappers: [Wrap; 3] = [
            ("celery", &|l| {
                format!("[2022-03-12 19:44:57,512: WARNING/MainProcess] {l}")
            }),
            ("docker", &|l| format!("2024-01-01T00:00:00.123456789Z {l}")),
            ("kubectl", &|l| format!("[pod/shop-7d9/crawler] {l}")),
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
    let wrappers: [Wrap; 4] = [
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
