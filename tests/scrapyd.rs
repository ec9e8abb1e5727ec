//! Scrapyd as a source, against the real Scrapyd from PyPI on 127.0.0.1: a project built
//! into an egg and deployed with `addversion.json`, spiders run through `schedule.json`,
//! and `outcome summary --scrapyd URL` judging what Scrapyd lists.

mod common;

use std::io::Read;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{outcome, scrapy_project, stderr_of, stdout_of};
use serde_json::Value;

/// A virtualenv with the real Scrapyd, Scrapy and setuptools (to build the egg).
fn venv() -> PathBuf {
    common::python_venv(
        "scrapyd-venv",
        &["scrapyd==1.6.0", "scrapy==2.19.0", "setuptools"],
        "bin/scrapyd",
    )
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// A running Scrapyd in a directory of its own; stopped and removed on drop.
struct Scrapyd {
    dir: PathBuf,
    child: Child,
    port: u16,
    auth: Option<(&'static str, &'static str)>,
}

impl Scrapyd {
    fn start(tag: &str, auth: Option<(&'static str, &'static str)>, jobs_to_keep: u32) -> Scrapyd {
        let venv = venv();
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("scrapyd-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scrapyd dir");
        let port = free_port();
        let (user, password) = auth.unwrap_or(("", ""));
        std::fs::write(
            dir.join("scrapyd.conf"),
            format!(
                "[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\nusername = {user}\npassword = {password}\npoll_interval = 0.2\nlogs_dir = logs\neggs_dir = eggs\ndbs_dir = dbs\njobs_to_keep = {jobs_to_keep}\n"
            ),
        )
        .expect("scrapyd.conf");
        // Its own process group: the crawls it starts are stopped with it.
        let child = Command::new(venv.join("bin/scrapyd"))
            .process_group(0)
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("scrapyd starts");
        let scrapyd = Scrapyd {
            dir,
            child,
            port,
            auth,
        };
        let started = Instant::now();
        while scrapyd.python("get", &["daemonstatus.json"]).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "Scrapyd did not answer on 127.0.0.1:{port} within 60 s"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        scrapyd
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Talks to Scrapyd with Python's own HTTP client: `get PATH`, `post PATH k=v...`,
    /// `egg PROJECT DIR` (build the project's egg and add it as a version).
    fn python(&self, what: &str, args: &[&str]) -> Result<Value, String> {
        let (user, password) = self.auth.unwrap_or(("", ""));
        let out = Command::new(venv().join("bin/python"))
            .arg("-c")
            .arg(HELPER)
            .arg(self.url())
            .arg(user)
            .arg(password)
            .arg(what)
            .args(args)
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())
    }

    fn deploy(&self, project: &Path) {
        let answer = self
            .python("egg", &["proj", &project.display().to_string()])
            .expect("addversion.json");
        assert_eq!(answer["status"], "ok", "{answer}");
    }

    fn schedule(&self, spider: &str, settings: &[&str]) -> String {
        let mut args = vec![
            "schedule.json".to_string(),
            "project=proj".to_string(),
            format!("spider={spider}"),
        ];
        args.extend(settings.iter().map(|s| format!("setting={s}")));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let answer = self.python("post", &args).expect("schedule.json");
        assert_eq!(answer["status"], "ok", "{answer}");
        answer["jobid"].as_str().expect("jobid").to_string()
    }

    /// Waits until `n` jobs have finished.
    fn wait_finished(&self, n: usize) -> Value {
        let started = Instant::now();
        loop {
            let jobs = self
                .python("get", &["listjobs.json?project=proj"])
                .expect("listjobs.json");
            if jobs["finished"].as_array().is_some_and(|f| f.len() >= n) {
                return jobs;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "jobs did not finish: {jobs}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Scrapyd {
    fn drop(&mut self) {
        if let Ok(pid) = libc::pid_t::try_from(self.child.id()) {
            // SAFETY: a signal to the process group this test started.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const HELPER: &str = r#"
import base64, json, os, subprocess, sys, tempfile, urllib.request, uuid
url, user, password, what, *args = sys.argv[1:]
def call(path, data=None, headers={}):
    request = urllib.request.Request(url + "/" + path, data=data, headers=dict(headers))
    if user:
        request.add_header("Authorization", "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode())
    with urllib.request.urlopen(request, timeout=30) as answer:
        sys.stdout.write(answer.read().decode())
if what == "get":
    call(args[0])
elif what == "post":
    call(args[0], urllib.parse.urlencode([tuple(a.split("=", 1)) for a in args[1:]]).encode())
elif what == "egg":
    project, source = args
    with open(os.path.join(source, "setup.py"), "w") as f:
        f.write("from setuptools import setup, find_packages\nsetup(name='proj', version='1.0', packages=find_packages(), entry_points={'scrapy': ['settings = proj.settings']})\n")
    out = tempfile.mkdtemp()
    subprocess.run([sys.executable, "setup.py", "-q", "bdist_egg", "-d", out], cwd=source, check=True, capture_output=True)
    egg = open(os.path.join(out, os.listdir(out)[0]), "rb").read()
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in (("project", project.encode()), ("version", b"1")):
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + b"\r\n")
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="egg"; filename="proj.egg"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode() + egg + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    call("addversion.json", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
"#;

fn summary_json(args: &[&str]) -> (Value, Option<i32>, String) {
    let out = outcome()
        .args(["summary", "--format", "json"])
        .args(args)
        .output()
        .expect("runs");
    let text = stdout_of(&out);
    let answer = serde_json::from_str(text.trim())
        .unwrap_or_else(|e| panic!("{e}: {text} / {}", stderr_of(&out)));
    (answer, out.status.code(), stderr_of(&out))
}

fn explain_lines(args: &[&str]) -> (Vec<Vec<String>>, Option<i32>, String) {
    let out = outcome()
        .args(["explain", "--format", "line"])
        .args(args)
        .output()
        .expect("runs");
    (common::rows(&out), out.status.code(), stderr_of(&out))
}

#[test]
fn the_real_scrapyds_jobs_are_judged_from_their_logs() {
    let scrapyd = Scrapyd::start("jobs", None, 5);
    let project = scrapyd.dir.join("project");
    scrapy_project(&project);
    scrapyd.deploy(&project);
    let clean = scrapyd.schedule("local", &[]);
    let failing = scrapyd.schedule("failing", &[]);
    let capped = scrapyd.schedule("slow", &["CLOSESPIDER_TIMEOUT=1"]);
    scrapyd.wait_finished(3);
    // One more that runs for a while: listed as running.
    let running = scrapyd.schedule("slow", &[]);
    let started = Instant::now();
    while !scrapyd
        .python("get", &["listjobs.json?project=proj"])
        .expect("listjobs")["running"]
        .to_string()
        .contains(&running)
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the slow job never ran"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let url = scrapyd.url();
    let (rows, status, err) = explain_lines(&["--scrapyd", &url]);
    let by_job = |id: &str| {
        rows.iter()
            .find(|r| {
                r[0] == format!(
                    "proj/{}/{id}",
                    if id == clean {
                        "local"
                    } else if id == failing {
                        "failing"
                    } else {
                        "slow"
                    }
                )
            })
            .unwrap_or_else(|| panic!("{id} not in {rows:?} / {err}"))
            .clone()
    };
    assert_eq!(
        by_job(&clean)[1..3],
        ["finished".to_string(), "ok".to_string()]
    );
    assert_eq!(by_job(&failing)[2], "warning", "{rows:?}");
    assert_eq!(
        by_job(&capped)[1..3],
        ["closespider_timeout".to_string(), "warning".to_string()]
    );
    assert_eq!(by_job(&running)[2], "unknown", "{rows:?}");
    assert_eq!(rows.len(), 4, "{rows:?}");
    // WARNING outranks the running job's UNKNOWN.
    assert_eq!(status, Some(1), "{err}");
    // The summary counts them by spider, and --project narrows to one project.
    let (answer, status, err) =
        summary_json(&["--scrapyd", &url, "--project", "proj", "--by", "spider"]);
    assert_eq!(answer["total"], 4, "{answer} {err}");
    assert_eq!(status, Some(1));
    let spiders: Vec<&str> = answer["by_spider"]
        .as_array()
        .expect("by_spider")
        .iter()
        .map(|g| g["spider"].as_str().unwrap_or_default())
        .collect();
    for spider in ["local", "failing", "slow"] {
        assert!(spiders.contains(&spider), "{spiders:?}");
    }
    let (_, status, err) = summary_json(&["--scrapyd", &url, "--project", "nosuch"]);
    assert_eq!(status, Some(69));
    assert!(
        err.contains("project `nosuch`: Scrapyd answered `error`"),
        "{err}"
    );
    let _ = scrapyd.python(
        "post",
        &["cancel.json", "project=proj", &format!("job={running}")],
    );
}

#[test]
fn a_log_scrapyd_no_longer_keeps_is_said_not_guessed() {
    // jobs_to_keep = 1: Scrapyd deletes all but the newest log as the next job starts, so
    // the first run's log is gone once the third has started.
    let scrapyd = Scrapyd::start("rotated", None, 1);
    let project = scrapyd.dir.join("project");
    scrapy_project(&project);
    scrapyd.deploy(&project);
    let first = scrapyd.schedule("local", &[]);
    scrapyd.wait_finished(1);
    scrapyd.schedule("local", &[]);
    scrapyd.wait_finished(2);
    let third = scrapyd.schedule("local", &[]);
    scrapyd.wait_finished(3);
    let out = outcome()
        .args(["explain", "--format", "json", "--scrapyd", &scrapyd.url()])
        .output()
        .expect("runs");
    let answers = common::json_lines(&out);
    let of = |id: &str| {
        answers
            .iter()
            .find(|a| a["job"]["key"] == format!("proj/local/{id}"))
            .unwrap_or_else(|| panic!("{id}: {answers:?}"))
            .clone()
    };
    assert_eq!(of(&third)["severity"], "ok");
    let gone = of(&first);
    assert_eq!(gone["severity"], "unknown");
    assert!(
        gone["notes"][0]
            .as_str()
            .unwrap_or_default()
            .starts_with("Scrapyd no longer has this job's log"),
        "{gone}"
    );
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn basic_auth_comes_from_the_url_or_user_and_a_wrong_one_is_unavailable() {
    let scrapyd = Scrapyd::start("auth", Some(("bot", "s3cret")), 5);
    let with_user = format!("http://bot:s3cret@127.0.0.1:{}", scrapyd.port);
    let (answer, status, err) = summary_json(&["--scrapyd", &with_user]);
    assert_eq!(
        (answer["total"].as_u64(), status),
        (Some(0), Some(3)),
        "{err}"
    );
    // Nothing deployed yet: explain says so, in Scrapyd's terms.
    let (rows, status, err) = explain_lines(&["--scrapyd", &with_user]);
    assert_eq!((rows.len(), status), (0, Some(3)));
    assert_eq!(
        err.trim(),
        "outcome: nothing to explain: Scrapyd lists no jobs"
    );
    let (_, _, err) = explain_lines(&["--scrapyd", &with_user, "--project", "books"]);
    assert!(err.contains("Scrapyd answered `error`"), "{err}");
    let (_, status, _) = summary_json(&["--scrapyd", &scrapyd.url(), "--user", "bot:s3cret"]);
    assert_eq!(status, Some(3));
    let (_, status, err) = summary_json(&["--scrapyd", &scrapyd.url(), "--user", "bot:wrong"]);
    assert_eq!(status, Some(69));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("401 Unauthorized: wrong or missing credentials"),
        "{err}"
    );
    // The password never reaches the terminal.
    let (_, _, err) = summary_json(&[
        "--scrapyd",
        &format!("http://bot:wrong@127.0.0.1:{}", scrapyd.port),
    ]);
    assert!(!err.contains("wrong@"), "{err}");
}

#[test]
fn an_unreachable_scrapyd_is_69_and_the_other_inputs_are_still_reported() {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let jobs = common::fixture("summary_lines.jl").display().to_string();
    let (answer, status, err) = summary_json(&["-i", &jobs, "--scrapyd", &url]);
    assert_eq!(status, Some(69), "{err}");
    assert!(answer["total"].as_u64().is_some_and(|n| n > 0), "{answer}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with(&format!("outcome: {url}: ")), "{err}");
    // Alone, it reads no stdin and answers 69 at once.
    let started = Instant::now();
    let mut child = common::std_outcome()
        .args(["explain", "--scrapyd", &url])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let status = child.wait().expect("waited");
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("read");
    assert_eq!(status.code(), Some(69), "{err}");
    assert!(started.elapsed() < Duration::from_secs(15));
    // Not a URL at all: a usage error.
    let out = outcome()
        .args(["summary", "--scrapyd", "localhost:6800"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(64));
    assert_eq!(
        stderr_of(&out).trim(),
        "outcome: --scrapyd `localhost:6800`: give a URL such as http://localhost:6800"
    );
}
