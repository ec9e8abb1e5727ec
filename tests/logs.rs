//! Scrapy logs of every era, stats dumps, Logs API lines, and user catalogs.

mod common;

use common::{fixture, json_lines, outcome, stderr_of, stdout_of};
use predicates::prelude::*;

fn explain_one(path: &str) -> (Option<i32>, serde_json::Value) {
    let output = outcome()
        .args(["explain", "--format", "json", "-i"])
        .arg(fixture(path))
        .output()
        .expect("runs");
    let items = json_lines(&output);
    assert_eq!(items.len(), 1, "{path}: {items:?}");
    (output.status.code(), items[0].clone())
}

fn notes(item: &serde_json::Value) -> String {
    item["notes"]
        .as_array()
        .map(|n| {
            n.iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .unwrap_or_default()
}

#[test]
fn current_log_with_stats_dump() {
    let (code, item) = explain_one("log_current.log");
    assert_eq!(code, Some(1));
    assert_eq!(item["outcome"], "closespider_timeout");
    let job = &item["job"];
    assert_eq!(job["items"], 1100);
    assert_eq!(job["pages"], 1190);
    assert_eq!(job["errors"], 0);
    assert_eq!(job["memory_peak_bytes"], 157286400);
    assert_eq!(job["run_seconds"], 1800.5);
    assert_eq!(job["finish_reason"], "closespider_timeout");
}

#[test]
fn a_spiders_own_look_alike_line_is_not_the_engine() {
    // log_current.log holds `Spider closed: shop because memusage_exceeded` first.
    let (_, item) = explain_one("log_current.log");
    assert_ne!(item["outcome"], "memusage_exceeded");
    let output = outcome()
        .args(["explain", "--format", "json"])
        .write_stdin("2026-01-01 00:00:00 [shop] INFO: Spider closed (memusage_exceeded)\n")
        .output()
        .expect("runs");
    assert_eq!(json_lines(&output)[0]["matched"], "never_closed");
}

#[test]
fn pre_1_3_short_logger_and_errors_in_stats() {
    let (code, item) = explain_one("log_old_1_0.log");
    assert_eq!(code, Some(1), "finished with errors is a warning");
    assert_eq!(item["outcome"], "finished");
    assert_eq!(item["job"]["errors"], 2);
    assert_eq!(item["job"]["items"], 42);
}

#[test]
fn zero_x_spider_stats_format() {
    let (code, item) = explain_one("log_0x.log");
    assert_eq!(code, Some(0));
    assert_eq!(item["outcome"], "closespider_pagecount");
    assert_eq!(item["job"]["items"], 77);
    assert_eq!(item["job"]["pages"], 101);
}

#[test]
fn first_engine_reason_wins_and_disagreement_is_shown() {
    let (code, item) = explain_one("log_disagree.log");
    assert_eq!(code, Some(1));
    assert_eq!(item["outcome"], "shutdown");
    let notes = notes(&item);
    assert!(
        notes.contains("later engine line says `finished`"),
        "{notes}"
    );
    assert_eq!(item["job"]["finish_reason"], "finished");
}

#[test]
fn a_log_that_never_closed_is_unknown_with_the_reason_why() {
    let (code, item) = explain_one("log_killed.log");
    assert_eq!(code, Some(3));
    assert_eq!(item["matched"], "never_closed");
    assert!(item["outcome"].is_null());
    assert!(
        notes(&item).contains("forcing unclean shutdown"),
        "{}",
        notes(&item)
    );
    outcome()
        .arg("explain")
        .arg("-i")
        .arg(fixture("log_killed.log"))
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "The log ends before the spider closed",
        ));
}

#[test]
fn start_error_line_is_pointed_out() {
    let (code, item) = explain_one("log_start_error.log");
    assert_eq!(code, Some(2));
    assert_eq!(item["outcome"], "start_error");
    assert!(notes(&item).contains("Error while reading start items"));
}

#[test]
fn logs_api_lines_are_read_like_a_log() {
    let (code, item) = explain_one("logs_api.jl");
    assert_eq!(code, Some(2));
    assert_eq!(item["outcome"], "memusage_exceeded");
    assert_eq!(item["job"]["memory_limit_bytes"], 950u64 * 1024 * 1024);
    assert_eq!(item["job"]["items"], 5120);
    assert_eq!(item["job"]["memory_limit_reached"], true);
    assert!(notes(&item).contains("limit 950 MiB"), "{}", notes(&item));
    // The entry's level is its own field: its ERROR record counts as the log's ERROR line.
    assert_eq!(item["job"]["log_lines"]["error"], 1, "{item}");
}

/// A log excerpt (no header, no stats dump: what a user pastes) from its lines.
fn excerpt(lines: &[String]) -> serde_json::Value {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let output = outcome()
        .args(["explain", "--format", "json"])
        .write_stdin(text)
        .output()
        .expect("runs");
    json_lines(&output)[0].clone()
}

fn finding(item: &serde_json::Value, id: &str) -> serde_json::Value {
    item["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["id"] == id))
        .cloned()
        .unwrap_or_else(|| panic!("no {id}: {item}"))
}

#[test]
fn an_excerpt_counts_its_own_failure_lines() {
    let at = "2026-11-24 01:59:02";
    let mut lines = vec![format!("{at} [scrapy.core.engine] INFO: Spider opened")];
    for i in 0..3 {
        lines.push(format!(
            "{at} [scrapy.core.scraper] ERROR: Spider error processing <GET http://a.example/{i}> (referer: None)"
        ));
    }
    for i in 0..2 {
        lines.push(format!(
            "{at} [scrapy.downloadermiddlewares.retry] ERROR: Gave up retrying <GET http://a.example/r{i}> (failed 3 times): 503 Service Unavailable"
        ));
    }
    lines.push(format!(
        "{at} [scrapy.core.engine] INFO: Closing spider (finished)"
    ));
    let item = excerpt(&lines);
    assert_eq!(finding(&item, "spider_exceptions")["value"], 3.0, "{item}");
    assert_eq!(finding(&item, "retries_exhausted")["value"], 2.0, "{item}");
}

#[test]
fn many_lines_of_one_kind_are_one_group_whatever_follows() {
    // 40 of one kind, more than the 32 kinds kept, then 2 of another: two groups, each
    // with its whole count, for ERROR lines and for the exceptions their tracebacks end in.
    let at = "2026-11-24 01:59:02";
    let mut lines = vec![format!("{at} [scrapy.core.engine] INFO: Spider opened")];
    let failure = |lines: &mut Vec<String>, message: &str, exception: &str| {
        lines.push(format!("{at} [proj] ERROR: {message}"));
        lines.push("Traceback (most recent call last):".to_string());
        lines.push("  File \"/p/proj/pipelines.py\", line 9, in process_item".to_string());
        lines.push(format!("{exception}: bad"));
    };
    for _ in 0..40 {
        failure(&mut lines, "cannot store the item", "ValueError");
    }
    for _ in 0..2 {
        failure(&mut lines, "cannot reach the store", "KeyError");
    }
    lines.push(format!(
        "{at} [scrapy.core.engine] INFO: Closing spider (finished)"
    ));
    let evidence = finding(&excerpt(&lines), "errors_logged")["evidence"].to_string();
    for said in [
        "ERROR ×40: `cannot store the item`",
        "ERROR ×2: `cannot reach the store`",
        "ValueError ×40",
        "KeyError ×2",
    ] {
        assert!(evidence.contains(said), "{said}: {evidence}");
    }
}

#[test]
fn a_stats_dump_pasted_alone() {
    let (code, item) = explain_one("stats_dump.txt");
    assert_eq!(code, Some(2));
    assert_eq!(item["outcome"], "closespider_errorcount");
    assert_eq!(item["job"]["errors"], 10);
    assert_eq!(item["job"]["run_seconds"], 12.5);
    let output = outcome()
        .args(["explain", "--format", "line"])
        .write_stdin("{'finish_reason': 'finished', 'item_scraped_count': 3}\n")
        .output()
        .expect("runs");
    assert_eq!(
        stdout_of(&output),
        "<stdin>:1\tfinished\tok\tThe spider ran out of work and closed normally\n"
    );
}

#[test]
fn a_log_with_a_scraped_item_first_is_still_a_log() {
    // Closed to the end: an excerpt that stops at `Closing spider` is a WARNING of its own.
    let input = "{'title': 'a book'}\n2020-01-01 00:00:00 [scrapy.core.engine] INFO: Closing spider (closespider_itemcount)\n2020-01-01 00:00:00 [scrapy.core.engine] INFO: Spider closed (closespider_itemcount)\n";
    let output = outcome()
        .args(["explain", "--format", "line"])
        .write_stdin(input)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout_of(&output).contains("closespider_itemcount"));
}

#[test]
fn a_user_catalog_adds_and_overrides() {
    let catalog = fixture("team_catalog.json");
    let output = outcome()
        .args([
            "explain",
            "login_failed",
            "cancelled",
            "--format",
            "json",
            "--catalog",
        ])
        .arg(&catalog)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let items = json_lines(&output);
    assert_eq!(items[0]["outcome"], "login_failed");
    assert_eq!(items[0]["severity"], "critical");
    assert_eq!(items[0]["title"], "The spider could not log in to the site");
    assert_eq!(items[0]["catalog"], catalog.display().to_string());
    assert_eq!(items[1]["severity"], "critical", "the override wins");
    assert!(items[1]["explanation"]
        .as_str()
        .expect("text")
        .contains("dashboard"));

    // The same through the environment, and `list` marks where entries come from.
    let output = outcome()
        .args(["list", "--format", "line"])
        .env("OUTCOME_CATALOG", &catalog)
        .output()
        .expect("runs");
    let text = stdout_of(&output);
    let login = text
        .lines()
        .find(|l| l.starts_with("login_failed\t"))
        .expect("listed");
    assert!(login.ends_with(&catalog.display().to_string()), "{login}");
    let finished = text
        .lines()
        .find(|l| l.starts_with("finished\t"))
        .expect("listed");
    assert!(finished.ends_with("\tbuiltin"));
}

#[test]
fn an_invalid_catalog_is_78_with_a_position() {
    let output = outcome()
        .args(["explain", "finished", "--catalog"])
        .arg(fixture("bad_catalog.json"))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(78));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("bad_catalog.json:3:"), "{stderr}");
    assert!(stderr.contains("severty"), "{stderr}");

    let output = outcome()
        .args(["explain", "finished", "--catalog"])
        .arg(fixture("incomplete_catalog.json"))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(78));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("incomplete_catalog.json:3:"), "{stderr}");
    assert!(stderr.contains("needs a `severity`"), "{stderr}");

    outcome()
        .args(["list", "--catalog", "/nonexistent/catalog.json"])
        .assert()
        .code(78)
        .stderr(predicate::str::contains("cannot read catalog"));
    outcome()
        .args(["explain", "x"])
        .env("OUTCOME_CATALOG", fixture("bad_catalog.json"))
        .assert()
        .code(78);
}

#[test]
fn a_catalog_alias_may_not_steal_another_entry() {
    let dir = std::env::temp_dir().join(format!("outcome-cat-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("clash.json");
    std::fs::write(
        &path,
        r#"{"outcomes": [{"name": "mine", "severity": "ok", "title": "t", "explanation": "e", "aliases": ["Finished"]}]}"#,
    )
    .expect("written");
    let output = outcome()
        .args(["explain", "x", "--catalog"])
        .arg(&path)
        .output()
        .expect("runs");
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(output.status.code(), Some(78));
    assert!(
        stderr_of(&output).contains("already names `finished`"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn exception_types_past_the_cap_are_counted_nowhere() {
    // 32 exception types once each, then a 33rd three times: only 32 types are kept, so
    // the 33rd is not listed, though it is the most frequent.
    let at = "2026-11-24 01:59:02";
    let mut lines = vec![format!("{at} [scrapy.core.engine] INFO: Spider opened")];
    let mut failure = |kind: &str| {
        lines.push(format!("{at} [proj] ERROR: cannot store the item"));
        lines.push("Traceback (most recent call last):".to_string());
        lines.push("  File \"/p/proj/pipelines.py\", line 9, in process_item".to_string());
        lines.push(format!("{kind}: bad"));
    };
    for i in 0..32u8 {
        failure(&format!(
            "Kind{}{}Error",
            char::from(b'A' + i / 26),
            char::from(b'A' + i % 26)
        ));
    }
    for _ in 0..3 {
        failure("LastKindError");
    }
    lines.push(format!(
        "{at} [scrapy.core.engine] INFO: Closing spider (finished)"
    ));
    let evidence = finding(&excerpt(&lines), "errors_logged")["evidence"].to_string();
    assert!(evidence.contains("KindAAError ×1"), "{evidence}");
    assert!(!evidence.contains("LastKindError"), "{evidence}");
}
