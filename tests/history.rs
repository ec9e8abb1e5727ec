//! The history store (`--history FILE`, or a project file's `history`): each crawl
//! compared with its spider's earlier runs kept between invocations, written safely by
//! several processes at once, bounded per spider, and never costing a verdict when it
//! fails.

mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};

use common::{
    finding_ids, outcome, real_scrapy, scrapy_project, std_outcome, stderr_of, stdout_of,
};
use serde_json::Value;

/// A directory of its own for one test, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("history-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Dir(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const DAY_MS: u64 = 86_400_000;

/// Run `n` of a spider: a day apart, ten minutes long unless `seconds` says otherwise.
fn record(spider: &str, n: u64, items: u64, seconds: u64) -> String {
    let start = 1_764_000_000_000 + n * DAY_MS;
    format!(
        r#"{{"key":"9/1/{n}","spider":"{spider}","state":"finished","close_reason":"finished","items_scraped":{items},"running_time":{start},"finished_time":{}}}"#,
        start + seconds * 1000
    )
}

/// `explain --format json --history STORE` of one record: its answer and exit status.
fn explain(store: &str, input: &str, extra: &[&str]) -> (Value, Option<i32>, String) {
    let out = outcome()
        .args(["explain", "--format", "json", "--history", store])
        .args(extra)
        .write_stdin(input.to_string())
        .output()
        .expect("runs");
    let text = stdout_of(&out);
    let answer = serde_json::from_str(text.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}: {text} / {}", stderr_of(&out)));
    (answer, out.status.code(), stderr_of(&out))
}

/// Rows of the store, read with Python's own sqlite3 (another SQLite than ours).
fn stored_rows(store: &str) -> Vec<String> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys\nfor r in sqlite3.connect(sys.argv[1]).execute('select spider, key, items, verdict from runs order by spider, time_ms'): print(*r, sep='|')",
            store,
        ])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn a_crawl_is_compared_with_its_spiders_runs_from_earlier_invocations() {
    let dir = Dir::new("explain");
    let store = dir.path("runs.sqlite");
    for n in 1..=2 {
        let (answer, status, _) = explain(&store, &record("books", n, 1000 + n, 600), &[]);
        assert_eq!(status, Some(0));
        assert_eq!(
            answer["notes"][0],
            format!(
                "history: {} earlier run{} of `books` in {store}, 3 needed to compare",
                n - 1,
                if n == 2 { "" } else { "s" }
            )
        );
    }
    let (answer, status, _) = explain(&store, &record("books", 3, 1003, 600), &[]);
    assert_eq!((finding_ids(&answer).len(), status), (0, Some(0)));
    // The fourth run scrapes a tenth of the usual: WARNING, raised by its history.
    let (answer, status, _) = explain(&store, &record("books", 4, 100, 600), &[]);
    assert_eq!(status, Some(1));
    assert_eq!(answer["deciding"], "items_below_history");
    assert_eq!(
        answer["findings"][0]["evidence"][0],
        "items 90% below this spider's median of 3 earlier runs (100 vs 1,002)"
    );
    // Another spider has its own history; a run of unknown spider is not kept.
    let (answer, status, _) = explain(&store, &record("papers", 4, 100, 600), &[]);
    assert_eq!((finding_ids(&answer).len(), status), (0, Some(0)));
    let (answer, _, _) = explain(
        &store,
        r#"{"key":"9/9/9","state":"finished","close_reason":"finished","items_scraped":1,"finished_time":1764000000000}"#,
        &[],
    );
    assert_eq!(
        answer["notes"][0],
        "history: not compared or kept: the spider is not known (give it with --spider NAME)"
    );
    assert_eq!(
        stored_rows(&store),
        [
            "books|9/1/1|1001|ok",
            "books|9/1/2|1002|ok",
            "books|9/1/3|1003|ok",
            "books|9/1/4|100|warning",
            "papers|9/1/4|100|ok",
        ]
    );
    // Judging a run again replaces it, and it is never compared with itself.
    let (answer, _, _) = explain(&store, &record("books", 4, 100, 600), &[]);
    assert_eq!(
        answer["findings"][0]["evidence"][0],
        "items 90% below this spider's median of 3 earlier runs (100 vs 1,002)"
    );
    assert_eq!(stored_rows(&store).len(), 5);
}

#[test]
fn a_project_files_history_is_found_beside_it_keeps_n_runs_and_uses_the_rules_levels() {
    let dir = Dir::new("project");
    std::fs::write(
        dir.0.join("scrapy.cfg"),
        "[settings]\ndefault = proj.settings\n",
    )
    .expect("cfg");
    std::fs::write(
        dir.0.join("outcome.json"),
        r#"{
  "history": {"file": "var/runs.sqlite", "keep": 4},
  "spiders": [{"name": "books", "checks": [{"id": "items_below_history", "levels": {"warning": 0.2}}]}]
}"#,
    )
    .expect("project file");
    std::fs::create_dir_all(dir.0.join("var")).expect("var");
    let explain_here = |input: String| {
        let out = outcome()
            .current_dir(&dir.0)
            .args(["explain", "--format", "json"])
            .write_stdin(input)
            .output()
            .expect("runs");
        let answer: Value = serde_json::from_str(stdout_of(&out).trim()).expect("json");
        (answer, out.status.code())
    };
    for n in 1..=6 {
        explain_here(record("books", n, 1000, 600));
    }
    let store = dir.path("var/runs.sqlite");
    assert_eq!(stored_rows(&store).len(), 4, "keep 4");
    // A 30% drop: below books's own level of 20%, not the built-in 50%.
    let (answer, status) = explain_here(record("books", 7, 700, 600));
    assert_eq!(status, Some(1));
    assert_eq!(
        answer["findings"][0]["evidence"][0],
        "items 30% below this spider's median of 4 earlier runs (700 vs 1,000)"
    );
    // --history outranks the file's.
    let other = dir.path("other.sqlite");
    let out = outcome()
        .current_dir(&dir.0)
        .args(["explain", "--format", "line", "--history", &other])
        .write_stdin(record("books", 8, 1, 600))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stored_rows(&other).len(), 1);
}

#[test]
fn summary_compares_its_input_with_the_store_and_never_a_run_with_itself() {
    let dir = Dir::new("summary");
    let store = dir.path("runs.sqlite");
    let earlier: Vec<String> = (1..=5).map(|n| record("books", n, 1000, 600)).collect();
    let summary = |input: &str| {
        let out = outcome()
            .args(["summary", "--format", "json", "--history", &store])
            .write_stdin(input.to_string())
            .output()
            .expect("runs");
        let answer: Value = serde_json::from_str(stdout_of(&out).trim()).expect("json");
        (answer, out.status.code())
    };
    let (answer, status) = summary(&earlier.join("\n"));
    assert_eq!(status, Some(0), "{answer}");
    // The same five again: each is the same run as its stored copy, so nothing changes.
    let (_, status) = summary(&earlier.join("\n"));
    assert_eq!(status, Some(0));
    assert_eq!(stored_rows(&store).len(), 5);
    // A new run alone in the input is compared with the five in the store.
    let (answer, status) = summary(&record("books", 6, 100, 600));
    assert_eq!(status, Some(1), "{answer}");
    let history = answer["history"].to_string();
    assert!(
        history.contains("items 90% below this spider's median of 5 earlier runs (100 vs 1,000)"),
        "{history}"
    );
}

#[test]
fn a_store_that_is_no_store_costs_no_verdict() {
    let dir = Dir::new("corrupt");
    let store = dir.path("runs.sqlite");
    std::fs::write(
        &store,
        "not a database at all, but plain text long enough to look like one",
    )
    .expect("junk");
    let (answer, status, err) = explain(&store, &record("books", 1, 0, 600), &[]);
    assert_eq!(answer["severity"], "warning");
    assert_eq!(
        status,
        Some(1),
        "zero items: the verdict's status, not an error's"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!("outcome: history {store}: file is not a database")),
        "{err}"
    );
    assert!(err.contains("judged without it"), "{err}");
    // Its contents are left as they were.
    assert!(std::fs::read_to_string(&store)
        .expect("read")
        .starts_with("not a database"));
    // A directory where the file should be.
    let (_, status, err) = explain(&dir.path(""), &record("books", 1, 5, 600), &[]);
    assert_eq!(status, Some(0));
    assert!(err.starts_with("outcome: history "), "{err}");
}

#[test]
fn a_store_locked_past_the_wait_is_said_and_the_verdict_stands() {
    let dir = Dir::new("locked");
    let store = dir.path("runs.sqlite");
    explain(&store, &record("books", 1, 10, 600), &[]);
    // Another process holds the write lock for longer than outcome waits (5 s).
    let mut holder = Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys,time\nc=sqlite3.connect(sys.argv[1], isolation_level=None)\nc.execute('BEGIN EXCLUSIVE')\nprint('locked', flush=True)\ntime.sleep(8)\nc.execute('ROLLBACK')",
            &store,
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 starts");
    let mut line = String::new();
    use std::io::BufRead;
    std::io::BufReader::new(holder.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("lock taken");
    assert_eq!(line.trim(), "locked");
    let (answer, status, err) = explain(&store, &record("books", 2, 0, 600), &[]);
    let _ = holder.kill();
    let _ = holder.wait();
    assert_eq!(
        (answer["severity"].as_str(), status),
        (Some("warning"), Some(1))
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(
            ": locked by another process for more than 5 s; the crawls are judged without it"
        ),
        "{err}"
    );
}

#[test]
fn concurrent_writers_lose_no_run() {
    let dir = Dir::new("concurrent");
    let store = dir.path("runs.sqlite");
    let scrapy = real_scrapy().display().to_string();
    let project = dir.0.join("project");
    scrapy_project(&project);
    // Twelve processes at once: eight explain 100 records each (their own keys), four
    // wrap real crawls of the same spider.
    let mut children = Vec::new();
    for writer in 0..8u64 {
        let records: Vec<String> = (0..100)
            .map(|n| record(&format!("spider{writer}"), n, 10 + n, 60))
            .collect();
        let path = dir.0.join(format!("in{writer}.jl"));
        std::fs::write(&path, records.join("\n")).expect("input");
        children.push(
            std_outcome()
                .args([
                    "explain",
                    "--format",
                    "line",
                    "-q",
                    "--history",
                    &store,
                    "-i",
                ])
                .arg(&path)
                .spawn()
                .expect("starts"),
        );
    }
    for _ in 0..4 {
        children.push(
            std_outcome()
                .current_dir(&project)
                .args(["run", "--history", &store, "--", &scrapy, "crawl", "local"])
                .stderr(Stdio::null())
                .spawn()
                .expect("starts"),
        );
    }
    for mut child in children {
        let status = child.wait().expect("waited");
        assert!(status.code().is_some_and(|c| c <= 1), "{status}");
    }
    let rows = stored_rows(&store);
    for writer in 0..8 {
        let spider = format!("spider{writer}|");
        assert_eq!(
            rows.iter().filter(|r| r.starts_with(&spider)).count(),
            100,
            "{spider}"
        );
    }
    assert_eq!(
        rows.iter().filter(|r| r.starts_with("local|")).count(),
        4,
        "{rows:?}"
    );
}

#[test]
fn real_crawls_under_outcome_run_are_compared_with_their_earlier_runs() {
    let dir = Dir::new("realrun");
    let store = dir.path("runs.sqlite");
    let scrapy = real_scrapy().display().to_string();
    scrapy_project(&dir.0);
    let crawl = |pages: &str| {
        std_outcome()
            .current_dir(&dir.0)
            .args([
                "run",
                "--history",
                &store,
                // Tiny crawls' durations vary too much to compare.
                "--finding",
                "duration_above_history=off",
                "--",
                &scrapy,
                "crawl",
                "local",
                "-a",
                &format!("pages={pages}"),
            ])
            .output()
            .expect("runs")
    };
    for _ in 0..3 {
        let out = crawl("4");
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    }
    let out = crawl("1");
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let last = stderr_of(&out)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    assert!(last.contains("items_below_history"), "{last}");
    let rows = stored_rows(&dir.path("runs.sqlite"));
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(rows[3].ends_with("|1|warning"), "{rows:?}");
}

#[test]
fn reasons_alone_have_nothing_to_keep_so_no_store_is_made_or_read() {
    let dir = Dir::new("reasons");
    let store = dir.path("runs.sqlite");
    // Given on the command line, piped in, and with a store that is not one: a bare
    // reason is no crawl, so the store is neither created nor complained about.
    for (args, input) in [
        (vec!["explain", "memusage_exceeded"], ""),
        (vec!["explain"], "finished\nshutdown\n"),
        (vec!["summary"], "finished\nshutdown\n"),
    ] {
        let out = outcome()
            .args(&args)
            .args(["--history", &store])
            .write_stdin(input)
            .output()
            .expect("runs");
        assert_eq!(stderr_of(&out), "", "{args:?}");
        assert!(!std::path::Path::new(&store).exists(), "{args:?}");
    }
    std::fs::write(&store, "not a database at all, but plain text long enough").expect("junk");
    let out = outcome()
        .args(["explain", "cancelled", "--history", &store])
        .output()
        .expect("runs");
    assert_eq!(stderr_of(&out), "");
    // A crawl: then the store is opened, and its problem said once.
    let out = outcome()
        .args(["explain", "--history", &store])
        .write_stdin(format!("{}\n", record("books", 1, 5, 600)))
        .output()
        .expect("runs");
    assert_eq!(stderr_of(&out).lines().count(), 1, "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("file is not a database"));
}

#[test]
fn a_store_that_cannot_be_opened_is_named_once_with_the_reason() {
    let dir = Dir::new("unopenable");
    let missing = dir.path("no/such/dir/runs.sqlite");
    let (answer, status, err) = explain(&missing, &record("books", 1, 5, 600), &[]);
    assert_eq!((answer["severity"].as_str(), status), (Some("ok"), Some(0)));
    assert_eq!(
        err.trim_end(),
        format!(
            "outcome: history {missing}: its directory does not exist; the crawls are judged without it"
        )
    );
    // A directory where the file should be.
    let (_, status, err) = explain(&dir.path(""), &record("books", 1, 5, 600), &[]);
    assert_eq!(status, Some(0));
    assert_eq!(
        err.matches(dir.0.to_str().expect("utf-8")).count(),
        1,
        "{err}"
    );
    assert!(
        err.contains(": is a directory; the crawls are judged without it"),
        "{err}"
    );
}
