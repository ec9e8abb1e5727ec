//! JSON documents that span lines: one object (a job, an envelope, a summary), an array of
//! jobs, or pretty-printed values one after another. The splitter here finds where each
//! record begins and ends (string-aware, counting depth), so that every record is parsed
//! on its own like a line of JSON Lines: memory stays constant however long the document,
//! line numbers are exact, and a bad record is reported alone while the others are read.
//! The `jobs` array of a legacy envelope and the `summary` of a jobq line are streamed
//! element by element too.

use std::io::Read;

use super::emit::{Emit, Render};
use super::log::LogReader;
use super::reader::{Reader, RECORD_CAP};
use super::records::{input_error, over_cap};
use super::stream::{self, Piece, Source, Work};
use crate::exit::Error;
use crate::reason::Matcher;
use crate::{jsonbits, swar};

#[derive(Debug, Clone, Copy)]
struct Container {
    close: u8,
    /// Its elements are records (a top-level array, an envelope's `jobs`).
    records: bool,
    /// A top-level object: its keys are watched for `jobs` and `summary`.
    watched: bool,
}

/// Levels a record's splitter remembers one by one; deeper ones are only counted. Nothing
/// past them matters to the splitter (records stand at most two levels down), and the
/// record's parser meets them whole: a stack entry a level would let `[[[[...` grow
/// memory without bound.
const NESTING_CAP: usize = 128;

/// The record being collected.
struct Pending {
    /// Where its bytes begin in the batch: they are gathered in place.
    start: usize,
    line: u64,
    column: u64,
    /// The depth it started at; it ends when the depth comes back to this.
    depth: usize,
    /// A bare value (number, literal, junk) rather than a string or a container.
    scalar: bool,
    /// Over the cap: bytes counted, not kept.
    dropped: Option<u64>,
}

#[derive(Default)]
struct Splitter {
    line: u64,
    column: u64,
    stack: Vec<Container>,
    /// Containers open past `NESTING_CAP` in the record being collected.
    deep: u64,
    in_string: bool,
    escaped: bool,
    pending: Option<Pending>,
    /// In a watched object: the key just read, when it was `jobs` or `summary`.
    batch_key: bool,
    key: Option<Vec<u8>>,
    expect_key: bool,
    /// The records found so far, for the next worker.
    batch: Vec<u8>,
    pieces: Vec<Piece>,
}

/// A batch is handed to a worker once it holds this much (or this many pieces).
const BATCH_PIECES: usize = 4096;

pub fn json_document<I: Read, R: Render>(
    name: &str,
    reader: &mut Reader<I>,
    matcher: &Matcher,
    out: &mut Emit<'_, R>,
    log: &mut LogReader,
) -> Result<(), Error> {
    let mut source = Document {
        name,
        reader,
        splitter: Splitter {
            line: 1,
            column: 1,
            ..Splitter::default()
        },
        ended: false,
    };
    stream::in_parallel(name, matcher, out, log, &mut source)
}

/// A document as blocks of whole records: the splitter runs on the reading thread, the
/// records are parsed and judged on every core like JSON Lines.
struct Document<'r, 'n, R> {
    name: &'n str,
    reader: &'r mut Reader<R>,
    splitter: Splitter,
    ended: bool,
}

impl<I: Read> Source for Document<'_, '_, I> {
    fn is_slow(&self) -> bool {
        self.reader.is_slow()
    }

    fn next<R: Render>(
        &mut self,
        out: &mut Emit<'_, R>,
        mut buffer: Vec<u8>,
    ) -> Result<Option<Work>, Error> {
        buffer.clear();
        let splitter = &mut self.splitter;
        loop {
            let full =
                splitter.batch.len() >= stream::BLOCK || splitter.pieces.len() >= BATCH_PIECES;
            let waiting = self.ended || self.reader.is_slow();
            // A pausing input (a live crawl) gets its records judged as they come.
            if !splitter.pieces.is_empty() && (full || waiting) {
                // A record still being read moves to the next batch, in the reused buffer.
                let cut = splitter
                    .pending
                    .as_ref()
                    .map_or(splitter.batch.len(), |p| p.start);
                buffer.extend_from_slice(&splitter.batch[cut..]);
                splitter.batch.truncate(cut);
                std::mem::swap(&mut splitter.batch, &mut buffer);
                if let Some(pending) = &mut splitter.pending {
                    pending.start = 0;
                }
                let first_line = splitter.first_line();
                return Ok(Some(Work {
                    block: buffer,
                    first_line,
                    pieces: std::mem::take(&mut splitter.pieces),
                    skipped: Vec::new(),
                }));
            }
            if self.ended {
                return Ok(None);
            }
            let name = self.name;
            let bytes = {
                let out = &mut *out;
                let mut idle = || out.idle();
                self.reader
                    .next_bytes(&mut idle)
                    .map_err(|err| input_error(name, &err))?
            };
            if bytes.is_empty() {
                splitter.finish();
                self.ended = true;
                continue;
            }
            // No more than a block at a time, so that no batch grows past about a block
            // (plus the record it ends in): the rest is read again next time.
            let room = stream::BLOCK.saturating_sub(splitter.batch.len()).max(4096);
            let (now, later) = bytes.split_at(bytes.len().min(room));
            let later = later.len();
            splitter.feed(now)?;
            self.reader.unread(later);
        }
    }
}

/// Inside a string: the first quote, backslash or newline at or after `at`, or
/// `bytes.len()`.
#[inline]
fn string_stop_from(bytes: &[u8], mut at: usize) -> usize {
    while let Some(word) = swar::word_at(bytes, at) {
        let marks = swar::equal(word, b'"') | swar::equal(word, b'\\') | swar::equal(word, b'\n');
        if marks != 0 {
            return at + swar::first(marks);
        }
        at += 8;
    }
    while bytes
        .get(at)
        .is_some_and(|&b| !matches!(b, b'"' | b'\\' | b'\n'))
    {
        at += 1;
    }
    at
}

impl Splitter {
    fn first_line(&self) -> u64 {
        match self.pieces.first() {
            Some(Piece::Value { line, .. } | Piece::Malformed { line, .. }) => *line,
            None => self.line,
        }
    }

    fn malformed(&mut self, line: u64, what: String) {
        self.pieces.push(Piece::Malformed { line, what });
    }

    fn feed(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let mut i = 0;
        while i < bytes.len() {
            if self.in_string {
                // Jump to the next byte that matters inside a string.
                let rest = &bytes[i..];
                let skip = if self.escaped {
                    0
                } else {
                    string_stop_from(rest, 0)
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
                let used = self.skim(&bytes[i..])?;
                if used > 0 {
                    i += used;
                    continue;
                }
            }
            let b = bytes[i];
            self.byte(b)?;
            if b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
            i += 1;
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
    ///
    /// 64 bytes at a time: in a block without backslashes the strings are told by the
    /// parity of the quotes, and only the brackets outside them are visited one by one; a
    /// block with a backslash (or whose first byte is escaped) is walked mark by mark.
    fn skim(&mut self, bytes: &[u8]) -> Result<usize, Error> {
        let floor = self.pending.as_ref().map_or(0, |p| p.depth);
        let mut taken = bytes.len();
        let mut ended = false;
        // Every newline before the scan's stop, strings' ones too: when a string does not
        // end in `bytes`, those from its opening quote on are taken back below.
        let mut lines = 0u64;
        let mut last_newline: Option<usize> = None;
        let mut in_string = false;
        // The opening quote of the string the scan is in.
        let mut open = 0;
        // The byte after a backslash in a string, which means nothing but a newline.
        let mut escaped_at = usize::MAX;
        let mut block = [0u8; 64];
        'scan: for (n, chunk) in bytes.chunks(64).enumerate() {
            let base = n * 64;
            let classes = match <&[u8; 64]>::try_from(chunk) {
                Ok(whole) => jsonbits::classes(whole),
                Err(_) => {
                    // The tail, padded with bytes that do not matter.
                    block.fill(0);
                    block[..chunk.len()].copy_from_slice(chunk);
                    jsonbits::classes(&block)
                }
            };
            if classes.backslash == 0 && escaped_at != base {
                let inside = jsonbits::inside_strings(classes.quote, in_string);
                let mut brackets = classes.bracket & !inside;
                // Where a bracket stopped the scan, as a place in the block.
                let mut stop = None;
                while brackets != 0 {
                    let place = brackets.trailing_zeros();
                    brackets &= brackets - 1;
                    if let Some(record_ended) = self.bracket(bytes[base + place as usize], floor) {
                        ended = record_ended;
                        stop = Some(place);
                        break;
                    }
                }
                let newlines = match stop {
                    // Those before the bracket (`place` is below 64).
                    Some(place) => classes.newline & ((1u64 << place) - 1),
                    None => classes.newline,
                };
                if newlines != 0 {
                    lines += u64::from(newlines.count_ones());
                    last_newline = Some(base + 63 - newlines.leading_zeros() as usize);
                }
                if let Some(place) = stop {
                    taken = base + place as usize + 1;
                    in_string = false;
                    break 'scan;
                }
                in_string = inside >> 63 == 1;
                let opening = classes.quote & inside;
                if in_string && opening != 0 {
                    open = base + 63 - opening.leading_zeros() as usize;
                }
                continue;
            }
            let mut marks = classes.quote | classes.backslash | classes.newline | classes.bracket;
            while marks != 0 {
                let at = base + marks.trailing_zeros() as usize;
                marks &= marks - 1;
                let b = bytes[at];
                if b == b'\n' {
                    lines += 1;
                    last_newline = Some(at);
                    continue;
                }
                if in_string {
                    if at == escaped_at {
                        continue;
                    }
                    match b {
                        b'\\' => escaped_at = at + 1,
                        b'"' => in_string = false,
                        _ => {}
                    }
                    continue;
                }
                match b {
                    b'"' => {
                        in_string = true;
                        open = at;
                    }
                    b'\\' => {}
                    _ => {
                        if let Some(record_ended) = self.bracket(b, floor) {
                            ended = record_ended;
                            taken = at + 1;
                            break 'scan;
                        }
                    }
                }
            }
        }
        if in_string {
            // A string that does not end in `bytes`: the byte path takes it.
            taken = open;
            let back = &bytes[open..];
            lines = lines.saturating_sub(bytecount::count(back, b'\n') as u64);
            if last_newline.is_some_and(|at| at >= open) {
                last_newline = memchr::memrchr(b'\n', &bytes[..open]);
            }
        }
        self.keep(&bytes[..taken]);
        self.line += lines;
        self.column = match last_newline {
            Some(at) => (taken - at) as u64,
            None => self.column + taken as u64,
        };
        if ended {
            self.deliver()?;
        }
        Ok(taken)
    }

    /// A bracket met by `skim` outside strings: `Some(true)` when it closes the record,
    /// `Some(false)` when it comes back to a watched object's level (the byte path reads
    /// its keys), `None` to go on.
    #[inline]
    fn bracket(&mut self, b: u8, floor: usize) -> Option<bool> {
        // `}` and `]` have the 0x04 bit, `{` and `[` do not.
        if b & 0x04 == 0 {
            if self.stack.len() - floor >= NESTING_CAP {
                self.deep = self.deep.saturating_add(1);
            } else {
                self.stack.push(Container {
                    close: b + 2,
                    records: false,
                    watched: false,
                });
            }
            return None;
        }
        if self.deep > 0 {
            self.deep -= 1;
            return None;
        }
        self.stack.pop();
        if self.stack.len() == floor {
            return Some(true);
        }
        self.stack
            .last()
            .is_some_and(|c| c.watched)
            .then_some(false)
    }

    fn keep(&mut self, bytes: &[u8]) {
        if let Some(pending) = &mut self.pending {
            match &mut pending.dropped {
                Some(dropped) => *dropped += bytes.len() as u64,
                None => {
                    let length = self.batch.len() - pending.start + bytes.len();
                    if length > RECORD_CAP {
                        pending.dropped = Some(length as u64);
                        self.batch.truncate(pending.start);
                    } else {
                        self.batch.extend_from_slice(bytes);
                    }
                }
            }
        }
    }

    fn byte(&mut self, b: u8) -> Result<(), Error> {
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
                    self.deliver()?;
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
                self.deliver()?;
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
                let floor = self.pending.as_ref().map_or(0, |p| p.depth);
                if depth.saturating_sub(floor) >= NESTING_CAP {
                    self.deep = self.deep.saturating_add(1);
                    return Ok(());
                }
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
                if self.deep > 0 {
                    self.deep -= 1;
                    return Ok(());
                }
                if self.stack.pop().is_none() {
                    self.pending = None;
                    let what = format!(
                        "invalid JSON at column {}: unexpected `{}`",
                        self.column, b as char
                    );
                    self.malformed(self.line, what);
                    return Ok(());
                }
                if self
                    .pending
                    .as_ref()
                    .is_some_and(|p| p.depth == self.stack.len())
                {
                    self.deliver()?;
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
    fn start_value(&mut self, scalar: bool) -> Result<(), Error> {
        if self.pending.is_some() {
            return Ok(());
        }
        let records_here = match self.stack.last() {
            None => true,
            Some(container) => container.records,
        };
        if records_here {
            self.pending = Some(Pending {
                start: self.batch.len(),
                line: self.line,
                column: self.column,
                depth: self.stack.len(),
                scalar,
                dropped: None,
            });
        }
        Ok(())
    }

    fn deliver(&mut self) -> Result<(), Error> {
        let Some(pending) = self.pending.take() else {
            return Ok(());
        };
        if let Some(length) = pending.dropped {
            self.malformed(pending.line, over_cap(length));
            return Ok(());
        }
        self.pieces.push(Piece::Value {
            start: pending.start,
            end: self.batch.len(),
            line: pending.line,
            column: pending.column,
        });
        Ok(())
    }

    fn finish(&mut self) {
        if self.pending.is_some() {
            // Cut off: the parser says what is missing, at the record's place.
            let _ = self.deliver();
        } else if let Some(open) = self.stack.last() {
            let what = if open.close == b']' {
                "an array"
            } else {
                "an object"
            };
            self.malformed(self.line, format!("the input ends inside {what}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{string_stop_from, Splitter};

    fn splitter() -> Splitter {
        Splitter {
            line: 1,
            column: 1,
            ..Splitter::default()
        }
    }

    /// What a splitter holds after reading a document, to compare two readings.
    fn state(s: &Splitter) -> String {
        format!(
            "{:?} {:?} line {} column {} depth {} in string {}",
            String::from_utf8_lossy(&s.batch),
            s.pieces,
            s.line,
            s.column,
            s.stack.len(),
            s.in_string
        )
    }

    /// The definition: every byte through `byte`, one at a time.
    fn bytewise(input: &[u8]) -> String {
        let mut s = splitter();
        for &b in input {
            s.byte(b).expect("within the cap");
            if b == b'\n' {
                s.line += 1;
                s.column = 1;
            } else {
                s.column += 1;
            }
        }
        s.finish();
        state(&s)
    }

    /// The splitter's own reading (jumps through strings, 64-byte blocks), fed in pieces
    /// of the given sizes.
    fn fed(input: &[u8], sizes: &mut impl Iterator<Item = usize>) -> String {
        let mut s = splitter();
        let mut rest = input;
        while !rest.is_empty() {
            let size = sizes.next().unwrap_or(rest.len()).clamp(1, rest.len());
            let (now, later) = rest.split_at(size);
            s.feed(now).expect("within the cap");
            rest = later;
        }
        s.finish();
        state(&s)
    }

    /// A fixed pseudo-random sequence, so that a failure comes back the same.
    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    fn documents() -> Vec<Vec<u8>> {
        let record = |i: usize, text: &str| {
            format!(
                "{{\"key\": \"1/2/{i}\", \"close_reason\": \"{text}\",\n  \"scrapystats\": \
                 {{\"log_count/ERROR\": {i}, \"nested\": [1, {{\"a\": \"]}}\"}}]}}}}"
            )
        };
        // Strings with every kind of escape, quotes and brackets inside, raw newlines
        // (invalid, still counted), and backslashes at every distance from a 64-byte edge.
        let texts = [
            "finished".to_string(),
            r#"a \" quoted \\ one"#.to_string(),
            r#"ends in a backslash \\"#.to_string(),
            "brackets ] } [ { inside".to_string(),
            "raw\nnewline\ninside".to_string(),
            r#"\u00e9\n\t"#.to_string(),
        ];
        let mut documents = Vec::new();
        for pad in 0..70 {
            let mut pretty = String::from("[\n");
            let mut compact = String::from("[");
            for (i, text) in texts.iter().enumerate() {
                let text = format!("{}{text}", "x".repeat(pad));
                let one = record(i, &text);
                let sep = if i > 0 { "," } else { "" };
                pretty.push_str(&format!("{sep}\n  {}", one.replace(", ", ",\n    ")));
                compact.push_str(&format!("{sep}{one}"));
            }
            pretty.push_str("\n]\n");
            compact.push(']');
            let envelope = format!("{{\"status\": \"ok\",\n \"jobs\": {compact}}}");
            documents.extend([
                pretty.into_bytes(),
                compact.into_bytes(),
                envelope.into_bytes(),
            ]);
        }
        // Cut off everywhere in one of them: in strings, after backslashes, mid-record.
        let whole = documents[3 * 7].clone();
        documents.extend((1..whole.len()).map(|end| whole[..end].to_vec()));
        // Byte soup of the bytes that matter.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..400 {
            let mut soup = b"[{".to_vec();
            for _ in 0..300 {
                soup.push(b"\"\\{}[]\n ,:ab"[(xorshift(&mut state) >> 40) as usize % 12]);
            }
            documents.push(soup);
        }
        documents
    }

    #[test]
    fn the_splitter_reads_as_it_would_byte_by_byte_however_the_bytes_come() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for document in documents() {
            let want = bytewise(&document);
            assert_eq!(
                fed(&document, &mut std::iter::empty()),
                want,
                "{document:?}"
            );
            for _ in 0..4 {
                let limit = [3, 64, 130][(xorshift(&mut state) % 3) as usize];
                let mut sizes =
                    std::iter::from_fn(|| Some((xorshift(&mut state) >> 33) as usize % limit + 1));
                assert_eq!(fed(&document, &mut sizes), want, "{document:?}");
            }
        }
    }

    /// Against the plain definition: every byte the scan stops at, at every place around
    /// the eight-byte steps, after every kind of byte it does not stop at.
    #[test]
    fn the_string_scan_stops_at_the_first_byte_that_matters() {
        let stops = |b: u8| matches!(b, b'"' | b'\\' | b'\n');
        // Neighbours of the stop bytes.
        let fillers = [b'a', b' ', b'!', b'#', b'[', b'\r', 0x02, 0x5d, 0xc3, 0xff];
        for filler in fillers {
            for len in 0..26 {
                for stop in [b'"', b'\n', b'\\', b'x'] {
                    let mut bytes = vec![filler; len];
                    bytes.push(stop);
                    bytes.extend_from_slice(b"tail\"");
                    for from in 0..3.min(bytes.len()) {
                        let want = (from..bytes.len())
                            .find(|&i| stops(bytes[i]))
                            .unwrap_or(bytes.len());
                        assert_eq!(string_stop_from(&bytes, from), want, "{bytes:?} {from}");
                    }
                }
                let plain = vec![filler; len];
                assert_eq!(string_stop_from(&plain, 0), len);
            }
        }
    }
}
