//! The stats-literal reader and the log scanner: any bytes as a stats dump, and as a log
//! fed line by line and through the shared reader's blocks.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use outcome::facade::Catalog;
use outcome::facade::{search_block, Found, LogReader};
use outcome::facade::{Reader, RECORD_CAP};
use outcome::facade::Stats;
use outcome::facade::pyliteral;
use outcome::facade::Matcher;

fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(|| Matcher::new(Catalog::builtin().expect("built-in catalog")))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = pyliteral::parse(data) {
        let mut stats = Stats::default();
        pyliteral::fill_stats(&value, &mut stats);
    }
    let _ = pyliteral::stats_from_literal(data);

    let mut by_line = LogReader::new();
    for (number, line) in (1..).zip(data.split(|&b| b == b'\n')) {
        by_line.line(line, number);
    }
    for (crawl, _) in by_line.finish() {
        let _ = outcome::facade::judge::crawl(matcher(), crawl);
    }

    // Through the shared reader's blocks, as a file is read, the runs that have ended
    // answered on the way. A small chunk, so that lines cross reads.
    let mut scanned = LogReader::new();
    let mut reader = Reader::new(data, 64, RECORD_CAP);
    let mut found = Found::default();
    while let Ok(Some(block)) = reader.next_block(256, &mut || Ok(()), &mut |_, _| {}) {
        search_block(block.text, &mut found);
        scanned.scan_found(block.text, block.first_line, &found);
        for (crawl, _) in scanned.finished_runs() {
            let _ = outcome::facade::judge::crawl(matcher(), crawl);
        }
    }
    for (crawl, _) in scanned.finish() {
        let _ = outcome::facade::judge::crawl(matcher(), crawl);
    }
});
