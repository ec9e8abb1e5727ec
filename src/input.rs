//! Reading inputs: files or stdin, the format detected from the content (never the name),
//! records handed on one at a time as they are read, so memory stays constant.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::catalog::Catalog;
use crate::exit::{ExitStatus, Failure};
use crate::job::Record;
use crate::lines::{Line, Lines};
use crate::log::LogReader;
use crate::report::{Location, Report};

/// The largest single record (a line, or one JSON value of a document) read into memory.
pub const RECORD_CAP: usize = 64 * 1024 * 1024;

/// Where records go, one at a time.
pub trait Records {
    fn report(&mut self, report: Report<'_>) -> io::Result<()>;
    /// A record that could not be read; the run goes on.
    fn malformed(&mut self, source: &str, line: u64, what: &str);
    /// The reader went away (closed pipe): stop reading.
    fn stopped(&self) -> bool {
        false
    }

    /// Whether every fact of a record is wanted, or only what decides its verdict.
    fn detail(&self) -> bool {
        true
    }
}

/// What reading an input feeds: records, pauses in the input, and parts that take a chunk
/// of a long stream on another thread and are joined back in input order.
pub trait Consumer: Records {
    type Part: Records + Send;
    /// The input is about to block: a good moment to flush output.
    fn idle(&mut self) -> io::Result<()>;
    fn part(&self) -> Self::Part;
    fn join(&mut self, part: Self::Part) -> io::Result<()>;
}

#[derive(Debug)]
pub enum ReadError {
    /// Writing output failed; not the input's fault.
    Output(io::Error),
    Failure(Failure),
}

impl From<io::Error> for ReadError {
    fn from(err: io::Error) -> ReadError {
        ReadError::Output(err)
    }
}

pub fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// Opens FILE (`-` is stdin) and reads it whole into `consumer`.
pub fn read_path<C: Consumer>(
    path: &Path,
    catalog: &Catalog,
    consumer: &mut C,
) -> Result<(), ReadError> {
    let name = display_name(path);
    if path == Path::new("-") {
        let stdin = io::stdin();
        return read(&name, stdin.lock(), catalog, consumer);
    }
    let file = File::open(path).map_err(|err| {
        ReadError::Failure(Failure::new(
            ExitStatus::NoInput,
            format!("{name}: {}", crate::io_reason(&err)),
        ))
    })?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(ReadError::Failure(Failure::new(
            ExitStatus::NoInput,
            format!("{name}: is a directory"),
        )));
    }
    read(&name, file, catalog, consumer)
}

pub(crate) fn input_error(name: &str, err: &io::Error) -> ReadError {
    let status = if err.kind() == io::ErrorKind::InvalidData {
        ExitStatus::DataError
    } else {
        ExitStatus::NoInput
    };
    ReadError::Failure(Failure::new(
        status,
        format!("{name}: {}", crate::io_reason(err)),
    ))
}

/// How many lines, at most, are looked at to tell the format.
const PEEK_LINES: usize = 64;
const PEEK_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    JsonLines,
    JsonDocument,
    Log,
    BareReasons,
}

fn detect(peeked: &[(u64, Vec<u8>)]) -> Mode {
    let first = peeked[0].1.trim_ascii();
    let second = peeked.get(1).map(|(_, l)| l.trim_ascii()).unwrap_or(b"");
    if peeked
        .iter()
        .any(|(_, line)| LogReader::looks_like_log(line))
    {
        return Mode::Log;
    }
    let python_key = |l: &[u8]| l.starts_with(b"'") || l.starts_with(b"b'");
    let stats_literal = first.starts_with(b"{'")
        || first.starts_with(b"{b'")
        || (first == b"{" && python_key(second));
    if first.starts_with(b"{") && first.ends_with(b"}") {
        return Mode::JsonLines;
    }
    if stats_literal {
        return Mode::Log;
    }
    if first.starts_with(b"{") || first.starts_with(b"[") {
        return Mode::JsonDocument;
    }
    Mode::BareReasons
}

pub fn read<R: Read, C: Consumer>(
    name: &str,
    reader: R,
    catalog: &Catalog,
    consumer: &mut C,
) -> Result<(), ReadError> {
    let mut lines = Lines::new(reader, RECORD_CAP);
    // Look at the first lines that are not blank to tell the format.
    let mut peeked: Vec<(u64, Vec<u8>)> = Vec::new();
    let mut peeked_bytes = 0;
    let mut too_long = None;
    while peeked.len() < PEEK_LINES && peeked_bytes < PEEK_BYTES {
        // A slow stream (`tail -f`) is judged on what has arrived, not waited for.
        if !peeked.is_empty() && !lines.has_buffered_line() {
            break;
        }
        let line = {
            let mut idle = || consumer.idle();
            lines.next_line(&mut idle)
        };
        match line.map_err(|e| input_error(name, &e))? {
            None => break,
            Some(Line::TooLong(line_no, n)) => {
                too_long = Some((line_no, n));
                break;
            }
            Some(Line::Text(line_no, text)) => {
                let text = if line_no == 1 { strip_bom(text) } else { text };
                if !text.trim_ascii().is_empty() {
                    peeked_bytes += text.len();
                    peeked.push((line_no, text.to_vec()));
                }
            }
        }
    }
    if peeked.is_empty() {
        if let Some((line_no, n)) = too_long {
            return Err(ReadError::Failure(Failure::new(
                ExitStatus::DataError,
                format!(
                    "{name}: line {line_no}: record of {n} bytes is over the {} MiB limit",
                    RECORD_CAP >> 20
                ),
            )));
        }
        return Ok(());
    }
    let mode = detect(&peeked);
    if mode == Mode::JsonDocument {
        let mut prefix = Vec::new();
        let mut line_no = 1;
        for (no, text) in &peeked {
            while line_no < *no {
                prefix.push(b'\n');
                line_no += 1;
            }
            prefix.extend_from_slice(text);
        }
        while line_no <= lines.line_no {
            prefix.push(b'\n');
            line_no += 1;
        }
        let rest = io::Cursor::new(prefix).chain(lines.into_rest());
        return crate::document::json_document(name, rest, catalog, consumer);
    }
    if mode == Mode::Log {
        let mut log = LogReader::new();
        for (_, text) in &peeked {
            log.line(text);
        }
        return text_log(name, lines, log, catalog, consumer);
    }
    let mut log = LogReader::new();
    for (line_no, text) in &peeked {
        if consumer.stopped() {
            return Ok(());
        }
        match mode {
            Mode::JsonLines => json_line(name, text, *line_no, catalog, consumer, &mut log)?,
            _ => bare_reason(name, text, *line_no, catalog, consumer)?,
        }
    }
    if let Some((line_no, n)) = too_long {
        consumer.malformed(name, line_no, &over_cap(n));
    }
    if mode == Mode::JsonLines {
        let next_line = lines.line_no + 1;
        crate::parallel::json_lines(
            name,
            lines.into_rest(),
            next_line,
            catalog,
            consumer,
            &mut log,
        )?;
    } else {
        while !consumer.stopped() {
            let line = {
                let mut idle = || consumer.idle();
                lines.next_line(&mut idle)
            };
            match line.map_err(|e| input_error(name, &e))? {
                None => break,
                Some(Line::TooLong(line_no, n)) => consumer.malformed(name, line_no, &over_cap(n)),
                Some(Line::Text(line_no, text)) => {
                    bare_reason(name, text, line_no, catalog, consumer)?
                }
            }
        }
    }
    if let Some(report) = log.finish(catalog) {
        consumer.report(with_location(report, name, 1))?;
    }
    Ok(())
}

pub(crate) fn over_cap(n: u64) -> String {
    format!(
        "record of {n} bytes is over the {} MiB limit; skipped",
        RECORD_CAP >> 20
    )
}

fn strip_bom(line: &[u8]) -> &[u8] {
    line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
}

/// One line of JSON Lines: a job, a batch of jobs, or a Logs API entry.
pub(crate) fn json_line(
    name: &str,
    text: &[u8],
    line_no: u64,
    catalog: &Catalog,
    consumer: &mut dyn Records,
    log: &mut LogReader,
) -> Result<(), ReadError> {
    let text = strip_bom(text);
    if text.trim_ascii().is_empty() {
        return Ok(());
    }
    // One UTF-8 check for the whole line is much cheaper than serde_json's per string.
    let text = match std::str::from_utf8(text) {
        Ok(text) => text,
        Err(err) => {
            consumer.malformed(
                name,
                line_no,
                &format!("not valid UTF-8 at column {}", err.valid_up_to() + 1),
            );
            return Ok(());
        }
    };
    json_text(name, text, line_no, catalog, consumer, log)
}

/// A line of JSON Lines already known to be UTF-8.
pub(crate) fn json_text(
    name: &str,
    text: &str,
    line_no: u64,
    catalog: &Catalog,
    consumer: &mut dyn Records,
    log: &mut LogReader,
) -> Result<(), ReadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_ascii().is_empty() {
        return Ok(());
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let seed = crate::job::RecordSeed {
        lazy: !consumer.detail(),
    };
    let parsed = serde::de::DeserializeSeed::deserialize(seed, &mut de).and_then(|record| {
        de.end()?;
        Ok(record)
    });
    match parsed {
        Ok(record) => deliver(record, name, line_no, catalog, consumer, log),
        Err(err) => {
            if let Some(stats) = crate::pyliteral::stats_from_literal(text.as_bytes()) {
                let report = Report::for_job(catalog, Box::new(stats));
                return Ok(consumer.report(with_location(report, name, line_no))?);
            }
            consumer.malformed(name, line_no, &json_problem(&err));
            Ok(())
        }
    }
}

pub(crate) fn json_problem(err: &serde_json::Error) -> String {
    let message = err.to_string();
    let message = match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => &message,
    };
    if message.contains("recursion limit") {
        return format!("nested too deep at column {}", err.column());
    }
    format!("invalid JSON at column {}: {message}", err.column())
}

pub(crate) fn with_location<'a>(mut report: Report<'a>, name: &'a str, line: u64) -> Report<'a> {
    report.location = Some(Location {
        source: Cow::Borrowed(name),
        line,
    });
    report
}

pub(crate) fn deliver(
    record: Record<'_>,
    name: &str,
    line_no: u64,
    catalog: &Catalog,
    consumer: &mut dyn Records,
    log: &mut LogReader,
) -> Result<(), ReadError> {
    match record {
        Record::Job(job) => {
            let report = Report::for_job(catalog, job);
            consumer.report(with_location(report, name, line_no))?;
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
                    record => deliver(record, name, line_no, catalog, consumer, log)?,
                }
            }
            if not_jobs == 1 {
                consumer.malformed(name, line_no, what);
            } else if not_jobs > 1 {
                consumer.malformed(name, line_no, &format!("{what} ({not_jobs} such values)"));
            }
        }
        Record::LogLine(message) => {
            for part in message.split('\n') {
                log.line(part.as_bytes());
            }
        }
        Record::NotAJob(what) => consumer.malformed(name, line_no, what),
    }
    Ok(())
}

/// One line of plain text that is not a log: a close reason.
fn bare_reason(
    name: &str,
    text: &[u8],
    line_no: u64,
    catalog: &Catalog,
    consumer: &mut dyn Records,
) -> Result<(), ReadError> {
    let text = strip_bom(text);
    match std::str::from_utf8(text) {
        Ok(reason) => {
            let reason = reason.trim();
            if !reason.is_empty() {
                let report = Report::for_reason(catalog, Cow::Borrowed(reason));
                consumer.report(with_location(report, name, line_no))?;
            }
        }
        Err(err) => consumer.malformed(
            name,
            line_no,
            &format!("not valid UTF-8 at column {}", err.valid_up_to() + 1),
        ),
    }
    Ok(())
}

/// A Scrapy log: scanned for the few lines that decide the outcome.
fn text_log<R: Read, C: Consumer>(
    name: &str,
    lines: Lines<R>,
    mut log: LogReader,
    catalog: &Catalog,
    consumer: &mut C,
) -> Result<(), ReadError> {
    let mut rest = lines.into_rest();
    log.scan(&mut rest, &mut || consumer.idle())
        .map_err(|e| input_error(name, &e))?;
    if let Some(report) = log.finish(catalog) {
        consumer.report(with_location(report, name, 1))?;
    }
    Ok(())
}
