//! Long JSON Lines streams on every core. The reading thread cuts the input into blocks of
//! whole lines; workers parse and judge them into parts (rendered output, counts); the
//! reading thread joins the parts back in input order. Memory stays bounded: a few blocks
//! are in flight at a time.

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::sync::mpsc;

use crate::catalog::Catalog;
use crate::input::{input_error, json_line, json_text, over_cap, Consumer, ReadError, RECORD_CAP};
use crate::log::LogReader;

/// A block is dispatched once it holds this much; small enough that the blocks in flight
/// stay well under a couple of MiB.
const BLOCK: usize = 128 * 1024;

struct Job<P> {
    seq: u64,
    block: Vec<u8>,
    first_line: u64,
    part: P,
}

struct Done<P> {
    seq: u64,
    /// The block's buffer, handed back for reuse.
    block: Vec<u8>,
    part: P,
    log: LogReader,
    result: Result<(), ReadError>,
}

fn workers() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
}

/// Reads the rest of a JSON Lines input whose first line is `first_line`.
pub fn json_lines<R: Read, C: Consumer>(
    name: &str,
    mut reader: R,
    first_line: u64,
    catalog: &Catalog,
    consumer: &mut C,
    log: &mut LogReader,
) -> Result<(), ReadError> {
    let mut reader = BlockReader::new(&mut reader, first_line);
    // The first block is read on this thread: short inputs never pay for threads.
    let Some((first_line, block)) = reader.next_block(name, consumer, None)? else {
        return Ok(());
    };
    run_block(name, &block, first_line, catalog, consumer, log)?;
    if consumer.stopped() {
        return Ok(());
    }
    let Some(first) = reader.next_block(name, consumer, Some(block))? else {
        return Ok(());
    };
    let count = workers();
    // One queue that every worker takes from, so a slow block never idles the others.
    let (work_tx, work_rx) = mpsc::sync_channel::<Job<C::Part>>(count);
    let work_rx = std::sync::Mutex::new(work_rx);
    std::thread::scope(|scope| {
        let (done_tx, done_rx) = mpsc::channel::<Done<C::Part>>();
        let work_rx = &work_rx;
        for _ in 0..count {
            let done_tx = done_tx.clone();
            scope.spawn(move || loop {
                let job = match work_rx.lock() {
                    Ok(queue) => queue.recv(),
                    Err(_) => break,
                };
                let Ok(mut job) = job else {
                    break;
                };
                let mut log = LogReader::new();
                let result = run_block(
                    name,
                    &job.block,
                    job.first_line,
                    catalog,
                    &mut job.part,
                    &mut log,
                );
                let done = Done {
                    seq: job.seq,
                    block: job.block,
                    part: job.part,
                    log,
                    result,
                };
                if done_tx.send(done).is_err() {
                    break;
                }
            });
        }
        drop(done_tx);
        let mut joiner = Joiner {
            next: 0,
            waiting: BTreeMap::new(),
            in_flight: 0,
            free: Vec::new(),
        };
        let mut seq = 0;
        let mut pending = Some(first);
        let outcome = loop {
            let (first_line, block) = match pending.take() {
                Some(block) => block,
                None => {
                    if reader.slow {
                        // The input is pausing: show everything read so far first.
                        if let Err(err) = joiner.drain(&done_rx, consumer, log, 0) {
                            break Err(err);
                        }
                        if let Err(err) = consumer.idle() {
                            break Err(ReadError::Output(err));
                        }
                    }
                    match reader.next_block(name, consumer, joiner.free.pop()) {
                        Ok(Some(block)) => block,
                        Ok(None) => break Ok(()),
                        Err(err) => break Err(err),
                    }
                }
            };
            if consumer.stopped() {
                break Ok(());
            }
            let job = Job {
                seq,
                block,
                first_line,
                part: consumer.part(),
            };
            seq += 1;
            if work_tx.send(job).is_err() {
                break Ok(());
            }
            joiner.in_flight += 1;
            if let Err(err) = joiner.drain(&done_rx, consumer, log, 2 * count) {
                break Err(err);
            }
        };
        drop(work_tx);
        let finished = joiner.drain(&done_rx, consumer, log, 0);
        outcome.and(finished)
    })
}

/// Joins finished parts in input order, waiting while more than `keep` are in flight.
struct Joiner<P> {
    next: u64,
    waiting: BTreeMap<u64, (P, LogReader, Result<(), ReadError>)>,
    in_flight: usize,
    /// Buffers of finished blocks, reused so that a long stream allocates nothing.
    free: Vec<Vec<u8>>,
}

impl<P> Joiner<P> {
    fn drain<C: Consumer<Part = P>>(
        &mut self,
        done: &mpsc::Receiver<Done<P>>,
        consumer: &mut C,
        log: &mut LogReader,
        keep: usize,
    ) -> Result<(), ReadError> {
        loop {
            let received = if self.in_flight > keep {
                match done.recv() {
                    Ok(done) => Some(done),
                    Err(_) => return Ok(()),
                }
            } else {
                done.try_recv().ok()
            };
            let Some(done) = received else {
                return Ok(());
            };
            self.free.push(done.block);
            self.waiting
                .insert(done.seq, (done.part, done.log, done.result));
            while let Some((part, part_log, result)) = self.waiting.remove(&self.next) {
                self.next += 1;
                self.in_flight -= 1;
                result?;
                consumer.join(part)?;
                log.absorb(part_log);
            }
        }
    }
}

fn run_block<P: crate::input::Records>(
    name: &str,
    block: &[u8],
    first_line: u64,
    catalog: &Catalog,
    part: &mut P,
    log: &mut LogReader,
) -> Result<(), ReadError> {
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
            json_text(name, line, line_no, catalog, part, log)?;
        }
        return Ok(());
    }
    for (line_no, line) in (first_line..).zip(block.split(|&b| b == b'\n')) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        json_line(name, line, line_no, catalog, part, log)?;
    }
    Ok(())
}

/// Cuts the input into blocks of whole lines, numbering them; a line over the record cap
/// is reported and skipped without being kept.
struct BlockReader<'r, R> {
    reader: &'r mut R,
    carry: Vec<u8>,
    next_line: u64,
    eof: bool,
    /// The last read returned less than asked: the input is arriving slowly.
    slow: bool,
    /// Bytes of an over-long line dropped so far.
    skipping: Option<u64>,
}

impl<'r, R: Read> BlockReader<'r, R> {
    fn new(reader: &'r mut R, first_line: u64) -> Self {
        BlockReader {
            reader,
            carry: Vec::new(),
            next_line: first_line,
            eof: false,
            slow: false,
            skipping: None,
        }
    }

    /// The next block of whole lines and the number of its first line, filled into
    /// `buffer` when one is given for reuse.
    fn next_block<C: Consumer>(
        &mut self,
        name: &str,
        consumer: &mut C,
        buffer: Option<Vec<u8>>,
    ) -> Result<Option<(u64, Vec<u8>)>, ReadError> {
        // `block[..filled]` holds input; bytes past it are scratch that reads overwrite, so a
        // reused buffer is not zeroed again for every read.
        let mut block = buffer.unwrap_or_default();
        let mut filled = self.carry.len();
        if block.len() < filled {
            block.resize(filled, 0);
        }
        block[..filled].copy_from_slice(&self.carry);
        self.carry.clear();
        // Only bytes not searched yet are searched, so a long line costs linear time.
        let mut searched = 0;
        let mut complete = None;
        loop {
            if let Some(skipped) = self.skipping {
                if let Some(at) = memchr::memchr(b'\n', &block[..filled]) {
                    consumer.malformed(name, self.next_line, &over_cap(skipped + at as u64));
                    self.next_line += 1;
                    self.skipping = None;
                    block.copy_within(at + 1..filled, 0);
                    filled -= at + 1;
                } else {
                    self.skipping = Some(skipped + filled as u64);
                    filled = 0;
                }
                searched = 0;
                complete = None;
            }
            if let Some(at) = memchr::memrchr(b'\n', &block[searched..filled]) {
                complete = Some(searched + at);
            }
            searched = filled;
            let enough = filled >= BLOCK || self.slow || self.eof;
            if self.eof || (enough && complete.is_some()) {
                let cut = if self.eof {
                    filled
                } else {
                    complete.map_or(0, |at| at + 1)
                };
                self.carry.extend_from_slice(&block[cut..filled]);
                block.truncate(cut);
                if block.is_empty() {
                    if self.eof {
                        if let Some(skipped) = self.skipping.take() {
                            consumer.malformed(name, self.next_line, &over_cap(skipped));
                        }
                        return Ok(None);
                    }
                    filled = 0;
                } else {
                    // A final line without `\n` is still a line.
                    let lines = memchr::memchr_iter(b'\n', &block).count() as u64;
                    let first = self.next_line;
                    self.next_line += lines;
                    if block.last() == Some(&b'\n') {
                        block.pop();
                    } else {
                        self.next_line += 1;
                    }
                    return Ok(Some((first, block)));
                }
            }
            if complete.is_none() && filled > RECORD_CAP {
                self.skipping = Some(filled as u64);
                filled = 0;
                searched = 0;
            }
            // Reading may block: let what is already written be seen.
            consumer.idle()?;
            if block.len() < filled + BLOCK {
                block.resize(filled + BLOCK, 0);
            }
            let n = loop {
                match self.reader.read(&mut block[filled..filled + BLOCK]) {
                    Ok(n) => break n,
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                    Err(err) => return Err(input_error(name, &err)),
                }
            };
            filled += n;
            self.eof = n == 0;
            self.slow = n > 0 && n < BLOCK / 4;
        }
    }
}
