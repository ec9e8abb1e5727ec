//! Job records: any bytes parsed as a record (both the full and the verdict-only reading),
//! then judged; neither may panic. Whatever the fast verdict-only reader takes, serde must
//! read the same way.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use outcome::facade::{normalize, Catalog};
use outcome::facade::{Record, RecordSeed};
use outcome::facade::Matcher;
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
            let report = outcome::facade::judge::record(matcher(), job, true);
            let _ = report.outcome(catalog());
            let _ = report.into_owned();
        }
        Record::Batch(records) => records.into_iter().for_each(judge),
        Record::LogLine(..) | Record::NotAJob(_) => {}
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
        if let Some(fast) = outcome::facade::fast_job(text) {
            let mut de = serde_json::Deserializer::from_str(text);
            let slow = (RecordSeed { lazy: true })
                .deserialize(&mut de)
                .and_then(|record| de.end().map(|()| record));
            assert_eq!(
                format!("{:?}", Some(&fast)),
                format!("{:?}", slow.as_ref().ok())
            );
            judge(fast);
        }
        let _ = matcher().find(text);
        let once = normalize(text);
        assert_eq!(normalize(&once), once);
    }
});
