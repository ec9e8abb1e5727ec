//! JSON documents that span lines: one object (a job, an envelope, a summary), an array of
//! jobs, or pretty-printed values one after another. The splitter here finds where each
//! record begins and ends (string-aware, counting depth), so that every record is parsed
//! on its own like a line of JSON Lines: memory stays constant however long the document,
//! line numbers are exact, and a bad record is reported alone while the others are read.
//! The `jobs` array of a legacy envelope and the `summary` of a jobq line are streamed
//! element by element too.

use std::io::Read;

use super::input_error;
use super::log::LogReader;
use super::reader::{Reader, RECORD_CAP};
use super::records::{json_value, over_cap, with_location, Consumer, ReadError, Records};
use crate::reason::Matcher;

/// The bytes `Splitter::skim` stops at inside a record.
const STRUCTURAL: [bool; 256] = {
    let mut table = [false; 256];
    table[b'"' as usize] = true;
    table[b'{' as usize] = true;
    table[b'[' as usize] = true;
    table[b'}' as usize] = true;
    table[b']' as usize] = true;
    table[b'\n' as usize] = true;
    table
};

#[derive(Debug, Clone, Copy)]
struct Container {
    close: u8,
    /// Its elements are records (a top-level array, an envelope's `jobs`).
    records: bool,
    /// A top-level object: its keys are watched for `jobs` and `summary`.
    watched: bool,
}

/// The record being collected.
struct Pending {
    bytes: Vec<u8>,
    line: u64,
    column: u64,
    /// The depth it started at; it ends when the depth comes back to this.
    depth: usize,
    /// A bare value (number, literal, junk) rather than a string or a container.
    scalar: bool,
    /// Over the cap: bytes counted, not kept.
    dropped: Option<u64>,
}

struct Splitter<'a> {
    name: &'a str,
    matcher: &'a Matcher,
    log: LogReader,
    line: u64,
    column: u64,
    stack: Vec<Container>,
    in_string: bool,
    escaped: bool,
    pending: Option<Pending>,
    /// In a watched object: the key just read, when it was `jobs` or `summary`.
    batch_key: bool,
    key: Option<Vec<u8>>,
    expect_key: bool,
}

pub fn json_document<R: Read, C: Consumer>(
    name: &str,
    reader: &mut Reader<R>,
    matcher: &Matcher,
    consumer: &mut C,
) -> Result<(), ReadError> {
    let mut splitter = Splitter {
        name,
        matcher,
        log: LogReader::new(),
        line: 1,
        column: 1,
        stack: Vec::new(),
        in_string: false,
        escaped: false,
        pending: None,
        batch_key: false,
        key: None,
        expect_key: false,
    };
    loop {
        let bytes = {
            let consumer = &mut *consumer;
            let mut idle = || consumer.idle();
            reader
                .next_bytes(&mut idle)
                .map_err(|err| input_error(name, &err))?
        };
        if bytes.is_empty() {
            break;
        }
        splitter.feed(bytes, consumer)?;
        if consumer.stopped() {
            return Ok(());
        }
    }
    splitter.finish(consumer)
}

impl Splitter<'_> {
    fn feed(&mut self, bytes: &[u8], out: &mut dyn Records) -> Result<(), ReadError> {
        let mut i = 0;
        while i < bytes.len() {
            if self.in_string {
                // Jump to the next byte that matters inside a string.
                let rest = &bytes[i..];
                let skip = if self.escaped {
                    0
                } else {
                    memchr::memchr3(b'"', b'\\', b'\n', rest).unwrap_or(rest.len())
                };
                if skip > 0 {
                    self.keep(&rest[..skip]);
                    self.column += skip as u64;
                    if let Some(key) = &mut self.key {
                        if key.len() < 16 {
                            key.extend_from_slice(&rest[..skip.min(16)]);
                        }
                    }
                    i += skip;
                    continue;
                }
            }
            if self.can_skim() {
                let used = self.skim(&bytes[i..], out)?;
                if used > 0 {
                    i += used;
                    if out.stopped() {
                        return Ok(());
                    }
                    continue;
                }
            }
            let b = bytes[i];
            self.byte(b, out)?;
            if b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
            i += 1;
            if out.stopped() {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Inside a container record, away from a watched object's keys: only strings,
    /// brackets and newlines matter until the record ends, so `skim` can take them in bulk.
    fn can_skim(&self) -> bool {
        !self.in_string
            && self
                .pending
                .as_ref()
                .is_some_and(|p| !p.scalar && self.stack.len() > p.depth)
            && self.stack.last().is_some_and(|c| !c.watched)
    }

    /// Takes bytes of a record in bulk: what `byte` would do one at a time, for the bytes
    /// that are neither a string's end nor a bracket. Stops after the record's last byte
    /// (delivering it), on reaching a watched object's level, or before a string that does
    /// not end in `bytes` (which the byte path then takes). Returns how many it took.
    fn skim(&mut self, bytes: &[u8], out: &mut dyn Records) -> Result<usize, ReadError> {
        let floor = self.pending.as_ref().map_or(0, |p| p.depth);
        let mut i = 0;
        let mut line_start: Option<usize> = None;
        let mut lines = 0u64;
        let mut ended = false;
        'scan: while i < bytes.len() {
            let b = bytes[i];
            if !STRUCTURAL[usize::from(b)] {
                i += 1;
                continue;
            }
            match b {
                b'"' => {
                    // The whole string, if it ends here; else the byte path takes it.
                    let mut j = i + 1;
                    let (mut string_lines, mut string_line_start) = (0, None);
                    loop {
                        let Some(k) = memchr::memchr3(b'"', b'\\', b'\n', &bytes[j..]) else {
                            break 'scan;
                        };
                        match bytes[j + k] {
                            b'\\' if j + k + 1 < bytes.len() => j += k + 2,
                            b'\\' => break 'scan,
                            b'\n' => {
                                string_lines += 1;
                                string_line_start = Some(j + k + 1);
                                j += k + 1;
                            }
                            _ => {
                                j += k + 1;
                                break;
                            }
                        }
                    }
                    lines += string_lines;
                    if string_line_start.is_some() {
                        line_start = string_line_start;
                    }
                    i = j;
                    continue;
                }
                b'{' | b'[' => self.stack.push(Container {
                    close: if b == b'{' { b'}' } else { b']' },
                    records: false,
                    watched: false,
                }),
                b'}' | b']' => {
                    self.stack.pop();
                    if self.stack.len() == floor {
                        i += 1;
                        ended = true;
                        break;
                    }
                    if self.stack.last().is_some_and(|c| c.watched) {
                        i += 1;
                        break;
                    }
                }
                b'\n' => {
                    lines += 1;
                    line_start = Some(i + 1);
                }
                _ => {}
            }
            i += 1;
        }
        self.keep(&bytes[..i]);
        self.line += lines;
        self.column = match line_start {
            Some(start) => (i - start) as u64 + 1,
            None => self.column + i as u64,
        };
        if ended {
            self.deliver(out)?;
        }
        Ok(i)
    }

    fn keep(&mut self, bytes: &[u8]) {
        if let Some(pending) = &mut self.pending {
            match &mut pending.dropped {
                Some(dropped) => *dropped += bytes.len() as u64,
                None => {
                    if pending.bytes.len() + bytes.len() > RECORD_CAP {
                        pending.dropped = Some((pending.bytes.len() + bytes.len()) as u64);
                        pending.bytes = Vec::new();
                    } else {
                        pending.bytes.extend_from_slice(bytes);
                    }
                }
            }
        }
    }

    fn byte(&mut self, b: u8, out: &mut dyn Records) -> Result<(), ReadError> {
        if self.in_string {
            self.keep(&[b]);
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
                if let Some(key) = self.key.take() {
                    self.batch_key = key == b"jobs" || key == b"summary";
                }
                if self
                    .pending
                    .as_ref()
                    .is_some_and(|p| p.depth == self.stack.len() && !p.scalar)
                {
                    // A string record has ended.
                    self.deliver(out)?;
                }
            } else if let Some(key) = &mut self.key {
                if key.len() < 16 {
                    key.push(b);
                }
            }
            return Ok(());
        }
        // A bare value ends at the first byte that cannot be part of it.
        if self.pending.as_ref().is_some_and(|p| p.scalar) {
            if b.is_ascii_whitespace()
                || matches!(b, b',' | b']' | b'}' | b'{' | b'[' | b'"' | b':')
            {
                self.deliver(out)?;
            } else {
                self.keep(&[b]);
                return Ok(());
            }
        }
        let depth = self.stack.len();
        let top = self.stack.last().copied();
        let watched_level = top.is_some_and(|c| c.watched) && depth == 1;
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => self.keep(&[b]),
            b'"' => {
                if watched_level && self.expect_key {
                    self.key = Some(Vec::new());
                    self.expect_key = false;
                }
                self.start_value(false)?;
                self.in_string = true;
                self.keep(&[b]);
            }
            b'{' | b'[' => {
                let close = if b == b'{' { b'}' } else { b']' };
                let batch = watched_level && b == b'[' && self.batch_key;
                if batch {
                    // An envelope's jobs: stream them, and forget the envelope itself.
                    self.pending = None;
                    self.batch_key = false;
                    self.stack.push(Container {
                        close,
                        records: true,
                        watched: false,
                    });
                    return Ok(());
                }
                let top_level_array = depth == 0 && b == b'[';
                if top_level_array {
                    self.stack.push(Container {
                        close,
                        records: true,
                        watched: false,
                    });
                    return Ok(());
                }
                self.start_value(false)?;
                self.keep(&[b]);
                let watched = depth == 0 && b == b'{';
                if watched {
                    self.expect_key = true;
                }
                self.stack.push(Container {
                    close,
                    records: false,
                    watched,
                });
            }
            b'}' | b']' => {
                self.keep(&[b]);
                if self.stack.pop().is_none() {
                    self.pending = None;
                    out.malformed(
                        self.name,
                        self.line,
                        &format!(
                            "invalid JSON at column {}: unexpected `{}`",
                            self.column, b as char
                        ),
                    );
                    return Ok(());
                }
                if self
                    .pending
                    .as_ref()
                    .is_some_and(|p| p.depth == self.stack.len())
                {
                    self.deliver(out)?;
                }
                if self.stack.len() == 1 {
                    self.batch_key = false;
                }
            }
            b',' => {
                self.keep(&[b]);
                if watched_level {
                    self.expect_key = true;
                    self.batch_key = false;
                }
            }
            b':' => self.keep(&[b]),
            _ => {
                self.start_value(true)?;
                self.keep(&[b]);
            }
        }
        Ok(())
    }

    /// A value begins here: a record if it stands where records stand.
    fn start_value(&mut self, scalar: bool) -> Result<(), ReadError> {
        if self.pending.is_some() {
            return Ok(());
        }
        let records_here = match self.stack.last() {
            None => true,
            Some(container) => container.records,
        };
        if records_here {
            self.pending = Some(Pending {
                bytes: Vec::new(),
                line: self.line,
                column: self.column,
                depth: self.stack.len(),
                scalar,
                dropped: None,
            });
        }
        Ok(())
    }

    fn deliver(&mut self, out: &mut dyn Records) -> Result<(), ReadError> {
        let Some(pending) = self.pending.take() else {
            return Ok(());
        };
        if let Some(length) = pending.dropped {
            out.malformed(self.name, pending.line, &over_cap(length));
            return Ok(());
        }
        json_value(
            self.name,
            &pending.bytes,
            pending.line,
            pending.column,
            self.matcher,
            out,
            &mut self.log,
        )
    }

    fn finish(mut self, out: &mut dyn Records) -> Result<(), ReadError> {
        if self.pending.is_some() {
            // Cut off: the parser says what is missing, at the record's place.
            self.deliver(out)?;
        } else if let Some(open) = self.stack.last() {
            let what = if open.close == b']' {
                "an array"
            } else {
                "an object"
            };
            out.malformed(
                self.name,
                self.line,
                &format!("the input ends inside {what}"),
            );
        }
        for (report, line) in std::mem::take(&mut self.log).finish(self.matcher) {
            out.report(with_location(report, self.name, line))?;
        }
        Ok(())
    }
}
