//! Start-up cost: `outcome explain memusage_exceeded` against `/bin/true`, runs alternating,
//! medians compared. Scripts call outcome in loops, so this is the number that matters.
//!
//! cargo bench --bench startup

mod support;

use support::{median, outcome_binary, run};

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rounds: usize = std::env::var("OUTCOME_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let outcome = outcome_binary();
    let (mut ours, mut baseline) = (Vec::new(), Vec::new());
    for _ in 0..20 {
        run(&outcome, &["explain", "memusage_exceeded"], None);
    }
    for _ in 0..rounds {
        ours.push(
            run(&outcome, &["explain", "memusage_exceeded"], None)
                .wall
                .as_secs_f64(),
        );
        baseline.push(run("/bin/true", &[], None).wall.as_secs_f64());
    }
    let (ours, baseline) = (median(ours) * 1000.0, median(baseline) * 1000.0);
    println!(
        "startup: outcome explain memusage_exceeded {ours:.2} ms, /bin/true {baseline:.2} ms \
         (medians of {rounds} alternating runs): {:.1}x /bin/true",
        ours / baseline
    );
}
