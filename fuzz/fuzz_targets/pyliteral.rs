//! The stats-literal reader and the log scanner: any bytes as a stats dump, and as a log
//! fed line by line and by the block scanner.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use outcome::catalog::Catalog;
use outcome::job::Stats;
use outcome::log::LogReader;
use outcome::pyliteral;

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::builtin().expect("built-in catalog"))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = pyliteral::parse(data) {
        let mut stats = Stats::default();
        pyliteral::fill_stats(&value, &mut stats);
    }
    let _ = pyliteral::stats_from_literal(data);

    let mut by_line = LogReader::new();
    for line in data.split(|&b| b == b'\n') {
        by_line.line(line);
    }
    let _ = by_line.finish(catalog());

    let mut scanned = LogReader::new();
    let mut reader = data;
    let _ = scanned.scan(&mut reader, &mut || Ok(()));
    let _ = scanned.finish(catalog());
});
