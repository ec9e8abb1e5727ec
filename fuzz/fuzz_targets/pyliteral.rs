//! The stats-literal reader and the log scanner: any bytes as a stats dump, and as a log
//! fed line by line and through the shared reader's blocks.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use outcome::catalog::Catalog;
use outcome::input::log::LogReader;
use outcome::input::reader::{Reader, RECORD_CAP};
use outcome::job::Stats;
use outcome::pyliteral;
use outcome::reason::Matcher;

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
    let _ = by_line.finish(matcher());

    let mut scanned = LogReader::new();
    // A small chunk, so that lines cross reads.
    let mut reader = Reader::new(data, 64, RECORD_CAP);
    let _ = scanned.scan(&mut reader, &mut || Ok(()));
    let _ = scanned.finish(matcher());
});
