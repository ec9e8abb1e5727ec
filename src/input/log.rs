//! Scrapy logs: the engine's close lines, the stats dumps, the header's version and settings,
//! and the lines that explain a failure. A log can be gigabytes long, so `scan` searches
//! whole lines from the shared reader for the phrases that matter and only looks at the
//! lines that hold one. One log can hold several crawls (a `CrawlerProcess` with several
//! spiders, or runs appended to one file): each close sequence is one crawl, one answer.

use std::borrow::Cow;
use std::io::{self, Read};
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use super::logformat::{self, LogFormat};
use super::reader::{count_newlines, Reader};
use crate::evidence::{self, LogEvidence, Quote};
use crate::job::{Job, LogFacts, Stats};
use crate::pyliteral::{self, Py};
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
const STARTED: &str = " started (bot: ";
const SETTINGS: &str = "Overridden settings:";
const OPENED: &str = "Spider opened";
const TRACEBACK: &str = "Traceback (most recent call last):";
const SCRAPED: &str = "Scraped from <";
const UNHANDLED: &str = "Unhandled error in Deferred";

/// What the scan looks for in every line. `Scraped from` is not among them: a quarter of
/// a busy log's lines hold it, and counting it with `memmem` in a pass of its own costs
/// far less than stopping the multi-phrase search on every fourth line.
const PHRASES: [&str; 15] = [
    CLOSING,
    CLOSED,
    DUMP,
    DUMP_OLD,
    MEMORY,
    SIGNAL,
    START_ERROR,
    START_ERROR_OLD,
    STARTED,
    SETTINGS,
    OPENED,
    TRACEBACK,
    UNHANDLED,
    "ERROR",
    "CRITICAL",
];

/// The counter of `Scraped from` lines, built once per process.
fn scraped_finder() -> &'static memchr::memmem::Finder<'static> {
    static FINDER: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    FINDER.get_or_init(|| memchr::memmem::Finder::new(SCRAPED))
}

/// Where each phrase first stands in one line, found in one pass of the searcher: a
/// dozen `str::find`s per line cost more than the whole search of a block.
struct Hits([usize; PHRASES.len()]);

impl Hits {
    fn of(text: &str) -> Hits {
        let mut at = [usize::MAX; PHRASES.len()];
        if let Some(finder) = finder() {
            for found in finder.find_iter(text) {
                let slot = &mut at[found.pattern().as_usize()];
                if *slot == usize::MAX {
                    *slot = found.start();
                }
            }
        }
        Hits(at)
    }

    fn at(&self, phrase: &str) -> Option<usize> {
        let index = PHRASES.iter().position(|p| *p == phrase)?;
        let at = self.0[index];
        (at != usize::MAX).then_some(at)
    }

    fn has(&self, phrase: &str) -> bool {
        self.at(phrase).is_some()
    }
}

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

/// What a search of a block found, for `LogReader::scan_found`: the lines that hold a
/// phrase (where each starts, and its index in the block) and the count of `Scraped from`
/// lines.
#[derive(Debug, Default)]
pub struct Found {
    lines: Vec<(usize, u64)>,
    scraped: u64,
}

/// Searches a block of whole lines for the lines the reading looks at, and returns how many
/// `\n` it holds (counted on the way). Needs nothing of the reading, so blocks can be
/// searched on every core.
pub fn search_block(block: &[u8], found: &mut Found) -> u64 {
    found.lines.clear();
    found.scraped = scraped_finder().find_iter(block).count() as u64;
    let mut counter = LineCounter {
        counted_to: 0,
        line_no: 0,
    };
    if let Some(finder) = finder() {
        let mut at = 0;
        while at < block.len() {
            let Some(hit) = finder.find(&block[at..]) else {
                break;
            };
            let hit = at + hit.start();
            let start = memchr::memrchr(b'\n', &block[..hit]).map_or(0, |i| i + 1);
            found.lines.push((start, counter.at(block, start)));
            at = memchr::memchr(b'\n', &block[hit..]).map_or(block.len(), |i| hit + i + 1);
        }
    }
    counter.at(block, block.len())
}

/// Line numbers counted forward through a block, from the last place known.
struct LineCounter {
    counted_to: usize,
    line_no: u64,
}

impl LineCounter {
    /// The number of the line that starts at `upto`.
    fn at(&mut self, block: &[u8], upto: usize) -> u64 {
        self.line_no += count_newlines(&block[self.counted_to..upto]);
        self.counted_to = upto;
        self.line_no
    }
}

/// A stats dump or settings block larger than this is not Scrapy's (and is not kept).
const STATS_CAP: usize = 16 * 1024 * 1024;
/// How much of a log is searched at a time.
pub const SCAN_BLOCK: usize = 1024 * 1024;
/// The longest quotation of a log line in a note.
const QUOTE_CAP: usize = 160;
/// How many lines after `Traceback (most recent call last):` are read for its exception.
const TRACEBACK_LINES: u32 = 200;
/// The loggers whose close lines are the engine's (`scrapy` with LOG_SHORT_NAMES or before
/// Scrapy 1.3).
const ENGINE: [&str; 2] = ["scrapy.core.engine", "scrapy"];

/// One crawl: its close sequence and stats dump.
#[derive(Debug, Default)]
struct Crawl {
    closing: Option<String>,
    closed: Option<String>,
    /// The line of its first close line (or of its dump, when it has none).
    line: u64,
    stats: Option<Stats<'static>>,
    stats_error: Option<String>,
    /// Later engine lines of this crawl that disagree with its first.
    other_reasons: Vec<String>,
}

impl Crawl {
    /// Whether a stats dump read now can be this crawl's: Scrapy dumps the stats before it
    /// logs `Spider closed`, so a crawl closed already has had its chance.
    fn awaits_dump(&self) -> bool {
        self.stats.is_none() && self.stats_error.is_none() && self.closed.is_none()
    }

    fn reason(&self) -> Option<&str> {
        self.closing.as_deref().or(self.closed.as_deref())
    }
}

/// What the lines after a phrase are being read for.
#[derive(Debug)]
enum Collecting {
    Stats(Collect),
    Settings(Collect),
    /// The exception line that ends a traceback, within so many lines.
    Exception(Traceback),
}

/// A traceback being read: its innermost frame so far, and the exception line that may
/// end it (a chained traceback goes on after one).
#[derive(Debug)]
struct Traceback {
    left: u32,
    /// The indent of its `Traceback` line: frames are indented deeper, the exception line
    /// that ends it is not (a pasted log may indent everything).
    indent: usize,
    /// Whether `LogReader::frame_line` holds its innermost frame so far.
    has_frame: bool,
    /// The line of the exception line that may end it (the text is in
    /// `LogReader::candidate`).
    candidate: Option<u64>,
    /// The ERROR message on the line before the traceback (in `LogReader::last_error`)
    /// belongs to it.
    after: bool,
}

#[derive(Debug, Default)]
pub struct LogReader {
    format: Option<LogFormat>,
    version: Option<String>,
    settings: Vec<(String, String)>,
    crawls: Vec<Crawl>,
    opened: u64,
    /// `Memory usage exceeded ...` as the log words it, and the limit it names in bytes.
    memory_quote: Option<String>,
    memory_limit: Option<u64>,
    /// The last `Received SIG...` line, as written.
    signal_quote: Option<String>,
    forced: bool,
    start_error: Option<String>,
    errors: u64,
    criticals: u64,
    scraped: u64,
    tracebacks: u64,
    /// The first traceback's exception line and the line it is on.
    exception: Option<(u64, String)>,
    /// The last ERROR line's message and its line, for the traceback that may follow it.
    last_error: String,
    last_error_line: Option<u64>,
    /// Buffers reused from one traceback or ERROR line to the next.
    frame_line: String,
    candidate: String,
    shape_scratch: String,
    evidence: LogEvidence,
    unhandled: bool,
    info_seen: bool,
    /// Lines over the record cap that were skipped.
    skipped_lines: u64,
    lines: u64,
    last_line: u64,
    /// The log's last few lines, for a log that never closed.
    tail: Vec<String>,
    /// The input was a stats dump on its own, not a log.
    pasted_stats: bool,
    collecting: Option<Collecting>,
    /// Reading through `scan`, which counts `Scraped from` lines by itself.
    scanning: bool,
}

#[derive(Debug, Default)]
struct Collect {
    text: Vec<u8>,
    /// The line the block started on.
    line: u64,
    /// Not the whole dump (pasted from its middle, or cut): no counter may be taken as 0.
    partial: bool,
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

    /// A line in Scrapy's default log format: `2020-08-02 10:35:18 [name] LEVEL: message`.
    pub fn looks_like_log(line: &[u8]) -> bool {
        let line = line.trim_ascii_start();
        let stamp = line.len() > 20
            && line[..4].iter().all(u8::is_ascii_digit)
            && line[4] == b'-'
            && line[7] == b'-'
            && line[10] == b' '
            && line[13] == b':'
            && line[16] == b':';
        // The timestamp first: it rules out a traceback's lines at the first byte.
        stamp
            && (memchr::memchr(b'[', line).is_some()
                || [
                    &b"] INFO: "[..],
                    b"] DEBUG: ",
                    b"] WARNING: ",
                    b"] ERROR: ",
                    b"] CRITICAL: ",
                ]
                .iter()
                .any(|level| memchr::memmem::find(line, level).is_some()))
    }

    /// A message only Scrapy writes, whatever the format around it: enough to tell a log
    /// written with any LOG_FORMAT from a list of reasons.
    pub fn has_scrapy_message(line: &[u8]) -> bool {
        const MESSAGES: [&[u8]; 8] = [
            b" started (bot: ",
            b"Spider opened",
            b"Closing spider (",
            b"Spider closed (",
            b"Dumping Scrapy stats:",
            b"Overridden settings:",
            b"Enabled extensions:",
            b"Telnet console listening on",
        ];
        MESSAGES
            .iter()
            .any(|m| memchr::memmem::find(line, m).is_some())
    }

    /// Learns the log's format from one of its first lines, before the search starts.
    pub fn learn(&mut self, line: &[u8]) {
        if self.format.is_some() {
            return;
        }
        let text = text_of(line);
        if let Some(prefix) = text.find(STARTED).and_then(|at| header_prefix(&text, at)) {
            self.format = LogFormat::learn(prefix);
        }
    }

    /// One log line (or one Logs API message) and its line number.
    pub fn line(&mut self, line: &[u8], line_no: u64) {
        self.lines += 1;
        self.last_line = self.last_line.max(line_no);
        if self.collect(line, line_no) {
            return;
        }
        let text = text_of(line);
        let text = text.as_ref();
        if self.lines == 1 && text.trim_start().starts_with('{') {
            // A stats dump pasted on its own.
            self.pasted_stats = true;
            self.start_stats(line, line_no);
            return;
        }
        if self.lines == 1 && starts_with_stats_key(text) {
            // Pasted from the middle of a dump: its `{` is missing.
            self.pasted_stats = true;
            let mut opened = b"{".to_vec();
            opened.extend_from_slice(line);
            let mut collect = Collect {
                line: line_no,
                partial: true,
                ..Collect::default()
            };
            if collect.push(&opened) {
                self.finish_stats(collect);
            } else {
                self.collecting = Some(Collecting::Stats(collect));
            }
            return;
        }
        let hits = Hits::of(text);
        self.count_level(text, &hits, line_no);
        if let Some(prefix) = hits.at(STARTED).and_then(|at| header_prefix(text, at)) {
            if self.format.is_none() {
                self.format = LogFormat::learn(prefix);
            }
            let after = &text[prefix.len() + "Scrapy ".len()..];
            if let Some(end) = after.find(STARTED) {
                self.version.get_or_insert_with(|| after[..end].to_string());
            }
            self.info_seen = true;
        } else if let Some(reason) = hits
            .at(CLOSING)
            .and_then(|at| self.engine_reason(text, at, CLOSING))
        {
            self.closing(reason, line_no);
        } else if let Some(reason) = hits
            .at(CLOSED)
            .and_then(|at| self.engine_reason(text, at, CLOSED))
        {
            self.closed(reason, line_no);
        } else if let Some(at) = hits.at(DUMP).or_else(|| hits.at(DUMP_OLD)) {
            // Offsets are in `text`, which may differ from `line` where it was not UTF-8.
            let rest = text.as_bytes()[at + DUMP.len()..].to_vec();
            self.info_seen = true;
            self.start_stats(&rest, line_no);
        } else if let Some(at) = hits.at(SETTINGS) {
            let rest = text.as_bytes()[at + SETTINGS.len()..].to_vec();
            self.info_seen = true;
            let mut collect = Collect::default();
            if collect.push(&rest) {
                self.settings_from(&collect.text);
            } else {
                self.collecting = Some(Collecting::Settings(collect));
            }
        } else if hits.has(OPENED) {
            self.opened += 1;
            self.info_seen = true;
        } else if let Some(at) = hits.at(MEMORY) {
            if self.memory_quote.is_none() {
                self.memory_limit = memory_limit(&text[at + MEMORY.len()..]);
                self.memory_quote = Some(quote_sentence(&text[at..]));
            }
        } else if let Some(at) = hits.at(SIGNAL) {
            let words = quote(text[at..].trim_end());
            if words.contains(" twice") {
                self.forced = true;
            }
            if words.contains(" twice") || words.contains("shutting down") {
                let name: String = text[at + "Received ".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                self.evidence.signal = Some(name);
                self.evidence.forced = self.forced;
                self.signal_quote = Some(words);
            }
        } else if let Some(at) = hits.at(START_ERROR).or_else(|| hits.at(START_ERROR_OLD)) {
            self.start_error.get_or_insert_with(|| quote(&text[at..]));
            self.evidence
                .start_error
                .get_or_insert_with(|| Quote::new(line_no, &text[at..]));
        } else if hits.has(UNHANDLED) {
            self.unhandled = true;
        } else if !self.scanning && text.contains(SCRAPED) {
            // The scan counts these in its own pass; Logs API lines come one by one.
            self.scraped += 1;
        }
        if hits.has(TRACEBACK) {
            self.tracebacks += 1;
            let after = self
                .last_error_line
                .take()
                .is_some_and(|l| l.saturating_add(1) >= line_no);
            let indent = hits.at(TRACEBACK).map_or(0, |at| {
                text[..at]
                    .chars()
                    .rev()
                    .take_while(|c| *c == ' ' || *c == '\t')
                    .count()
            });
            self.collecting = Some(Collecting::Exception(Traceback {
                left: TRACEBACK_LINES,
                indent,
                has_frame: false,
                candidate: None,
                after,
            }));
        }
    }

    /// Feeds a line to what is being collected; true when the line was taken.
    fn collect(&mut self, line: &[u8], line_no: u64) -> bool {
        if let Some(Collecting::Exception(_)) = &self.collecting {
            return self.traceback_line(line, line_no);
        }
        let Some(collecting) = &mut self.collecting else {
            return false;
        };
        match collecting {
            Collecting::Stats(collect) | Collecting::Settings(collect) => {
                if collect.push(line) {
                    match self.collecting.take() {
                        Some(Collecting::Stats(done)) => self.finish_stats(done),
                        Some(Collecting::Settings(done)) => self.settings_from(&done.text),
                        _ => {}
                    }
                    return true;
                }
                if collect.text.len() > STATS_CAP {
                    self.collecting = None;
                    self.stats_error("the stats dump is too large to read".to_string());
                    return true;
                }
                if !collect.started && LogReader::looks_like_log(line) {
                    // The dump's `{` never came: its output was cut. Read this line as usual.
                    self.collecting = None;
                    return false;
                }
                true
            }
            Collecting::Exception(_) => self.traceback_line(line, line_no),
        }
    }

    /// One line after `Traceback (most recent call last):`; true when it was part of it.
    fn traceback_line(&mut self, line: &[u8], line_no: u64) -> bool {
        let text = text_of(line);
        // A line in the log's own shape ends a traceback, whatever its indent: it is read
        // as usual (a pasted log may be indented throughout).
        if LogReader::looks_like_log(line) || self.format_fits_any(text.trim_end()) {
            self.end_traceback();
            return false;
        }
        let Some(Collecting::Exception(traceback)) = &mut self.collecting else {
            return false;
        };
        let trimmed = text.trim_end();
        let frame = trimmed.trim_start();
        if traceback.candidate.is_some() {
            // After an exception line only a chained traceback goes on.
            let chained = frame.is_empty()
                || frame.starts_with("During handling")
                || frame.starts_with("The above exception")
                || frame.starts_with("Traceback");
            if !chained {
                self.end_traceback();
                return false;
            }
            if frame.starts_with("Traceback") {
                traceback.candidate = None;
            }
            return true;
        }
        let indent = trimmed.len() - frame.len();
        let still_frames = frame.is_empty() || frame.starts_with('^') || indent > traceback.indent;
        if still_frames
            || frame.starts_with("Traceback")
            || frame.starts_with("During handling")
            || frame.starts_with("The above exception")
        {
            if frame.starts_with("File \"") {
                self.frame_line.clear();
                self.frame_line.push_str(frame);
                traceback.has_frame = true;
            }
            traceback.left -= 1;
            if traceback.left == 0 {
                self.collecting = None;
            }
            return true;
        }
        traceback.candidate = Some(line_no);
        self.candidate.clear();
        self.candidate.push_str(frame);
        true
    }

    /// A traceback is over: its last exception line is counted under its type.
    fn end_traceback(&mut self) {
        if let Some(Collecting::Exception(traceback)) = self.collecting.take() {
            if let Some(line) = traceback.candidate {
                let frame = traceback.has_frame.then_some(self.frame_line.as_str());
                let after = traceback.after.then_some(self.last_error.as_str());
                self.evidence.exception(&self.candidate, line, frame, after);
                if self.exception.is_none() {
                    self.exception = Some((line, quote(&self.candidate)));
                }
            }
        }
    }

    fn format_fits_any(&self, line: &str) -> bool {
        self.format
            .as_ref()
            .is_some_and(|f| f.level_of(line).is_some())
    }

    /// ERROR and CRITICAL records, told by where the format puts the level.
    fn count_level(&mut self, text: &str, hits: &Hits, line_no: u64) {
        for (level, slot) in [("ERROR", 0), ("CRITICAL", 1)] {
            if !hits.has(level) {
                continue;
            }
            // Where the level word ends, when this line carries it as its level.
            let level_end = match &self.format {
                Some(format) => format
                    .level_of(text)
                    .filter(|l| *l == level)
                    .map(|l| l.as_ptr() as usize - text.as_ptr() as usize + l.len()),
                None => {
                    let bracketed = format!("] {level}:");
                    text.find(&bracketed)
                        .map(|at| at + bracketed.len())
                        .or_else(|| {
                            text.starts_with(&format!("{level}:"))
                                .then_some(level.len())
                        })
                }
            };
            if let Some(end) = level_end {
                let level: &'static str = if slot == 0 {
                    self.errors += 1;
                    "ERROR"
                } else {
                    self.criticals += 1;
                    "CRITICAL"
                };
                let message = text[end..].trim_start_matches(|c: char| {
                    c == ':' || c == ']' || c == '-' || c.is_whitespace()
                });
                self.evidence
                    .error_line_with(level, message, line_no, &mut self.shape_scratch);
                self.last_error.clear();
                self.last_error.push_str(message);
                self.last_error_line = Some(line_no);
                return;
            }
        }
    }

    /// Every crawl the log opened has closed (`Spider closed`), and nothing is half read:
    /// a log being written has reached its end.
    pub fn all_closed(&self) -> bool {
        let closed = self.crawls.iter().filter(|c| c.closed.is_some()).count() as u64;
        self.opened > 0 && closed >= self.opened && self.collecting.is_none()
    }

    /// Lines skipped by the reader for being over the record cap.
    pub fn skipped(&mut self, lines: u64) {
        self.skipped_lines += lines;
    }

    /// The reason in an engine close line, and only the engine's: after a prefix of this
    /// log's own shape, with the engine's logger where the format writes loggers (`[scrapy]`
    /// before 1.3; in 0.x logs, which carry a `+HHMM` offset, the spider's name). A spider's
    /// `Spider closed: x because y`, or an engine line quoted inside an item or another
    /// message, does not count.
    fn engine_reason<'t>(&mut self, line: &'t str, at: usize, phrase: &str) -> Option<&'t str> {
        let prefix = &line[..at];
        let old_format = old_format(prefix);
        match &self.format {
            Some(format) => {
                let loggers: &[&str] = if old_format { &[] } else { &ENGINE };
                if !format.fits(prefix, loggers) {
                    return None;
                }
            }
            None => {
                if !logformat::plausible(prefix) {
                    return None;
                }
                // Without a header to learn from, a bracketed logger must be the engine's.
                if let (Some(open), Some(close)) = (prefix.find('['), prefix.find(']')) {
                    let logger = prefix.get(open + 1..close).unwrap_or("");
                    if !old_format && !ENGINE.contains(&logger) {
                        return None;
                    }
                }
                self.format = LogFormat::learn(prefix);
            }
        }
        let rest = &line[at + phrase.len()..];
        let close = rest.rfind(')')?;
        let reason = &rest[..close];
        (!reason.is_empty()).then_some(reason)
    }

    /// Each `Closing spider` is a crawl of its own: Scrapy logs it once per crawler.
    fn closing(&mut self, reason: &str, line_no: u64) {
        self.info_seen = true;
        self.crawls.push(Crawl {
            closing: Some(reason.to_string()),
            line: line_no,
            ..Crawl::default()
        });
    }

    /// `Spider closed` ends the oldest crawl still closing, in the order Scrapy closes them.
    fn closed(&mut self, reason: &str, line_no: u64) {
        self.info_seen = true;
        // Crawlers do not finish closing in the order they began: the crawl still closing
        // with the same reason, else the oldest one still closing.
        let open = |c: &Crawl| c.closed.is_none() && c.closing.is_some();
        let at = self
            .crawls
            .iter()
            .position(|c| open(c) && c.closing.as_deref() == Some(reason))
            .or_else(|| self.crawls.iter().position(open));
        match at.and_then(|i| self.crawls.get_mut(i)) {
            Some(crawl) => {
                if crawl.reason() != Some(reason)
                    && !crawl.other_reasons.iter().any(|r| r == reason)
                {
                    crawl.other_reasons.push(reason.to_string());
                }
                crawl.closed = Some(reason.to_string());
            }
            None => {
                // An excerpt or a log that hid `Closing spider`: the crawl is known from here.
                match self
                    .crawls
                    .iter_mut()
                    .find(|c| c.closed.is_none() && c.closing.is_none())
                {
                    Some(crawl) => crawl.closed = Some(reason.to_string()),
                    None => self.crawls.push(Crawl {
                        closed: Some(reason.to_string()),
                        line: line_no,
                        ..Crawl::default()
                    }),
                }
            }
        }
    }

    fn stats_error(&mut self, error: String) {
        match self.crawls.iter_mut().rev().find(|c| c.stats.is_none()) {
            Some(crawl) => crawl.stats_error = Some(error),
            None => self.crawls.push(Crawl {
                stats_error: Some(error),
                line: self.last_line,
                ..Crawl::default()
            }),
        }
    }

    fn start_stats(&mut self, rest: &[u8], line_no: u64) {
        let mut collect = Collect {
            line: line_no,
            // A real dump is a few KiB; growing to that line by line was a tenth of the
            // time of reading a small log.
            text: Vec::with_capacity(4096),
            ..Collect::default()
        };
        if collect.push(rest) {
            self.finish_stats(collect);
        } else {
            self.collecting = Some(Collecting::Stats(collect));
        }
    }

    fn finish_stats(&mut self, mut collect: Collect) {
        let mut parsed = pyliteral::parse(&collect.text);
        // A dump cut off at the end: what it does show can still be read, up to its last
        // whole entry, with the brace it lacks.
        let closed = match (&parsed, collect.text.iter().rposition(|&b| b == b',')) {
            (Err(_), Some(last)) => {
                let mut closed = collect.text[..=last].to_vec();
                closed.push(b'}');
                closed
            }
            _ => Vec::new(),
        };
        if !closed.is_empty() {
            if let Ok(value) = pyliteral::parse(&closed) {
                parsed = Ok(value);
                collect.partial = true;
            }
        }
        let value = match parsed {
            Ok(value) => value,
            Err(err) => {
                self.stats_error(format!(
                    "the stats dump could not be read ({} at byte {})",
                    err.what, err.offset
                ));
                return;
            }
        };
        // An item printed in the log is a dict too; Scrapy's stats have keys like these.
        let stats_like = matches!(&value, Py::Dict(entries) if entries.iter().any(|(k, _)| {
            matches!(k, Py::Str(k) if k.contains('/')
                || matches!(&**k, "finish_reason" | "start_time" | "finish_time"
                    | "elapsed_time_seconds" | "item_scraped_count"))
        }));
        let mut stats = Stats::default();
        if !stats_like || !pyliteral::fill_stats(&value, &mut stats) {
            return;
        }
        if collect.partial {
            self.partial_dump(stats, collect.line);
            return;
        }
        // A complete dump leaves out counters that never moved (Scrapy creates a counter
        // on its first increment): their absence means 0, not unknown.
        stats.items.get_or_insert(0);
        let counts_logs = matches!(&value, Py::Dict(entries)
            if entries.iter().any(|(k, _)| matches!(k, Py::Str(k) if k.starts_with("log_count/"))));
        if counts_logs {
            stats.errors.get_or_insert(0);
            stats.criticals.get_or_insert(0);
        }
        // The crawl still without a dump whose reason the dump names, else the oldest one
        // without; or, for a dump on its own, a new one.
        let waiting = Crawl::awaits_dump;
        let named = stats.finish_reason.clone();
        let at = self
            .crawls
            .iter()
            .position(|c| waiting(c) && named.is_some() && c.reason() == named.as_deref())
            .or_else(|| self.crawls.iter().position(waiting));
        match at.and_then(|i| self.crawls.get_mut(i)) {
            Some(crawl) => crawl.stats = Some(stats),
            None => self.crawls.push(Crawl {
                stats: Some(stats),
                line: collect.line,
                ..Crawl::default()
            }),
        }
    }

    /// A crawl that a later part of the input began without its `Closing spider`: the rest
    /// of one begun here (its dump, its `Spider closed`, split from it where the input was
    /// cut into blocks), else a crawl of its own.
    fn continue_crawl(&mut self, mut later: Crawl) {
        if later.stats.is_some() || later.stats_error.is_some() {
            let waiting = Crawl::awaits_dump;
            let named = later.stats.as_ref().and_then(|s| s.finish_reason.clone());
            let at = self
                .crawls
                .iter()
                .position(|c| waiting(c) && named.is_some() && c.reason() == named.as_deref())
                .or_else(|| self.crawls.iter().position(waiting));
            let Some(crawl) = at.and_then(|i| self.crawls.get_mut(i)) else {
                self.crawls.push(later);
                return;
            };
            crawl.stats = later.stats.take();
            crawl.stats_error = later.stats_error.take();
        }
        if let Some(reason) = later.closed.as_deref() {
            self.closed(reason, later.line);
        }
    }

    /// A dump that is not whole: what it shows, and a note that the rest is unknown.
    fn partial_dump(&mut self, stats: Stats<'static>, line: u64) {
        let note = "the stats dump is not whole (an excerpt, or cut off): counts it does not show are unknown, not 0".to_string();
        let waiting = Crawl::awaits_dump;
        match self
            .crawls
            .iter()
            .position(waiting)
            .and_then(|i| self.crawls.get_mut(i))
        {
            Some(crawl) => {
                crawl.stats = Some(stats);
                crawl.stats_error = Some(note);
            }
            None => self.crawls.push(Crawl {
                stats: Some(stats),
                stats_error: Some(note),
                line,
                ..Crawl::default()
            }),
        }
    }

    fn settings_from(&mut self, text: &[u8]) {
        let Ok(Py::Dict(entries)) = pyliteral::parse(text) else {
            return;
        };
        for (key, value) in entries {
            let Py::Str(key) = key else { continue };
            if self.settings.iter().any(|(k, _)| *k == key) {
                continue;
            }
            let value = match value {
                Py::Str(s) => evidence::redact_credentials(&s),
                Py::Int(i) => i.to_string(),
                Py::Float(f) => f.to_string(),
                Py::Bool(b) => if b { "True" } else { "False" }.to_string(),
                Py::None => "None".to_string(),
                other => format!("{other:?}"),
            };
            self.settings.push((key.into_owned(), value));
        }
    }

    fn setting(&self, name: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
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
        self.format = self.format.take().or(later.format);
        self.version = self.version.take().or(later.version);
        for (k, v) in later.settings {
            if !self.settings.iter().any(|(key, _)| *key == k) {
                self.settings.push((k, v));
            }
        }
        for crawl in later.crawls {
            if crawl.closing.is_some() {
                self.crawls.push(crawl);
            } else {
                self.continue_crawl(crawl);
            }
        }
        self.opened += later.opened;
        if self.memory_quote.is_none() {
            self.memory_quote = later.memory_quote;
            self.memory_limit = later.memory_limit;
        }
        self.signal_quote = later.signal_quote.or(self.signal_quote.take());
        self.forced |= later.forced;
        self.start_error = self.start_error.take().or(later.start_error);
        self.errors += later.errors;
        self.criticals += later.criticals;
        self.scraped += later.scraped;
        self.tracebacks += later.tracebacks;
        self.exception = self.exception.take().or(later.exception);
        self.evidence.absorb(later.evidence);
        self.unhandled |= later.unhandled;
        self.info_seen |= later.info_seen;
        self.skipped_lines += later.skipped_lines;
    }

    /// Reads a log, looking only at lines that hold one of the phrases.
    pub fn scan<R: Read>(
        &mut self,
        reader: &mut Reader<R>,
        idle: &mut dyn FnMut() -> io::Result<()>,
    ) -> io::Result<()> {
        if finder().is_none() {
            return Err(io::Error::other("could not build the log searcher"));
        }
        let mut found = Found::default();
        loop {
            let mut skipped = 0;
            let Some(block) = reader.next_block(SCAN_BLOCK, idle, &mut |_, _| skipped += 1)? else {
                self.skipped(skipped);
                return Ok(());
            };
            search_block(block.text, &mut found);
            self.scan_found(block.text, block.first_line, &found);
            self.skipped(skipped);
        }
    }

    /// The last lines read, for a log that never closed.
    fn keep_tail(&mut self, block: &[u8]) {
        const TAIL: usize = 3;
        let mut lines: Vec<String> = block
            .rsplit(|&b| b == b'\n')
            .map(|l| {
                text_of(l.strip_suffix(b"\r").unwrap_or(l))
                    .trim_end()
                    .to_string()
            })
            .filter(|l| !l.is_empty())
            .take(TAIL)
            .collect();
        lines.reverse();
        if lines.len() >= TAIL {
            self.tail = lines;
        } else {
            self.tail.extend(lines);
            let excess = self.tail.len().saturating_sub(TAIL);
            self.tail.drain(..excess);
        }
    }

    /// Reads a block of whole lines whose phrase-holding lines `search_block` found (here,
    /// or on another thread for a big file).
    pub fn scan_found(&mut self, block: &[u8], first_line: u64, found: &Found) {
        self.scanning = true;
        self.scraped += found.scraped;
        self.scan_block(block, first_line, &found.lines);
        self.scanning = false;
        self.keep_tail(block);
    }

    /// `found`: the lines of the block that hold a phrase (start, index in the block).
    fn scan_block(&mut self, block: &[u8], first_line: u64, found: &[(usize, u64)]) {
        // A found line's number is known; the lines read after it while collecting (a
        // dump, a traceback) are counted on from there.
        let mut counter = LineCounter {
            counted_to: 0,
            line_no: first_line,
        };
        let mut next_found = 0;
        let mut at = 0;
        if self.lines == 0 {
            // The first line with something on it is always read: a stats dump pasted on
            // its own starts there, with no phrase to find it by.
            let blank = block.iter().take_while(|b| b.is_ascii_whitespace()).count();
            let start = memchr::memrchr(b'\n', &block[..blank]).map_or(0, |i| i + 1);
            if start < block.len() {
                let end = memchr::memchr(b'\n', &block[start..]).map_or(block.len(), |i| start + i);
                let line = &block[start..end];
                self.line(
                    line.strip_suffix(b"\r").unwrap_or(line),
                    counter.at(block, start),
                );
                at = end + 1;
            }
        }
        while at < block.len() {
            if self.collecting.is_some() {
                // Inside a stats dump, a settings block or a traceback: every line counts.
                let end = memchr::memchr(b'\n', &block[at..]).map_or(block.len(), |i| at + i);
                let line = &block[at..end];
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let line_no = counter.at(block, at);
                self.lines += 1;
                self.last_line = self.last_line.max(line_no);
                if self.collect(line, line_no) {
                    at = end + 1;
                } else if self.collecting.is_some() {
                    self.line(line, line_no);
                    at = end + 1;
                }
                // Otherwise the line ended what was being collected: the search reads it
                // from here, as it reads every other line.
                continue;
            }
            // Lines start where `at` can stand: the first found at or after it.
            while found.get(next_found).is_some_and(|&(start, _)| start < at) {
                next_found += 1;
            }
            let Some(&(start, index)) = found.get(next_found) else {
                return;
            };
            let line_no = first_line.saturating_add(index);
            counter.counted_to = start;
            counter.line_no = line_no;
            let end = memchr::memchr(b'\n', &block[start..]).map_or(block.len(), |i| start + i);
            let line = &block[start..end];
            self.line(line.strip_suffix(b"\r").unwrap_or(line), line_no);
            at = end + 1;
        }
    }

    /// One answer per crawl, each with the line it rests on (its first close line, else its
    /// dump); for a log without any crawl, one answer that says what the log does show.
    /// Empty when nothing log-like was seen at all.
    pub fn finish(mut self, matcher: &Matcher) -> Vec<(Report<'static>, u64)> {
        if self.lines == 0 {
            return Vec::new();
        }
        if let Some(Collecting::Exception(_)) = &self.collecting {
            self.end_traceback();
        }
        match self.collecting.take() {
            Some(Collecting::Stats(collect)) => {
                let line = collect.line;
                self.finish_stats(collect);
                if !self.crawls.iter().any(|c| c.stats.is_some()) {
                    self.stats_error("the stats dump is cut off".to_string());
                } else if let Some(crawl) = self
                    .crawls
                    .iter_mut()
                    .find(|c| c.line == line || c.stats.is_some())
                {
                    crawl
                        .stats_error
                        .get_or_insert_with(|| "the stats dump is cut off".to_string());
                }
            }
            Some(Collecting::Settings(collect)) => self.settings_from(&collect.text),
            _ => {}
        }
        let facts = self.facts();
        let mut process_notes = self.process_notes();
        // A dump that could not be read, with no close line: not a crawl, just a note.
        let (crawls, fragments): (Vec<Crawl>, Vec<Crawl>) = std::mem::take(&mut self.crawls)
            .into_iter()
            .partition(|c| c.reason().is_some() || c.stats.is_some());
        process_notes.extend(fragments.into_iter().filter_map(|c| c.stats_error));
        self.crawls = crawls;
        if self.crawls.is_empty() {
            let line = self
                .exception
                .as_ref()
                .map_or(self.last_line.max(1), |(l, _)| *l);
            return vec![(self.never_closed(matcher, facts, process_notes), line)];
        }
        let single = self.crawls.len() == 1;
        let crawls = std::mem::take(&mut self.crawls);
        let mut out = Vec::with_capacity(crawls.len());
        for crawl in crawls {
            let line = crawl.line;
            let report = self.crawl_report(matcher, crawl, single, &facts, &process_notes);
            out.push((report, line));
        }
        out
    }

    fn facts(&self) -> LogFacts {
        LogFacts {
            scrapy_version: self.version.clone(),
            settings: self.settings.clone(),
            spider_opened: self.opened,
            error_lines: self.errors,
            critical_lines: self.criticals,
            tracebacks: self.tracebacks,
            counts_from: None,
            evidence: self.evidence.clone(),
        }
    }

    /// What the process as a whole logged: signals, the memory limit, a failed start.
    fn process_notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some(words) = &self.signal_quote {
            if self.forced {
                notes.push(format!(
                    "`{words}` is in the log: the process was forced to stop, so it may have ended without closing"
                ));
            } else {
                let source = self
                    .evidence
                    .signal
                    .as_deref()
                    .map_or("a signal sent to the process", evidence::signal_source);
                notes.push(format!(
                    "`{words}` is in the log: a shutdown was asked for ({source})"
                ));
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
        notes
    }

    /// The memory limit: named by the line that hit it, else the MEMUSAGE_LIMIT_MB setting.
    fn memory_limit(&self) -> Option<u64> {
        self.memory_limit.or_else(|| {
            self.setting("MEMUSAGE_LIMIT_MB")
                .and_then(|v| v.parse::<u64>().ok())
                .and_then(|mib| mib.checked_mul(1024 * 1024))
        })
    }

    /// LOG_LEVEL above INFO hides the close lines and the stats dump.
    fn level_hides_info(&self) -> Option<String> {
        match self.setting("LOG_LEVEL") {
            Some(level @ ("WARNING" | "ERROR" | "CRITICAL")) => Some(format!(
                "LOG_LEVEL is {level} (Overridden settings): the close lines and the stats dump are INFO, so this log cannot show how the crawl ended"
            )),
            _ if !self.info_seen && self.lines > 0 => Some(
                "the log has no INFO line at all: it was probably written with LOG_LEVEL above INFO, which hides the close lines and the stats dump".to_string(),
            ),
            _ => None,
        }
    }

    /// Counts from the log's own lines, when there is no stats dump to give them. Only a
    /// log that starts at its header (`Scrapy X started`) is whole: an excerpt proves no
    /// absence, so its counts stay unknown.
    fn counts_from_lines(&self, job: &mut Job<'static>) -> bool {
        if self.version.is_none() {
            return false;
        }
        job.errors = Some(self.errors.saturating_add(self.criticals));
        // Items are logged at DEBUG: only a log that shows its INFO lines and does not set
        // LOG_LEVEL above DEBUG can say how many there were.
        let debug = self.info_seen && matches!(self.setting("LOG_LEVEL"), None | Some("DEBUG"));
        if debug {
            job.items = Some(self.scraped);
        }
        true
    }

    fn never_closed(
        &self,
        matcher: &Matcher,
        mut facts: LogFacts,
        mut notes: Vec<String>,
    ) -> Report<'static> {
        let mut job = Job {
            memory_limit: self.memory_limit(),
            ..Job::default()
        };
        if self.counts_from_lines(&mut job) {
            facts.counts_from = Some("log lines");
        }
        if let Some((line, words)) = &self.exception {
            notes.push(format!(
                "the first traceback ends with `{words}` (line {line})"
            ));
        }
        if self.unhandled {
            notes.push(format!("`{UNHANDLED}` is in the log"));
        }
        let failures = self.errors + self.criticals + self.tracebacks;
        if failures > 0 {
            notes.push(format!(
                "the log holds {} ERROR and {} CRITICAL line{} and {} traceback{}",
                self.errors,
                self.criticals,
                if self.criticals == 1 { "" } else { "s" },
                self.tracebacks,
                if self.tracebacks == 1 { "" } else { "s" },
            ));
        }
        let hidden = self.level_hides_info();
        let hidden_note = hidden.clone();
        let started = self.opened > 0;
        match hidden_note {
            Some(note) => notes.push(note),
            None if started => notes.push(
                "the spider was opened, so the crawl began and then stopped without closing".to_string(),
            ),
            None => notes.push(
                "the spider was never opened: the process stopped (or is still starting) before the crawl began; a crash that early goes to stderr, not always to LOG_FILE".to_string(),
            ),
        }
        if !self.tail.is_empty() {
            let lines: Vec<String> = self
                .tail
                .iter()
                .map(|l| format!("`{}`", quote(l)))
                .collect();
            notes.push(format!("the log ends with: {}", lines.join(" / ")));
        }
        job.log = Some(Box::new(facts));
        // Only a log that shows INFO lines can show that the spider was never opened.
        let failed_to_start = !started
            && hidden.is_none()
            && (failures > 0 || self.unhandled || self.start_error.is_some());
        if failed_to_start {
            Report::failed_to_start(matcher, Box::new(job), notes)
        } else {
            Report::never_closed(matcher, Box::new(job), notes)
        }
    }

    fn crawl_report(
        &self,
        matcher: &Matcher,
        crawl: Crawl,
        single: bool,
        facts: &LogFacts,
        process_notes: &[String],
    ) -> Report<'static> {
        let mut facts = facts.clone();
        let mut notes = process_notes.to_vec();

        let has_stats = crawl.stats.is_some();
        let stats = crawl.stats.clone().unwrap_or_default();
        let stats_reason = stats.finish_reason.as_deref().map(str::to_string);
        let mut job = Job {
            stats,
            memory_limit: self.memory_limit(),
            ..Job::default()
        };
        if has_stats {
            facts.counts_from = Some("stats dump");
            // A dump without log_count/* (LogCount disabled, 2.14+): a whole log's own
            // lines still give the errors, unless its level hides them.
            let hides_errors = self
                .setting("LOG_LEVEL")
                .is_some_and(|l| l.eq_ignore_ascii_case("CRITICAL"));
            if job.stats.error_lines().is_none()
                && single
                && self.version.is_some()
                && !hides_errors
            {
                job.errors = Some(self.errors.saturating_add(self.criticals));
            }
        } else if single && self.counts_from_lines(&mut job) {
            // No dump (STATS_DUMP=False, a kill): the log's own lines, said as such.
            facts.counts_from = Some("log lines");
        }
        if let Some(error) = &crawl.stats_error {
            notes.push(error.clone());
        }
        let engine = crawl.reason().map(str::to_string);
        let from_engine = engine.is_some();
        let reason = engine.or_else(|| stats_reason.clone()).unwrap_or_default();
        if !from_engine && !self.pasted_stats {
            notes.push(
                "no engine close line in the log; the reason comes from the stats dump".to_string(),
            );
        }
        // Only a whole log (from its header on) shows that the close never completed; an
        // excerpt may just end early.
        let whole_log = self.version.is_some();
        let unfinished_close = crawl.closing.is_some() && crawl.closed.is_none() && whole_log;
        if unfinished_close {
            facts.evidence.close_incomplete = true;
        } else if crawl.closing.is_some() && crawl.closed.is_none() {
            notes.push(
                "the log has `Closing spider` but no `Spider closed`: the excerpt ends early, or the process ended while closing"
                    .to_string(),
            );
        }
        for other in &crawl.other_reasons {
            notes.push(format!(
                "a later engine line says `{other}`; the first close reason wins, as in Scrapy"
            ));
        }
        if let Some(stats_reason) = &stats_reason {
            if *stats_reason != reason && !crawl.other_reasons.contains(stats_reason) {
                notes.push(format!(
                    "the stats dump says finish_reason `{stats_reason}`, the engine `{reason}`"
                ));
            }
        }
        if let Some(setting) = closespider_setting(&reason) {
            if let Some(value) = self.setting(setting) {
                notes.push(format!("{setting} is {value} (Overridden settings)"));
            }
        }
        job.close_reason = Some(Cow::Owned(reason));
        job.stats.finish_reason = None;
        job.log = Some(Box::new(facts));
        let mut report = Report::for_job(matcher, Box::new(job));
        if let Some(job) = report.job.as_mut() {
            job.stats.finish_reason = stats_reason.map(Cow::Owned);
        }
        report.notes.extend(notes);
        report
    }
}

/// The setting behind a `closespider_*` reason.
fn closespider_setting(reason: &str) -> Option<&'static str> {
    Some(match reason {
        "closespider_timeout" => "CLOSESPIDER_TIMEOUT",
        "closespider_timeout_no_item" => "CLOSESPIDER_TIMEOUT_NO_ITEM",
        "closespider_itemcount" => "CLOSESPIDER_ITEMCOUNT",
        "closespider_pagecount" => "CLOSESPIDER_PAGECOUNT",
        "closespider_pagecount_no_item" => "CLOSESPIDER_PAGECOUNT_NO_ITEM",
        "closespider_errorcount" => "CLOSESPIDER_ERRORCOUNT",
        "memusage_exceeded" => "MEMUSAGE_LIMIT_MB",
        _ => return None,
    })
}

/// The prefix of the header line `Scrapy 2.19.0 started (bot: name)`, if this is it.
fn header_prefix(text: &str, at: usize) -> Option<&str> {
    let scrapy = text[..at].rfind("Scrapy ")?;
    let version = &text[scrapy + "Scrapy ".len()..at];
    let looks_like_version = !version.is_empty()
        && version.len() < 40
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'));
    looks_like_version.then_some(&text[..scrapy])
}

/// ` 'downloader/request_count': 534,`: a line from inside a stats dump.
pub fn starts_with_stats_key(text: &str) -> bool {
    let text = text.trim_start();
    let text = text
        .strip_prefix("b'")
        .or_else(|| text.strip_prefix("u'"))
        .or_else(|| text.strip_prefix('\''));
    text.and_then(|t| t.find("': "))
        .is_some_and(|end| end < 120)
}

/// 0.x logs: `2011-09-19 19:06:40+0400 [spidername] INFO: ...`.
fn old_format(prefix: &str) -> bool {
    let stamp = prefix.trim_end();
    let Some(open) = stamp.rfind('[') else {
        return false;
    };
    let stamp = stamp[..open].trim_end().as_bytes();
    stamp.len() >= 24 && {
        let tz = &stamp[stamp.len() - 5..];
        (tz[0] == b'+' || tz[0] == b'-') && tz[1..].iter().all(u8::is_ascii_digit)
    }
}

/// Up to the end of the first sentence (its full stop included), or of the line.
fn quote_sentence(text: &str) -> String {
    match text.find(". ") {
        Some(at) => quote(&text[..=at]),
        None => quote(text.trim_end()),
    }
}

/// A line as text: borrowed when it is UTF-8, as almost every line is (the strict check
/// takes std's fast ASCII path; the lossy one does not), replaced where it is not.
fn text_of(line: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(line) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(line),
    }
}

/// A log line as quoted in a note: trimmed, capped, a URI's password masked.
fn quote(text: &str) -> String {
    let text = evidence::redact_credentials(text.trim());
    let text = text.as_str();
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
            let got = line
                .find(phrase)
                .and_then(|at| LogReader::new().engine_reason(line, at, phrase));
            assert_eq!(got, want, "{line}");
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
