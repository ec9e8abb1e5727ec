//! A line reader for streams: constant memory (a line longer than the cap is skipped and
//! reported, never loaded whole), and a hook that runs before every blocking read so the
//! output can be flushed while the input pauses (`tail -f | outcome explain`).

use std::io::{self, Read};

pub enum Line<'a> {
    /// A line and its 1-based number.
    Text(u64, &'a [u8]),
    /// A line over the cap: its number and length in bytes. Its content was discarded.
    TooLong(u64, u64),
}

pub struct Lines<R> {
    reader: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    cap: usize,
    pub line_no: u64,
}

const CHUNK: usize = 256 * 1024;

impl<R: Read> Lines<R> {
    pub fn new(reader: R, cap: usize) -> Lines<R> {
        Lines {
            reader,
            buf: vec![0; CHUNK],
            start: 0,
            end: 0,
            eof: false,
            cap,
            line_no: 0,
        }
    }

    /// The next line without its `\n` (and `\r`), or `None` at the end of input.
    pub fn next_line(
        &mut self,
        idle: &mut dyn FnMut() -> io::Result<()>,
    ) -> io::Result<Option<Line<'_>>> {
        let mut scanned = 0;
        let mut skipped: u64 = 0;
        loop {
            let pending = &self.buf[self.start + scanned..self.end];
            if let Some(at) = memchr::memchr(b'\n', pending) {
                let line_start = self.start;
                let line_end = self.start + scanned + at;
                self.start = line_end + 1;
                self.line_no += 1;
                if skipped > 0 {
                    return Ok(Some(Line::TooLong(
                        self.line_no,
                        skipped + (line_end - line_start) as u64,
                    )));
                }
                return Ok(Some(Line::Text(
                    self.line_no,
                    trim_cr(&self.buf[line_start..line_end]),
                )));
            }
            scanned = self.end - self.start;
            if self.eof {
                if self.start == self.end && skipped == 0 {
                    return Ok(None);
                }
                let line_start = self.start;
                self.start = self.end;
                self.line_no += 1;
                if skipped > 0 {
                    return Ok(Some(Line::TooLong(
                        self.line_no,
                        skipped + (self.end - line_start) as u64,
                    )));
                }
                return Ok(Some(Line::Text(
                    self.line_no,
                    trim_cr(&self.buf[line_start..self.end]),
                )));
            }
            if scanned >= self.cap {
                // Over the cap: forget what we have of this line and keep looking for its end.
                skipped += scanned as u64;
                self.start = 0;
                self.end = 0;
                scanned = 0;
            } else if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            if self.end == self.buf.len() {
                let grown = (self.buf.len() * 2).min(self.cap + CHUNK);
                self.buf.resize(grown, 0);
            }
            idle()?;
            let n = loop {
                match self.reader.read(&mut self.buf[self.end..]) {
                    Ok(n) => break n,
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                    Err(err) => return Err(err),
                }
            };
            if n == 0 {
                self.eof = true;
            }
            self.end += n;
        }
    }

    /// Whether a whole line is waiting in the buffer, so the next line needs no read.
    pub fn has_buffered_line(&self) -> bool {
        memchr::memchr(b'\n', &self.buf[self.start..self.end]).is_some()
    }

    /// What has not been read as lines yet, followed by the rest of the input.
    pub fn into_rest(self) -> io::Chain<io::Cursor<Vec<u8>>, R> {
        let mut buffered = self.buf;
        buffered.truncate(self.end);
        buffered.drain(..self.start);
        io::Cursor::new(buffered).chain(self.reader)
    }
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &[u8], cap: usize) -> Vec<String> {
        let mut lines = Lines::new(input, cap);
        let mut out = Vec::new();
        while let Some(line) = lines.next_line(&mut || Ok(())).expect("reads") {
            out.push(match line {
                Line::Text(_, t) => String::from_utf8_lossy(t).into_owned(),
                Line::TooLong(_, n) => format!("<{n}>"),
            });
        }
        out
    }

    #[test]
    fn splits_lines_and_strips_crlf() {
        assert_eq!(collect(b"a\r\nb\n\nc", 100), ["a", "b", "", "c"]);
        assert_eq!(collect(b"", 100), Vec::<String>::new());
        assert_eq!(collect(b"x\n", 100), ["x"]);
    }

    #[test]
    fn long_lines_are_skipped_not_loaded() {
        let mut input = vec![b'a'; 600 * 1024];
        input.extend_from_slice(b"\nok\n");
        assert_eq!(
            collect(&input, 300 * 1024),
            [format!("<{}>", 600 * 1024), "ok".into()]
        );
    }
}
