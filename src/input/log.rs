//! Scrapy logs: the engine's close lines, the stats dump and the few lines that explain a
//! kill. A log can be gigabytes long, so `scan` searches whole lines from the shared reader
//! for the phrases that matter and only looks at the lines that hold one.

use std::borrow::Cow;
use std::io::{self, Read};
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use super::reader::{count_newlines, Reader};
use crate::job::{Job, Stats};
use crate::pyliteral;
use crate::reason::Matcher;
use crate::report::Report;

const CLOSING: &str = "Closing spider (";
const CLOSED: &str = "Spider closed (";
const DUMP: &str = "Dumping Scrapy stats:";
const DUMP_OLD: &str = "Dumping spider stats:";
const MEMORY: &str = "Memory usage exceeded ";
const SIGNAL: &str = "Received SIG";
const START_ERROR: &str = "Error while reading start items and requests";
/// The same failure as worded up to Scrapy 2.12.
const START_ERROR_OLD: &str = "Error while obtaining start requests";

const PHRASES: [&str; 8] = [
    CLOSING,
    CLOSED,
    DUMP,
    DUMP_OLD,
    MEMORY,
    SIGNAL,
    START_ERROR,
    START_ERROR_OLD,
];

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
/// How much of a log is searched at a time.
pub const SCAN_BLOCK: usize = 1024 * 1024;
/// The longest quotation of a log line in a note.
const QUOTE_CAP: usize = 160;

#[derive(Debug, Default)]
pub struct LogReader {
    closing: Option<String>,
    closed: Option<String>,
    /// The line of the first engine close line.
    close_line: Option<u64>,
    /// Later engine close lines that disagree with the first.
    other_reasons: Vec<String>,
    stats: Option<Stats<'static>>,
    stats_error: Option<String>,
    stats_line: Option<u64>,
    /// `Memory usage exceeded ...` as the log words it, and the limit it names in bytes.
    memory_quote: Option<String>,
    memory_limit: Option<u64>,
    /// The last `Received SIG...` line, as written.
    signal_quote: Option<String>,
    forced: bool,
    start_error: Option<String>,
    /// Lines over the record cap that were skipped.
    skipped_lines: u64,
    /// What stands before the logger field in this log's lines, digits folded to `9`:
    /// learnt from its first Scrapy line, so that a quoted engine line is not the engine.
    prefix_shape: Option<String>,
    lines: u64,
    last_line: u64,
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

    /// One log line (or one Logs API message) and its line number.
    pub fn line(&mut self, line: &[u8], line_no: u64) {
        self.lines += 1;
        self.last_line = self.last_line.max(line_no);
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
            self.stats_line = Some(line_no);
            self.start_stats(line);
            return;
        }
        if self.prefix_shape.is_none() {
            self.learn_prefix(text);
        }
        if let Some(reason) = self.engine_reason(text, CLOSING) {
            self.engine(reason, true, line_no);
        } else if let Some(reason) = self.engine_reason(text, CLOSED) {
            self.engine(reason, false, line_no);
        } else if let Some(at) = text.find(DUMP).or_else(|| text.find(DUMP_OLD)) {
            // Offsets are in `text`, which may differ from `line` where it was not UTF-8.
            let rest = text.as_bytes()[at + DUMP.len()..].to_vec();
            self.stats_line.get_or_insert(line_no);
            self.start_stats(&rest);
        } else if let Some(at) = text.find(MEMORY) {
            if self.memory_quote.is_none() {
                let words = quote_sentence(&text[at..]);
                self.memory_limit = memory_limit(&text[at + MEMORY.len()..]);
                self.memory_quote = Some(words);
            }
        } else if let Some(at) = text.find(SIGNAL) {
            let words = quote_sentence_pair(&text[at..]);
            if words.contains(" twice") {
                self.forced = true;
            }
            if words.contains(" twice") || words.contains("shutting down") {
                self.signal_quote = Some(words);
            }
        } else if let Some(at) = text
            .find(START_ERROR)
            .or_else(|| text.find(START_ERROR_OLD))
        {
            self.start_error.get_or_insert_with(|| quote(&text[at..]));
        }
    }

    /// Learns the log's prefix from one of its first lines, before the search starts.
    pub fn learn(&mut self, line: &[u8]) {
        if self.prefix_shape.is_none() {
            self.learn_prefix(&String::from_utf8_lossy(line));
        }
    }

    /// Lines skipped by the reader for being over the record cap.
    pub fn skipped(&mut self, lines: u64) {
        self.skipped_lines += lines;
    }

    /// Learns where this log's format puts the logger, from a line naming a Scrapy logger
    /// after something that can only be a timestamp (or nothing).
    fn learn_prefix(&mut self, text: &str) {
        for logger in ["[scrapy.", "[scrapy]"] {
            if let Some(at) = text.find(logger) {
                let prefix = &text[..at];
                if plausible_prefix(prefix) {
                    self.prefix_shape = Some(shape(prefix));
                    return;
                }
            }
        }
    }

    /// The reason in an engine close line, and only the engine's: `[scrapy.core.engine]`
    /// (or `[scrapy]` before 1.3, or the spider's name in 0.x logs, which carry a `+HHMM`
    /// offset), after a prefix of this log's own shape; a spider's own `Spider closed: x
    /// because y`, or an engine line quoted in an item or another message, does not count.
    fn engine_reason<'t>(&mut self, line: &'t str, phrase: &str) -> Option<&'t str> {
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
        match &self.prefix_shape {
            Some(known) if *known != shape(prefix) => return None,
            Some(_) => {}
            None if !plausible_prefix(prefix) => return None,
            None => self.prefix_shape = Some(shape(prefix)),
        }
        let rest = &line[at + phrase.len()..];
        let close = rest.rfind(')')?;
        let reason = &rest[..close];
        (!reason.is_empty()).then_some(reason)
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
        self.last_line = self.last_line.max(later.last_line);
        let line = later.close_line.unwrap_or(later.last_line);
        for reason in later.closing.iter() {
            self.engine(reason, true, line);
        }
        for reason in later.closed.iter() {
            self.engine(reason, false, line);
        }
        for reason in &later.other_reasons {
            self.engine(reason, false, line);
        }
        if self.stats.is_none() {
            self.stats = later.stats;
            self.stats_line = self.stats_line.or(later.stats_line);
        }
        self.stats_error = self.stats_error.take().or(later.stats_error);
        if self.memory_quote.is_none() {
            self.memory_quote = later.memory_quote;
            self.memory_limit = later.memory_limit;
        }
        self.signal_quote = later.signal_quote.or(self.signal_quote.take());
        self.forced |= later.forced;
        self.start_error = self.start_error.take().or(later.start_error);
        self.skipped_lines += later.skipped_lines;
        self.prefix_shape = self.prefix_shape.take().or(later.prefix_shape);
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

    fn engine(&mut self, reason: &str, closing: bool, line_no: u64) {
        self.close_line.get_or_insert(line_no);
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

    /// Reads a log, looking only at lines that hold one of the phrases.
    pub fn scan<R: Read>(
        &mut self,
        reader: &mut Reader<R>,
        idle: &mut dyn FnMut() -> io::Result<()>,
    ) -> io::Result<()> {
        let Some(finder) = finder() else {
            return Err(io::Error::other("could not build the log searcher"));
        };
        loop {
            let mut skipped = 0;
            let Some(block) = reader.next_block(SCAN_BLOCK, idle, &mut |_, _| skipped += 1)? else {
                self.skipped(skipped);
                return Ok(());
            };
            let (text, first_line) = (block.text, block.first_line);
            self.scan_block(finder, text, first_line);
            self.skipped(skipped);
        }
    }

    fn scan_block(&mut self, finder: &AhoCorasick, block: &[u8], first_line: u64) {
        // Line numbers are counted only up to each hit, in one pass over the block.
        let mut counted_to = 0;
        let mut line_no = first_line;
        let mut number = |upto: usize| {
            line_no += count_newlines(&block[counted_to..upto]);
            counted_to = upto;
            line_no
        };
        let mut at = 0;
        if self.lines == 0 {
            // The first line with something on it is always read: a stats dump pasted on
            // its own starts there, with no phrase to find it by.
            let blank = block.iter().take_while(|b| b.is_ascii_whitespace()).count();
            let start = memchr::memrchr(b'\n', &block[..blank]).map_or(0, |i| i + 1);
            if start < block.len() {
                let end = memchr::memchr(b'\n', &block[start..]).map_or(block.len(), |i| start + i);
                let line = &block[start..end];
                self.line(line.strip_suffix(b"\r").unwrap_or(line), number(start));
                at = end + 1;
            }
        }
        while at < block.len() {
            if self.collecting.is_some() {
                // Inside a stats dump: every line counts until it closes.
                let end = memchr::memchr(b'\n', &block[at..]).map_or(block.len(), |i| at + i);
                let line = &block[at..end];
                self.line(line.strip_suffix(b"\r").unwrap_or(line), number(at));
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
            self.line(line.strip_suffix(b"\r").unwrap_or(line), number(start));
            at = end + 1;
        }
    }

    /// The log's verdict and the line it rests on (the first close line, else the stats
    /// dump, else the last line), or `None` when nothing log-like was seen.
    pub fn finish(mut self, matcher: &Matcher) -> Option<(Report<'static>, u64)> {
        if self.lines == 0 {
            return None;
        }
        if self.collecting.is_some() {
            self.finish_stats();
            self.stats_error
                .get_or_insert_with(|| "the stats dump is cut off".to_string());
        }
        let line = self
            .close_line
            .or(self.stats_line)
            .unwrap_or(self.last_line.max(1));
        let mut notes = Vec::new();
        let engine = self.closing.clone().or_else(|| self.closed.clone());
        let stats = self.stats.take().unwrap_or_default();
        let stats_reason = stats.finish_reason.as_deref().map(str::to_string);
        let mut job = Job {
            stats,
            memory_limit: self.memory_limit,
            ..Job::default()
        };
        if let Some(words) = &self.signal_quote {
            if self.forced {
                notes.push(format!(
                    "`{words}` is in the log: the process was forced to stop, so it may have ended without closing"
                ));
            } else {
                notes.push(format!("`{words}` is in the log: a shutdown was asked for"));
            }
        }
        if let Some(words) = &self.memory_quote {
            notes.push(format!("`{words}` is in the log"));
        }
        if let Some(words) = &self.start_error {
            notes.push(format!(
                "`{words}` is in the log: start() failed (Scrapy 2.18 and later close such runs as start_error)"
            ));
        }
        if let Some(error) = self.stats_error.take() {
            notes.push(error);
        }
        if self.skipped_lines > 0 {
            notes.push(format!(
                "{} line{} over the {} MiB limit {} skipped",
                self.skipped_lines,
                if self.skipped_lines == 1 { "" } else { "s" },
                super::reader::RECORD_CAP >> 20,
                if self.skipped_lines == 1 {
                    "was"
                } else {
                    "were"
                },
            ));
        }
        let from_engine = engine.is_some();
        let Some(reason) = engine.or_else(|| stats_reason.clone()) else {
            return Some((Report::never_closed(matcher, Box::new(job), notes), line));
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
        let mut report = Report::for_job(matcher, Box::new(job));
        if let Some(job) = report.job.as_mut() {
            job.stats.finish_reason = stats_reason.map(Cow::Owned);
        }
        report.notes.extend(notes);
        Some((report, line))
    }
}

/// Before the logger field, only what a timestamp or a level can hold: digits, spaces
/// and the punctuation of dates and times. A quote, a brace or a word is not a prefix.
fn plausible_prefix(prefix: &str) -> bool {
    prefix.bytes().all(|b| {
        b.is_ascii_digit()
            || matches!(
                b,
                b' ' | b'-' | b':' | b'.' | b',' | b'+' | b'T' | b'Z' | b'/'
            )
    })
}

/// Digits folded to `9`, the rest kept: the shape a log's format gives every line.
fn shape(prefix: &str) -> String {
    prefix
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect()
}

/// Up to the end of the first sentence (its full stop included), or of the line.
fn quote_sentence(text: &str) -> String {
    match text.find(". ") {
        Some(at) => quote(&text[..=at]),
        None => quote(text.trim_end()),
    }
}

/// `Received SIGINT, shutting down gracefully. Send again to force`: two short sentences.
fn quote_sentence_pair(text: &str) -> String {
    quote(text.trim_end())
}

fn quote(text: &str) -> String {
    let text = text.trim();
    if text.len() <= QUOTE_CAP {
        return text.to_string();
    }
    let mut cut = QUOTE_CAP;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}...", &text[..cut])
}

/// The limit in `Memory usage exceeded 2048MiB.` (or `2048M.` before Scrapy 2.8), in bytes;
/// `None` when it does not fit.
fn memory_limit(after: &str) -> Option<u64> {
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    let mib: u64 = digits.parse().ok()?;
    mib.checked_mul(1024 * 1024)
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
            assert_eq!(LogReader::new().engine_reason(line, phrase), want, "{line}");
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
