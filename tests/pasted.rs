//! Reading what people paste, and saying only what is true of it (issue 25): texts that
//! are logs however they arrive (quoted, wrapped, without a header), shutdown evidence
//! without a close line. Hand-written cases are pastes; where Scrapy can write the case
//! itself, the real log is read (tests/fixtures/real/).

mod common;

use std::path::PathBuf;

use common::{json_lines, outcome};
use serde_json::Value;

fn real(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real/2.19.0")
        .join(format!("{name}.log"))
}

fn answers(text: &[u8]) -> (Vec<Value>, Option<i32>) {
    let output = outcome()
        .args(["explain", "--format", "json"])
        .write_stdin(text.to_vec())
        .output()
        .expect("runs");
    (json_lines(&output), output.status.code())
}

#[test]
fn a_memory_shutdown_without_a_close_line_is_memusage_exceeded_inferred() {
    // The real Scrapy with LOG_LEVEL=ERROR: the memory line is all the log holds.
    let real_log = std::fs::read(real("memusage_level_error")).expect("fixture");
    let killed_after = b"2024-01-01 00:00:00 [scrapy.utils.log] INFO: Scrapy 2.19.0 started (bot: b)\n\
2024-01-01 00:00:01 [scrapy.core.engine] INFO: Spider opened\n\
2024-01-01 00:01:01 [scrapy.extensions.memusage] ERROR: Memory usage exceeded 512MiB. Shutting down Scrapy...\n\
2024-01-01 00:01:01 [scrapy.extensions.memusage] INFO: Memory usage at shutdown: 530MiB\n"
        .to_vec();
    let old_wording = b"2016-05-01 10:00:00 [scrapy] ERROR: Memory usage exceeded 2048M. Shutting down Scrapy...\n".to_vec();
    for (label, log, limit) in [
        ("real, LOG_LEVEL=ERROR", real_log, 20u64),
        ("killed before closing", killed_after, 512),
        ("Scrapy 1.x wording", old_wording, 2048),
    ] {
        let (reports, code) = answers(&log);
        assert_eq!(reports.len(), 1, "{label}");
        let report = &reports[0];
        assert_eq!(report["outcome"], "memusage_exceeded", "{label}: {report}");
        assert_eq!(report["matched"], "inferred", "{label}");
        assert_eq!(
            report["input"],
            Value::Null,
            "{label}: no reason was written"
        );
        assert_eq!(report["severity"], "critical", "{label}");
        assert_eq!(code, Some(2), "{label}");
        assert_eq!(
            report["job"]["memory_limit_bytes"],
            limit * 1024 * 1024,
            "{label}"
        );
        let notes = report["notes"].to_string();
        assert!(notes.contains("is inferred from"), "{label}: {notes}");
        assert_eq!(
            notes.matches("Memory usage exceeded").count(),
            1,
            "{label}: said once: {notes}"
        );
    }
    // A run that closed keeps the engine's reason, by name.
    let (reports, _) = answers(&std::fs::read(real("memusage")).expect("fixture"));
    assert_eq!(reports[0]["matched"], "exact");
    assert_eq!(reports[0]["outcome"], "memusage_exceeded");
}
