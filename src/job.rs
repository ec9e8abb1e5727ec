//! Job records: the fields of every Scrapy Cloud API shape, read leniently, and the facts
//! that shape a record's verdict (errors, items, state, memory, who cancelled it).

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::counters::{self, Counters};
use crate::lenient::{Flag, Number, Text, TextList};

/// Scrapy's stats as far as an outcome depends on them. Filled from `scrapystats` in job
/// JSON, from a logparser stats object, or from a log's stats dump.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats<'a> {
    pub finish_reason: Option<Cow<'a, str>>,
    pub items: Option<u64>,
    pub errors: Option<u64>,
    pub criticals: Option<u64>,
    pub responses: Option<u64>,
    pub memory_peak: Option<u64>,
    pub memory_limit_reached: Option<bool>,
    pub elapsed_seconds: Option<f64>,
    pub start_time: Option<f64>,
    pub finish_time: Option<f64>,
    /// The stats findings are made from; allocated at the first such key, so a record
    /// without any costs nothing.
    pub counters: Option<Box<Counters>>,
}

impl<'a> Stats<'a> {
    /// Records one stat; keys outcome does not use are ignored. Returns whether it was used.
    pub fn set_number(&mut self, key: &str, value: Number) -> bool {
        let slot = match key {
            "item_scraped_count" => &mut self.items,
            "log_count/ERROR" => &mut self.errors,
            "log_count/CRITICAL" => &mut self.criticals,
            "response_received_count" => &mut self.responses,
            "memusage/max" => &mut self.memory_peak,
            "elapsed_time_seconds" => {
                self.elapsed_seconds = value.0.filter(|v| *v >= 0.0);
                return true;
            }
            "start_time" => {
                self.start_time = value.0;
                return true;
            }
            "finish_time" => {
                self.finish_time = value.0;
                return true;
            }
            "memusage/limit_reached" => {
                self.memory_limit_reached = value.0.map(|v| v != 0.0);
                return true;
            }
            other => {
                if !counters::wanted(other) {
                    return false;
                }
                return self
                    .counters
                    .get_or_insert_with(Box::default)
                    .record(other, value.count());
            }
        };
        *slot = value.count();
        true
    }

    /// The diagnostic counters, or an empty set when the stats had none.
    pub fn counters(&self) -> &Counters {
        static NONE: std::sync::OnceLock<Counters> = std::sync::OnceLock::new();
        match &self.counters {
            Some(counters) => counters,
            None => NONE.get_or_init(Counters::default),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Stats::default()
    }

    /// ERROR plus CRITICAL log lines, when the stats count either.
    pub fn error_lines(&self) -> Option<u64> {
        match (self.errors, self.criticals) {
            (None, None) => None,
            (e, c) => Some(e.unwrap_or(0).saturating_add(c.unwrap_or(0))),
        }
    }

    pub fn into_owned(self) -> Stats<'static> {
        Stats {
            finish_reason: self.finish_reason.map(|r| Cow::Owned(r.into_owned())),
            items: self.items,
            errors: self.errors,
            criticals: self.criticals,
            responses: self.responses,
            memory_peak: self.memory_peak,
            memory_limit_reached: self.memory_limit_reached,
            elapsed_seconds: self.elapsed_seconds,
            start_time: self.start_time,
            finish_time: self.finish_time,
            counters: self.counters,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Stats<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StatsVisitor;
        impl<'de> Visitor<'de> for StatsVisitor {
            type Value = Stats<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a stats object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut stats = Stats::default();
                while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
                    let key = key.unwrap_or_default();
                    match &*key {
                        "finish_reason" => stats.finish_reason = map.next_value::<Text<'de>>()?.0,
                        "memusage/limit_reached" => {
                            stats.memory_limit_reached = map.next_value::<Flag>()?.0
                        }
                        other if is_stat_used(other) => {
                            let value = map.next_value::<Number>()?;
                            stats.set_number(other, value);
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(stats)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Stats::default())
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Stats::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Stats::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Stats::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Stats::default())
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Stats::default())
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Stats::default())
            }
        }
        deserializer.deserialize_any(StatsVisitor)
    }
}

/// The numeric stats `Stats::set_number` keeps; checked first so that values of every other
/// stat are skipped rather than parsed. A test keeps the two in step.
const NUMERIC_STATS: [&str; 8] = [
    "item_scraped_count",
    "log_count/ERROR",
    "log_count/CRITICAL",
    "response_received_count",
    "memusage/max",
    "elapsed_time_seconds",
    "start_time",
    "finish_time",
];

/// A job's fields that only a card or JSON shows: verdict-only reading skips them.
pub(crate) fn is_detail_only(key: &str) -> bool {
    matches!(
        key,
        "cancelled_by" | "pages" | "responses_received" | "responses_crawled" | "units" | "tags"
    )
}

pub(crate) fn is_stat_used(key: &str) -> bool {
    NUMERIC_STATS.contains(&key) || counters::wanted(key)
}

/// A crawl as the log reader read it: the job its lines and stats dump make, how it
/// ended, and what the lines say besides (`notes`, shown after the verdict's own).
#[derive(Debug)]
pub struct LogCrawl {
    pub job: Job<'static>,
    pub end: LogEnd,
    pub notes: Vec<String>,
}

/// How a crawl in a log ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogEnd {
    /// A close line or a stats dump gave the job's `close_reason`; `finish_reason` is the
    /// dump's own, shown with the job but not weighed against the reason again (the notes
    /// already say where the two differ).
    Closed { finish_reason: Option<String> },
    /// No close line, but the memory extension's shutdown line: `memusage_exceeded`,
    /// inferred (the job's `close_reason`).
    MemoryInferred,
    /// The spider was opened, or may have been, and never closed.
    NeverClosed,
    /// The process stopped with errors before the spider was opened.
    FailedToStart,
}

/// What a Scrapy log says beyond its stats: the header's version and settings, and counts
/// of its own lines.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogFacts {
    pub scrapy_version: Option<String>,
    /// `Overridden settings`, as written (values shown as Python wrote them).
    pub settings: Vec<(String, String)>,
    pub spider_opened: u64,
    pub error_lines: u64,
    pub critical_lines: u64,
    pub tracebacks: u64,
    /// Where the item and error counts came from: `stats dump` or `log lines`.
    pub counts_from: Option<&'static str>,
    /// What the log's own lines show: error shapes, exceptions, feed and retry failures.
    pub evidence: crate::evidence::LogEvidence,
}

/// One job, whatever API shape it came in.
#[derive(Debug, Clone, Default)]
pub struct Job<'a> {
    pub key: Option<Cow<'a, str>>,
    pub spider: Option<Cow<'a, str>>,
    pub state: Option<Cow<'a, str>>,
    pub close_reason: Option<Cow<'a, str>>,
    pub items: Option<u64>,
    pub errors: Option<u64>,
    pub pages: Option<u64>,
    pub units: Option<u64>,
    pub cancelled_by: Option<Cow<'a, str>>,
    pub running_time: Option<f64>,
    pub finished_time: Option<f64>,
    pub tags: Vec<Cow<'a, str>>,
    pub stats: Stats<'a>,
    /// From a log: the limit named in `Memory usage exceeded NMiB`, in bytes.
    pub memory_limit: Option<u64>,
    /// `scrapystats` not read yet: read only when the verdict or the output needs it.
    /// The value's JSON text, known to be well-formed.
    pub raw_stats: Option<&'a str>,
    /// Facts from a log, when the job was read from one.
    pub log: Option<Box<LogFacts>>,
}

impl<'a> Job<'a> {
    /// The outcome: `close_reason`, else the stats' `finish_reason`.
    pub fn reason(&self) -> Option<&str> {
        self.close_reason
            .as_deref()
            .or(self.stats.finish_reason.as_deref())
    }

    pub fn items(&self) -> Option<u64> {
        self.items.or(self.stats.items)
    }

    pub fn errors(&self) -> Option<u64> {
        self.errors.or_else(|| self.stats.error_lines())
    }

    pub fn pages(&self) -> Option<u64> {
        self.pages.or(self.stats.responses)
    }

    /// How long it ran: from `running_time` to `finished_time`, else from the stats.
    pub fn run_seconds(&self) -> Option<f64> {
        if let (Some(start), Some(end)) = (self.running_time, self.finished_time) {
            if end >= start {
                return Some((end - start) / 1000.0);
            }
        }
        if let Some(elapsed) = self.stats.elapsed_seconds {
            return Some(elapsed);
        }
        match (self.stats.start_time, self.stats.finish_time) {
            (Some(start), Some(end)) if end >= start => Some((end - start) / 1000.0),
            _ => None,
        }
    }

    /// When it finished (else ran), in milliseconds since the epoch: how runs are ordered.
    pub fn time(&self) -> Option<f64> {
        self.finished_time
            .or(self.stats.finish_time)
            .or(self.running_time)
            .filter(|t| t.is_finite())
    }

    /// Reads `scrapystats` if it was left for later.
    pub fn read_stats(&mut self) {
        if let Some(raw) = self.raw_stats.take() {
            match serde_json::from_str::<Stats<'a>>(raw) {
                Ok(stats) => self.stats = stats,
                Err(_) => {
                    // The same fallback as for whole records, so that a number JSON cannot
                    // hold, or a lone surrogate, costs one stat, in every output format.
                    if let Some(fixed) = crate::lenient::readable(raw) {
                        if let Ok(stats) = serde_json::from_str::<Stats>(&fixed) {
                            self.stats = stats.into_owned();
                        }
                    }
                }
            }
        }
    }

    pub fn into_owned(mut self) -> Job<'static> {
        self.read_stats();
        let own = |v: Option<Cow<'a, str>>| v.map(|s| Cow::Owned(s.into_owned()));
        Job {
            key: own(self.key),
            spider: own(self.spider),
            state: own(self.state),
            close_reason: own(self.close_reason),
            items: self.items,
            errors: self.errors,
            pages: self.pages,
            units: self.units,
            cancelled_by: own(self.cancelled_by),
            running_time: self.running_time,
            finished_time: self.finished_time,
            tags: self
                .tags
                .into_iter()
                .map(|t| Cow::Owned(t.into_owned()))
                .collect(),
            stats: self.stats.into_owned(),
            memory_limit: self.memory_limit,
            raw_stats: None,
            log: self.log,
        }
    }
}

/// What one JSON object turned out to be.
#[derive(Debug)]
pub enum Record<'a> {
    Job(Box<Job<'a>>),
    /// An envelope (`{"status","jobs":[..]}`) or a jobq summary line: jobs inside.
    Batch(Vec<Record<'a>>),
    /// A Logs API entry: `{"time","level","message"}`, its level as Python's logging
    /// numbers it (40 for ERROR), where it has one.
    LogLine(Cow<'a, str>, Option<u64>),
    /// Not a job record; says what was expected.
    NotAJob(&'static str),
}

impl Record<'_> {
    /// A JSON object none of whose fields is a job's.
    pub fn is_foreign_object(&self) -> bool {
        matches!(self, Record::NotAJob(what) if *what == NO_JOB_FIELDS)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Record<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RecordVisitor::default())
    }
}

/// Reads a record from borrowed text, leaving `scrapystats` unread when `lazy`.
pub struct RecordSeed {
    pub lazy: bool,
}

impl<'de> serde::de::DeserializeSeed<'de> for RecordSeed {
    type Value = Record<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Record<'de>, D::Error> {
        deserializer.deserialize_any(RecordVisitor { lazy: self.lazy })
    }
}

#[derive(Default)]
pub(crate) struct RecordVisitor {
    /// Keep `scrapystats` as raw text (only possible when the input is borrowed).
    lazy: bool,
}

/// A list of records, used for `jobs` and `summary`.
struct RecordList<'a>(Option<Vec<Record<'a>>>);

impl<'de: 'a, 'a> Deserialize<'de> for RecordList<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = RecordList<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of jobs")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(record) = seq.next_element::<Record<'de>>()? {
                    out.push(record);
                }
                Ok(RecordList(Some(out)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(RecordList(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(RecordList(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(RecordList(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(RecordList(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(RecordList(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(RecordList(None))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(RecordList(None))
            }
        }
        deserializer.deserialize_any(ListVisitor)
    }
}

pub(crate) const NOT_AN_OBJECT: &str =
    "not a job record: expected a JSON object with fields such as close_reason, state or key";
const NO_JOB_FIELDS: &str =
    "not a job record: none of close_reason, state, key, id, spider or scrapystats";

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = Record<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a job record")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut job = Job::default();
        let mut key = None;
        let mut id = None;
        let mut errors = None;
        let mut errors_count = None;
        let mut items = None;
        let mut items_scraped = None;
        let mut pages = None;
        let mut responses = None;
        let mut seen_job_field = false;
        let mut batch: Option<Vec<Record<'de>>> = None;
        let mut message = None;
        let mut level = None;
        let mut top_level_stats = Stats::default();
        let mut crawler_stats: Option<Stats<'de>> = None;
        while let Some(Text(name)) = map.next_key::<Text<'de>>()? {
            let name = name.unwrap_or_default();
            let mut job_field = true;
            // Verdict-only reading skips what only a card or JSON would show.
            if self.lazy && is_detail_only(&name) {
                map.next_value::<IgnoredAny>()?;
                seen_job_field = true;
                continue;
            }
            match &*name {
                "key" => key = map.next_value::<Text>()?.0,
                "id" => id = map.next_value::<Text>()?.0,
                "spider" => job.spider = map.next_value::<Text>()?.0,
                "state" => job.state = map.next_value::<Text>()?.0,
                "close_reason" => job.close_reason = map.next_value::<Text>()?.0,
                "cancelled_by" => job.cancelled_by = map.next_value::<Text>()?.0,
                "items" => items = map.next_value::<Number>()?.count(),
                "items_scraped" => items_scraped = map.next_value::<Number>()?.count(),
                "errors" => errors = map.next_value::<Number>()?.count(),
                "errors_count" => errors_count = map.next_value::<Number>()?.count(),
                "pages" => pages = map.next_value::<Number>()?.count(),
                "responses_received" | "responses_crawled" => {
                    responses = map.next_value::<Number>()?.count()
                }
                "units" => job.units = map.next_value::<Number>()?.count(),
                "running_time" => job.running_time = map.next_value::<Number>()?.0,
                "finished_time" => job.finished_time = map.next_value::<Number>()?.0,
                "tags" => job.tags = map.next_value::<TextList>()?.0,
                "scrapystats" if self.lazy => {
                    let raw: &serde_json::value::RawValue = map.next_value()?;
                    job.raw_stats = Some(raw.get());
                }
                "scrapystats" => job.stats = map.next_value::<Stats>()?,
                "jobs" | "summary" => {
                    job_field = false;
                    if let RecordList(Some(list)) = map.next_value::<RecordList>()? {
                        batch.get_or_insert_with(Vec::new).extend(list);
                    }
                }
                // A Logs API entry (`time`, `level`, `message`): its message is a log line;
                // `time` and `level` are not a job's fields, so they fall to the last arm.
                "message" => {
                    job_field = false;
                    message = map.next_value::<Text>()?.0;
                }
                "level" => {
                    job_field = false;
                    level = map.next_value::<Number>()?.count();
                }
                "finish_reason" => {
                    top_level_stats.finish_reason = map.next_value::<Text>()?.0;
                }
                // logparser's stats JSON keeps Scrapy's stats here.
                "crawler_stats" => crawler_stats = Some(map.next_value::<Stats>()?),
                other if is_stat_used(other) => {
                    let value = map.next_value::<Number>()?;
                    top_level_stats.set_number(other, value);
                }
                _ => {
                    job_field = false;
                    map.next_value::<IgnoredAny>()?;
                }
            }
            seen_job_field |= job_field;
        }
        if let Some(list) = batch {
            if !seen_job_field {
                return Ok(Record::Batch(list));
            }
        }
        if !seen_job_field {
            return Ok(match message {
                Some(message) => Record::LogLine(message, level),
                None => Record::NotAJob(NO_JOB_FIELDS),
            });
        }
        job.key = key.or(id);
        job.items = items.or(items_scraped);
        job.errors = errors.or(errors_count);
        job.pages = pages.or(responses);
        if job.stats.is_empty() && job.raw_stats.is_none() {
            if let Some(mut stats) = crawler_stats {
                // logparser writes "N/A" when it found no reason.
                if stats.finish_reason.is_none() {
                    stats.finish_reason = top_level_stats.finish_reason.take();
                }
                job.stats = stats;
            } else {
                job.stats = top_level_stats;
            }
        }
        if job.stats.finish_reason.as_deref() == Some("N/A") {
            job.stats.finish_reason = None;
        }
        Ok(Record::Job(Box::new(job)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(record) = seq.next_element::<Record<'de>>()? {
            out.push(record);
        }
        Ok(Record::Batch(out))
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Record::NotAJob(NOT_AN_OBJECT))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Record::NotAJob(NOT_AN_OBJECT))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Record::NotAJob(NOT_AN_OBJECT))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Record::NotAJob(NOT_AN_OBJECT))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Record::NotAJob(NOT_AN_OBJECT))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Record::NotAJob(NOT_AN_OBJECT))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(json: &str) -> Job<'_> {
        match serde_json::from_str::<Record>(json) {
            Ok(Record::Job(job)) => *job,
            other => panic!("not a job: {other:?}"),
        }
    }

    #[test]
    fn every_numeric_stat_read_is_kept() {
        for key in NUMERIC_STATS {
            let mut stats = Stats::default();
            assert!(stats.set_number(key, Number(Some(3.0))), "{key}");
            assert!(!stats.is_empty(), "{key}");
        }
    }

    #[test]
    fn both_field_spellings_are_read() {
        let jobq =
            job(r#"{"key":"1/2/3","items":5,"errors":1,"pages":9,"close_reason":"finished"}"#);
        let legacy = job(
            r#"{"id":"1/2/3","items_scraped":5,"errors_count":1,"responses_received":9,"close_reason":"finished"}"#,
        );
        for j in [jobq, legacy] {
            assert_eq!(j.key.as_deref(), Some("1/2/3"));
            assert_eq!(
                (j.items(), j.errors(), j.pages()),
                (Some(5), Some(1), Some(9))
            );
        }
    }

    #[test]
    fn wrong_types_do_not_lose_the_record() {
        let j =
            job(r#"{"key":123,"items":"42","errors":null,"units":2.0,"tags":"x","state":["?"]}"#);
        assert_eq!(j.key.as_deref(), Some("123"));
        assert_eq!(j.items, Some(42));
        assert_eq!(j.errors, None);
        assert_eq!(j.units, Some(2));
        assert!(j.tags.is_empty());
        assert_eq!(j.state, None);
    }

    #[test]
    fn negative_and_fractional_counts() {
        let j = job(r#"{"key":"k","items":-5,"errors":2.7,"pages":1e300}"#);
        assert_eq!((j.items, j.errors, j.pages), (None, Some(2), None));
    }

    #[test]
    fn stats_give_reason_and_error_lines() {
        let j = job(
            r#"{"state":"finished","scrapystats":{"finish_reason":"finished","log_count/ERROR":2,"log_count/CRITICAL":1,"item_scraped_count":0,"memusage/max":1048576}}"#,
        );
        assert_eq!(j.reason(), Some("finished"));
        assert_eq!(j.errors(), Some(3));
        assert_eq!(j.items(), Some(0));
        assert_eq!(j.stats.memory_peak, Some(1_048_576));
    }

    #[test]
    fn duplicate_keys_keep_the_last_value() {
        let j = job(r#"{"close_reason":"failed","close_reason":"finished"}"#);
        assert_eq!(j.reason(), Some("finished"));
    }

    #[test]
    fn shapes_are_told_apart() {
        let batch =
            serde_json::from_str::<Record>(r#"{"status":"ok","count":1,"jobs":[{"id":"a"}]}"#);
        assert!(matches!(batch, Ok(Record::Batch(ref v)) if v.len() == 1));
        let summary = serde_json::from_str::<Record>(
            r#"{"name":"finished","count":1,"summary":[{"key":"a"}]}"#,
        );
        assert!(matches!(summary, Ok(Record::Batch(ref v)) if v.len() == 1));
        let log = serde_json::from_str::<Record>(r#"{"time":1,"level":20,"message":"hello"}"#);
        assert!(matches!(log, Ok(Record::LogLine(ref m, Some(20))) if m == "hello"));
        let empty = serde_json::from_str::<Record>("{}");
        assert!(matches!(empty, Ok(Record::NotAJob(_))));
        let number = serde_json::from_str::<Record>("42");
        assert!(matches!(number, Ok(Record::NotAJob(_))));
    }
}
