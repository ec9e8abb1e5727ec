//! The second hostile pass (issue 15): each class of failure, several cases each, end to
//! end: what reaches stdout and stderr, and the exit status.

mod common;

use std::path::PathBuf;

use common::{json_lines, outcome, rows, stderr_of, stdout_of};

fn run(args: &[&str], stdin: impl Into<Vec<u8>>) -> std::process::Output {
    outcome()
        .args(args)
        .write_stdin(stdin.into())
        .output()
        .expect("runs")
}

/// A file under target/ for this test, removed by the caller's guard.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> TempFile {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "hardening-{}-{}",
            std::process::id(),
            name.len()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(name);
        std::fs::write(&path, contents).expect("writes");
        TempFile(path)
    }

    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// No byte that could act on a terminal: C0 but tab and newline, DEL, C1, Unicode Cf.
fn assert_terminal_safe(text: &str) {
    for c in text.chars() {
        let code = c as u32;
        let control = (code < 0x20 && c != '\t' && c != '\n') || (0x7f..=0x9f).contains(&code);
        let format = matches!(code, 0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x180e
            | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2064 | 0x2066..=0x206f | 0xfeff
            | 0xe0001..=0xe007f);
        assert!(
            !control && !format,
            "U+{code:04X} reached the terminal: {text:?}"
        );
    }
}

// 1. Terminal safety everywhere, stderr included.

const HOSTILE_NAMES: [&str; 4] = [
    "evil\u{1b}]0;pwned\u{7}.jl",
    "bidi\u{202e}lj.gol",
    "tag\u{e0041}\u{ad}.jl",
    "c1\u{9b}31m.jl",
];

#[test]
fn file_names_are_escaped_on_stderr() {
    for name in HOSTILE_NAMES {
        let missing = format!("/nonexistent/{name}");
        for args in [
            vec!["explain", "-i", &missing],
            vec!["summary", "-i", &missing],
            vec!["explain", "finished", "--catalog", &missing],
            vec!["list", "--catalog", &missing],
        ] {
            let output = run(&args, "");
            let stderr = stderr_of(&output);
            assert!(stderr.contains("/nonexistent/"), "{args:?}: {stderr}");
            assert_terminal_safe(&stderr);
            assert_terminal_safe(&stdout_of(&output));
        }
        // A catalog that exists but is broken names itself in its error, escaped.
        let broken = TempFile::new(name, b"{\"outcomes\": [}");
        let output = outcome()
            .args(["list", "--catalog"])
            .arg(broken.path())
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(78));
        assert_terminal_safe(&stderr_of(&output));
        // A directory given as input.
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
        std::fs::create_dir_all(&dir).expect("dir");
        let output = outcome()
            .args(["explain", "-i"])
            .arg(&dir)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(66));
        assert!(stderr_of(&output).contains("a directory with no file in it"));
        assert_terminal_safe(&stderr_of(&output));
        let _ = std::fs::remove_dir(&dir);
    }
}

#[test]
fn a_catalog_entry_shown_through_its_alias_is_escaped() {
    let catalog = TempFile::new(
        "alias-catalog.json",
        br#"{"outcomes":[{"name":"evil\u001b[2Jname","aliases":["evil_alias"],"severity":"warning",
            "title":"T\u200bitle","explanation":"E\u0007xplained"}]}"#,
    );
    for format in ["human", "line", "json"] {
        let output = outcome()
            .args(["explain", "evil_alias", "--format", format, "--catalog"])
            .arg(catalog.path())
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(1));
        if format != "json" {
            let stdout = stdout_of(&output);
            assert_terminal_safe(&stdout);
            assert!(stdout.contains("evil\\x1b[2Jname"), "{stdout}");
        }
    }
}

// 2. Every `line` row has its fixed number of non-empty fields.

#[test]
fn empty_fields_are_dashes() {
    let catalog = TempFile::new(
        "empty-title.json",
        br#"{"outcomes":[{"name":"blank_title","severity":"ok","title":"","explanation":"x"}]}"#,
    );
    let input = concat!(
        r#"{"key":"","close_reason":"banned"}"#,
        "\n",
        r#"{"key":"1/2/3","close_reason":""}"#,
        "\n",
        r#"{"close_reason":"blank_title"}"#,
        "\n",
        r#"{"key":"\t","spider":"","close_reason":"finished","items":1}"#,
        "\n"
    );
    for command in [
        &["explain"][..],
        &["summary"],
        &["summary", "--by", "spider"],
    ] {
        let output = outcome()
            .args(command)
            .args(["--format", "line", "--catalog"])
            .arg(catalog.path())
            .write_stdin(input)
            .output()
            .expect("runs");
        let rows = rows(&output);
        assert!(!rows.is_empty(), "{command:?}");
        let width = rows[0].len();
        for row in &rows {
            assert_eq!(row.len(), width, "{command:?}: {row:?}");
            assert!(row.iter().all(|f| !f.is_empty()), "{command:?}: {row:?}");
        }
    }
}

// 3. The Nagios line: no fake perfdata, a capped text part, perfdata always there.

#[test]
fn a_pipe_in_a_reason_adds_no_perfdata() {
    for reason in ["a|b", "x | warning=99", "||||"] {
        let input = format!("{{\"key\":\"k\",\"close_reason\":\"{reason}\"}}\n");
        let output = run(&["summary", "--format", "nagios"], input);
        let line = stdout_of(&output);
        assert_eq!(line.matches('|').count(), 1, "{line}");
        assert!(
            line.trim_end()
                .ends_with("ok=0 warning=0 critical=0 unknown=1 reason_other=1"),
            "{line}"
        );
        assert_eq!(output.status.code(), Some(3));
    }
}

#[test]
fn thousands_of_reasons_make_a_short_nagios_line() {
    let mut input = String::new();
    for i in 0..5000 {
        input.push_str(&format!(
            "{{\"key\":\"k{i}\",\"close_reason\":\"custom_reason_{i:05}\"}}\n"
        ));
    }
    let output = run(&["summary", "--format", "nagios"], input);
    let stdout = stdout_of(&output);
    assert_eq!(stdout.lines().count(), 1);
    assert!(stdout.len() < 4096, "{} bytes", stdout.len());
    assert!(stdout.contains(" more)"), "{stdout}");
    assert!(
        stdout
            .trim_end()
            .ends_with("| ok=0 warning=0 critical=0 unknown=5000 reason_other=5000"),
        "{stdout}"
    );
}

// 4. Numbers that do not fit cost one field, never the record, in every format.

#[test]
fn unreadable_numbers_keep_the_record_in_every_format() {
    let values = [
        "1e400",
        "-1e400",
        "NaN",
        "Infinity",
        "-Infinity",
        "18446744073709551616",
        "1e-400",
    ];
    for value in values {
        for field in ["running_time", "items", "errors", "units"] {
            let input =
                format!("{{\"key\":\"k\",\"close_reason\":\"banned\",\"{field}\":{value}}}\n");
            let mut codes = Vec::new();
            for args in [
                &["--format", "human"][..],
                &["--format", "json"],
                &["--format", "line"],
                &["-q"],
            ] {
                let output = outcome()
                    .arg("explain")
                    .args(args)
                    .write_stdin(input.clone())
                    .output()
                    .expect("runs");
                codes.push(output.status.code());
            }
            assert_eq!(codes, [Some(2); 4], "{field}={value}");
        }
        let stats = format!(
            "{{\"key\":\"k\",\"scrapystats\":{{\"finish_reason\":\"banned\",\"elapsed_time_seconds\":{value}}}}}\n"
        );
        for format in ["line", "json"] {
            let output = run(&["explain", "--format", format], stats.clone());
            assert_eq!(
                output.status.code(),
                Some(2),
                "scrapystats {value} {format}"
            );
        }
    }
}

#[test]
fn a_lone_surrogate_costs_its_string_not_its_record_in_every_format() {
    // serde_json refuses `\ud800` without its pair; the lazy reading of --format line and
    // -q skips unused fields. Either way the verdict, and so the status, is the same.
    let records = [
        (
            r#"{"key":"k","close_reason":"banned","tags":["\ud800"]}"#,
            2,
        ),
        (
            r#"{"key":"k","close_reason":"banned","spider":"s\udc00"}"#,
            2,
        ),
        (r#"{"key":"\ud800","close_reason":"finished"}"#, 0),
        (
            r#"{"key":"k","close_reason":"finished","cancelled_by":"\ud83d\u0041"}"#,
            0,
        ),
        (
            r#"{"key":"k","scrapystats":{"finish_reason":"banned","x\ud800":1}}"#,
            2,
        ),
        (r#"{"key":"k","close_reason":"fin\ud800"}"#, 3),
    ];
    for (record, code) in records {
        for wrap in ["{}\n", "[{}]", "{}\n{}\n"] {
            let input = wrap.replace("{}", record);
            let mut codes = Vec::new();
            for args in [
                &["explain", "--format", "human"][..],
                &["explain", "--format", "json"],
                &["explain", "--format", "line"],
                &["explain", "-q"],
                &["summary", "--format", "json"],
            ] {
                let output = run(args, input.clone());
                assert!(
                    !stderr_of(&output).contains("invalid JSON"),
                    "{args:?} {input}: {}",
                    stderr_of(&output)
                );
                codes.push(output.status.code());
            }
            assert_eq!(codes, [Some(code); 5], "{input}");
        }
    }
}

#[test]
fn an_escape_cut_short_by_the_end_of_a_line_is_an_error_not_a_panic() {
    // Found by the fuzzer: a `\u` escape with fewer than four digits before the line ends,
    // in records that are broken anyway.
    for input in [
        "{close_ree:\\\"\\ud4,0\"]}\n\\ud4,0\"]}\n",
        "{\"close_reason\":\"\\ud8\n",
        "[\"\\u\n",
    ] {
        for args in [
            &["explain"][..],
            &["explain", "--format", "line"],
            &["summary"],
        ] {
            let output = run(args, input.to_string());
            assert_eq!(output.status.code(), Some(65), "{args:?} {input:?}");
            assert!(!stderr_of(&output).contains("panicked"), "{input:?}");
        }
    }
}

// 5. One bad value in a document loses only itself.

#[test]
fn a_bad_element_of_a_document_loses_only_itself() {
    let cases = [
        // A pretty-printed array with a trailing comma in one element.
        "[\n  {\"key\": \"a\", \"close_reason\": \"finished\", \"items\": 1},\n  {\"key\": \"b\", \"close_reason\": \"banned\",},\n  {\"key\": \"c\", \"close_reason\": \"shutdown\"}\n]\n",
        // Pretty values one after another (`jq '.[]'`), one with a bad token.
        "{\n  \"key\": \"a\",\n  \"close_reason\": \"finished\",\n  \"items\": 1\n}\n{\n  \"key\": \"b\",\n  \"close_reason\": banned\n}\n{\n  \"key\": \"c\",\n  \"close_reason\": \"shutdown\"\n}\n",
        // An envelope whose jobs list holds a bad element.
        "{\"status\": \"ok\", \"count\": 3, \"jobs\": [\n{\"id\": \"a\", \"close_reason\": \"finished\", \"items_scraped\": 1},\n{\"id\": \"b\" \"close_reason\": \"banned\"},\n{\"id\": \"c\", \"close_reason\": \"shutdown\"}\n]}\n",
        // A compact array on one line.
        "[{\"key\":\"a\",\"close_reason\":\"finished\",\"items\":1},{\"key\":\"b\",\"close_reason\":tru},{\"key\":\"c\",\"close_reason\":\"shutdown\"}]\n",
    ];
    for input in cases {
        let output = run(&["explain", "--format", "line"], input);
        let keys: Vec<String> = rows(&output).into_iter().map(|r| r[0].clone()).collect();
        assert_eq!(keys, ["a", "c"], "{input}");
        let stderr = stderr_of(&output);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("<stdin>: line "), "{stderr}");
        assert_eq!(output.status.code(), Some(1), "{input}");
    }
}

#[test]
fn a_bad_element_is_placed_at_its_line_and_column() {
    let input = "[\n  {\"key\": \"a\"},\n  {\"key\": \"b\", \"x\": tru},\n  {\"key\": \"c\"}\n]\n";
    let output = run(&["explain", "--format", "line"], input);
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("<stdin>: line 3: invalid JSON at column 24"),
        "{stderr}"
    );
}

/// serde_json places an error found at a newline (a raw newline in a string, the input
/// ending after its last line) at column 0 of the next line; the newline stands at the end
/// of its own line, and that is where the error is reported, in every kind of input.
#[test]
fn an_error_at_a_newline_is_placed_where_the_newline_stands() {
    let record = r#"{"key": "1/2/3", "close_reason": "finished""#;
    let cases = [
        // One record cut off after its line, and one with a string cut by its newline.
        (format!("{record}\n"), 1, record.len() + 1),
        (format!("{}\n", &record[..38]), 1, 39),
        // The same on the second line of a document.
        (format!("[{record}}},\n {record}\n"), 2, record.len() + 2),
        (format!("[{record}}},\n {}\n", &record[..38]), 2, 40),
        // Within a pretty-printed element, after the lines before it (serde_json places a
        // string it steps over at its last byte, not at the newline).
        (
            "[\n  {\n    \"key\": \"a\",\n    \"note\": \"cut\n  }\n]\n".to_string(),
            4,
            16,
        ),
        // A pretty-printed element whose input ends.
        ("[\n  {\n    \"key\": \"a\"\n".to_string(), 3, 15),
    ];
    for (input, line, column) in cases {
        let output = run(&["explain", "--format", "line"], input.clone());
        let stderr = stderr_of(&output);
        let want = format!("<stdin>: line {line}: invalid JSON at column {column}: ");
        assert!(stderr.contains(&want), "{input:?}: {stderr}");
        assert!(!stderr.contains("column 0"), "{input:?}: {stderr}");
        // The good element before a bad one is answered, and the bad one is unknown.
        let status = if line == 2 { 3 } else { 65 };
        assert_eq!(output.status.code(), Some(status), "{input:?}");
        // Every command and format places it the same way.
        for args in [&["explain", "--format", "json"][..], &["summary"]] {
            let other = run(args, input.clone());
            assert_eq!(stderr_of(&other), stderr, "{args:?} {input:?}");
            assert_eq!(other.status.code(), Some(status), "{args:?} {input:?}");
        }
    }
    // A user catalog, placed as an editor would: file:line:column.
    for (text, place) in [
        ("{\"outcomes\": [\n", "1:15"),
        ("{\"outcomes\": [{\"name\": \"x\n", "1:26"),
        ("{\n  \"outcomes\": [\n\n", "3:1"),
    ] {
        let catalog = TempFile::new("newline-catalog.json", text.as_bytes());
        let output = outcome()
            .args(["explain", "finished", "--catalog"])
            .arg(catalog.path())
            .output()
            .expect("runs");
        let stderr = stderr_of(&output);
        assert!(
            stderr.contains(&format!("newline-catalog.json:{place}: ")),
            "{text:?}: {stderr}"
        );
        assert_eq!(output.status.code(), Some(78), "{text:?}");
    }
}

#[test]
fn strings_that_hide_brackets_are_split_right_wherever_they_fall() {
    // Every shift of the bytes against the splitter's 64-byte steps: strings holding
    // brackets, escaped quotes and backslashes, and a bad element after them whose line
    // must come out exact.
    for pad in 0..70 {
        let filler = "x".repeat(pad);
        let input = format!(
            "[\n  {{\n    \"key\": \"a\",\n    \"note\": \"{filler}]}}[{{\\\"\\\\\",\n    \"close_reason\": \"finished\"\n  }},\n  {{\"key\": \"b\", \"spider_args\": {{\"q\": \"}}\\\\\"}}, \"close_reason\": \"banned\"}},\n  {{\"key\": \"c\", \"x\": tru}},\n  {{\"key\": \"d\", \"close_reason\": \"shutdown\"}}\n]\n"
        );
        for (what, bytes) in [
            ("pretty", input.clone()),
            ("compact", input.replace('\n', "")),
        ] {
            let output = run(&["explain", "--format", "line"], bytes.clone());
            let keys: Vec<String> = rows(&output).into_iter().map(|r| r[0].clone()).collect();
            assert_eq!(keys, ["a", "b", "d"], "{what} {pad}: {bytes}");
            let stderr = stderr_of(&output);
            let line = if what == "pretty" { 8 } else { 1 };
            assert!(
                stderr.contains(&format!("<stdin>: line {line}: invalid JSON")),
                "{what} {pad}: {stderr}"
            );
        }
    }
}

#[test]
fn a_raw_newline_after_a_backslash_still_counts_as_a_line() {
    // Not JSON (a string cannot hold a raw newline), but the lines after it keep their
    // numbers: each bad element is reported where it goes wrong, the others are read.
    let input = "[\n  {\"key\": \"a\", \"x\": \"one\\\ntwo\"},\n  {\"key\": \"b\", \"y\": tru},\n  {\"key\": \"c\", \"close_reason\": \"finished\"}\n]\n";
    let output = run(&["explain", "--format", "line"], input);
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("<stdin>: line 2: invalid JSON at column 26: invalid escape"),
        "{stderr}"
    );
    assert!(stderr.contains("<stdin>: line 4: invalid JSON"), "{stderr}");
    let keys: Vec<String> = rows(&output).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(keys, ["c"]);
}

// 6. Overflow in log facts.

#[test]
fn impossible_memory_limits_are_unknown() {
    for (limit, bytes) in [
        ("17592186044416MiB", serde_json::Value::Null),
        ("99999999999999999999999M", serde_json::Value::Null),
        ("2048MiB", serde_json::json!(2147483648u64)),
        ("160M", serde_json::json!(167772160u64)),
    ] {
        let log = format!(
            "2024-01-01 00:00:00 [scrapy.extensions.memusage] ERROR: Memory usage exceeded {limit}. Shutting down Scrapy...\n\
             2024-01-01 00:00:01 [scrapy.core.engine] INFO: Closing spider (memusage_exceeded)\n"
        );
        let output = run(&["explain", "--format", "json"], log);
        assert_eq!(output.status.code(), Some(2), "{limit}");
        assert_eq!(
            json_lines(&output)[0]["job"]["memory_limit_bytes"],
            bytes,
            "{limit}"
        );
    }
}

// 7. Logs behind banners and warnings.

#[test]
fn a_log_behind_a_banner_or_warnings_is_a_log() {
    let close = "2024-01-01 00:00:00 [scrapy.core.engine] INFO: Spider closed (finished)\n";
    let mut banner = String::new();
    for i in 0..300 {
        banner.push_str(&format!("=== wrapper banner line {i} ===\n"));
    }
    let warning = "/usr/lib/python3/dist-packages/scrapy/utils/x.py:12: ScrapyDeprecationWarning: old\n  warnings.warn(\n";
    for input in [
        banner + close,
        format!("{warning}{close}"),
        format!("{warning}{warning}{close}"),
    ] {
        let lines = input.lines().count();
        let output = run(&["explain", "--format", "line"], input);
        assert_eq!(
            rows(&output),
            [[
                format!("<stdin>:{lines}").as_str(),
                "finished",
                "ok",
                "The spider ran out of work and closed normally"
            ]]
        );
        assert_eq!(output.status.code(), Some(0));
    }
}

// 8. Caps on reads.

#[test]
fn a_catalog_that_never_ends_is_refused() {
    let output = outcome()
        .args(["explain", "finished", "--catalog", "/dev/zero"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(78));
    assert!(
        stderr_of(&output).contains("over the 16 MiB limit"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn many_long_custom_reasons_are_all_explained() {
    let mut input = String::new();
    for i in 0..200 {
        input.push_str(&format!("{}{i}\n", "r".repeat(10_000)));
    }
    let output = run(&["explain", "--format", "line"], input);
    assert_eq!(rows(&output).len(), 200);
    assert_eq!(output.status.code(), Some(3));
}

// 9. A big user catalog loads and works.

#[test]
fn a_catalog_of_sixty_four_thousand_entries_works() {
    let mut text = String::from("{\"outcomes\":[");
    for i in 0..64_000 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            "{{\"name\":\"team_reason_{i}\",\"severity\":\"warning\",\"title\":\"Reason {i}\",\"explanation\":\"Ours.\"}}"
        ));
    }
    text.push_str("]}");
    let catalog = TempFile::new("big-catalog.json", text.as_bytes());
    let output = outcome()
        .args([
            "explain",
            "team_reason_63999",
            "finished",
            "--format",
            "line",
            "--catalog",
        ])
        .arg(catalog.path())
        .output()
        .expect("runs");
    assert_eq!(
        rows(&output)[0],
        ["-", "team_reason_63999", "warning", "Reason 63999"]
    );
    assert_eq!(output.status.code(), Some(1));
}

// 10. Matching edge cases and catalog names.

#[test]
fn a_name_without_letters_matches_only_itself() {
    let catalog = TempFile::new(
        "punct.json",
        br#"{"outcomes":[{"name":"???","severity":"critical","title":"Question marks","explanation":"x"}]}"#,
    );
    for (reason, outcome_name) in [("???", "???"), ("!!!", "!!!"), ("?", "?")] {
        let output = outcome()
            .args(["explain", reason, "--format", "json", "--catalog"])
            .arg(catalog.path())
            .output()
            .expect("runs");
        let report = &json_lines(&output)[0];
        assert_eq!(report["outcome"], outcome_name);
        let want = if reason == "???" { "exact" } else { "custom" };
        assert_eq!(report["matched"], want, "{reason}");
    }
    let output = outcome()
        .args(["explain", "--format", "json", "--catalog"])
        .arg(catalog.path())
        .write_stdin("{\"key\":\"k\",\"close_reason\":\"\"}\n")
        .output()
        .expect("runs");
    assert_ne!(json_lines(&output)[0]["title"], "Question marks");
}

#[test]
fn a_name_twice_in_one_catalog_is_a_configuration_error() {
    let catalog = TempFile::new(
        "twice.json",
        b"{\"outcomes\":[\n{\"name\":\"dup\",\"severity\":\"ok\",\"title\":\"a\",\"explanation\":\"x\"},\n{\"name\":\"dup\",\"severity\":\"critical\",\"title\":\"b\",\"explanation\":\"y\"}\n]}\n",
    );
    let output = outcome()
        .args(["list", "--catalog"])
        .arg(catalog.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(78));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("twice.json:3:"), "{stderr}");
    assert!(stderr.contains("also at line 2"), "{stderr}");
}

#[test]
fn dotted_capital_i_matches_consistently() {
    for reason in ["KİLLED BY OOM", "kİlled-by-oom"] {
        let first = run(&["explain", reason, "--format", "json"], "");
        let again = run(&["explain", reason, "--format", "json"], "");
        assert_eq!(stdout_of(&first), stdout_of(&again));
        assert_eq!(first.status.code(), Some(3), "{reason}");
        assert_eq!(
            json_lines(&first)[0]["suggestion"],
            "killed by oom",
            "{reason}"
        );
    }
}

// 11. Output errors and -q.

#[test]
fn a_closed_stdout_is_an_output_error() {
    for args in [
        &["explain", "banned"][..],
        &["list"],
        &["completions", "bash"],
        &["--help"],
        &["--version"],
        &[
            "summary",
            "--format",
            "nagios",
            "-i",
            "/nonexistent/jobs.jl",
        ],
    ] {
        let output = std::process::Command::new("sh")
            .arg("-c")
            .arg("\"$0\" \"$@\" >&-")
            .arg(assert_cmd::cargo::cargo_bin("outcome"))
            .args(args)
            .env_remove("OUTCOME_CATALOG")
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(74), "{args:?}");
        assert!(
            stderr_of(&output).contains("standard output is closed"),
            "{args:?}"
        );
    }
    // -q writes nothing, so a closed stdout does not matter: the verdict stands.
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg("\"$0\" explain -q banned >&-")
        .arg(assert_cmd::cargo::cargo_bin("outcome"))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn quiet_silences_every_command() {
    for args in [
        &["completions", "bash", "-q"][..],
        &["list", "-q"],
        &["explain", "finished", "-q"],
        &["summary", "-q"],
    ] {
        let output = run(
            args,
            "{\"key\":\"k\",\"close_reason\":\"finished\",\"items\":1}\n",
        );
        assert_eq!(stdout_of(&output), "", "{args:?}");
        assert_eq!(output.status.code(), Some(0), "{args:?}");
    }
}

/// A value the command line refuses is echoed in clap's error: escaped like any input.
#[test]
fn refused_option_values_are_escaped_in_usage_errors() {
    let hostile = "\u{1b}]52;c;aGk=\u{7}\u{1b}[31m5\u{202e}";
    for args in [
        &["summary", "-w", hostile][..],
        &["summary", "-c", hostile],
        &["summary", "--since", hostile],
        &["explain", "--finding", hostile, "finished"],
        &["list", "--format", hostile],
        &["list", "--color", hostile],
        &["summary", "--format", hostile],
        &["completions", hostile],
        &["list", "--severity", hostile],
        &[hostile],
    ] {
        let output = outcome().args(args).output().expect("runs");
        assert_eq!(output.status.code(), Some(64), "{args:?}");
        let stderr = stderr_of(&output);
        assert!(
            !stderr.contains('\u{1b}') && !stderr.contains('\u{7}') && !stderr.contains('\u{202e}'),
            "{args:?}: {stderr:?}"
        );
        assert!(
            stderr.contains("\\x1b"),
            "{args:?}: shown escaped: {stderr:?}"
        );
    }
}

/// /dev/null opened read and write, as Python's subprocess.DEVNULL (and so Airflow and
/// many supervisors) passes it, is an open stdout: the verdict, not 74.
#[test]
fn dev_null_opened_read_write_is_not_a_closed_stdout() {
    for args in [
        &["explain", "banned"][..],
        &["list"],
        &["explain", "-q", "finished"],
    ] {
        let null = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/null")
            .expect("/dev/null");
        let output = common::std_outcome()
            .args(args)
            .stdout(null)
            .output()
            .expect("runs");
        let expected = if args.contains(&"banned") { 2 } else { 0 };
        assert_eq!(
            output.status.code(),
            Some(expected),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.stderr.is_empty(), "{args:?}");
    }
}

// 12. Unbounded inputs (issue 28): what the input cannot make `outcome` hold or do.

/// The exit status, stderr and peak resident memory (KiB) of `outcome ARGS < stdin_file`,
/// measured by the kernel for that process alone (Python's `RUSAGE_CHILDREN` in a parent
/// that starts nothing else).
fn peak_of(args: &[&str], stdin_file: &std::path::Path) -> (Option<i32>, String, u64) {
    let script = "import resource, subprocess, sys\n\
        with open(sys.argv[1], 'rb') as f:\n\
        \x20   p = subprocess.run(sys.argv[2:], stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n\
        sys.stderr.buffer.write(p.stderr)\n\
        print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n";
    let output = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(stdin_file)
        .arg(assert_cmd::cargo::cargo_bin("outcome"))
        .args(args)
        .output()
        .expect("python3 runs (it is on every machine the tests run on)");
    let out = stdout_of(&output);
    let mut words = out.split_whitespace();
    let code = words.next().and_then(|w| w.parse().ok());
    let peak = words.next().and_then(|w| w.parse().ok()).expect("a peak");
    (code, stderr_of(&output), peak)
}

#[test]
fn nesting_costs_no_memory_beyond_the_record() {
    // 20 MiB of `[`: one record nested twenty million deep. The splitter remembers 128
    // levels and counts the rest; the record itself is kept (it is under the 64 MiB cap)
    // and refused by the parser, as any record nested too deep.
    let deep = TempFile::new("deep.json", &vec![b'['; 20 << 20]);
    let small = TempFile::new("small.json", b"[[[[1]]]]\n");
    let (_, _, baseline) = peak_of(&["explain", "--format", "line"], small.path());
    let (code, stderr, peak) = peak_of(&["explain", "--format", "line"], deep.path());
    assert_eq!(code, Some(65), "{stderr}");
    assert_eq!(
        stderr,
        "outcome: <stdin>: line 1: nested too deep at column 129\n"
    );
    // The record's bytes, and no more than as much again.
    assert!(
        peak < baseline + 2 * (20 << 10),
        "{peak} KiB for twenty million levels, {baseline} KiB for four"
    );
    // Records around a deep one are read; the deep one is said where the parser says it.
    let mixed = format!(
        "[{{\"close_reason\":\"finished\"}},\n{}{},\n{{\"close_reason\":\"shutdown\"}}]\n",
        "[".repeat(200),
        "]".repeat(200)
    );
    let output = run(&["explain", "--format", "line"], mixed);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(rows(&output).len(), 2, "{}", stdout_of(&output));
    assert_eq!(
        stderr_of(&output),
        "outcome: <stdin>: line 2: nested too deep at column 128\n"
    );
}

#[test]
fn a_reason_of_megabytes_costs_about_its_size_and_the_card_quotes_its_start() {
    // 8 MB of one word: no spelling is near it, which is known before any distance.
    let big = TempFile::new("reason.txt", "x".repeat(8_000_000).as_bytes());
    let small = TempFile::new("small-reason.txt", b"xyzzy_custom\n");
    let (_, _, baseline) = peak_of(&["explain"], small.path());
    let (code, stderr, peak) = peak_of(&["explain"], big.path());
    assert_eq!(code, Some(3), "{stderr}");
    // The line as read and its normalized form; nothing a character or a spelling.
    assert!(
        peak < baseline + 3 * 8_000,
        "{peak} KiB for an 8 MB reason, {baseline} KiB for a short one"
    );
    let output = outcome()
        .args(["explain", "--color", "never", "-i"])
        .arg(big.path())
        .output()
        .expect("runs");
    let card = stdout_of(&output);
    assert!(card.len() < 4_000, "{} bytes of card", card.len());
    assert!(
        common::squeezed(&card.replace('\n', " "))
            .contains("x… (8,000,000 bytes in all)` is not in the catalog"),
        "{card}"
    );
    // JSON carries it whole.
    let output = outcome()
        .args(["explain", "--format", "json", "-i"])
        .arg(big.path())
        .output()
        .expect("runs");
    assert_eq!(
        json_lines(&output)[0]["input"].as_str().map(str::len),
        Some(8_000_000)
    );
}
