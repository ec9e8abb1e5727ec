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
}

impl Scan {
    /// Feeds complete lines from `pending`, keeping the unfinished last one; a line over
    /// the record cap is dropped as it streams, and counted.
    pub fn feed(&mut self, pending: &mut Vec<u8>, skipping: &mut bool) {
        let mut start = 0;
        while let Some(end) = memchr::memchr(b'\n', &pending[start..]).map(|i| start + i) {
            self.lines += 1;
            if *skipping {
                *skipping = false;
            } else {
                let line = &pending[start..end];
                self.log
                    .line(line.strip_suffix(b"\r").unwrap_or(line), self.lines);
            }
            start = end + 1;
        }
        pending.drain(..start);
        if pending.len() > RECORD_CAP {
            pending.clear();
            if !*skipping {
                self.log.skipped(1);
            }
            *skipping = true;
        }
    }

    pub fn finish(&mut self, pending: &mut Vec<u8>, skipping: bool) {
        if !pending.is_empty() && !skipping {
            self.lines += 1;
            self.log.line(pending, self.lines);
        }
        pending.clear();
    }
}

/// Follows a log file from byte `start`, waiting for it to appear and for more to be
/// written, until `stop` says so: `WhenDrained` once nothing more is there to read, `Now`
/// at once.
pub fn follow(
    path: &Path,
    start: u64,
    stop: &mut dyn FnMut(&LogReader) -> Stop,
) -> io::Result<Scan> {
    let mut scan = Scan::default();
    let mut buf = vec![0u8; READ];
    let mut pending = Vec::new();
    let mut skipping = false;
    let mut file: Option<File> = None;
    let mut at = start;
    loop {
        let verdict = stop(&scan.log);
        if verdict == Stop::Now {
            break;
        }
        let done = verdict == Stop::WhenDrained;
        if file.is_none() {
            match File::open(path) {
                Ok(mut opened) => {
                    let len = opened.metadata()?.len();
                    // A file made anew (rotated, or created by this run) is read whole.
                    if len < at {
                        at = 0;
                    }
                    opened.seek(SeekFrom::Start(at))?;
                    file = Some(opened);
                }
                Err(err) if err.kind() == io::ErrorKind::NotFound && !done => {
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
        if n > 0 {
            at += n as u64;
            pending.extend_from_slice(&buf[..n]);
            scan.feed(&mut pending, &mut skipping);
            continue;
        }
        if done {
            break;
        }
        std::thread::sleep(POLL);
    }
    scan.finish(&mut pending, skipping);
    Ok(scan)
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
