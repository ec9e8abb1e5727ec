//! Scrapy logs: the engine's close lines, the stats dump and the few lines that explain a
//! kill. A log can be gigabytes long, so `scan` searches for the phrases that matter and
//! only looks at the lines that hold one.

use std::borrow::Cow;
use std::io::{self, Read};
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use crate::catalog::Catalog;
use crate::job::{Job, Stats};
use crate::pyliteral;
use crate::report::Report;

const CLOSING: &str = "Closing spider (";
const CLOSED: &str = "Spider closed (";
const DUMP: &str = "Dumping Scrapy stats:";
const DUMP_OLD: &str = "Dumping spider stats:";
const MEMORY: &str = "Memory usage exceeded ";
const SIGNAL: &str = "Received SIG";
const START_ERROR: &str = "Error while reading start items and requests";

const PHRASES: [&str; 7] = [CLOSING, CLOSED, DUMP, DUMP_OLD, MEMORY, SIGNAL, START_ERROR];

/// The searcher for the phrases, built once per process.
fn finder() -> Option<&'static AhoCorasick> {
    static FINDER: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    FINDER
        .get_or_init(|| {
            // Leftmost-first lets aho-corasick use its vectorised (Teddy) prefilter.
            AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                .build(PHRASES)
                .ok()
        })
        .as_ref()
}

/// A stats dump larger than this is not Scrapy's (and is not kept in memory).
const STATS_CAP: usize = 16 * 1024 * 1024;
const BLOCK: usize = 1024 * 1024;

#[derive(Debug, Default)]
pub struct LogReader {
    closing: Option<String>,
    closed: Option<String>,
    /// Later engine close lines that disagree with the first.
    other_reasons: Vec<String>,
    stats: Option<Stats<'static>>,
    stats_error: Option<String>,
    memory_limit_mib: Option<u64>,
    signals: u32,
    forced: bool,
    start_error: bool,
    lines: u64,
    /// The input was a stats dump on its own, not a log.
    pasted_stats: bool,
    /// The stats literal being collected, and its bracket depth so far.
    collecting: Option<Collect>,
}

#[derive(Debug, Default)]
struct Collect {
    text: Vec<u8>,
    depth: i64,
    quote: Option<u8>,
    started: bool,
    escaped: bool,
}

impl Collect {
    /// Adds a line; true when the literal is complete.
    fn push(&mut self, line: &[u8]) -> bool {
        let mut from = 0;
        if !self.started {
            match memchr::memchr(b'{', line) {
                Some(at) => {
                    self.started = true;
                    from = at;
                }
                None => return false,
            }
        }
        for (i, &b) in line[from..].iter().enumerate() {
            if let Some(q) = self.quote {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == q {
                    self.quote = None;
                }
                continue;
            }
            match b {
                b'\'' | b'"' => self.quote = Some(b),
                b'{' | b'[' | b'(' => self.depth += 1,
                b'}' | b']' | b')' => {
                    self.depth -= 1;
                    if self.depth == 0 {
                        self.text.extend_from_slice(&line[from..from + i + 1]);
                        return true;
                    }
                }
                _ => {}
            }
        }
        // Python strings do not span lines; an open quote here means this is not a literal.
        self.quote = None;
        self.text.extend_from_slice(&line[from..]);
        self.text.push(b'\n');
        false
    }
}

impl LogReader {
    pub fn new() -> LogReader {
        LogReader::default()
    }

    /// A line in Scrapy's log format: `2020-08-02 10:35:18 [name] LEVEL: message`.
    pub fn looks_like_log(line: &[u8]) -> bool {
        let line = line.trim_ascii_start();
        let stamp = line.len() > 20
            && line[..4].iter().all(u8::is_ascii_digit)
            && line[4] == b'-'
            && line[7] == b'-'
            && line[10] == b' '
            && line[13] == b':'
            && line[16] == b':';
        let levelled = [
            &b"] INFO: "[..],
            b"] DEBUG: ",
            b"] WARNING: ",
            b"] ERROR: ",
            b"] CRITICAL: ",
        ]
        .iter()
        .any(|level| memchr::memmem::find(line, level).is_some());
        stamp && (levelled || memchr::memchr(b'[', line).is_some())
    }

    /// One log line (or one Logs API message).
    pub fn line(&mut self, line: &[u8]) {
        self.lines += 1;
        if let Some(collect) = &mut self.collecting {
            if collect.push(line) {
                self.finish_stats();
            } else if collect.text.len() > STATS_CAP {
                self.collecting = None;
                self.stats_error = Some("the stats dump is too large to read".to_string());
            } else if !collect.started && LogReader::looks_like_log(line) {
                // The dump's `{` never came: STATS_DUMP output was cut.
                self.collecting = None;
            }
            if self.collecting.is_some() {
                return;
            }
        }
        let text = String::from_utf8_lossy(line);
        let text = text.as_ref();
        if self.lines == 1 && text.trim_start().starts_with('{') {
            // A stats dump pasted on its own.
            self.pasted_stats = true;
            self.start_stats(line);
            return;
        }
        if let Some(reason) = engine_reason(text, CLOSING) {
            self.engine(reason, true);
        } else if let Some(reason) = engine_reason(text, CLOSED) {
            self.engine(reason, false);
        } else if let Some(at) = text.find(DUMP).or_else(|| text.find(DUMP_OLD)) {
            // Offsets are in `text`, which may differ from `line` where it was not UTF-8.
            let rest = text.as_bytes()[at + DUMP.len()..].to_vec();
            self.start_stats(&rest);
        } else if let Some(at) = text.find(MEMORY) {
            let digits: String = text[at + MEMORY.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(mib) = digits.parse() {
                self.memory_limit_mib.get_or_insert(mib);
            }
        } else if text.contains("Received SIGTERM twice") || text.contains("Received SIGINT twice")
        {
            self.forced = true;
        } else if text.contains("shutting down gracefully") && text.contains(SIGNAL) {
            self.signals += 1;
        } else if text.contains(START_ERROR) {
            self.start_error = true;
        }
    }

    /// Adds what a later stretch of the same log saw (a chunk read on another thread).
    pub fn absorb(&mut self, later: LogReader) {
        if later.lines == 0 {
            return;
        }
        if self.lines == 0 {
            *self = later;
            return;
        }
        self.lines += later.lines;
        for reason in later.closing.iter() {
            self.engine(reason, true);
        }
        for reason in later.closed.iter() {
            self.engine(reason, false);
        }
        for reason in &later.other_reasons {
            self.engine(reason, false);
        }
        if self.stats.is_none() {
            self.stats = later.stats;
        }
        self.stats_error = self.stats_error.take().or(later.stats_error);
        self.memory_limit_mib = self.memory_limit_mib.or(later.memory_limit_mib);
        self.signals += later.signals;
        self.forced |= later.forced;
        self.start_error |= later.start_error;
    }

    fn start_stats(&mut self, rest: &[u8]) {
        let mut collect = Collect::default();
        let done = collect.push(rest);
        self.collecting = Some(collect);
        if done {
            self.finish_stats();
        }
    }

    fn finish_stats(&mut self) {
        let Some(collect) = self.collecting.take() else {
            return;
        };
        match pyliteral::parse(&collect.text) {
            Ok(value) => {
                let mut stats = Stats::default();
                if pyliteral::fill_stats(&value, &mut stats) && self.stats.is_none() {
                    self.stats = Some(stats);
                }
            }
            Err(err) => {
                self.stats_error = Some(format!(
                    "the stats dump could not be read ({} at byte {})",
                    err.what, err.offset
                ));
            }
        }
    }

    fn engine(&mut self, reason: &str, closing: bool) {
        let first = self.closing.as_deref().or(self.closed.as_deref());
        if let Some(first) = first {
            if first != reason && !self.other_reasons.iter().any(|r| r == reason) {
                self.other_reasons.push(reason.to_string());
            }
        }
        let slot = if closing {
            &mut self.closing
        } else {
            &mut self.closed
        };
        if slot.is_none() {
            *slot = Some(reason.to_string());
        }
    }

    /// Reads the rest of a log, looking only at lines that hold one of the phrases.
    pub fn scan(
        &mut self,
        reader: &mut dyn Read,
        idle: &mut dyn FnMut() -> io::Result<()>,
    ) -> io::Result<()> {
        let Some(finder) = finder() else {
            return Err(io::Error::other("could not build the log searcher"));
        };
        let mut buf = vec![0u8; BLOCK];
        let mut filled = 0;
        loop {
            idle()?;
            let n = match reader.read(&mut buf[filled..]) {
                Ok(n) => n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            };
            filled += n;
            let eof = n == 0;
            // Work on whole lines only; keep a partial last line for the next read.
            let upto = if eof {
                filled
            } else {
                match memchr::memrchr(b'\n', &buf[..filled]) {
                    Some(at) => at + 1,
                    None if filled == buf.len() => filled,
                    None => continue,
                }
            };
            self.scan_block(finder, &buf[..upto]);
            buf.copy_within(upto..filled, 0);
            filled -= upto;
            if eof {
                return Ok(());
            }
        }
    }

    fn scan_block(&mut self, finder: &AhoCorasick, block: &[u8]) {
        let mut at = 0;
        while at < block.len() {
            if self.collecting.is_some() {
                // Inside a stats dump: every line counts until it closes.
                let end = memchr::memchr(b'\n', &block[at..]).map_or(block.len(), |i| at + i);
                self.line(&block[at..end]);
                at = end + 1;
                continue;
            }
            let Some(found) = finder.find(&block[at..]) else {
                return;
            };
            let hit = at + found.start();
            let start = memchr::memrchr(b'\n', &block[..hit]).map_or(0, |i| i + 1);
            let end = memchr::memchr(b'\n', &block[hit..]).map_or(block.len(), |i| hit + i);
            let line = &block[start..end];
            self.line(line.strip_suffix(b"\r").unwrap_or(line));
            at = end + 1;
        }
    }

    /// The log's verdict, or `None` when nothing log-like was seen (no lines at all).
    pub fn finish(mut self, catalog: &Catalog) -> Option<Report<'static>> {
        if self.lines == 0 {
            return None;
        }
        if self.collecting.is_some() {
            self.finish_stats();
            self.stats_error
                .get_or_insert_with(|| "the stats dump is cut off".to_string());
        }
        let mut notes = Vec::new();
        let engine = self.closing.clone().or_else(|| self.closed.clone());
        let stats = self.stats.take().unwrap_or_default();
        let stats_reason = stats.finish_reason.as_deref().map(str::to_string);
        let mut job = Job {
            stats,
            memory_limit: self.memory_limit_mib.map(|m| m * 1024 * 1024),
            ..Job::default()
        };
        if self.forced {
            notes.push(
                "`Received SIGTERM twice, forcing unclean shutdown`: the process was forced to stop"
                    .to_string(),
            );
        } else if self.signals > 0 {
            notes.push("a shutdown signal (SIGTERM or SIGINT) was received".to_string());
        }
        if let Some(mib) = self.memory_limit_mib {
            notes.push(format!("`Memory usage exceeded {mib}MiB` is in the log"));
        }
        if self.start_error {
            notes.push(
                "`Error while reading start items and requests` is in the log: start() failed \
                 (Scrapy 2.18 and later close such runs as start_error)"
                    .to_string(),
            );
        }
        if let Some(error) = self.stats_error.take() {
            notes.push(error);
        }
        let from_engine = engine.is_some();
        let Some(reason) = engine.or_else(|| stats_reason.clone()) else {
            return Some(Report::never_closed(catalog, Box::new(job), notes));
        };
        if !from_engine && !self.pasted_stats {
            notes.push(
                "no engine close line in the log; the reason comes from the stats dump".to_string(),
            );
        }
        if self.closing.is_some() && self.closed.is_none() {
            notes.push(
                "the log has `Closing spider` but no `Spider closed`: the process ended while closing, or the log is cut"
                    .to_string(),
            );
        }
        for other in &self.other_reasons {
            notes.push(format!(
                "a later engine line says `{other}`; the first close reason wins, as in Scrapy"
            ));
        }
        if let Some(stats_reason) = &stats_reason {
            if *stats_reason != reason && !self.other_reasons.contains(stats_reason) {
                notes.push(format!(
                    "the stats dump says finish_reason `{stats_reason}`, the engine `{reason}`"
                ));
            }
        }
        job.close_reason = Some(Cow::Owned(reason));
        job.stats.finish_reason = None;
        let mut report = Report::for_job(catalog, Box::new(job));
        if let Some(job) = report.job.as_mut() {
            job.stats.finish_reason = stats_reason.map(Cow::Owned);
        }
        report.notes.extend(notes);
        Some(report)
    }
}

/// The reason in an engine close line, and only the engine's: `[scrapy.core.engine]`
/// (or `[scrapy]` before 1.3, or the spider's name in 0.x logs, which carry a `+HHMM`
/// offset); a spider's own `Spider closed: x because y` does not count.
fn engine_reason<'t>(line: &'t str, phrase: &str) -> Option<&'t str> {
    let at = line.find(phrase)?;
    let before = line[..at].trim_end();
    let before = before
        .strip_suffix("INFO:")
        .map(str::trim_end)
        .unwrap_or(before);
    let logger_end = before.strip_suffix(']')?;
    let open = logger_end.rfind('[')?;
    let logger = &logger_end[open + 1..];
    let prefix = &logger_end[..open];
    let old_format = prefix.trim_end().len() >= 24 && {
        let stamp = prefix.trim_end().as_bytes();
        let tz = &stamp[stamp.len() - 5..];
        (tz[0] == b'+' || tz[0] == b'-') && tz[1..].iter().all(u8::is_ascii_digit)
    };
    if logger != "scrapy.core.engine" && logger != "scrapy" && !old_format {
        return None;
    }
    let rest = &line[at + phrase.len()..];
    let close = rest.rfind(')')?;
    let reason = &rest[..close];
    (!reason.is_empty()).then_some(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_lines_of_every_era() {
        let cases = [
            (
                "2020-08-02 10:35:18 [scrapy.core.engine] INFO: Spider closed (finished)",
                Some("finished"),
            ),
            (
                "2016-01-01 00:00:00 [scrapy] INFO: Closing spider (closespider_timeout)",
                Some("closespider_timeout"),
            ),
            (
                "2011-09-19 19:06:40+0400 [example] INFO: Spider closed (closespider_itemcount)",
                Some("closespider_itemcount"),
            ),
            (
                "[scrapy.core.engine] Closing spider (cancelled (stalled))",
                Some("cancelled (stalled)"),
            ),
            (
                "2020-08-02 10:35:18 [myspider] INFO: Spider closed (memusage_exceeded)",
                None,
            ),
            (
                "2020-08-02 10:35:18 [myspider] INFO: Spider closed: x because memusage_exceeded",
                None,
            ),
        ];
        for (line, want) in cases {
            let phrase = if line.contains(CLOSING) {
                CLOSING
            } else {
                CLOSED
            };
            assert_eq!(engine_reason(line, phrase), want, "{line}");
        }
    }

    #[test]
    fn log_lines_are_recognised() {
        assert!(LogReader::looks_like_log(
            b"2020-08-02 10:35:18 [scrapy.core.engine] INFO: Spider opened"
        ));
        assert!(LogReader::looks_like_log(
            b"2011-09-19 19:06:40+0400 [example] INFO: Dumping spider stats:"
        ));
        assert!(!LogReader::looks_like_log(b"memusage_exceeded"));
        assert!(!LogReader::looks_like_log(b"{\"key\": \"1/2/3\"}"));
    }
}
