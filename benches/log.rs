//! Big logs: `outcome explain` on a generated multi-gigabyte Scrapy log against
//! `grep -F 'Spider closed'` on the same file, medians of alternating runs, and peak memory
//! against a small log.
//!
//! cargo bench --bench log                       (2 GB, 3 rounds)
//! OUTCOME_BENCH_BASELINE=/path/to/older/outcome cargo bench --bench log   (before/after)
//! OUTCOME_BENCH_LOG_MB=200 cargo bench --bench log

mod support;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use support::{data_dir, median, outcome_binary, run, warm, Rng};

fn generate(path: &Path, megabytes: u64) {
    let file = std::fs::File::create(path).expect("bench file");
    let mut out = Counted {
        out: BufWriter::with_capacity(1 << 20, file),
        written: 0,
    };
    let mut rng = Rng::new(7);
    let target = megabytes * 1_000_000;
    let line = |out: &mut Counted, text: String| out.line(&text);
    line(
        &mut out,
        "2026-11-20 08:00:00 [scrapy.utils.log] INFO: Scrapy 2.13.3 started (bot: shop)".into(),
    );
    line(
        &mut out,
        "2026-11-20 08:00:01 [scrapy.core.engine] INFO: Spider opened".into(),
    );
    let mut n = 0u64;
    while out.written < target {
        n += 1;
        let (m, s) = ((n / 60) % 60, n % 60);
        let stamp = format!("2026-11-20 09:{m:02}:{s:02}");
        let page = rng.below(1_000_000);
        match rng.below(100) {
            0..=54 => line(&mut out, format!(
                "{stamp} [scrapy.core.engine] DEBUG: Crawled (200) <GET https://shop.example/p/{page}> (referer: https://shop.example/c/{})",
                page / 50
            )),
            55..=89 => {
                line(&mut out, format!("{stamp} [scrapy.core.scraper] DEBUG: Scraped from <200 https://shop.example/p/{page}>"));
                line(&mut out, format!(
                    "{{'name': 'Product {page}', 'price': {}.{:02}, 'url': 'https://shop.example/p/{page}', 'in_stock': True}}",
                    rng.below(500), rng.below(100)
                ));
            }
            90..=97 => line(&mut out, format!(
                "{stamp} [scrapy.extensions.logstats] INFO: Crawled {n} pages (at 120 pages/min), scraped {} items (at 80 items/min)",
                n * 2 / 3
            )),
            _ => {
                line(&mut out, format!("{stamp} [scrapy.core.scraper] ERROR: Spider error processing <GET https://shop.example/p/{page}>"));
                line(&mut out, "Traceback (most recent call last):".into());
                line(&mut out, "  File \"/app/shop/spiders/products.py\", line 42, in parse".into());
                line(&mut out, "KeyError: 'price'".into());
            }
        }
    }
    for text in [
        "2026-11-20 10:00:00 [scrapy.extensions.memusage] ERROR: Memory usage exceeded 950MiB. Shutting down Scrapy...",
        "2026-11-20 10:00:00 [scrapy.core.engine] INFO: Closing spider (memusage_exceeded)",
        "2026-11-20 10:00:01 [scrapy.statscollectors] INFO: Dumping Scrapy stats:",
        "{'elapsed_time_seconds': 7200.5,",
        " 'finish_reason': 'memusage_exceeded',",
        " 'item_scraped_count': 4200000,",
        " 'log_count/ERROR': 81000,",
        " 'memusage/limit_reached': 1,",
        " 'memusage/max': 1002438656,",
        " 'response_received_count': 6600000}",
        "2026-11-20 10:00:01 [scrapy.core.engine] INFO: Spider closed (memusage_exceeded)",
    ] {
        line(&mut out, text.to_string());
    }
    out.out.flush().expect("flushes");
}

struct Counted {
    out: BufWriter<std::fs::File>,
    written: u64,
}

impl Counted {
    fn line(&mut self, text: &str) {
        self.written += text.len() as u64 + 1;
        writeln!(self.out, "{text}").expect("writes");
    }
}

fn dataset(megabytes: u64) -> PathBuf {
    let path = data_dir().join(format!("scrapy-{megabytes}MB.log"));
    if !path.exists() {
        generate(&path, megabytes);
    }
    path
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let megabytes: u64 = std::env::var("OUTCOME_BENCH_LOG_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let rounds = 3;
    let outcome = outcome_binary();
    let big = dataset(megabytes);
    let small = dataset(1);
    let big_arg = big.display().to_string();
    println!("log: {megabytes} MB generated Scrapy log, {rounds} rounds");
    let (mut ours, mut grep, mut before) = (Vec::new(), Vec::new(), Vec::new());
    let baseline = support::baseline_binary();
    let mut rss = 0;
    for _ in 0..rounds {
        if let Some(baseline) = &baseline {
            warm(&big);
            let r = run(
                baseline,
                &["explain", "--format", "line", "-i", &big_arg],
                None,
            );
            before.push(r.wall.as_secs_f64());
        }
        warm(&big);
        let r = run(
            &outcome,
            &["explain", "--format", "line", "-i", &big_arg],
            None,
        );
        assert_eq!(
            r.status, 2,
            "the generated log ends memusage_exceeded (CRITICAL)"
        );
        ours.push(r.wall.as_secs_f64());
        rss = rss.max(r.max_rss_kib);
        warm(&big);
        grep.push(
            run("grep", &["-F", "Spider closed", &big_arg], None)
                .wall
                .as_secs_f64(),
        );
    }
    let small_rss = run(
        &outcome,
        &["explain", "-i", &small.display().to_string()],
        None,
    )
    .max_rss_kib;
    if !before.is_empty() {
        let before = median(before.clone());
        println!(
            "baseline {before:.3} s, {:.2}x grep's time; this build takes {:.2}x the baseline's time",
            before / median(grep.clone()),
            median(ours.clone()) / before
        );
    }
    let (ours, grep) = (median(ours), median(grep));
    println!(
        "outcome {ours:.3} s ({:.0} MB/s), grep -F 'Spider closed' {grep:.3} s: outcome takes {:.2}x grep's time",
        megabytes as f64 / ours,
        ours / grep
    );
    println!(
        "outcome peak memory: {:.1} MiB for {megabytes} MB, {:.1} MiB for 1 MB",
        rss as f64 / 1024.0,
        small_rss as f64 / 1024.0
    );
}
