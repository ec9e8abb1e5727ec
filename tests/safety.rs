//! The output path and the terminal: closed pipes, full disks, escape sequences, colour,
//! a terminal on stdin, and the committed completion scripts.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command as StdCommand, Stdio};

use common::{fixture, json_lines, outcome, std_outcome, stderr_of, stdout_of};

fn big_stream(records: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..records {
        writeln!(
            out,
            r#"{{"key":"1/2/{i}","state":"finished","close_reason":"finished","items":{i}}}"#
        )
        .expect("in memory");
    }
    out
}

#[test]
fn a_closed_pipe_stops_quietly_in_every_format() {
    let input = big_stream(50_000);
    for format in ["human", "json", "line"] {
        let path =
            std::env::temp_dir().join(format!("outcome-pipe-{format}-{}.jl", std::process::id()));
        std::fs::write(&path, &input).expect("temp file");
        let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("outcome"))
            .args(["explain", "--format", format, "-i"])
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawns");
        let stdout = child.stdout.take().expect("piped");
        let mut first = String::new();
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("one line");
        // The reader is dropped here: the pipe closes after one line.
        let output = child.wait_with_output().expect("exits");
        std::fs::remove_file(&path).ok();
        assert!(!first.is_empty(), "{format}");
        let stderr = stderr_of(&output);
        assert_eq!(stderr, "", "{format}: {stderr}");
        assert!(
            matches!(output.status.code(), Some(0..=3)),
            "{format}: {:?}",
            output.status
        );
    }
}

#[test]
fn list_into_head_exits_quietly() {
    let output = StdCommand::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' list | head -1",
            assert_cmd::cargo::cargo_bin("outcome").display()
        ))
        .output()
        .expect("runs");
    assert_eq!(stdout_of(&output).lines().count(), 1);
    assert_eq!(stderr_of(&output), "");
}

#[test]
fn a_full_disk_is_an_io_error() {
    assert!(
        std::path::Path::new("/dev/full").exists(),
        "this test writes to /dev/full, which every Linux has"
    );
    for args in [
        &["list"][..],
        &["explain", "memusage_exceeded"],
        &["completions", "bash"],
        // What clap writes itself: help and the version.
        &["--help"],
        &["explain", "--help"],
        &["help", "run"],
        &["--version"],
        // A plugin's UNKNOWN line for an input it could not read.
        &[
            "summary",
            "--format",
            "nagios",
            "-i",
            "/nonexistent/jobs.jl",
        ],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full opens");
        let output = std_outcome()
            .args(args)
            .stdout(full)
            .stderr(Stdio::piped())
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(74), "{args:?}");
        assert!(
            stderr_of(&output).contains("error writing output"),
            "{args:?}"
        );
    }
}

const NASTY: &str = "evil\u{1b}]52;c;SGVsbG8=\u{7}\u{1b}[31mred\u{1b}]0;title\u{7}\u{1b}]8;;http://x\u{1b}\\link\u{9b}2J\u{7f}\u{202e}txt\u{200b}\tx";

fn assert_terminal_safe(text: &str) {
    for bad in [
        '\u{1b}', '\u{7}', '\u{9b}', '\u{7f}', '\u{202e}', '\u{200b}',
    ] {
        assert!(!text.contains(bad), "raw {:?} in {text:?}", bad);
    }
}

#[test]
fn a_reason_is_echoed_terminal_safe() {
    for format in ["human", "line"] {
        let output = outcome()
            .args(["explain", NASTY, "--format", format])
            .output()
            .expect("runs");
        let text = stdout_of(&output);
        assert_terminal_safe(&text);
        assert!(text.contains("\\x1b[31mred"), "{text}");
        assert!(text.contains("\\u{202e}"), "{text}");
    }
    let output = outcome()
        .args(["explain", NASTY, "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(json_lines(&output)[0]["input"], NASTY);
}

#[test]
fn every_echoed_record_field_is_terminal_safe() {
    let record = serde_json::json!({
        "key": NASTY, "spider": NASTY, "state": "finished", "close_reason": NASTY,
        "tags": [NASTY], "cancelled_by": NASTY,
        "scrapystats": {"finish_reason": "finished"}
    });
    let line = record.to_string();
    let stream = format!("{line}\n{line}\n");
    for (input, format) in [(&line, "human"), (&stream, "human"), (&line, "line")] {
        let output = outcome()
            .args(["explain", "--format", format])
            .write_stdin(input.as_bytes())
            .output()
            .expect("runs");
        assert_terminal_safe(&stdout_of(&output));
        assert_terminal_safe(&stderr_of(&output));
    }
    let output = outcome()
        .args(["summary", "--by", "spider"])
        .write_stdin(stream.as_bytes())
        .output()
        .expect("runs");
    assert_terminal_safe(&stdout_of(&output));
    // A malformed line is quoted on stderr: escaped too.
    let output = outcome()
        .arg("explain")
        .write_stdin(format!("{line}\n{{\"key\": \"{}\"\n", "\\u001b[2J"))
        .output()
        .expect("runs");
    assert_terminal_safe(&stderr_of(&output));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let has_escape = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = outcome();
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        stdout_of(&cmd.output().expect("runs")).contains('\u{1b}')
    };
    let explain = ["explain", "banned"];
    assert!(!has_escape(&explain, &[]), "a pipe gets no colour");
    assert!(has_escape(&["explain", "banned", "--color", "always"], &[]));
    assert!(has_escape(&explain, &[("CLICOLOR_FORCE", "1")]));
    assert!(!has_escape(
        &explain,
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    ));
    assert!(has_escape(
        &["explain", "banned", "--color", "always"],
        &[("NO_COLOR", "1")]
    ));
    assert!(!has_escape(
        &["explain", "banned", "--color", "never"],
        &[("CLICOLOR_FORCE", "1")]
    ));
}

/// A pseudo-terminal for stdin, so that "no reason and stdin is a terminal" can be tested.
fn pty() -> Option<std::fs::File> {
    use std::os::fd::FromRawFd;
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes two file descriptors into the integers we pass.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    if rc != 0 {
        return None;
    }
    // SAFETY: both descriptors were just opened for us and are owned by the Files.
    let (_master, slave) = unsafe {
        (
            std::fs::File::from_raw_fd(master),
            std::fs::File::from_raw_fd(slave),
        )
    };
    std::mem::forget(_master);
    Some(slave)
}

#[test]
fn no_reason_and_a_terminal_on_stdin_is_66_not_a_hang() {
    let Some(tty) = pty() else {
        eprintln!("no pseudo-terminal available");
        return;
    };
    for args in [&["explain"][..], &["explain", "-"], &["summary"]] {
        let tty = tty.try_clone().expect("dup");
        let mut child = std_outcome()
            .args(args)
            .stdin(tty)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawns");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while child.try_wait().expect("waits").is_none() {
            if std::time::Instant::now() > deadline {
                child.kill().ok();
                panic!("{args:?} waited on the terminal");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let output = child.wait_with_output().expect("exits");
        assert_eq!(output.status.code(), Some(66), "{args:?}");
        assert!(stderr_of(&output).contains("no input"), "{args:?}");
    }
}

#[test]
fn committed_completions_are_up_to_date() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in [
        ("bash", "outcome.bash"),
        ("zsh", "_outcome"),
        ("fish", "outcome.fish"),
        ("elvish", "outcome.elv"),
        ("powershell", "_outcome.ps1"),
    ] {
        let output = outcome()
            .args(["completions", shell])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(0));
        let committed = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        assert!(
            committed == stdout_of(&output),
            "completions/{file} is stale; refresh them all with: \
             cargo run -q -- completions --dir completions"
        );
    }
}

#[test]
fn completion_offers_reason_names() {
    let output = outcome()
        .args(["completions", "bash"])
        .output()
        .expect("runs");
    let script = stdout_of(&output);
    for name in ["memusage_exceeded", "killed_by_oom", "cancelled_stalled"] {
        assert!(script.contains(name), "{name}");
    }
}

#[test]
fn readme_and_help_show_the_same_exit_codes() {
    let readme = std::fs::read_to_string(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md"),
    )
    .expect("README");
    let help = stdout_of(&outcome().arg("--help").output().expect("runs"));
    for code in ["0", "1", "2", "3", "64", "65", "66", "70", "74", "78"] {
        assert!(
            readme.contains(&format!("| {code} |")),
            "README lacks exit code {code}"
        );
        assert!(
            help.contains(&format!("\n  {code} ")),
            "--help lacks exit code {code}"
        );
    }
}

#[test]
fn missing_and_directory_inputs_are_66() {
    let output = outcome()
        .args(["explain", "-i", "/nonexistent/file.jl"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(66));
    assert_eq!(
        stderr_of(&output).trim(),
        "outcome: /nonexistent/file.jl: no such file"
    );
    // A directory is read file by file; one with no file in it is the error.
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("empty-dir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let output = outcome()
        .arg("explain")
        .arg("-i")
        .arg(&dir)
        .output()
        .expect("runs");
    let _ = std::fs::remove_dir(&dir);
    assert_eq!(output.status.code(), Some(66));
    assert!(stderr_of(&output).contains("a directory with no file in it"));
}

#[test]
fn one_missing_file_does_not_hide_the_others() {
    let output = outcome()
        .args([
            "explain",
            "--format",
            "line",
            "-i",
            "/nonexistent/a.jl",
            "-i",
        ])
        .arg(fixture("array.json"))
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(66));
    assert_eq!(stdout_of(&output).lines().count(), 2);
}

#[test]
fn completions_dir_writes_every_shell() {
    let dir = std::env::temp_dir().join(format!("outcome-completions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    outcome()
        .args(["completions", "--dir"])
        .arg(&dir)
        .assert()
        .code(0)
        .stdout("");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("listed")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(
        names,
        [
            "_outcome",
            "_outcome.ps1",
            "outcome.bash",
            "outcome.elv",
            "outcome.fish"
        ]
    );
    // A directory that cannot be made (below a file): 74, naming it.
    outcome()
        .args(["completions", "--dir", "/dev/null/completions"])
        .assert()
        .code(74)
        .stderr(predicates::str::contains("/dev/null/completions"));
}

#[test]
fn a_bug_ends_in_one_line_and_status_70() {
    // The hook that provokes it exists in debug builds only; the binary under test is built
    // with the tests' own profile, so `cargo test --release` checks that a release build
    // has no such hook.
    let output = outcome()
        .args(["explain", "finished"])
        .env("OUTCOME_DEBUG_PANIC", "1")
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("runs");
    if !cfg!(debug_assertions) {
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
        assert!(stdout_of(&output).starts_with("finished  OK"));
        return;
    }
    assert_eq!(output.status.code(), Some(70));
    let stderr = stderr_of(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("outcome: internal error"), "{stderr}");
    assert_eq!(stdout_of(&output), "");
}
