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

/// Text for a roff page: backslashes and hyphens escaped, a line that would start with a
/// control character guarded.
fn roff_text(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// The variables that change what a command does, for the pages of the commands they touch.
const ENVIRONMENT: [(&str, &str); 5] = [
    ("OUTCOME_CATALOG", "A user catalog, as --catalog FILE gives it (an empty value counts as unset; --catalog wins)."),
    ("NO_COLOR", "Set and not empty: no colour, even on a terminal (--color wins)."),
    ("CLICOLOR", "0: no colour (--color and CLICOLOR_FORCE win)."),
    ("CLICOLOR_FORCE", "Set, not empty and not 0: colour even where the output is no terminal (--color wins)."),
    ("COLUMNS", "The width human output is laid out for where the output is no terminal, or the terminal's size is unknown."),
];

/// SYNOPSIS with each option's value named (`[--log FILE]`; clap_mangen's leaves it out).
fn synopsis(command: &clap::Command) -> String {
    let name = command.get_name().replacen("outcome-", "outcome ", 1);
    let mut parts = vec![format!("\\fB{}\\fR", roff_text(&name))];
    for arg in command.get_arguments().filter(|a| !a.is_hide_set()) {
        let values: Vec<String> = arg
            .get_value_names()
            .map(|names| names.iter().map(|n| n.to_string()).collect())
            .unwrap_or_default();
        let takes_value = arg.get_action().takes_values();
        let value = match (takes_value, values.first()) {
            (true, Some(value)) => format!(" \\fI{}\\fR", roff_text(value)),
            (true, None) => format!(
                " \\fI{}\\fR",
                roff_text(&arg.get_id().to_string().to_uppercase())
            ),
            _ => String::new(),
        };
        let part = if arg.is_positional() {
            let value = values
                .first()
                .cloned()
                .unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
            let many = matches!(arg.get_num_args(), Some(r) if r.max_values() > 1);
            let dots = if many { "..." } else { "" };
            if arg.is_required_set() {
                format!("\\fI{}\\fR{dots}", roff_text(&value))
            } else {
                format!("[\\fI{}\\fR]{dots}", roff_text(&value))
            }
        } else {
            let names: Vec<String> = arg
                .get_short()
                .map(|c| format!("\\-{c}"))
                .into_iter()
                .chain(arg.get_long().map(|l| format!("\\-\\-{}", roff_text(l))))
                .collect();
            format!("[{}{value}]", names.join("|"))
        };
        parts.push(part);
    }
    if command.get_subcommands().next().is_some() {
        parts.push("\\fICOMMAND\\fR".to_string());
    }
    format!(".SH SYNOPSIS\n{}\n", parts.join(" "))
}

/// A page in the usual order of sections: NAME, SYNOPSIS, DESCRIPTION (with the command's
/// notes), OPTIONS, SUBCOMMANDS, EXAMPLES and EXIT STATUS laid out as written (no
/// reflowing), ENVIRONMENT, VERSION.
fn man_page(command: clap::Command, environment: bool) -> Vec<u8> {
    let after = command
        .get_after_help()
        .map(|text| text.to_string())
        .unwrap_or_default();
    let man = clap_mangen::Man::new(command.clone());
    let mut page = Vec::new();
    man.render_title(&mut page).expect("renders");
    man.render_name_section(&mut page).expect("renders");
    page.extend(synopsis(&command).bytes());
    man.render_description_section(&mut page).expect("renders");
    let (mut examples, mut status) = (None, None);
    for block in after.split("\n\n") {
        if let Some(rest) = block.strip_prefix("Examples:\n") {
            examples = Some(rest.to_string());
        } else if let Some(rest) = block.strip_prefix("Exit status:\n") {
            status = Some(rest.to_string());
        } else {
            // Notes on the command: a paragraph of its description.
            let words: Vec<&str> = block.split_whitespace().collect();
            page.extend(format!(".PP\n{}\n", roff_text(&words.join(" "))).bytes());
        }
    }
    man.render_options_section(&mut page).expect("renders");
    if command.get_subcommands().next().is_some() {
        man.render_subcommands_section(&mut page).expect("renders");
    }
    for (title, body) in [("EXAMPLES", examples), ("EXIT STATUS", status)] {
        if let Some(body) = body {
            page.extend(format!(".SH \"{title}\"\n.nf\n").bytes());
            for line in body.lines() {
                page.extend(format!("{}\n", roff_text(line)).bytes());
            }
            page.extend(b".fi\n");
        }
    }
    if environment {
        page.extend(b".SH ENVIRONMENT\n");
        for (name, what) in ENVIRONMENT {
            page.extend(format!(".TP\n\\fB{name}\\fR\n{}\n", roff_text(what)).bytes());
        }
    }
    man.render_version_section(&mut page).expect("renders");
    page
}

/// outcome-help(1), which outcome(1) lists: clap's help command has no arguments of its
/// own for clap_mangen to render, and it does one thing more (a topic is a reason).
fn help_page() -> Vec<u8> {
    let version = env!("CARGO_PKG_VERSION");
    format!(
        ".TH outcome-help 1 \"outcome-help {version}\"\n\
.SH NAME\noutcome\\-help \\- the help of outcome or of one of its commands, or a reason explained\n\
.SH SYNOPSIS\n\\fBoutcome help\\fR [\\fICOMMAND\\fR | \\fIREASON\\fR...]\n\
.SH DESCRIPTION\n\
Without a word, the same as \\fBoutcome \\-\\-help\\fR; with a command, the same as \\fBoutcome\\fR \\fICOMMAND\\fR \\fB\\-\\-help\\fR.\n\
.PP\nA word that is no command is a reason: \\fBoutcome help\\fR \\fIREASON\\fR... explains it as \\fBoutcome explain\\fR \\fIREASON\\fR... does, the way \\fBgit help\\fR takes a topic.\n\
.SH \"EXAMPLES\"\n.nf\n  outcome help summary\n  outcome help memusage_exceeded\n.fi\n\
.SH \"SEE ALSO\"\noutcome(1), outcome\\-explain(1)\n\
.SH VERSION\nv{version}\n"
    )
    .into_bytes()
}

fn man_pages() -> Vec<(String, Vec<u8>)> {
    let mut command = outcome::facade::command();
    command.build();
    let mut pages = vec![("outcome.1".to_string(), man_page(command.clone(), true))];
    for sub in command.get_subcommands() {
        let name = format!("outcome-{}", sub.get_name());
        if sub.get_name() == "help" {
            pages.push((format!("{name}.1"), help_page()));
            continue;
        }
        let environment = sub.get_name() != "completions";
        pages.push((
            format!("{name}.1"),
            man_page(sub.clone().name(name.clone()), environment),
        ));
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
fn man_pages_render_with_groff_without_a_warning() {
    // The real formatter man(1) uses, with every warning on: broken roff would show.
    let groff = shell("groff");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("man");
    let mut pages = 0;
    for entry in std::fs::read_dir(&dir).expect("man/") {
        let page = entry.expect("entry").path();
        let output = Process::new(&groff)
            .args(["-man", "-Tutf8", "-ww", "-P-cbou"])
            .arg(&page)
            .env("LC_ALL", "C.UTF-8")
            .output()
            .expect("groff runs");
        let name = page.display();
        assert!(output.status.success(), "{name}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.is_empty(), "{name}: {stderr}");
        let text = String::from_utf8_lossy(&output.stdout);
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "VERSION"] {
            assert!(text.contains(section), "{name}: {section}");
        }
        pages += 1;
    }
    assert_eq!(
        pages, 7,
        "a page for outcome and each command, help included"
    );
    // The examples keep their lines, and the variables are documented.
    let explain = std::fs::read_to_string(dir.join("outcome-explain.1")).expect("page");
    assert!(
        explain.contains(".SH \"EXAMPLES\"\n.nf\n  outcome explain memusage_exceeded\n"),
        "{explain}"
    );
    for name in [
        "OUTCOME_CATALOG",
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "COLUMNS",
    ] {
        assert!(explain.contains(&format!("\\fB{name}\\fR")), "{name}");
    }
    let top = std::fs::read_to_string(dir.join("outcome.1")).expect("page");
    assert!(top.contains(".SH \"EXIT STATUS\"\n.nf\n"), "{top}");
    assert!(!top.contains(".SH EXTRA"), "{top}");
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

// The Rust versions the README promises.

/// `1.86` as `(1, 86)`.
fn rust_version(text: &str) -> (u32, u32) {
    let mut parts = text
        .trim()
        .split('.')
        .map(|p| p.parse::<u32>().expect("a number"));
    (parts.next().expect("major"), parts.next().unwrap_or(0))
}

/// No other toolchain can be fetched where the tests run, so the promise is checked where it
/// can be: every crate the tool links declares a `rust-version` it meets, every crate the
/// tests add one the README's test version meets, and the README says both. (The tool's own
/// use of the standard library is held to `rust-version` by clippy's `incompatible_msrv`,
/// which CI runs with warnings as errors.)
#[test]
fn every_dependency_builds_with_the_rust_the_readme_promises() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let host = Process::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc runs");
    let host = String::from_utf8_lossy(&host.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(String::from))
        .expect("rustc names its host");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Process::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", &host, "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let packages = metadata["packages"].as_array().expect("packages");
    let package = |id: &str| {
        packages
            .iter()
            .find(|p| p["id"] == id)
            .unwrap_or_else(|| panic!("no package {id}"))
    };
    let root_id = metadata["resolve"]["root"].as_str().expect("a root");
    let tool = rust_version(
        package(root_id)["rust_version"]
            .as_str()
            .expect("rust-version"),
    );
    // The crates the tool links: its own dependencies (normal and build) and theirs.
    let nodes = metadata["resolve"]["nodes"].as_array().expect("nodes");
    let mut linked = vec![root_id.to_string()];
    let mut next = 0;
    while next < linked.len() {
        let node = nodes
            .iter()
            .find(|n| n["id"] == linked[next])
            .expect("node");
        for dep in node["deps"].as_array().into_iter().flatten() {
            let not_dev = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"] != "dev");
            let id = dep["pkg"].as_str().expect("pkg").to_string();
            if not_dev && !linked.contains(&id) {
                linked.push(id);
            }
        }
        next += 1;
    }
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let readme = common::squeezed(&readme);
    let promised = |words: &str| {
        let at = readme
            .find(words)
            .unwrap_or_else(|| panic!("README: {words:?}"));
        let version: String = readme[at + words.len()..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        rust_version(version.trim_end_matches('.'))
    };
    assert_eq!(
        promised("The tool builds with Rust "),
        tool,
        "README and Cargo.toml"
    );
    let tests = promised("the tests need ");
    let mut checked = 0;
    for node in nodes {
        let id = node["id"].as_str().expect("id");
        let Some(declared) = package(id)["rust_version"].as_str() else {
            continue;
        };
        let name = package(id)["name"].as_str().unwrap_or(id);
        let needed = if linked.iter().any(|l| l == id) {
            tool
        } else {
            tests
        };
        assert!(
            rust_version(declared) <= needed,
            "{name} needs Rust {declared}, more than the {needed:?} promised"
        );
        checked += 1;
    }
    assert!(checked >= 10, "{checked} crates declared a rust-version");
}
