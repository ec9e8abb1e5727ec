//! A searched block read in order: the lines `search::search_block` found (here, or on
//! another thread for a big file), each read as a stream would read it, with the lines a
//! stats dump, a settings block or a traceback takes after it, and each run's part of the
//! block (its `Scraped from` lines, its last lines) given to that run.

use super::search::{scraped_finder, Found, LineCounter};
use super::words::depaste;
use super::LogReader;

impl LogReader {
    /// Reads a block of whole lines whose phrase-holding lines `search_block` found (here,
    /// or on another thread for a big file).
    pub fn scan_found(&mut self, block: &[u8], first_line: u64, found: &Found) {
        self.scanning = true;
        let runs = self.runs.len();
        let from = self.scan_block(block, first_line, &found.lines);
        self.scanning = false;
        let rest = &block[from..];
        let scraped = if self.runs.len() == runs {
            found.scraped
        } else {
            // A run began in this block: its `Scraped from` lines are counted apart.
            scraped_finder().find_iter(rest).count() as u64
        };
        let run = self.run();
        run.now.scraped = run.now.scraped.saturating_add(scraped);
        run.keep_tail(rest);
    }

    /// `found`: the lines of the block that hold a phrase (start, index in the block).
    /// Returns where the last run's part of the block begins.
    fn scan_block(&mut self, block: &[u8], first_line: u64, found: &[(usize, u64)]) -> usize {
        // A found line's number is known; the lines read after it while collecting (a
        // dump, a traceback) are counted on from there.
        let mut counter = LineCounter {
            counted_to: 0,
            line_no: first_line,
        };
        let mut next_found = 0;
        let mut at = 0;
        let mut run_from = 0;
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
                let line = depaste(line.strip_suffix(b"\r").unwrap_or(line));
                let line_no = counter.at(block, at);
                if self.collect(line, line_no) {
                    self.count_line(line_no);
                    at = end + 1;
                } else if self.collecting.is_some() {
                    run_from = self.read_found(block, at, line, line_no, run_from);
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
                break;
            };
            let line_no = first_line.saturating_add(index);
            counter.counted_to = start;
            counter.line_no = line_no;
            let end = memchr::memchr(b'\n', &block[start..]).map_or(block.len(), |i| start + i);
            let line = &block[start..end];
            run_from = self.read_found(
                block,
                start,
                line.strip_suffix(b"\r").unwrap_or(line),
                line_no,
                run_from,
            );
            at = end + 1;
        }
        run_from
    }

    /// Reads one line of a block that starts at `start`; where it begins a run, the run
    /// before it gets its part of the block (`run_from..start`): its `Scraped from` lines
    /// and its last lines. Returns where the run being read begins in the block.
    fn read_found(
        &mut self,
        block: &[u8],
        start: usize,
        line: &[u8],
        line_no: u64,
        run_from: usize,
    ) -> usize {
        let runs = self.runs.len();
        self.line(line, line_no);
        if self.runs.len() == runs {
            return run_from;
        }
        let part = &block[run_from.min(start)..start];
        let scraped = scraped_finder().find_iter(part).count() as u64;
        if let Some(ended) = self.runs.len().checked_sub(2).map(|i| &mut self.runs[i]) {
            ended.now.scraped = ended.now.scraped.saturating_add(scraped);
            ended.keep_tail(part);
        }
        start
    }
}
