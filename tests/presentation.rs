//! What a new user meets first: help for each command, the man pages, shell completion in
//! real shells, brief cards and catalog search.

mod common;

use std::path::PathBuf;
use std::process::Command as Process;

use common::{outcome, stdout_of};

fn help(args: &[&str]) -> String {
    let output = outcome().args(args).output().expect("runs");
    assert_eq!(output.status.code(), Some(0), "{args:?}");
    stdout_of(&output)
}

// Help.

#[test]
fn help_subcommand_is_the_commands_own_help() {
    assert_eq!(help(&["help"]), help(&["--help"]));
    for command in ["explain", "list", "summary", "run", "completions"] {
        assert_eq!(
            help(&["help", command]),
            help(&[command, "--help"]),
            "{command}"
        );
    }
    // A word that is no command is a reason to explain, as `git help` takes a topic.
    let output = outcome().args(["help", "nope"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(3));
    assert!(stdout_of(&output).starts_with("nope  UNKNOWN"));
}

#[test]
fn each_command_lists_only_the_options_it_takes() {
    let completions = help(&["completions", "--help"]);
    for absent in [
        "--strict",
        "--catalog",
        "--format",
        "--only",
        "--expect",
        "--finding",
    ] {
        assert!(
            !completions.contains(absent),
            "completions: {absent}\n{completions}"
        );
    }
    assert!(completions.contains("--quiet"), "{completions}");
    let list = help(&["list", "--help"]);
    for absent in ["--strict", "--only", "--expect", "--exit-zero"] {
        assert!(!list.contains(absent), "list: {absent}\n{list}");
    }
    for present in ["--catalog", "--format", "--severity", "--checks"] {
        assert!(list.contains(present), "list: {present}\n{list}");
    }
    for command in ["explain", "run", "summary"] {
        let text = help(&[command, "--help"]);
        for present in [
            "--strict",
            "--catalog",
            "--format",
            "--only",
            "--expect",
            "--exit-zero",
        ] {
            assert!(text.contains(present), "{command}: {present}\n{text}");
        }
    }
    assert!(help(&["explain", "--help"]).contains("--brief"));
    assert!(!help(&["summary", "--help"]).contains("--brief"));
}

#[test]
fn nagios_and_prometheus_are_offered_by_summary_only() {
    let summary = help(&["summary", "--help"]);
    assert!(
        summary.contains("nagios") && summary.contains("prometheus"),
        "{summary}"
    );
    for command in ["explain", "list", "run"] {
        let text = help(&[command, "--help"]);
        assert!(
            !text.contains("nagios") && !text.contains("prometheus"),
            "{command}:\n{text}"
        );
        // Asked for anyway, the error says where they belong.
        let mut args = vec![command, "--format", "prometheus"];
        if command == "run" {
            args.extend(["--", "true"]);
        }
        let output = outcome().args(&args).output().expect("runs");
        assert_eq!(output.status.code(), Some(64), "{command}");
        assert!(common::stderr_of(&output).contains("`outcome summary` only"));
    }
}

#[test]
fn the_specs_global_options_work_before_the_command_too() {
    // The spec calls --format, --color, --exit-zero, -q and --catalog global: scripts put
    // them before the command. After it, the command's own value wins.
    let run = |args: &[&str]| outcome().args(args).output().expect("runs");
    let json = run(&["--format", "json", "explain", "finished"]);
    assert_eq!(json.status.code(), Some(0));
    assert!(stdout_of(&json).starts_with('{'), "{}", stdout_of(&json));
    let line = run(&[
        "--format", "json", "explain", "finished", "--format", "line",
    ]);
    assert!(
        stdout_of(&line).starts_with("-\tfinished\t"),
        "{}",
        stdout_of(&line)
    );
    let quiet = run(&["-q", "explain", "banned"]);
    assert_eq!(quiet.status.code(), Some(2));
    assert!(quiet.stdout.is_empty());
    assert_eq!(
        run(&["--exit-zero", "explain", "banned"]).status.code(),
        Some(0)
    );
    assert!(run(&["-q", "completions", "bash"]).stdout.is_empty());
    let nagios = run(&["--format", "nagios", "summary"]);
    assert!(
        stdout_of(&nagios).starts_with("OUTCOME "),
        "{}",
        stdout_of(&nagios)
    );
    let refused = run(&["--format", "nagios", "explain", "finished"]);
    assert_eq!(
        refused.status.code(),
        Some(3),
        "as a status line, like any nagios error"
    );
    assert!(common::stderr_of(&refused).contains("`outcome summary` only"));
    let missing = run(&["--catalog", "/nonexistent/catalog.json", "list"]);
    assert_eq!(missing.status.code(), Some(78));
    // Each command's own help still lists only its own options.
    assert!(!help(&["completions", "--help"]).contains("--format"));
}

// Man pages.

fn man_pages() -> Vec<(String, Vec<u8>)> {
    let mut command = outcome::cli::command();
    command.build();
    let mut pages = Vec::new();
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone())
        .render(&mut page)
        .expect("renders");
    pages.push(("outcome.1".to_string(), page));
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("outcome-{}", sub.get_name());
        let mut page = Vec::new();
        clap_mangen::Man::new(sub.clone().name(name.clone()))
            .render(&mut page)
            .expect("renders");
        pages.push((format!("{name}.1"), page));
    }
    pages
}

#[test]
fn committed_man_pages_are_up_to_date() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("man");
    let bless = std::env::var_os("OUTCOME_BLESS").is_some();
    let pages = man_pages();
    for (file, page) in &pages {
        let path = dir.join(file);
        if bless {
            std::fs::create_dir_all(&dir).expect("man/");
            std::fs::write(&path, page).expect("written");
            continue;
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            &committed == page,
            "man/{file} is stale; refresh the man pages with: \
             OUTCOME_BLESS=1 cargo test --test presentation man_pages"
        );
    }
    let committed = std::fs::read_dir(&dir).expect("man/").count();
    assert_eq!(committed, pages.len(), "man/ holds a page no command has");
}

#[test]
fn man_page_renders_with_man() {
    // The page is read by the real man(1) where it is installed; groff's own checks would
    // warn on broken roff.
    let page = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("man/outcome-explain.1");
    let text = std::fs::read_to_string(&page).expect("page");
    assert!(text.contains(".TH outcome-explain"), "{text}");
    assert!(text.contains("\\-\\-brief"), "{text}");
    assert!(
        text.contains("memusage_exceeded"),
        "the examples are in the page"
    );
}

// Completions, run in the real shells.

/// A shell this test needs: found on PATH, or installed from Debian's packages where this
/// machine can; otherwise the test fails and says so.
fn shell(name: &str) -> PathBuf {
    let found = |name: &str| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        })
    };
    if let Some(path) = found(name) {
        return path;
    }
    let installed = Process::new("apt-get")
        .args(["install", "-y", "-q", name])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    match found(name) {
        Some(path) if installed => path,
        _ => panic!(
            "{name} is needed to test its completion and could not be installed \
             (apt-get install {name}); install it and run the tests again"
        ),
    }
}

fn script(shell: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("completions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let output = outcome()
        .args(["completions", shell])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let path = dir.join(shell);
    std::fs::write(&path, output.stdout).expect("script");
    path
}

fn bash_complete(line: &str) -> Vec<String> {
    let bash = shell("bash");
    let words: Vec<&str> = line.split(' ').collect();
    let program = format!(
        "source {script}; COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE='{line}'; \
         COMP_POINT=${{#COMP_LINE}}; _outcome outcome '{cur}' '{prev}'; \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script = script("bash").display(),
        words = words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" "),
        cword = words.len() - 1,
        cur = words[words.len() - 1],
        prev = words[words.len().saturating_sub(2)],
    );
    let output = Process::new(bash)
        .args(["-c", &program])
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

fn fish_complete(line: &str) -> Vec<(String, String)> {
    let fish = shell("fish");
    let program = format!("source {}; complete -C '{line}'", script("fish").display());
    let output = Process::new(fish)
        .args(["-c", &program])
        .output()
        .expect("fish runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| match l.split_once('\t') {
            Some((word, what)) => (word.to_string(), what.to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}

#[test]
fn bash_completes_reason_names_and_each_commands_options() {
    assert_eq!(bash_complete("outcome explain memu"), ["memusage_exceeded"]);
    let closespider = bash_complete("outcome explain closespider_");
    assert!(
        closespider.contains(&"closespider_timeout".to_string()),
        "{closespider:?}"
    );
    assert!(closespider.len() >= 4, "{closespider:?}");
    let options = bash_complete("outcome completions --");
    assert!(options.contains(&"--quiet".to_string()), "{options:?}");
    assert!(!options.contains(&"--strict".to_string()), "{options:?}");
    let formats = bash_complete("outcome summary --format ");
    assert!(formats.contains(&"nagios".to_string()), "{formats:?}");
    let formats = bash_complete("outcome explain --format ");
    assert!(!formats.contains(&"nagios".to_string()), "{formats:?}");
    assert!(formats.contains(&"json".to_string()), "{formats:?}");
}

#[test]
fn fish_completes_reason_names_with_their_titles() {
    let offered = fish_complete("outcome explain memu");
    assert_eq!(offered.len(), 1, "{offered:?}");
    assert_eq!(offered[0].0, "memusage_exceeded");
    assert!(offered[0].1.contains("memory"), "{offered:?}");
    let options: Vec<String> = fish_complete("outcome completions --")
        .into_iter()
        .map(|(w, _)| w)
        .collect();
    assert!(options.contains(&"--quiet".to_string()), "{options:?}");
    assert!(!options.contains(&"--catalog".to_string()), "{options:?}");
    let formats: Vec<String> = fish_complete("outcome explain --format ")
        .into_iter()
        .map(|(w, _)| w)
        .collect();
    assert_eq!(formats, ["human", "json", "line"]);
}

#[test]
fn every_shell_script_offers_the_reason_names() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = outcome()
            .args(["completions", shell])
            .output()
            .expect("runs");
        let text = stdout_of(&output);
        for name in ["memusage_exceeded", "closespider_timeout", "killed_by_oom"] {
            assert!(text.contains(name), "{shell}: {name}");
        }
    }
}

// Brief cards.

#[test]
fn brief_cards_keep_the_verdict_findings_and_steps_only() {
    let card = |args: &[&str]| {
        let output = outcome().args(args).output().expect("runs");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        stdout_of(&output)
    };
    let full = card(&["explain", "memusage_exceeded"]);
    let brief = card(&["explain", "--brief", "memusage_exceeded"]);
    assert!(
        brief.starts_with("memusage_exceeded  CRITICAL\n"),
        "{brief}"
    );
    assert!(brief.contains("Next steps"), "{brief}");
    for gone in ["Docs", "Set by", "Settings"] {
        assert!(
            full.contains(gone) && !brief.contains(gone),
            "{gone}\n{brief}"
        );
    }
    assert!(brief.lines().count() < full.lines().count());
    // A job with findings: they stay, with their evidence.
    let job = r#"{"key":"1/2/3","close_reason":"finished","items":0,"errors":4}"#;
    let output = outcome()
        .args(["explain", "-b"])
        .write_stdin(job)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let text = stdout_of(&output);
    for kept in [
        "Verdict",
        "Job        1/2/3",
        "Findings",
        "zero_items",
        "4 errors logged",
    ] {
        assert!(text.contains(kept), "{kept}\n{text}");
    }
    assert!(!text.contains("Docs"), "{text}");
    // The exit status is the same with or without it, in every format.
    for format in ["human", "json", "line"] {
        let output = outcome()
            .args(["explain", "-b", "--format", format])
            .write_stdin(job)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(1), "{format}");
    }
}

// Searching the catalog.

fn listed(args: &[&str]) -> Vec<String> {
    let output = outcome()
        .args(["list", "--format", "line"])
        .args(args)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{args:?}");
    stdout_of(&output)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn search_matches_names_titles_explanations_and_steps_in_any_case() {
    let proxy = listed(&["--search", "PROXY"]);
    assert!(proxy.contains(&"banned".to_string()), "{proxy:?}");
    let oom = listed(&["--search", "out-of-memory"]);
    assert!(oom.contains(&"killed by oom".to_string()), "{oom:?}");
    // A word only in an entry's next steps.
    let jobdir = listed(&["--search", "jobdir"]);
    assert!(
        jobdir.contains(&"memusage_exceeded".to_string()),
        "{jobdir:?}"
    );
    // Combined with --severity, both apply.
    let ok_proxy = listed(&["--search", "proxy", "--severity", "ok"]);
    assert!(ok_proxy.is_empty(), "{ok_proxy:?}");
    let output = outcome()
        .args(["list", "--search", "zzzzqqq"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout_of(&output).is_empty());
    assert!(common::stderr_of(&output).contains("no entry mentions `zzzzqqq`"));
}

#[test]
fn a_setting_lists_the_outcomes_it_bears_on() {
    let memory = listed(&["memusage_limit_mb"]);
    assert!(
        memory.contains(&"memusage_exceeded".to_string()),
        "{memory:?}"
    );
    assert!(!memory.contains(&"finished".to_string()), "{memory:?}");
    let timeout = listed(&["CLOSESPIDER_TIMEOUT"]);
    assert!(
        timeout.contains(&"closespider_timeout".to_string()),
        "{timeout:?}"
    );
    // A setting is a whole word: a prefix is not it.
    assert!(listed(&["MEMUSAGE_LIMIT"]).is_empty());
    let output = outcome()
        .args(["list", "NO_SUCH_SETTING\u{1b}[31m"])
        .output()
        .expect("runs");
    let stderr = common::stderr_of(&output);
    assert!(stderr.contains("no outcome names the setting"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
}

// The README.

/// Every ```console block of the README that runs `outcome` on a committed fixture shows
/// what the binary prints now, at 80 columns, and the status it ends with.
#[test]
fn the_readmes_console_examples_are_real_output() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let mut checked = 0;
    for block in readme.split("```console\n").skip(1) {
        let block = &block[..block.find("```").expect("closed block")];
        let mut lines = block.lines();
        let Some(command) = lines.next().and_then(|l| l.strip_prefix("$ outcome ")) else {
            continue;
        };
        let rest: Vec<&str> = lines.collect();
        let status_at = rest.iter().position(|l| *l == "$ echo $?");
        let shown = rest[..status_at.unwrap_or(rest.len())].join("\n");
        let args: Vec<&str> = command.split(' ').collect();
        let output = outcome()
            .current_dir(common::fixture(""))
            .env("COLUMNS", "80")
            .args(&args)
            .output()
            .expect("runs");
        assert_eq!(
            stdout_of(&output).trim_end(),
            shown.trim_end(),
            "README: $ outcome {command}"
        );
        if let Some(at) = status_at {
            assert_eq!(
                output.status.code().map(|c| c.to_string()).as_deref(),
                rest.get(at + 1).copied(),
                "README: $ outcome {command}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 1, "the README's first screen is a real card");
}

// Width.

fn overlong_lines(text: &str, columns: usize) -> Vec<String> {
    text.lines()
        .filter(|line| unicode_width::UnicodeWidthStr::width(*line) > columns)
        // A URL or a command in backticks is never broken; nothing else may pass the width.
        .filter(|line| !line.contains("://") && !line.contains('`'))
        .map(str::to_string)
        .collect()
}

#[test]
fn no_human_line_passes_the_width_whatever_the_input() {
    let long_words = "word ".repeat(200);
    let wide = "日本語の長いスパイダー名".repeat(8);
    let key = format!("{}/1/2", "9".repeat(300));
    let records = [
        format!(r#"{{"key":"{key}","spider":"{wide}","close_reason":"finished","items":0}}"#),
        format!(r#"{{"key":"1/2/3","spider":"s","close_reason":"{long_words}"}}"#),
        format!(
            r#"{{"key":"1/2/4","spider":"{wide}","close_reason":"{}"}}"#,
            "x".repeat(500)
        ),
        r#"{"key":"1/2/5","close_reason":"closespider_timeout_no_item","errors":3}"#.to_string(),
    ];
    let stream = records.join("\n");
    for columns in [40, 60, 80, 160] {
        for (what, args, input) in [
            ("stream", vec!["explain"], stream.clone()),
            ("summary", vec!["summary", "--by", "spider"], stream.clone()),
            ("card", vec!["explain"], records[0].clone()),
            ("card", vec!["explain"], records[1].clone()),
            ("card", vec!["explain"], records[2].clone()),
            ("brief", vec!["explain", "--brief"], records[3].clone()),
        ] {
            let output = outcome()
                .env("COLUMNS", columns.to_string())
                .args(&args)
                .write_stdin(input)
                .output()
                .expect("runs");
            let text = stdout_of(&output);
            assert!(!text.is_empty(), "{what}");
            let over = overlong_lines(&text, columns);
            assert!(over.is_empty(), "{what} at {columns}: {over:#?}");
        }
    }
}

#[test]
fn without_a_width_lines_are_whole_and_cards_wrap_at_80() {
    // A pipe with no COLUMNS: a stream line keeps every word for grep.
    let title = "word ".repeat(40);
    let catalog = format!(
        r#"{{"outcomes":[{{"name":"long_one","severity":"warning","title":"{}","explanation":"{}","next_steps":[],"settings":[],"set_by":"test","docs":[]}}]}}"#,
        title.trim(),
        title.trim()
    );
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("wide-catalog-{}.json", std::process::id()));
    std::fs::write(&path, catalog).expect("catalog");
    let output = outcome()
        .args(["explain", "--catalog"])
        .arg(&path)
        .write_stdin("long_one\nlong_one\n")
        .output()
        .expect("runs");
    let text = stdout_of(&output);
    assert!(
        text.lines().next().unwrap_or("").ends_with(title.trim()),
        "{text}"
    );
    let card = outcome()
        .args(["explain", "--catalog"])
        .arg(&path)
        .arg("long_one")
        .output()
        .expect("runs");
    let _ = std::fs::remove_file(&path);
    let card = stdout_of(&card);
    assert!(card.lines().all(|l| l.chars().count() <= 80), "{card}");
    assert!(card.lines().any(|l| l.chars().count() > 70), "{card}");
}

// On a real terminal: util-linux's `script` runs the binary on a pseudo-terminal of the
// size `stty` gives it, so colour and width are decided as for a user.

fn on_terminal(columns: u16, env: &[(&str, &str)], args: &str) -> String {
    let binary = assert_cmd::cargo::cargo_bin("outcome");
    let command = format!("stty cols {columns} rows 50; {} {args}", binary.display());
    let mut script = Process::new("script");
    script.args(["-qec", &command, "/dev/null"]);
    for var in [
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "COLUMNS",
        "OUTCOME_CATALOG",
    ] {
        script.env_remove(var);
    }
    script.env("TERM", "xterm");
    for (var, value) in env {
        script.env(var, value);
    }
    let output = script.output().unwrap_or_else(|err| {
        panic!("`script` (util-linux) is needed to run outcome on a terminal: {err}")
    });
    String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n")
}

fn without_colour(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn on_a_terminal_colour_follows_the_conventions() {
    let coloured = |env: &[(&str, &str)], args: &str| on_terminal(80, env, args).contains('\u{1b}');
    assert!(coloured(&[], "explain memusage_exceeded"));
    assert!(!coloured(&[("CLICOLOR", "0")], "explain memusage_exceeded"));
    assert!(!coloured(&[("NO_COLOR", "1")], "explain memusage_exceeded"));
    assert!(coloured(&[("NO_COLOR", "")], "explain memusage_exceeded"));
    assert!(!coloured(&[], "explain memusage_exceeded --color never"));
    assert!(!coloured(&[("TERM", "dumb")], "explain memusage_exceeded"));
    assert!(coloured(
        &[("CLICOLOR", "0"), ("CLICOLOR_FORCE", "1")],
        "explain memusage_exceeded"
    ));
}

#[test]
fn on_a_terminal_output_fits_its_width() {
    for columns in [60u16, 80, 120] {
        for args in [
            "explain memusage_exceeded",
            "explain --brief memusage_exceeded",
            "list",
            "list --checks",
        ] {
            let text = without_colour(&on_terminal(columns, &[], args));
            assert!(text.lines().count() > 3, "{args}: {text}");
            let over = overlong_lines(&text, usize::from(columns));
            assert!(over.is_empty(), "{args} at {columns}: {over:#?}");
        }
    }
    // Wide enough, a list line is whole; narrow, its title is cut, marked with an ellipsis.
    let wide = without_colour(&on_terminal(200, &[], "list"));
    assert!(!wide.contains('…'), "{wide}");
    let narrow = without_colour(&on_terminal(60, &[], "list"));
    assert!(narrow.contains('…'), "{narrow}");
    // Prose stops at 100 columns however wide the terminal.
    let card = without_colour(&on_terminal(200, &[], "explain memusage_exceeded"));
    let widest = card
        .lines()
        .filter(|l| !l.contains("://"))
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    assert!((90..=100).contains(&widest), "{widest}\n{card}");
}
