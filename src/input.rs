//! Reading inputs: files or stdin, the format detected from the content (never the name),
//! records handed on one at a time as they are read, so memory stays constant.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use serde::de::{DeserializeSeed, SeqAccess, Visitor};

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
        return json_document(name, rest, catalog, consumer);
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
                let report = Report::for_job(catalog, stats);
                return Ok(consumer.report(with_location(report, name, line_no))?);
            }
            consumer.malformed(name, line_no, &json_problem(&err));
            Ok(())
        }
    }
}

fn json_problem(err: &serde_json::Error) -> String {
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

fn with_location<'a>(mut report: Report<'a>, name: &'a str, line: u64) -> Report<'a> {
    report.location = Some(Location { source: name, line });
    report
}

fn deliver(
    record: Record<'_>,
    name: &str,
    line_no: u64,
    catalog: &Catalog,
    consumer: &mut dyn Records,
    log: &mut LogReader,
) -> Result<(), ReadError> {
    match record {
        Record::Job(job) => {
            let report = Report::for_job(catalog, *job);
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

/// A byte reader that counts lines (for error positions) and refuses to let one value grow
/// past the record cap.
struct Counting<R> {
    inner: R,
    newlines: Rc<Cell<u64>>,
    since_mark: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let lines = memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        self.newlines.set(self.newlines.get() + lines);
        self.since_mark.set(self.since_mark.get() + n as u64);
        if self.since_mark.get() > RECORD_CAP as u64 {
            return Err(io::Error::other(format!(
                "one JSON value is over the {} MiB limit",
                RECORD_CAP >> 20
            )));
        }
        Ok(n)
    }
}

/// A JSON document that spans lines: one object (a job, an envelope, a summary), an array
/// of jobs streamed element by element, or several pretty-printed values one after another.
fn json_document<R: Read, C: Consumer>(
    name: &str,
    reader: R,
    catalog: &Catalog,
    consumer: &mut C,
) -> Result<(), ReadError> {
    let newlines = Rc::new(Cell::new(0));
    let since_mark = Rc::new(Cell::new(0));
    let counting = Counting {
        inner: BufReader::new(reader),
        newlines: Rc::clone(&newlines),
        since_mark: Rc::clone(&since_mark),
    };
    let mut de = serde_json::Deserializer::from_reader(counting);
    let mut log = LogReader::new();
    loop {
        since_mark.set(0);
        let mut failed = None;
        let seed = Values {
            start_line: newlines.get() + 1,
            name,
            catalog,
            consumer: &mut *consumer,
            log: &mut log,
            newlines: &newlines,
            since_mark: &since_mark,
            failed: &mut failed,
        };
        if let Err(err) = seed.deserialize(&mut de) {
            if let Some(failed) = failed {
                return Err(failed);
            }
            let what = if err.is_io() {
                err.to_string()
            } else {
                json_problem(&err)
            };
            return Err(ReadError::Failure(Failure::new(
                ExitStatus::DataError,
                format!("{name}: line {}: {what}", err.line()),
            )));
        }
        if consumer.stopped() {
            return Ok(());
        }
        // Several pretty-printed values may follow one another (`jq '.[]'`).
        if de.end().is_ok() {
            break;
        }
    }
    if let Some(report) = log.finish(catalog) {
        consumer.report(with_location(report, name, 1))?;
    }
    Ok(())
}

/// Reads one top-level JSON value, streaming the elements of an array.
struct Values<'s> {
    /// Where the top-level value starts; array elements are placed where they end.
    start_line: u64,
    name: &'s str,
    catalog: &'s Catalog,
    consumer: &'s mut dyn Records,
    log: &'s mut LogReader,
    newlines: &'s Rc<Cell<u64>>,
    since_mark: &'s Rc<Cell<u64>>,
    failed: &'s mut Option<ReadError>,
}

impl Values<'_> {
    fn take<E: serde::de::Error>(&mut self, record: Record<'_>, line: u64) -> Result<(), E> {
        let result = deliver(
            record,
            self.name,
            line,
            self.catalog,
            self.consumer,
            self.log,
        );
        self.since_mark.set(0);
        result.map_err(|err| {
            *self.failed = Some(err);
            E::custom("output failed")
        })
    }
}

impl<'de> DeserializeSeed<'de> for Values<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Values<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a job record or a list of them")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while let Some(record) = seq.next_element::<Record<'de>>()? {
            let line = self.newlines.get() + 1;
            self.take(record, line)?;
            if self.consumer.stopped() {
                // Drain without looking: the reader has gone.
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                break;
            }
        }
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(mut self, map: A) -> Result<(), A::Error> {
        let record = crate::job::RecordVisitor::default().visit_map(map)?;
        let line = self.start_line;
        self.take(record, line)
    }

    fn visit_str<E: serde::de::Error>(mut self, _: &str) -> Result<(), E> {
        self.take(Record::NotAJob(crate::job::NOT_AN_OBJECT), self.start_line)
    }

    fn visit_u64<E: serde::de::Error>(mut self, _: u64) -> Result<(), E> {
        self.take(Record::NotAJob(crate::job::NOT_AN_OBJECT), self.start_line)
    }

    fn visit_i64<E: serde::de::Error>(mut self, _: i64) -> Result<(), E> {
        self.take(Record::NotAJob(crate::job::NOT_AN_OBJECT), self.start_line)
    }

    fn visit_f64<E: serde::de::Error>(mut self, _: f64) -> Result<(), E> {
        self.take(Record::NotAJob(crate::job::NOT_AN_OBJECT), self.start_line)
    }

    fn visit_bool<E: serde::de::Error>(mut self, _: bool) -> Result<(), E> {
        self.take(Record::NotAJob(crate::job::NOT_AN_OBJECT), self.start_line)
    }

    fn visit_unit<E: serde::de::Error>(mut self) -> Result<(), E> {
        self.take(Record::NotAJob(crate::job::NOT_AN_OBJECT), self.start_line)
    }
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
