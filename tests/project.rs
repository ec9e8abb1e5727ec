//! Per-spider expectations from a project file: `outcome.json` found beside `scrapy.cfg`,
//! rules by spider name or pattern, which spider a crawl is, and what each rule changes in
//! the verdict, on records, logs and real crawls under `outcome run`.

mod common;

use std::path::{Path, PathBuf};

use common::{finding_ids, fixture, outcome, real_scrapy, scrapy_project, stderr_of, stdout_of};
use serde_json::Value;

/// A Scrapy project directory (its `scrapy.cfg`) with an `outcome.json`, removed on drop.
struct Project {
    dir: PathBuf,
}

impl Project {
    fn new(tag: &str, rules: &str) -> Project {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("project-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("deep/down")).expect("project dir");
        std::fs::write(
            dir.join("scrapy.cfg"),
            "[settings]\ndefault = proj.settings\n",
        )
        .expect("scrapy.cfg");
        std::fs::write(dir.join("outcome.json"), rules).expect("outcome.json");
        Project { dir }
    }

    fn file(&self) -> String {
        self.dir.join("outcome.json").display().to_string()
    }

    /// `outcome ARGS` run from a directory inside the project, `input` on stdin.
    fn run(&self, args: &[&str], input: &str) -> std::process::Output {
        self.run_in(&self.dir.join("deep/down"), args, input)
    }

    fn run_in(&self, dir: &Path, args: &[&str], input: &str) -> std::process::Output {
        outcome()
            .current_dir(dir)
            .args(args)
            .write_stdin(input.to_string())
            .output()
            .expect("runs")
    }

    /// The one JSON answer of `explain --format json` for `input`, and the exit status.
    fn judged(&self, extra: &[&str], input: &str) -> (Value, Option<i32>) {
        let mut args = vec!["explain", "--format", "json"];
        args.extend_from_slice(extra);
        let out = self.run(&args, input);
        let text = stdout_of(&out);
        let answer = serde_json::from_str(text.trim())
            .unwrap_or_else(|e| panic!("{e}: {text} / {}", stderr_of(&out)));
        (answer, out.status.code())
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A finished job record of the jobs API.
fn record(spider: &str, reason: &str, items: u64, errors: u64, seconds: u64) -> String {
    let start = 1_764_900_000_000u64;
    format!(
        r#"{{"key":"1/2/3","spider":"{spider}","state":"finished","close_reason":"{reason}","items_scraped":{items},"errors_count":{errors},"running_time":{start},"finished_time":{}}}"#,
        start + seconds * 1000
    )
}

const BOOKS: &str = r#"{
  "spiders": [
    {
      "name": "books",
      "expect": ["closespider_timeout"],
      "items": {"min": 100, "max": 5000},
      "errors": {"max": 2},
      "duration": {"min": "1m", "max": "1h"}
    },
    {
      "name": "news_*",
      "findings": {"errors_logged": "off"},
      "checks": [{"id": "zero_items", "levels": {"warning": null, "critical": 1}}]
    },
    { "name": "*", "items": {"min": 1} }
  ]
}
"#;

#[test]
fn the_project_file_beside_scrapy_cfg_is_found_from_a_subdirectory() {
    let project = Project::new("found", BOOKS);
    let (answer, status) = project.judged(&[], &record("books", "finished", 10, 0, 600));
    assert_eq!(status, Some(1));
    assert_eq!(answer["spider_rule"]["name"], "books");
    assert_eq!(
        answer["spider_rule"]["place"],
        format!("{}:4", project.file())
    );
    assert_eq!(finding_ids(&answer), ["spider_items"]);
    assert_eq!(answer["deciding"], "spider_items");
    let evidence = answer["findings"][0]["evidence"][0]
        .as_str()
        .expect("evidence");
    assert!(
        evidence.starts_with("10 items scraped; the project file's rule for `books`")
            && evidence.ends_with("expects 100 to 5,000"),
        "{evidence}"
    );
    // Outside any project, the same record has no rule and nothing to fall short of.
    let outside = std::env::temp_dir();
    let out = project.run_in(
        &outside,
        &["explain", "--format", "json"],
        &record("books", "finished", 10, 0, 600),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout_of(&out));
    let answer: Value = serde_json::from_str(stdout_of(&out).trim()).expect("json");
    assert_eq!(answer["spider_rule"], Value::Null);
}

#[test]
fn an_outcome_json_without_scrapy_cfg_is_not_a_project_file() {
    let project = Project::new("nocfg", BOOKS);
    std::fs::remove_file(project.dir.join("scrapy.cfg")).expect("cfg removed");
    let (answer, status) = project.judged(&[], &record("books", "finished", 10, 0, 600));
    assert_eq!(status, Some(0));
    assert_eq!(answer["spider_rule"], Value::Null);
    assert_eq!(answer["notes"], serde_json::json!([]));
}

#[test]
fn catalog_and_outcome_catalog_outrank_the_project_file() {
    let project = Project::new("outrank", BOOKS);
    let other = common::UserCatalog::new(
        "outrank-other",
        r#"{"spiders": [{"name": "books", "items": {"min": 1}}]}"#,
    );
    let other_path = other.path.display().to_string();
    let (answer, status) = project.judged(
        &["--catalog", &other_path],
        &record("books", "finished", 10, 0, 600),
    );
    assert_eq!(
        (status, answer["spider_rule"]["place"].clone()),
        (Some(0), Value::String(format!("{other_path}:1")))
    );
    let out = outcome()
        .current_dir(project.dir.join("deep/down"))
        .env("OUTCOME_CATALOG", &other.path)
        .args(["explain", "--format", "json"])
        .write_stdin(record("books", "finished", 10, 0, 600))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stdout_of(&out));
    // `outcome list` names the project file as where the rules' checks come from.
    let listed = project.run(&["list", "--checks"], "");
    assert!(
        stdout_of(&listed).contains("spider_items"),
        "{}",
        stdout_of(&listed)
    );
}

#[test]
fn a_rule_expects_its_own_close_reasons_and_no_other_spiders() {
    let project = Project::new("expect", BOOKS);
    let (books, status) = project.judged(&[], &record("books", "closespider_timeout", 200, 0, 600));
    assert_eq!(status, Some(0));
    assert_eq!(books["expected"], true);
    assert_eq!(books["severity"], "ok");
    let (other, status) =
        project.judged(&[], &record("papers", "closespider_timeout", 200, 0, 600));
    assert_eq!(status, Some(1));
    assert_eq!(other["expected"], false);
    assert_eq!(other["spider_rule"]["name"], "*");
}

#[test]
fn items_errors_and_duration_are_held_to_the_rule() {
    let project = Project::new("numbers", BOOKS);
    let cases: [(u64, u64, u64, &[&str]); 7] = [
        (200, 0, 600, &[]),
        (100, 2, 60, &["errors_logged"]),
        (5000, 0, 3600, &[]),
        (99, 0, 600, &["spider_items"]),
        (5001, 0, 600, &["spider_items"]),
        (200, 3, 600, &["errors_logged", "spider_errors"]),
        (200, 0, 3601, &["spider_duration"]),
    ];
    for (items, errors, seconds, want) in cases {
        let (answer, status) =
            project.judged(&[], &record("books", "finished", items, errors, seconds));
        assert_eq!(
            finding_ids(&answer),
            want,
            "{items} items, {errors} errors, {seconds} s"
        );
        let want_status = i32::from(!want.is_empty());
        assert_eq!(status, Some(want_status), "{items} {errors} {seconds}");
    }
    let (short, _) = project.judged(&[], &record("books", "finished", 200, 0, 59));
    assert_eq!(
        short["findings"][0]["evidence"][0]
            .as_str()
            .expect("evidence")
            .split("; ")
            .next(),
        Some("ran 59s")
    );
}

#[test]
fn a_number_the_input_does_not_show_is_said_to_be_unchecked() {
    let project = Project::new("unchecked", BOOKS);
    let (answer, status) = project.judged(
        &[],
        r#"{"key":"1/2/3","spider":"books","state":"finished","close_reason":"finished"}"#,
    );
    assert_eq!(status, Some(0));
    let notes = answer["notes"].to_string();
    assert!(
        notes.contains(
            "expects items and errors and duration, which this input does not show: not checked"
        ),
        "{notes}"
    );
}

#[test]
fn patterns_match_and_the_first_matching_rule_decides() {
    let project = Project::new("patterns", BOOKS);
    // news_* turns errors_logged off and makes zero items critical; `*` is never reached.
    let (news, status) = project.judged(&[], &record("news_uk", "finished", 0, 7, 600));
    assert_eq!(news["spider_rule"]["name"], "news_*");
    assert_eq!(finding_ids(&news), ["zero_items"]);
    assert_eq!(news["findings"][0]["severity"], "critical");
    assert_eq!(status, Some(2));
    // `*` catches every other spider: one item is its floor.
    let (other, status) = project.judged(&[], &record("news", "finished", 0, 0, 600));
    assert_eq!(other["spider_rule"]["name"], "*");
    assert_eq!(finding_ids(&other), ["zero_items", "spider_items"]);
    assert_eq!(status, Some(1));
}

#[test]
fn the_command_line_outranks_a_rule() {
    let project = Project::new("cmdline", BOOKS);
    let (answer, status) = project.judged(
        &["--finding", "errors_logged=critical,spider_items=critical"],
        &record("news_uk", "finished", 3, 7, 600),
    );
    assert_eq!(finding_ids(&answer), ["errors_logged"]);
    assert_eq!(status, Some(2));
    let (answer, status) = project.judged(
        &["--finding", "spider_items=off"],
        &record("books", "finished", 3, 0, 600),
    );
    assert_eq!((finding_ids(&answer).len(), status), (0, Some(0)));
    let (answer, _) = project.judged(
        &["--finding", "spider_items=critical"],
        &record("books", "finished", 3, 0, 600),
    );
    assert_eq!(answer["severity"], "critical");
}

#[test]
fn a_crawl_no_rule_applies_to_says_why() {
    let only_books = r#"{"spiders": [{"name": "books", "items": {"min": 100}}]}"#;
    let project = Project::new("norule", only_books);
    let (answer, _) = project.judged(&[], &record("papers", "finished", 3, 0, 600));
    assert_eq!(answer["spider_rule"], Value::Null);
    assert_eq!(
        answer["notes"][0],
        format!(
            "no spider rule of the project file applies: {} has no rule for spider `papers`",
            project.file()
        )
    );
    let (answer, _) = project.judged(
        &[],
        r#"{"key":"1/2/3","state":"finished","close_reason":"finished","items_scraped":3}"#,
    );
    assert_eq!(
        answer["notes"][0],
        "no spider rule of the project file applies: the spider is not known (give it with --spider NAME)"
    );
    // The human card says the same.
    let out = project.run(&["explain"], &record("papers", "finished", 3, 0, 600));
    let words = stdout_of(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        words.contains("Note no spider rule of the project file applies:")
            && words.contains("has no rule for spider `papers`"),
        "{}",
        stdout_of(&out)
    );
}

#[test]
fn spider_names_the_spider_of_a_plain_log_and_a_bare_reason() {
    let project = Project::new("flag", BOOKS);
    let log = fixture("real/2.19.0/clean.log").display().to_string();
    // 5 items, below books's 100.
    let out = project.run(
        &[
            "explain", "--format", "json", "-i", &log, "--spider", "books",
        ],
        "",
    );
    let answer: Value = serde_json::from_str(stdout_of(&out).trim()).expect("json");
    assert_eq!(answer["job"]["spider"], "books");
    // 5 items in 0.04 s: below both of books's floors.
    assert_eq!(finding_ids(&answer), ["spider_items", "spider_duration"]);
    assert_eq!(out.status.code(), Some(1));
    let without = project.run(&["explain", "--format", "json", "-i", &log], "");
    let answer: Value = serde_json::from_str(stdout_of(&without).trim()).expect("json");
    assert_eq!(answer["spider_rule"], Value::Null);
    assert_eq!(without.status.code(), Some(0));
    // A bare reason: books expects closespider_timeout, other spiders do not.
    let bare = project.run(
        &["explain", "closespider_timeout", "--spider", "books", "-q"],
        "",
    );
    assert_eq!(bare.status.code(), Some(0));
    let bare = project.run(
        &["explain", "closespider_timeout", "--spider", "papers", "-q"],
        "",
    );
    assert_eq!(bare.status.code(), Some(1));
    // A record's own spider outranks --spider.
    let (answer, _) = project.judged(
        &["--spider", "books"],
        &record("news_uk", "finished", 3, 0, 600),
    );
    assert_eq!(answer["job"]["spider"], "news_uk");
    assert_eq!(answer["spider_rule"]["name"], "news_*");
}

#[test]
fn a_scrapyd_log_path_names_the_spider_its_rule_is_found_by() {
    let project = Project::new("scrapyd", BOOKS);
    let logs = project.dir.join("logs/proj/books");
    std::fs::create_dir_all(&logs).expect("logs dir");
    std::fs::copy(fixture("real/2.19.0/clean.log"), logs.join("job1.log")).expect("copied");
    let logs_root = project.dir.join("logs").display().to_string();
    let out = project.run(
        &[
            "explain", "--format", "json", "-i", &logs_root, "--spider", "papers",
        ],
        "",
    );
    let answer: Value = serde_json::from_str(stdout_of(&out).trim()).expect("json");
    assert_eq!(answer["job"]["spider"], "books");
    assert_eq!(answer["job"]["key"], "proj/books/job1");
    assert_eq!(answer["spider_rule"]["name"], "books");
    assert_eq!(finding_ids(&answer), ["spider_items", "spider_duration"]);
    assert!(!answer["notes"].to_string().contains("no spider rule"));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn summary_and_nagios_judge_each_job_by_its_spiders_rule() {
    let project = Project::new("summary", BOOKS);
    let jobs = [
        record("books", "finished", 200, 0, 600),
        record("books", "finished", 20, 0, 600),
        record("news_uk", "finished", 3, 9, 600),
    ]
    .join("\n");
    let out = project.run(&["summary", "--format", "nagios"], &jobs);
    assert_eq!(out.status.code(), Some(1), "{}", stdout_of(&out));
    let text = stdout_of(&out);
    assert!(text.contains("spider_items"), "{text}");
    assert!(!text.contains("errors_logged"), "{text}");
}

#[test]
fn mistakes_in_spider_rules_are_configuration_errors_with_their_place() {
    let cases = [
        (
            r#"{"spiders": [{"name": "books", "items": {"min": 10, "max": 1}}]}"#,
            ":1:23: spider `books`: items min 10 is above max 1",
        ),
        (
            r#"{"spiders": [{"name": "books", "duration": {"max": "2w"}}]}"#,
            "`2w` is not a duration",
        ),
        (
            "{\"spiders\": [\n  {\"name\": \"books\", \"findings\": {\"errors_logd\": \"off\"}}]}",
            ":2:12: spider `books`: there is no check `errors_logd`",
        ),
        (
            r#"{"spiders": [{"name": "books", "findings": {"errors_logged": "loud"}}]}"#,
            "is not a level",
        ),
        (
            r#"{"spiders": [{"name": "books", "checks": [{"id": "zero_items", "levels": {"warning": -1}}]}]}"#,
            "the warning threshold must be a number of 0 or more",
        ),
        (
            r#"{"spiders": [{"name": "books", "itmes": {"min": 1}}]}"#,
            "unknown field `itmes`",
        ),
        (
            "{\"spiders\": [{\"name\": \"books\"},\n {\"name\": \"books\"}]}",
            ":2:11: spider `books` is named twice in this file (also at line 1)",
        ),
        (
            r#"{"spiders": [{"name": " "}]}"#,
            "a spider rule needs a `name`",
        ),
        (
            r#"{"history": {"file": "runs.sqlite", "keep": 0}}"#,
            ":1:2: `history` needs a `file`, and a `keep` of 1 or more",
        ),
        (
            r#"{"history": {"path": "runs.sqlite"}}"#,
            "unknown field `path`",
        ),
        (
            r#"{"spiders": [{"name": "books", "items": 5}]}"#,
            "expected an object with a `min`, a `max` or both",
        ),
        (
            r#"{"spiders": [{"name": "books", "errors": 5}]}"#,
            "expected an object with a `max`",
        ),
        (
            r#"{"spiders": ["books"]}"#,
            "expected a spider rule, an object with a `name`",
        ),
        (
            r#"{"history": "runs.sqlite"}"#,
            "expected an object with a `file` and, if you like, a `keep`",
        ),
    ];
    for (text, want) in cases {
        let project = Project::new("mistake", text);
        let out = project.run(&["explain", "finished"], "");
        assert_eq!(out.status.code(), Some(78), "{text}");
        let err = stderr_of(&out);
        assert!(err.contains(want), "{text}\n{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(&project.file()), "{err}");
    }
}

#[test]
fn real_crawls_under_outcome_run_are_judged_by_their_spiders_rule() {
    let scrapy = real_scrapy().display().to_string();
    let project = Project::new(
        "realrun",
        r#"{
  "spiders": [
    { "name": "local", "items": {"min": 5} },
    { "name": "failing", "errors": {"max": 10},
      "findings": {"errors_logged": "off", "spider_exceptions": "off", "zero_items": "off"} },
    { "name": "slow", "expect": ["closespider_timeout"], "items": {"min": 1} }
  ]
}
"#,
    );
    scrapy_project(&project.dir);
    let run = |args: &[&str]| {
        let mut all = vec!["run", "--"];
        all.extend_from_slice(args);
        project.run_in(&project.dir, &all, "")
    };
    // local scrapes 2 items; its rule wants 5.
    let local = run(&[&scrapy, "crawl", "local"]);
    assert_eq!(local.status.code(), Some(1), "{}", stderr_of(&local));
    let last = stderr_of(&local)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    assert!(last.contains("spider_items"), "{last}");
    // failing logs 5 errors, within its budget of 10, with the checks it expects turned off.
    let failing = run(&[&scrapy, "crawl", "failing"]);
    assert_eq!(failing.status.code(), Some(0), "{}", stderr_of(&failing));
    // slow is meant to stop at its time limit.
    let slow = run(&[&scrapy, "crawl", "slow", "-s", "CLOSESPIDER_TIMEOUT=1"]);
    assert_eq!(slow.status.code(), Some(0), "{}", stderr_of(&slow));
    let last = stderr_of(&slow)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    assert!(last.contains("closespider_timeout"), "{last}");
    // Its report names the rule, and the outcome counts as expected by it.
    let report = project.dir.join("slow.json");
    let report_arg = report.display().to_string();
    let slow = project.run_in(
        &project.dir,
        &[
            "run",
            "--report",
            &report_arg,
            "--format",
            "json",
            "--",
            &scrapy,
            "crawl",
            "slow",
            "-s",
            "CLOSESPIDER_TIMEOUT=1",
        ],
        "",
    );
    assert_eq!(slow.status.code(), Some(0), "{}", stderr_of(&slow));
    let answer: Value =
        serde_json::from_str(std::fs::read_to_string(&report).expect("report").trim())
            .expect("json");
    assert_eq!(answer["spider_rule"]["name"], "slow");
    assert_eq!(answer["job"]["spider"], "slow");
    assert_eq!(answer["expected"], true);
}

#[test]
fn the_readmes_project_file_loads_and_means_what_it_says() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let section = readme
        .split("## Monitoring a project")
        .nth(1)
        .expect("the README has a Monitoring a project section");
    let example = section
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the section has a JSON example");
    let project = Project::new("readme", example);
    // Capped at 1,000 items by CLOSESPIDER_ITEMCOUNT, as the rule expects: OK.
    let (answer, status) =
        project.judged(&[], &record("books", "closespider_itemcount", 1000, 0, 600));
    assert_eq!(
        (answer["expected"].clone(), status),
        (Value::Bool(true), Some(0))
    );
    // Five errors are within the budget, six are not.
    let (answer, _) = project.judged(
        &["--finding", "errors_logged=off"],
        &record("books", "finished", 2000, 5, 600),
    );
    assert_eq!(finding_ids(&answer), Vec::<String>::new());
    let (answer, _) = project.judged(
        &["--finding", "errors_logged=off"],
        &record("books", "finished", 2000, 6, 600),
    );
    assert_eq!(finding_ids(&answer), ["spider_errors"]);
    // 90 seconds is under the two minutes a run takes.
    let (answer, _) = project.judged(&[], &record("books", "finished", 2000, 0, 90));
    assert_eq!(finding_ids(&answer), ["spider_duration"]);
    let (answer, status) = project.judged(&[], &record("news_daily", "finished", 0, 0, 90));
    assert_eq!(answer["spider_rule"]["name"], "news_*");
    assert_eq!(status, Some(1));
}

#[test]
fn a_rules_expected_reason_that_is_no_outcome_is_warned_about() {
    let project = Project::new(
        "typo",
        r#"{"spiders": [{"name": "books", "expect": ["closespider_itemcnt", "login_failed"]}]}"#,
    );
    let out = project.run(&["explain", "finished", "-q"], "");
    assert_eq!(out.status.code(), Some(0));
    let err = stderr_of(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].contains(&format!(
            "{}:1: spider `books`: no outcome is called `closespider_itemcnt` (did you mean `closespider_itemcount`?)",
            project.file()
        )),
        "{err}"
    );
    assert!(
        lines[1].contains("no outcome is called `login_failed`;"),
        "{err}"
    );
}

#[test]
fn a_scrapyd_log_read_from_elsewhere_is_named_by_its_log_file_setting() {
    // Scrapyd sets LOG_FILE to logs/<project>/<spider>/<job>.log; a copy of the log read
    // from another place still names its job and spider through that setting.
    let project = Project::new("logfile", BOOKS);
    let clean = std::fs::read_to_string(fixture("real/2.19.0/clean.log")).expect("log");
    let moved = clean.replacen(
        "'LOG_FILE': '/work/main/tests/fixtures/real/2.19.0/clean.log'",
        "'LOG_FILE': '/var/lib/scrapyd/logs/shop/books/5f3a.log'",
        1,
    );
    assert_ne!(moved, clean);
    let (answer, _) = project.judged(&[], &moved);
    assert_eq!(answer["job"]["key"], "shop/books/5f3a");
    assert_eq!(answer["job"]["spider"], "books");
    assert_eq!(answer["spider_rule"]["name"], "books");
}
