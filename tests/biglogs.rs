//! Big log files (16 MiB and more) are read on every core, region by region; a pipe is read
//! on one thread. Both readings must give the same answers, with the same line numbers,
//! wherever the regions' edges fall: inside a traceback, a stats dump, a CRLF ending, after
//! a byte order mark, before a line too long to hold.

mod common;

use std::path::PathBuf;

use common::{outcome, stderr_of, stdout_of};

/// Large enough to be read on every core.
const BIG: usize = 17 * 1024 * 1024;

fn real(log: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real/2.19.0")
        .join(format!("{log}.log"));
    std::fs::read_to_string(path).expect("fixture")
}

/// A real log grown past `BIG`: its header, then its crawl (errors, tracebacks) repeated,
/// then its close and dump. `shift` bytes of one extra line move every region edge.
fn grown(log: &str, shift: usize) -> String {
    let text = real(log);
    let lines: Vec<&str> = text.lines().collect();
    let opened = lines
        .iter()
        .position(|l| l.contains("Spider opened"))
        .expect("opened");
    let closing = lines
        .iter()
        .position(|l| l.contains("Closing spider ("))
        .expect("closing");
    let mut out = String::new();
    for line in &lines[..=opened] {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&format!(
        "2026-11-24 01:59:02 [scrapy.core.engine] DEBUG: Crawled (200) <GET http://127.0.0.1/{}> (referer: None)\n",
        "s".repeat(shift)
    ));
    let body: String = lines[opened + 1..closing]
        .iter()
        .map(|l| format!("{l}\n"))
        .collect();
    while out.len() < BIG {
        out.push_str(&body);
    }
    for line in &lines[closing..] {
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn dir() -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("biglogs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

/// The JSON answers and status for the file read by name and the same bytes piped in.
fn both_ways(name: &str, bytes: &[u8]) -> (String, String) {
    let path = dir().join(name);
    std::fs::write(&path, bytes).expect("writes");
    let by_name = outcome()
        .args(["explain", "--format", "json", "-i"])
        .arg(&path)
        .output()
        .expect("runs");
    let piped = outcome()
        .args(["explain", "--format", "json"])
        .write_stdin(bytes.to_vec())
        .output()
        .expect("runs");
    let _ = std::fs::remove_file(&path);
    assert_eq!(
        by_name.status.code(),
        piped.status.code(),
        "{name}: {}",
        stderr_of(&by_name)
    );
    let shown = path.display().to_string();
    let file_answer = stdout_of(&by_name).replace(&shown, "<stdin>");
    (file_answer, stdout_of(&piped))
}

#[test]
fn every_region_edge_gives_the_one_thread_answer() {
    for (log, shift) in [
        ("errors", 0),
        ("errors", 137),
        ("errors", 4099),
        ("memusage", 1),
        ("two_crawlers", 300),
        ("closespider_errorcount", 70_001),
    ] {
        let text = grown(log, shift);
        let (by_name, piped) = both_ways(&format!("{log}-{shift}.log"), text.as_bytes());
        assert_eq!(by_name, piped, "{log} shifted {shift}");
        assert!(by_name.contains("\"line\""), "{by_name}");
    }
}

#[test]
fn crlf_a_byte_order_mark_and_no_last_newline_read_the_same() {
    let text = grown("errors", 11).replace('\n', "\r\n");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.trim_end().as_bytes());
    let (by_name, piped) = both_ways("crlf.log", &bytes);
    assert_eq!(by_name, piped);
    assert!(by_name.contains("finished"), "{by_name}");
}

#[test]
fn a_line_too_long_to_hold_is_skipped_the_same_way() {
    // Past the 64 MiB line cap, in the middle of a big log: skipped and counted, the rest
    // read, the line numbers after it unchanged.
    let text = grown("errors", 5);
    let middle = text[text.len() / 2..].find('\n').expect("a line") + text.len() / 2 + 1;
    let mut bytes = text.as_bytes()[..middle].to_vec();
    bytes.extend(std::iter::repeat_n(b'x', 65 * 1024 * 1024));
    bytes.push(b'\n');
    bytes.extend_from_slice(&text.as_bytes()[middle..]);
    let (by_name, piped) = both_ways("long-line.log", &bytes);
    assert_eq!(by_name, piped);
    assert!(by_name.contains("finished"), "{by_name}");
}

/// A big JSON Lines stream: the mixed, corrupt and Logs API fixtures and the real Scrapy
/// Cloud samples, repeated with their keys numbered, past `BIG`.
fn big_stream(crlf: bool) -> Vec<u8> {
    let fixtures = ["jobs_mixed.jl", "jobs_corrupt.jl", "logs_api.jl"];
    let mut lines = Vec::new();
    for name in fixtures {
        let text = std::fs::read_to_string(common::fixture(name)).expect("fixture");
        lines.extend(text.lines().map(str::to_string));
    }
    lines.push("{\"key\":\"9/9/9\",\"close_reason\":\"caf\u{e9} \u{1f577}\"}".to_string());
    let mut out = Vec::new();
    let mut n = 0u64;
    while out.len() < BIG {
        for line in &lines {
            n += 1;
            let line = line.replace("\"key\":\"", &format!("\"key\":\"{n}"));
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
        }
        // A line that is not UTF-8, now and then.
        out.extend_from_slice(b"{\"key\":\"bad\xff\",\"close_reason\":\"finished\"}\n");
    }
    out
}

/// Stdout and stderr of `args` with the stream named, redirected from the file, and piped.
fn three_ways(name: &str, bytes: &[u8], args: &[&str]) -> [(Option<i32>, String, String); 3] {
    let path = dir().join(name);
    std::fs::write(&path, bytes).expect("writes");
    let shown = path.display().to_string();
    let by_name = outcome()
        .args(args)
        .arg("-i")
        .arg(&path)
        .output()
        .expect("runs");
    let redirected = common::std_outcome()
        .args(args)
        .stdin(std::fs::File::open(&path).expect("opens"))
        .output()
        .expect("runs");
    let piped = outcome()
        .args(args)
        .write_stdin(bytes.to_vec())
        .output()
        .expect("runs");
    let _ = std::fs::remove_file(&path);
    [by_name, redirected, piped].map(|o| {
        (
            o.status.code(),
            stdout_of(&o).replace(&shown, "<stdin>"),
            stderr_of(&o).replace(&shown, "<stdin>"),
        )
    })
}

#[test]
fn a_big_stream_read_on_every_core_gives_the_one_thread_answers() {
    for (crlf, bom) in [(false, false), (true, true)] {
        let mut bytes = if bom {
            b"\xEF\xBB\xBF".to_vec()
        } else {
            Vec::new()
        };
        bytes.extend_from_slice(&big_stream(crlf));
        for args in [
            &["explain", "--format", "line"][..],
            &["explain", "--format", "json"],
            &["summary", "--format", "json"],
        ] {
            let [by_name, redirected, piped] = three_ways("stream.jl", &bytes, args);
            assert_eq!(by_name, piped, "{args:?} crlf {crlf}");
            assert_eq!(redirected, piped, "{args:?} crlf {crlf}");
            assert!(piped.2.contains("line 10: invalid JSON"), "{}", piped.2);
        }
    }
}

#[test]
fn a_record_too_long_to_hold_in_a_big_stream_is_reported_in_its_place() {
    let stream = big_stream(false);
    let middle = stream[stream.len() / 2..]
        .iter()
        .position(|&b| b == b'\n')
        .expect("a line")
        + stream.len() / 2
        + 1;
    let mut bytes = stream[..middle].to_vec();
    bytes.extend_from_slice(b"{\"key\":\"");
    bytes.extend(std::iter::repeat_n(b'k', 65 * 1024 * 1024));
    bytes.extend_from_slice(b"\"}\n");
    bytes.extend_from_slice(&stream[middle..]);
    let [by_name, redirected, piped] =
        three_ways("long.jl", &bytes, &["explain", "--format", "line"]);
    if by_name != piped {
        std::fs::write(
            "/tmp/t-by-name.txt",
            format!("{:?}\n{}\n{}", by_name.0, by_name.1, by_name.2),
        )
        .unwrap();
        std::fs::write(
            "/tmp/t-piped.txt",
            format!("{:?}\n{}\n{}", piped.0, piped.1, piped.2),
        )
        .unwrap();
    }
    assert_eq!(by_name, piped);
    assert_eq!(redirected, piped);
    assert!(piped.2.contains("over the 64 MiB limit"), "{}", piped.2);
}

#[test]
fn a_crawl_whose_lines_fall_in_two_blocks_is_still_one_crawl() {
    // Logs API lines of many crawls in a row: blocks of a stream (and regions of a big
    // file) end inside some of them, between `Closing spider`, the dump and `Spider
    // closed`. Each crawl must still be one answer with its dump's counts.
    let crawl = std::fs::read_to_string(common::fixture("logs_api.jl")).expect("fixture");
    let crawls = 40_000;
    let stream = crawl.repeat(crawls);
    assert!(stream.len() > BIG);
    let [by_name, redirected, piped] = three_ways(
        "crawls.jl",
        stream.as_bytes(),
        &["explain", "--format", "json"],
    );
    for (way, (_, stdout, stderr)) in [
        ("named", by_name),
        ("redirected", redirected),
        ("piped", piped),
    ] {
        let answers: Vec<serde_json::Value> = stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON"))
            .collect();
        assert_eq!(answers.len(), crawls, "{way}: {stderr}");
        let without = answers.iter().filter(|a| a["job"]["items"] != 5120).count();
        assert_eq!(without, 0, "{way}: answers without their dump's counts");
    }
}

#[test]
fn a_big_stdin_not_at_its_start_is_read_from_where_it_stands() {
    // `(read -r first; outcome) < big.jl`: the shell has read the first line, so the file
    // is read from there, not again from its start.
    use std::io::{Seek, SeekFrom};
    let bytes = big_stream(false);
    let path = dir().join("offset.jl");
    std::fs::write(&path, &bytes).expect("writes");
    let first_end = bytes.iter().position(|&b| b == b'\n').expect("a line") + 1;
    let mut file = std::fs::File::open(&path).expect("opens");
    file.seek(SeekFrom::Start(first_end as u64)).expect("seeks");
    let from_second = common::std_outcome()
        .args(["explain", "--format", "line"])
        .stdin(file)
        .output()
        .expect("runs");
    let rest = outcome()
        .args(["explain", "--format", "line"])
        .write_stdin(bytes[first_end..].to_vec())
        .output()
        .expect("runs");
    let _ = std::fs::remove_file(&path);
    assert_eq!(stdout_of(&from_second), stdout_of(&rest));
    assert!(!stdout_of(&from_second).starts_with("1101/1/1\t"));
}

#[test]
fn more_kinds_of_error_than_are_kept_add_up_the_same_on_every_core() {
    // A Scrapy Cloud Logs API stream (one JSON line per log record), read in parts on
    // every core (by regions when named, by blocks when piped). 45 kinds of ERROR line, each
    // with its own exception type, more than the 32 of each kept: kinds 0-24 near the
    // start, kinds 20-44 near the end (and kind 44 twice more), so that each part keeps
    // fewer than 32 and only their sum passes the cap: the parts must add up to what the
    // cap keeps, however they are cut.
    let record = |time: u64, level: u32, message: &str| {
        format!(
            "{}\n",
            serde_json::json!({"time": time, "level": level, "message": message})
        )
    };
    let kind = |i: u32| -> String {
        let word: String = format!("{i:02}")
            .bytes()
            .map(|d| char::from(b'a' + (d - b'0')))
            .collect();
        record(
            1_700_000_000_500,
            40,
            &format!(
                "[proj] cannot read the widget{word}\nTraceback (most recent call last):\n  File \"/p/proj/spiders/a.py\", line 3, in parse\nWidget{word}Error: it broke"
            ),
        )
    };
    let kinds = |range: std::ops::Range<u32>| -> String { range.map(kind).collect() };
    // Failures the log's lines are counted for (the dump below has no count of them).
    let failures = |spider_errors: u32| -> String {
        let mut out: String = (0..spider_errors)
            .map(|i| {
                record(
                    1_700_000_000_600,
                    40,
                    &format!("[scrapy.core.scraper] Spider error processing <GET https://shop.example/e{i}> (referer: None)"),
                )
            })
            .collect();
        out.push_str(&record(
            1_700_000_000_601,
            40,
            "[scrapy.downloadermiddlewares.retry] Gave up retrying <GET https://shop.example/r> (failed 3 times): 503 Service Unavailable",
        ));
        out.push_str(&record(
            1_700_000_000_602,
            40,
            "[scrapy.extensions.feedexport] Error storing csv feed (5 items) in: file:///tmp/out.csv",
        ));
        out
    };
    let mut out = record(
        1_700_000_000_000,
        20,
        "[scrapy.utils.log] Scrapy 2.11.0 started (bot: shop)",
    );
    out.push_str(&record(
        1_700_000_000_001,
        20,
        "[scrapy.core.engine] Spider opened",
    ));
    out.push_str(&kinds(0..25));
    out.push_str(&failures(2));
    let mut n = 0u64;
    while out.len() < BIG {
        n += 1;
        out.push_str(&record(
            1_700_000_000_002,
            10,
            &format!("[scrapy.core.engine] Crawled (200) <GET https://shop.example/p/{n}> (referer: None)"),
        ));
    }
    out.push_str(&kinds(20..45));
    out.push_str(&kind(44));
    out.push_str(&kind(44));
    out.push_str(&failures(3));
    out.push_str(&record(
        1_700_000_009_000,
        20,
        "[scrapy.core.engine] Closing spider (finished)",
    ));
    out.push_str(&record(
        1_700_000_009_001,
        20,
        "[scrapy.statscollectors] Dumping Scrapy stats:\n{'finish_reason': 'finished',\n 'item_scraped_count': 5,\n 'log_count/ERROR': 100}",
    ));
    out.push_str(&record(
        1_700_000_009_002,
        20,
        "[scrapy.core.engine] Spider closed (finished)",
    ));
    let [by_name, redirected, piped] =
        three_ways("kinds.jl", out.as_bytes(), &["explain", "--format", "json"]);
    assert_eq!(by_name, piped);
    assert_eq!(redirected, piped);
    // 32 kinds kept, 13 only counted: 29 not shown, and the rest as one.
    assert!(
        piped.1.contains("and 30 more kinds of error line"),
        "{}",
        piped.1
    );
    // The counts of each part add up.
    let answer: serde_json::Value = serde_json::from_str(&piped.1).expect("JSON");
    let value = |id: &str| {
        answer["findings"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["id"] == id))
            .map(|f| f["value"].clone())
            .unwrap_or_else(|| panic!("no {id}: {answer}"))
    };
    assert_eq!(value("spider_exceptions"), 5.0);
    assert_eq!(value("retries_exhausted"), 2.0);
    assert_eq!(value("feed_export_failed"), 2.0);
    // Kind 44 came past the cap: neither its line nor its exception is kept.
    assert!(!piped.1.contains("WidgeteeError"), "{}", piped.1);
    assert!(
        piped.1.contains("ERROR ×2: `cannot read the widgetca`"),
        "{}",
        piped.1
    );
}

#[test]
fn a_signal_sent_twice_across_parts_is_still_forced() {
    // A Logs API stream read in parts: the first SIGTERM near the start, the second near
    // the end, then a close that never finished. That the stop was forced is known only
    // from the two parts together.
    let record = |time: u64, message: &str| {
        format!(
            "{}\n",
            serde_json::json!({"time": time, "level": 20, "message": message})
        )
    };
    let mut out = record(
        1_700_000_000_000,
        "[scrapy.utils.log] Scrapy 2.11.0 started (bot: shop)",
    );
    out.push_str(&record(
        1_700_000_000_001,
        "[scrapy.core.engine] Spider opened",
    ));
    out.push_str(&record(
        1_700_000_000_002,
        "[scrapy.crawler] Received SIGTERM, shutting down gracefully. Send again to force ",
    ));
    let mut n = 0u64;
    while out.len() < BIG {
        n += 1;
        out.push_str(&record(
            1_700_000_000_003,
            &format!("[scrapy.core.engine] Crawled (200) <GET https://shop.example/p/{n}> (referer: None)"),
        ));
    }
    out.push_str(&record(
        1_700_000_009_000,
        "[scrapy.crawler] Received SIGTERM twice, forcing unclean shutdown",
    ));
    out.push_str(&record(
        1_700_000_009_001,
        "[scrapy.core.engine] Closing spider (shutdown)",
    ));
    let [by_name, redirected, piped] = three_ways(
        "forced.jl",
        out.as_bytes(),
        &["explain", "--format", "json"],
    );
    assert_eq!(by_name, piped);
    assert_eq!(redirected, piped);
    assert!(
        piped
            .1
            .contains("SIGTERM came twice: the process was forced to stop"),
        "{}",
        piped.1
    );
}
