//! Big files read on every core. The file is cut into regions; each worker reads its own
//! regions (`pread`, so that copying out of the page cache, most of the cost, is shared
//! and lands in the cache of the core that reads the bytes next). A region holds every line
//! that starts in it, whole: a worker reads on past the region's end to the end of its last
//! line, and leaves the part of its start that belongs to the line before to the region
//! before.
//!
//! A log: workers search their regions for the lines that matter, and the reading thread
//! goes through the regions in order, looking only at those lines, exactly as
//! `LogReader::scan` does for a stream. JSON Lines: workers judge their regions' records
//! into parts, and the reading thread joins the parts in order, as for a stream; each
//! worker learns where its region's line numbers start from the region before, as soon as
//! that one is read (not judged).
//!
//! Mapping the file instead (mmap) was measured and not kept: the copy's cost moved to
//! page faults and cache misses in the search, the time stayed the same, and a file cut
//! short while mapped would kill the process with SIGBUS.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::{mpsc, Condvar, Mutex};

use super::log::{search_block, Found, LogReader};
use super::reader::{count_newlines, RECORD_CAP};
use super::records::{input_error, over_cap, Consumer, ReadError, Records};
use super::stream::judge_lines;
use crate::reason::Matcher;

/// Files at least this large are read this way; below it, one thread is as quick.
pub const PARALLEL_MIN: u64 = 16 * 1024 * 1024;
/// The size of a region: large enough that handing one over costs nothing, small enough
/// that the few in flight stay a few MiB (and in the cache while they are searched).
const REGION: u64 = 512 * 1024;
/// How far past its region a worker reads to finish the region's last line: a little
/// first (most lines are short, and every byte read past the region is read again by the
/// next one), then twice as much each time, up to `MORE`.
const MORE_FIRST: usize = 4 * 1024;
const MORE: usize = 64 * 1024;
/// How many searched regions each worker may have waiting for the reading thread.
const AHEAD: usize = 2;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How a file is cut: where its first line starts (after any byte order mark) and how
/// many regions its length makes.
#[derive(Clone, Copy)]
struct Layout {
    first: u64,
    len: u64,
    regions: u64,
}

impl Layout {
    fn of(file: &File, len: u64) -> io::Result<Layout> {
        let mut head = [0u8; 3];
        let got = read_full(file, &mut head, 0)?;
        let first = if head[..got] == *BOM { 3 } else { 0 };
        let regions = len.saturating_sub(first).div_ceil(REGION);
        Ok(Layout {
            first,
            len,
            regions,
        })
    }

    /// Region `index`'s bytes.
    fn bounds(&self, index: u64) -> (u64, u64) {
        let from = self.first + index * REGION;
        (from, (from + REGION).min(self.len))
    }
}

/// One region's lines, searched. Its buffers are reused from region to region.
#[derive(Default)]
struct Region {
    /// The lines that start in the region are `buf[start..]`, without the last `\n`.
    buf: Vec<u8>,
    start: usize,
    /// How many lines that is (a blank line is a line).
    lines: u64,
    found: Found,
    /// The region's last line was longer than the record cap (and is not in `buf`): its
    /// length.
    too_long: Option<u64>,
    /// Where the reading past the region's end goes.
    more: Vec<u8>,
}

impl Region {
    fn text(&self) -> &[u8] {
        &self.buf[self.start..]
    }
}

/// Reads `file` (its first `len` bytes, its length when opened) into `log` on `workers`
/// threads; `ended` is called after each region, to hand out the runs that have ended.
pub fn scan(
    log: &mut LogReader,
    file: &File,
    len: u64,
    workers: usize,
    ended: &mut dyn FnMut(&mut LogReader) -> io::Result<()>,
) -> io::Result<()> {
    let layout = Layout::of(file, len)?;
    let regions = layout.regions;
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
                    let read = read_region(file, layout, index, &mut region).map(|held| {
                        if held {
                            let Region {
                                buf, start, found, ..
                            } = &mut region;
                            // n separators make n + 1 lines (a last `\n` was taken off).
                            region.lines = search_block(&buf[*start..], found) + 1;
                        }
                        region
                    });
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
                ended(log)?;
            }
            next_line = next_line.saturating_add(region.lines);
            if region.too_long.is_some() {
                log.skipped(1);
                next_line = next_line.saturating_add(1);
            }
            // A worker that has finished takes no buffer back.
            let _ = recycle[slot].send(region);
        }
        Ok(())
    })
}

/// Where the next region's line numbers start, handed from region to region as each is
/// read; `stopped` when the reading ends early, so that no worker waits for ever.
struct Turn {
    region: u64,
    first_line: u64,
    stopped: bool,
}

struct Turns {
    state: Mutex<Turn>,
    changed: Condvar,
}

impl Turns {
    /// Waits for region `index`'s turn: the number of its first line, after which the
    /// next region's start at `lines` more. None once the reading has stopped.
    fn take(&self, index: u64, lines: u64) -> Option<u64> {
        let mut turn = self.state.lock().ok()?;
        while turn.region != index && !turn.stopped {
            turn = self.changed.wait(turn).ok()?;
        }
        if turn.stopped {
            return None;
        }
        let first_line = turn.first_line;
        turn.first_line = first_line.saturating_add(lines);
        turn.region += 1;
        self.changed.notify_all();
        Some(first_line)
    }

    fn stop(&self) {
        if let Ok(mut turn) = self.state.lock() {
            turn.stopped = true;
        }
        self.changed.notify_all();
    }
}

/// One region judged: its records' part and what its Logs API lines showed.
struct Judged<P> {
    part: P,
    log: LogReader,
    result: Result<(), ReadError>,
}

/// Reads a JSON Lines `file` (its first `len` bytes) into `consumer` on `workers` threads.
pub fn json_lines<C: Consumer>(
    name: &str,
    file: &File,
    len: u64,
    workers: usize,
    matcher: &Matcher,
    consumer: &mut C,
    log: &mut LogReader,
) -> Result<(), ReadError> {
    let layout = Layout::of(file, len).map_err(|err| input_error(name, &err))?;
    let regions = layout.regions;
    let workers = workers.max(1);
    let turns = Turns {
        state: Mutex::new(Turn {
            region: 0,
            first_line: 1,
            stopped: false,
        }),
        changed: Condvar::new(),
    };
    let turns = &turns;
    std::thread::scope(|scope| {
        let mut parts = Vec::new();
        let mut judged = Vec::new();
        for worker in 0..workers {
            let (part_tx, part_rx) = mpsc::channel::<C::Part>();
            let (done_tx, done_rx) = mpsc::channel::<Judged<C::Part>>();
            parts.push(part_tx);
            judged.push(done_rx);
            scope.spawn(move || {
                let mut region = Region::default();
                let mut index = worker as u64;
                while index < regions {
                    let Ok(mut part) = part_rx.recv() else {
                        return;
                    };
                    let held = match read_region(file, layout, index, &mut region) {
                        Ok(held) => held,
                        Err(err) => {
                            turns.stop();
                            let result = Err(input_error(name, &err));
                            let log = LogReader::new();
                            let _ = done_tx.send(Judged { part, log, result });
                            return;
                        }
                    };
                    if held {
                        region.lines = count_newlines(region.text()) + 1;
                    }
                    let long = u64::from(region.too_long.is_some());
                    let Some(first_line) = turns.take(index, region.lines + long) else {
                        return;
                    };
                    let mut log = LogReader::new();
                    let result = if held {
                        judge_lines(
                            name,
                            region.text(),
                            first_line,
                            matcher,
                            &mut part,
                            &mut log,
                        )
                    } else {
                        Ok(())
                    };
                    if let Some(length) = region.too_long {
                        part.malformed(name, first_line + region.lines, &over_cap(length));
                    }
                    if done_tx.send(Judged { part, log, result }).is_err() {
                        return;
                    }
                    index += workers as u64;
                }
            });
        }
        let mut sent = 0u64;
        let outcome = (|| {
            while sent < regions && sent < (workers * AHEAD) as u64 {
                let _ = parts[(sent % workers as u64) as usize].send(consumer.part());
                sent += 1;
            }
            for index in 0..regions {
                let slot = (index % workers as u64) as usize;
                let Ok(done) = judged[slot].recv() else {
                    return Err(ReadError::Input(crate::exit::Error::internal(
                        "a reader of the file stopped",
                    )));
                };
                if sent < regions {
                    let _ = parts[(sent % workers as u64) as usize].send(consumer.part());
                    sent += 1;
                }
                done.result?;
                consumer.join(done.part).map_err(ReadError::Output)?;
                log.absorb(done.log);
                if consumer.stopped() {
                    return Ok(());
                }
            }
            Ok(())
        })();
        turns.stop();
        drop(parts);
        outcome
    })
}

/// Reads the lines that start in region `index` (a line starts at the layout's first
/// byte, or after a `\n`), whole, into `region.text()` without the last `\n`. False when
/// no line to hold starts there (`region.lines` is then 0; else it is for the caller to
/// count).
fn read_region(file: &File, layout: Layout, index: u64, region: &mut Region) -> io::Result<bool> {
    let (from, to) = layout.bounds(index);
    let first = layout.first;
    region.start = 0;
    region.lines = 0;
    region.too_long = None;
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
        return Ok(false);
    }
    if !region.buf.ends_with(b"\n") {
        finish_last_line(file, from - before + got as u64, region)?;
    }
    if region.start == region.buf.len() {
        // Only a line too long to hold started here.
        return Ok(false);
    }
    if region.buf.ends_with(b"\n") {
        region.buf.pop();
    }
    Ok(true)
}

/// Reads on from `at`, past the region, to the end of its last line.
fn finish_last_line(file: &File, mut at: u64, region: &mut Region) -> io::Result<()> {
    let text = &region.buf[region.start..];
    let last_start = memchr::memrchr(b'\n', text).map_or(region.start, |i| region.start + i + 1);
    region.more.resize(MORE, 0);
    let mut step = MORE_FIRST;
    loop {
        let n = read_full(file, &mut region.more[..step], at)?;
        step = (step * 2).min(MORE);
        if n == 0 {
            return Ok(());
        }
        at += n as u64;
        let end = memchr::memchr(b'\n', &region.more[..n]);
        match region.too_long.as_mut() {
            Some(length) => *length += end.unwrap_or(n) as u64,
            None => {
                let taken = end.map_or(n, |i| i + 1);
                region.buf.extend_from_slice(&region.more[..taken]);
                let length = region.buf.len() - last_start;
                if length > RECORD_CAP {
                    // Too long to hold: measured and skipped, as the shared reader does.
                    let length = length - usize::from(end.is_some());
                    region.too_long = Some(length as u64);
                    region.buf.truncate(last_start);
                }
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
