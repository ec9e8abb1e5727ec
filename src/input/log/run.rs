//! One run of a log: what one process wrote, from its header (`Scrapy x.y started`) to the
//! next run's. Scrapy appends to `LOG_FILE` by default, so one file often holds many runs,
//! and each is judged on its own lines only. Within a run, every crawler (several in a
//! `CrawlerProcess`) closes with its own close lines and stats dump; the lines between
//! them are the run's, and a crawler's own only where nothing else was running.

use crate::evidence::{self, LogEvidence};
use crate::job::Stats;
use crate::pyliteral::{self, Py};

/// Where a run began.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum Begin {
    /// Where the input begins (an excerpt, or a log cut at its start).
    #[default]
    Input,
    /// At the header `Scrapy x.y started (bot: ...)`, which every process writes first.
    Header,
    /// At a `Spider opened` after every crawl before it had closed, with no header between:
    /// a process that ran its crawls one after another, or an excerpt without headers.
    Opened,
}

/// One crawl: its close sequence and stats dump.
#[derive(Debug, Default)]
pub(super) struct Crawl {
    pub(super) closing: Option<String>,
    pub(super) closed: Option<String>,
    /// The line of its first close line (or of its dump, when it has none).
    pub(super) line: u64,
    pub(super) stats: Option<Stats<'static>>,
    pub(super) stats_error: Option<String>,
    /// Later engine lines of this crawl that disagree with its first.
    pub(super) other_reasons: Vec<String>,
    /// In a run of several crawls: the lines known to be this crawl's (logged while it
    /// alone was running).
    pub(super) own: Option<LineFacts>,
}

impl Crawl {
    /// Whether a stats dump read now can be this crawl's: Scrapy dumps the stats before it
    /// logs `Spider closed`, so a crawl closed already has had its chance.
    fn awaits_dump(&self) -> bool {
        self.stats.is_none() && self.stats_error.is_none() && self.closed.is_none()
    }

    pub(super) fn reason(&self) -> Option<&str> {
        self.closing.as_deref().or(self.closed.as_deref())
    }
}

/// What a stretch of log lines shows beyond the close lines: ERROR and CRITICAL lines,
/// tracebacks, scraped items, and the evidence grouped from them.
#[derive(Debug, Clone, Default)]
pub(super) struct LineFacts {
    pub(super) errors: u64,
    pub(super) criticals: u64,
    pub(super) scraped: u64,
    pub(super) tracebacks: u64,
    /// The first traceback's exception line and the line it is on.
    pub(super) exception: Option<(u64, String)>,
    pub(super) evidence: LogEvidence,
    pub(super) unhandled: bool,
}

impl LineFacts {
    /// Adds what a later stretch of lines showed.
    pub(super) fn absorb(&mut self, later: LineFacts) {
        self.errors = self.errors.saturating_add(later.errors);
        self.criticals = self.criticals.saturating_add(later.criticals);
        self.scraped = self.scraped.saturating_add(later.scraped);
        self.tracebacks = self.tracebacks.saturating_add(later.tracebacks);
        self.exception = self.exception.take().or(later.exception);
        self.evidence.absorb(later.evidence);
        self.unhandled |= later.unhandled;
    }
}

#[derive(Debug, Default)]
pub(super) struct Run {
    pub(super) begin: Begin,
    /// The line the run starts at (0 until its first line is read).
    pub(super) first_line: u64,
    pub(super) last_line: u64,
    /// Lines read in this run (with a scan, only those the search found and their
    /// dumps and tracebacks).
    pub(super) lines: u64,
    pub(super) version: Option<String>,
    pub(super) settings: Vec<(String, String)>,
    /// `Overridden settings` blocks read (one per crawler), and the settings they do not
    /// all give alike.
    settings_blocks: u64,
    settings_differ: Vec<String>,
    pub(super) crawls: Vec<Crawl>,
    pub(super) opened: u64,
    /// `Spider closed` lines matched to a crawl so far.
    closed_lines: u64,
    /// `Memory usage exceeded ...` as the log words it, and the limit it names in bytes.
    pub(super) memory_quote: Option<String>,
    pub(super) memory_limit: Option<u64>,
    /// The last `Received SIG...` line that asked for a shutdown, as written.
    pub(super) signal_quote: Option<String>,
    pub(super) forced: bool,
    pub(super) start_error: Option<String>,
    pub(super) info_seen: bool,
    /// Lines over the record cap that were skipped.
    pub(super) skipped_lines: u64,
    /// The run's last few lines, for a run that never closed.
    pub(super) tail: Vec<String>,
    /// The time on its first line that has one (milliseconds since the epoch).
    pub(super) first_time: Option<f64>,
    /// The lines since the last `Spider opened` or `Spider closed`.
    pub(super) now: LineFacts,
    /// The lines before those: `now` is folded in at each open and close.
    before: LineFacts,
    /// Of `before`, what was logged while one crawl alone was running after another of the
    /// run had closed: the lines of the crawl that closes next.
    alone: LineFacts,
}

impl Run {
    pub(super) fn starting(begin: Begin, line: u64) -> Run {
        Run {
            begin,
            first_line: line,
            ..Run::default()
        }
    }

    /// Whether anything of Scrapy's was read in this run: lines before a run's header
    /// that show nothing of a crawl (a warning printed before Scrapy started, a shell
    /// prompt) belong to the run that follows.
    pub(super) fn shows_a_crawl(&self) -> bool {
        self.info_seen
            || self.version.is_some()
            || self.opened > 0
            || !self.crawls.is_empty()
            || self.memory_quote.is_some()
            || self.signal_quote.is_some()
            || self.start_error.is_some()
    }

    /// Every crawl the run opened has closed: a `Spider opened` now starts another run.
    pub(super) fn all_crawls_closed(&self) -> bool {
        !self.crawls.is_empty()
            && self.crawls.iter().all(|c| c.closed.is_some())
            && self.closed_lines >= self.opened
    }

    /// Crawlers still running, when the run shows them opening.
    fn running(&self) -> u64 {
        self.opened.saturating_sub(self.closed_lines)
    }

    /// One crawler alone is running, and another of this run has closed before it: what
    /// is logged now can only be this one's.
    fn alone_after_another(&self) -> bool {
        self.opened >= 2 && self.closed_lines >= 1 && self.running() == 1
    }

    /// Ends the stretch of lines under way (at an open or a close).
    fn fold(&mut self) {
        let stretch = std::mem::take(&mut self.now);
        if self.alone_after_another() {
            self.alone.absorb(stretch.clone());
        }
        self.before.absorb(stretch);
    }

    /// Every line the run showed.
    pub(super) fn all_lines(&mut self) -> &LineFacts {
        self.fold();
        &self.before
    }

    pub(super) fn spider_opened(&mut self) {
        self.fold();
        // Another crawler starts beside the one running alone: which of them the lines
        // logged so far belong to can no longer be told by the order of their closes.
        self.alone = LineFacts::default();
        self.opened += 1;
        self.info_seen = true;
    }

    /// Each `Closing spider` is a crawl of its own: Scrapy logs it once per crawler.
    pub(super) fn closing(&mut self, reason: &str, line_no: u64) {
        self.info_seen = true;
        self.crawls.push(Crawl {
            closing: Some(reason.to_string()),
            line: line_no,
            ..Crawl::default()
        });
    }

    /// `Spider closed` ends the oldest crawl still closing, in the order Scrapy closes them.
    pub(super) fn closed(&mut self, reason: &str, line_no: u64) {
        self.info_seen = true;
        self.fold();
        let alone = self.alone_after_another();
        // Crawlers do not finish closing in the order they began: the crawl still closing
        // with the same reason, else the oldest one still closing.
        let open = |c: &Crawl| c.closed.is_none() && c.closing.is_some();
        let at = self
            .crawls
            .iter()
            .position(|c| open(c) && c.closing.as_deref() == Some(reason))
            .or_else(|| self.crawls.iter().position(open));
        let index = match at {
            Some(i) => {
                let crawl = &mut self.crawls[i];
                if crawl.reason() != Some(reason)
                    && !crawl.other_reasons.iter().any(|r| r == reason)
                {
                    crawl.other_reasons.push(reason.to_string());
                }
                crawl.closed = Some(reason.to_string());
                i
            }
            None => {
                // An excerpt or a log that hid `Closing spider`: the crawl is known from here.
                match self
                    .crawls
                    .iter()
                    .position(|c| c.closed.is_none() && c.closing.is_none())
                {
                    Some(i) => {
                        self.crawls[i].closed = Some(reason.to_string());
                        i
                    }
                    None => {
                        self.crawls.push(Crawl {
                            closed: Some(reason.to_string()),
                            line: line_no,
                            ..Crawl::default()
                        });
                        self.crawls.len() - 1
                    }
                }
            }
        };
        if alone {
            self.crawls[index].own = Some(std::mem::take(&mut self.alone));
        }
        self.closed_lines += 1;
    }

    pub(super) fn stats_error(&mut self, error: String) {
        match self.crawls.iter_mut().rev().find(|c| c.stats.is_none()) {
            Some(crawl) => crawl.stats_error = Some(error),
            None => self.crawls.push(Crawl {
                stats_error: Some(error),
                line: self.last_line,
                ..Crawl::default()
            }),
        }
    }

    /// A whole stats dump: the crawl still without one whose reason it names, else the
    /// oldest one without; or, for a dump on its own, a new crawl.
    pub(super) fn dump(&mut self, stats: Stats<'static>, line: u64) {
        match self.awaiting_dump(stats.finish_reason.as_deref()) {
            Some(crawl) => crawl.stats = Some(stats),
            None => self.crawls.push(Crawl {
                stats: Some(stats),
                line,
                ..Crawl::default()
            }),
        }
    }

    fn awaiting_dump(&mut self, named: Option<&str>) -> Option<&mut Crawl> {
        let waiting = Crawl::awaits_dump;
        let at = self
            .crawls
            .iter()
            .position(|c| waiting(c) && named.is_some() && c.reason() == named)
            .or_else(|| self.crawls.iter().position(waiting));
        at.and_then(|i| self.crawls.get_mut(i))
    }

    /// A dump that is not whole: what it shows, and a note that the rest is unknown.
    pub(super) fn partial_dump(&mut self, stats: Stats<'static>, line: u64) {
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

    /// A crawl that a later part of the input began without its `Closing spider`: the rest
    /// of one begun here (its dump, its `Spider closed`, split from it where the input was
    /// cut into blocks), else a crawl of its own.
    fn continue_crawl(&mut self, mut later: Crawl) {
        if later.stats.is_some() || later.stats_error.is_some() {
            let named = later.stats.as_ref().and_then(|s| s.finish_reason.clone());
            let Some(crawl) = self.awaiting_dump(named.as_deref()) else {
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

    /// One `Overridden settings` block. Each crawler of a process logs its own, and the
    /// log does not say whose: a setting the blocks do not all give alike is the process's
    /// no more, and is left out of every crawl's answer (`settings_differ`).
    pub(super) fn settings_from(&mut self, text: &[u8]) {
        let Ok(Py::Dict(entries)) = pyliteral::parse(text) else {
            return;
        };
        let mut block: Vec<(String, String)> = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            let Py::Str(key) = key else { continue };
            if block.iter().any(|(k, _)| *k == key) {
                continue;
            }
            let value = match value {
                Py::Str(s) => evidence::redact_credentials(&s),
                other => other.to_python(),
            };
            block.push((key.into_owned(), value));
        }
        self.settings_blocks += 1;
        if self.settings_blocks == 1 {
            self.settings = block;
            return;
        }
        let mut differ = |key: &str| {
            if !self.settings_differ.iter().any(|k| k == key) {
                self.settings_differ.push(key.to_string());
            }
        };
        for (key, value) in &self.settings {
            if !block.iter().any(|(k, v)| k == key && v == value) {
                differ(key);
            }
        }
        for (key, _) in &block {
            if !self.settings.iter().any(|(k, _)| k == key) {
                differ(key);
            }
        }
    }

    pub(super) fn setting(&self, name: &str) -> Option<&str> {
        if self.settings_differ.iter().any(|k| k == name) {
            return None;
        }
        self.settings
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The settings every block gives alike, and the names of those left out.
    pub(super) fn settings_shared(&self) -> (Vec<(String, String)>, &[String]) {
        let shared = self
            .settings
            .iter()
            .filter(|(k, _)| !self.settings_differ.contains(k))
            .cloned()
            .collect();
        (shared, &self.settings_differ)
    }

    /// Adds the rest of this run, read from a later part of the input on its own.
    pub(super) fn absorb(&mut self, mut later: Run) {
        self.fold();
        later.fold();
        self.lines = self.lines.saturating_add(later.lines);
        self.last_line = self.last_line.max(later.last_line);
        if self.first_line == 0 {
            self.first_line = later.first_line;
        }
        self.version = self.version.take().or(later.version);
        for (k, v) in later.settings {
            if !self.settings.iter().any(|(key, _)| *key == k) {
                self.settings.push((k, v));
            }
        }
        self.settings_blocks = self.settings_blocks.saturating_add(later.settings_blocks);
        for key in later.settings_differ {
            if !self.settings_differ.contains(&key) {
                self.settings_differ.push(key);
            }
        }
        self.before.absorb(later.before);
        for crawl in later.crawls {
            if crawl.closing.is_some() {
                self.crawls.push(crawl);
            } else {
                self.continue_crawl(crawl);
            }
        }
        self.opened = self.opened.saturating_add(later.opened);
        if self.memory_quote.is_none() {
            self.memory_quote = later.memory_quote;
            self.memory_limit = later.memory_limit;
        }
        self.signal_quote = later.signal_quote.or(self.signal_quote.take());
        self.forced |= later.forced;
        self.start_error = self.start_error.take().or(later.start_error);
        self.info_seen |= later.info_seen;
        self.first_time = self.first_time.or(later.first_time);
        self.skipped_lines = self.skipped_lines.saturating_add(later.skipped_lines);
        if !later.tail.is_empty() {
            self.tail = later.tail;
        }
    }

    /// Keeps the last lines of `block` (this run's part of a block) as the run's tail.
    pub(super) fn keep_tail(&mut self, block: &[u8]) {
        const TAIL: usize = 3;
        let mut lines: Vec<String> = block
            .rsplit(|&b| b == b'\n')
            .map(|l| {
                super::words::text_of(l.strip_suffix(b"\r").unwrap_or(l))
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(run: &Run) -> Vec<(Option<&str>, Option<&str>)> {
        run.crawls
            .iter()
            .map(|c| (c.closing.as_deref(), c.closed.as_deref()))
            .collect()
    }

    #[test]
    fn crawlers_that_finish_closing_out_of_order_are_paired_by_reason() {
        let mut run = Run::starting(Begin::Header, 1);
        run.spider_opened();
        run.spider_opened();
        run.closing("finished", 10);
        run.closing("closespider_errorcount", 11);
        run.closed("closespider_errorcount", 12);
        run.closed("finished", 13);
        assert_eq!(
            reasons(&run),
            [
                (Some("finished"), Some("finished")),
                (
                    Some("closespider_errorcount"),
                    Some("closespider_errorcount")
                ),
            ]
        );
        assert!(run.all_crawls_closed());
    }

    #[test]
    fn a_closed_line_without_its_closing_line_is_a_crawl_of_its_own() {
        let mut run = Run::starting(Begin::Header, 1);
        run.closed("finished", 5);
        assert_eq!(reasons(&run), [(None, Some("finished"))]);
        assert_eq!(run.crawls[0].line, 5);
        // A second reason for the one crawl still closing is kept as another reason; the
        // first stays the crawl's.
        let mut run = Run::starting(Begin::Header, 1);
        run.closing("shutdown", 3);
        run.closed("finished", 4);
        assert_eq!(run.crawls[0].reason(), Some("shutdown"));
        assert_eq!(run.crawls[0].other_reasons, ["finished"]);
    }
}
