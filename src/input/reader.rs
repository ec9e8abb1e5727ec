//! The one reader every input goes through: JSON Lines, documents, bare reasons and logs.
//! It hands out whole lines (one at a time, or in blocks of many), or raw bytes, from one
//! buffer, and handles once what every format needs: a byte order mark, the line cap (a
//! longer line is measured and skipped, never held whole), `Interrupted` reads, line
//! numbers, and a hook that runs before every read that may block, so output can be flushed
//! while the input pauses (`tail -f | outcome explain`).

use std::io::{self, Read};

/// The longest line, or JSON value of a document, that is held in memory.
pub const RECORD_CAP: usize = 64 * 1024 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";
/// The reader's first buffer; it doubles up to one chunk as reads fill it.
pub const FIRST_BUFFER: usize = 16 * 1024;

/// What the reader yields when asked for lines.
pub enum Line<'a> {
    /// A line without its `\n` (and `\r`), and its 1-based number.
    Text(u64, &'a [u8]),
    /// A line over the cap: its number and length in bytes. Its content was discarded.
    TooLong(u64, u64),
}

/// Whole lines, separated by `\n` (a `\r` before it is left for `lines` to trim), and the
/// number of the first.
pub struct Block<'a> {
    pub first_line: u64,
    pub text: &'a [u8],
}

impl<'a> Block<'a> {
    /// The block's lines with their numbers, `\r\n` endings trimmed.
    pub fn lines(&self) -> impl Iterator<Item = (u64, &'a [u8])> {
        let text = self.text;
        (self.first_line..).zip(split_lines(text).map(trim_cr))
    }
}

/// The `\n`-separated pieces of `bytes` (the last one possibly empty, as `split` gives),
/// found with memchr: a byte-at-a-time split is the slowest part of telling ten thousand
/// small files apart.
pub fn split_lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', bytes)
        .chain(std::iter::once(bytes.len()))
        .map(move |end| {
            let line = &bytes[start..end];
            start = end + 1;
            line
        })
}

pub fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Counts `\n`, with bytecount's vector code (AVX2 where the CPU has it): this runs over
/// every byte of a log, and a plain loop is several times slower.
pub fn count_newlines(bytes: &[u8]) -> u64 {
    bytecount::count(bytes, b'\n') as u64
}

pub struct Reader<R> {
    inner: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// The last read returned much less than it asked for: the input arrives slowly.
    slow: bool,
    /// Bytes the last read returned.
    last_read: usize,
    bom_decided: bool,
    chunk: usize,
    cap: usize,
    /// Lines handed out (or skipped) so far.
    line_no: u64,
    /// How many pending bytes are known to hold no `\n`, so that a long line is searched
    /// once, not again after every read.
    searched: usize,
    /// The last block handed out, its lines not counted yet: they are counted when the
    /// next read needs the line number, so that a block is counted once.
    uncounted: Option<(usize, usize)>,
    /// Bytes of an over-long line dropped so far.
    skipping: Option<u64>,
}

enum Taken {
    Lines { first: u64, from: usize, to: usize },
    TooLong { line: u64, length: u64 },
    End,
}

impl<R: Read> Reader<R> {
    /// `chunk` is the size of each read; the buffer grows past it only for a line longer
    /// than it, and never past the cap plus one chunk.
    pub fn new(inner: R, chunk: usize, cap: usize) -> Reader<R> {
        // Small at first, doubling as the input proves long: a directory of ten thousand
        // small logs should not zero a chunk-sized buffer for each.
        Reader::primed(inner, vec![0; chunk.clamp(16, FIRST_BUFFER)], 0, chunk, cap)
    }

    /// A reader whose first `filled` bytes are already in `buf`, read by the caller (who
    /// had to see them first to tell gzip from text).
    pub fn primed(
        inner: R,
        mut buf: Vec<u8>,
        filled: usize,
        chunk: usize,
        cap: usize,
    ) -> Reader<R> {
        let filled = filled.min(buf.len());
        if buf.len() < 16 {
            buf.resize(16, 0);
        }
        let mut reader = Reader {
            inner,
            buf,
            start: 0,
            end: filled,
            eof: false,
            slow: false,
            last_read: 0,
            bom_decided: false,
            chunk: chunk.max(16),
            cap,
            line_no: 0,
            searched: 0,
            uncounted: None,
            skipping: None,
        };
        reader.last_read = filled;
        // Told as `fill` tells it: a first read that brought little is a pipe pausing.
        reader.slow = filled > 0 && filled < reader.buf.len().min(reader.chunk) / 4;
        if filled > 0 {
            reader.decide_bom();
        }
        reader
    }

    pub fn is_slow(&self) -> bool {
        self.slow
    }

    /// The input being read, as given.
    pub fn inner(&self) -> &R {
        &self.inner
    }

    /// Says that the input has nothing after what was read: a file read to the length it
    /// was found with. The reader then neither grows its buffer nor asks for more.
    pub fn input_ended(&mut self) {
        self.eof = true;
        self.decide_bom();
    }

    /// Reads more into the buffer; false at the end of input.
    fn fill(&mut self, idle: &mut dyn FnMut() -> io::Result<()>) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        let chunk = self.chunk;
        if self.buf.len() > 4 * chunk && self.end < chunk {
            // A long line has gone: give its memory back.
            self.buf.truncate(2 * chunk);
            self.buf.shrink_to_fit();
        }
        let reading = self.buf.len().min(chunk);
        if self.buf.len() - self.end < reading / 2 {
            let grown = (self.buf.len() * 2)
                .min(self.end + chunk)
                .min(self.cap + chunk)
                .max(self.buf.len());
            self.buf.resize(grown, 0);
        }
        if self.end == self.buf.len() {
            // Never read into no room: that would look like the end of input.
            self.buf.resize(self.end + reading, 0);
        }
        let room = self.buf.len() - self.end;
        idle()?;
        let n = loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(n) => break n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            }
        };
        self.end += n;
        self.last_read = n;
        self.eof = n == 0;
        // Slow: a read that brought far less than there was room for (a pipe pausing).
        self.slow = n > 0 && n < room.min(chunk) / 4;
        self.decide_bom();
        Ok(n > 0)
    }

    fn decide_bom(&mut self) {
        if self.bom_decided {
            return;
        }
        let have = &self.buf[self.start..self.end];
        let n = have.len().min(BOM.len());
        if have[..n] != BOM[..n] {
            self.bom_decided = true;
        } else if n == BOM.len() {
            self.start += BOM.len();
            self.searched = 0;
            self.bom_decided = true;
        } else if self.eof {
            self.bom_decided = true;
        }
    }

    /// What has arrived, without consuming it: at least the first non-blank line (or
    /// `window` bytes of it), and more while reads come back full, up to `PEEK_MORE` bytes:
    /// a burst written into a pipe arrives a page at a time, while a slow stream
    /// (`tail -f`) sends a line and pauses, and is judged on what has arrived.
    pub fn peek(
        &mut self,
        window: usize,
        idle: &mut dyn FnMut() -> io::Result<()>,
    ) -> io::Result<&[u8]> {
        const PAGE: usize = 4096;
        const PEEK_MORE: usize = 64 * 1024;
        self.settle();
        loop {
            let have = &self.buf[self.start..self.end];
            let content = have.iter().position(|b| !b.is_ascii_whitespace());
            let has_line = content.is_some_and(|at| memchr::memchr(b'\n', &have[at..]).is_some());
            let enough = have.len() >= window.min(PEEK_MORE) || self.last_read < PAGE;
            if (has_line && enough) || have.len() >= window || self.eof {
                break;
            }
            self.fill(idle)?;
        }
        let have = &self.buf[self.start..self.end];
        Ok(&have[..have.len().min(window)])
    }

    /// The next line, or `None` at the end of input.
    pub fn next_line(
        &mut self,
        idle: &mut dyn FnMut() -> io::Result<()>,
    ) -> io::Result<Option<Line<'_>>> {
        Ok(match self.take(0, true, idle)? {
            Taken::End => None,
            Taken::TooLong { line, length } => Some(Line::TooLong(line, length)),
            Taken::Lines { first, from, to } => {
                Some(Line::Text(first, trim_cr(&self.buf[from..to])))
            }
        })
    }

    /// The next block of whole lines, at least `min` bytes unless the input ends or pauses.
    /// Lines over the cap are passed to `too_long` (number, length) and left out.
    pub fn next_block(
        &mut self,
        min: usize,
        idle: &mut dyn FnMut() -> io::Result<()>,
        too_long: &mut dyn FnMut(u64, u64),
    ) -> io::Result<Option<Block<'_>>> {
        loop {
            match self.take(min, false, idle)? {
                Taken::End => return Ok(None),
                Taken::TooLong { line, length } => too_long(line, length),
                Taken::Lines { first, from, to } => {
                    return Ok(Some(Block {
                        first_line: first,
                        text: &self.buf[from..to],
                    }))
                }
            }
        }
    }

    /// Raw bytes as they come, for readers that find their own boundaries (documents);
    /// empty at the end of input. Line numbers are theirs to count.
    pub fn next_bytes(&mut self, idle: &mut dyn FnMut() -> io::Result<()>) -> io::Result<&[u8]> {
        self.settle();
        if self.start == self.end {
            self.fill(idle)?;
        }
        let bytes = &self.buf[self.start..self.end];
        self.start = self.end;
        self.searched = 0;
        Ok(bytes)
    }

    /// Gives back the last `n` bytes `next_bytes` returned, to be returned again next.
    pub fn unread(&mut self, n: usize) {
        self.start = self.start.saturating_sub(n);
    }

    /// Adds the lines of the last block to the count, before its bytes can move.
    fn settle(&mut self) {
        if let Some((from, to)) = self.uncounted.take() {
            self.line_no += count_newlines(&self.buf[from..to]) + 1;
        }
    }

    fn take(
        &mut self,
        min: usize,
        one: bool,
        idle: &mut dyn FnMut() -> io::Result<()>,
    ) -> io::Result<Taken> {
        self.settle();
        loop {
            if let Some(skipped) = self.skipping {
                let pending = &self.buf[self.start..self.end];
                match memchr::memchr(b'\n', pending) {
                    Some(at) => {
                        self.start += at + 1;
                        self.searched = 0;
                        return Ok(self.too_long(skipped + at as u64));
                    }
                    None => {
                        self.skipping = Some(skipped + pending.len() as u64);
                        self.start = self.end;
                        if !self.fill(idle)? {
                            let length = self.skipping.unwrap_or(skipped);
                            return Ok(self.too_long(length));
                        }
                        continue;
                    }
                }
            }
            let pending = &self.buf[self.start..self.end];
            let first_newline =
                memchr::memchr(b'\n', &pending[self.searched..]).map(|at| self.searched + at);
            if first_newline.is_none() {
                self.searched = pending.len();
            }
            let cut = if one {
                first_newline
            } else {
                first_newline
                    .and_then(|_| memchr::memrchr(b'\n', pending))
                    .filter(|_| pending.len() >= min || self.eof || self.slow)
            };
            if let Some(at) = cut.filter(|_| self.bom_decided || self.eof) {
                let from = self.start;
                let to = from + at;
                let lines = if one {
                    1
                } else {
                    count_newlines(&self.buf[from..to]) + 1
                };
                let first = self.line_no + 1;
                self.line_no += lines;
                self.start = to + 1;
                self.searched = 0;
                return Ok(Taken::Lines { first, from, to });
            }
            if self.eof {
                if self.start == self.end {
                    return Ok(Taken::End);
                }
                // A final line without `\n` is still a line.
                let (from, to) = (self.start, self.end);
                self.start = self.end;
                self.searched = 0;
                let lines = if one {
                    1
                } else {
                    count_newlines(&self.buf[from..to]) + 1
                };
                let first = self.line_no + 1;
                self.line_no += lines;
                return Ok(Taken::Lines { first, from, to });
            }
            let unbroken = self.end - self.start;
            if unbroken > self.cap && first_newline.is_none() {
                // Over the cap: forget what we have of this line and look for its end.
                self.skipping = Some(unbroken as u64);
                self.start = self.end;
                self.searched = 0;
                continue;
            }
            self.fill(idle)?;
        }
    }

    fn too_long(&mut self, length: u64) -> Taken {
        self.skipping = None;
        self.line_no += 1;
        Taken::TooLong {
            line: self.line_no,
            length,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], chunk: usize, cap: usize) -> Vec<String> {
        let mut reader = Reader::new(input, chunk, cap);
        let mut out = Vec::new();
        while let Some(line) = reader.next_line(&mut || Ok(())).expect("reads") {
            out.push(match line {
                Line::Text(n, t) => format!("{n}:{}", String::from_utf8_lossy(t)),
                Line::TooLong(n, len) => format!("{n}:<{len}>"),
            });
        }
        out
    }

    fn blocks(input: &[u8], chunk: usize, cap: usize, min: usize) -> Vec<String> {
        let mut reader = Reader::new(input, chunk, cap);
        let mut out = Vec::new();
        let mut long = Vec::new();
        while let Some(block) = reader
            .next_block(min, &mut || Ok(()), &mut |n, len| {
                long.push(format!("{n}:<{len}>"))
            })
            .expect("reads")
        {
            for (n, line) in block.lines() {
                out.push(format!("{n}:{}", String::from_utf8_lossy(line)));
            }
        }
        out.extend(long);
        out
    }

    #[test]
    fn splits_lines_strips_crlf_and_a_bom() {
        assert_eq!(
            lines(b"\xEF\xBB\xBFa\r\nb\n\nc", 4, 100),
            ["1:a", "2:b", "3:", "4:c"]
        );
        assert_eq!(lines(b"", 4, 100), Vec::<String>::new());
        assert_eq!(lines(b"x\n", 4, 100), ["1:x"]);
        assert_eq!(lines(b"\xEF\xBB", 4, 100), ["1:\u{fffd}"]);
    }

    #[test]
    fn long_lines_are_skipped_not_held() {
        let mut input = vec![b'a'; 5000];
        input.extend_from_slice(b"\nok\n");
        input.extend(vec![b'b'; 3000]);
        assert_eq!(lines(&input, 64, 1000), ["1:<5000>", "2:ok", "3:<3000>"]);
        assert_eq!(
            blocks(&input, 64, 1000, 16),
            ["2:ok", "1:<5000>", "3:<3000>"]
        );
    }

    #[test]
    fn lines_longer_than_a_chunk_are_whole() {
        let line = "z".repeat(10_000);
        let input = format!("a\n{line}\nb");
        assert_eq!(
            lines(input.as_bytes(), 64, 1 << 20),
            ["1:a".to_string(), format!("2:{line}"), "3:b".into()]
        );
        assert_eq!(
            blocks(input.as_bytes(), 64, 1 << 20, 8),
            ["1:a".to_string(), format!("2:{line}"), "3:b".into()]
        );
    }

    #[test]
    fn blocks_number_every_line_once() {
        let input: String = (1..=1000).map(|i| format!("{i}\n")).collect();
        for (chunk, min) in [(7, 1), (64, 100), (4096, 1 << 20)] {
            let got = blocks(input.as_bytes(), chunk, 1 << 20, min);
            let want: Vec<String> = (1..=1000).map(|i| format!("{i}:{i}")).collect();
            assert_eq!(got, want, "chunk {chunk}");
        }
    }

    #[test]
    fn newlines_are_counted_at_every_length() {
        for len in [0, 1, 254, 255, 256, 600, 5000, 8160, 8161, 20000] {
            let bytes: Vec<u8> = (0..len)
                .map(|i| if i % 3 == 0 { b'\n' } else { b'x' })
                .collect();
            let want = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
            assert_eq!(count_newlines(&bytes), want, "{len}");
        }
        assert_eq!(count_newlines(&[b'\n'; 1000]), 1000);
    }

    #[test]
    fn peeking_consumes_nothing() {
        let mut reader = Reader::new(&b"\n\n  {\"a\":1}\nnext\n"[..], 4, 100);
        let seen = reader.peek(1024, &mut || Ok(())).expect("peeks").to_vec();
        assert!(seen.starts_with(b"\n\n  {\"a\":1}\n"));
        let mut all = Vec::new();
        loop {
            let bytes = reader.next_bytes(&mut || Ok(())).expect("reads");
            if bytes.is_empty() {
                break;
            }
            all.extend_from_slice(bytes);
        }
        assert_eq!(all, b"\n\n  {\"a\":1}\nnext\n");
    }
}
