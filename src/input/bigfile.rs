//! A big log file read on every core. The file is cut into regions; each worker reads its
//! own regions (`pread`, so that copying out of the page cache, most of the cost, is shared
//! too) and searches them for the lines that matter, and the reading thread goes through
//! the regions in order, looking only at those lines, exactly as `LogReader::scan` does
//! for a stream. A region holds every line that starts in it, whole: a worker reads on
//! past the region's end to the end of its last line, and leaves the part of its start
//! that belongs to the line before to the region before.
//!
//! Mapping the file instead (mmap) was measured and not kept: the copy's cost moved to
//! page faults and cache misses in the search, the time stayed the same, and a file cut
//! short while mapped would kill the process with SIGBUS.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::mpsc;

use super::log::{search_block, Found, LogReader};
use super::reader::RECORD_CAP;

/// Logs at least this large are read this way; below it, one thread is as quick.
pub const PARALLEL_MIN: u64 = 16 * 1024 * 1024;
/// The size of a region: large enough that handing one over costs nothing, small enough
/// that the few in flight stay a few MiB (and in the cache while they are searched).
const REGION: u64 = 512 * 1024;
/// How far past its region a worker reads at a time to finish the region's last line.
const MORE: usize = 64 * 1024;
/// How many searched regions each worker may have waiting for the reading thread.
const AHEAD: usize = 2;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One region's lines, searched. Its buffers are reused from region to region.
#[derive(Default)]
struct Region {
    /// The lines that start in the region are `buf[start..]`, without the last `\n`.
    buf: Vec<u8>,
    start: usize,
    /// How many lines that is (a blank line is a line).
    lines: u64,
    found: Found,
    /// The region's last line was longer than the record cap (and is not in `buf`).
    too_long: bool,
    /// Where the reading past the region's end goes.
    more: Vec<u8>,
}

impl Region {
    fn text(&self) -> &[u8] {
        &self.buf[self.start..]
    }
}

/// Reads `file` (its first `len` bytes, its length when opened) into `log` on `workers`
/// threads.
pub fn scan(log: &mut LogReader, file: &File, len: u64, workers: usize) -> io::Result<()> {
    let mut head = [0u8; 3];
    let got = read_full(file, &mut head, 0)?;
    let first = if head[..got] == *BOM { 3 } else { 0 };
    let regions = len.saturating_sub(first).div_ceil(REGION);
    let workers = workers.max(1);
    std::thread::scope(|scope| {
        let mut results = Vec::new();
        let mut recycle = Vec::new();
        for worker in 0..workers {
            let (done_tx, done_rx) = mpsc::sync_channel::<io::Result<Region>>(AHEAD);
            let (spare_tx, spare_rx) = mpsc::channel::<Region>();
            results.push(done_rx);
            recycle.push(spare_tx);
            scope.spawn(move || {
                let mut index = worker as u64;
                while index < regions {
                    let mut region = spare_rx.try_recv().unwrap_or_default();
                    let from = first + index * REGION;
                    let to = (from + REGION).min(len);
                    let read = read_region(file, from, to, first, &mut region).map(|()| region);
                    let failed = read.is_err();
                    if done_tx.send(read).is_err() || failed {
                        return;
                    }
                    index += workers as u64;
                }
            });
        }
        // Line numbers are known only in order: each region's count from 0 until here.
        let mut next_line = 1u64;
        for index in 0..regions {
            let slot = (index % workers as u64) as usize;
            let region = match results[slot].recv() {
                Ok(region) => region?,
                Err(_) => return Err(io::Error::other("a log reader stopped")),
            };
            if region.lines > 0 {
                log.scan_found(region.text(), next_line, &region.found);
            }
            next_line = next_line.saturating_add(region.lines);
            if region.too_long {
                log.skipped(1);
                next_line = next_line.saturating_add(1);
            }
            // A worker that has finished takes no buffer back.
            let _ = recycle[slot].send(region);
        }
        Ok(())
    })
}

/// The lines that start in `from..to` (a line starts at `first`, the file's first byte
/// after any byte order mark, or after a `\n`), whole, searched.
fn read_region(file: &File, from: u64, to: u64, first: u64, region: &mut Region) -> io::Result<()> {
    region.start = 0;
    region.lines = 0;
    region.too_long = false;
    // One byte before the region tells whether a line starts at its first byte.
    let before = u64::from(from > first);
    let wanted = usize::try_from(to - from + before).map_err(io::Error::other)?;
    if region.buf.len() < wanted {
        // Zeroed once per worker, not once per region.
        region.buf.resize(wanted, 0);
    }
    let got = read_full(file, &mut region.buf[..wanted], from - before)?;
    region.buf.truncate(got);
    if before == 1 {
        region.start = match memchr::memchr(b'\n', &region.buf) {
            Some(at) => at + 1,
            // No line starts here: the line before runs through the whole region.
            None => region.buf.len(),
        };
    }
    if region.start == region.buf.len() {
        return Ok(());
    }
    if !region.buf.ends_with(b"\n") {
        finish_last_line(file, from - before + got as u64, region)?;
    }
    if region.start == region.buf.len() {
        // Only a line too long to hold started here.
        return Ok(());
    }
    let complete = region.buf.ends_with(b"\n");
    if complete {
        region.buf.pop();
    }
    let Region {
        buf, start, found, ..
    } = region;
    let newlines = search_block(&buf[*start..], found);
    // n separators make n + 1 lines, a final `\n` included (it was taken off above).
    region.lines = newlines + 1;
    Ok(())
}

/// Reads on from `at`, past the region, to the end of its last line.
fn finish_last_line(file: &File, mut at: u64, region: &mut Region) -> io::Result<()> {
    let text = &region.buf[region.start..];
    let last_start = memchr::memrchr(b'\n', text).map_or(region.start, |i| region.start + i + 1);
    region.more.resize(MORE, 0);
    loop {
        let n = read_full(file, &mut region.more, at)?;
        if n == 0 {
            return Ok(());
        }
        at += n as u64;
        let end = memchr::memchr(b'\n', &region.more[..n]);
        if !region.too_long {
            let taken = end.map_or(n, |i| i + 1);
            region.buf.extend_from_slice(&region.more[..taken]);
            if region.buf.len() - last_start > RECORD_CAP {
                // Too long to hold: skipped, as the shared reader skips such a line.
                region.too_long = true;
                region.buf.truncate(last_start);
            }
        }
        if end.is_some() {
            return Ok(());
        }
    }
}

/// Reads at `offset` until `buf` is full or the file ends; how much was read.
fn read_full(file: &File, buf: &mut [u8], mut offset: u64) -> io::Result<usize> {
    let mut have = 0;
    while have < buf.len() {
        match file.read_at(&mut buf[have..], offset) {
            Ok(0) => break,
            Ok(n) => {
                have += n;
                offset += n as u64;
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        }
    }
    Ok(have)
}
