//! Findings (issue 10): checks over stats and log evidence that decide the verdict. Logs
//! are the real Scrapy's (tests/fixtures/real/<version>/, made by make.sh against a local
//! site); job records are written here, in the shapes of the Scrapy Cloud API.

mod common;

use std::path::PathBuf;

use common::{json_lines, outcome, rows, stderr_of, stdout_of};

const VERSIONS: [&str; 2] = ["2.19.0", "2.11.2"];

fn real(version: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(version)
        .join(format!("{name}.log"))
}

fn only(version: &str, name: &str, extra: &[&str]) -> (serde_json::Value, Option<i32>) {
    let output = outcome()
        .args(["explain", "--format", "json"])
        .args(extra)
        .arg("-i")
        .arg(real(version, name))
        .output()
        .expect("runs");
    let reports = json_lines(&output);
    assert_eq!(reports.len(), 1, "{version}/{name}: {reports:?}");
    (reports[0].clone(), output.status.code())
}

fn record(json: &str, extra: &[&str]) -> (serde_json::Value, Option<i32>) {
    let output = outcome()
        .args(["explain", "--format", "json"])
        .args(extra)
        .write_stdin(json)
        .output()
        .expect("runs");
    let reports = json_lines(&output);
    assert_eq!(reports.len(), 1, "{}", stderr_of(&output));
    (reports[0].clone(), output.status.code())
}

fn finding<'r>(report: &'r serde_json::Value, id: &str) -> Option<&'r serde_json::Value> {
    report["findings"]
        .as_array()
        .and_then(|all| all.iter().find(|f| f["id"] == id))
}

fn evidence(report: &serde_json::Value, id: &str) -> String {
    finding(report, id)
        .map(|f| f["evidence"].to_string())
        .unwrap_or_else(|| panic!("no {id} in {}", report["findings"]))
}

fn ids(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|f| f["id"].as_str().unwrap_or("?").to_string())
                .collect()
        })
        .unwrap_or_default()
}

// 1 and 2. Each problem the real Scrapy can produce, with its evidence and its effect on
// the exit status.

#[test]
fn each_real_problem_is_a_finding_with_its_evidence() {
    let cases: [(&str, &str, &str, i32, &str); 9] = [
        (
            "blocked",
            "blocked_responses",
            "critical",
            2,
            "18 of 21 responses were refusals (403, 407 or 429) (86%; warning at 10%, critical at 50%)",
        ),
        (
            "retries_exhausted",
            "server_errors",
            "critical",
            2,
            "8 of 11 responses were server errors (5xx) (73%",
        ),
        (
            "download_errors",
            "downloader_exceptions",
            "critical",
            2,
            "10 of 17 requests failed with a download exception (59%",
        ),
        (
            "feed_store_failed",
            "feed_export_failed",
            "critical",
            2,
            "feedexport/failed_count: FTPFeedStorage ×1",
        ),
        (
            "feed_failed",
            "feed_export_failed",
            "critical",
            2,
            "feed export errors in the log, and no feedexport/failed_count",
        ),
        (
            "items_dropped",
            "items_dropped",
            "warning",
            1,
            "3 of 5 items dropped by pipelines (60%",
        ),
        (
            "robots_forbidden",
            "robots_forbidden",
            "warning",
            1,
            "6 of 9 requests refused by robots.txt (67%",
        ),
        (
            "memory_near_limit",
            "memory_near_limit",
            "warning",
            1,
            "(memusage/max) against a limit of",
        ),
        (
            "zero_items",
            "zero_items",
            "warning",
            1,
            "no item_scraped_count in a complete stats dump, so 0 items",
        ),
    ];
    for version in VERSIONS {
        for (name, id, severity, code, words) in cases {
            let (report, status) = only(version, name, &[]);
            assert_eq!(report["outcome"], "finished", "{version}/{name}");
            assert_eq!(report["outcome_severity"], "ok", "{version}/{name}");
            assert_eq!(
                report["deciding"], id,
                "{version}/{name}: {}",
                report["findings"]
            );
            assert_eq!(report["severity"], severity, "{version}/{name}");
            assert_eq!(status, Some(code), "{version}/{name}");
            let found = evidence(&report, id);
            assert!(found.contains(words), "{version}/{name}: {found}");
            let first = &report["findings"][0];
            assert_eq!(first["id"], id, "worst first: {version}/{name}");
            assert!(first["next_steps"]
                .as_array()
                .is_some_and(|s| !s.is_empty()));
            assert!(first["title"].as_str().is_some_and(|t| !t.is_empty()));
        }
    }
}

#[test]
fn retries_name_their_reasons_and_the_first_give_up() {
    for version in VERSIONS {
        let (report, _) = only(version, "retries_exhausted", &[]);
        let found = evidence(&report, "retries_exhausted");
        assert!(
            found.contains(
                "4 requests given up after retrying (retry/max_reached), 36% of 11 requests"
            ),
            "{found}"
        );
        assert!(
            found.contains("retry/reason_count: 500 Internal Server Error ×4"),
            "{found}"
        );
        assert!(
            found.contains("Gave up retrying <GET http://127.0.0.1:"),
            "{found}"
        );
    }
}

#[test]
fn robots_refusals_are_not_download_failures() {
    // robots.txt refusals are counted as IgnoreRequest download exceptions too.
    for version in VERSIONS {
        let (report, _) = only(version, "robots_forbidden", &[]);
        assert_eq!(ids(&report), ["robots_forbidden"], "{version}");
    }
}

#[test]
fn callbacks_that_raise_are_counted_by_type_with_the_first_quoted() {
    for version in VERSIONS {
        let (report, code) = only(version, "errors", &[]);
        assert_eq!(code, Some(1));
        let found = evidence(&report, "spider_exceptions");
        assert!(
            found
                .contains("5 unhandled exceptions in callbacks (spider_exceptions): ValueError ×5"),
            "{version}: {found}"
        );
        assert!(
            found.contains("ValueError: cannot parse http://127.0.0.1:"),
            "{found}"
        );
        assert!(found.contains("spiders/__init__.py:"), "{found}");
        assert!(found.contains(" in parse_page"), "{found}");
        let errors = evidence(&report, "errors_logged");
        assert!(
            errors.contains(
                "ERROR ×5: `Spider error processing <GET …> (referer: URL)`, first at line"
            ),
            "{version}: {errors}"
        );
    }
}

#[test]
fn a_chained_traceback_is_counted_by_its_last_exception() {
    let (report, _) = only("2.19.0", "download_errors", &[]);
    let found = evidence(&report, "errors_logged");
    assert!(
        found.contains("scrapy.exceptions.DownloadConnectionRefusedError ×5"),
        "{found}"
    );
    // Source lines inside a frame (`result: Response | Request = yield (`) are not exceptions.
    assert!(!found.contains("result ×"), "{found}");
}

#[test]
fn findings_apply_to_other_outcomes_too() {
    for version in VERSIONS {
        let (report, code) = only(version, "timeout_feed_failed", &[]);
        assert_eq!(report["outcome"], "closespider_timeout");
        assert_eq!(report["outcome_severity"], "warning");
        assert_eq!(report["severity"], "critical", "{version}");
        assert_eq!(report["deciding"], "feed_export_failed");
        assert_eq!(code, Some(2));
        assert!(evidence(&report, "queue_not_drained").contains("never left the scheduler"));
    }
}

#[test]
fn clean_real_runs_have_no_finding() {
    for version in VERSIONS {
        for name in [
            "clean",
            "format_levelname",
            "format_message",
            "format_custom_date",
            "short_names",
            "closespider_itemcount",
        ] {
            let (report, code) = only(version, name, &[]);
            assert_eq!(
                report["findings"],
                serde_json::json!([]),
                "{version}/{name}"
            );
            assert_eq!(report["severity"], "ok", "{version}/{name}");
            assert!(report["deciding"].is_null());
            assert_eq!(code, Some(0), "{version}/{name}");
        }
    }
}

#[test]
fn passwords_in_feed_uris_are_masked_everywhere() {
    for version in VERSIONS {
        for format in ["human", "json", "line"] {
            let output = outcome()
                .args(["explain", "--format", format, "-i"])
                .arg(real(version, "feed_store_failed"))
                .output()
                .expect("runs");
            let text = stdout_of(&output);
            assert!(!text.contains("user:pass"), "{version} {format}: {text}");
            if format != "line" {
                assert!(
                    text.contains("ftp://user:***@127.0.0.1:"),
                    "{version} {format}"
                );
            }
        }
    }
}

#[test]
fn errors_the_stats_missed_are_counted_from_the_log() {
    // 2.19 logs the feed's `Error storing` line after log counting stopped.
    let (report, _) = only("2.19.0", "feed_store_failed", &[]);
    let found = evidence(&report, "errors_logged");
    assert!(
        found.contains("1 ERROR and CRITICAL line in the log, more than the 0 that log_count/ERROR and log_count/CRITICAL counted"),
        "{found}"
    );
}

// 4. Ambiguous outcomes told apart.

#[test]
fn who_cancelled_is_told_apart() {
    for version in VERSIONS {
        let (report, _) = only(version, "cancelled_by_spider", &[]);
        assert_eq!(report["outcome"], "cancelled");
        assert!(
            report["notes"]
                .to_string()
                .contains("the spider's own code did it"),
            "{version}: {}",
            report["notes"]
        );
    }
    let (report, _) = record(
        r#"{"key":"1/2/3","close_reason":"cancelled","cancelled_by":"alice","scrapystats":{"finish_reason":"shutdown"}}"#,
        &[],
    );
    let notes = report["notes"].to_string();
    assert!(notes.contains("cancelled by alice"), "{notes}");
    assert!(!notes.contains("spider's own code"), "{notes}");
    let (report, _) = record(
        r#"{"key":"1/2/3","close_reason":"cancelled","scrapystats":{"finish_reason":"shutdown"}}"#,
        &[],
    );
    assert!(
        report["notes"]
            .to_string()
            .contains("cancelled from outside"),
        "{}",
        report["notes"]
    );
}

#[test]
fn a_shutdown_says_which_signal_and_where_it_comes_from() {
    for version in VERSIONS {
        for (name, words) in [("sigint", "Scrapyd cancel"), ("sigterm", "docker stop")] {
            let (report, code) = only(version, name, &[]);
            assert_eq!(report["outcome"], "shutdown");
            let notes = report["notes"].to_string();
            assert!(notes.contains(words), "{version}/{name}: {notes}");
            assert_eq!(code, Some(1));
            assert!(evidence(&report, "queue_not_drained")
                .contains("2 of 3 requests never left the scheduler"));
        }
    }
}

#[test]
fn an_oom_kill_is_told_from_the_memory_extension() {
    let (report, code) = record(
        r#"{"key":"1/2/3","close_reason":"killed by oom","scrapystats":{"memusage/max":734003200}}"#,
        &[],
    );
    assert_eq!(code, Some(2));
    let notes = report["notes"].to_string();
    assert!(notes.contains("killed from outside"), "{notes}");
    assert!(
        notes.contains("not closed by Scrapy's MemoryUsage extension"),
        "{notes}"
    );
    let (report, _) = record(
        r#"{"key":"1/2/3","close_reason":"killed by oom","scrapystats":{"memusage/max":734003200,"playwright/page_count":40}}"#,
        &[],
    );
    assert!(
        report["notes"]
            .to_string()
            .contains("the stats show scrapy-playwright"),
        "{}",
        report["notes"]
    );
    let (report, _) = record(r#"{"close_reason":"memusage_exceeded"}"#, &[]);
    assert!(!report["notes"].to_string().contains("killed from outside"));
}

// Job records with scrapystats: every stats-based check, from the API's shape.

#[test]
fn a_finished_record_with_mostly_403_is_not_ok() {
    let json = r#"{"key":"1/2/3","spider":"shop","close_reason":"finished","items":5,"errors":0,
        "scrapystats":{"downloader/response_status_count/200":5,"downloader/response_status_count/403":95,"log_count/INFO":9}}"#;
    let (report, code) = record(json, &[]);
    assert_eq!(code, Some(2));
    assert_eq!(report["deciding"], "blocked_responses");
    assert!(evidence(&report, "blocked_responses")
        .contains("95 of 100 responses were refusals (403, 407 or 429) (95%"));
    let line = outcome()
        .args(["explain", "--format", "line"])
        .write_stdin(json)
        .output()
        .expect("runs");
    assert_eq!(
        rows(&line),
        [[
            "1/2/3",
            "finished",
            "critical",
            "blocked_responses: Many responses were refusals (403, 407, 429): the site is blocking or rate-limiting the crawl"
        ]]
    );
    let card = outcome()
        .arg("explain")
        .write_stdin(json)
        .output()
        .expect("runs");
    let text = stdout_of(&card);
    assert!(
        text.contains("Verdict    CRITICAL, raised by blocked_responses (the outcome alone is OK)"),
        "{text}"
    );
    let findings = text.find("Findings").expect("findings block");
    let explanation = text
        .find("Scrapy closes a spider with this reason")
        .expect("explanation");
    assert!(
        findings < explanation,
        "findings come above the explanation"
    );
}

#[test]
fn every_stats_check_fires_from_a_record() {
    let cases = [
        (
            r#""feedexport/failed_count/S3FeedStorage":1,"feedexport/success_count/FileFeedStorage":1"#,
            "feed_export_failed",
            "critical",
        ),
        (
            r#""retry/max_reached":7,"downloader/request_count":70,"retry/reason_count/twisted.internet.error.TimeoutError":7"#,
            "retries_exhausted",
            "warning",
        ),
        (
            r#""downloader/exception_count":40,"downloader/request_count":100,"downloader/exception_type_count/twisted.internet.error.DNSLookupError":40"#,
            "downloader_exceptions",
            "warning",
        ),
        (
            r#""downloader/response_status_count/503":30,"downloader/response_status_count/200":70"#,
            "server_errors",
            "warning",
        ),
        (
            r#""item_dropped_count":90,"item_dropped_reasons_count/DropItem":90"#,
            "items_dropped",
            "warning",
        ),
        (
            r#""robotstxt/forbidden":50,"downloader/request_count":50"#,
            "robots_forbidden",
            "warning",
        ),
        (
            r#""spider_exceptions/count":3,"spider_exceptions/KeyError":3"#,
            "spider_exceptions",
            "warning",
        ),
        (
            r#""scrapy-zyte-api/fatal_errors":2"#,
            "zyte_api_fatal_errors",
            "warning",
        ),
    ];
    for (stats, id, severity) in cases {
        let json = format!(
            r#"{{"key":"1/2/3","close_reason":"finished","items":10,"errors":0,"scrapystats":{{"log_count/INFO":3,{stats}}}}}"#
        );
        let (report, code) = record(&json, &[]);
        assert_eq!(ids(&report), [id], "{stats}");
        assert_eq!(report["severity"], severity, "{stats}");
        assert_eq!(
            code,
            Some(if severity == "critical" { 2 } else { 1 }),
            "{stats}"
        );
        let f = finding(&report, id).expect("finding");
        assert!(f["value"].as_f64().is_some_and(|v| v > 0.0));
        assert!(f["levels"].is_object());
    }
}

#[test]
fn the_same_stats_below_their_thresholds_are_quiet() {
    let json = r#"{"key":"1/2/3","close_reason":"finished","items":100,"errors":0,"scrapystats":{"log_count/INFO":3,
        "downloader/response_status_count/200":95,"downloader/response_status_count/403":5,
        "downloader/response_status_count/500":5,"downloader/request_count":100,
        "item_dropped_count":10,"robotstxt/forbidden":10,"downloader/exception_count":5,
        "scheduler/enqueued":100,"scheduler/dequeued":100}}"#;
    let (report, code) = record(json, &[]);
    assert_eq!(report["findings"], serde_json::json!([]));
    assert_eq!(code, Some(0));
}

#[test]
fn uncounted_errors_are_information_not_a_pass_or_a_fail() {
    let (report, code) = record(
        r#"{"key":"1/2/3","close_reason":"finished","scrapystats":{"item_scraped_count":10,"finish_reason":"finished"}}"#,
        &[],
    );
    assert_eq!(ids(&report), ["log_counts_unreliable"]);
    assert_eq!(report["findings"][0]["severity"], "ok");
    assert_eq!(report["severity"], "ok");
    assert_eq!(code, Some(0));
    let card = outcome()
        .arg("explain")
        .write_stdin(
            r#"{"key":"1/2/3","close_reason":"finished","scrapystats":{"item_scraped_count":10}}"#,
        )
        .output()
        .expect("runs");
    assert!(
        stdout_of(&card).contains("  INFO      log_counts_unreliable"),
        "{}",
        stdout_of(&card)
    );
}

#[test]
fn running_jobs_are_not_judged_on_a_snapshot() {
    let (report, code) = record(
        r#"{"key":"1/2/3","state":"running","items":0,"errors":5,"scrapystats":{"downloader/response_status_count/403":10}}"#,
        &[],
    );
    assert_eq!(report["findings"], serde_json::json!([]));
    assert_eq!(code, Some(3));
}

// 1. Thresholds and severities as data: a user catalog changes them.

#[test]
fn a_user_catalog_changes_a_threshold_a_severity_or_turns_a_check_off() {
    let dir = std::env::temp_dir().join(format!("outcome-findings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let json = r#"{"key":"1/2/3","close_reason":"finished","items":5,"errors":2,
        "scrapystats":{"downloader/response_status_count/200":40,"downloader/response_status_count/429":60}}"#;
    let cases = [
        (
            r#"{"checks":[{"id":"blocked_responses","levels":{"critical":0.9}}]}"#,
            "warning",
            1,
        ),
        (
            r#"{"checks":[{"id":"blocked_responses","levels":{"warning":0.7,"critical":null}},{"id":"errors_logged","enabled":false}]}"#,
            "ok",
            0,
        ),
        (
            r#"{"checks":[{"id":"errors_logged","levels":{"critical":1}}]}"#,
            "critical",
            2,
        ),
    ];
    for (i, (text, severity, code)) in cases.into_iter().enumerate() {
        let path = dir.join(format!("team{i}.json"));
        std::fs::write(&path, text).expect("catalog written");
        let (report, status) = record(json, &["--catalog", path.to_str().expect("utf-8")]);
        assert_eq!(report["severity"], severity, "{text}");
        assert_eq!(status, Some(code), "{text}");
        // The same file through the environment.
        let output = outcome()
            .env("OUTCOME_CATALOG", &path)
            .args(["explain", "-q"])
            .write_stdin(json)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(code), "{text}");
    }
    let path = dir.join("team0.json");
    let listed = outcome()
        .args(["list", "--checks", "--format", "line", "--catalog"])
        .arg(&path)
        .output()
        .expect("runs");
    let blocked: Vec<Vec<String>> = rows(&listed)
        .into_iter()
        .filter(|r| r[0] == "blocked_responses")
        .collect();
    assert_eq!(blocked[0][1], "warning at 10%, critical at 90%");
    assert!(blocked[0][3].ends_with("team0.json"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_bad_check_in_a_user_catalog_is_a_configuration_error() {
    let dir = std::env::temp_dir().join(format!("outcome-badchecks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let cases = [
        (
            r#"{"checks":[{"id":"made_up","levels":{"warning":1}}]}"#,
            "1:18: there is no check `made_up`",
        ),
        (
            "{\"checks\":[\n {\"id\":\"blocked_responses\",\"levels\":{\"warning\":30}}]}",
            "2:8: check `blocked_responses` measures a share from 0 to 1",
        ),
        (
            r#"{"checks":[{"id":"zero_items","levels":{"unknown":1}}]}"#,
            "level `unknown` is not one of ok, warning, critical",
        ),
        (
            r#"{"checks":[{"id":"zero_items","levels":{"warning":-1}}]}"#,
            "must be a number of 0 or more",
        ),
        (
            r#"{"checks":[{"id":"zero_items","measure":"share"}]}"#,
            "its measure is fixed",
        ),
        (
            "{\"checks\":[{\"id\":\"zero_items\"},\n{\"id\":\"zero_items\"}]}",
            "2:7: check `zero_items` is named twice in this file (also at line 1)",
        ),
    ];
    for (i, (text, words)) in cases.into_iter().enumerate() {
        let path = dir.join(format!("bad{i}.json"));
        std::fs::write(&path, text).expect("catalog written");
        let output = outcome()
            .args(["explain", "finished", "--catalog"])
            .arg(&path)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(78), "{text}");
        let stderr = stderr_of(&output);
        assert!(stderr.contains(words), "{text}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

// 6. Policy from the command line.

#[test]
fn expect_makes_an_outcome_ok_for_this_run_and_findings_still_apply() {
    let (report, code) = record(
        r#"{"key":"1/2/3","close_reason":"closespider_timeout","items":9,"errors":0}"#,
        &["--expect", "closespider_timeout"],
    );
    assert_eq!((report["severity"].as_str(), code), (Some("ok"), Some(0)));
    assert_eq!(report["expected"], true);
    // Any spelling, and custom reasons.
    for (reason, expect) in [
        ("CloseSpider-Timeout", "closespider_timeout"),
        ("login_failed", "login_failed,other"),
    ] {
        let output = outcome()
            .args(["explain", "--expect", expect, reason])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(0), "{reason}");
        assert!(stdout_of(&output).contains("expected for this run (--expect)"));
    }
    // A finding is not excused by an expected outcome.
    for version in VERSIONS {
        let (report, code) = only(
            version,
            "timeout_feed_failed",
            &["--expect", "closespider_timeout"],
        );
        assert_eq!(report["outcome_severity"], "ok");
        assert_eq!(code, Some(2), "{version}");
        // The limit it was expected to stop at leaves work behind by design.
        assert!(finding(&report, "queue_not_drained").is_none());
    }
    // Not expected: unchanged.
    let (_, code) = record(
        r#"{"close_reason":"closespider_timeout"}"#,
        &["--expect", "shutdown"],
    );
    assert_eq!(code, Some(1));
}

#[test]
fn a_finding_can_be_accepted_raised_or_turned_off() {
    for version in VERSIONS {
        let (report, code) = only(version, "blocked", &["--finding", "blocked_responses=ok"]);
        assert_eq!(
            finding(&report, "blocked_responses").expect("still shown")["severity"],
            "ok"
        );
        assert_eq!(code, Some(1), "the other findings still warn");
        let (_, code) = only(
            version,
            "blocked",
            &[
                "--finding",
                "blocked_responses=off,errors_logged=off,retries_exhausted=ok",
            ],
        );
        assert_eq!(code, Some(0));
        let (report, code) = only(
            version,
            "items_dropped",
            &["--finding", "items_dropped=critical"],
        );
        assert_eq!(
            (report["deciding"].as_str(), code),
            (Some("items_dropped"), Some(2))
        );
    }
    for (bad, words) in [
        ("nope=ok", "--finding: there is no check `nope`"),
        ("zero_items", "write ID=LEVEL"),
        ("zero_items=loud", "is not a level"),
    ] {
        let output = outcome()
            .args(["explain", "finished", "--finding", bad])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(64), "{bad}");
        assert!(
            stderr_of(&output).contains(words),
            "{bad}: {}",
            stderr_of(&output)
        );
    }
}

#[test]
fn the_status_is_the_same_in_every_format_for_records_too() {
    let records = [
        r#"{"key":"1","close_reason":"finished","items":5,"errors":0,"scrapystats":{"downloader/response_status_count/403":9,"downloader/response_status_count/200":1}}"#,
        r#"{"key":"2","close_reason":"finished","items":5,"errors":0,"scrapystats":{"feedexport/failed_count/S3FeedStorage":1}}"#,
        r#"{"key":"3","close_reason":"closespider_timeout","items":5,"errors":0,"scrapystats":{"scheduler/enqueued":9,"scheduler/dequeued":3}}"#,
        r#"{"key":"4","close_reason":"finished","items":5,"errors":0,"scrapystats":{"log_count/INFO":3,"downloader/response_status_count/200":9}}"#,
        // Every other stat a check reads, each the only one that fires.
        r#"{"key":"5","close_reason":"finished","items":5,"errors":0,"scrapystats":{"downloader/request_count":12,"downloader/exception_type_count/twisted.internet.error.DNSLookupError":6}}"#,
        r#"{"key":"6","close_reason":"finished","items":5,"errors":0,"scrapystats":{"downloader/request_count":12,"downloader/exception_count":6}}"#,
        r#"{"key":"7","close_reason":"finished","items":5,"errors":0,"scrapystats":{"downloader/response_status_count/503":9,"downloader/response_status_count/200":1}}"#,
        r#"{"key":"8","close_reason":"finished","items":5,"errors":0,"scrapystats":{"retry/max_reached":40}}"#,
        r#"{"key":"9","close_reason":"finished","items":5,"errors":0,"scrapystats":{"spider_exceptions/ValueError":7}}"#,
        r#"{"key":"10","close_reason":"finished","items":5,"errors":0,"scrapystats":{"spider_exceptions/count":7}}"#,
        r#"{"key":"11","close_reason":"finished","items":5,"errors":0,"scrapystats":{"item_dropped_count":50}}"#,
        r#"{"key":"12","close_reason":"finished","items":5,"errors":0,"scrapystats":{"downloader/request_count":12,"robotstxt/forbidden":9}}"#,
        r#"{"key":"13","close_reason":"finished","items":5,"errors":0,"scrapystats":{"scrapy-zyte-api/fatal_errors":3}}"#,
    ];
    for json in records {
        let mut codes = Vec::new();
        for args in [
            &["--format", "human"][..],
            &["--format", "json"],
            &["--format", "line"],
            &["-q"],
        ] {
            let output = outcome()
                .arg("explain")
                .args(args)
                .write_stdin(json)
                .output()
                .expect("runs");
            codes.push(output.status.code());
        }
        let summary = outcome()
            .args(["summary", "-q"])
            .write_stdin(json)
            .output()
            .expect("runs");
        codes.push(summary.status.code());
        assert!(codes.windows(2).all(|w| w[0] == w[1]), "{json}: {codes:?}");
    }
}

#[test]
fn the_status_is_the_same_in_every_format() {
    for version in VERSIONS {
        for name in [
            "blocked",
            "items_dropped",
            "clean",
            "timeout_feed_failed",
            "level_warning",
        ] {
            let mut codes = Vec::new();
            for args in [
                &["--format", "human"][..],
                &["--format", "json"],
                &["--format", "line"],
                &["-q"],
            ] {
                let output = outcome()
                    .arg("explain")
                    .args(args)
                    .arg("-i")
                    .arg(real(version, name))
                    .output()
                    .expect("runs");
                codes.push(output.status.code());
            }
            assert!(
                codes.windows(2).all(|w| w[0] == w[1]),
                "{version}/{name}: {codes:?}"
            );
        }
    }
}

// 5. Cards filled with what is known.

#[test]
fn cards_fill_in_what_the_input_knows() {
    let output = outcome()
        .arg("explain")
        .write_stdin(r#"{"key":"2222222/1/1546","spider":"books","close_reason":"failed"}"#)
        .output()
        .expect("runs");
    let text = stdout_of(&output);
    assert!(text.contains("`shub log 2222222/1/1546`"), "{text}");
    assert!(text.contains("`scrapy crawl books`"), "{text}");
    assert!(
        !text.contains("JOB_KEY") && !text.contains("crawl SPIDER"),
        "{text}"
    );
    let output = outcome()
        .args(["explain", "login_failed"])
        .output()
        .expect("runs");
    let text = stdout_of(&output);
    assert!(text.contains("`grep -rn 'login_failed' .`"), "{text}");
    assert!(text.contains("`Closing spider (login_failed)`"), "{text}");
    // A value that could change a quoted command is not put into it.
    let output = outcome()
        .arg("explain")
        .write_stdin(r#"{"key":"1/2/3","spider":"x'; rm -rf ~; echo '","close_reason":"failed"}"#)
        .output()
        .expect("runs");
    let text = stdout_of(&output);
    assert!(text.contains("`scrapy crawl SPIDER`"), "{text}");
    // JSON carries the filled steps too.
    let (report, _) = record(r#"{"key":"9/9/9","close_reason":"failed"}"#, &[]);
    assert!(report["next_steps"].to_string().contains("shub log 9/9/9"));
}

#[test]
fn advice_a_finding_gives_is_not_repeated_by_the_outcome() {
    let output = outcome()
        .arg("explain")
        .write_stdin(r#"{"key":"1/2/3","close_reason":"finished","items":0,"errors":4}"#)
        .output()
        .expect("runs");
    let text = stdout_of(&output);
    assert!(
        text.contains("zero_items") && text.contains("errors_logged"),
        "{text}"
    );
    assert!(!text.contains("Check the item count against"), "{text}");
    assert!(
        !text.contains("Look for ERROR and CRITICAL lines"),
        "{text}"
    );
    // Without findings the outcome's own advice is all there.
    let output = outcome()
        .arg("explain")
        .write_stdin(r#"{"key":"1/2/3","close_reason":"finished","items":3,"errors":0}"#)
        .output()
        .expect("runs");
    let text = stdout_of(&output);
    assert!(text.contains("Check the item count against"), "{text}");
    assert!(text.contains("`shub log 1/2/3`"), "{text}");
}

#[test]
fn no_command_that_fits_a_line_is_broken() {
    for version in VERSIONS {
        for name in ["blocked", "download_errors", "errors", "feed_store_failed"] {
            let output = outcome()
                .arg("explain")
                .arg("-i")
                .arg(real(version, name))
                .output()
                .expect("runs");
            let text = stdout_of(&output);
            let lines: Vec<&str> = text.lines().collect();
            let joined = lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
            // Every span in backticks short enough for a line stands whole on one.
            for span in joined.split('`').skip(1).step_by(2) {
                if span.chars().count() <= 60 {
                    let quoted = format!("`{span}`");
                    assert!(
                        lines.iter().any(|l| l.contains(&quoted)),
                        "{version}/{name}: {quoted} is broken"
                    );
                }
            }
        }
    }
}

// 7. Summary counts findings across jobs.

#[test]
fn summary_counts_findings_in_every_format() {
    let jobs = [
        r#"{"key":"1/1/1","spider":"a","close_reason":"finished","items":0,"errors":0}"#,
        r#"{"key":"1/1/2","spider":"a","close_reason":"finished","items":5,"errors":3}"#,
        r#"{"key":"1/1/3","spider":"b","close_reason":"finished","items":0,"errors":1}"#,
        r#"{"key":"1/1/4","spider":"b","close_reason":"finished","items":5,"errors":0,"scrapystats":{"log_count/INFO":1,"downloader/response_status_count/403":9,"downloader/response_status_count/200":1}}"#,
        r#"{"key":"1/1/5","spider":"b","close_reason":"finished","items":5,"errors":0}"#,
    ]
    .join("\n");
    let json = outcome()
        .args(["summary", "--format", "json"])
        .write_stdin(jobs.clone())
        .output()
        .expect("runs");
    assert_eq!(json.status.code(), Some(2));
    let value = &json_lines(&json)[0];
    let findings = value["findings"].as_array().expect("findings");
    let row = |id: &str| {
        findings
            .iter()
            .find(|f| f["id"] == id)
            .unwrap_or_else(|| panic!("{id}: {findings:?}"))
            .clone()
    };
    assert_eq!(row("zero_items")["count"], 2);
    assert_eq!(
        row("zero_items")["jobs"],
        serde_json::json!(["1/1/1", "1/1/3"])
    );
    assert_eq!(row("errors_logged")["count"], 2);
    assert_eq!(row("blocked_responses")["severity"], "critical");
    assert_eq!(findings[0]["id"], "blocked_responses", "worst first");
    // TSV: outcome rows by default (column 3 sums to the jobs), finding rows on request.
    let line = outcome()
        .args(["summary", "--format", "line"])
        .write_stdin(jobs.clone())
        .output()
        .expect("runs");
    let total: u64 = rows(&line)
        .iter()
        .map(|r| r[2].parse::<u64>().unwrap_or(0))
        .sum();
    assert_eq!(total, 5);
    let line = outcome()
        .args(["summary", "--format", "line", "--findings"])
        .write_stdin(jobs.clone())
        .output()
        .expect("runs");
    let rows = rows(&line);
    assert_eq!(rows[0], ["blocked_responses", "critical", "1", "Many responses were refusals (403, 407, 429): the site is blocking or rate-limiting the crawl"]);
    assert!(rows.iter().all(|r| r.len() == 4), "{rows:?}");
    let nagios = outcome()
        .args(["summary", "--format", "nagios"])
        .write_stdin(jobs.clone())
        .output()
        .expect("runs");
    assert_eq!(
        stdout_of(&nagios),
        "OUTCOME CRITICAL - 1 of 5 jobs critical (blocked_responses 1) | ok=1 warning=3 critical=1 unknown=0 reason_finished=5 finding_zero_items=2 finding_errors_logged=2 finding_blocked_responses=1\n"
    );
    assert_eq!(nagios.status.code(), Some(2));
    let human = outcome()
        .args(["summary", "--by", "spider"])
        .write_stdin(jobs)
        .output()
        .expect("runs");
    let text = stdout_of(&human);
    assert!(
        text.contains("Findings\nCRITICAL  1  blocked_responses"),
        "{text}"
    );
    assert!(text.contains("WARNING   2  zero_items"), "{text}");
}

#[test]
fn with_log_counting_off_a_whole_log_counts_its_own_error_lines() {
    // Scrapy 2.14+ can disable LogCount: no log_count/* in the dump. The whole log still
    // shows every ERROR line, so the count is known; 2.11 counts them anyway.
    for version in VERSIONS {
        let (report, code) = only(version, "log_count_disabled", &[]);
        assert_eq!(report["job"]["errors"], 5, "{version}");
        assert!(
            finding(&report, "log_counts_unreliable").is_none(),
            "{version}: {}",
            report["findings"]
        );
        assert_eq!(code, Some(1));
    }
    let (report, _) = only("2.19.0", "log_count_disabled", &[]);
    assert!(
        evidence(&report, "errors_logged")
            .contains("5 errors logged (counted from the log's own lines"),
        "{}",
        report["findings"]
    );
}

#[test]
fn a_start_failure_hidden_under_finished_is_a_finding() {
    let (report, code) = only("2.11.2", "start_error_iter", &[]);
    assert_eq!(report["outcome"], "finished");
    assert!(evidence(&report, "start_failed").contains("Error while obtaining start requests"));
    assert_eq!(code, Some(1));
    // 2.18+ says it in the close reason: no finding repeats it.
    let (report, _) = only("2.19.0", "start_error_iter", &[]);
    assert_eq!(report["outcome"], "start_error");
    assert!(finding(&report, "start_failed").is_none());
}

#[test]
fn a_site_that_moved_its_pages_is_not_ok() {
    // The real Scrapy on a site where 40 of the links lead to pages that are gone.
    let (report, code) = only("2.19.0", "not_found", &[]);
    assert_eq!(report["outcome"], "finished");
    assert_eq!(report["deciding"], "not_found_responses", "{report}");
    assert_eq!(code, Some(2));
    let said = evidence(&report, "not_found_responses");
    assert!(
        said.contains("40 of 44 responses were 404 Not Found or 410 Gone (91%)"),
        "{said}"
    );
    // Shares, robots.txt's own 404 left out, 410 counted.
    let stats = |pairs: &str| {
        format!(
            r#"{{"close_reason":"finished","scrapystats":{{"finish_reason":"finished","item_scraped_count":5,"log_count/ERROR":0{pairs}}}}}"#
        )
    };
    for (label, pairs, want) in [
        (
            "a few broken links",
            r#","downloader/response_status_count/200":48,"downloader/response_status_count/404":2"#,
            None,
        ),
        (
            "a site without robots.txt",
            r#","downloader/response_status_count/200":4,"downloader/response_status_count/404":1,"robotstxt/response_status_count/404":1"#,
            None,
        ),
        (
            "a quarter gone",
            r#","downloader/response_status_count/200":30,"downloader/response_status_count/410":10"#,
            Some("warning"),
        ),
        (
            "most gone, robots.txt too",
            r#","downloader/response_status_count/200":3,"downloader/response_status_count/404":41,"robotstxt/response_status_count/404":1"#,
            Some("critical"),
        ),
    ] {
        let (report, _) = record(&stats(pairs), &[]);
        let severity = finding(&report, "not_found_responses").map(|f| f["severity"].clone());
        assert_eq!(
            severity,
            want.map(serde_json::Value::from),
            "{label}: {report}"
        );
    }
    let (report, _) = record(
        &stats(
            r#","downloader/response_status_count/200":3,"downloader/response_status_count/404":41,"robotstxt/response_status_count/404":1"#,
        ),
        &[],
    );
    assert!(evidence(&report, "not_found_responses").contains("40 of 43 responses"));
    // Its thresholds are the catalog's, like every check's.
    let (report, code) = only(
        "2.19.0",
        "not_found",
        &["--finding", "not_found_responses=ok"],
    );
    assert_eq!(code, Some(0), "{report}");
}

#[test]
fn a_count_limit_passed_by_the_requests_in_flight_is_said_in_numbers() {
    // The real Scrapy, five item pages fetched at once against CLOSESPIDER_ITEMCOUNT=2.
    let (report, code) = only("2.19.0", "itemcount_overshoot", &[]);
    assert_eq!(report["outcome"], "closespider_itemcount");
    assert_eq!(code, Some(0), "a limit working as configured stays OK");
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("5 items scraped for a limit of 2: Scrapy stops scheduling at the limit"),
        "{notes}"
    );
    // Stopped right at the limit: nothing to say.
    let (report, _) = only("2.19.0", "closespider_itemcount", &[]);
    assert!(
        !report["notes"].to_string().contains("for a limit of"),
        "{}",
        report["notes"]
    );
}

#[test]
fn a_raised_finding_still_fires_only_past_its_threshold() {
    // 5% refused: below blocked_responses' lowest threshold (10%), so raising the check to
    // critical changes nothing; 60% refused fires, at the raised level.
    let stats = |refused: u64| {
        format!(
            r#"{{"close_reason":"finished","items":5,"scrapystats":{{"finish_reason":"finished","item_scraped_count":5,"response_received_count":100,"downloader/response_status_count/200":{},"downloader/response_status_count/403":{refused}}}}}"#,
            100 - refused
        )
    };
    let raise = ["--finding", "blocked_responses=critical"];
    let (report, code) = record(&stats(5), &raise);
    assert_eq!(finding(&report, "blocked_responses"), None, "{report}");
    assert_eq!(code, Some(0));
    let (report, code) = record(&stats(60), &raise);
    assert_eq!(
        finding(&report, "blocked_responses").map(|f| f["severity"].clone()),
        Some("critical".into())
    );
    assert_eq!(code, Some(2));
}

#[test]
fn thresholds_are_shown_as_written() {
    let catalog = common::UserCatalog::new(
        "shown",
        r#"{"checks":[{"id":"errors_logged","levels":{"warning":2.5,"critical":2000}},{"id":"blocked_responses","levels":{"warning":0.01,"critical":0.005}}]}"#,
    );
    let listed = outcome()
        .args(["list", "--checks", "--format", "line", "--catalog"])
        .arg(&catalog.path)
        .output()
        .expect("runs");
    let levels = |id: &str| {
        rows(&listed)
            .into_iter()
            .find(|r| r[0] == id)
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("no {id}"))
    };
    // A fraction stays a fraction; a whole count is grouped; 1% is 1%, half of one is 0.5%.
    assert_eq!(levels("errors_logged"), "warning at 2.5, critical at 2,000");
    assert_eq!(
        levels("blocked_responses"),
        "warning at 1%, critical at 0.5%"
    );
}

#[test]
fn a_user_catalog_may_set_a_threshold_at_either_end_of_its_range_but_not_the_measure() {
    let listed = |text: &str| {
        let catalog = common::UserCatalog::new("ends", text);
        outcome()
            .args(["list", "--checks", "--format", "json", "--catalog"])
            .arg(&catalog.path)
            .output()
            .expect("runs")
    };
    // 0 for a count, 1 (100%) for a share: both are in range.
    let output = listed(
        r#"{"checks":[{"id":"errors_logged","levels":{"warning":0}},{"id":"blocked_responses","levels":{"critical":1}}]}"#,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let checks = json_lines(&output);
    let check = |id: &str| {
        checks
            .iter()
            .find(|c| c["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no {id}"))
    };
    assert_eq!(check("errors_logged")["levels"]["warning"], 0.0);
    assert_eq!(check("blocked_responses")["levels"]["critical"], 1.0);
    // What each check measures is in the listing.
    assert_eq!(check("blocked_responses")["measure"], "share");
    assert_eq!(check("errors_logged")["measure"], "count");
    assert_eq!(check("zero_items")["measure"], "flag");
    // Past either end: a configuration error naming the check.
    for (text, words) in [
        (
            r#"{"checks":[{"id":"errors_logged","levels":{"warning":-1}}]}"#,
            "check `errors_logged`: the warning threshold must be a number of 0 or more",
        ),
        (
            r#"{"checks":[{"id":"blocked_responses","levels":{"warning":1.5}}]}"#,
            "measures a share from 0 to 1: 1.5 is out of range",
        ),
        // The measure is the check's code's: the catalog is told which it is.
        (
            r#"{"checks":[{"id":"blocked_responses","measure":"count"}]}"#,
            "check `blocked_responses`: its measure is fixed (`share`)",
        ),
    ] {
        let output = listed(text);
        assert_eq!(output.status.code(), Some(78), "{text}");
        assert!(
            stderr_of(&output).contains(words),
            "{text}: {}",
            stderr_of(&output)
        );
    }
}

#[test]
fn list_search_finds_a_check_by_any_of_its_words() {
    // Each word in one place of one check only.
    let catalog = common::UserCatalog::new(
        "mentions",
        r#"{"checks":[
            {"id":"zero_items","title":"No item (quokkatitle)"},
            {"id":"errors_logged","explanation":"Counted (quokkaexplained)."},
            {"id":"items_dropped","settings":["QUOKKA_SETTING"]},
            {"id":"server_errors","next_steps":["Ask the quokkastep."]}
        ]}"#,
    );
    for (word, id) in [
        ("quokkatitle", "zero_items"),
        ("quokkaexplained", "errors_logged"),
        ("quokka_setting", "items_dropped"),
        ("quokkastep", "server_errors"),
        ("not_found_responses", "not_found_responses"),
    ] {
        let output = outcome()
            .args(["list", "--search", word, "--catalog"])
            .arg(&catalog.path)
            .output()
            .expect("runs");
        assert_eq!(
            stderr_of(&output),
            format!("outcome: checks that mention `{word}`: {id} (outcome list --checks)\n"),
            "{word}"
        );
    }
}

/// A real log with `line` put before its first line that contains `before`.
fn with_line(version: &str, name: &str, before: &str, line: &str) -> String {
    let text = std::fs::read_to_string(real(version, name)).expect("fixture");
    let at = text.find(before).expect("the anchor line");
    let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    format!("{}{line}\n{}", &text[..start], &text[start..])
}

#[test]
fn a_spiders_own_error_about_a_feed_it_reads_is_no_feed_export_failure() {
    // Spiders crawl RSS and Atom feeds: an error that mentions one is the spider's.
    let log = with_line(
        "2.19.0",
        "clean",
        "Closing spider (",
        "2026-11-24 01:59:02 [proj] ERROR: could not parse the RSS feed at https://a.example/rss",
    );
    let (report, code) = record(&log, &[]);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(finding(&report, "feed_export_failed"), None, "{report}");
    assert!(finding(&report, "errors_logged").is_some(), "{report}");
}

#[test]
fn a_memory_limit_run_still_counts_the_crawls_own_errors() {
    // One ERROR line of the spider's before the memory extension's own: that one counts.
    let log = with_line(
        "2.19.0",
        "memusage",
        "Memory usage exceeded",
        "2026-11-24 01:59:11 [proj] ERROR: cannot parse the price",
    );
    let (report, _) = record(&log, &[]);
    let errors = finding(&report, "errors_logged").expect("errors_logged");
    assert_eq!(errors["value"], 1.0, "{errors}");
    assert!(
        errors["evidence"][0]
            .as_str()
            .is_some_and(|e| e.contains("1 of them the memory extension's own shutdown line")),
        "{errors}"
    );
}

/// A finished record with these stats, its one answer.
fn with_stats(stats: &str, extra: &[&str]) -> (serde_json::Value, Option<i32>) {
    record(
        &format!(
            r#"{{"key":"1/2/3","close_reason":"finished","items":10,"errors":0,"scrapystats":{{"log_count/INFO":3,{stats}}}}}"#
        ),
        extra,
    )
}

#[test]
fn evidence_lists_name_every_kind_or_say_how_many_more() {
    // Four exception types are listed whole; a fifth is "and 1 more".
    let kinds = [
        "DNSLookupError",
        "TimeoutError",
        "ConnectionRefusedError",
        "ConnectionLost",
        "TCPTimedOutError",
    ];
    let stats = |n: usize| {
        let types: Vec<String> = kinds[..n]
            .iter()
            .map(|k| format!(r#""downloader/exception_type_count/twisted.internet.error.{k}":10"#))
            .collect();
        format!(
            r#""downloader/exception_count":{},"downloader/request_count":100,{}"#,
            10 * n,
            types.join(",")
        )
    };
    let (report, _) = with_stats(&stats(4), &[]);
    let text = evidence(&report, "downloader_exceptions");
    assert!(
        text.contains("ConnectionLost ×10") && !text.contains("more"),
        "{text}"
    );
    let (report, _) = with_stats(&stats(5), &[]);
    let text = evidence(&report, "downloader_exceptions");
    assert!(text.contains(", and 1 more"), "{text}");
}

#[test]
fn not_found_evidence_mentions_robots_only_when_robots_txt_answered() {
    let (report, _) = with_stats(
        r#""downloader/response_status_count/404":40,"downloader/response_status_count/200":3"#,
        &[],
    );
    assert!(
        !evidence(&report, "not_found_responses").contains("robots.txt"),
        "{report}"
    );
    let (report, _) = with_stats(
        r#""downloader/response_status_count/404":41,"downloader/response_status_count/200":3,"robotstxt/response_status_count/404":1,"robotstxt/response_count":1"#,
        &[],
    );
    assert!(
        evidence(&report, "not_found_responses").contains("robots.txt's own response left out"),
        "{report}"
    );
}

#[test]
fn exception_kinds_and_drop_reasons_are_listed_when_the_stats_have_them() {
    let (report, _) = with_stats(
        r#""downloader/exception_count":40,"downloader/request_count":100,"downloader/exception_type_count/twisted.internet.error.DNSLookupError":40"#,
        &[],
    );
    assert!(
        evidence(&report, "downloader_exceptions")
            .contains("downloader/exception_type_count: twisted.internet.error.DNSLookupError ×40"),
        "{report}"
    );
    let (report, _) = with_stats(
        r#""downloader/exception_count":40,"downloader/request_count":100"#,
        &[],
    );
    assert!(
        !evidence(&report, "downloader_exceptions").contains("exception_type_count"),
        "{report}"
    );
    let (report, _) = with_stats(
        r#""item_dropped_count":90,"item_dropped_reasons_count/DropItem":90"#,
        &[],
    );
    assert!(
        evidence(&report, "items_dropped").contains("DropItem ×90"),
        "{report}"
    );
    let (report, _) = with_stats(r#""item_dropped_count":90"#, &[]);
    assert!(
        !evidence(&report, "items_dropped").contains("reason"),
        "{report}"
    );
}

#[test]
fn zero_items_is_left_to_outcomes_that_already_say_so() {
    for reason in ["slybot_fewitems_scraped", "closespider_timeout_no_item"] {
        let (report, _) = record(
            &format!(r#"{{"key":"1/2/3","close_reason":"{reason}","items":0,"errors":0}}"#),
            &[],
        );
        assert!(
            !ids(&report).contains(&"zero_items".to_string()),
            "{reason}: {report}"
        );
    }
    let (report, _) = record(
        r#"{"key":"1/2/3","close_reason":"finished","items":0,"errors":0}"#,
        &[],
    );
    assert_eq!(ids(&report), ["zero_items"]);
}

#[test]
fn a_zero_threshold_fires_on_one_not_on_none() {
    // A team that wants every error, drop and refusal seen sets the levels to 0: a job with
    // none of them still has no finding.
    let catalog = common::UserCatalog::new(
        "zero-levels",
        r#"{"checks": [
            {"id": "errors_logged", "levels": {"warning": 0}},
            {"id": "items_dropped", "levels": {"warning": 0}},
            {"id": "robots_forbidden", "levels": {"warning": 0}},
            {"id": "zyte_api_fatal_errors", "levels": {"warning": 0}}
        ]}"#,
    );
    let path = catalog.path.display().to_string();
    let with = ["--catalog", path.as_str()];
    let quiet = r#"{"key":"1/2/3","close_reason":"finished","items":10,"errors":0,"scrapystats":{"log_count/INFO":3,"item_dropped_count":0,"robotstxt/forbidden":0,"downloader/request_count":10,"scrapy-zyte-api/fatal_errors":0}}"#;
    for format in ["json", "line"] {
        let out = outcome()
            .args(["explain", "--format", format])
            .args(with)
            .write_stdin(quiet)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stdout_of(&out));
    }
    let (report, _) = record(
        r#"{"key":"1/2/3","close_reason":"finished","items":10,"errors":0}"#,
        &with,
    );
    assert_eq!(ids(&report), Vec::<String>::new());
    // A log without an ERROR line, under the same levels.
    let (report, code) = only("2.19.0", "clean", &with);
    assert_eq!((ids(&report).len(), code), (0, Some(0)), "{report}");
    let (report, _) = record(
        r#"{"key":"1/2/3","close_reason":"finished","items":10,"errors":1}"#,
        &with,
    );
    assert_eq!(ids(&report), ["errors_logged"]);
}

#[test]
fn callbacks_that_raised_beside_a_failed_start_are_counted_without_it() {
    // Two pages whose callback raised TypeError, then start() raised ValueError: Scrapy
    // 2.13+ counts all three in spider_exceptions, 2.11 only the callbacks'.
    let (report, _) = only("2.19.0", "start_error_and_callbacks", &[]);
    assert_eq!(report["outcome"], "start_error");
    assert_eq!(
        finding(&report, "spider_exceptions").map(|f| f["evidence"][0].clone()),
        Some(serde_json::Value::String(
            "2 unhandled exceptions in callbacks (spider_exceptions, less the one start() raised): TypeError ×2 (warning at 1)".to_string()
        ))
    );
    let (report, _) = only("2.11.2", "start_error_and_callbacks", &[]);
    assert_eq!(
        finding(&report, "spider_exceptions").map(|f| f["evidence"][0].clone()),
        Some(serde_json::Value::String(
            "2 unhandled exceptions in callbacks (spider_exceptions): TypeError ×2 (warning at 1)"
                .to_string()
        ))
    );
}

#[test]
fn error_kinds_past_the_third_are_counted_not_dropped() {
    // download_errors has three kinds of ERROR line: all three are shown, nothing "more".
    let (report, _) = only("2.19.0", "download_errors", &[]);
    let text = evidence(&report, "errors_logged");
    assert!(!text.contains("more kind"), "{text}");
    // The same log with a callback's error line (and its traceback) from another real run
    // before its close: a fourth kind, said as one more.
    let download = std::fs::read_to_string(real("2.19.0", "download_errors")).expect("log");
    let errors = std::fs::read_to_string(real("2.19.0", "errors")).expect("log");
    let callback_error: Vec<&str> = errors
        .lines()
        .skip_while(|l| !l.contains("Spider error processing"))
        .enumerate()
        .take_while(|(i, l)| *i == 0 || !l.starts_with("20"))
        .map(|(_, l)| l)
        .collect();
    let mut mixed = Vec::new();
    for line in download.lines() {
        if line.contains("INFO: Closing spider") {
            mixed.extend(callback_error.iter().copied());
        }
        mixed.push(line);
    }
    let out = outcome()
        .args(["explain", "--format", "json"])
        .write_stdin(mixed.join("\n"))
        .output()
        .expect("runs");
    let report = &json_lines(&out)[0];
    let text = evidence(report, "errors_logged");
    assert!(text.contains("\"and 1 more kind of error line\""), "{text}");
}

#[test]
fn memory_near_its_limit_is_said_in_mib_and_as_a_share() {
    let (report, _) = only("2.19.0", "memory_near_limit", &[]);
    let f = finding(&report, "memory_near_limit").expect("memory_near_limit");
    assert_eq!(
        f["evidence"][0],
        "peak 77 MiB (memusage/max) against a limit of 81 MiB, 95% of it (warning at 90%)"
    );
    let value = f["value"].as_f64().expect("value");
    assert!((value - 77.0 / 81.0).abs() < 0.01, "{f}");
}

#[test]
fn a_drained_queue_is_quiet_even_at_a_zero_threshold() {
    let catalog = common::UserCatalog::new(
        "zero-queue",
        r#"{"checks": [{"id": "queue_not_drained", "levels": {"warning": 0}}]}"#,
    );
    let path = catalog.path.display().to_string();
    let (report, code) = with_stats(
        r#""scheduler/enqueued":20,"scheduler/dequeued":20"#,
        &["--catalog", &path],
    );
    assert_eq!((ids(&report).len(), code), (0, Some(0)), "{report}");
    let (report, _) = with_stats(
        r#""scheduler/enqueued":20,"scheduler/dequeued":19"#,
        &["--catalog", &path],
    );
    assert_eq!(ids(&report), ["queue_not_drained"]);
}

#[test]
fn a_log_level_of_critical_means_errors_went_uncounted_in_a_closed_log_without_errors() {
    // A log gathered whatever its LOG_LEVEL (a platform's own handler keeps INFO lines):
    // clean.log with LOG_LEVEL CRITICAL among its overridden settings.
    let clean = std::fs::read_to_string(real("2.19.0", "clean")).expect("log");
    let critical = clean.replacen(
        " 'DOWNLOAD_TIMEOUT': 10,",
        " 'DOWNLOAD_TIMEOUT': 10,\n 'LOG_LEVEL': 'CRITICAL',",
        1,
    );
    assert_ne!(critical, clean);
    let judge = |text: String| {
        let out = outcome()
            .args(["explain", "--format", "json"])
            .write_stdin(text)
            .output()
            .expect("runs");
        json_lines(&out).remove(0)
    };
    let report = judge(critical.clone());
    assert_eq!(
        evidence(&report, "log_counts_unreliable"),
        r#"["LOG_LEVEL is CRITICAL (Overridden settings): ERROR lines are neither written nor counted"]"#
    );
    // A log that never closed says nothing of what was counted.
    let cut: String = critical
        .lines()
        .take_while(|l| !l.contains("Closing spider"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(finding(&judge(cut), "log_counts_unreliable").is_none());
    // Errors counted show the level let them through.
    let counted = critical.replacen(
        " 'log_count/INFO': 3,",
        " 'log_count/ERROR': 2,\n 'log_count/INFO': 3,",
        1,
    );
    assert_ne!(counted, critical);
    assert!(finding(&judge(counted), "log_counts_unreliable").is_none());
}
