//! Reading a log as it is written: line by line into the log reader, never kept, from a
//! pipe (`outcome run`) or from a file followed as it grows (`run --log`, `explain
//! --follow`).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::Duration;

use super::log::LogReader;
use super::reader::RECORD_CAP;

/// How much is read at a time.
pub const READ: usize = 64 * 1024;
/// How often a followed file is looked at for more.
const POLL: Duration = Duration::from_millis(100);

/// When following stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    No,
    /// Once what is there has been read.
    WhenDrained,
    Now,
}

/// What the log showed, line by line, without keeping it.
#[derive(Default)]
pub struct Scan {
    pub log: LogReader,
    lines: u64,
    /// How much of the unfinished line is known to hold no newline: a line that comes in
    /// many reads is searched once, not from its start at every read.
    searched: usize,
}

impl Scan {
    /// Feeds complete lines from `pending`, keeping the unfinished last one; a line over
    /// the record cap is dropped as it streams, and counted.
    pub fn feed(&mut self, pending: &mut Vec<u8>, skipping: &mut bool) {
        let mut start = 0;
        let mut from = self.searched.min(pending.len());
        while let Some(end) = memchr::memchr(b'\n', &pending[from..]).map(|i| from + i) {
            self.lines += 1;
            if *skipping {
                *skipping = false;
            } else {
                let line = &pending[start..end];
                self.log
                    .line(line.strip_suffix(b"\r").unwrap_or(line), self.lines);
            }
            start = end + 1;
            from = start;
        }
        pending.drain(..start);
        if pending.len() > RECORD_CAP {
            pending.clear();
            if !*skipping {
                self.log.skipped(1);
            }
            *skipping = true;
        }
        self.searched = pending.len();
    }

    pub fn finish(&mut self, pending: &mut Vec<u8>, skipping: bool) {
        if !pending.is_empty() && !skipping {
            self.lines += 1;
            self.log.line(pending, self.lines);
        }
        pending.clear();
        self.searched = 0;
    }
}

/// Where a follow starts: a file's end as it was before its writer started, and the bytes
/// just before that end, to tell whether the writer rewrote the file instead of adding
/// to it (`LOG_FILE_APPEND=False` truncates it first).
#[derive(Debug, Clone, Default)]
pub struct Start {
    at: u64,
    before: Vec<u8>,
}

impl Start {
    /// The file's start: read it whole.
    pub fn beginning() -> Start {
        Start::default()
    }

    /// The file's end now (its start when it does not exist yet).
    pub fn end_of(path: &Path) -> Start {
        const KEPT: u64 = 256;
        let Ok(file) = File::open(path) else {
            return Start::default();
        };
        let Ok(len) = file.metadata().map(|m| m.len()) else {
            return Start::default();
        };
        let from = len.saturating_sub(KEPT);
        let mut before = vec![0u8; usize::try_from(len - from).unwrap_or(0)];
        if read_exact_at(&file, &mut before, from).is_err() {
            return Start::default();
        }
        Start { at: len, before }
    }

    /// Whether `file` still holds, before `at`, what it held when this was taken.
    fn still_there(&self, file: &File) -> bool {
        let mut now = vec![0u8; self.before.len()];
        let from = self.at.saturating_sub(self.before.len() as u64);
        read_exact_at(file, &mut now, from).is_ok() && now == self.before
    }
}

fn read_exact_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, at)
}

/// Follows a log file from `start`, waiting for it to appear and for more to be written,
/// until `stop` says so: `WhenDrained` once nothing more is there to read, `Now` at once.
/// `stop` is told whether the reading has reached what is written so far. Line numbers
/// are the file's own (the lines before `start` are counted once). A file that shrinks
/// (truncated by a writer that does not append, `LOG_FILE_APPEND=False`, or by
/// copytruncate rotation) or whose bytes before `start` changed (truncated and written
/// past `start` again) is read again from its start: what it held before is gone.
pub fn follow(
    path: &Path,
    start: Start,
    stop: &mut dyn FnMut(&LogReader, bool) -> Stop,
) -> io::Result<Scan> {
    let mut scan = Scan::default();
    let mut buf = vec![0u8; READ];
    let mut pending = Vec::new();
    let mut skipping = false;
    let mut file: Option<File> = None;
    let mut at = start.at;
    let mut at_end = false;
    // Whether what stands before `start` was checked once new bytes came after it.
    let mut checked = start.at == 0;
    loop {
        let verdict = stop(&scan.log, at_end);
        if verdict == Stop::Now {
            break;
        }
        let done = verdict == Stop::WhenDrained;
        if file.is_none() {
            match File::open(path) {
                Ok(mut opened) => {
                    let len = opened.metadata()?.len();
                    // A file made anew (rotated, or created by this run) is read whole.
                    if len < at || !start.still_there(&opened) {
                        at = 0;
                        checked = true;
                    }
                    scan.lines = count_lines(&mut opened, at)?;
                    opened.seek(SeekFrom::Start(at))?;
                    file = Some(opened);
                }
                Err(err) if err.kind() == io::ErrorKind::NotFound && !done => {
                    at_end = true;
                    std::thread::sleep(POLL);
                    continue;
                }
                Err(err) if err.kind() == io::ErrorKind::NotFound => break,
                Err(err) => return Err(err),
            }
        }
        let Some(reading) = file.as_mut() else { break };
        let n = match reading.read(&mut buf) {
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if n > 0 && !checked {
            checked = true;
            if !start.still_there(reading) {
                // Rewritten from its start and already past where we began.
                reading.seek(SeekFrom::Start(0))?;
                (at, scan, skipping) = (0, Scan::default(), false);
                pending.clear();
                continue;
            }
        }
        if n > 0 {
            at += n as u64;
            at_end = false;
            pending.extend_from_slice(&buf[..n]);
            scan.feed(&mut pending, &mut skipping);
            continue;
        }
        if reading.metadata()?.len() < at {
            // Truncated under us: the lines read so far are no longer the file's.
            reading.seek(SeekFrom::Start(0))?;
            (at, scan, skipping) = (0, Scan::default(), false);
            pending.clear();
            continue;
        }
        at_end = true;
        if done {
            break;
        }
        std::thread::sleep(POLL);
    }
    scan.finish(&mut pending, skipping);
    Ok(scan)
}

/// The lines in a file's first `len` bytes (a partial last line counts: the next byte
/// read goes on with it).
fn count_lines(file: &mut File, len: u64) -> io::Result<u64> {
    if len == 0 {
        return Ok(0);
    }
    file.seek(SeekFrom::Start(0))?;
    let mut buf = vec![0u8; READ];
    let mut left = len;
    let mut lines = 0u64;
    while left > 0 {
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = match file.read(&mut buf[..want]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        lines = lines.saturating_add(super::reader::count_newlines(&buf[..n]));
        left -= n as u64;
    }
    Ok(lines)
}

/// Copies the command's stderr to ours as it comes, and reads the log in it.
pub fn pass_through(mut stderr: impl Read) -> io::Result<Scan> {
    let mut scan = Scan::default();
    let mut buf = vec![0u8; READ];
    let mut pending = Vec::new();
    let mut skipping = false;
    let mut out = io::stderr();
    loop {
        let n = match stderr.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        // Unbuffered: the command's own words first, as they come. A stderr we cannot
        // write to is not a reason to stop reading the log.
        let _ = out.write_all(&buf[..n]);
        pending.extend_from_slice(&buf[..n]);
        scan.feed(&mut pending, &mut skipping);
    }
    scan.finish(&mut pending, skipping);
    Ok(scan)
}

#[cfg(test)]
mod tests {
    use super::Scan;

    /// Lines as `feed` numbers them, whatever pieces they come in.
    fn lines_of(pieces: &[&[u8]]) -> (u64, bool) {
        let mut scan = Scan::default();
        let (mut pending, mut skipping) = (Vec::new(), false);
        for piece in pieces {
            pending.extend_from_slice(piece);
            scan.feed(&mut pending, &mut skipping);
        }
        scan.finish(&mut pending, skipping);
        (scan.lines, skipping)
    }

    #[test]
    fn a_line_in_many_pieces_is_one_line() {
        let long = vec![b'x'; 100_000];
        let mut pieces: Vec<&[u8]> = long.chunks(999).collect();
        pieces.push(b"\nsecond\nthi");
        pieces.push(b"rd");
        assert_eq!(lines_of(&pieces), (3, false));
        // A newline at the very start of a piece, after a long unfinished line.
        assert_eq!(lines_of(&[&long, b"\n", &long, b"\n"]), (2, false));
        assert_eq!(lines_of(&[b"a", b"b\nc", b"\n\n", b"d"]), (4, false));
    }
}
