//! The one worker pool of every reader that shares its work between threads: work goes to
//! whichever worker is free through one bounded queue, and results come back in the order
//! the work was given, so output never depends on which thread was quicker. A worker never
//! starts a pool of its own: inside one, work runs in place (four small files on two cores
//! made 13 threads when each reader kept its own pool).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::{mpsc, Mutex};

thread_local! {
    static IN_POOL: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread is a pool's worker: a reader on it does its work in place.
pub fn inside_pool() -> bool {
    IN_POOL.with(Cell::get)
}

/// Work handed out in order and results taken back in the same order.
pub struct Ordered<W, D> {
    work: Option<mpsc::SyncSender<(u64, W)>>,
    done: mpsc::Receiver<(u64, D)>,
    /// The number the next work or ready result gets.
    seq: u64,
    /// The number of the next result to hand over.
    next: u64,
    waiting: BTreeMap<u64, D>,
}

/// Runs `body` with `workers` threads that each turn work into a result with `job`; when
/// `body` returns, the workers are told to stop and are joined.
pub fn with_pool<W, D, R>(
    workers: usize,
    job: impl Fn(W) -> D + Sync,
    body: impl FnOnce(&mut Ordered<W, D>) -> R,
) -> R
where
    W: Send,
    D: Send,
{
    let workers = workers.max(1);
    let (work_tx, work_rx) = mpsc::sync_channel::<(u64, W)>(workers);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::channel::<(u64, D)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let (work_rx, job) = (&work_rx, &job);
            scope.spawn(move || {
                IN_POOL.with(|flag| flag.set(true));
                loop {
                    let received = match work_rx.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => break,
                    };
                    let Ok((seq, work)) = received else { break };
                    if done_tx.send((seq, job(work))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let mut ordered = Ordered {
            work: Some(work_tx),
            done: done_rx,
            seq: 0,
            next: 0,
            waiting: BTreeMap::new(),
        };
        let result = body(&mut ordered);
        // Whatever happened, no worker waits for more.
        ordered.work = None;
        result
    })
}

impl<W, D> Ordered<W, D> {
    /// Results not handed over yet: given out, or ready and waiting their turn.
    pub fn in_flight(&self) -> usize {
        usize::try_from(self.seq - self.next).unwrap_or(usize::MAX)
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
        self.waiting.insert(self.seq, result);
        self.seq += 1;
    }

    /// Hands every result whose turn has come to `take`, in order, waiting for the workers
    /// while more than `keep` are in flight. The first error stops it.
    pub fn drain<E>(
        &mut self,
        keep: usize,
        mut take: impl FnMut(D) -> Result<(), E>,
    ) -> Result<(), E> {
        loop {
            while let Some(result) = self.waiting.remove(&self.next) {
                self.next += 1;
                take(result)?;
            }
            let received = if self.in_flight() > keep {
                match self.done.recv() {
                    Ok(done) => Some(done),
                    // Every worker is gone: nothing more will come.
                    Err(_) => return Ok(()),
                }
            } else {
                self.done.try_recv().ok()
            };
            let Some((seq, result)) = received else {
                return Ok(());
            };
            self.waiting.insert(seq, result);
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
}
