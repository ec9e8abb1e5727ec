//! How what the readers find reaches a command. A command gives one render function
//! (`Render`): each record judged, malformed line or skipped input goes through it into a
//! chunk of output, on whichever thread read it. The chunks come back in input order, with
//! the input's pauses and failures in their places, as an iterator the command consumes
//! on its own thread (`pipeline`) while the input is read on another.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

use super::records::Records;
use crate::exit::Error;
use crate::report::Report;

/// One thing read, as a command's render function gets it.
pub enum Event<'a> {
    Report(Report<'a>),
    /// A record that could not be read; the run goes on.
    Malformed {
        source: &'a str,
        line: u64,
        what: &'a str,
    },
    /// An input that holds neither a log nor job records (an item feed beside the logs):
    /// skipped whole, said once.
    Skipped {
        source: &'a str,
        what: &'a str,
    },
}

impl Event<'_> {
    /// What a problem says on stderr, the same for every command: none for a report.
    pub fn said(&self) -> Option<String> {
        match self {
            Event::Report(_) => None,
            Event::Malformed { source, line, what } => {
                Some(format!("{source}: line {line}: {what}"))
            }
            Event::Skipped { source, what } => Some(format!("{source}: {what}; skipped")),
        }
    }
}

/// What a command gives the readers: a blank chunk of its output, and the one function
/// that renders what was read into a chunk. Both run on the reading thread and on the
/// workers alike.
pub trait Render: Sync {
    type Chunk: Send;
    fn chunk(&self) -> Self::Chunk;
    fn render(&self, chunk: &mut Self::Chunk, event: Event<'_>);
    /// The bytes a chunk holds, as far as they grow with the input: what bounds the
    /// chunks waiting for the command (`OUTPUT_IN_FLIGHT`).
    fn weight(&self, chunk: &Self::Chunk) -> usize;
    /// Whether every fact of a record is wanted, or only what decides its verdict.
    fn detail(&self) -> bool;
}

/// What a command takes from the readers, in input order.
pub enum Out<C> {
    Chunk(C),
    /// Nothing more has come yet (the input is pausing, a pipe from a live crawl, or the
    /// workers are busy): a good moment to show what has.
    Idle,
    /// A source that could not be read, in its place among the others, which are still
    /// read.
    Failed(Error),
}

/// Events rendered on the reading thread go out in chunks of at most so many, so that a
/// long input read there (bare reasons) never gathers its whole output.
const CHUNK_EVENTS: usize = 128;
/// Chunks on their way to the command at most, and their weight at most (one chunk goes
/// however heavy): room for a document's many small chunks, so that its splitter never
/// waits for the writing thread, and for two of a big file's large ones (a 512 KiB
/// region's lines are about 90 KiB), so that the reading thread hands the next on while
/// the command writes one, instead of waiting for the command to be woken.
const CHUNKS_IN_FLIGHT: usize = 16;
const OUTPUT_IN_FLIGHT: usize = 192 * 1024;

/// The weight of the chunks on their way to the command, and whether it has gone.
struct Flight {
    load: Mutex<Load>,
    taken: Condvar,
    gone: AtomicBool,
}

struct Load {
    weight: usize,
    /// Whether the reader waits for room: only then is it woken (a wake is a system
    /// call, and a stream lands thousands of chunks).
    waiting: bool,
}

impl Flight {
    fn new() -> Self {
        Flight {
            load: Mutex::new(Load {
                weight: 0,
                waiting: false,
            }),
            taken: Condvar::new(),
            gone: AtomicBool::new(false),
        }
    }

    /// Waits until a chunk of `weight` fits, then counts it in.
    fn board(&self, weight: usize) {
        let Ok(mut load) = self.load.lock() else {
            return;
        };
        while load.weight > 0
            && load.weight.saturating_add(weight) > OUTPUT_IN_FLIGHT
            && !self.gone.load(Ordering::Relaxed)
        {
            load.waiting = true;
            load = match self.taken.wait(load) {
                Ok(load) => load,
                Err(_) => return,
            };
        }
        load.waiting = false;
        load.weight = load.weight.saturating_add(weight);
    }

    fn landed(&self, weight: usize) {
        let Ok(mut load) = self.load.lock() else {
            return;
        };
        load.weight = load.weight.saturating_sub(weight);
        if load.waiting {
            load.waiting = false;
            drop(load);
            self.taken.notify_all();
        }
    }

    fn leave(&self) {
        // Under the lock, so that a reader about to wait sees it.
        let held = self.load.lock();
        self.gone.store(true, Ordering::Relaxed);
        drop(held);
        self.taken.notify_all();
    }
}

/// Where readers put what they find: rendered into the current chunk, and chunks (the
/// reading thread's own and the workers', in their order) sent on to the command, or
/// collected (on a worker reading a batch of files, or for a small input read in place).
pub struct Emit<'r, R: Render> {
    render: &'r R,
    /// Made at the first event after the last one went out: a blank chunk may hold a
    /// big buffer (a spare one), not to be kept idle.
    chunk: Option<R::Chunk>,
    /// Events in `chunk` so far.
    events: usize,
    to: To<'r, R::Chunk>,
}

enum To<'r, C> {
    Command {
        /// Each with its weight.
        chunks: mpsc::SyncSender<(Out<C>, usize)>,
        /// Whether the command has stopped taking chunks (its output closed, or failed).
        flight: &'r Flight,
    },
    Collected(Vec<Out<C>>),
}

/// A chunk rendered on a worker, joined back with `Emit::join`. Made at its first event,
/// not when the work is handed out: work waiting for a worker holds no output buffer.
pub struct Scratch<'r, R: Render> {
    render: &'r R,
    chunk: Option<R::Chunk>,
}

impl<R: Render> Scratch<'_, R> {
    /// What was rendered; None if nothing was.
    pub fn into_chunk(self) -> Option<R::Chunk> {
        self.chunk
    }

    fn add(&mut self, event: Event<'_>) {
        let render = self.render;
        let chunk = self.chunk.get_or_insert_with(|| render.chunk());
        render.render(chunk, event);
    }
}

impl<'r, R: Render> Emit<'r, R> {
    /// An `Emit` that keeps what it is given, for `collected`: reading on a worker (a
    /// batch of small files), or where nothing is shown.
    pub fn collecting(render: &'r R) -> Self {
        Emit::new(render, To::Collected(Vec::new()))
    }

    fn new(render: &'r R, to: To<'r, R::Chunk>) -> Self {
        Emit {
            render,
            chunk: None,
            events: 0,
            to,
        }
    }

    /// Everything given, in order, once reading is done.
    pub fn collected(mut self) -> Vec<Out<R::Chunk>> {
        self.send_chunk();
        match self.to {
            To::Collected(outs) => outs,
            To::Command { .. } => Vec::new(),
        }
    }

    fn send(&mut self, out: Out<R::Chunk>) {
        match &mut self.to {
            To::Command { chunks, flight } => {
                let weight = match &out {
                    Out::Chunk(chunk) => self.render.weight(chunk),
                    Out::Idle | Out::Failed(_) => 0,
                };
                flight.board(weight);
                if chunks.send((out, weight)).is_err() {
                    flight.gone.store(true, Ordering::Relaxed);
                }
            }
            To::Collected(outs) => outs.push(out),
        }
    }

    /// The current chunk goes out, if it holds anything.
    fn send_chunk(&mut self) {
        self.events = 0;
        if let Some(chunk) = self.chunk.take() {
            self.send(Out::Chunk(chunk));
        }
    }

    fn add(&mut self, event: Event<'_>) {
        let render = self.render;
        let chunk = self.chunk.get_or_insert_with(|| render.chunk());
        render.render(chunk, event);
        self.events += 1;
        if self.events >= CHUNK_EVENTS {
            self.send_chunk();
        }
    }

    /// A problem is said in its place: after the reports before it, before those after.
    fn add_problem(&mut self, event: Event<'_>) {
        self.add(event);
        self.send_chunk();
    }

    /// The input may block: what is done goes out first, so that a command waiting for
    /// more shows it meanwhile. (The reader's `idle` hook; it cannot fail.)
    pub fn idle(&mut self) -> io::Result<()> {
        self.send_chunk();
        Ok(())
    }

    /// Where a worker renders.
    pub fn part(&self) -> Scratch<'r, R> {
        Scratch {
            render: self.render,
            chunk: None,
        }
    }

    /// A worker's chunk, in its place: after everything given before it.
    pub fn join(&mut self, chunk: Option<R::Chunk>) {
        if let Some(chunk) = chunk {
            self.send_chunk();
            self.send(Out::Chunk(chunk));
        }
    }

    /// A source that could not be read, in its place.
    pub fn fail(&mut self, error: Error) {
        self.send_chunk();
        self.send(Out::Failed(error));
    }

    /// What a worker collected, in its place.
    pub fn forward(&mut self, outs: Vec<Out<R::Chunk>>) {
        self.send_chunk();
        for out in outs {
            self.send(out);
        }
    }

    pub fn render(&self) -> &'r R {
        self.render
    }

    /// Whether the command takes no more (its output closed): reading can stop.
    pub fn stopped(&self) -> bool {
        match &self.to {
            To::Command { flight, .. } => flight.gone.load(Ordering::Relaxed),
            To::Collected(_) => false,
        }
    }
}

impl<R: Render> Records for Emit<'_, R> {
    fn report(&mut self, report: Report<'_>) {
        self.add(Event::Report(report));
    }

    fn malformed(&mut self, source: &str, line: u64, what: &str) {
        self.add_problem(Event::Malformed { source, line, what });
    }

    fn skipped(&mut self, source: &str, what: &str) {
        self.add_problem(Event::Skipped { source, what });
    }

    fn stopped(&self) -> bool {
        Emit::stopped(self)
    }

    fn detail(&self) -> bool {
        self.render.detail()
    }
}

impl<R: Render> Records for Scratch<'_, R> {
    fn report(&mut self, report: Report<'_>) {
        self.add(Event::Report(report));
    }

    fn malformed(&mut self, source: &str, line: u64, what: &str) {
        self.add(Event::Malformed { source, line, what });
    }

    fn skipped(&mut self, source: &str, what: &str) {
        self.add(Event::Skipped { source, what });
    }

    fn detail(&self) -> bool {
        self.render.detail()
    }
}

/// The chunks of a read, in input order, as they come, and `Out::Idle` each time none
/// is waiting before it waits. Dropping it tells the readers to stop.
pub struct Chunks<'g, C> {
    from: From<'g, C>,
    /// Whether `Idle` was the last thing given: the next call waits.
    idle: bool,
}

enum From<'g, C> {
    Reader {
        chunks: mpsc::Receiver<(Out<C>, usize)>,
        flight: &'g Flight,
    },
    /// A read done already, in place.
    Done(std::vec::IntoIter<Out<C>>),
}

impl<C> Iterator for Chunks<'_, C> {
    type Item = Out<C>;

    fn next(&mut self) -> Option<Out<C>> {
        let (chunks, flight) = match &mut self.from {
            From::Reader { chunks, flight } => (chunks, *flight),
            From::Done(outs) => return outs.next(),
        };
        let received = if std::mem::take(&mut self.idle) {
            chunks.recv().ok()
        } else {
            match chunks.try_recv() {
                Ok(received) => Some(received),
                Err(mpsc::TryRecvError::Disconnected) => None,
                Err(mpsc::TryRecvError::Empty) => {
                    self.idle = true;
                    return Some(Out::Idle);
                }
            }
        };
        let (out, weight) = received?;
        flight.landed(weight);
        Some(out)
    }
}

impl<C> Drop for Chunks<'_, C> {
    fn drop(&mut self) {
        if let From::Reader { flight, .. } = &self.from {
            flight.leave();
        }
    }
}

/// What `pipeline` does for an input known to be small (a few regular files): read whole
/// first, on this thread, then consumed. A thread to read it on would cost more than the
/// read (a tenth of the time of a small log).
pub fn in_place<R: Render, T>(
    render: &R,
    read: impl FnOnce(&mut Emit<'_, R>) -> Result<(), Error>,
    consume: impl FnOnce(Chunks<'_, R::Chunk>) -> Result<T, Error>,
) -> Result<T, Error> {
    let mut emit = Emit::collecting(render);
    let read = read(&mut emit);
    let chunks = Chunks {
        from: From::Done(emit.collected().into_iter()),
        idle: false,
    };
    let value = consume(chunks)?;
    read.map(|()| value)
}

/// Reads with `read` on a thread of its own while `consume` takes the chunks it gives
/// on this one, in order. `consume`'s failure (the output's) comes first, then the
/// reader's. When `consume` returns early, the readers are told to stop.
pub fn pipeline<R: Render, T>(
    render: &R,
    read: impl FnOnce(&mut Emit<'_, R>) -> Result<(), Error> + Send,
    consume: impl FnOnce(Chunks<'_, R::Chunk>) -> Result<T, Error>,
) -> Result<T, Error> {
    let flight = Flight::new();
    let (sender, receiver) = mpsc::sync_channel(CHUNKS_IN_FLIGHT);
    std::thread::scope(|scope| {
        let flight = &flight;
        let reader = std::thread::Builder::new()
            .name("reader".to_string())
            // The default stack, as the workers': every parser on it bounds its depth.
            // (An 8 MiB one cost 0.35 MiB more at peak, for nothing.)
            .spawn_scoped(scope, move || {
                let to = To::Command {
                    chunks: sender,
                    flight,
                };
                let mut emit = Emit::new(render, to);
                let result = read(&mut emit);
                emit.send_chunk();
                result
            })
            .map_err(|err| Error::internal(format!("cannot start a thread to read: {err}")))?;
        let consumed = consume(Chunks {
            from: From::Reader {
                chunks: receiver,
                flight,
            },
            idle: false,
        });
        let read = match reader.join() {
            Ok(read) => read,
            // A bug: the panic has been said; end as it would have on this thread.
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let value = consumed?;
        read.map(|()| value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders reports as their outcome's number, problems as `!`.
    struct Marks;

    impl Render for Marks {
        type Chunk = String;
        fn chunk(&self) -> String {
            String::new()
        }
        fn render(&self, chunk: &mut String, event: Event<'_>) {
            match event {
                Event::Report(report) => chunk.push_str(&report.found.entry.to_string()),
                Event::Malformed { line, .. } => chunk.push_str(&format!("!{line}")),
                Event::Skipped { .. } => chunk.push('~'),
            }
        }
        fn weight(&self, chunk: &String) -> usize {
            chunk.len()
        }
        fn detail(&self) -> bool {
            false
        }
    }

    fn report() -> Report<'static> {
        let matcher = crate::reason::Matcher::new(
            crate::catalog::Catalog::builtin().expect("the built-in catalog"),
        );
        crate::judge::reason(&matcher, "finished".into())
    }

    fn shown(outs: Vec<Out<String>>) -> Vec<String> {
        outs.into_iter()
            .map(|out| match out {
                Out::Chunk(chunk) => chunk,
                Out::Idle => "|".to_string(),
                Out::Failed(error) => format!("failed: {}", error.message),
            })
            .collect()
    }

    #[test]
    fn problems_and_failures_end_a_chunk_and_keep_their_place() {
        let entry = report().found.entry.to_string();
        let mut emit = Emit::collecting(&Marks);
        emit.report(report());
        emit.malformed("x", 2, "bad");
        emit.report(report());
        emit.idle().expect("idle");
        emit.idle().expect("idle");
        emit.report(report());
        let mut worker = emit.part();
        worker.report(report());
        emit.report(report());
        emit.join(worker.into_chunk());
        emit.fail(Error::no_input("gone"));
        assert_eq!(
            shown(emit.collected()),
            [
                format!("{entry}!2"),
                entry.clone(),
                format!("{entry}{entry}"),
                entry,
                "failed: gone".to_string()
            ]
        );
    }

    #[test]
    fn a_long_run_of_reports_goes_out_in_bounded_chunks() {
        let mut emit = Emit::collecting(&Marks);
        for _ in 0..(2 * CHUNK_EVENTS + 1) {
            emit.report(report());
        }
        let chunks = emit.collected().len();
        assert_eq!(chunks, 3);
    }

    #[test]
    fn the_command_gets_every_chunk_in_order_and_stopping_it_stops_the_reader() {
        let got = pipeline(
            &Marks,
            |emit| {
                for line in 1..=3 {
                    emit.malformed("x", line, "bad");
                }
                Ok(())
            },
            |chunks| {
                let chunks = chunks.filter(|out| !matches!(out, Out::Idle));
                Ok(shown(chunks.collect()))
            },
        );
        assert_eq!(got.expect("read"), ["!1", "!2", "!3"]);

        let sent = std::sync::atomic::AtomicU64::new(0);
        let stopped = pipeline(
            &Marks,
            |emit| {
                // Bounded, so that a reader that is never told fails instead of hanging.
                while !emit.stopped() && sent.load(Ordering::Relaxed) < 100_000 {
                    let line = sent.fetch_add(1, Ordering::Relaxed) + 1;
                    emit.malformed("x", line, "bad");
                }
                Ok(())
            },
            |chunks| {
                let mut chunks = chunks.filter(|out| !matches!(out, Out::Idle));
                Ok(shown(chunks.next().into_iter().collect()))
            },
        );
        // The first chunk taken, and the reader stopped once the command let go: no more
        // than the chunks in flight were made after it.
        let sent = sent.load(Ordering::Relaxed);
        assert!(sent <= 2 + CHUNKS_IN_FLIGHT as u64, "{sent} chunks made");
        assert_eq!(stopped.expect("read"), ["!1"]);
    }

    #[test]
    fn a_read_in_place_gives_the_same_chunks_and_then_its_failure() {
        let read = |emit: &mut Emit<'_, Marks>| {
            emit.malformed("x", 1, "bad");
            emit.fail(Error::no_input("gone"));
            emit.malformed("x", 3, "bad");
            Err(Error::internal("stopped"))
        };
        let mut taken = Vec::new();
        let result = in_place(&Marks, read, |chunks| {
            taken = shown(chunks.collect());
            Ok(())
        });
        assert_eq!(taken, ["!1", "failed: gone", "!3"]);
        assert_eq!(result.map_err(|e| e.message).unwrap_err(), "stopped");
    }

    #[test]
    fn the_output_failure_comes_before_the_readers() {
        let result: Result<(), Error> = pipeline(
            &Marks,
            |_| Err(Error::no_input("input")),
            |_| Err(Error::internal("output")),
        );
        assert_eq!(result.map_err(|e| e.message).unwrap_err(), "output");
    }
}
