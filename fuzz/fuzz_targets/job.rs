//! Job records: any bytes parsed as a record (both the full and the verdict-only reading),
//! then judged; neither may panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use outcome::catalog::{normalize, Catalog};
use outcome::job::{Record, RecordSeed};
use outcome::reason::Matcher;
use outcome::report::Report;
use serde::de::DeserializeSeed;

fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(|| Matcher::new(Catalog::builtin().expect("built-in catalog")))
}

fn catalog() -> &'static Catalog {
    matcher().catalog()
}

fn judge(record: Record<'_>) {
    match record {
        Record::Job(job) => {
            let report = Report::for_job(matcher(), job);
            let _ = report.outcome(catalog());
            let _ = report.into_owned();
        }
        Record::Batch(records) => records.into_iter().for_each(judge),
        Record::LogLine(_) | Record::NotAJob(_) => {}
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(record) = serde_json::from_slice::<Record>(data) {
        judge(record);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        for lazy in [true, false] {
            let mut de = serde_json::Deserializer::from_str(text);
            if let Ok(record) = (RecordSeed { lazy }).deserialize(&mut de) {
                judge(record);
            }
        }
        let _ = matcher().find(text);
        let once = normalize(text);
        assert_eq!(normalize(&once), once);
    }
});
