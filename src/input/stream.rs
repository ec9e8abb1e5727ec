//! Long JSON Lines streams on every core. The reading thread takes blocks of whole lines
//! from the shared reader; workers parse and judge them into parts (rendered output,
//! counts); the reading thread joins the parts back in input order. Memory stays bounded:
//! a few blocks are in flight at a time.

use std::io::Read;

use super::emit::{Emit, Render, Scratch};
use super::log::LogReader;
use super::reader::{split_lines, trim_cr, Reader};
use super::records::{input_error, json_text, json_value, not_utf8, over_cap, Records};
use crate::exit::Error;
use crate::reason::Matcher;

/// What a worker judges: a block of whole JSON Lines (no `pieces`), or a document's
/// records, each a slice of `block` at its place in the input.
pub struct Work {
    pub block: Vec<u8>,
    pub first_line: u64,
    pub pieces: Vec<Piece>,
    /// Lines over the record cap met before the block (number, length), reported with it
    /// so that they stand in their place among the other reports.
    pub skipped: Vec<(u64, u64)>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Piece {
    Value {
        start: usize,
        end: usize,
        line: u64,
        column: u64,
    },
    /// Something the splitter itself found wrong, reported in its place.
    Malformed { line: u64, what: String },
}

/// Where blocks come from: JSON Lines cut by the reader, or a document's splitter.
pub trait Source {
    /// The next block, built in `buffer` (a finished block's, for reuse); None at the end.
    fn next<R: Render>(
        &mut self,
        out: &mut Emit<'_, R>,
        buffer: Vec<u8>,
    ) -> Result<Option<Work>, Error>;
    /// The input is pausing (a pipe from a live crawl): show what is done first.
    fn is_slow(&self) -> bool;
}

struct Job<'r, R: Render> {
    work: Work,
    part: Scratch<'r, R>,
}

struct Done<C> {
    /// The block's buffer, handed back for reuse.
    block: Vec<u8>,
    /// None when nothing was rendered.
    chunk: Option<C>,
    log: LogReader,
}

/// How many threads judge at once: one per core, up to 8. Asked once per process: the
/// answer takes a handful of system calls (affinity, cgroup quota files), too many to pay
/// for each of ten thousand small files.
pub fn workers() -> usize {
    static WORKERS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *WORKERS.get_or_init(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 8)
    })
}

/// Reads a JSON Lines input whose format was told from its first lines.
pub fn json_lines<I: Read, R: Render>(
    name: &str,
    reader: &mut Reader<I>,
    matcher: &Matcher,
    out: &mut Emit<'_, R>,
    log: &mut LogReader,
) -> Result<(), Error> {
    in_parallel(name, matcher, out, log, &mut Blocks { reader, name })
}

/// Judges the blocks of a source on every core, joining their chunks in input order.
pub fn in_parallel<R: Render, S: Source>(
    name: &str,
    matcher: &Matcher,
    out: &mut Emit<'_, R>,
    log: &mut LogReader,
    source: &mut S,
) -> Result<(), Error> {
    // The first block is judged on this thread: short inputs never pay for threads.
    let Some(work) = source.next(out, Vec::new())? else {
        return Ok(());
    };
    run_block(name, &work, matcher, out, log);
    if out.stopped() {
        return Ok(());
    }
    let Some(first) = source.next(out, work.block)? else {
        return Ok(());
    };
    if super::ordered::inside_pool() {
        // A worker of a pool already (a small file among many): no pool inside it.
        let mut work = first;
        loop {
            if out.stopped() {
                return Ok(());
            }
            run_block(name, &work, matcher, out, log);
            match source.next(out, work.block)? {
                Some(next) => work = next,
                None => return Ok(()),
            }
        }
    }
    let count = workers();
    let judge = |mut job: Job<'_, R>| {
        let mut log = LogReader::new();
        run_block(name, &job.work, matcher, &mut job.part, &mut log);
        Done {
            block: job.work.block,
            chunk: job.part.into_chunk(),
            log,
        }
    };
    super::ordered::with_pool(count, judge, |pool| {
        // Buffers of finished blocks, reused so that a long stream allocates nothing.
        let mut free: Vec<Vec<u8>> = Vec::new();
        // Joining cannot fail: the chunk goes on to the command, whose output is its own.
        let join = |done: Done<R::Chunk>,
                    out: &mut Emit<'_, R>,
                    log: &mut LogReader,
                    free: &mut Vec<Vec<u8>>|
         -> Result<(), std::convert::Infallible> {
            free.push(done.block);
            out.join(done.chunk);
            log.absorb(done.log);
            Ok(())
        };
        let mut pending = Some(first);
        let outcome = loop {
            let work = match pending.take() {
                Some(work) => work,
                None => {
                    if source.is_slow() {
                        // The input is pausing: show everything read so far first.
                        let Ok(()) = pool.drain(0, |done| join(done, out, log, &mut free));
                        let _ = out.idle();
                    }
                    match source.next(out, free.pop().unwrap_or_default()) {
                        Ok(Some(work)) => work,
                        Ok(None) => break Ok(()),
                        Err(err) => break Err(err),
                    }
                }
            };
            if out.stopped() {
                break Ok(());
            }
            let job = Job {
                work,
                part: out.part(),
            };
            if !pool.send(job) {
                break Ok(());
            }
            let Ok(()) = pool.drain(pool.ahead(), |done| join(done, out, log, &mut free));
        };
        // Whatever ended the reading, what was judged is joined.
        let Ok(()) = pool.drain(0, |done| join(done, out, log, &mut free));
        outcome
    })
}

fn run_block(
    name: &str,
    work: &Work,
    matcher: &Matcher,
    part: &mut dyn Records,
    log: &mut LogReader,
) {
    let (block, first_line) = (work.block.as_slice(), work.first_line);
    for &(line, length) in &work.skipped {
        part.malformed(name, line, &over_cap(length));
    }
    if block.is_empty() && !work.skipped.is_empty() {
        // Only long lines were left at the end of the input.
        return;
    }
    if !work.pieces.is_empty() {
        for piece in &work.pieces {
            match piece {
                Piece::Value {
                    start,
                    end,
                    line,
                    column,
                } => json_value(
                    name,
                    &block[*start..*end],
                    *line,
                    *column,
                    matcher,
                    part,
                    log,
                ),
                Piece::Malformed { line, what } => part.malformed(name, *line, what),
            }
        }
        return;
    }
    judge_lines(name, block, first_line, matcher, part, log)
}

/// Judges a block of JSON Lines (without its last `\n`), the first numbered `first_line`.
pub(super) fn judge_lines(
    name: &str,
    block: &[u8],
    first_line: u64,
    matcher: &Matcher,
    part: &mut dyn Records,
    log: &mut LogReader,
) {
    // One UTF-8 check for the whole block; lines are checked one by one only if it fails,
    // so that a bad line is reported alone.
    if let Ok(text) = std::str::from_utf8(block) {
        // memchr finds line ends much faster than `str::split`; `\n` is ASCII, so every
        // cut falls on a character boundary.
        let ends = memchr::memchr_iter(b'\n', block).chain(std::iter::once(block.len()));
        let mut start = 0;
        for (line_no, end) in (first_line..).zip(ends) {
            let line = &text[start..end];
            start = end + 1;
            let line = line.strip_suffix('\r').unwrap_or(line);
            json_text(name, line, line_no, 1, matcher, part, log);
        }
        return;
    }
    for (line_no, line) in (first_line..).zip(split_lines(block)) {
        let line = trim_cr(line);
        match std::str::from_utf8(line) {
            Ok(_) => json_value(name, line, line_no, 1, matcher, part, log),
            Err(err) => part.malformed(name, line_no, &not_utf8(&err)),
        }
    }
}

/// Blocks of whole lines copied out of the shared reader into buffers that are handed to
/// workers and reused; lines over the record cap are reported and left out.
struct Blocks<'r, 'n, R> {
    reader: &'r mut Reader<R>,
    name: &'n str,
}

/// A block is dispatched once it holds this much; small enough that the blocks in flight
/// stay well under a couple of MiB.
pub const BLOCK: usize = 128 * 1024;

impl<I: Read> Source for Blocks<'_, '_, I> {
    fn is_slow(&self) -> bool {
        self.reader.is_slow()
    }

    fn next<R: Render>(
        &mut self,
        out: &mut Emit<'_, R>,
        mut buffer: Vec<u8>,
    ) -> Result<Option<Work>, Error> {
        let name = self.name;
        let mut too_long = Vec::new();
        let block = {
            let (out, too_long_ref) = (&mut *out, &mut too_long);
            let mut idle = || out.idle();
            self.reader
                .next_block(BLOCK, &mut idle, &mut |line, length| {
                    too_long_ref.push((line, length))
                })
                .map_err(|err| input_error(name, &err))?
                .map(|block| {
                    buffer.clear();
                    buffer.extend_from_slice(block.text);
                    block.first_line
                })
        };
        // Long lines at the very end still go out with a block, empty, to keep their place.
        let block = block.or_else(|| {
            (!too_long.is_empty()).then(|| {
                buffer.clear();
                0
            })
        });
        Ok(block.map(|first_line| Work {
            block: buffer,
            first_line,
            pieces: Vec::new(),
            skipped: too_long,
        }))
    }
}
