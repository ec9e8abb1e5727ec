//! The document splitter: any bytes read as a JSON document, in reads small enough that
//! every value crosses buffer edges. Never a panic; and when the bytes are a valid JSON
//! array, every element is reported or counted as malformed exactly once.
#![no_main]

use std::io;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use outcome::facade::Catalog;
use outcome::facade::json_document;
use outcome::facade::LogReader;
use outcome::facade::{Reader, RECORD_CAP};
use outcome::facade::{Consumer, Part, Records};
use outcome::facade::Matcher;
use outcome::facade::Report;

fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(|| Matcher::new(Catalog::builtin().expect("built-in catalog")))
}

#[derive(Default)]
struct Count {
    reports: u64,
    malformed: u64,
}

impl Records for Count {
    fn report(&mut self, _report: Report<'_>) -> io::Result<()> {
        self.reports += 1;
        Ok(())
    }

    fn malformed(&mut self, _source: &str, _line: u64, _what: &str) {
        self.malformed += 1;
    }
}

impl Part for Count {
    fn blank(&self) -> Count {
        Count::default()
    }

    fn absorb(&mut self, later: Count) {
        self.reports += later.reports;
        self.malformed += later.malformed;
    }
}

impl Consumer for Count {
    type Part = Count;

    fn idle(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn part(&mut self) -> Count {
        self.blank()
    }

    fn join(&mut self, part: Count) -> io::Result<()> {
        self.absorb(part);
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let mut count = Count::default();
    let mut reader = Reader::new(data, 7, RECORD_CAP);
    let mut log = LogReader::new();
    let _ = json_document("fuzz", &mut reader, matcher(), &mut count, &mut log);
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
