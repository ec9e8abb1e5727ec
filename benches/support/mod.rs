//! Shared by the benchmarks: run a whole process, time it, read its peak memory, and
//! report medians. Nothing here asserts a timing; the figures are printed for the README.

#![allow(dead_code)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Run {
    pub wall: Duration,
    pub max_rss_kib: u64,
    pub status: i32,
}

/// Runs `program args` with stdin from `input` (or nothing) and stdout thrown away.
pub fn run(program: &str, args: &[&str], input: Option<&Path>) -> Run {
    let stdin = match input {
        Some(path) => Stdio::from(File::open(path).expect("bench input opens")),
        None => Stdio::null(),
    };
    let start = Instant::now();
    // Reaped below by wait4, which also reports the child's peak memory.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(program)
        .args(args)
        .stdin(stdin)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 on our own child's pid, with valid pointers to locals.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert!(pid > 0, "wait4 failed");
    Run {
        wall,
        max_rss_kib: usage.ru_maxrss as u64,
        status: libc::WEXITSTATUS(status),
    }
}

/// Reads a file once so that the timed run finds it in the page cache, whichever program
/// runs first after the cache was trimmed.
pub fn warm(path: &Path) {
    use std::io::Read;
    let mut buf = vec![0u8; 1 << 20];
    if let Ok(mut file) = File::open(path) {
        while matches!(file.read(&mut buf), Ok(n) if n > 0) {}
    }
}

pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The release binary that `cargo bench` built.
pub fn outcome_binary() -> String {
    let path = root().join("target/release/outcome");
    assert!(
        path.exists(),
        "build it first: cargo build --release (cargo bench does it for you)"
    );
    path.display().to_string()
}

/// `OUTCOME_BENCH_BASELINE`: another build of outcome (an earlier commit's) to time in the
/// same run, alternating with this one, so that a change is measured against its own past
/// on the same machine at the same moment.
pub fn baseline_binary() -> Option<String> {
    let path = std::env::var_os("OUTCOME_BENCH_BASELINE").filter(|p| !p.is_empty())?;
    let path = PathBuf::from(path);
    assert!(
        path.exists(),
        "OUTCOME_BENCH_BASELINE: {} does not exist",
        path.display()
    );
    Some(path.display().to_string())
}

pub fn data_dir() -> PathBuf {
    let dir = root().join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench data dir");
    dir
}

pub fn have(program: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {program} >/dev/null"))
        .status()
        .is_ok_and(|s| s.success())
}

/// A small deterministic generator (xorshift64*), so data sets are the same on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(10_000) < percent * 100
    }
}

/// This build timed against `OUTCOME_BENCH_BASELINE` in the same rounds. Within a round the
/// two run back to back, and which goes first alternates from round to round, so that
/// neither always follows the same program (a peer that heats the cores, or the other
/// build).
#[derive(Default)]
pub struct Versus {
    ours: Vec<Run>,
    before: Vec<Run>,
}

impl Versus {
    /// One round: both builds with the same arguments and input, `warm`ing the file first
    /// for each.
    pub fn round(
        &mut self,
        outcome: &str,
        baseline: &str,
        args: &[&str],
        input: Option<&Path>,
        warm_first: Option<&Path>,
    ) -> (Duration, u64) {
        let ours_first = self.ours.len() % 2 == 0;
        let one = |program: &str| {
            if let Some(path) = warm_first {
                warm(path);
            }
            run(program, args, input)
        };
        if ours_first {
            self.ours.push(one(outcome));
            self.before.push(one(baseline));
        } else {
            self.before.push(one(baseline));
            self.ours.push(one(outcome));
        }
        let ours = self.ours.last().expect("a run was just added");
        (ours.wall, ours.max_rss_kib)
    }

    /// "this build takes 1.02x the baseline's time, 1.01x its peak memory": medians of the
    /// runs' times and of their peaks.
    pub fn summary(&self) -> String {
        let time = |runs: &[Run]| median(runs.iter().map(|r| r.wall.as_secs_f64()).collect());
        let peak = |runs: &[Run]| median(runs.iter().map(|r| r.max_rss_kib as f64).collect());
        format!(
            "this build takes {:.3}x the baseline's time ({:.3} s vs {:.3} s) and {:.3}x its peak memory ({:.2} vs {:.2} MiB), medians of {} runs each, alternating",
            time(&self.ours) / time(&self.before),
            time(&self.ours),
            time(&self.before),
            peak(&self.ours) / peak(&self.before),
            peak(&self.ours) / 1024.0,
            peak(&self.before) / 1024.0,
            self.ours.len()
        )
    }
}
