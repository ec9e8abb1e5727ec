//! Many jobs at once: a directory of 10,000 small Scrapy logs against `grep` over the same
//! files (a shell loop of `grep -l`, as a script would, and one `grep -rl`), and a gzipped
//! 1,000,000-record job stream read directly against `zcat | outcome`. Whole processes,
//! runs alternating, medians compared; peak memory against a small input.
//!
//! cargo bench --bench fleet
//! OUTCOME_BENCH_BASELINE=/path/to/older/outcome cargo bench --bench fleet   (before/after)
//! OUTCOME_BENCH_FILES=2000 OUTCOME_BENCH_ROUNDS=3 cargo bench --bench fleet

mod support;

use std::path::PathBuf;

use support::{data_dir, median, outcome_binary, run, Rng};

const REASONS: [&str; 6] = [
    "finished",
    "finished",
    "finished",
    "closespider_timeout",
    "memusage_exceeded",
    "shutdown",
];

/// One small log, as Scrapy writes a short crawl: header, a few pages, the close.
fn small_log(rng: &mut Rng, i: u64) -> String {
    let reason = REASONS[rng.below(REASONS.len() as u64) as usize];
    let mut text = String::new();
    text.push_str(
        "2026-11-20 08:00:00 [scrapy.utils.log] INFO: Scrapy 2.13.3 started (bot: shop)\n",
    );
    text.push_str("2026-11-20 08:00:01 [scrapy.core.engine] INFO: Spider opened\n");
    for page in 0..(5 + rng.below(20)) {
        text.push_str(&format!(
            "2026-11-20 08:00:02 [scrapy.core.engine] DEBUG: Crawled (200) <GET https://shop.example/{i}/{page}> (referer: None)\n"
        ));
    }
    text.push_str(&format!(
        "2026-11-20 08:01:00 [scrapy.core.engine] INFO: Closing spider ({reason})\n"
    ));
    text.push_str("2026-11-20 08:01:00 [scrapy.statscollectors] INFO: Dumping Scrapy stats:\n");
    text.push_str(&format!(
        "{{'downloader/request_count': 12,\n 'finish_reason': '{reason}',\n 'item_scraped_count': {},\n 'log_count/INFO': 9,\n 'scheduler/dequeued': 12,\n 'scheduler/enqueued': 12}}\n",
        rng.below(100)
    ));
    text.push_str(&format!(
        "2026-11-20 08:01:00 [scrapy.core.engine] INFO: Spider closed ({reason})\n"
    ));
    text
}

fn fleet(files: u64) -> PathBuf {
    let dir = data_dir().join(format!("fleet-{files}"));
    if !dir.join("done").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        let mut rng = Rng::new(11);
        for i in 0..files {
            // Scrapyd's layout: logs/<project>/<spider>/<job>.log
            let sub = dir.join(format!("shop/spider_{}", i % 50));
            std::fs::create_dir_all(&sub).expect("fleet dir");
            std::fs::write(sub.join(format!("{i:06}.log")), small_log(&mut rng, i)).expect("log");
        }
        std::fs::write(dir.join("done"), "").expect("marker");
    }
    dir
}

/// The stream bench's records, gzipped (the stream bench writes them; this one reuses them).
fn gzipped(records: u64) -> Option<(PathBuf, PathBuf)> {
    let plain = data_dir().join(format!("jobs-{records}.jl"));
    if !plain.exists() {
        println!(
            "{} is missing: run `cargo bench --bench stream` first to make it",
            plain.display()
        );
        return None;
    }
    let gz = data_dir().join(format!("jobs-{records}.jl.gz"));
    if !gz.exists() {
        let mut encoder = flate2::write::GzEncoder::new(
            std::fs::File::create(&gz).expect("gz"),
            flate2::Compression::default(),
        );
        // Streamed: a bench process holding the data would show up in its children's peak
        // memory (a forked child counts its parent's pages until it execs).
        let mut source = std::fs::File::open(&plain).expect("jobs");
        std::io::copy(&mut source, &mut encoder).expect("gz write");
        encoder.finish().expect("gz finish");
    }
    Some((plain, gz))
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn sh(script: &str) -> support::Run {
    run("sh", &["-c", script], None)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let files = env_number("OUTCOME_BENCH_FILES", 10_000);
    let rounds = env_number("OUTCOME_BENCH_ROUNDS", 3) as usize;
    let outcome = outcome_binary();
    let dir = fleet(files);
    let small = fleet(10);
    let dir_arg = dir.display().to_string();
    println!("fleet: {files} small logs in one directory, {rounds} rounds");
    let loop_script = format!(
        "find '{dir_arg}' -name '*.log' | sort | while read -r f; do grep -l 'Spider closed' \"$f\"; done"
    );
    let (mut ours, mut looped, mut recursive) = (Vec::new(), Vec::new(), Vec::new());
    let baseline = support::baseline_binary();
    let mut before = Vec::new();
    let mut rss = 0;
    for _ in 0..rounds {
        if let Some(baseline) = &baseline {
            let args = ["explain", "--format", "line", "-i", &dir_arg];
            before.push(run(baseline, &args, None).wall.as_secs_f64());
        }
        let r = run(
            &outcome,
            &["explain", "--format", "line", "-i", &dir_arg],
            None,
        );
        ours.push(r.wall.as_secs_f64());
        rss = rss.max(r.max_rss_kib);
        recursive.push(
            run("grep", &["-rl", "Spider closed", &dir_arg], None)
                .wall
                .as_secs_f64(),
        );
        looped.push(sh(&loop_script).wall.as_secs_f64());
    }
    let small_rss = run(
        &outcome,
        &[
            "explain",
            "--format",
            "line",
            "-i",
            &small.display().to_string(),
        ],
        None,
    )
    .max_rss_kib;
    let (ours, looped, recursive) = (median(ours), median(looped), median(recursive));
    if !before.is_empty() {
        let before = median(before);
        println!(
            "baseline {before:.3} s ({:.2}x grep -rl's time); this build takes {:.2}x the baseline's time",
            before / recursive,
            ours / before
        );
    }
    println!(
        "outcome {ours:.3} s; shell loop of grep -l {looped:.3} s ({:.1}x outcome's time); grep -rl {recursive:.3} s ({:.2}x)",
        looped / ours,
        recursive / ours
    );
    println!(
        "outcome peak memory: {:.1} MiB for {files} files, {:.1} MiB for 10",
        rss as f64 / 1024.0,
        small_rss as f64 / 1024.0
    );
    let records = env_number("OUTCOME_BENCH_RECORDS", 1_000_000);
    let Some((_, gz)) = gzipped(records) else {
        return;
    };
    let gz_arg = gz.display().to_string();
    let piped = format!("zcat '{gz_arg}' | '{outcome}' explain --format line");
    let (mut direct, mut through) = (Vec::new(), Vec::new());
    let mut gz_rss = 0;
    for _ in 0..rounds {
        let r = run(
            &outcome,
            &["explain", "--format", "line", "-i", &gz_arg],
            None,
        );
        direct.push(r.wall.as_secs_f64());
        gz_rss = gz_rss.max(r.max_rss_kib);
        through.push(sh(&piped).wall.as_secs_f64());
    }
    let (direct, through) = (median(direct), median(through));
    println!(
        "gzipped stream, {records} records: outcome -i FILE.gz {direct:.3} s, zcat | outcome {through:.3} s ({:.2}x outcome's time); peak memory {:.1} MiB",
        through / direct,
        gz_rss as f64 / 1024.0
    );
}
