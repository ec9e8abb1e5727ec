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
