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
