//! The document splitter: any bytes read as a JSON document, in reads small enough that
//! every value crosses buffer edges. Never a panic; and when the bytes are a valid JSON
//! array, every element is reported or counted as malformed exactly once.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use outcome::facade::Catalog;
use outcome::facade::json_document;
use outcome::facade::LogReader;
use outcome::facade::{Reader, RECORD_CAP};
use outcome::facade::{Emit, Event, Out, Render};
use outcome::facade::Matcher;

fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(|| Matcher::new(Catalog::builtin().expect("built-in catalog")))
}

#[derive(Default)]
struct Count {
    reports: u64,
    malformed: u64,
}

/// Counts reports and malformed records; a chunk is a count.
struct Counting;

impl Render for Counting {
    type Chunk = Count;

    fn chunk(&self) -> Count {
        Count::default()
    }

    fn render(&self, count: &mut Count, event: Event<'_>) {
        match event {
            Event::Report(_) => count.reports += 1,
            Event::Malformed { .. } => count.malformed += 1,
            Event::Skipped { .. } => {}
        }
    }

    fn weight(&self, _: &Self::Chunk) -> usize {
        0
    }

    fn detail(&self) -> bool {
        false
    }
}

fuzz_target!(|data: &[u8]| {
    let mut reader = Reader::new(data, 7, RECORD_CAP);
    let mut log = LogReader::new();
    let mut emit = Emit::collecting(&Counting);
    let _ = json_document("fuzz", &mut reader, matcher(), &mut emit, &mut log);
    let mut count = Count::default();
    for out in emit.collected() {
        if let Out::Chunk(chunk) = out {
            count.reports += chunk.reports;
            count.malformed += chunk.malformed;
        }
    }
    if let Ok(serde_json::Value::Array(elements)) = serde_json::from_slice(data) {
        // Elements that are Logs API lines feed a log instead; leave those inputs out.
        let log_lines = elements.iter().any(|e| {
            e.get("message").is_some()
                || e.get("jobs").is_some()
                || e.get("summary").is_some()
                || e.is_array()
        });
        if !log_lines {
            assert_eq!(count.reports + count.malformed, elements.len() as u64);
        }
    }
});
