//! Job streams: records per second and peak memory of `outcome explain --format line`
//! against the jq and Python peers in ../shared/bench, whole process against whole process
//! on the same file, runs alternating, medians compared.
//!
//! cargo bench --bench stream              (1,000,000 records, 5 rounds)
//! OUTCOME_BENCH_RECORDS=200000 OUTCOME_BENCH_ROUNDS=3 cargo bench --bench stream
//! OUTCOME_BENCH_BASELINE=/path/to/older/outcome cargo bench --bench stream   (before/after)

mod support;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use support::{
    baseline_binary, data_dir, have, median, outcome_binary, root, run, warm, Rng, Versus,
};

/// Outcomes in a plausible mix (weights per thousand jobs).
const REASONS: &[(&str, u64)] = &[
    ("finished", 700),
    ("failed", 30),
    ("cancelled", 50),
    ("cancelled (stalled)", 10),
    ("cancel_timeout", 10),
    ("shutdown", 20),
    ("memusage_exceeded", 30),
    ("killed by oom", 10),
    ("banned", 10),
    ("closespider_itemcount", 30),
    ("closespider_pagecount", 20),
    ("closespider_timeout", 30),
    ("closespider_errorcount", 10),
    ("project_deleted", 5),
    ("slybot_fewitems_scraped", 5),
    ("no_reason", 5),
    ("login_failed", 25),
];

fn pick(rng: &mut Rng) -> &'static str {
    let total: u64 = REASONS.iter().map(|(_, w)| w).sum();
    let mut at = rng.below(total);
    for (reason, weight) in REASONS {
        if at < *weight {
            return reason;
        }
        at -= weight;
    }
    "finished"
}

/// About 500 bytes a record, in both API shapes: jobq (`key`, `items`, `scrapystats`) and
/// the legacy jobs API (`id`, `items_scraped`, `errors_count`).
fn generate(path: &Path, records: u64) {
    let file = std::fs::File::create(path).expect("bench file");
    let mut out = BufWriter::new(file);
    let mut rng = Rng::new(20261123);
    for i in 0..records {
        let reason = pick(&mut rng);
        let project = 200_000 + rng.below(40);
        let spider = 1 + rng.below(30);
        let items = rng.below(60_000);
        let errors = if rng.chance(15) { rng.below(40) } else { 0 };
        let state = if rng.chance(1) { "running" } else { "finished" };
        let reason_field = if state == "finished" {
            format!(r#""close_reason":"{reason}","#)
        } else {
            String::new()
        };
        let t0 = 1_760_000_000_000u64 + i * 1000;
        if rng.chance(65) {
            let tags = ["nightly", "prod", "backfill", "qa"][..rng.below(3) as usize]
                .iter()
                .map(|t| format!("\"{t}\""))
                .collect::<Vec<_>>()
                .join(",");
            writeln!(
                out,
                concat!(
                    r#"{{"key":"{p}/{s}/{i}","spider":"crawler_{s}","state":"{state}",{reason_field}"#,
                    r#""items":{items},"errors":{errors},"logs":{logs},"pages":{pages},"#,
                    r#""pending_time":{t0},"running_time":{t1},"finished_time":{t2},"units":{units},"#,
                    r#""version":"v{v}","priority":2,"tags":[{tags}],"scrapystats":{{"#,
                    r#""downloader/request_count":{req},"downloader/response_status_count/200":{items},"#,
                    r#""finish_reason":"{reason}","item_scraped_count":{items},"log_count/ERROR":{errors},"#,
                    r#""log_count/INFO":37,"memusage/max":{mem},"memusage/startup":58720256,"#,
                    r#""elapsed_time_seconds":{el}.{frac}}}}}"#
                ),
                p = project,
                s = spider,
                i = i,
                state = state,
                reason_field = reason_field,
                items = items,
                errors = errors,
                logs = items / 12 + 25,
                pages = items + rng.below(400),
                t0 = t0,
                t1 = t0 + 2500,
                t2 = t0 + 2500 + rng.below(80_000_000),
                units = [1, 1, 2, 3][rng.below(4) as usize],
                v = rng.below(90),
                tags = tags,
                req = items + 7,
                reason = reason,
                mem = (50 + rng.below(1000)) << 20,
                el = rng.below(80_000),
                frac = rng.below(1_000_000),
            )
            .expect("writes");
        } else {
            writeln!(
                out,
                concat!(
                    r#"{{"id":"{p}/{s}/{i}","spider":"crawler_{s}","spider_args":{{"region":"eu"}},"#,
                    r#""spider_type":"manual","started_time":"2026-11-20T08:15:00","#,
                    r#""updated_time":"2026-11-20T09:02:41","priority":2,"state":"{state}",{reason_field}"#,
                    r#""elapsed":{el},"items_scraped":{items},"errors_count":{errors},"logs":{logs},"#,
                    r#""responses_crawled":{pages},"tags":[],"version":"1.4"}}"#
                ),
                p = project,
                s = spider,
                i = i,
                state = state,
                reason_field = reason_field,
                el = rng.below(90_000),
                items = items,
                errors = errors,
                logs = items / 12 + 25,
                pages = items + 9,
            )
            .expect("writes");
        }
    }
    out.flush().expect("flushes");
}

fn dataset(records: u64) -> PathBuf {
    let path = data_dir().join(format!("jobs-{records}.jl"));
    if !path.exists() {
        generate(&path, records);
    }
    path
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let records = env_number("OUTCOME_BENCH_RECORDS", 1_000_000);
    let rounds = env_number("OUTCOME_BENCH_ROUNDS", 5) as usize;
    let outcome = outcome_binary();
    let big = dataset(records);
    let small = dataset(1_000);
    let size = std::fs::metadata(&big).map(|m| m.len()).unwrap_or(0);
    println!(
        "stream: {records} records, {:.0} MB, {:.0} bytes a record, {rounds} rounds",
        size as f64 / 1e6,
        size as f64 / records as f64
    );
    let shared = root().join("../shared/bench");
    let python = shared.join("py_outcome.py");
    let jq = shared.join("jq_outcome.jq");
    let python_args = [python.display().to_string()];
    let jq_args = ["-r".to_string(), "-f".to_string(), jq.display().to_string()];
    let mut contenders: Vec<(&str, String, Vec<String>)> = vec![(
        "outcome",
        outcome.clone(),
        vec!["explain".into(), "--format".into(), "line".into()],
    )];
    let baseline = baseline_binary();
    if python.exists() && have("python3") {
        contenders.push(("python", "python3".into(), python_args.to_vec()));
    } else {
        println!("python peer not found at {}: skipped", python.display());
    }
    if jq.exists() && have("jq") {
        contenders.push(("jq", "jq".into(), jq_args.to_vec()));
    } else {
        println!("jq peer not found (jq installed? {}): skipped", have("jq"));
    }
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); contenders.len()];
    let mut rss: Vec<u64> = vec![0; contenders.len()];
    let mut versus = Versus::default();
    for _ in 0..rounds {
        for (i, (_, program, args)) in contenders.iter().enumerate() {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (wall, peak) = match (&baseline, i) {
                // This build and the baseline back to back, first in turn.
                (Some(baseline), 0) => {
                    versus.round(program, baseline, &args, Some(&big), Some(&big))
                }
                _ => {
                    warm(&big);
                    let result = run(program, &args, Some(&big));
                    (result.wall, result.max_rss_kib)
                }
            };
            times[i].push(wall.as_secs_f64());
            rss[i] = rss[i].max(peak);
        }
    }
    let base = median(times[0].clone());
    println!(
        "{:<8} {:>10} {:>14} {:>12} {:>10}",
        "program", "median s", "records/s", "peak MiB", "vs outcome"
    );
    for (i, (name, _, _)) in contenders.iter().enumerate() {
        let m = median(times[i].clone());
        println!(
            "{:<8} {:>10.3} {:>14.0} {:>12.1} {:>9.1}x",
            name,
            m,
            records as f64 / m,
            rss[i] as f64 / 1024.0,
            m / base
        );
    }
    if baseline.is_some() {
        println!("against the baseline: {}", versus.summary());
    }
    // The same stream through other outputs, and on one core (a busy host's share).
    let peer = |name: &str| {
        contenders
            .iter()
            .position(|(n, _, _)| *n == name)
            .map(|i| median(times[i].clone()))
    };
    let (python_s, jq_s) = (peer("python"), peer("jq"));
    let mut modes: Vec<(&str, String, Vec<String>)> = vec![
        (
            "--format json",
            outcome.clone(),
            vec!["explain".into(), "--format".into(), "json".into()],
        ),
        ("human", outcome.clone(), vec!["explain".into()]),
        (
            "summary",
            outcome.clone(),
            vec!["summary".into(), "--format".into(), "line".into()],
        ),
    ];
    if have("taskset") {
        modes.push((
            "line, 1 core",
            "taskset".into(),
            vec![
                "-c".into(),
                "0".into(),
                outcome.clone(),
                "explain".into(),
                "--format".into(),
                "line".into(),
            ],
        ));
    }
    for (name, program, args) in &modes {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut t = Vec::new();
        for _ in 0..rounds {
            warm(&big);
            t.push(run(program, &args, Some(&big)).wall.as_secs_f64());
        }
        let m = median(t);
        let vs = |peer: Option<f64>| peer.map_or("-".to_string(), |p| format!("{:.1}x", p / m));
        println!(
            "outcome {name:<14} {m:>8.3} s   {} faster than python, {} faster than jq",
            vs(python_s),
            vs(jq_s)
        );
    }
    let small_rss = (0..rounds)
        .map(|_| run(&outcome, &["explain", "--format", "line"], Some(&small)).max_rss_kib)
        .max()
        .unwrap_or(0);
    println!(
        "outcome peak memory: {:.2} MiB for 1,000 records, {:.2} MiB for {records} (difference {:.2} MiB)",
        small_rss as f64 / 1024.0,
        rss[0] as f64 / 1024.0,
        (rss[0] as f64 - small_rss as f64) / 1024.0
    );
}
