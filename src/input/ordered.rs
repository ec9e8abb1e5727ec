//! The one worker pool of every reader that shares its work between threads: work goes to
//! whichever worker is free through one bounded queue, and results come back in the order
//! the work was given, so output never depends on which thread was quicker. A worker never
//! starts a pool of its own: inside one, work runs in place (four small files on two cores
//! made 13 threads when each reader kept its own pool).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::{mpsc, Condvar, Mutex, MutexGuard};

thread_local! {
    static IN_POOL: Cell<bool> = const { Cell::new(false) };
}

/// Work per worker given out and not taken back yet, at most (`Ordered::ahead`): one
/// being done and one waiting, so that no worker waits while a result is taken.
const AHEAD_PER_WORKER: usize = 2;

/// Whether this thread is a pool's worker: a reader on it does its work in place.
pub fn inside_pool() -> bool {
    IN_POOL.with(Cell::get)
}

/// Work handed out in order and results taken back in the same order.
pub struct Ordered<'p, W, D> {
    work: Option<mpsc::SyncSender<(u64, W)>>,
    done: &'p Done<D>,
    /// The number the next work or ready result gets.
    seq: u64,
    /// The number of the next result to hand over.
    next: u64,
    workers: usize,
}

/// Results as the workers finish them, and who waits for which.
struct Done<D> {
    state: Mutex<Finished<D>>,
    wake: Condvar,
}

struct Finished<D> {
    results: BTreeMap<u64, D>,
    /// The thread taking the results sleeps until all of them from its next one up to this
    /// one are in; the worker that completes the run wakes it.
    awaited: Option<(u64, u64)>,
    /// Workers still running: when none is, nothing more will come.
    workers: usize,
}

impl<D> Finished<D> {
    /// Whether every result from `from` to `to` is in.
    fn has_run(&self, from: u64, to: u64) -> bool {
        let want = usize::try_from(to.saturating_sub(from)).map_or(usize::MAX, |n| n + 1);
        self.results.range(from..=to).take(want).count() == want
    }
}

impl<D> Done<D> {
    fn lock(&self) -> MutexGuard<'_, Finished<D>> {
        // A worker that panicked holding the lock left whole results: go on with them
        // (the panic ends the run when the pool is joined).
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn put(&self, seq: u64, result: D) {
        let mut state = self.lock();
        state.results.insert(seq, result);
        if let Some((from, to)) = state.awaited {
            if state.has_run(from, to) {
                state.awaited = None;
                drop(state);
                self.wake.notify_one();
            }
        }
    }
}

/// Counts a worker out however it ends, a panic included, so that nobody waits for it.
struct Leaving<'p, D>(&'p Done<D>);

impl<D> Drop for Leaving<'_, D> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.workers = state.workers.saturating_sub(1);
        drop(state);
        self.0.wake.notify_one();
    }
}

/// Runs `body` with `workers` threads that each turn work into a result with `job`; when
/// `body` returns, the workers are told to stop and are joined.
pub fn with_pool<W, D, R>(
    workers: usize,
    job: impl Fn(W) -> D + Sync,
    body: impl FnOnce(&mut Ordered<'_, W, D>) -> R,
) -> R
where
    W: Send,
    D: Send,
{
    let workers = workers.max(1);
    // Room for as much work as the callers keep in flight (two per worker), so that
    // handing out work does not wait on a worker taking some: each such wait is a
    // wake-up, which a stream pays for every block.
    let (work_tx, work_rx) = mpsc::sync_channel::<(u64, W)>(AHEAD_PER_WORKER * workers);
    let work_rx = Mutex::new(work_rx);
    let done = Done {
        state: Mutex::new(Finished {
            results: BTreeMap::new(),
            awaited: None,
            workers,
        }),
        wake: Condvar::new(),
    };
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (work_rx, job, done) = (&work_rx, &job, &done);
            scope.spawn(move || {
                let _leaving = Leaving(done);
                IN_POOL.with(|flag| flag.set(true));
                loop {
                    let received = match work_rx.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => break,
                    };
                    let Ok((seq, work)) = received else { break };
                    done.put(seq, job(work));
                }
            });
        }
        let mut ordered = Ordered {
            work: Some(work_tx),
            done: &done,
            seq: 0,
            next: 0,
            workers,
        };
        let result = body(&mut ordered);
        // Whatever happened, no worker waits for more.
        ordered.work = None;
        result
    })
}

impl<W, D> Ordered<'_, W, D> {
    /// Results not handed over yet: given out, or ready and waiting their turn.
    pub fn in_flight(&self) -> usize {
        usize::try_from(self.seq - self.next).unwrap_or(usize::MAX)
    }

    /// How much work to keep given out (`drain`'s `keep`): enough that the workers are
    /// never idle while results are taken, no more, since each holds its buffers.
    pub fn ahead(&self) -> usize {
        AHEAD_PER_WORKER * self.workers
    }

    /// Hands out work; false when the workers are gone.
    pub fn send(&mut self, work: W) -> bool {
        let Some(queue) = &self.work else {
            return false;
        };
        if queue.send((self.seq, work)).is_err() {
            return false;
        }
        self.seq += 1;
        true
    }

    /// A result that needs no worker, in its place among the others.
    pub fn ready(&mut self, result: D) {
        self.done.lock().results.insert(self.seq, result);
        self.seq += 1;
    }

    /// Hands every result whose turn has come to `take`, in order, waiting for the workers
    /// while more than `keep` are in flight. The first error stops it.
    ///
    /// When it must wait, it waits for enough results to bring what is in flight down to
    /// three quarters of `keep`, not for one: each wait is a wake-up of this thread, and
    /// on a busy host (a virtual machine most of all) a wake-up costs more than the work
    /// it hands out. The workers still have three quarters of `keep` to do meanwhile.
    pub fn drain<E>(
        &mut self,
        keep: usize,
        mut take: impl FnMut(D) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut turn = Vec::new();
        loop {
            {
                let mut state = self.done.lock();
                while let Some(result) = state.results.remove(&self.next) {
                    self.next += 1;
                    turn.push(result);
                }
                if turn.is_empty() {
                    let in_flight = self.in_flight();
                    if in_flight <= keep {
                        return Ok(());
                    }
                    let low = keep - keep / 4;
                    let wanted = u64::try_from(in_flight - low).unwrap_or(u64::MAX);
                    let last = self.next.saturating_add(wanted - 1);
                    // Whatever is in by then is taken, at least the next one.
                    while !state.results.contains_key(&self.next)
                        || (!state.has_run(self.next, last) && state.workers > 0)
                    {
                        if state.workers == 0 {
                            // Every worker is gone: nothing more will come.
                            return Ok(());
                        }
                        state.awaited = Some((self.next, last));
                        state = self
                            .done
                            .wake
                            .wait(state)
                            .unwrap_or_else(|poisoned| poisoned.into_inner());
                    }
                    state.awaited = None;
                    continue;
                }
            }
            for result in turn.drain(..) {
                take(result)?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_the_order_the_work_was_given() {
        let got = with_pool(
            2,
            |n: u64| {
                // The first items take longest, so they finish last.
                std::thread::sleep(std::time::Duration::from_millis(20 / (n + 1)));
                n * 10
            },
            |pool| {
                let mut got = Vec::new();
                for n in 0..8 {
                    if n == 3 {
                        pool.ready(999);
                    }
                    assert!(pool.send(n));
                    pool.drain(4, |d| -> Result<(), ()> {
                        got.push(d);
                        Ok(())
                    })
                    .expect("drained");
                    assert!(pool.in_flight() <= 4, "drain leaves at most `keep` out");
                }
                pool.drain(0, |d| -> Result<(), ()> {
                    got.push(d);
                    Ok(())
                })
                .expect("drained");
                got
            },
        );
        assert_eq!(got, [0, 10, 20, 999, 30, 40, 50, 60, 70]);
    }

    #[test]
    fn a_worker_knows_it_is_one_and_no_pool_nests() {
        assert!(!inside_pool());
        let inside = with_pool(
            2,
            |_: ()| inside_pool(),
            |pool| {
                pool.send(());
                let mut seen = Vec::new();
                pool.drain(0, |d| -> Result<(), ()> {
                    seen.push(d);
                    Ok(())
                })
                .expect("drained");
                seen
            },
        );
        assert_eq!(inside, [true]);
        assert!(!inside_pool());
    }

    #[test]
    fn the_first_error_stops_the_handing_over() {
        let result = with_pool(
            1,
            |n: u32| n,
            |pool| {
                for n in 0..3 {
                    pool.send(n);
                }
                pool.drain(0, |d| if d == 1 { Err(d) } else { Ok(()) })
            },
        );
        assert_eq!(result, Err(1));
    }

    #[test]
    fn a_worker_that_dies_leaves_nobody_waiting_for_it() {
        let (told, heard) = mpsc::channel();
        std::thread::spawn(move || {
            let ended = std::panic::catch_unwind(|| {
                with_pool(
                    1,
                    |n: u32| {
                        assert!(n != 1, "a bug in the work");
                        n
                    },
                    |pool| {
                        for n in 0..3 {
                            pool.send(n);
                        }
                        let mut got = Vec::new();
                        let _ = pool.drain(0, |d| -> Result<(), ()> {
                            got.push(d);
                            Ok(())
                        });
                        got
                    },
                )
            });
            let _ = told.send(ended.is_err());
        });
        let panicked = heard
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("the pool ends instead of waiting for a worker that is gone");
        assert!(panicked, "the worker's panic is not swallowed");
    }
}
