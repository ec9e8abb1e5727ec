//! `outcome run` (issue 11). Most cases replay a log the real Scrapy wrote
//! (tests/fixtures/real/) from a child's stderr, which is all `outcome run` sees of a
//! crawl; `the_real_scrapy_under_outcome_run` runs Scrapy itself, installed from PyPI into
//! target/scrapy-venv/ when it is not there yet.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{outcome, real_scrapy, scrapy_project, squeezed, std_outcome, stderr_of, stdout_of};

fn real(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real/2.19.0")
        .join(format!("{name}.log"))
        .display()
        .to_string()
}

/// `sh -c` that writes a real log to stderr, as a crawl would.
fn replaying(name: &str, then: &str) -> Vec<String> {
    vec![
        "sh".into(),
        "-c".into(),
        format!("cat '{}' >&2; {then}", real(name)),
    ]
}

fn run(args: &[&str], command: &[String]) -> std::process::Output {
    outcome()
        .arg("run")
        .args(args)
        .arg("--")
        .args(command)
        .output()
        .expect("runs")
}

fn temp(tag: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("run-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn the_verdict_is_the_exit_status_and_the_log_passes_through() {
    for (name, code, words) in [
        ("clean", 0, "OK <stderr>:"),
        (
            "blocked",
            2,
            "finished blocked_responses: 18 of 21 responses were refusals",
        ),
        ("closespider_errorcount", 2, "closespider_errorcount"),
        ("sigint", 1, "shutdown"),
        ("items_dropped", 1, "items_dropped"),
    ] {
        let output = run(&[], &replaying(name, "exit 0"));
        assert_eq!(output.status.code(), Some(code), "{name}");
        let stderr = stderr_of(&output);
        let log = std::fs::read_to_string(real(name)).expect("log");
        assert!(
            stderr.starts_with(&log),
            "{name}: the log is passed through first, whole"
        );
        let report = &stderr[log.len()..];
        assert!(squeezed(report).contains(words), "{name}: {report}");
        assert_eq!(
            report.lines().count(),
            1,
            "{name}: one line per crawl: {report}"
        );
    }
}

#[test]
fn stdout_passes_through_byte_for_byte() {
    let bytes: Vec<u8> = (0u8..=255).cycle().take(300_000).collect();
    let dir = temp("stdout");
    let data = dir.join("data.bin");
    std::fs::write(&data, &bytes).expect("data");
    let command = vec![
        "sh".to_string(),
        "-c".to_string(),
        format!("cat '{}'; cat '{}' >&2", data.display(), real("clean")),
    ];
    let output = run(&[], &command);
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout == bytes, "stdout changed on the way");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_commands_own_end_is_evidence() {
    let dir = temp("fate");
    let report = dir.join("report.json");
    let report_arg = report.display().to_string();
    let json = |output: &std::process::Output| -> serde_json::Value {
        assert!(output.status.code().is_some());
        let text = std::fs::read_to_string(&report).expect("report written");
        serde_json::from_str(text.lines().next().expect("a line")).expect("JSON")
    };
    // Killed by SIGKILL mid-crawl: said as such, CRITICAL.
    let output = run(
        &["-q", "--report", &report_arg, "--format", "json"],
        &replaying("killed", "kill -9 $$"),
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr_of(&output).matches("Spider opened").count(),
        1,
        "-q keeps the pass-through"
    );
    let value = json(&output);
    assert_eq!(value["command"]["exit_code"], serde_json::Value::Null);
    assert_eq!(value["command"]["signal"], "SIGKILL");
    assert!(
        value["command"]["line"]
            .as_str()
            .is_some_and(|l| l.starts_with("sh -c 'cat ") && l.ends_with("; kill -9 $$'")),
        "{value}"
    );
    assert!(value["command"]["seconds"].as_f64() >= Some(0.0), "{value}");
    // How the command ended decided the verdict: a finding that JSON names.
    assert_eq!(value["deciding"], "command_failed", "{value}");
    let finding = &value["findings"][0];
    assert_eq!(finding["id"], "command_failed", "{value}");
    assert!(
        finding["evidence"][0]
            .as_str()
            .is_some_and(|e| e.starts_with("the command was killed by SIGKILL: out of memory?")),
        "{finding}"
    );
    // Its steps fit how the command ended, and the process is known to be gone.
    let steps = value.to_string();
    assert!(steps.contains("After SIGKILL, look for"), "{value}");
    assert!(!steps.contains("After a non-zero exit"), "{value}");
    assert!(
        !steps.contains("Check whether the process is still running"),
        "{value}"
    );
    // Like any finding's, its level is the user's to set.
    let output = run(
        &["-q", "--finding", "command_failed=warning"],
        &replaying("killed", "kill -9 $$"),
    );
    assert_eq!(output.status.code(), Some(1));
    // Off: the verdict is the log's own (it never closed), and the end is still said.
    let output = run(
        &[
            "--report",
            &report_arg,
            "--format",
            "json",
            "--finding",
            "command_failed=off",
        ],
        &replaying("killed", "kill -9 $$"),
    );
    assert_eq!(output.status.code(), Some(3));
    let value = json(&output);
    assert!(
        value["notes"][0]
            .as_str()
            .is_some_and(|n| n.starts_with("the command was killed by SIGKILL")),
        "{value}"
    );
    // A non-zero exit without a close line: it failed to start.
    let output = run(
        &["--report", &report_arg, "--format", "json"],
        &replaying("spider_not_found", "exit 1"),
    );
    assert_eq!(output.status.code(), Some(2));
    let value = json(&output);
    assert_eq!(value["command"]["exit_code"], 1);
    assert!(
        value["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["id"] == "command_failed"
                && f["evidence"][0]
                    == "the command exited with status 1 before any crawl in its log closed")),
        "{value}"
    );
    let steps = value.to_string();
    assert!(steps.contains("After a non-zero exit"), "{value}");
    assert!(!steps.contains("After SIGKILL"), "{value}");
    assert!(
        stderr_of(&output).contains("CRITICAL  <stderr>:"),
        "{}",
        stderr_of(&output)
    );
    // Exit 0 with no log at all.
    let output = run(
        &["--report", &report_arg, "--format", "json"],
        &["true".to_string()],
    );
    assert_eq!(output.status.code(), Some(3));
    let value = json(&output);
    assert_eq!(value["matched"], "empty");
    assert!(value["notes"][0]
        .as_str()
        .expect("note")
        .contains("wrote no Scrapy log"));
    // A crawl that closed, and a command that then failed: the crawl's verdict stands.
    let output = run(&[], &replaying("clean", "exit 3"));
    assert_eq!(output.status.code(), Some(0));
    assert!(stderr_of(&output).contains("the command exited with status 3"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_command_that_cannot_start_is_66() {
    let dir = temp("nostart");
    let plain = dir.join("not-executable");
    std::fs::write(&plain, "echo hi\n").expect("file");
    for (command, words) in [
        (
            "no-such-command-anywhere".to_string(),
            "cannot run `no-such-command-anywhere`: no such command",
        ),
        (plain.display().to_string(), "permission denied"),
    ] {
        let output = run(&[], std::slice::from_ref(&command));
        assert_eq!(output.status.code(), Some(66), "{command}");
        assert!(stderr_of(&output).contains(words), "{}", stderr_of(&output));
        assert_eq!(stderr_of(&output).lines().count(), 1);
    }
    let output = outcome().args(["run"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(64), "a command is needed");
    let output = outcome()
        .args(["run", "--format", "nagios", "--", "true"])
        .output()
        .expect("runs");
    assert_eq!(
        output.status.code(),
        Some(3),
        "nagios errors are one UNKNOWN line"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_log_file_is_followed_from_its_current_end() {
    let dir = temp("follow");
    let log = dir.join("crawl.log");
    // An older run's log is there already: only what this run writes counts.
    std::fs::write(&log, std::fs::read(real("blocked")).expect("old")).expect("old log");
    let lines: Vec<String> = std::fs::read_to_string(real("clean"))
        .expect("log")
        .lines()
        .map(str::to_string)
        .collect();
    let half = lines.len() / 2;
    let script = format!(
        "sed -n '1,{half}p' '{src}' >> '{log}'; sleep 0.5; sed -n '{next},$p' '{src}' >> '{log}'",
        src = real("clean"),
        log = log.display(),
        next = half + 1
    );
    let output = run(
        &["--log", &log.display().to_string()],
        &["sh".to_string(), "-c".to_string(), script],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        squeezed(&stderr).contains("finished The spider ran out of work"),
        "{stderr}"
    );
    assert!(stderr.contains("crawl.log:"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

/// `outcome run -- sh -c` with a script that sets `traps` (given the marker file's path to
/// write to) and then waits; returned once the script has said it is ready. The directory,
/// the marker, the running child, and the deadline for the rest of the test.
fn trapping_command(
    name: &str,
    traps: impl Fn(&str) -> String,
    within: Duration,
) -> (PathBuf, PathBuf, std::process::Child, Instant) {
    let dir = temp(name);
    let marker = dir.join("got");
    let m = marker.display().to_string();
    let script = format!(
        "{} echo ready >> {m}; while :; do sleep 0.05; done",
        traps(&m)
    );
    let child = std_outcome()
        .args(["run", "--", "sh", "-c", &script])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let deadline = Instant::now() + within;
    while !marker_says(&marker, "ready") {
        assert!(Instant::now() < deadline, "the command never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    (dir, marker, child, deadline)
}

/// Whether the marker file has a line `word`.
fn marker_says(marker: &Path, word: &str) -> bool {
    std::fs::read_to_string(marker)
        .unwrap_or_default()
        .lines()
        .any(|l| l == word)
}

#[test]
fn signals_are_passed_on_and_outcome_waits_for_the_command() {
    let (dir, marker, mut child, deadline) = trapping_command(
        "signal",
        |m| format!("trap 'echo got >> {m}; exit 0' INT;"),
        Duration::from_secs(10),
    );
    // SAFETY: kill with plain integers, aimed at the outcome process we started.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let Some(status) = wait_for(
        &mut child,
        deadline.saturating_duration_since(Instant::now()),
    ) else {
        let _ = child.kill();
        panic!("outcome run did not end after SIGINT");
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("reads");
    assert!(marker_says(&marker, "got"), "the command got the SIGINT");
    assert_eq!(status.code(), Some(3), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn stack_dump_and_user_signals_reach_the_command_and_leave_outcome_running() {
    // Ctrl-\ (SIGQUIT) and SIGUSR2 are Scrapy's stack-dump signals (its StackTraceDump
    // extension); SIGUSR1 is a program's own. Each reaches the command, which goes on, and
    // outcome with it.
    let (dir, marker, mut child, deadline) = trapping_command(
        "usrsignals",
        |m| {
            format!(
                "for s in QUIT USR1 USR2; do trap \"echo $s >> {m}\" $s; done; trap 'exit 0' INT;"
            )
        },
        Duration::from_secs(20),
    );
    let seen = |word: &str| marker_says(&marker, word);
    for (signal, name) in [
        (libc::SIGQUIT, "QUIT"),
        (libc::SIGUSR1, "USR1"),
        (libc::SIGUSR2, "USR2"),
    ] {
        // SAFETY: kill with plain integers, aimed at the outcome process we started.
        unsafe {
            libc::kill(child.id() as libc::pid_t, signal);
        }
        while !seen(name) {
            if Instant::now() > deadline || child.try_wait().ok().flatten().is_some() {
                let _ = child.kill();
                panic!("SIG{name} did not reach the command, or ended outcome");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            child.try_wait().expect("waits").is_none(),
            "outcome ended on SIG{name}"
        );
    }
    // SAFETY: as above.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let Some(status) = wait_for(&mut child, Duration::from_secs(10)) else {
        let _ = child.kill();
        panic!("outcome run did not end after SIGINT");
    };
    assert_eq!(status.code(), Some(3));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_real_scrapy_under_outcome_run() {
    let scrapy = real_scrapy().display().to_string();
    let dir = temp("scrapy");
    scrapy_project(&dir);
    let in_project = |args: &[&str]| {
        std_outcome()
            .current_dir(&dir)
            .arg("run")
            .args(args)
            .output()
            .expect("runs")
    };
    // A clean crawl: 0, and its items on stdout exactly as without outcome.
    let with = in_project(&["--", &scrapy, "crawl", "local", "-o", "-:jsonlines"]);
    assert_eq!(with.status.code(), Some(0), "{}", stderr_of(&with));
    let without = Command::new(&scrapy)
        .current_dir(&dir)
        .args(["crawl", "local", "-o", "-:jsonlines"])
        .stderr(Stdio::null())
        .output()
        .expect("scrapy runs");
    assert_eq!(stdout_of(&with), stdout_of(&without));
    assert_eq!(stdout_of(&with).lines().count(), 2);
    // CLOSESPIDER_ERRORCOUNT: 2, though scrapy itself exits 0.
    let errors = in_project(&[
        "--",
        &scrapy,
        "crawl",
        "failing",
        "-s",
        "CLOSESPIDER_ERRORCOUNT=2",
    ]);
    assert_eq!(errors.status.code(), Some(2), "{}", stderr_of(&errors));
    assert!(stderr_of(&errors)
        .lines()
        .last()
        .is_some_and(|l| l.contains("closespider_errorcount")));
    // LOG_FILE, followed with --log: the same verdict, and nothing of the log on stderr.
    let logged = in_project(&[
        "--log",
        "crawl.log",
        "--",
        &scrapy,
        "crawl",
        "local",
        "-s",
        "LOG_FILE=crawl.log",
    ]);
    assert_eq!(logged.status.code(), Some(0), "{}", stderr_of(&logged));
    let report = stderr_of(&logged);
    assert_eq!(report.lines().count(), 1, "{report}");
    assert!(
        report.contains("crawl.log:") && report.contains("finished"),
        "{report}"
    );
    // A spider that does not exist: 2, with the KeyError quoted.
    let missing = in_project(&[
        "--format",
        "json",
        "--report",
        "missing.json",
        "--",
        &scrapy,
        "crawl",
        "nosuch",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    let report = std::fs::read_to_string(dir.join("missing.json")).expect("report");
    assert!(
        report.contains("KeyError: 'Spider not found: nosuch'"),
        "{report}"
    );
    // SIGINT mid-crawl: shutdown, 1, and no Scrapy process left behind.
    let mut child = std_outcome()
        .current_dir(&dir)
        .args(["run", "--", &scrapy, "crawl", "slow"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    std::thread::sleep(Duration::from_secs(4));
    // SAFETY: kill with plain integers, aimed at the outcome process we started.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let Some(status) = wait_for(&mut child, Duration::from_secs(60)) else {
        let _ = child.kill();
        panic!("outcome run did not end after SIGINT");
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("reads");
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("Received SIGINT, shutting down gracefully"),
        "{stderr}"
    );
    assert!(
        stderr
            .lines()
            .last()
            .is_some_and(|l| l.contains("shutdown")),
        "{stderr}"
    );
    let left = Command::new("pgrep").args(["-f", "crawl slow"]).output();
    if let Ok(left) = left {
        assert!(
            left.stdout.is_empty(),
            "a Scrapy process was left: {}",
            stdout_of(&left)
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

// explain --follow: a log being written.

fn wait_for(child: &mut std::process::Child, within: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().expect("waits") {
            return Some(status);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn follow_answers_only_once_the_crawl_has_closed() {
    let dir = temp("followlog");
    let log = dir.join("crawl.log");
    let text = std::fs::read_to_string(real("blocked")).expect("log");
    let lines: Vec<&str> = text.lines().collect();
    let close = lines
        .iter()
        .position(|l| l.contains("Spider closed ("))
        .expect("a close line");
    std::fs::write(&log, lines[..20].join("\n") + "\n").expect("start");
    let mut child = std_outcome()
        .args(["explain", "--follow", "--format", "line", "-i"])
        .arg(&log)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    // Everything up to, but not including, the close line: still waiting.
    let mut appended = lines[20..close].join("\n") + "\n";
    for step in appended
        .split_inclusive("\n")
        .collect::<Vec<_>>()
        .chunks(30)
    {
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&log)
            .expect("append");
        std::io::Write::write_all(&mut file, step.concat().as_bytes()).expect("appends");
        std::thread::sleep(Duration::from_millis(150));
    }
    assert!(
        wait_for(&mut child, Duration::from_millis(500)).is_none(),
        "it answered before the close line"
    );
    appended = lines[close..].join("\n") + "\n";
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&log)
        .expect("append");
    std::io::Write::write_all(&mut file, appended.as_bytes()).expect("appends");
    let status =
        wait_for(&mut child, Duration::from_secs(10)).expect("answers after the close line");
    let mut out = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("reads");
    assert_eq!(status.code(), Some(2));
    // The first column names the crawl: the file and its first close line.
    let closing = 1 + lines
        .iter()
        .position(|l| l.contains("Closing spider ("))
        .expect("a closing line");
    assert!(
        out.starts_with(&format!(
            "{}:{closing}\tfinished\tcritical\tblocked_responses: ",
            log.display(),
        )),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn follow_stopped_by_ctrl_c_says_what_it_knows() {
    let dir = temp("followint");
    let log = dir.join("crawl.log");
    let text = std::fs::read_to_string(real("clean")).expect("log");
    std::fs::write(
        &log,
        text.lines().take(40).collect::<Vec<_>>().join("\n") + "\n",
    )
    .expect("start");
    let mut child = std_outcome()
        .args(["explain", "--follow", "--format", "json", "-i"])
        .arg(&log)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: kill with plain integers, aimed at the process we started.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let status = wait_for(&mut child, Duration::from_secs(10)).expect("ends after SIGINT");
    let mut out = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("reads");
    let report: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON report");
    assert_eq!(report["matched"], "never_closed");
    assert_eq!(report["severity"], "unknown");
    assert_eq!(status.code(), Some(3));
    for bad in [
        &["explain", "--follow", "-i", "-"][..],
        &["explain", "--follow", "-i", "a", "-i", "b"],
    ] {
        let output = outcome().args(bad).output().expect("runs");
        assert_eq!(output.status.code(), Some(64), "{bad:?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_closed_stdout_is_the_commands_business() {
    // outcome run writes nothing to stdout itself: the command gets it as it is.
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' run -- sh -c \"cat '{}' >&2\" >&-",
            assert_cmd::cargo::cargo_bin("outcome").display(),
            real("clean")
        ))
        .stderr(Stdio::null())
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn follow_says_when_it_waits_for_a_file() {
    let dir = temp("followwait");
    let log = dir.join("not-yet.log");
    let mut child = std_outcome()
        .args(["explain", "--follow", "-i"])
        .arg(&log)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    std::thread::sleep(Duration::from_millis(400));
    // SAFETY: kill with plain integers, aimed at the process we started.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let status = wait_for(&mut child, Duration::from_secs(10)).expect("ends after SIGINT");
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("reads");
    assert!(
        err.contains("not-yet.log: no such file yet; waiting for it"),
        "{err}"
    );
    // Stopped before the file appeared: no input (66), said as such, not "the input is
    // empty".
    assert!(
        err.contains("the file never appeared before the follow was stopped"),
        "{err}"
    );
    assert_eq!(status.code(), Some(66));
    std::fs::remove_dir_all(&dir).ok();
}

/// The number of the last `Closing spider` line in a log file.
fn last_closing(path: &Path) -> u64 {
    let text = std::fs::read_to_string(path).expect("log");
    1 + text
        .lines()
        .collect::<Vec<_>>()
        .iter()
        .rposition(|l| l.contains("Closing spider ("))
        .expect("a closing line") as u64
}

/// The JSON report `outcome run --report FILE --format json` wrote.
fn report_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("report written");
    serde_json::from_str(text.lines().next().expect("a line")).expect("JSON")
}

#[test]
fn run_follows_the_log_file_the_command_sets_appended_or_truncated() {
    let scrapy = real_scrapy().display().to_string();
    let dir = temp("logfile");
    scrapy_project(&dir);
    let old = std::fs::read_to_string(real("clean")).expect("log");
    let old_lines = old.lines().count() as u64;
    let crawl = |extra: &[&str]| {
        let mut args = vec![
            "run",
            "--format",
            "json",
            "--report",
            "verdict.json",
            "--",
            &scrapy,
            "crawl",
            "failing",
            "-s",
            "LOG_FILE=crawl.log",
        ];
        args.extend_from_slice(extra);
        std_outcome()
            .current_dir(&dir)
            .args(&args)
            .output()
            .expect("runs")
    };
    // Appended (Scrapy's default) after an earlier run: no --log needed, the earlier run
    // is not judged, and the line is the file's own.
    std::fs::write(dir.join("crawl.log"), &old).expect("earlier run");
    let appended = crawl(&[]);
    assert_eq!(appended.status.code(), Some(1), "{}", stderr_of(&appended));
    let report = report_json(&dir.join("verdict.json"));
    assert_eq!(report["outcome"], "finished", "{report}");
    assert_eq!(report["severity"], "warning", "{report}");
    assert_eq!(
        report["job"]["errors"], 5,
        "its own run's errors only: {report}"
    );
    assert!(
        report["source"]["line"].as_u64() > Some(old_lines),
        "the close line's number in the file: {report}"
    );
    assert_eq!(
        report["source"]["line"].as_u64(),
        Some(last_closing(&dir.join("crawl.log"))),
        "{report}"
    );
    assert_eq!(report["source"]["file"], "crawl.log");
    assert_eq!(report["job"]["spider"], "failing", "{report}");
    assert_eq!(report["command"]["exit_code"], 0, "{report}");
    assert!(
        report["command"]["line"]
            .as_str()
            .is_some_and(|l| l.ends_with("crawl failing -s LOG_FILE=crawl.log")),
        "{report}"
    );
    assert!(
        report["command"]["seconds"].as_f64() > Some(0.0),
        "{report}"
    );
    // Nothing of the log on stderr: it went to the file, and only the answer is shown.
    assert_eq!(stderr_of(&appended).lines().count(), 1);
    // Truncated by the crawl (LOG_FILE_APPEND=False) over a longer earlier log: read from
    // its new start, not reported as "wrote no Scrapy log".
    let longer = old.repeat(3);
    std::fs::write(dir.join("crawl.log"), &longer).expect("earlier runs");
    let truncated = crawl(&["-s", "LOG_FILE_APPEND=False"]);
    assert_eq!(
        truncated.status.code(),
        Some(1),
        "{}",
        stderr_of(&truncated)
    );
    let report = report_json(&dir.join("verdict.json"));
    assert_eq!(report["severity"], "warning", "{report}");
    assert_eq!(report["job"]["errors"], 5, "{report}");
    assert_eq!(
        report["source"]["line"].as_u64(),
        Some(last_closing(&dir.join("crawl.log"))),
        "counted from the file's new start: {report}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_report_path_that_cannot_be_written_fails_before_the_crawl_starts() {
    let dir = temp("badreport");
    let marker = dir.join("ran");
    let output = run(
        &["--report", "/nonexistent-outcome-dir/verdict.json"],
        &[
            "sh".into(),
            "-c".into(),
            format!("touch '{}'", marker.display()),
        ],
    );
    assert_eq!(output.status.code(), Some(74), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("cannot write the report"),
        "{}",
        stderr_of(&output)
    );
    assert!(!marker.exists(), "the command must not have run");
    std::fs::remove_dir_all(&dir).ok();
}

/// `explain --follow` on `log`, its output as JSON when it ends, and its stderr.
fn following(log: &Path, extra: &[&str]) -> std::process::Child {
    std_outcome()
        .args(["explain", "--follow", "--format", "json", "-i"])
        .arg(log)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts")
}

fn ended(mut child: std::process::Child, within: Duration) -> (Option<i32>, String, String) {
    let status = wait_for(&mut child, within);
    if status.is_none() {
        child.kill().ok();
        child.wait().ok();
    }
    let mut out = String::new();
    let mut err = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("reads");
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("reads");
    (status.and_then(|s| s.code()), out, err)
}

fn append(path: &Path, text: &str) {
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .expect("append");
    std::io::Write::write_all(&mut file, text.as_bytes()).expect("appends");
}

#[test]
fn follow_waits_for_the_next_run_when_the_file_holds_closed_ones() {
    let dir = temp("follownext");
    let log = dir.join("crawl.log");
    // Two runs that closed before the follow began: history, not the answer.
    let clean = std::fs::read_to_string(real("clean")).expect("log");
    std::fs::write(&log, clean.repeat(2)).expect("earlier runs");
    let mut child = following(&log, &[]);
    assert!(
        wait_for(&mut child, Duration::from_millis(800)).is_none(),
        "it answered with a run that had closed before it started"
    );
    // The next run: blocked, written in two steps.
    let blocked = std::fs::read_to_string(real("blocked")).expect("log");
    let (first, rest) = blocked.split_at(blocked.len() / 2);
    append(&log, first);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        wait_for(&mut child, Duration::from_millis(300)).is_none(),
        "it answered before the run closed"
    );
    append(&log, rest);
    let (code, out, err) = ended(child, Duration::from_secs(10));
    assert_eq!(code, Some(2), "{out}{err}");
    let reports: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(reports.len(), 1, "only the run it waited for: {out}");
    assert_eq!(reports[0]["deciding"], "blocked_responses");
    let earlier = 2 * clean.lines().count() as u64;
    assert!(reports[0]["source"]["line"].as_u64() > Some(earlier));
    assert!(err.contains("waiting for the next run to start"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn follow_of_an_open_run_says_where_it_starts_and_ends_when_its_writer_is_gone() {
    let dir = temp("followpid");
    let log = dir.join("crawl.log");
    // A clean run, then one killed mid-crawl whose process is gone.
    let clean = std::fs::read_to_string(real("clean")).expect("log");
    let killed = std::fs::read_to_string(real("killed")).expect("log");
    std::fs::write(&log, format!("{clean}{killed}")).expect("runs");
    let mut writer = Command::new("sleep").arg("1").spawn().expect("sleep");
    let pid = writer.id().to_string();
    let child = following(&log, &["--pid", &pid]);
    writer.wait().expect("reaped");
    let (code, out, err) = ended(child, Duration::from_secs(10));
    let report: serde_json::Value = serde_json::from_str(out.trim()).expect("one report");
    assert_eq!(report["matched"], "never_closed", "{report}");
    assert_eq!(code, Some(3));
    let start = clean.lines().count() + 1;
    assert!(
        err.contains(&format!("following the run that starts at line {start}")),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_format_without_a_report_file_is_said_to_change_nothing() {
    for format in ["json", "line"] {
        let output = run(&["--format", format], &replaying("clean", "exit 0"));
        assert_eq!(output.status.code(), Some(0), "{format}");
        let stderr = stderr_of(&output);
        assert!(
            stderr.contains(&format!("--format {format} applies to --report FILE")),
            "{format}: {stderr}"
        );
    }
    // With --report, or human: nothing to say.
    let dir = temp("formatreport");
    let report = dir.join("r.json").display().to_string();
    for args in [&["--format", "json", "--report", &report][..], &[]] {
        let output = run(args, &replaying("clean", "exit 0"));
        assert!(
            !stderr_of(&output).contains("applies to --report"),
            "{args:?}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}
