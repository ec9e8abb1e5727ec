//! Scrapy logs: the engine's close lines, the stats dumps, the header's version and settings,
//! and the lines that explain a failure. A log can be gigabytes long, so `scan` searches
//! whole lines from the shared reader for the phrases that matter and only looks at the
//! lines that hold one.
//!
//! One file can hold several runs (Scrapy appends to `LOG_FILE` by default): each run is
//! read into a `Run` of its own, from its header (or its `Spider opened` where there is
//! none) to the next run's, and judged on its own lines only. Within a run, each close
//! sequence is one crawl, one answer (`answer`).

mod answer;
mod literal;
mod run;
mod scan;
mod search;
mod traceback;
mod words;

use super::logformat::{self, LogFormat};
use crate::evidence::Quote;
use crate::job::LogCrawl;
use crate::job::Stats;
use crate::pyliteral::{self, Py};
use literal::Collect;
use run::{Begin, Run};
use search::{
    finder, Hits, CLOSED, CLOSING, DUMP, DUMP_OLD, JS_HEAP, MEMORY, OPENED, SETTINGS, SIGNAL,
    STARTED, START_ERROR, START_ERROR_OLD, TRACEBACK, UNHANDLED,
};
pub use search::{search_block, Found};
use traceback::{Step, Tracebacks};
use words::{bracketed_logger, header_prefix, old_format, quote, quote_sentence, text_of};
pub use words::{
    depaste, has_scrapy_message, looks_like_log, starts_with_stats_key, traceback_shaped,
};

/// A stats dump or settings block larger than this is not Scrapy's (and is not kept).
const STATS_CAP: usize = 16 * 1024 * 1024;
/// How many of a run's first lines are looked at for a time it started.
const TIMED_LINES: u64 = 16;
/// The loggers whose close lines are the engine's (`scrapy` with LOG_SHORT_NAMES or before
/// Scrapy 1.3).
const ENGINE: [&str; 2] = ["scrapy.core.engine", "scrapy"];

/// What the lines after a phrase are being read for.
#[derive(Debug)]
enum Collecting {
    Stats(Collect),
    Settings(Collect),
    /// The exception line that ends a traceback (read by `tracebacks`).
    Exception,
}

#[derive(Debug)]
pub struct LogReader {
    format: Option<LogFormat>,
    /// The runs read so far, in order; the last is the one being read. Never empty.
    runs: Vec<Run>,
    /// The last ERROR line's message and its line, for the traceback that may follow it.
    last_error: String,
    last_error_line: Option<u64>,
    /// The traceback being read, and its buffers.
    tracebacks: Tracebacks,
    shape_scratch: String,
    lines: u64,
    last_line: u64,
    /// The last row of the line being read, where a console cut it into rows (`cut_line`).
    last_row: u64,
    /// The input was a stats dump on its own, not a log.
    pasted_stats: bool,
    collecting: Option<Collecting>,
    /// Reading through `scan`, which counts `Scraped from` lines by itself.
    scanning: bool,
    /// The number of the first run in `runs`, counting every run begun from 1 (runs
    /// handed out by `finished_runs` are gone from `runs`).
    first_run: u64,
    /// Runs numbered below this are history: `finish` leaves them out (`--follow`).
    answer_from: u64,
    /// The path the log is read from: Scrapyd's layout names its job and spider.
    source: Option<String>,
}

impl Default for LogReader {
    fn default() -> LogReader {
        LogReader {
            format: None,
            runs: vec![Run::default()],
            last_error: String::new(),
            last_error_line: None,
            tracebacks: Tracebacks::default(),
            shape_scratch: String::new(),
            lines: 0,
            last_line: 0,
            last_row: 0,
            pasted_stats: false,
            collecting: None,
            scanning: false,
            first_run: 1,
            answer_from: 1,
            source: None,
        }
    }
}

/// Whether the phrase search could be built (it always can: its phrases are constants).
pub fn searcher_ready() -> bool {
    finder().is_some()
}

/// The run being read.
fn current(runs: &mut [Run]) -> &mut Run {
    let last = runs.len().saturating_sub(1);
    &mut runs[last]
}

impl LogReader {
    pub fn new() -> LogReader {
        LogReader::default()
    }

    fn run(&mut self) -> &mut Run {
        current(&mut self.runs)
    }

    /// The number of the run being read, counting from 1.
    pub fn run_number(&self) -> u64 {
        self.first_run
            .saturating_add(self.runs.len() as u64)
            .saturating_sub(1)
    }

    /// Whether the run being read has begun: anything of Scrapy's has been read in it.
    pub fn run_begun(&self) -> bool {
        self.runs.last().is_some_and(Run::shows_a_crawl)
    }

    /// The line the run being read starts at.
    pub fn run_line(&self) -> u64 {
        self.runs.last().map_or(0, |run| run.first_line)
    }

    /// The log is read from this path (Scrapyd's `logs/<project>/<spider>/<job>.log` names
    /// its job and spider).
    pub fn read_from(&mut self, name: &str) {
        self.source = Some(name.to_string());
    }

    /// Leaves the runs numbered below `number` out of the answers: what a follow found
    /// already closed in the file is history, not the crawl it waits for.
    pub fn answer_from(&mut self, number: u64) {
        self.answer_from = number;
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

    /// A new run begins at `line_no`. Lines before it that showed nothing of a crawl are
    /// taken into the new run instead of making one of their own.
    fn begin_run(&mut self, begin: Begin, line_no: u64) {
        let run = self.run();
        if !run.shows_a_crawl() {
            run.begin = begin;
            run.first_line = line_no;
            run.first_time = None;
            return;
        }
        let mut next = Run::starting(begin, line_no);
        if begin == Begin::Opened {
            // The same process (no header between): its version and the settings all its
            // crawlers share still hold.
            next.version = run.version.clone();
            next.settings = run.settings_shared().0;
        }
        self.runs.push(next);
    }

    /// Counts a line as read, in the reader and in the run it belongs to.
    fn count_line(&mut self, line_no: u64) {
        self.lines += 1;
        self.last_line = self.last_line.max(line_no);
        let run = self.run();
        run.lines += 1;
        run.last_line = run.last_line.max(line_no);
        if run.first_line == 0 {
            run.first_line = line_no;
        }
    }

    /// One line of a log a console cut into rows (`input::hardwrap`), joined back: it is
    /// numbered by its first row, and the line after it comes after its last.
    pub fn cut_line(&mut self, line: &[u8], first_row: u64, last_row: u64) {
        self.last_row = last_row;
        self.line(line, first_row);
        // Read line by line, not searched: the run's last lines are kept here.
        self.run().keep_tail(line);
    }

    /// One log line (or one Logs API message) and its line number.
    pub fn line(&mut self, line: &[u8], line_no: u64) {
        let line = depaste(line);
        if self.collect(line, line_no) {
            self.count_line(line_no);
            return;
        }
        let text = text_of(line);
        let text = text.as_ref();
        if self.lines == 0 && text.trim_start().starts_with('{') {
            // A stats dump pasted on its own.
            self.count_line(line_no);
            self.pasted_stats = true;
            self.start_stats(line, line_no);
            return;
        }
        if self.lines == 0 && starts_with_stats_key(text) {
            // Pasted from the middle of a dump: its `{` is missing.
            self.count_line(line_no);
            self.pasted_stats = true;
            let mut opened = b"{".to_vec();
            opened.extend_from_slice(line);
            let mut collect = Collect::at(line_no);
            collect.partial = true;
            if collect.push(&opened) {
                self.finish_stats(collect);
            } else {
                self.collecting = Some(Collecting::Stats(collect));
            }
            return;
        }
        let hits = Hits::of(text);
        let header = hits.at(STARTED).and_then(|at| header_prefix(text, at));
        if header.is_some() {
            self.begin_run(Begin::Header, line_no);
        } else if hits.has(OPENED) && self.run().all_crawls_closed() {
            self.begin_run(Begin::Opened, line_no);
        }
        self.count_line(line_no);
        // A run's first lines carry its start time, if its format writes one.
        let run = self.run();
        if run.first_time.is_none() && run.lines <= TIMED_LINES {
            run.first_time = crate::civil::line_time(line);
        }
        self.count_level(text, &hits, line_no);
        if let Some(prefix) = header {
            // Each run may have a LOG_FORMAT of its own.
            if let Some(format) = LogFormat::learn(prefix) {
                self.format = Some(format);
            }
            let after = &text[prefix.len() + "Scrapy ".len()..];
            let run = current(&mut self.runs);
            if let Some(end) = after.find(STARTED) {
                run.version.get_or_insert_with(|| after[..end].to_string());
            }
            run.info_seen = true;
        } else if let Some(reason) = hits
            .at(CLOSING)
            .and_then(|at| self.engine_reason(text, at, CLOSING))
        {
            current(&mut self.runs).closing(reason, line_no);
        } else if let Some(reason) = hits
            .at(CLOSED)
            .and_then(|at| self.engine_reason(text, at, CLOSED))
        {
            current(&mut self.runs).closed(reason, line_no);
        } else if let Some(at) = hits.at(DUMP).or_else(|| hits.at(DUMP_OLD)) {
            // Offsets are in `text`, which may differ from `line` where it was not UTF-8.
            let rest = text.as_bytes()[at + DUMP.len()..].to_vec();
            self.run().info_seen = true;
            self.start_stats(&rest, line_no);
        } else if let Some(at) = hits.at(SETTINGS) {
            let rest = text.as_bytes()[at + SETTINGS.len()..].to_vec();
            self.run().info_seen = true;
            let mut collect = Collect::default();
            if collect.push(&rest) {
                self.run().settings_from(&collect.text);
            } else {
                self.collecting = Some(Collecting::Settings(collect));
            }
        } else if hits.has(OPENED) {
            self.run().spider_opened();
        } else if let Some(at) = hits.at(MEMORY) {
            let run = self.run();
            if run.memory_quote.is_none() {
                run.memory_limit = words::memory_limit(&text[at + MEMORY.len()..]);
                run.memory_quote = Some(quote_sentence(&text[at..]));
            }
        } else if let Some(at) = hits.at(SIGNAL) {
            let words = quote(text[at..].trim_end());
            let run = self.run();
            if words.contains(" twice") {
                run.forced = true;
            }
            if words.contains(" twice") || words.contains("shutting down") {
                let name: String = text[at + "Received ".len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                run.now.evidence.signal = Some(name);
                run.now.evidence.forced = run.forced;
                run.signal_quote = Some(words);
            }
        } else if let Some(at) = hits.at(START_ERROR).or_else(|| hits.at(START_ERROR_OLD)) {
            let run = self.run();
            run.start_error.get_or_insert_with(|| quote(&text[at..]));
            run.now
                .evidence
                .start_error
                .get_or_insert_with(|| Quote::new(line_no, &text[at..]));
        } else if hits.has(UNHANDLED) {
            self.run().now.unhandled = true;
        } else if let Some(at) = hits.at(JS_HEAP) {
            // Node writes `FATAL ERROR: <what failed> Allocation failed - ` before it.
            let from = text[..at].find("FATAL ERROR").unwrap_or(at);
            self.run()
                .now
                .evidence
                .browser_out_of_memory
                .get_or_insert_with(|| Quote::new(line_no, &text[from..]));
        } else if !self.scanning && text.contains(search::SCRAPED) {
            // The scan counts these in its own pass; Logs API lines come one by one.
            self.run().now.scraped += 1;
        }
        if hits.has(TRACEBACK) {
            self.run().now.tracebacks += 1;
            let after = self
                .last_error_line
                .take()
                .is_some_and(|l| l.saturating_add(1) >= line_no);
            let before = hits.at(TRACEBACK).map_or("", |at| &text[..at]);
            let wrapper_prefix = before.trim_end_matches([' ', '\t']);
            let indent = before.len() - wrapper_prefix.len();
            let wrapper = logformat::shape(wrapper_prefix);
            self.tracebacks.begin(indent, wrapper, after);
            self.collecting = Some(Collecting::Exception);
        }
    }

    /// Feeds a line to what is being collected; true when the line was taken.
    fn collect(&mut self, line: &[u8], line_no: u64) -> bool {
        if let Some(Collecting::Exception) = &self.collecting {
            return self.traceback_line(line, line_no);
        }
        let Some(collecting) = &mut self.collecting else {
            return false;
        };
        match collecting {
            Collecting::Stats(collect) | Collecting::Settings(collect) => {
                let line = if collect.started {
                    literal::without_wrapper(line)
                } else {
                    line
                };
                if collect.push(line) {
                    match self.collecting.take() {
                        Some(Collecting::Stats(done)) => self.finish_stats(done),
                        Some(Collecting::Settings(done)) => self.run().settings_from(&done.text),
                        _ => {}
                    }
                    return true;
                }
                if collect.text.len() > STATS_CAP {
                    self.collecting = None;
                    self.run()
                        .stats_error("the stats dump is too large to read".to_string());
                    return true;
                }
                if !collect.started && looks_like_log(line) {
                    // The dump's `{` never came: its output was cut. Read this line as usual.
                    self.collecting = None;
                    return false;
                }
                true
            }
            Collecting::Exception => self.traceback_line(line, line_no),
        }
    }

    /// One line after `Traceback (most recent call last):`; true when it was part of it.
    fn traceback_line(&mut self, line: &[u8], line_no: u64) -> bool {
        let text = text_of(line);
        // A line in the log's own shape ends a traceback, whatever its indent: it is read
        // as usual (a pasted log may be indented throughout).
        if looks_like_log(line) || self.format_fits_any(text.trim_end()) {
            self.end_traceback();
            return false;
        }
        match self.tracebacks.line(&text, line_no) {
            Step::Taken => true,
            Step::GivenUp => {
                self.collecting = None;
                true
            }
            Step::Over => {
                self.end_traceback();
                false
            }
        }
    }

    /// A traceback is over: its last exception line is counted under its type.
    fn end_traceback(&mut self) {
        if !matches!(self.collecting, Some(Collecting::Exception)) {
            return;
        }
        self.collecting = None;
        if let Some(ended) = self.tracebacks.end() {
            let after = ended.after.then_some(self.last_error.as_str());
            let facts = &mut current(&mut self.runs).now;
            facts.evidence.exception(
                ended.exception,
                ended.line,
                ended.frame,
                ended.callback,
                after,
            );
            if facts.exception.is_none() {
                facts.exception = Some((ended.line, quote(ended.exception)));
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
                let facts = &mut current(&mut self.runs).now;
                let level: &'static str = if slot == 0 {
                    facts.errors += 1;
                    "ERROR"
                } else {
                    facts.criticals += 1;
                    "CRITICAL"
                };
                let message = text[end..].trim_start_matches(|c: char| {
                    c == ':' || c == ']' || c == '-' || c.is_whitespace()
                });
                facts
                    .evidence
                    .error_line_with(level, message, line_no, &mut self.shape_scratch);
                self.last_error.clear();
                self.last_error.push_str(message);
                self.last_error_line = Some(line_no.max(self.last_row));
                return;
            }
        }
    }

    /// Every crawl the run being read opened has closed (`Spider closed`), and nothing is
    /// half read: a log being written has reached the end of a run.
    pub fn all_closed(&self) -> bool {
        let Some(run) = self.runs.last() else {
            return false;
        };
        let closed = run.crawls.iter().filter(|c| c.closed.is_some()).count() as u64;
        run.opened > 0 && closed >= run.opened && self.collecting.is_none()
    }

    /// Lines skipped by the reader for being over the record cap.
    pub fn skipped(&mut self, lines: u64) {
        let run = self.run();
        run.skipped_lines = run.skipped_lines.saturating_add(lines);
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
                // A wrapper's brackets (Celery's `[2022-03-12 19:44:57,512: INFO/Main]`)
                // hold no logger name: the first bracket that does is the line's logger
                // (a later one is quoted in its message).
                if let Some(logger) = bracketed_logger(prefix) {
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

    fn start_stats(&mut self, rest: &[u8], line_no: u64) {
        let mut collect = Collect::at(line_no);
        // A real dump is a few KiB; growing to that line by line was a tenth of the time
        // of reading a small log.
        collect.text.reserve(4096);
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
                self.run().stats_error(format!(
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
            self.run().partial_dump(stats, collect.line);
            return;
        }
        // A complete dump leaves out counters that never moved (Scrapy creates a counter
        // on its first increment): their absence means 0, not unknown.
        stats.items.get_or_insert(0);
        stats.responses.get_or_insert(0);
        let counts_logs = matches!(&value, Py::Dict(entries)
            if entries.iter().any(|(k, _)| matches!(k, Py::Str(k) if k.starts_with("log_count/"))));
        if counts_logs {
            stats.errors.get_or_insert(0);
            stats.criticals.get_or_insert(0);
        }
        self.run().dump(stats, collect.line);
    }

    /// Adds what a later stretch of the same log saw (a chunk read on another thread): its
    /// first run goes on with the run being read here unless it began at a header.
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
        let mut runs = later.runs.into_iter();
        if let Some(first) = runs.next() {
            if first.begin == Begin::Header && self.run().shows_a_crawl() {
                self.runs.push(first);
            } else {
                self.run().absorb(first);
            }
        }
        self.runs.extend(runs);
    }

    /// Every crawl of every run, each with the line it rests on, for the judge; for a run
    /// without any crawl, one that says what its lines do show. Empty when nothing
    /// log-like was seen at all.
    pub fn finish(mut self) -> Vec<(LogCrawl, u64)> {
        if self.lines == 0 {
            return Vec::new();
        }
        if let Some(Collecting::Exception) = &self.collecting {
            self.end_traceback();
        }
        match self.collecting.take() {
            Some(Collecting::Stats(collect)) => {
                let line = collect.line;
                self.finish_stats(collect);
                let run = self.run();
                if !run.crawls.iter().any(|c| c.stats.is_some()) {
                    run.stats_error("the stats dump is cut off".to_string());
                } else if let Some(crawl) = run
                    .crawls
                    .iter_mut()
                    .find(|c| c.line == line || c.stats.is_some())
                {
                    crawl
                        .stats_error
                        .get_or_insert_with(|| "the stats dump is cut off".to_string());
                }
            }
            Some(Collecting::Settings(collect)) => self.run().settings_from(&collect.text),
            _ => {}
        }
        let pasted_stats = self.pasted_stats;
        let source = self.source.take();
        let skip = self.answer_from.saturating_sub(self.first_run);
        std::mem::take(&mut self.runs)
            .into_iter()
            .skip(usize::try_from(skip).unwrap_or(usize::MAX))
            .filter(|run| run.lines > 0)
            .flat_map(|run| answer::answer(run, pasted_stats, source.as_deref()))
            .collect()
    }

    /// The crawls of the runs that have ended (every run but the one being read), handed
    /// out while the input is still read: a file of thousands of appended runs is answered
    /// as it goes, in memory that does not grow with them.
    pub fn finished_runs(&mut self) -> Vec<(LogCrawl, u64)> {
        if self.runs.len() < 2 {
            return Vec::new();
        }
        let ended = self.runs.len() - 1;
        let first = self.first_run;
        self.first_run = first.saturating_add(ended as u64);
        let pasted_stats = self.pasted_stats;
        let source = self.source.clone();
        let answer_from = self.answer_from;
        self.runs
            .drain(..ended)
            .zip(first..)
            .filter(|(run, number)| run.lines > 0 && *number >= answer_from)
            .map(|(run, _)| run)
            .flat_map(|run| answer::answer(run, pasted_stats, source.as_deref()))
            .collect()
    }
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
        assert!(looks_like_log(
            b"2020-08-02 10:35:18 [scrapy.core.engine] INFO: Spider opened"
        ));
        assert!(looks_like_log(
            b"2011-09-19 19:06:40+0400 [example] INFO: Dumping spider stats:"
        ));
        assert!(!looks_like_log(b"memusage_exceeded"));
        assert!(!looks_like_log(b"{\"key\": \"1/2/3\"}"));
    }
}
