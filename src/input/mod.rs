//! Reading inputs: files or stdin, the format told from the content (never the name), and
//! records handed on one at a time as they are read, so memory stays constant. Every
//! format reads through the one `reader::Reader`.

pub mod bigfile;
pub mod document;
pub mod emit;
pub mod follow;
pub mod hardwrap;
pub mod log;
pub mod logformat;
pub mod ordered;
pub mod reader;
pub mod records;
pub mod scrapyd;
pub mod stream;
pub mod walk;

use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::path::Path;

use crate::exit::Error;
use crate::reason::Matcher;
use emit::{Emit, Render};
use log::LogReader;
use reader::{Line, Reader, RECORD_CAP};
use records::{bare_reason, input_error, over_cap, with_location, Records};

/// How much of an input is looked at to tell its format.
pub const PEEK_BYTES: usize = 1024 * 1024;
/// How many of its first lines are looked at, at most: enough to see past a wrapper's
/// banner or a screen of warnings before a log's first Scrapy line.
const PEEK_LINES: usize = 4096;
/// Each read of a file or stream.
const CHUNK: usize = 256 * 1024;
/// How much of a log is searched at a time.
const SCAN_BLOCK: usize = 1024 * 1024;

pub fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// Opens FILE (`-` is stdin) and reads it whole into `out`. `found_len` is the length
/// of a file a directory walk found (so not a directory): it is not looked up again, and
/// the file is read as long as it was then.
pub fn read_path<R: Render>(
    path: &Path,
    found_len: Option<u64>,
    matcher: &Matcher,
    out: &mut Emit<'_, R>,
) -> Result<(), Error> {
    let name = display_name(path);
    if path == Path::new("-") {
        let stdin = io::stdin();
        if stdin.is_terminal() {
            return Err(Error::no_input(format!(
                "{name}: is a terminal; pipe the input in, or name a file with -i FILE"
            )));
        }
        if let Some((file, len)) = regular_stdin(&stdin) {
            // `outcome < big.log`: as big a file as one named, read the same way.
            return read_whole(&name, &file, len, matcher, out);
        }
        return read(&name, stdin.lock(), matcher, out);
    }
    let file = File::open(path).map_err(|err| input_error(&name, &err))?;
    let len = match found_len {
        Some(len) => len,
        None => match file.metadata() {
            Ok(meta) if meta.is_dir() => {
                return Err(Error::no_input(format!("{name}: is a directory")));
            }
            Ok(meta) if meta.is_file() => meta.len(),
            _ => return read(&name, file, matcher, out),
        },
    };
    if len >= bigfile::PARALLEL_MIN {
        return read_whole(&name, &file, len, matcher, out);
    }
    match found_len {
        Some(left) => {
            // The first buffer fits the file: zeroing 16 KiB for each 3 KiB log cost a
            // tenth of the time of a folder of them.
            let head = usize::try_from(left).unwrap_or(usize::MAX);
            let inner = UpTo { inner: file, left };
            let mut first = first_read(&name, inner, head)?;
            if let First::Text(reader) = &mut first {
                if reader.inner().left == 0 {
                    // Read whole already: growing the buffer to learn so would cost as
                    // much as the read.
                    reader.input_ended();
                }
            }
            read_first(&name, first, None, matcher, out)
        }
        None => read(&name, file, matcher, out),
    }
}

fn read_first<I: Read, R: Render>(
    name: &str,
    first: First<I>,
    whole: Option<Whole<'_>>,
    matcher: &Matcher,
    out: &mut Emit<'_, R>,
) -> Result<(), Error> {
    match first {
        First::Gzip(reader) => read_text(name, *reader, None, matcher, out),
        First::Text(reader) => read_text(name, reader, whole, matcher, out),
    }
}

/// A big regular file: read through a reference, so that it can be read again by offset on
/// every core (as long as it was when opened).
fn read_whole<R: Render>(
    name: &str,
    file: &File,
    len: u64,
    matcher: &Matcher,
    out: &mut Emit<'_, R>,
) -> Result<(), Error> {
    let whole = Whole { file, len };
    let first = first_read(name, file, reader::FIRST_BUFFER)?;
    read_first(name, first, Some(whole), matcher, out)
}

/// Standard input when it is a big regular file read from its start (`outcome < FILE`),
/// as a file of its own (the descriptor duplicated), and its length.
fn regular_stdin(stdin: &io::Stdin) -> Option<(File, u64)> {
    use std::io::Seek;
    use std::os::fd::AsFd;
    let mut file = File::from(stdin.as_fd().try_clone_to_owned().ok()?);
    let meta = file.metadata().ok()?;
    let len = meta.len();
    let at_start = file.stream_position().ok()? == 0;
    (meta.is_file() && at_start && len >= bigfile::PARALLEL_MIN).then_some((file, len))
}

/// A regular file and its length, which a big log or JSON Lines stream is read from on
/// every core.
#[derive(Clone, Copy)]
struct Whole<'f> {
    file: &'f File,
    len: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    JsonLines,
    JsonDocument,
    Log,
    BareReasons,
}

/// Binary data announces itself: a compression format's magic number, an executable's, or
/// many NUL bytes or bytes that are not UTF-8 at all. Refused once, with what it is.
fn binary(window: &[u8]) -> Option<&'static str> {
    // gzip is read (see `read`); these are not.
    const MAGIC: [(&[u8], &str); 6] = [
        (
            b"BZh",
            "bzip2-compressed data; decompress it first (bzcat FILE | outcome ...)",
        ),
        (
            b"\xfd7zXZ\x00",
            "xz-compressed data; decompress it first (xzcat FILE | outcome ...)",
        ),
        (
            b"\x28\xb5\x2f\xfd",
            "zstd-compressed data; decompress it first (zstdcat FILE | outcome ...)",
        ),
        (b"PK\x03\x04", "a zip archive, not text; unpack it first"),
        (b"\x7fELF", "binary data (an executable), not text"),
        (b"%PDF-", "binary data (a PDF document), not text"),
    ];
    for (magic, what) in MAGIC {
        if window.starts_with(magic) {
            // `BZh` could begin a word; bzip2 follows it with a block size, 1 to 9.
            let text_like =
                magic == b"BZh" && window.get(3).is_some_and(|b| !(b'1'..=b'9').contains(b));
            if !text_like {
                return Some(what);
            }
        }
    }
    let sample = &window[..window.len().min(64 * 1024)];
    let nuls = bytecount::count(sample, 0);
    // The strict check takes std's fast path for ASCII; counting invalid bytes does not,
    // and is needed only where the strict check fails.
    let invalid: usize = match std::str::from_utf8(sample) {
        Ok(_) => 0,
        Err(_) => sample
            .utf8_chunks()
            .map(|chunk| chunk.invalid().len())
            .sum(),
    };
    let many = |n: usize| n >= 4 && n * 100 >= sample.len();
    if many(nuls) || (invalid >= 16 && invalid * 10 >= sample.len()) {
        return Some("binary data, not text");
    }
    None
}

fn detect(window: &[u8]) -> Mode {
    // Whole lines only, unless the window holds no whole line at all.
    let complete = match memchr::memrchr(b'\n', window) {
        Some(at) => &window[..at],
        None => window,
    };
    // Room for a small file's lines at once: growing a vector line by line was a tenth of
    // the time of telling a small log apart.
    let mut lines: Vec<&[u8]> = Vec::with_capacity(128);
    lines.extend(
        reader::split_lines(complete)
            .map(<[u8]>::trim_ascii)
            .filter(|l| !l.is_empty())
            .take(PEEK_LINES),
    );
    let Some(first) = lines.first().copied() else {
        return Mode::BareReasons;
    };
    let second = lines.get(1).copied().unwrap_or(b"");
    // A stats dump pasted as a quote or a code span is one still.
    let (first, second) = (log::depaste(first), log::depaste(second));
    let python_key = |l: &[u8]| l.starts_with(b"'") || l.starts_with(b"b'");
    if first.starts_with(b"{'")
        || first.starts_with(b"{b'")
        || (first == b"{" && python_key(second))
        || log::starts_with_stats_key(&String::from_utf8_lossy(first))
    {
        return Mode::Log;
    }
    // JSON Lines when most lines are whole values: one cut or broken line among good ones
    // does not turn the stream into one bad document. Told before logs, since a Logs API
    // line quotes Scrapy's messages.
    // `{"`: JSON; the items a log prints after `Scraped from` are Python dicts, `{'`.
    let json_line = |l: &[u8]| {
        l.starts_with(b"{") && l.ends_with(b"}") && {
            let inner = l[1..].trim_ascii_start();
            inner.starts_with(b"\"") || inner.starts_with(b"}")
        }
    };
    // A single line is read as a document: the same for one record, but an envelope or
    // an array written on one line (`json.dump(jobs, f)`, `jq -c -s .`) then loses only
    // its bad elements, not the whole line.
    let alone =
        memchr::memchr(b'\n', window).is_none_or(|end| window[end..].trim_ascii().is_empty());
    if alone && json_line(first) {
        return Mode::JsonDocument;
    }
    let whole = lines.iter().filter(|l| json_line(l)).count();
    if whole > 0 && whole * 2 >= lines.len() {
        return Mode::JsonLines;
    }
    // A Scrapy log by its messages, whatever LOG_FORMAT put around them; a traceback
    // pasted on its own is one too (each of its lines is no close reason).
    if lines.iter().any(|line| {
        log::looks_like_log(line)
            || (!json_line(line) && log::has_scrapy_message(line))
            || log::traceback_shaped(line)
    }) {
        return Mode::Log;
    }
    if first.starts_with(b"{") || first.starts_with(b"[") {
        return Mode::JsonDocument;
    }
    Mode::BareReasons
}

/// How many of an input's first values tell an item feed from job records.
const FEED_VALUES: usize = 8;

/// What an input is when it is an item feed (what `-o`/`FEEDS` write beside a log), not job
/// records or reasons: JSON objects without any job field (told by the first values: lines
/// of JSON Lines, or an array's first element), an XML feed, or CSV (every one of the first
/// lines holds a comma, which no close reason does).
fn item_feed(window: &[u8], mode: Mode) -> Option<&'static str> {
    let trimmed = window.trim_ascii_start();
    let complete = match memchr::memrchr(b'\n', window) {
        Some(at) => &window[..at],
        None => window,
    };
    let first_lines = || {
        reader::split_lines(complete)
            .map(<[u8]>::trim_ascii)
            .filter(|l| !l.is_empty())
            .take(FEED_VALUES)
    };
    const JSON: &str = "JSON objects without a single job field (items, as `-o items.jl` writes them), not job records";
    match mode {
        Mode::JsonDocument | Mode::JsonLines if trimmed.starts_with(b"[") => {
            let mut values = serde_json::Deserializer::from_slice(&trimmed[1..])
                .into_iter::<&serde_json::value::RawValue>();
            match values.next() {
                Some(Ok(first)) => {
                    records::foreign_objects(std::iter::once(first.get().as_bytes()))
                        .then_some(JSON)
                }
                _ => None,
            }
        }
        Mode::JsonDocument | Mode::JsonLines => {
            records::foreign_objects(first_lines()).then_some(JSON)
        }
        Mode::BareReasons if trimmed.starts_with(b"<?xml") || trimmed.starts_with(b"<items") => {
            Some("an XML item feed, not close reasons or job records")
        }
        Mode::BareReasons if first_lines().all(|l| memchr::memchr(b',', l).is_some()) => {
            Some("comma-separated values (a CSV item feed), not close reasons or job records")
        }
        _ => None,
    }
}

/// Reads one input, gzip-compressed or not (told by its first two bytes, never its name).
pub fn read<I: Read, R: Render>(
    name: &str,
    inner: I,
    matcher: &Matcher,
    out: &mut Emit<'_, R>,
) -> Result<(), Error> {
    let first = first_read(name, inner, reader::FIRST_BUFFER)?;
    read_first(name, first, None, matcher, out)
}

/// A gzip stream: its first bytes, read to tell it, then the rest.
type Gzipped<R> = Gunzip<io::Chain<io::Cursor<Vec<u8>>, R>>;

/// An input as its first bytes show it.
enum First<R: Read> {
    Gzip(Box<Reader<Gzipped<R>>>),
    Text(Reader<R>),
}

/// `size`: the first buffer's (at most the reader's usual first buffer, at least 16 bytes).
fn first_read<R: Read>(name: &str, mut inner: R, size: usize) -> Result<First<R>, Error> {
    // The first read is the reader's own first buffer, so a small log takes one call.
    let mut head = vec![0u8; size.clamp(16, reader::FIRST_BUFFER)];
    let mut have = 0;
    while have < 2 {
        match inner.read(&mut head[have..]) {
            Ok(0) => break,
            Ok(n) => have += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(input_error(name, &err)),
        }
    }
    if head[..have].starts_with(&[0x1f, 0x8b]) {
        head.truncate(have);
        let whole = io::Cursor::new(head).chain(inner);
        let decoder = Gunzip(flate2::read::MultiGzDecoder::new(whole));
        return Ok(First::Gzip(Box::new(Reader::new(
            decoder, CHUNK, RECORD_CAP,
        ))));
    }
    Ok(First::Text(Reader::primed(
        inner, head, have, CHUNK, RECORD_CAP,
    )))
}

/// A file read only as far as the length it had when the walk found it: the read that
/// would only report its end is saved (ten thousand small logs, ten thousand calls).
struct UpTo<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for UpTo<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        self.left = self.left.saturating_sub(n as u64);
        Ok(n)
    }
}

/// A gzip stream whose failures say what the data was.
struct Gunzip<R>(flate2::read::MultiGzDecoder<R>);

impl<R: Read> Read for Gunzip<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|err| match err.kind() {
            io::ErrorKind::InvalidData
            | io::ErrorKind::InvalidInput
            | io::ErrorKind::UnexpectedEof => io::Error::new(
                io::ErrorKind::InvalidData,
                format!("gzip-compressed data that cannot be decompressed ({err})"),
            ),
            _ => err,
        })
    }
}

/// `whole`: the file the reader reads, when it is a regular file that can be read again by
/// offset (a big log or JSON Lines stream is then read on every core).
fn read_text<I: Read, R: Render>(
    name: &str,
    mut reader: Reader<I>,
    whole: Option<Whole<'_>>,
    matcher: &Matcher,
    out: &mut Emit<'_, R>,
) -> Result<(), Error> {
    let mut log = LogReader::new();
    log.read_from(name);
    // The width a console cut the log's lines at, when it was copied from one.
    let mut cut_at = None;
    let mode = {
        let mut idle = || out.idle();
        let window = reader
            .peek(PEEK_BYTES, &mut idle)
            .map_err(|err| input_error(name, &err))?;
        if window.trim_ascii().is_empty() {
            // Every input gets an answer, an empty log file included.
            let report = crate::judge::nothing(matcher);
            out.report(with_location(report, name, 1));
            return Ok(());
        }
        if let Some(what) = binary(window) {
            return Err(Error::data(format!("{name}: {what}")));
        }
        let mode = detect(window);
        if let Some(what) = item_feed(window, mode) {
            out.skipped(name, what);
            return Ok(());
        }
        if mode == Mode::Log {
            cut_at = hardwrap::width(window);
            for line in reader::split_lines(window).take(PEEK_LINES) {
                log.learn(line);
            }
        }
        mode
    };
    match mode {
        Mode::JsonDocument => document::json_document(name, &mut reader, matcher, out, &mut log)?,
        Mode::JsonLines => match whole {
            Some(Whole { file, len }) if stream::workers() > 1 => {
                bigfile::json_lines(name, file, len, stream::workers(), matcher, out, &mut log)?
            }
            _ => stream::json_lines(name, &mut reader, matcher, out, &mut log)?,
        },
        Mode::Log => {
            // Runs that have ended are answered while the rest is read; a command that
            // takes no more stops the scan.
            let mut answer_ended = |log: &mut LogReader, out: &mut Emit<'_, R>| {
                for (crawl, line) in log.finished_runs() {
                    let report = crate::judge::crawl(matcher, crawl);
                    out.report(with_location(report, name, line));
                }
                if out.stopped() {
                    return Err(io::Error::from(io::ErrorKind::BrokenPipe));
                }
                Ok(())
            };
            let scanned = match (whole, cut_at) {
                (_, Some(width)) => {
                    read_cut_log(&mut log, &mut reader, width, out, &mut answer_ended)
                }
                (Some(Whole { file, len }), None) if stream::workers() > 1 => {
                    bigfile::scan(&mut log, file, len, stream::workers(), &mut |log| {
                        answer_ended(log, out)
                    })
                }
                _ => scan_log(&mut log, &mut reader, out, &mut answer_ended),
            };
            match scanned {
                Err(_) if out.stopped() => return Ok(()),
                scanned => scanned.map_err(|err| input_error(name, &err))?,
            }
        }
        Mode::BareReasons => bare_reasons(name, &mut reader, matcher, out)?,
    }
    for (crawl, line) in log.finish() {
        out.report(with_location(
            crate::judge::crawl(matcher, crawl),
            name,
            line,
        ));
    }
    Ok(())
}

/// Reads a log from a stream, block by block; `ended` hands out the runs that have ended.
fn scan_log<I: Read, R: Render>(
    log: &mut LogReader,
    reader: &mut Reader<I>,
    out: &mut Emit<'_, R>,
    ended: &mut dyn FnMut(&mut LogReader, &mut Emit<'_, R>) -> io::Result<()>,
) -> io::Result<()> {
    if !log::searcher_ready() {
        return Err(io::Error::other("could not build the log searcher"));
    }
    let mut found = log::Found::default();
    log_blocks(log, reader, out, ended, &mut |log, block| {
        if let Some(block) = block {
            log::search_block(block.text, &mut found);
            log.scan_found(block.text, block.first_line, &found);
        }
    })
}

/// Reads a log whose lines a console cut at `width` (see `hardwrap`), line by line once
/// joined: such a text is a screenful or a few thousand rows, never a big file.
fn read_cut_log<I: Read, R: Render>(
    log: &mut LogReader,
    reader: &mut Reader<I>,
    width: usize,
    out: &mut Emit<'_, R>,
    ended: &mut dyn FnMut(&mut LogReader, &mut Emit<'_, R>) -> io::Result<()>,
) -> io::Result<()> {
    let mut unwrapper = hardwrap::Unwrapper::new(width);
    log_blocks(log, reader, out, ended, &mut |log, block| {
        let mut read = |line: &[u8], first, last| log.cut_line(line, first, last);
        match block {
            Some(block) => {
                for (number, row) in block.lines() {
                    unwrapper.row(row, number, &mut read);
                }
            }
            None => unwrapper.flush(&mut read),
        }
    })
}

/// The block loop of a log read from a stream: `read` gets each block of whole lines, then
/// `None` at the end; lines over the cap are counted as skipped, and the runs that have
/// ended are handed out after each block.
fn log_blocks<I: Read, R: Render>(
    log: &mut LogReader,
    reader: &mut Reader<I>,
    out: &mut Emit<'_, R>,
    ended: &mut dyn FnMut(&mut LogReader, &mut Emit<'_, R>) -> io::Result<()>,
    read: &mut dyn FnMut(&mut LogReader, Option<reader::Block<'_>>),
) -> io::Result<()> {
    loop {
        let mut skipped = 0;
        let block = reader.next_block(SCAN_BLOCK, &mut || out.idle(), &mut |_, _| skipped += 1)?;
        let last = block.is_none();
        read(log, block);
        log.skipped(skipped);
        if last {
            return Ok(());
        }
        ended(log, out)?;
    }
}

fn bare_reasons<I: Read, R: Render>(
    name: &str,
    reader: &mut Reader<I>,
    matcher: &Matcher,
    out: &mut Emit<'_, R>,
) -> Result<(), Error> {
    while !out.stopped() {
        let line = {
            let mut idle = || out.idle();
            match reader
                .next_line(&mut idle)
                .map_err(|err| input_error(name, &err))?
            {
                None => return Ok(()),
                Some(Line::TooLong(line, length)) => Err((line, length)),
                Some(Line::Text(line, text)) => Ok((line, text)),
            }
        };
        match line {
            Err((line, length)) => out.malformed(name, line, &over_cap(length)),
            Ok((line, text)) => bare_reason(name, text, line, matcher, out),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_from_the_whole_window() {
        assert_eq!(detect(b"{\"a\":1}\n{\"b\":2}\n"), Mode::JsonLines);
        assert_eq!(detect(b"{\"a\":\n{\"b\":2}\n{\"c\":3}\n"), Mode::JsonLines);
        assert_eq!(
            detect(b"[\n  {\"a\": 1},\n  {\"b\": 2}\n]\n"),
            Mode::JsonDocument
        );
        assert_eq!(detect(b"{\n  \"key\": \"1/2/3\"\n}\n"), Mode::JsonDocument);
        assert_eq!(detect(b"finished\nbanned\n"), Mode::BareReasons);
        assert_eq!(detect(b"{'finish_reason': 'finished'}\n"), Mode::Log);
        let items = b"2024-01-01 00:00:00 [scrapy.core.scraper] DEBUG: Scraped from <200 http://x/>\n{'a': 1}\n";
        assert_eq!(detect(&items.repeat(3)), Mode::Log);
        assert_eq!(
            detect(b"INFO: Spider opened\nINFO: Closing spider (finished)\n"),
            Mode::Log
        );
        let logs_api =
            br#"{"time":1,"level":20,"message":"[scrapy.core.engine] Closing spider (finished)"}"#;
        assert_eq!(
            detect(&[&logs_api[..], b"\n"].concat().repeat(2)),
            Mode::JsonLines
        );
        // One line alone is split as a document, which reads one record the same way.
        assert_eq!(detect(&[&logs_api[..], b"\n"].concat()), Mode::JsonDocument);
    }

    #[test]
    fn binary_is_told_from_text() {
        assert!(binary(b"BZh91AY&SY").is_some());
        assert!(binary(b"BZhello there\n").is_none());
        assert!(binary(b"PKG_CONFIG finished\n").is_none());
        assert!(binary(b"fini\0shed\n").is_none());
        assert!(binary("caf\u{e9} finished\n".as_bytes()).is_none());
        assert!(binary(&[0u8; 100]).is_some());
    }
}
