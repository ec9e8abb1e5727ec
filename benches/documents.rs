//! The same jobs as JSON Lines, a pretty-printed array (`json.dump(jobs, f, indent=2)`,
//! `jq .`), a compact array written on one line (`json.dump(jobs, f)`, `jq -c -s .`) and
//! the legacy `jobs/list.json` envelope, also on one line: `outcome explain --format line`
//! on each, runs alternating, medians and peak memory compared with JSON Lines.
//!
//! cargo bench --bench documents             (300,000 jobs, 5 rounds)
//! OUTCOME_BENCH_DOC_RECORDS=50000 OUTCOME_BENCH_ROUNDS=3 cargo bench --bench documents
//! OUTCOME_BENCH_BASELINE=/path/to/older/outcome cargo bench --bench documents   (before/after)

mod support;

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use support::{baseline_binary, data_dir, median, outcome_binary, run, warm, Versus};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The stream bench's generated JSON Lines (made by `cargo bench --bench stream`, or here
/// from its first lines when it is there), cut to `records`.
fn json_lines(records: u64) -> PathBuf {
    let path = data_dir().join(format!("doc-{records}.jl"));
    if path.exists() {
        return path;
    }
    let source = data_dir().join("jobs-1000000.jl");
    assert!(
        source.exists(),
        "run `cargo bench --bench stream` first: it generates {}",
        source.display()
    );
    let input = BufReader::new(std::fs::File::open(&source).expect("opens"));
    let mut out = BufWriter::new(std::fs::File::create(&path).expect("creates"));
    for line in input.lines().take(records as usize) {
        writeln!(out, "{}", line.expect("reads")).expect("writes");
    }
    out.flush().expect("flushes");
    path
}

/// `jl` rewritten as a document: `pretty` (indent 2), else compact on one line, inside
/// `{"status":"ok","count":N,"jobs":[...]}` when `envelope`. Keys stay in the order the
/// lines write them, as `json.dump` and jq keep them, so that only the layout differs
/// from the JSON Lines.
fn document(jl: &Path, name: &str, pretty: bool, envelope: bool) -> PathBuf {
    let path = data_dir().join(name);
    if path.exists() {
        return path;
    }
    // Line by line, never the whole set in memory: the runs are forked from this process,
    // and a child's peak memory counts the pages it was forked with.
    let count = BufReader::new(std::fs::File::open(jl).expect("opens"))
        .lines()
        .count();
    let lines = BufReader::new(std::fs::File::open(jl).expect("opens")).lines();
    let mut out = BufWriter::new(std::fs::File::create(&path).expect("creates"));
    if envelope {
        write!(out, r#"{{"status": "ok", "count": {count}, "jobs": "#).expect("writes");
    }
    out.write_all(if pretty { b"[\n" } else { b"[" })
        .expect("writes");
    let mut text = String::new();
    for (i, line) in lines.enumerate() {
        let line = line.expect("reads");
        serde_json::from_str::<serde::de::IgnoredAny>(&line).expect("valid record");
        if i > 0 {
            out.write_all(if pretty { b",\n" } else { b", " })
                .expect("writes");
        }
        if pretty {
            text.clear();
            text.push_str("  ");
            indented(&line, 1, &mut text);
            out.write_all(text.as_bytes()).expect("writes");
        } else {
            out.write_all(line.trim().as_bytes()).expect("writes");
        }
    }
    out.write_all(if pretty { b"\n]\n" } else { b"]" })
        .expect("writes");
    if envelope {
        out.write_all(b"}").expect("writes");
    }
    out.flush().expect("flushes");
    path
}

/// One JSON value as `json.dumps(value, indent=2)` lays it out, `depth` levels in: each
/// element and key on its own line, `": "` after keys, empty containers as `{}` and `[]`.
fn indented(value: &str, mut depth: usize, out: &mut String) {
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', 2 * depth));
    };
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    out.push(close);
                    chars.next();
                } else {
                    depth += 1;
                    newline(out, depth);
                }
            }
            '}' | ']' => {
                depth -= 1;
                newline(out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let records = env_number("OUTCOME_BENCH_DOC_RECORDS", 300_000);
    let rounds = env_number("OUTCOME_BENCH_ROUNDS", 5) as usize;
    let outcome = outcome_binary();
    let jl = json_lines(records);
    let small = json_lines(1_000);
    let layouts = [
        ("JSON Lines", jl.clone(), small.clone()),
        (
            "pretty array",
            document(
                &jl,
                &format!("doc-{records}-pretty-ordered.json"),
                true,
                false,
            ),
            document(&small, "doc-1000-pretty-ordered.json", true, false),
        ),
        (
            "compact array",
            document(
                &jl,
                &format!("doc-{records}-compact-ordered.json"),
                false,
                false,
            ),
            document(&small, "doc-1000-compact-ordered.json", false, false),
        ),
        (
            "envelope",
            document(
                &jl,
                &format!("doc-{records}-envelope-ordered.json"),
                false,
                true,
            ),
            document(&small, "doc-1000-envelope-ordered.json", false, true),
        ),
    ];
    println!("documents: {records} jobs, {rounds} rounds, outcome explain --format line -i FILE");
    let baseline = baseline_binary();
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); layouts.len()];
    let mut rss = vec![0u64; layouts.len()];
    let mut versus: Vec<Versus> = layouts.iter().map(|_| Versus::default()).collect();
    for _ in 0..rounds {
        for (i, (_, path, _)) in layouts.iter().enumerate() {
            let path_arg = path.display().to_string();
            let args = ["explain", "--format", "line", "-i", &path_arg];
            let (wall, peak) = match &baseline {
                // This build and the baseline back to back, first in turn.
                Some(baseline) => versus[i].round(&outcome, baseline, &args, None, Some(path)),
                None => {
                    warm(path);
                    let result = run(&outcome, &args, None);
                    (result.wall, result.max_rss_kib)
                }
            };
            times[i].push(wall.as_secs_f64());
            rss[i] = rss[i].max(peak);
        }
    }
    let base = median(times[0].clone());
    println!(
        "{:<14} {:>8} {:>10} {:>12} {:>15}",
        "layout", "MB", "median s", "vs JSON Lines", "peak MiB (1k)"
    );
    for (i, (name, path, small)) in layouts.iter().enumerate() {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let small_path = small.display().to_string();
        let small_rss = run(
            &outcome,
            &["explain", "--format", "line", "-i", &small_path],
            None,
        )
        .max_rss_kib;
        let m = median(times[i].clone());
        println!(
            "{:<14} {:>8.0} {:>10.3} {:>11.2}x {:>7.1} ({:.1})",
            name,
            size as f64 / 1e6,
            m,
            m / base,
            rss[i] as f64 / 1024.0,
            small_rss as f64 / 1024.0
        );
    }
    if baseline.is_some() {
        for ((name, _, _), versus) in layouts.iter().zip(&versus) {
            println!("{name} against the baseline: {}", versus.summary());
        }
    }
}
