#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::sync::Mutex;

use assert_cmd::Command;
use serde_json::Value;

/// Variables that would change what the binary prints.
const CLEAN_ENV: [&str; 6] = [
    "COLUMNS",
    "OUTCOME_CATALOG",
    "NO_COLOR",
    "CLICOLOR_FORCE",
    "CLICOLOR",
    "TERM",
];

/// The binary with a clean environment: no user catalog, no colour variables.
pub fn outcome() -> Command {
    let mut cmd = Command::cargo_bin("outcome").expect("binary is built");
    for var in CLEAN_ENV {
        cmd.env_remove(var);
    }
    cmd
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// Each line of JSON Lines output, parsed.
pub fn json_lines(output: &std::process::Output) -> Vec<serde_json::Value> {
    stdout_of(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// TSV output as rows of fields.
pub fn rows(output: &std::process::Output) -> Vec<Vec<String>> {
    stdout_of(output)
        .lines()
        .map(|line| line.split('\t').map(str::to_string).collect())
        .collect()
}

/// The binary as a std Command, for wiring stdin or stdout to a file.
pub fn std_outcome() -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("outcome"));
    for var in CLEAN_ENV {
        cmd.env_remove(var);
    }
    cmd
}

/// Text with every run of spaces made one, for assertions about a line's words that do
/// not depend on how its columns are padded.
pub fn squeezed(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(
            &line
                .split(' ')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    out
}

/// Every answer of `outcome explain --format json` for a text on stdin, and the status.
pub fn explain_json(text: &[u8]) -> (Vec<serde_json::Value>, Option<i32>) {
    let output = outcome()
        .args(["explain", "--format", "json"])
        .write_stdin(text.to_vec())
        .output()
        .expect("runs");
    (json_lines(&output), output.status.code())
}

/// An answer with every line number in it moved back by `offset` lines, so that a run read
/// inside a bigger file can be compared with the same run read alone.
pub fn moved_back(answer: &Value, offset: u64) -> Value {
    match answer {
        Value::String(text) => Value::String(move_line_numbers(text, offset)),
        Value::Array(items) => Value::Array(items.iter().map(|v| moved_back(v, offset)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        ("line", Value::Number(n)) => {
                            Value::from(n.as_u64().expect("a line number").saturating_sub(offset))
                        }
                        _ => moved_back(v, offset),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `line 62` -> `line 12` for an offset of 50; a traceback's `File "x.py", line 49` is a
/// line of the spider's code and stays.
fn move_line_numbers(text: &str, offset: u64) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("line ") {
        let in_code = rest[..at].ends_with("\", ");
        out.push_str(&rest[..at + 5]);
        rest = &rest[at + 5..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && !in_code {
            let n: u64 = rest[..digits].parse().expect("digits");
            out.push_str(&n.saturating_sub(offset).to_string());
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

/// A user catalog written for one test, in a directory of its own that is removed on drop.
pub struct UserCatalog {
    dir: PathBuf,
    pub path: PathBuf,
}

impl UserCatalog {
    /// `tag` names the test's directory (unique per test within a run).
    pub fn new(tag: &str, text: &str) -> UserCatalog {
        let dir = std::env::temp_dir().join(format!("outcome-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("team.json");
        std::fs::write(&path, text).expect("catalog written");
        UserCatalog { dir, path }
    }
}

impl Drop for UserCatalog {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

// The real Scrapy, installed from PyPI under target/ when it is missing.

static INSTALL: Mutex<()> = Mutex::new(());

/// A virtualenv under target/ (`name`) with `packages` from PyPI, made once and reused
/// while `check` (a path inside it) exists. A test that needs it fails saying so when
/// python3 or PyPI cannot give it: never skipped.
pub fn python_venv(name: &str, packages: &[&str], check: &str) -> PathBuf {
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(name);
    if !venv.join(check).exists() {
        let made = StdCommand::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status();
        assert!(
            made.is_ok_and(|s| s.success()),
            "cannot make a virtualenv with python3 -m venv in {}",
            venv.display()
        );
        let installed = StdCommand::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .args(packages)
            .status();
        assert!(
            installed.is_ok_and(|s| s.success()),
            "cannot install {} from PyPI into {}: these tests need the real programs",
            packages.join(" "),
            venv.display()
        );
    }
    venv
}

/// The real Scrapy 2.19.0's `scrapy` command.
pub fn real_scrapy() -> PathBuf {
    python_venv("scrapy-venv/2.19.0", &["scrapy==2.19.0"], "bin/scrapy").join("bin/scrapy")
}

/// The ids of an answer's findings, worst first.
pub fn finding_ids(answer: &Value) -> Vec<String> {
    answer["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["id"].as_str().expect("id").to_string())
        .collect()
}

pub fn scrapy_project(dir: &Path) {
    std::fs::create_dir_all(dir.join("proj/spiders")).expect("project");
    std::fs::write(
        dir.join("scrapy.cfg"),
        "[settings]\ndefault = proj.settings\n",
    )
    .expect("cfg");
    std::fs::write(dir.join("proj/__init__.py"), "").expect("init");
    std::fs::write(
        dir.join("proj/settings.py"),
        "BOT_NAME = 'proj'\nSPIDER_MODULES = ['proj.spiders']\nTELNETCONSOLE_ENABLED = False\nREMOTECONTROL_ENABLED = False\n",
    )
    .expect("settings");
    // data: URLs need no server at all.
    std::fs::write(
        dir.join("proj/spiders/__init__.py"),
        r#"import scrapy


class Local(scrapy.Spider):
    name = "local"
    # `-a pages=N` crawls N pages, an item each.
    pages = 2

    async def start(self):
        for i in range(int(self.pages)):
            yield scrapy.Request(f"data:,page{i}")

    def parse(self, response):
        yield {"text": response.text}


class Failing(scrapy.Spider):
    name = "failing"
    start_urls = [f"data:,page{i}" for i in range(5)]

    def parse(self, response):
        raise ValueError("cannot parse " + response.url)


class Slow(scrapy.Spider):
    name = "slow"
    custom_settings = {"DOWNLOAD_DELAY": 0.2}

    async def start(self):
        for i in range(500):
            yield scrapy.Request(f"data:,page{i}", dont_filter=True)

    def parse(self, response):
        yield {"text": response.text}
"#,
    )
    .expect("spiders");
}
