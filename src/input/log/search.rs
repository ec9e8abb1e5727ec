//! The search of a log: the phrases whose lines the reading looks at, found in a block of
//! whole lines in one pass (on any thread), with their line numbers.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use crate::input::reader::count_newlines;

pub(super) const CLOSING: &str = "Closing spider (";
pub(super) const CLOSED: &str = "Spider closed (";
pub(super) const DUMP: &str = "Dumping Scrapy stats:";
pub(super) const DUMP_OLD: &str = "Dumping spider stats:";
pub(super) const MEMORY: &str = "Memory usage exceeded ";
pub(super) const SIGNAL: &str = "Received SIG";
pub(super) const START_ERROR: &str = "Error while reading start items and requests";
/// The same failure as worded up to Scrapy 2.12.
pub(super) const START_ERROR_OLD: &str = "Error while obtaining start requests";
pub(super) const STARTED: &str = " started (bot: ";
pub(super) const SETTINGS: &str = "Overridden settings:";
pub(super) const OPENED: &str = "Spider opened";
pub(super) const TRACEBACK: &str = "Traceback (most recent call last):";
pub(super) const SCRAPED: &str = "Scraped from <";
pub(super) const UNHANDLED: &str = "Unhandled error in Deferred";
/// What Node.js (the driver of Playwright and Puppeteer) writes as it dies of a full heap,
/// after `FATAL ERROR: ... Allocation failed - `.
pub(super) const JS_HEAP: &str = "JavaScript heap out of memory";

/// What the scan looks for in every line. `Scraped from` is not among them: a quarter of
/// a busy log's lines hold it, and counting it with `memmem` in a pass of its own costs
/// far less than stopping the multi-phrase search on every fourth line.
const PHRASES: [&str; 16] = [
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
    JS_HEAP,
    "ERROR",
    "CRITICAL",
];

/// The counter of `Scraped from` lines, built once per process.
pub(super) fn scraped_finder() -> &'static memchr::memmem::Finder<'static> {
    static FINDER: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    FINDER.get_or_init(|| memchr::memmem::Finder::new(SCRAPED))
}

/// Where each phrase first stands in one line, found in one pass of the searcher: a
/// dozen `str::find`s per line cost more than the whole search of a block.
pub(super) struct Hits([usize; PHRASES.len()]);

impl Hits {
    pub(super) fn of(text: &str) -> Hits {
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

    pub(super) fn at(&self, phrase: &str) -> Option<usize> {
        let index = PHRASES.iter().position(|p| *p == phrase)?;
        let at = self.0[index];
        (at != usize::MAX).then_some(at)
    }

    pub(super) fn has(&self, phrase: &str) -> bool {
        self.at(phrase).is_some()
    }
}

/// The searcher for the phrases, built once per process.
pub(super) fn finder() -> Option<&'static AhoCorasick> {
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
    pub(super) lines: Vec<(usize, u64)>,
    pub(super) scraped: u64,
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
pub(super) struct LineCounter {
    pub(super) counted_to: usize,
    pub(super) line_no: u64,
}

impl LineCounter {
    /// The number of the line that starts at `upto`.
    pub(super) fn at(&mut self, block: &[u8], upto: usize) -> u64 {
        self.line_no += count_newlines(&block[self.counted_to..upto]);
        self.counted_to = upto;
        self.line_no
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_search_finds_each_line_that_matters_once_with_its_number() {
        let block = b"\
2026-11-24 01:58:56 [scrapy.utils.log] INFO: Scrapy 2.19.0 started (bot: proj)
2026-11-24 01:58:57 [scrapy.core.scraper] DEBUG: Scraped from <200 http://h/1>
2026-11-24 01:58:57 [scrapy.core.scraper] DEBUG: Scraped from <200 http://h/2>
2026-11-24 01:58:58 [scrapy.core.scraper] ERROR: Spider error processing <GET http://h/3>
Traceback (most recent call last):
  File \"x.py\", line 1, in parse
2026-11-24 01:59:00 [scrapy.core.engine] INFO: Closing spider (finished) ERROR
2026-11-24 01:59:00 [scrapy.core.engine] INFO: Spider closed (finished)";
        let mut found = Found::default();
        let newlines = search_block(block, &mut found);
        assert_eq!(newlines, 7);
        assert_eq!(found.scraped, 2);
        // Line indices from 0; a line with two phrases is listed once.
        let lines: Vec<u64> = found.lines.iter().map(|&(_, line)| line).collect();
        assert_eq!(lines, [0, 3, 4, 6, 7]);
        for &(start, _) in &found.lines {
            assert!(start == 0 || block[start - 1] == b'\n');
        }
        // The found state is the block's own: a second search starts afresh.
        search_block(b"nothing here\n", &mut found);
        assert!(found.lines.is_empty());
        assert_eq!(found.scraped, 0);
    }

    #[test]
    fn hits_say_where_each_phrase_stands_in_a_line() {
        let line = "2026-11-24 01:59:00 [scrapy.core.engine] INFO: Closing spider (finished)";
        let hits = Hits::of(line);
        assert_eq!(hits.at(CLOSING), line.find(CLOSING));
        assert!(hits.has(CLOSING));
        assert!(!hits.has(CLOSED));
        assert_eq!(hits.at(DUMP), None);
    }
}
