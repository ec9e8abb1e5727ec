//! Where records go, and how one record is read: a JSON value (a job, a batch of jobs, a
//! Logs API entry), or a bare close reason. Shared by JSON Lines, documents and streams.

use std::borrow::Cow;
use std::io;

use super::log::LogReader;
use crate::exit::{io_reason, Error};
use crate::job::{Record, RecordSeed};
use crate::reason::Matcher;
use crate::report::{Location, Report};

/// Where the readers put records, one at a time: the reading thread's `Emit`, or a
/// worker's `Scratch` (see `emit`).
pub trait Records {
    fn report(&mut self, report: Report<'_>);
    /// A record that could not be read; the run goes on.
    fn malformed(&mut self, source: &str, line: u64, what: &str);
    /// The command takes no more (its output closed): stop reading.
    fn stopped(&self) -> bool {
        false
    }
    /// Whether every fact of a record is wanted, or only what decides its verdict.
    fn detail(&self) -> bool;
    /// An input that holds neither a log nor job records (an item feed beside the logs):
    /// skipped whole, said once.
    fn skipped(&mut self, source: &str, what: &str);
}

/// Whether JSON values are objects with fields, none of them a job's (`{"title": ...,
/// "url": ...}`: the items a crawl's `-o items.jl` writes): every one of them, and at least
/// one. An empty object is a broken record, not an item.
pub fn foreign_objects<'t>(values: impl Iterator<Item = &'t [u8]>) -> bool {
    let mut seen = false;
    for value in values {
        let Ok(text) = std::str::from_utf8(value) else {
            return false;
        };
        let inner = text.trim().trim_start_matches('{').trim_end_matches('}');
        if inner.trim().is_empty() {
            return false;
        }
        match parse_record(text, false) {
            Ok(record) if record.is_foreign_object() => seen = true,
            _ => return false,
        }
    }
    seen
}

/// A read that failed: bad data (65) or an input that cannot be read (66), named.
pub fn input_error(name: &str, err: &io::Error) -> Error {
    let make = if matches!(
        err.kind(),
        io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput
    ) {
        Error::data
    } else {
        Error::no_input
    };
    make(format!("{name}: {}", io_reason(err)))
}

pub fn over_cap(n: u64) -> String {
    format!(
        "record of {n} bytes is over the {} MiB limit; skipped",
        super::reader::RECORD_CAP >> 20
    )
}

pub fn not_utf8(err: &std::str::Utf8Error) -> String {
    format!("not valid UTF-8 at column {}", err.valid_up_to() + 1)
}

/// One line of JSON Lines, or one JSON value of a document: a job, a batch of jobs, or a
/// Logs API entry. `column` is where the value starts on its first line, for error places.
pub fn json_value(
    name: &str,
    text: &[u8],
    line_no: u64,
    column: u64,
    matcher: &Matcher,
    consumer: &mut dyn Records,
    log: &mut LogReader,
) {
    // One UTF-8 check for the whole value is much cheaper than serde_json's per string.
    match std::str::from_utf8(text) {
        Ok(text) => json_text(name, text, line_no, column, matcher, consumer, log),
        Err(err) => consumer.malformed(name, line_no, &not_utf8(&err)),
    }
}

/// A JSON value already known to be UTF-8.
pub fn json_text(
    name: &str,
    text: &str,
    line_no: u64,
    column: u64,
    matcher: &Matcher,
    consumer: &mut dyn Records,
    log: &mut LogReader,
) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_ascii().is_empty() {
        return;
    }
    let lazy = !consumer.detail();
    match parse_record(text, lazy) {
        Ok(record) => deliver(record, name, line_no, matcher, consumer, log),
        Err(err) => {
            let fixed = crate::lenient::readable(text);
            if let Some(Ok(record)) = fixed.as_deref().map(|fixed| parse_record(fixed, lazy)) {
                return deliver(record, name, line_no, matcher, consumer, log);
            }
            if let Some(stats) = crate::pyliteral::stats_from_literal(text.as_bytes()) {
                let report = crate::judge::record(matcher, Box::new(stats), true);
                consumer.report(with_location(report, name, line_no));
                return;
            }
            let (line, what) = json_problem(&err, text, line_no, column);
            consumer.malformed(name, line, &what);
        }
    }
}

/// One record from text, its `scrapystats` left unread when `lazy`; nothing may follow it.
fn parse_record(text: &str, lazy: bool) -> serde_json::Result<Record<'_>> {
    if lazy {
        if let Some(record) = crate::fastjob::job(text) {
            return Ok(record);
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let record = serde::de::DeserializeSeed::deserialize(RecordSeed { lazy }, &mut de)?;
    de.end()?;
    Ok(record)
}

/// serde_json's complaint about `text`, placed in the input: the line it is on, and the
/// words with the column. `column` is where the value started on `first_line`.
pub fn json_problem(
    err: &serde_json::Error,
    text: &str,
    first_line: u64,
    column: u64,
) -> (u64, String) {
    let message = crate::jsonerror::words(err);
    let (err_line, err_column) = crate::jsonerror::place(err, text);
    let line = first_line.saturating_add(err_line - 1);
    let column = if err_line == 1 {
        column.saturating_add(err_column - 1)
    } else {
        err_column
    };
    if message.contains("recursion limit") {
        return (line, format!("nested too deep at column {column}"));
    }
    (line, format!("invalid JSON at column {column}: {message}"))
}

pub fn with_location<'a>(mut report: Report<'a>, name: &'a str, line: u64) -> Report<'a> {
    report.location = Some(Location {
        source: Cow::Borrowed(name),
        line,
    });
    report
}

pub fn deliver(
    record: Record<'_>,
    name: &str,
    line_no: u64,
    matcher: &Matcher,
    consumer: &mut dyn Records,
    log: &mut LogReader,
) {
    match record {
        Record::Job(job) => {
            let report = crate::judge::record(matcher, job, consumer.detail());
            consumer.report(with_location(report, name, line_no));
        }
        Record::Batch(records) => {
            // One complaint per line, however many bad values the line holds.
            let mut not_jobs = 0;
            let mut what = "";
            for record in records {
                if consumer.stopped() {
                    break;
                }
                match record {
                    Record::NotAJob(problem) => {
                        not_jobs += 1;
                        what = problem;
                    }
                    record => deliver(record, name, line_no, matcher, consumer, log),
                }
            }
            if not_jobs == 1 {
                consumer.malformed(name, line_no, what);
            } else if not_jobs > 1 {
                consumer.malformed(name, line_no, &format!("{what} ({not_jobs} such values)"));
            }
        }
        Record::LogLine(message, level) => {
            let mut parts = message.split('\n');
            if let Some(first) = parts.next() {
                match level.and_then(level_name) {
                    // The entry keeps its level apart: put it back where Scrapy's own
                    // format has it, so that its ERROR lines count as a log's do.
                    Some(name) => log.line(with_level(first, name).as_bytes(), line_no),
                    None => log.line(first.as_bytes(), line_no),
                }
            }
            for part in parts {
                log.line(part.as_bytes(), line_no);
            }
        }
        Record::NotAJob(what) => consumer.malformed(name, line_no, what),
    }
}

/// Python's logging level names, by number.
fn level_name(level: u64) -> Option<&'static str> {
    Some(match level {
        10 => "DEBUG",
        20 => "INFO",
        30 => "WARNING",
        40 => "ERROR",
        50 => "CRITICAL",
        _ => return None,
    })
}

/// `[scrapy.core.engine] Closing spider (finished)` at INFO as
/// `[scrapy.core.engine] INFO: Closing spider (finished)`, the shape of Scrapy's own lines;
/// a message without a logger gets the level in front.
fn with_level(message: &str, level: &str) -> String {
    let logger_end = message
        .strip_prefix('[')
        .and_then(|rest| rest.find("] "))
        .map(|at| at + 3);
    match logger_end {
        Some(end) => format!("{}{level}: {}", &message[..end], &message[end..]),
        None => format!("{level}: {message}"),
    }
}

/// One line of plain text that is not a log: a close reason.
pub fn bare_reason(
    name: &str,
    text: &[u8],
    line_no: u64,
    matcher: &Matcher,
    consumer: &mut dyn Records,
) {
    match std::str::from_utf8(text) {
        Ok(reason) => {
            let reason = reason.trim();
            if !reason.is_empty() {
                let report = crate::judge::reason(matcher, Cow::Borrowed(reason));
                consumer.report(with_location(report, name, line_no));
            }
        }
        Err(err) => consumer.malformed(name, line_no, &not_utf8(&err)),
    }
}
