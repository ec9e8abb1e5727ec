//! Big files read on every core. The file is cut into regions, handed in order to the
//! one worker pool (`ordered`) with a buffer to read into; a worker reads its region
//! (`pread`, so that copying out of the page cache, most of the cost, is shared and lands
//! in the cache of the core that reads the bytes next), and the results come back in
//! order with their buffers, which the next regions reuse. A region holds every line
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

use std::cell::RefCell;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::{Condvar, Mutex};

use super::emit::{Emit, Render, Scratch};
use super::log::{search_block, Found, LogReader};
use super::ordered::with_pool;
use super::reader::{count_newlines, RECORD_CAP};
use super::records::{input_error, over_cap, Records};
use super::stream::judge_lines;
use crate::exit::Error;
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
    // A worker reads a region into a buffer the reading thread gives back, and searches it.
    let search = |(index, mut region): (u64, Region)| -> io::Result<Region> {
        if read_region(file, layout, index, &mut region)? {
            let Region {
                buf, start, found, ..
            } = &mut region;
            // n separators make n + 1 lines (a last `\n` was taken off).
            region.lines = search_block(&buf[*start..], found) + 1;
        }
        Ok(region)
    };
    with_pool(workers, search, |pool| {
        let mut reading = Scanning {
            log,
            ended,
            next_line: 1,
            spare: Vec::new(),
        };
        for index in 0..layout.regions {
            let buffers = reading.spare.pop().unwrap_or_default();
            if !pool.send((index, buffers)) {
                return Err(io::Error::other("a log reader stopped"));
            }
            pool.drain(pool.ahead(), |region| reading.take(region))?;
        }
        pool.drain(0, |region| reading.take(region))
    })
}

/// The reading thread's side of `scan`: regions taken in order, their lines numbered.
struct Scanning<'a> {
    log: &'a mut LogReader,
    ended: &'a mut dyn FnMut(&mut LogReader) -> io::Result<()>,
    /// Line numbers are known only in order: each region's count from 0 until here.
    next_line: u64,
    /// Buffers of regions read, for the next ones.
    spare: Vec<Region>,
}

impl Scanning<'_> {
    fn take(&mut self, region: io::Result<Region>) -> io::Result<()> {
        let region = region?;
        if region.lines > 0 {
            self.log
                .scan_found(region.text(), self.next_line, &region.found);
            (self.ended)(self.log)?;
        }
        self.next_line = self.next_line.saturating_add(region.lines);
        if region.too_long.is_some() {
            self.log.skipped(1);
            self.next_line = self.next_line.saturating_add(1);
        }
        self.spare.push(region);
        Ok(())
    }
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

/// One region judged: its records' part and what its Logs API lines showed. `stopped`:
/// the reading ended before this region's turn came.
struct Judged<C> {
    /// None when nothing was rendered.
    chunk: Option<C>,
    log: LogReader,
    result: Result<(), Error>,
    stopped: bool,
}

thread_local! {
    /// A worker's buffers for the JSON Lines regions it judges. A region's text is done
    /// with once judged, so each worker keeps one (a buffer travelling with each region
    /// in flight, as the log scan's must, cost 2 MiB more at peak).
    static JUDGED_REGION: RefCell<Region> = RefCell::new(Region::default());
}

/// Reads a JSON Lines `file` (its first `len` bytes) into `out` on `workers` threads.
pub fn json_lines<R: Render>(
    name: &str,
    file: &File,
    len: u64,
    workers: usize,
    matcher: &Matcher,
    out: &mut Emit<'_, R>,
    log: &mut LogReader,
) -> Result<(), Error> {
    let layout = Layout::of(file, len).map_err(|err| input_error(name, &err))?;
    let turns = Turns {
        state: Mutex::new(Turn {
            region: 0,
            first_line: 1,
            stopped: false,
        }),
        changed: Condvar::new(),
    };
    let turns = &turns;
    let regions = JsonRegions {
        name,
        file,
        layout,
        turns,
        matcher,
    };
    let judge = |(index, part): (u64, Scratch<'_, R>)| {
        JUDGED_REGION.with(|region| match region.try_borrow_mut() {
            Ok(mut region) => regions.judge(index, part, &mut region),
            // Only this function borrows it, once per call: never reached.
            Err(_) => Judged {
                chunk: part.into_chunk(),
                log: LogReader::new(),
                result: Err(stopped_reader()),
                stopped: false,
            },
        })
    };
    let outcome = with_pool(workers, judge, |pool| {
        let ended = (|| {
            for index in 0..layout.regions {
                if !pool.send((index, out.part())) {
                    return Err(Some(stopped_reader()));
                }
                pool.drain(pool.ahead(), |done| join_region(done, out, log))?;
            }
            pool.drain(0, |done| join_region(done, out, log))
        })();
        // No worker waits for a turn that will not come.
        turns.stop();
        ended
    });
    match outcome {
        Ok(()) | Err(None) => Ok(()),
        Err(Some(err)) => Err(err),
    }
}

/// What a worker judging a JSON Lines file's regions needs of the file.
struct JsonRegions<'a> {
    name: &'a str,
    file: &'a File,
    layout: Layout,
    turns: &'a Turns,
    matcher: &'a Matcher,
}

impl JsonRegions<'_> {
    /// Reads region `index`, counts its lines, waits for the region before to have
    /// counted its own (so that its line numbers are known), and judges its records.
    fn judge<R: Render>(
        &self,
        index: u64,
        mut part: Scratch<'_, R>,
        region: &mut Region,
    ) -> Judged<R::Chunk> {
        let held = match read_region(self.file, self.layout, index, region) {
            Ok(held) => held,
            Err(err) => {
                self.turns.stop();
                let result = Err(input_error(self.name, &err));
                let log = LogReader::new();
                return Judged {
                    chunk: part.into_chunk(),
                    log,
                    result,
                    stopped: false,
                };
            }
        };
        if held {
            region.lines = count_newlines(region.text()) + 1;
        }
        let long = u64::from(region.too_long.is_some());
        let mut log = LogReader::new();
        let Some(first_line) = self.turns.take(index, region.lines + long) else {
            return Judged {
                chunk: part.into_chunk(),
                log,
                result: Ok(()),
                stopped: true,
            };
        };
        if held {
            judge_lines(
                self.name,
                region.text(),
                first_line,
                self.matcher,
                &mut part,
                &mut log,
            );
        }
        if let Some(length) = region.too_long {
            part.malformed(self.name, first_line + region.lines, &over_cap(length));
        }
        Judged {
            chunk: part.into_chunk(),
            log,
            result: Ok(()),
            stopped: false,
        }
    }
}

/// A region judged, joined in its turn. `Err(None)`: the command wants no more.
fn join_region<R: Render>(
    done: Judged<R::Chunk>,
    out: &mut Emit<'_, R>,
    log: &mut LogReader,
) -> Result<(), Option<Error>> {
    if done.stopped {
        return Err(Some(stopped_reader()));
    }
    done.result.map_err(Some)?;
    out.join(done.chunk);
    log.absorb(done.log);
    if out.stopped() {
        return Err(None);
    }
    Ok(())
}

fn stopped_reader() -> Error {
    Error::internal("a reader of the file stopped")
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
