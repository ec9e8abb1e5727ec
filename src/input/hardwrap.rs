//! Logs copied from a console that breaks long lines at its width (the Windows console
//! before Windows 10's reflow, `cmd.exe` in legacy mode): every line longer than the window
//! arrives cut into rows of exactly that many characters, a stats key or a close reason
//! split in two. Such a text is told by its rows, and its lines are joined back before
//! they are read.
//!
//! The console also drops the spaces at the end of each row it copies, so a row cut just
//! after a space is one character short: that is joined back with its space when the next
//! row cannot begin a line of its own.

/// Narrower or wider than any console window a log is copied from.
const WIDTHS: std::ops::RangeInclusive<usize> = 60..=500;
/// How many rows at the width must go on in the next row before a text is taken as cut.
const CUT_ROWS: usize = 3;

/// The width a text was cut at, if its first lines show that every long line was cut:
/// no line is longer than the widest, at least `CUT_ROWS` lines are exactly that wide,
/// nearly all of those go on in a row that begins no line of its own, and at least half
/// of them were cut inside the text, not where a line ends.
pub fn width(window: &[u8]) -> Option<usize> {
    let complete = match memchr::memrchr(b'\n', window) {
        Some(at) => &window[..at],
        None => return None,
    };
    // Every log read is asked this once: each row is measured once.
    let rows: Vec<(&[u8], usize)> = super::reader::split_lines(complete)
        .map(super::reader::trim_cr)
        .take(4096)
        .map(|row| (row, columns(row)))
        .collect();
    let widest = rows.iter().map(|(_, wide)| *wide).max()?;
    if !WIDTHS.contains(&widest) {
        return None;
    }
    let (mut full, mut went_on, mut mid_text) = (0usize, 0usize, 0usize);
    for pair in rows.windows(2) {
        let ((row, wide), (next, _)) = (pair[0], pair[1]);
        if wide == widest {
            full += 1;
            if continues(next) {
                went_on += 1;
                if cut_inside(row, next) {
                    mid_text += 1;
                }
            }
        }
    }
    // Lines of one length followed by lines of their own happen (`Scraped from <...>` and
    // its item, each as long as the next), but such a line ends as lines do (a bracket, a
    // colon) and the next begins as lines do; a cut falls anywhere, mostly inside a word
    // or a URL.
    let cut = went_on >= CUT_ROWS && went_on * 5 >= full * 4 && mid_text * 2 >= went_on;
    (cut && mid_text > 0).then_some(widest)
}

/// Whether `row` and `next` meet where a line could not have ended: a line ends at a
/// word, a bracket or a colon, and the next begins at its own start (a bracket, a quote,
/// an indent of its own: a pprint line's one space and a quote, a traceback's two or
/// four); a cut also falls inside a word or a URL, or just before a space.
fn cut_inside(row: &[u8], next: &[u8]) -> bool {
    let last = row.last().copied().unwrap_or(b' ');
    let ends_a_line = last.is_ascii_whitespace() || b")]}>,:;".contains(&last);
    let begins_a_line = match next {
        [b' ', second, ..] => !second.is_ascii_alphanumeric(),
        [first, ..] => first.is_ascii_whitespace() || b"([{<'\"".contains(first),
        [] => true,
    };
    !ends_a_line && !begins_a_line
}

/// A row's width in characters (one column each: the logs read here are ASCII but for the
/// odd URL or item).
fn columns(row: &[u8]) -> usize {
    match std::str::from_utf8(row) {
        Ok(text) => text.chars().count(),
        Err(_) => row.len(),
    }
}

/// Whether a row can be the rest of the row before it: not empty, and not the start of a
/// log line or a traceback.
fn continues(row: &[u8]) -> bool {
    // A quoted or code-span paste quotes each row.
    let row = super::log::depaste(row);
    let dated = row.len() >= 10
        && row[..4].iter().all(u8::is_ascii_digit)
        && row[4] == b'-'
        && row[7] == b'-';
    !row.is_empty() && !dated && !row.starts_with(b"Traceback (")
}

/// Joins the rows of a cut text back into its lines, each with the numbers of its first
/// and last rows.
pub struct Unwrapper {
    width: usize,
    line: Vec<u8>,
    first_row: u64,
    last_row: u64,
    /// The last row joined was exactly as wide as the window: the next one is its rest.
    open: bool,
    /// The last row joined was one short: the next one is its rest after a space, if it
    /// cannot begin a line of its own.
    short: bool,
}

impl Unwrapper {
    pub fn new(width: usize) -> Unwrapper {
        Unwrapper {
            width,
            line: Vec::new(),
            first_row: 0,
            last_row: 0,
            open: false,
            short: false,
        }
    }

    /// One row; `emit` gets each line that is whole, and its first and last rows.
    pub fn row(&mut self, row: &[u8], number: u64, emit: &mut dyn FnMut(&[u8], u64, u64)) {
        // A row exactly as wide may also have been a whole line, followed by a line of its
        // own (or by the empty row some consoles add after it). A row one short lost its
        // last space only if the next goes on with a word.
        let joins = (self.open && (row.is_empty() || continues(row)))
            || (self.short && continues(row) && !row[0].is_ascii_whitespace());
        if !joins {
            self.flush(emit);
            self.first_row = number;
        } else if self.short && !self.open {
            self.line.push(b' ');
        }
        self.line.extend_from_slice(row);
        self.last_row = number;
        let wide = columns(row);
        self.open = wide == self.width;
        self.short = wide + 1 == self.width;
    }

    /// The last line, at the end of the text.
    pub fn flush(&mut self, emit: &mut dyn FnMut(&[u8], u64, u64)) {
        if !self.line.is_empty() || self.open || self.short {
            emit(&self.line, self.first_row, self.last_row);
        }
        self.line.clear();
        self.open = false;
        self.short = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str, width: usize) -> String {
        let mut rows = Vec::new();
        for line in text.lines() {
            let chars: Vec<char> = line.chars().collect();
            if chars.is_empty() {
                rows.push(String::new());
            }
            for row in chars.chunks(width) {
                let row: String = row.iter().collect();
                // The console keeps no spaces at the end of a row.
                rows.push(row.trim_end_matches(' ').to_string());
            }
        }
        rows.join("\r\n") + "\r\n"
    }

    fn joined(text: &str) -> Vec<(String, u64)> {
        let width = width(text.as_bytes()).expect("a cut text");
        let mut lines = Vec::new();
        let mut unwrapper = Unwrapper::new(width);
        let mut emit =
            |line: &[u8], n: u64, _: u64| lines.push((String::from_utf8_lossy(line).into(), n));
        for (n, row) in (1..).zip(text.lines()) {
            unwrapper.row(row.as_bytes(), n, &mut emit);
        }
        unwrapper.flush(&mut emit);
        lines
    }

    const LOG: &str = "\
2023-05-01 10:00:00 [scrapy.core.engine] INFO: Spider opened
2023-05-01 10:00:01 [scrapy.downloadermiddlewares.retry] ERROR: Gave up retrying <GET https://example.com/a/very/long/path/to/a/page> (failed 3 times): 503 Service Unavailable
2023-05-01 10:00:02 [scrapy.core.engine] INFO: Closing spider (closespider_errorcount)
2023-05-01 10:00:02 [scrapy.statscollectors] INFO: Dumping Scrapy stats:
{'downloader/exception_type_count/twisted.internet.error.ConnectionRefusedError': 3,
 'finish_reason': 'closespider_errorcount',
 'retry/max_reached': 1}
2023-05-01 10:00:02 [scrapy.core.engine] INFO: Spider closed (closespider_errorcount)";

    #[test]
    fn rows_cut_at_the_width_are_joined_back_into_the_lines() {
        for width in [60, 70, 80, 81] {
            let lines = joined(&cut(LOG, width));
            let texts: Vec<&str> = lines.iter().map(|(l, _)| l.as_str()).collect();
            assert_eq!(texts, LOG.lines().collect::<Vec<_>>(), "at {width}");
        }
    }

    #[test]
    fn a_joined_line_is_numbered_by_its_first_row() {
        let lines = joined(&cut(LOG, 80));
        let numbers: Vec<u64> = lines.iter().map(|(_, n)| *n).collect();
        assert_eq!(numbers, [1, 2, 5, 7, 8, 10, 11, 12]);
    }

    #[test]
    fn a_log_that_was_not_cut_is_not_taken_for_one() {
        assert_eq!(width(format!("{LOG}\n").as_bytes()), None);
        // Lines of one length that each begin a record of their own.
        let same: String = (0..20)
            .map(|i| format!("2023-05-01 10:00:{i:02} [scrapy.core.engine] DEBUG: Crawled (200) <GET https://example.com/{i:02}>\n"))
            .collect();
        assert_eq!(width(same.as_bytes()), None);
        // Items after their `Scraped from` lines, each pair as long as the next.
        let scraped: String = (0..20)
            .map(|i| format!("2023-05-01 10:00:{i:02} [scrapy.core.scraper] DEBUG: Scraped from <200 https://example.com/{i:02}>\n{{'n': {i}}}\n"))
            .collect();
        assert_eq!(width(scraped.as_bytes()), None);
        // Too narrow for a console window.
        assert_eq!(width(cut(LOG, 40).as_bytes()), None);
    }
}
