//! Properties over generated inputs, through the real binary and so the real explain and
//! summary consumers: every record of a valid stream is reported once and in order, in every
//! shape and on every thread; the exit status is always documented and the same whatever
//! the format or -q; TSV rows keep their fields; nothing unsafe reaches the terminal. And
//! two pure functions: normalising is idempotent, matching always finds an entry.

mod common;

use std::sync::OnceLock;

use outcome::facade::Matcher;
use outcome::facade::{normalize, Catalog};
use proptest::prelude::*;

fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(|| Matcher::new(Catalog::builtin().expect("built-in catalog")))
}

/// The keys `outcome explain --format line` reports, in order, and its exit status.
fn explained_keys(input: &[u8]) -> (Vec<String>, Option<i32>) {
    let output = common::outcome()
        .args(["explain", "--format", "line"])
        .write_stdin(input.to_vec())
        .output()
        .expect("runs");
    let keys = common::rows(&output)
        .into_iter()
        .map(|row| row[0].clone())
        .collect();
    (keys, output.status.code())
}

/// The keys of `--format json` output (which reads every field of every record).
fn explained_json_keys(input: &[u8]) -> Vec<String> {
    let output = common::outcome()
        .args(["explain", "--format", "json"])
        .write_stdin(input.to_vec())
        .output()
        .expect("runs");
    common::json_lines(&output)
        .into_iter()
        .map(|r| r["job"]["key"].as_str().unwrap_or("-").to_string())
        .collect()
}

/// `outcome summary --format json`: how many jobs it counted, and how many malformed.
fn summarised(input: &[u8]) -> (u64, u64) {
    let output = common::outcome()
        .args(["summary", "--format", "json"])
        .write_stdin(input.to_vec())
        .output()
        .expect("runs");
    let value = &common::json_lines(&output)[0];
    (
        value["total"].as_u64().unwrap_or(0),
        value["malformed"].as_u64().unwrap_or(0),
    )
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

/// Stats keys that the checks read, with the ones that are always there.
const STATS_KEYS: &[&str] = &[
    "downloader/request_count",
    "downloader/response_status_count/200",
    "downloader/response_status_count/403",
    "downloader/response_status_count/429",
    "downloader/response_status_count/503",
    "downloader/exception_count",
    "downloader/exception_type_count/twisted.internet.error.DNSLookupError",
    "downloader/exception_type_count/scrapy.exceptions.IgnoreRequest",
    "retry/max_reached",
    "retry/reason_count/429 Unknown Status",
    "spider_exceptions/count",
    "spider_exceptions/ValueError",
    "item_dropped_count",
    "item_scraped_count",
    "feedexport/failed_count/S3FeedStorage",
    "feedexport/success_count/FileFeedStorage",
    "robotstxt/forbidden",
    "scheduler/enqueued",
    "scheduler/dequeued",
    "log_count/ERROR",
    "log_count/INFO",
    "scrapy-zyte-api/fatal_errors",
    "memusage/max",
];

/// A record whose scrapystats hold any mix of the keys checks read, with odd values too.
fn record_with_stats(key: String) -> impl Strategy<Value = serde_json::Value> {
    (
        prop::sample::select(REASONS),
        prop::option::of(0u64..1000),
        prop::option::of(0u64..20),
        prop::collection::btree_map(
            prop::sample::select(STATS_KEYS),
            prop_oneof![
                (0u64..2000).prop_map(serde_json::Value::from),
                Just(serde_json::json!(1e300)),
                Just(serde_json::json!(-5)),
                Just(serde_json::json!("12")),
                Just(serde_json::Value::Null),
            ],
            0..12,
        ),
    )
        .prop_map(move |(reason, items, errors, stats)| {
            let mut job = serde_json::json!({"key": key.clone(), "close_reason": reason, "state": "finished"});
            if let Some(items) = items {
                job["items"] = items.into();
            }
            if let Some(errors) = errors {
                job["errors"] = errors.into();
            }
            job["scrapystats"] = serde_json::Value::Object(
                stats.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            );
            job
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
        let once = normalize(&text);
        prop_assert_eq!(normalize(&once), once);
    }

    #[test]
    fn matching_always_finds_an_entry(text in any::<String>()) {
        let found = matcher().find(&text);
        prop_assert!(found.entry < matcher().catalog().entries.len());
    }
}

proptest! {
    // Each case starts the binary several times, so fewer of them.
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn every_record_of_a_stream_is_reported_once_in_order(
        records in stream(),
        crlf in any::<bool>(),
    ) {
        let keys: Vec<String> = (0..records.len()).map(|i| format!("p/s/{i}")).collect();
        let newline = if crlf { "\r\n" } else { "\n" };
        let lines: String = records.iter().map(|r| format!("{r}{newline}")).collect();
        prop_assert_eq!(&explained_keys(lines.as_bytes()).0, &keys);
        prop_assert_eq!(&explained_json_keys(lines.as_bytes()), &keys);
        prop_assert_eq!(summarised(lines.as_bytes()), (keys.len() as u64, 0));

        let array = serde_json::to_string_pretty(&records).expect("serialises");
        prop_assert_eq!(&explained_keys(array.as_bytes()).0, &keys);
        let compact = serde_json::to_string(&records).expect("serialises");
        prop_assert_eq!(&explained_json_keys(compact.as_bytes()), &keys);

        let envelope = serde_json::json!({"status": "ok", "count": records.len(), "jobs": records});
        prop_assert_eq!(&explained_keys(envelope.to_string().as_bytes()).0, &keys);
        let pretty = serde_json::to_string_pretty(&envelope).expect("serialises");
        prop_assert_eq!(summarised(pretty.as_bytes()), (keys.len() as u64, 0));
    }

    #[test]
    fn the_exit_status_is_documented_and_the_same_in_every_format(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        for command in ["explain", "summary"] {
            let mut codes = Vec::new();
            for args in [&["--format", "human"][..], &["--format", "json"], &["--format", "line"], &["-q"]] {
                let output = common::outcome()
                    .arg(command)
                    .args(args)
                    .write_stdin(bytes.clone())
                    .output()
                    .expect("runs");
                let code = output.status.code().expect("exited");
                prop_assert!([0, 1, 2, 3, 65, 66].contains(&code), "{} gave {}", command, code);
                let stderr = String::from_utf8_lossy(&output.stderr);
                prop_assert!(!stderr.contains("panicked"), "{}", stderr);
                if args[0] != "--format" || args[1] != "json" {
                    assert_terminal_safe(&output.stdout)?;
                }
                assert_terminal_safe(&output.stderr)?;
                if args.get(1) == Some(&"line") && command == "explain" {
                    for row in common::rows(&output) {
                        prop_assert_eq!(row.len(), 4, "{:?}", row);
                        prop_assert!(row.iter().all(|f| !f.is_empty()), "{:?}", row);
                    }
                }
                codes.push(code);
            }
            prop_assert!(codes.windows(2).all(|w| w[0] == w[1]), "{}: {:?}", command, codes);
        }
    }

    #[test]
    fn findings_give_each_record_one_verdict_in_every_format(
        records in (1usize..30).prop_flat_map(|n| {
            (0..n).map(|i| record_with_stats(format!("p/s/{i}"))).collect::<Vec<_>>()
        }),
    ) {
        let lines: String = records.iter().map(|r| format!("{r}\n")).collect();
        let run = |args: &[&str]| {
            common::outcome().args(args).write_stdin(lines.clone()).output().expect("runs")
        };
        let json = run(&["explain", "--format", "json"]);
        let from_json: Vec<String> = common::json_lines(&json)
            .iter()
            .map(|r| r["severity"].as_str().unwrap_or("?").to_string())
            .collect();
        let line = run(&["explain", "--format", "line"]);
        let from_line: Vec<String> = common::rows(&line).iter().map(|r| r[2].clone()).collect();
        prop_assert_eq!(&from_json, &from_line);
        prop_assert_eq!(from_json.len(), records.len());
        let codes: Vec<Option<i32>> = [
            json.status.code(),
            line.status.code(),
            run(&["explain", "-q"]).status.code(),
            run(&["explain"]).status.code(),
            run(&["summary", "-q"]).status.code(),
        ]
        .to_vec();
        prop_assert!(codes.windows(2).all(|w| w[0] == w[1]), "{:?}", codes);
        // The summary counts the same verdicts.
        let summary = &common::json_lines(&run(&["summary", "--format", "json"]))[0];
        for severity in ["ok", "warning", "critical", "unknown"] {
            let counted = from_json.iter().filter(|s| *s == severity).count() as u64;
            prop_assert_eq!(summary[severity].as_u64(), Some(counted), "{}", severity);
        }
    }

    #[test]
    fn any_reason_argument_gets_a_verdict(reason in any::<String>()) {
        prop_assume!(!reason.starts_with('-'));
        prop_assume!(std::path::Path::new(&reason).symlink_metadata().is_err());
        let output = common::outcome().args(["explain", "--", &reason]).output().expect("runs");
        let code = output.status.code().expect("exited");
        prop_assert!((0..=3).contains(&code), "{:?} gave {}", reason, code);
        assert_terminal_safe(&output.stdout)?;
    }
}

/// No C0 control but tab and newline, no DEL, no C1 control, no Unicode format character.
fn assert_terminal_safe(bytes: &[u8]) -> Result<(), TestCaseError> {
    let text = String::from_utf8_lossy(bytes);
    for c in text.chars() {
        let code = c as u32;
        let control = (code < 0x20 && c != '\t' && c != '\n') || (0x7f..=0x9f).contains(&code);
        let format = matches!(code, 0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890..=0x891
            | 0x8e2 | 0x180e | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2064
            | 0x2066..=0x206f | 0xfeff | 0xfff9..=0xfffb | 0xe0001..=0xe007f);
        prop_assert!(!control && !format, "U+{:04X} in {:?}", code, text);
    }
    Ok(())
}

proptest! {
    // Streams long enough to be read on several threads (blocks of 128 KiB).
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn a_long_stream_is_reported_once_in_order_across_threads(
        records in prop::collection::vec(record("k".into()), 2500..3500),
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
        prop_assert_eq!(&explained_keys(lines.as_bytes()).0, &keys);
        prop_assert_eq!(&explained_json_keys(lines.as_bytes()), &keys);
        prop_assert_eq!(summarised(lines.as_bytes()), (keys.len() as u64, 0));
    }
}

/// A JSON value's text as the tools write it, with odd corners: escapes, control
/// characters written raw (invalid), floats, huge numbers, deep nesting, stray commas.
fn value_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("fals".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        (0u32..100_000, 0u32..1000).prop_map(|(a, b)| format!("{a}.{b}")),
        Just("1e400".to_string()),
        Just("-0".to_string()),
        Just("012".to_string()),
        "[a-z /:()_]{0,12}".prop_map(|s| format!("\"{s}\"")),
        "[a-z\\\\\"\u{1}é日\n\t]{0,8}".prop_map(|s| format!("\"{s}\"")),
        Just(r#""\u00e9\ud83d\ude00""#.to_string()),
        Just(r#""a\qb""#.to_string()),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(("[a-z_]{1,8}", inner), 0..4).prop_map(|v| {
                let fields: Vec<String> = v.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!("{{{}}}", fields.join(","))
            }),
            Just("[1,]".to_string()),
        ]
    })
}

/// Top-level records mixing the keys a verdict reads with any others, any values.
fn record_text() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("key"),
        Just("id"),
        Just("spider"),
        Just("state"),
        Just("close_reason"),
        Just("items"),
        Just("items_scraped"),
        Just("errors"),
        Just("errors_count"),
        Just("running_time"),
        Just("finished_time"),
        Just("scrapystats"),
        Just("tags"),
        Just("pages"),
        Just("units"),
        Just("cancelled_by"),
        Just("jobs"),
        Just("message"),
        Just("time"),
        Just("finish_reason"),
        Just("item_scraped_count"),
        Just("spider_args"),
        Just("version"),
        Just("k\\u0065y"),
    ];
    // Mostly JSON's own whitespace; now and then a byte that only looks like it.
    let space = prop_oneof![
        8 => Just(""),
        4 => Just(" "),
        2 => Just("\n  "),
        2 => Just("\t\r"),
        1 => Just("\u{1}"),
        1 => Just("\u{b}"),
        1 => Just("\u{a0}"),
    ];
    prop::collection::vec((key, value_text(), space), 0..8).prop_map(|fields| {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v, s)| format!("{s}\"{k}\"{s}:{s}{v}{s}"))
            .collect();
        format!("{{{}}}", body.join(","))
    })
}

/// Records of the shapes the fast reader takes, so that most cases reach its answer.
fn plain_record_text() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        "[a-z0-9/_ ]{0,10}".prop_map(|v| format!("\"key\":\"{v}\"")),
        "[a-z0-9/]{0,10}".prop_map(|v| format!("\"id\":\"{v}\"")),
        "[a-z_ ()]{0,16}".prop_map(|v| format!("\"close_reason\":\"{v}\"")),
        (-5i64..1_000_000).prop_map(|v| format!("\"items\":{v}")),
        (0u64..100).prop_map(|v| format!("\"errors_count\":{v}")),
        Just("\"errors\":null".to_string()),
        (0u64..u64::MAX / 2).prop_map(|v| format!("\"running_time\":{v}")),
        (0u64..10_000_000_000_000).prop_map(|v| format!("\"finished_time\":{v}")),
        "[a-z_]{0,10}".prop_map(|v| format!("\"spider\":\"{v}\"")),
        prop_oneof![
            Just("finished"),
            Just("running"),
            Just("pending"),
            Just("deleted")
        ]
        .prop_map(|v| format!("\"state\":\"{v}\"")),
        (0u64..1_000).prop_map(|v| format!("\"items_scraped\":{v}")),
        (0u64..1_000).prop_map(|v| format!("\"errors\":{v}")),
        (0u64..1_000).prop_map(|v| format!("\"pages\":{v}")),
        (0u64..9).prop_map(|v| format!("\"units\":{v}")),
        "[a-z]{0,6}".prop_map(|v| format!("\"cancelled_by\":\"{v}\"")),
        Just("\"key\":null".to_string()),
        // Keys that make the record something else: the fast reader must leave it to serde.
        Just("\"finish_reason\":\"finished\"".to_string()),
        Just("\"crawler_stats\":{\"item_scraped_count\":1}".to_string()),
        Just("\"item_scraped_count\":4".to_string()),
        Just("\"message\":\"Spider closed (finished)\"".to_string()),
        Just("\"close_reason\":null".to_string()),
        value_text().prop_map(|v| format!("\"scrapystats\":{v}")),
        value_text().prop_map(|v| format!("\"spider_args\":{v}")),
        value_text().prop_map(|v| format!("\"tags\":{v}")),
    ];
    prop::collection::vec(field, 1..7).prop_map(|fields| format!("{{{}}}", fields.join(",")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    /// Whatever the fast verdict-only reader takes, it reads as serde does.
    #[test]
    fn fast_and_serde_readings_agree(
        text in prop_oneof![record_text(), plain_record_text(), takeable_record()]
    ) {
        if let Some(fast) = outcome::facade::fast_job(&text) {
            let mut de = serde_json::Deserializer::from_str(&text);
            let slow = serde::de::DeserializeSeed::deserialize(
                outcome::facade::RecordSeed { lazy: true },
                &mut de,
            );
            let slow = slow.and_then(|record| de.end().map(|()| record));
            prop_assert!(slow.is_ok(), "fast took what serde refuses: {text}");
            prop_assert_eq!(format!("{:?}", Some(fast)), format!("{:?}", slow.ok()), "{}", text);
        }
    }
}

/// Strict JSON that the fast reader steps over: every kind of value, simple escapes,
/// exponents, nesting.
fn strict_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
        any::<i32>().prop_map(|n| n.to_string()),
        (0u32..1000, 0u32..1000, -30i32..30).prop_map(|(a, b, e)| format!("-{a}.{b}E{e:+}")),
        (0u32..9).prop_map(|n| format!("0.{n}e7")),
        "[a-z /:()_é日]{0,40}".prop_map(|s| format!("\"{s}\"")),
        prop::collection::vec(
            prop_oneof![
                Just("\\\""),
                Just("\\\\"),
                Just("\\n"),
                Just("\\/"),
                Just("a"),
                Just("\\t")
            ],
            0..6
        )
        .prop_map(|parts| format!("\"{}\"", parts.concat())),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        let ws = prop_oneof![
            Just(""),
            Just(" "),
            Just("\n    "),
            Just("\t"),
            Just("\r\n")
        ];
        prop_oneof![
            (prop::collection::vec(inner.clone(), 0..4), ws.clone())
                .prop_map(|(v, s)| format!("[{s}{}{s}]", v.join(&format!(",{s}")))),
            (prop::collection::vec(("[a-z_/]{1,8}", inner), 0..4), ws).prop_map(|(v, s)| {
                let fields: Vec<String> = v
                    .iter()
                    .map(|(k, v)| format!("{s}\"{k}\"{s}:{s}{v}"))
                    .collect();
                format!("{{{}{s}}}", fields.join(","))
            }),
        ]
    })
}

/// Job records of the shapes the fast reader is for, in any layout of whitespace.
fn takeable_record() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        "[a-z0-9/_ ]{0,40}".prop_map(|v| format!("\"key\":\"{v}\"")),
        "[a-z0-9/]{0,10}".prop_map(|v| format!("\"id\":\"{v}\"")),
        "[a-z_日]{0,30}".prop_map(|v| format!("\"spider\":\"{v}\"")),
        "[a-z]{0,8}".prop_map(|v| format!("\"state\":\"{v}\"")),
        "[a-z_ ()]{0,16}".prop_map(|v| format!("\"close_reason\":\"{v}\"")),
        Just("\"close_reason\":null".to_string()),
        (-99i64..999_999_999_999_999_999).prop_map(|v| format!("\"items\":{v}")),
        (0u64..1000).prop_map(|v| format!("\"items_scraped\":{v}")),
        (0u64..1000).prop_map(|v| format!("\"errors\":{v}")),
        (0u64..1000).prop_map(|v| format!("\"errors_count\":{v}")),
        (0u64..10_000_000_000_000).prop_map(|v| format!("\"running_time\":{v}")),
        (-5i64..10_000_000_000_000).prop_map(|v| format!("\"finished_time\":{v}")),
        strict_value().prop_map(|v| format!("\"scrapystats\":{v}")),
        strict_value().prop_map(|v| format!("\"tags\":{v}")),
        strict_value().prop_map(|v| format!("\"spider_args\":{v}")),
        strict_value().prop_map(|v| format!("\"pages\":{v}")),
        strict_value().prop_map(|v| format!("\"version\":{v}")),
    ];
    let ws = prop_oneof![Just(""), Just(" "), Just("\n  "), Just("\t"), Just("\r\n")];
    (prop::collection::vec((field, ws.clone()), 1..8), ws).prop_map(|(fields, outer)| {
        let body: Vec<String> = fields
            .iter()
            .map(|(f, s)| {
                let (k, v) = f.split_once(':').unwrap_or((f, "null"));
                format!("{s}{k}{s}:{s}{v}{s}")
            })
            .collect();
        // One field a job always has, so that it is a job whatever the others are.
        format!(
            "{outer}{{{outer}\"close_reason\":\"x\",{}}}{outer}",
            body.join(",")
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// The fast reader is not a fast way to give up: every record of its shapes is its to
    /// read (and reads as serde does, by the property above).
    #[test]
    fn the_fast_reader_takes_every_plain_record(text in takeable_record()) {
        prop_assert!(outcome::facade::fast_job(&text).is_some(), "{}", text);
    }
}
