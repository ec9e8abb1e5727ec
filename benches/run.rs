//! `outcome run`: what wrapping a crawl costs. The command writes a log to its stderr, which
//! `outcome run` passes on and reads as it flows; the peer is the same command run bare,
//! its stderr thrown away. Two logs: many ordinary lines, and one line of 60 MB (a spider
//! that logs a whole page), which arrives in thousands of reads.
//!
//! cargo bench --bench run
//! OUTCOME_BENCH_BASELINE=/path/to/older/outcome cargo bench --bench run   (before/after)

mod support;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use support::{data_dir, median, outcome_binary, run, warm};

fn ordinary(path: &Path) {
    let mut out = BufWriter::new(std::fs::File::create(path).expect("bench file"));
    writeln!(
        out,
        "2026-11-20 08:00:00 [scrapy.utils.log] INFO: Scrapy 2.13.3 started (bot: shop)"
    )
    .expect("writes");
    for n in 0..1_500_000u64 {
        writeln!(
            out,
            "2026-11-20 09:00:00 [scrapy.core.engine] DEBUG: Crawled (200) <GET https://shop.example/p/{n}> (referer: None)"
        )
        .expect("writes");
    }
    writeln!(
        out,
        "2026-11-20 10:00:00 [scrapy.core.engine] INFO: Spider closed (finished)"
    )
    .expect("writes");
    out.flush().expect("flushes");
}

fn one_long_line(path: &Path) {
    let mut out = BufWriter::new(std::fs::File::create(path).expect("bench file"));
    write!(out, "2026-11-20 09:00:00 [shop] DEBUG: page ").expect("writes");
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..60 {
        out.write_all(&chunk).expect("writes");
    }
    writeln!(out).expect("writes");
    writeln!(
        out,
        "2026-11-20 10:00:00 [scrapy.core.engine] INFO: Spider closed (finished)"
    )
    .expect("writes");
    out.flush().expect("flushes");
}

fn dataset(name: &str, make: fn(&Path)) -> PathBuf {
    let path = data_dir().join(name);
    if !path.exists() {
        make(&path);
    }
    path
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rounds = 5;
    let outcome = outcome_binary();
    let baseline = support::baseline_binary();
    for (name, log) in [
        ("ordinary lines", dataset("run-ordinary.log", ordinary)),
        (
            "one 60 MB line",
            dataset("run-long-line.log", one_long_line),
        ),
    ] {
        // `cat` in small writes, as a crawl's logging does.
        let script = format!("dd if='{}' bs=64k status=none >&2", log.display());
        let (mut ours, mut bare, mut before) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..rounds {
            warm(&log);
            bare.push(run("sh", &["-c", &script], None).wall.as_secs_f64());
            if let Some(baseline) = &baseline {
                let r = run(baseline, &["run", "-q", "--", "sh", "-c", &script], None);
                before.push(r.wall.as_secs_f64());
            }
            let r = run(&outcome, &["run", "-q", "--", "sh", "-c", &script], None);
            assert!(
                r.status < 64,
                "{name}: a verdict, not an error ({})",
                r.status
            );
            ours.push(r.wall.as_secs_f64());
        }
        let size = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
        let (ours, bare) = (median(ours), median(bare));
        println!(
            "run, {name} ({size:.0} MB): outcome run {ours:.3} s, the command bare {bare:.3} s: {:.2}x its time",
            ours / bare
        );
        if !before.is_empty() {
            let before = median(before);
            println!(
                "  baseline {before:.3} s: this build takes {:.2}x the baseline's time",
                ours / before
            );
        }
    }
}
