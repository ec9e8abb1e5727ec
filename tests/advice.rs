//! Advice that fits the crawl (issue 26): on every real log, no next step contradicts the
//! facts the same answer's JSON holds, and the steps come in the order of cause.

mod common;

use std::path::{Path, PathBuf};

use common::{outcome, squeezed, stdout_of};
use serde_json::Value;

fn real_logs() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    let mut logs = Vec::new();
    for version in ["2.11.2", "2.19.0"] {
        for entry in std::fs::read_dir(root.join(version)).expect("fixtures") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "log") {
                logs.push(path);
            }
        }
    }
    logs.sort();
    logs
}

fn real(version: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(version)
        .join(format!("{name}.log"))
}

/// The card's numbered steps, each on one line.
fn card_steps(card: &str) -> Vec<String> {
    let mut steps: Vec<String> = Vec::new();
    let mut inside = false;
    for line in card.lines() {
        if line == "Next steps" {
            inside = true;
            continue;
        }
        if !inside {
            continue;
        }
        if line.trim().is_empty() || !line.starts_with(' ') {
            break;
        }
        let text = squeezed(line.trim());
        let text = text.as_str();
        let numbered = text
            .split_once(". ")
            .filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        match numbered {
            Some((_, rest)) => steps.push(rest.to_string()),
            None => {
                if let Some(last) = steps.last_mut() {
                    last.push(' ');
                    last.push_str(text);
                }
            }
        }
    }
    steps
}

fn card_of(path: &Path) -> String {
    let output = outcome()
        .args(["explain", "--color", "never", "-i"])
        .arg(path)
        .env("COLUMNS", "100")
        .output()
        .expect("runs");
    stdout_of(&output)
}

fn answers_of(path: &Path) -> Vec<Value> {
    let output = outcome()
        .args(["explain", "--format", "json", "-i"])
        .arg(path)
        .output()
        .expect("runs");
    common::json_lines(&output)
}

/// The finding `id` of an answer; the test fails where it did not fire.
fn finding_of(answer: &Value, id: &str) -> Value {
    answer["findings"]
        .as_array()
        .and_then(|all| all.iter().find(|f| f["id"] == id))
        .cloned()
        .unwrap_or_else(|| panic!("no {id} in {answer}"))
}

/// Every step an answer's JSON gives: the outcome's and each finding's.
fn json_steps(answer: &Value) -> Vec<String> {
    let mut steps: Vec<String> = answer["next_steps"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(String::from))
        .collect();
    for finding in answer["findings"].as_array().into_iter().flatten() {
        steps.extend(
            finding["next_steps"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s.as_str().map(String::from)),
        );
    }
    steps
}

#[test]
fn no_step_on_a_real_log_contradicts_the_facts_of_its_answer() {
    let (mut no_pages, mut no_errors, mut not_cloud) = (0, 0, 0);
    for path in real_logs() {
        let answers = answers_of(&path);
        let card = card_of(&path);
        // Each crawl's card follows the one before; the steps of all are checked against
        // the facts each answer holds.
        let cards: Vec<&str> = card.split("\n\n\n").collect();
        let name = path.display();
        for (i, answer) in answers.iter().enumerate() {
            let job = &answer["job"];
            let mut steps = json_steps(answer);
            if answers.len() == 1 {
                steps.extend(card_steps(&card));
            } else if let Some(card) = cards.get(i) {
                steps.extend(card_steps(card));
            }
            let said = |words: &str| steps.iter().find(|s| s.contains(words));
            if job["pages"] == 0 {
                no_pages += 1;
                for words in ["Open a crawled page", "Open one of those pages"] {
                    assert_eq!(said(words), None, "{name}: 0 pages");
                }
            }
            if job["errors"] == 0 {
                no_errors += 1;
                for words in ["Look for ERROR and CRITICAL lines", "SPIDERMON_MAX_ERRORS"] {
                    assert_eq!(said(words), None, "{name}: 0 errors");
                }
            }
            let cloud_key = job["key"].as_str().is_some_and(|k| {
                k.split('/').count() == 3 && k.split('/').all(|p| p.parse::<u64>().is_ok())
            });
            if !cloud_key {
                not_cloud += 1;
                assert_eq!(said("shub "), None, "{name}: not a Scrapy Cloud job");
                assert_eq!(said("On Scrapy Cloud"), None, "{name}");
            }
        }
    }
    // The checks above had crawls to hold for.
    assert!(no_pages >= 3, "{no_pages} crawls with 0 pages");
    assert!(no_errors >= 10, "{no_errors} crawls with 0 errors");
    assert!(not_cloud >= 60, "{not_cloud} crawls off Scrapy Cloud");
}

#[test]
fn what_made_the_verdict_comes_first() {
    // The outcome decided: its own steps lead.
    for (version, name, first_words) in [
        ("2.19.0", "start_error", "Error while reading start items"),
        ("2.19.0", "memusage", "what grows with the crawl"),
        ("2.11.2", "memusage", "what grows with the crawl"),
        ("2.19.0", "closespider_errorcount", "first tracebacks"),
    ] {
        let steps = card_steps(&card_of(&real(version, name)));
        assert!(
            steps.first().is_some_and(|s| s.contains(first_words)),
            "{version}/{name}: {steps:#?}"
        );
    }
    // A finding decided: its steps lead, the outcome's general advice comes last.
    for (version, name, first_words) in [
        ("2.19.0", "blocked", "Fetch a refused URL"),
        ("2.19.0", "download_errors", "The exception types say which"),
        ("2.19.0", "feed_store_failed", "Error storing"),
    ] {
        let steps = card_steps(&card_of(&real(version, name)));
        assert!(
            steps.first().is_some_and(|s| s.contains(first_words)),
            "{version}/{name}: {steps:#?}"
        );
        assert!(
            steps
                .last()
                .is_some_and(|s| s.contains("Check the item count against")),
            "{version}/{name}: the outcome's general step last: {steps:#?}"
        );
    }
}

#[test]
fn the_card_does_not_ask_for_what_it_already_says() {
    for (version, name, asked) in [
        ("2.19.0", "memusage", "Compare memusage/max"),
        ("2.11.2", "memusage", "Compare memusage/max"),
        (
            "2.19.0",
            "timeout_feed_failed",
            "Compare the run's elapsed time",
        ),
        ("2.19.0", "sigterm", "Look for `Received SIGTERM"),
    ] {
        let card = squeezed(&card_of(&real(version, name)));
        assert!(!card.contains(asked), "{version}/{name}: {card}");
    }
    // Where the facts are not known, the step is the way to learn them.
    let output = outcome()
        .args(["explain", "--color", "never", "memusage_exceeded"])
        .output()
        .expect("runs");
    assert!(stdout_of(&output).contains("Compare memusage/max"));
}

#[test]
fn an_outcomes_own_error_line_is_not_an_error_of_the_crawl() {
    // The memory extension and the start error each log one ERROR line of their own.
    for (version, name) in [
        ("2.19.0", "memusage"),
        ("2.19.0", "start_error"),
        ("2.19.0", "start_error_iter"),
    ] {
        let answers = answers_of(&real(version, name));
        let ids: Vec<&str> = answers[0]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["id"].as_str())
            .collect();
        assert!(!ids.contains(&"errors_logged"), "{version}/{name}: {ids:?}");
        // The exception start() raised is no callback's.
        assert!(
            !ids.contains(&"spider_exceptions"),
            "{version}/{name}: {ids:?}"
        );
    }
    // Scrapy 2.11 logs the memory line at every check until the process ends, and then
    // fails to stop an engine that is not running: those two are the crawl's.
    let answers = answers_of(&real("2.11.2", "memusage"));
    let finding = finding_of(&answers[0], "errors_logged");
    assert_eq!(finding["value"], 2.0, "{finding}");
    assert!(finding["evidence"][0]
        .as_str()
        .expect("evidence")
        .contains("20 of them the memory extension's own shutdown lines"));
    // A record: the one line is the extension's, further errors are the crawl's.
    let record = |errors: u64| {
        format!(
            r#"{{"close_reason":"memusage_exceeded","scrapystats":{{"finish_reason":"memusage_exceeded","log_count/ERROR":{errors},"item_scraped_count":5}}}}"#
        )
    };
    let (alone, _) = common::explain_json(record(1).as_bytes());
    assert!(
        !alone[0].to_string().contains("errors_logged"),
        "{}",
        alone[0]
    );
    let (more, _) = common::explain_json(record(3).as_bytes());
    let finding = finding_of(&more[0], "errors_logged");
    assert_eq!(finding["value"], 2.0, "{finding}");
    assert!(finding["evidence"][0]
        .as_str()
        .expect("evidence")
        .contains("1 of them the memory extension's own shutdown line"));
}

#[test]
fn a_url_the_log_names_fills_the_command_that_needs_one() {
    let json_steps_of =
        |version: &str, name: &str| json_steps(&answers_of(&real(version, name))[0]);
    // A request the site refused, from its `Gave up retrying ... 429` line.
    let steps = json_steps_of("2.19.0", "blocked");
    let fetch = steps
        .iter()
        .find(|s| s.starts_with("Fetch a refused URL"))
        .expect("the fetch step");
    assert!(
        fetch.contains("`scrapy fetch 'http://127.0.0.1:") && fetch.contains("/status/429?"),
        "{fetch}"
    );
    // A page whose callback raised, from its `Spider error processing` line.
    for name in ["errors", "closespider_errorcount"] {
        let steps = json_steps_of("2.19.0", name);
        assert!(
            steps
                .iter()
                .any(|s| s.contains("'http://127.0.0.1:") && s.contains("/item/")),
            "{name}: {steps:#?}"
        );
    }
    // The callback that raised on that page, from the same error's traceback.
    for version in ["2.11.2", "2.19.0"] {
        let steps = json_steps_of(version, "errors");
        assert!(
            steps
                .iter()
                .any(|s| s
                    .contains("`scrapy parse --spider SPIDER -c parse_page 'http://127.0.0.1:")),
            "{version}: {steps:#?}"
        );
    }
    // Where nothing names one, the placeholder stays.
    let (answers, _) = common::explain_json(
        br#"{"close_reason":"finished","scrapystats":{"finish_reason":"finished","item_scraped_count":3,"log_count/ERROR":0,"downloader/response_status_count/200":2,"downloader/response_status_count/403":8}}"#,
    );
    let steps = json_steps(&answers[0]);
    assert!(
        steps.iter().any(|s| s.contains("`scrapy fetch URL`")),
        "{steps:#?}"
    );
}

#[test]
fn a_step_is_left_out_only_where_the_fact_that_contradicts_it_is_known() {
    let steps_of = |text: &str| {
        let (answers, _) = common::explain_json(text.as_bytes());
        json_steps(&answers[0])
    };
    let with_errors = |key: &str| {
        format!(
            r#"{{{key}"close_reason":"finished","scrapystats":{{"finish_reason":"finished","item_scraped_count":3,"log_count/ERROR":4}}}}"#
        )
    };
    let cloud = |steps: &[String]| steps.iter().any(|s| s.starts_with("On Scrapy Cloud"));
    // A Scrapy Cloud key: its dashboard and shub are the way to the log.
    assert!(cloud(&steps_of(&with_errors(r#""key":"123/4/56","#))));
    // Another key (Scrapyd's, a scheduler's): they are not.
    assert!(!cloud(&steps_of(&with_errors(r#""key":"local-run-7","#))));
    // No key and no log: nothing says where it ran, so the step stays.
    assert!(cloud(&steps_of(&with_errors(""))));
    // A whole dump without item_dropped_count dropped nothing; pages were crawled.
    let answers = answers_of(&real("2.19.0", "zero_items"));
    let steps = json_steps(&answers[0]);
    assert!(answers[0]["job"]["pages"].as_u64() > Some(0));
    assert!(
        steps
            .iter()
            .all(|s| !s.starts_with("If no page was crawled either")),
        "{steps:#?}"
    );
    // No page was crawled (every request refused): that step is the one.
    let refused = json_steps(&answers_of(&real("2.19.0", "refused"))[0]);
    assert!(
        refused
            .iter()
            .any(|s| s.starts_with("If no page was crawled either")),
        "{refused:#?}"
    );
    assert!(
        steps
            .iter()
            .all(|s| !s.starts_with("If items were yielded but dropped")),
        "{steps:#?}"
    );
    // The run time is shown but CLOSESPIDER_TIMEOUT is not (set in code, not in Overridden
    // settings): comparing them is still the way to confirm it.
    let log = "2024-01-01 00:00:00 [scrapy.utils.log] INFO: Scrapy 2.19.0 started (bot: b)\n\
2024-01-01 00:00:00 [scrapy.crawler] INFO: Overridden settings:\n{'BOT_NAME': 'b'}\n\
2024-01-01 00:00:01 [scrapy.core.engine] INFO: Spider opened\n\
2024-01-01 01:00:01 [scrapy.core.engine] INFO: Closing spider (closespider_timeout)\n\
2024-01-01 01:00:01 [scrapy.statscollectors] INFO: Dumping Scrapy stats:\n\
{'elapsed_time_seconds': 3600.0,\n 'finish_reason': 'closespider_timeout',\n 'item_scraped_count': 9,\n 'log_count/ERROR': 0}\n\
2024-01-01 01:00:01 [scrapy.core.engine] INFO: Spider closed (closespider_timeout)\n";
    let steps = steps_of(log);
    assert!(
        steps
            .iter()
            .any(|s| s.starts_with("Compare the run's elapsed time")),
        "{steps:#?}"
    );
    // CLOSESPIDER_TIMEOUT is shown but the run time is not (no stats dump).
    let no_dump = log
        .lines()
        .filter(|l| !l.contains("Dumping") && !l.starts_with('{') && !l.starts_with(' '))
        .map(|l| l.replace("{'BOT_NAME': 'b'}", ""))
        .collect::<Vec<_>>()
        .join("\n")
        .replace(
            "Overridden settings:",
            "Overridden settings:\n{'BOT_NAME': 'b', 'CLOSESPIDER_TIMEOUT': 3600}",
        );
    let steps = steps_of(&no_dump);
    assert!(
        steps
            .iter()
            .any(|s| s.starts_with("Compare the run's elapsed time")),
        "{no_dump}\n{steps:#?}"
    );
    // The memory peak is known, the limit is not: comparing them is still the step.
    let steps = steps_of(
        r#"{"close_reason":"memusage_exceeded","scrapystats":{"finish_reason":"memusage_exceeded","memusage/max":400000000,"item_scraped_count":3}}"#,
    );
    assert!(
        steps.iter().any(|s| s.starts_with("Compare memusage/max")),
        "{steps:#?}"
    );
}

#[test]
fn only_a_crawl_whose_requests_failed_is_told_they_did() {
    let failed = "the first requests failed";
    // Every request refused (real Scrapy, both versions): the card and the JSON say it.
    for version in ["2.11.2", "2.19.0"] {
        let path = real(version, "refused");
        let answers = answers_of(&path);
        assert_eq!(answers[0]["job"]["pages"], 0, "{version}");
        let steps = json_steps(&answers[0]);
        assert!(steps.iter().any(|s| s.contains(failed)), "{steps:#?}");
        let card = card_steps(&card_of(&path));
        assert!(card.iter().any(|s| s.contains(failed)), "{card:#?}");
    }
    // The memory limit stopped the crawl before its first response: nothing failed, and
    // the only ERROR line is the memory extension's own.
    for version in ["2.11.2", "2.19.0"] {
        let path = real(version, "memusage");
        let answers = answers_of(&path);
        let mut steps = json_steps(&answers[0]);
        steps.extend(card_steps(&card_of(&path)));
        assert!(!steps.iter().any(|s| s.contains(failed)), "{steps:#?}");
    }
    let steps_of = |reason: &str, errors: u64| {
        let record = format!(
            r#"{{"close_reason":"{reason}","scrapystats":{{"finish_reason":"{reason}","item_scraped_count":0,"log_count/ERROR":{errors}}}}}"#
        );
        let (answers, _) = common::explain_json(record.as_bytes());
        json_steps(&answers[0])
    };
    let told =
        |reason: &str, errors: u64| steps_of(reason, errors).iter().any(|s| s.contains(failed));
    // Errors and no page, in a crawl that ran its course (or closed for a reason of its own).
    assert!(told("finished", 3));
    assert!(told("my_own_stop", 3));
    // No error: no request failed (there were none, or they were filtered).
    assert!(!told("finished", 0));
    // Stopped from outside before any response came: the requests may never have been
    // answered.
    for reason in [
        "shutdown",
        "cancelled",
        "closespider_timeout",
        "killed by oom",
        "memusage_exceeded",
    ] {
        assert!(!told(reason, 3), "{reason}");
    }
    // The memory extension's one line is its own: a second one is the crawl's.
    assert!(!told("memusage_exceeded", 1));
}
