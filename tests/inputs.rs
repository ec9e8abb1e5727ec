//! Many inputs at once (issue 12, first part): several values for one `-i`, directories
//! read recursively in a sorted order, gzip told by its magic bytes, and what cannot be read
//! reported without stopping the rest.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::{outcome, rows, stderr_of};

/// A folder in Scrapyd's layout (`logs/<project>/<spider>/<job>.log`) of real logs, removed
/// on drop.
struct Tree(PathBuf);

impl Tree {
    fn new(tag: &str) -> Tree {
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("inputs-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("logs/proj/books")).expect("dirs");
        std::fs::create_dir_all(root.join("logs/proj/quotes")).expect("dirs");
        Tree(root)
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    fn copy(&self, version: &str, log: &str, to: &str) {
        std::fs::copy(real(version, log), self.path(to)).expect("copies");
    }

    fn gzip(&self, bytes: &[u8], to: &str) {
        let file = std::fs::File::create(self.path(to)).expect("creates");
        let mut encoder = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        encoder.write_all(bytes).expect("compresses");
        encoder.finish().expect("finishes");
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn real(version: &str, log: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(version)
        .join(format!("{log}.log"))
}

fn outcomes(output: &std::process::Output) -> Vec<String> {
    rows(output).into_iter().map(|r| r[1].clone()).collect()
}

#[test]
fn a_directory_is_read_recursively_in_sorted_order() {
    let tree = Tree::new("sorted");
    tree.copy("2.19.0", "clean", "logs/proj/books/b.log");
    tree.copy("2.19.0", "memusage", "logs/proj/books/a.log");
    tree.copy("2.11.2", "two_crawlers", "logs/proj/quotes/c.log");
    std::fs::write(
        tree.path("logs/jobs.jl"),
        "{\"key\":\"1/2/3\",\"close_reason\":\"banned\"}\n",
    )
    .expect("writes");
    for command in ["explain", "summary"] {
        let output = outcome()
            .args([command, "--format", "line", "-i"])
            .arg(tree.path("logs"))
            .output()
            .expect("runs");
        assert_eq!(
            output.status.code(),
            Some(2),
            "{command}: {}",
            stderr_of(&output)
        );
        if command == "explain" {
            assert_eq!(
                outcomes(&output),
                [
                    "banned",
                    "memusage_exceeded",
                    "finished",
                    "closespider_errorcount",
                    "finished"
                ]
            );
        } else {
            let total: u64 = rows(&output)
                .iter()
                .map(|r| r[2].parse::<u64>().unwrap_or(0))
                .sum();
            assert_eq!(total, 5, "one answer per crawl of every file");
        }
    }
}

#[test]
fn gzip_is_read_by_its_magic_bytes() {
    let tree = Tree::new("gzip");
    let log = std::fs::read(real("2.19.0", "closespider_errorcount")).expect("fixture");
    // Named without .gz on purpose: the content decides.
    tree.gzip(&log, "logs/proj/books/job.log");
    let mut stream = String::new();
    for i in 0..2000 {
        stream.push_str(&format!(
            "{{\"key\":\"p/s/{i}\",\"close_reason\":\"finished\",\"items\":1}}\n"
        ));
    }
    tree.gzip(stream.as_bytes(), "logs/jobs.jl.gz");
    let output = outcome()
        .args(["explain", "--format", "line", "-i"])
        .arg(tree.path("logs/proj/books/job.log"))
        .output()
        .expect("runs");
    assert_eq!(outcomes(&output), ["closespider_errorcount"]);
    let output = outcome()
        .args(["summary", "--format", "json", "-i"])
        .arg(tree.path("logs/jobs.jl.gz"))
        .output()
        .expect("runs");
    assert_eq!(common::json_lines(&output)[0]["total"], 2000);
    // On stdin too.
    let compressed = std::fs::read(tree.path("logs/proj/books/job.log")).expect("reads");
    let output = outcome()
        .args(["explain", "--format", "line"])
        .write_stdin(compressed)
        .output()
        .expect("runs");
    assert_eq!(outcomes(&output), ["closespider_errorcount"]);
}

#[test]
fn corrupt_gzip_is_a_data_error_naming_it() {
    let tree = Tree::new("corrupt");
    std::fs::write(
        tree.path("logs/bad.gz"),
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage",
    )
    .expect("writes");
    let output = outcome()
        .args(["explain", "-i"])
        .arg(tree.path("logs/bad.gz"))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(65));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("bad.gz: gzip-compressed data that cannot be decompressed"),
        "{stderr}"
    );
}

#[test]
fn loops_and_unreadable_entries_are_reported_not_fatal() {
    let tree = Tree::new("loops");
    tree.copy("2.19.0", "clean", "logs/proj/books/job.log");
    std::os::unix::fs::symlink("..", tree.path("logs/proj/quotes/loop")).expect("link");
    std::os::unix::fs::symlink("/nonexistent/outcome-test", tree.path("logs/proj/dangling"))
        .expect("link");
    let output = outcome()
        .args(["explain", "--format", "line", "-i"])
        .arg(tree.path("logs"))
        .output()
        .expect("runs");
    assert_eq!(outcomes(&output), ["finished"]);
    let stderr = stderr_of(&output);
    assert!(stderr.contains("symbolic link loop"), "{stderr}");
    assert!(stderr.contains("dangling: no such file"), "{stderr}");
    assert_eq!(
        output.status.code(),
        Some(66),
        "an unreadable input outranks the verdict"
    );
}

#[test]
fn one_input_option_takes_several_values_of_every_format() {
    let tree = Tree::new("several");
    tree.copy("2.19.0", "sigint", "logs/a.log");
    std::fs::write(
        tree.path("logs/b.json"),
        "{\"key\":\"1/2/3\",\"close_reason\":\"failed\"}",
    )
    .expect("writes");
    std::fs::write(tree.path("logs/c.txt"), "finished\nclosespider_itemcount\n").expect("writes");
    tree.gzip(
        b"[{\"id\":\"1/2/4\",\"close_reason\":\"finished\",\"items_scraped\":3}]",
        "logs/d",
    );
    let files: Vec<PathBuf> = ["a.log", "b.json", "c.txt", "d"]
        .iter()
        .map(|f| tree.path("logs").join(f))
        .collect();
    let output = outcome()
        .args(["explain", "--format", "line", "-i"])
        .args(&files)
        .output()
        .expect("runs");
    assert_eq!(
        outcomes(&output),
        [
            "shutdown",
            "failed",
            "finished",
            "closespider_itemcount",
            "finished"
        ]
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(Path::new(&files[0]).exists());
}

#[test]
fn scrapyd_paths_give_job_keys_and_spiders() {
    let tree = Tree::new("scrapyd");
    tree.copy("2.19.0", "clean", "logs/proj/books/5f3a.log");
    tree.copy("2.19.0", "memusage", "logs/proj/quotes/9c1e.log");
    let output = outcome()
        .args(["explain", "--format", "line", "-i"])
        .arg(tree.path("logs"))
        .output()
        .expect("runs");
    let keys: Vec<String> = rows(&output).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(keys, ["proj/books/5f3a", "proj/quotes/9c1e"]);
    let output = outcome()
        .args(["summary", "--by", "spider", "--format", "line", "-i"])
        .arg(tree.path("logs"))
        .output()
        .expect("runs");
    let spiders: Vec<String> = rows(&output).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(spiders, ["books", "quotes"]);
}

fn jobs() -> String {
    let mut jobs = String::new();
    for i in 0..5 {
        jobs.push_str(&format!(
            "{{\"key\":\"1/2/{i}\",\"close_reason\":\"banned\"}}\n"
        ));
    }
    jobs.push_str("{\"key\":\"1/2/9\",\"close_reason\":\"finished\",\"items\":1}\n");
    jobs
}

#[test]
fn only_filters_what_is_shown_not_the_status() {
    for format in ["line", "json", "human"] {
        let output = outcome()
            .args(["explain", "--only", "OK", "--format", format])
            .write_stdin(jobs())
            .output()
            .expect("runs");
        let stdout = common::stdout_of(&output);
        assert!(!stdout.contains("banned"), "{format}: {stdout}");
        assert!(stdout.contains("finished"), "{format}: {stdout}");
        assert_eq!(
            output.status.code(),
            Some(2),
            "{format}: the status covers every job"
        );
    }
    let output = outcome()
        .args(["summary", "--only", "critical", "--format", "line"])
        .write_stdin(jobs())
        .output()
        .expect("runs");
    assert_eq!(outcomes_of_summary(&output), ["banned"]);
    assert_eq!(output.status.code(), Some(2));
}

fn outcomes_of_summary(output: &std::process::Output) -> Vec<String> {
    rows(output).into_iter().map(|r| r[0].clone()).collect()
}

#[test]
fn summary_names_the_jobs_behind_each_row() {
    let output = outcome()
        .args(["summary", "--format", "json"])
        .write_stdin(jobs())
        .output()
        .expect("runs");
    let summary = &common::json_lines(&output)[0];
    assert_eq!(
        summary["outcomes"][0]["jobs"],
        serde_json::json!(["1/2/0", "1/2/1", "1/2/2", "1/2/3", "1/2/4"])
    );
    assert_eq!(summary["outcomes"][1]["jobs"], serde_json::json!(["1/2/9"]));
    for (keys, shown, more) in [
        ("3", "1/2/0, 1/2/1, 1/2/2", "(and 2 more)"),
        ("5", "1/2/0, 1/2/1, 1/2/2, 1/2/3, 1/2/4", ""),
    ] {
        let output = outcome()
            .args(["summary", "--keys", keys])
            .write_stdin(jobs())
            .output()
            .expect("runs");
        let stdout = common::stdout_of(&output);
        assert!(stdout.contains(shown), "{stdout}");
        assert!(stdout.contains(more), "{stdout}");
    }
    let output = outcome()
        .args(["summary", "--keys", "0"])
        .write_stdin(jobs())
        .output()
        .expect("runs");
    assert!(!common::stdout_of(&output).contains("1/2/0"));
}

#[test]
fn a_long_summary_names_a_few_jobs_and_counts_the_rest() {
    // Long enough to be counted on several threads, whose kept keys are merged.
    let mut stream = String::new();
    for i in 0..4000 {
        stream.push_str(&format!(
            "{{\"key\":\"9/9/{i}\",\"close_reason\":\"banned\",\"spider\":\"s\"}}\n"
        ));
    }
    for by in [&[][..], &["--by", "spider"][..]] {
        let output = outcome()
            .arg("summary")
            .args(by)
            .write_stdin(stream.clone())
            .output()
            .expect("runs");
        let stdout = common::stdout_of(&output);
        assert!(
            stdout.contains("9/9/0, 9/9/1, 9/9/2 (and 3997 more)"),
            "{stdout}"
        );
    }
}

// Many files at once: small ones are read on several threads, joined in input order.

#[test]
fn many_small_files_keep_their_sorted_order_around_a_large_one_and_a_problem() {
    let tree = Tree::new("many");
    let mut expected = Vec::new();
    for i in 0..300 {
        let rel = format!("jobs/{:02}/{i:04}.jl", i % 7);
        let key = format!("1/{}/{i}", i % 7);
        std::fs::create_dir_all(tree.path(&rel).parent().expect("parent")).expect("dir");
        std::fs::write(
            tree.path(&rel),
            format!(
                "{{\"key\":\"{key}\",\"close_reason\":\"finished\",\"items\":{},\"errors\":0}}\n",
                i + 1
            ),
        )
        .expect("file");
        expected.push((rel, key));
    }
    // A file over 1 MiB is read in place, between the small ones around it.
    let mut big = String::new();
    let mut n = 0;
    while big.len() < 1_200_000 {
        big.push_str(&format!(
            "{{\"key\":\"big/{n}\",\"close_reason\":\"shutdown\",\"items\":1,\"errors\":0}}\n"
        ));
        n += 1;
    }
    std::fs::write(tree.path("jobs/03/0150.jl"), &big).expect("big");
    // A dangling link among them is reported, and the rest read.
    std::os::unix::fs::symlink(tree.path("nowhere"), tree.path("jobs/05/0001.jl")).expect("link");
    expected.sort();
    let mut keys = Vec::new();
    for (rel, key) in &expected {
        if rel == "jobs/03/0150.jl" {
            keys.extend((0..n).map(|i| format!("big/{i}")));
        } else {
            keys.push(key.clone());
        }
    }
    let output = outcome()
        .args(["explain", "--format", "line", "-i"])
        .arg(tree.path("jobs"))
        .output()
        .expect("runs");
    let got: Vec<String> = rows(&output).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(got.len(), keys.len());
    assert!(got == keys, "the order of the keys changed");
    assert_eq!(
        output.status.code(),
        Some(66),
        "the dangling link decides the status"
    );
    let stderr = stderr_of(&output);
    assert!(stderr.contains("0001.jl"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // The same jobs, counted once each.
    let output = outcome()
        .args(["summary", "--format", "json", "-i"])
        .arg(tree.path("jobs"))
        .output()
        .expect("runs");
    let summary: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("one JSON object");
    assert_eq!(summary["total"], keys.len() as u64);
    assert_eq!(
        summary["warning"], n as u64,
        "the shutdowns of the big file"
    );
}

#[test]
fn a_directory_with_one_record_still_gets_a_card() {
    let tree = Tree::new("one-card");
    std::fs::create_dir_all(tree.path("d/e")).expect("dir");
    std::fs::write(
        tree.path("d/e/job.json"),
        r#"{"key":"7/7/7","close_reason":"banned"}"#,
    )
    .expect("file");
    std::fs::write(tree.path("d/empty-dir-marker.txt"), "").expect("file");
    let output = outcome()
        .args(["explain", "-i"])
        .arg(tree.path("d/e"))
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(text.starts_with("banned  CRITICAL\n"), "{text}");
    assert_eq!(output.status.code(), Some(2));
}

/// Records with every shape the document splitter must step over: escaped quotes and
/// backslashes, brackets inside strings, nested containers, a string longer than the
/// reader's first buffer, and a bad value in the middle.
fn awkward_records() -> Vec<String> {
    let long = "x".repeat(40_000);
    vec![
        r#"{"key":"1/1/1","close_reason":"finished","items":3,"tags":["a]","b}","c\"]"]}"#
            .to_string(),
        r#"{"key":"1/1/2","close_reason":"banned","spider_args":{"q":"{[\\\"","n":[[1,2],[3,{"x":"}"}]]}}"#
            .to_string(),
        r#"{"key":"1/1/3","close_reason":"finished","items":nope}"#.to_string(),
        format!(r#"{{"key":"1/1/4","close_reason":"memusage_exceeded","note":"{long}\"}}"}}"#),
        r#"{"key":"1/1/5","close_reason":"cancelled","spider_args":{"deep":[{"a":[{"b":"]]]"}]}]}}"#
            .to_string(),
    ]
}

#[test]
fn documents_in_every_layout_give_the_same_answers_and_line_numbers() {
    let records = awkward_records();
    let values: Vec<serde_json::Value> = records
        .iter()
        .filter_map(|r| serde_json::from_str(r).ok())
        .collect();
    assert_eq!(values.len(), 4, "one record is bad on purpose");
    let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).expect("json");
    // The bad record, written as the tools would, pretty or compact.
    let bad_pretty =
        "{\n  \"key\": \"1/1/3\",\n  \"close_reason\": \"finished\",\n  \"items\": nope\n}";
    let mut pretty_array = String::from("[\n");
    let mut pretty_stream = String::new();
    for (i, value) in values.iter().enumerate() {
        if i == 2 {
            pretty_array.push_str(bad_pretty);
            pretty_array.push_str(",\n");
            pretty_stream.push_str(bad_pretty);
            pretty_stream.push('\n');
        }
        pretty_array.push_str(&pretty(value));
        pretty_array.push_str(if i + 1 < values.len() { ",\n" } else { "\n" });
        pretty_stream.push_str(&pretty(value));
        pretty_stream.push('\n');
    }
    pretty_array.push(']');
    let compact_array = format!("[{}]", records.join(","));
    let envelope = format!(
        r#"{{"status":"ok","count":5,"jobs":[{}]}}"#,
        records.join(", ")
    );
    let bad_line = |text: &str| {
        text.lines()
            .position(|l| l.contains("nope"))
            .map(|i| i as u64 + 1)
            .expect("bad line")
    };
    for (layout, text) in [
        ("pretty array", pretty_array),
        ("pretty stream", pretty_stream),
        ("compact array", compact_array),
        ("envelope", envelope),
    ] {
        let output = outcome()
            .args(["explain", "--format", "line"])
            .write_stdin(text.clone())
            .output()
            .expect("runs");
        let got: Vec<String> = rows(&output)
            .into_iter()
            .map(|r| format!("{} {}", r[0], r[1]))
            .collect();
        assert_eq!(
            got,
            [
                "1/1/1 finished",
                "1/1/2 banned",
                "1/1/4 memusage_exceeded",
                "1/1/5 cancelled"
            ],
            "{layout}"
        );
        let stderr = stderr_of(&output);
        let want = format!("<stdin>: line {}:", bad_line(&text));
        assert!(stderr.contains(&want), "{layout}: {want} in {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{layout}: {stderr}");
        assert_eq!(output.status.code(), Some(2), "{layout}");
    }
}

/// A real log grown to exactly `size` bytes with crawl lines after its header.
fn padded_log(size: usize) -> Vec<u8> {
    let log = std::fs::read(real("2.19.0", "closespider_errorcount")).expect("fixture");
    let header_end = log.iter().position(|&b| b == b'\n').expect("a line") + 1;
    let mut padding = Vec::new();
    let mut n = 0;
    while log.len() + padding.len() < size {
        let line = format!(
            "2026-11-24 01:59:03 [scrapy.core.engine] DEBUG: Crawled (200) <GET http://127.0.0.1/pad/{n}> (referer: None)\n"
        );
        padding.extend_from_slice(line.as_bytes());
        n += 1;
    }
    // Trim the last padding line's URL so that the whole file is `size` bytes.
    let excess = log.len() + padding.len() - size;
    if excess > 0 {
        let last_start = padding[..padding.len() - 1]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let keep = padding.len() - last_start - excess;
        assert!(keep > 1, "cannot pad to {size}");
        padding.truncate(last_start);
        padding.extend(std::iter::repeat_n(b'x', keep - 1));
        padding.push(b'\n');
    }
    let mut out = log[..header_end].to_vec();
    out.extend_from_slice(&padding);
    out.extend_from_slice(&log[header_end..]);
    assert_eq!(out.len(), size);
    out
}

#[test]
fn files_found_in_a_folder_are_read_whole_at_every_size_and_through_links() {
    // Around the reader's first buffer (16 KiB) and the size past which a file is read on
    // its own (1 MiB): each file must still be read to its close lines.
    let tree = Tree::new("sizes");
    let sizes = [
        14_354,
        16_383,
        16_384,
        16_385,
        32_769,
        1024 * 1024,
        1024 * 1024 + 1,
    ];
    for (i, size) in sizes.iter().enumerate() {
        std::fs::write(
            tree.path(&format!("logs/proj/books/{i}.log")),
            padded_log(*size),
        )
        .expect("writes");
    }
    tree.gzip(&padded_log(40_000), "logs/proj/books/7.log");
    std::fs::write(tree.path("logs/proj/books/8.log"), b"").expect("writes");
    std::os::unix::fs::symlink(
        tree.path("logs/proj/books/3.log"),
        tree.path("logs/proj/books/9.log"),
    )
    .expect("link");
    let output = outcome()
        .args(["explain", "--format", "line", "-i"])
        .arg(tree.path("logs"))
        .output()
        .expect("runs");
    let mut expected = vec!["closespider_errorcount"; 8];
    expected.push("-");
    expected.push("closespider_errorcount");
    assert_eq!(outcomes(&output), expected, "{}", stderr_of(&output));
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
}

/// The command's stdout and stderr on one pipe, as a terminal shows them.
fn merged(args: &[&str], stdin: &[u8]) -> String {
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg("exec \"$0\" \"$@\" 2>&1")
        .arg(env!("CARGO_BIN_EXE_outcome"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin).expect("writes");
    drop(input);
    let output = child.wait_with_output().expect("ends");
    String::from_utf8(output.stdout).expect("utf-8")
}

#[test]
fn a_bad_record_is_said_between_the_records_around_it() {
    // Read on the reading thread, output on another: what is said on stderr still comes
    // after the records before it and before those after it.
    let good =
        |n: u32| format!("{{\"key\":\"1/2/{n}\",\"close_reason\":\"finished\",\"items\":5}}\n");
    let stream = format!(
        "{}{{\"key\": oops}}\n{}not json at all {{\n{}",
        good(1),
        good(2),
        good(3)
    );
    let shown = merged(&["explain", "--format", "line"], stream.as_bytes());
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 5, "{shown}");
    assert!(lines[0].contains("1/2/1"), "{shown}");
    assert!(
        lines[1].starts_with("outcome: <stdin>: line 2: invalid JSON"),
        "{shown}"
    );
    assert!(lines[2].contains("1/2/2"), "{shown}");
    assert!(lines[3].starts_with("outcome: <stdin>: line 4:"), "{shown}");
    assert!(lines[4].contains("1/2/3"), "{shown}");
}

#[test]
fn a_file_that_cannot_be_read_is_said_between_the_files_around_it() {
    // Small files are read on workers, several at once; a failure still stands in its
    // place in the sorted order, between the outputs of the files around it.
    let tree = Tree::new("failure-order");
    for (name, key) in [("a.jl", "1/1/1"), ("c.jl", "1/1/3"), ("e.jl", "1/1/5")] {
        let record = format!("{{\"key\":\"{key}\",\"close_reason\":\"finished\",\"items\":5}}\n");
        std::fs::write(tree.path(name), record).expect("file");
    }
    std::fs::write(tree.path("b.bin"), b"\x7fELF\x02\x01\x01\0\0\0").expect("binary");
    std::fs::write(tree.path("d.jl.bz2"), b"BZh91AY&SY").expect("bzip2");
    let dir = tree.path("");
    let dir = dir.to_str().expect("utf-8 path");
    let shown = merged(&["explain", "--format", "line", "-i", dir], b"");
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 5, "{shown}");
    assert!(lines[0].contains("1/1/1"), "{shown}");
    assert!(lines[1].contains("b.bin: binary data"), "{shown}");
    assert!(lines[2].contains("1/1/3"), "{shown}");
    assert!(lines[3].contains("d.jl.bz2: bzip2"), "{shown}");
    assert!(lines[4].contains("1/1/5"), "{shown}");
}
