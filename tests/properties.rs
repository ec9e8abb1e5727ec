//! Properties over generated inputs: nothing panics, normalising is idempotent, the exit
//! status is always documented, and every record of a valid stream is reported once, in
//! order.

mod common;

use std::io;
use std::sync::OnceLock;

use outcome::catalog::Catalog;
use outcome::input::{self, Consumer, Records};
use outcome::reason;
use outcome::report::Report;
use proptest::prelude::*;

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::builtin().expect("built-in catalog"))
}

/// Keeps what was reported: each record's key (or reason) and the malformed count.
#[derive(Default)]
struct Collect {
    keys: Vec<String>,
    malformed: u64,
    detail: bool,
}

impl Records for Collect {
    fn report(&mut self, report: Report<'_>) -> io::Result<()> {
        let key = report
            .job
            .as_ref()
            .and_then(|j| j.key.as_deref())
            .or(report.input.as_deref())
            .unwrap_or("-");
        self.keys.push(key.to_string());
        Ok(())
    }

    fn malformed(&mut self, _source: &str, _line: u64, _what: &str) {
        self.malformed += 1;
    }

    fn detail(&self) -> bool {
        self.detail
    }
}

impl Consumer for Collect {
    type Part = Collect;

    fn idle(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn part(&self) -> Collect {
        Collect {
            detail: self.detail,
            ..Collect::default()
        }
    }

    fn join(&mut self, part: Collect) -> io::Result<()> {
        self.keys.extend(part.keys);
        self.malformed += part.malformed;
        Ok(())
    }
}

fn read(bytes: &[u8], detail: bool) -> Collect {
    let mut collect = Collect {
        detail,
        ..Collect::default()
    };
    let _ = input::read("prop", bytes, catalog(), &mut collect);
    collect
}

const REASONS: &[&str] = &[
    "finished",
    "failed",
    "memusage_exceeded",
    "killed by oom",
    "cancelled (stalled)",
    "closespider_foo",
    "Killed-By-OOM",
    "memusage_exceed",
    "my_reason",
    "",
];

/// One job record in either API shape, with optional extra fields and odd values.
fn record(key: String) -> impl Strategy<Value = serde_json::Value> {
    (
        any::<bool>(),
        prop::sample::select(REASONS),
        prop::option::of(0u64..1_000_000),
        prop::option::of(0u64..100),
        prop::sample::select(&["finished", "running", "pending", "FINISHED"][..]),
        ".{0,12}",
        prop::collection::vec(".{0,6}", 0..3),
    )
        .prop_map(move |(jobq, reason, items, errors, state, spider, tags)| {
            let mut job = serde_json::Map::new();
            job.insert(if jobq { "key" } else { "id" }.into(), key.clone().into());
            job.insert("state".into(), state.into());
            job.insert("close_reason".into(), reason.into());
            job.insert("spider".into(), spider.into());
            job.insert("tags".into(), tags.into());
            if let Some(items) = items {
                job.insert(
                    if jobq { "items" } else { "items_scraped" }.into(),
                    items.into(),
                );
            }
            if let Some(errors) = errors {
                job.insert(
                    if jobq { "errors" } else { "errors_count" }.into(),
                    errors.into(),
                );
            }
            if jobq {
                job.insert(
                    "scrapystats".into(),
                    serde_json::json!({"finish_reason": reason, "memusage/max": 1 << 26}),
                );
            }
            serde_json::Value::Object(job)
        })
}

fn stream() -> impl Strategy<Value = Vec<serde_json::Value>> {
    (1usize..40).prop_flat_map(|n| {
        (0..n)
            .map(|i| record(format!("p/s/{i}")))
            .collect::<Vec<_>>()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn normalising_is_idempotent(text in any::<String>()) {
        let once = reason::normalize(&text);
        prop_assert_eq!(reason::normalize(&once), once);
    }

    #[test]
    fn matching_never_panics(text in any::<String>()) {
        let found = reason::find(catalog(), &text);
        prop_assert!(found.entry < catalog().entries.len());
    }

    #[test]
    fn reading_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        read(&bytes, true);
        read(&bytes, false);
    }

    #[test]
    fn reading_json_like_text_never_panics(text in r#"[\[\]{}":,0-9a-z \n\\'.-]{0,400}"#) {
        read(text.as_bytes(), true);
    }

    #[test]
    fn every_record_of_a_stream_is_reported_once_in_order(
        records in stream(),
        crlf in any::<bool>(),
        detail in any::<bool>(),
    ) {
        let keys: Vec<String> = (0..records.len()).map(|i| format!("p/s/{i}")).collect();
        let newline = if crlf { "\r\n" } else { "\n" };
        let lines: String = records.iter().map(|r| format!("{r}{newline}")).collect();
        let got = read(lines.as_bytes(), detail);
        prop_assert_eq!(&got.keys, &keys);
        prop_assert_eq!(got.malformed, 0);

        let array = serde_json::to_string_pretty(&records).expect("serialises");
        prop_assert_eq!(&read(array.as_bytes(), detail).keys, &keys);

        let envelope = serde_json::json!({"status": "ok", "count": records.len(), "jobs": records});
        prop_assert_eq!(&read(envelope.to_string().as_bytes(), detail).keys, &keys);
    }
}

proptest! {
    // Each case starts the binary, so fewer of them.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn the_exit_status_is_always_documented(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
        format in prop::sample::select(&["human", "json", "line"][..]),
    ) {
        for command in ["explain", "summary"] {
            let output = common::outcome()
                .args([command, "--format", format])
                .write_stdin(bytes.clone())
                .output()
                .expect("runs");
            let code = output.status.code().expect("exited");
            prop_assert!([0, 1, 2, 3, 65, 66].contains(&code), "{} gave {}", command, code);
            let stderr = String::from_utf8_lossy(&output.stderr);
            prop_assert!(!stderr.contains("panicked"), "{}", stderr);
        }
    }

    #[test]
    fn any_reason_argument_gets_a_verdict(reason in any::<String>()) {
        prop_assume!(!reason.starts_with('-'));
        let output = common::outcome().args(["explain", "--", &reason]).output().expect("runs");
        let code = output.status.code().expect("exited");
        prop_assert!((0..=3).contains(&code), "{:?} gave {}", reason, code);
    }
}

proptest! {
    // Streams long enough to be read on several threads (blocks of 128 KiB).
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn a_long_stream_is_reported_once_in_order_across_threads(
        records in prop::collection::vec(record("k".into()), 2500..3500),
        detail in any::<bool>(),
    ) {
        let mut lines = String::new();
        for (i, record) in records.iter().enumerate() {
            let mut record = record.clone();
            if let Some(job) = record.as_object_mut() {
                job.remove("id");
                job.insert("key".into(), format!("k/{i}").into());
            }
            lines.push_str(&record.to_string());
            lines.push('\n');
        }
        prop_assert!(lines.len() > 2 * 128 * 1024, "{} bytes", lines.len());
        let keys: Vec<String> = (0..records.len()).map(|i| format!("k/{i}")).collect();
        let got = read(lines.as_bytes(), detail);
        prop_assert_eq!(got.keys, keys);
        prop_assert_eq!(got.malformed, 0);
    }
}
