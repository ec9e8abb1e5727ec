//! Scrapyd as a source (`--scrapyd URL`): its jobs from `listjobs.json`, each finished job
//! judged from its log under `/logs/`, running and pending jobs reported as such. Every
//! request has its timeouts and every body its cap; a Scrapyd that cannot be reached or
//! answers wrongly is an `Unavailable` error (69), raised after the jobs already read.

use std::borrow::Cow;
use std::io::Read;
use std::time::Duration;

use serde::Deserialize;

use super::emit::{Emit, Render};
use super::records::Records;
use crate::exit::Error;
use crate::job::Job;
use crate::reason::Matcher;
use crate::report::{Location, Report};

/// The most of a job's log that is read; past it the log is judged as cut there.
pub const LOG_CAP: u64 = 256 * 1024 * 1024;
/// The most of an API answer (`listprojects.json`, `listjobs.json`) that is read.
pub const ANSWER_CAP: u64 = 64 * 1024 * 1024;
/// Connecting, and waiting for an answer to begin.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);
/// A whole request, body included (a log of hundreds of MB takes a while).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);

/// Where Scrapyd is and how to log in.
#[derive(Debug, Clone)]
pub struct Server {
    /// `scheme://host:port[/prefix]`, without credentials or a trailing slash.
    base: String,
    /// `user:password`, for HTTP basic auth.
    credentials: Option<String>,
    agent: ureq::Agent,
}

#[derive(Debug, Deserialize)]
struct Projects {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    projects: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Jobs {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    pending: Vec<Listed>,
    #[serde(default)]
    running: Vec<Listed>,
    #[serde(default)]
    finished: Vec<Listed>,
}

#[derive(Debug, Deserialize)]
struct Listed {
    id: String,
    spider: String,
    /// Since Scrapyd 1.3; older ones list one project at a time.
    #[serde(default)]
    project: Option<String>,
    /// Since Scrapyd 1.4: the log's path on the server, null without `logs_dir`.
    #[serde(default)]
    log_url: Option<String>,
    #[serde(default)]
    pid: Option<u64>,
}

impl Server {
    /// `url` may hold `user:password@`; `user` (`USER:PASSWORD`) outranks it.
    pub fn new(url: &str, user: Option<&str>) -> Result<Server, Error> {
        let trimmed = url.trim().trim_end_matches('/');
        let Some((scheme, rest)) = trimmed.split_once("://") else {
            return Err(Error::usage(format!(
                "--scrapyd `{trimmed}`: give a URL such as http://localhost:6800"
            )));
        };
        if !matches!(scheme, "http" | "https") {
            return Err(Error::usage(format!(
                "--scrapyd `{trimmed}`: only http:// and https:// URLs"
            )));
        }
        let (authority, path) = match rest.find('/') {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        let (in_url, host) = match authority.rsplit_once('@') {
            Some((credentials, host)) => (Some(percent_decoded(credentials)), host),
            None => (None, authority),
        };
        if host.is_empty() {
            return Err(Error::usage(format!(
                "--scrapyd `{}`: no host",
                shown(trimmed)
            )));
        }
        let credentials = user.map(str::to_string).or(in_url);
        let config = ureq::Agent::config_builder()
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_recv_response(Some(ANSWER_TIMEOUT))
            .timeout_per_call(Some(REQUEST_TIMEOUT))
            .http_status_as_error(false)
            .user_agent(concat!("outcome/", env!("CARGO_PKG_VERSION")))
            // The system's certificates (a company's own CA included), read only when an
            // https URL is used; none are built into the binary.
            .tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(ureq::tls::RootCerts::PlatformVerifier)
                    .build(),
            )
            .build();
        Ok(Server {
            base: format!("{scheme}://{host}{path}"),
            credentials,
            agent: ureq::Agent::new_with_config(config),
        })
    }

    /// The server as it may be shown: no credentials.
    pub fn shown(&self) -> &str {
        &self.base
    }

    fn get(&self, path: &str) -> Result<ureq::http::Response<ureq::Body>, String> {
        let url = format!("{}{path}", self.base);
        let mut request = self.agent.get(&url);
        if let Some(credentials) = &self.credentials {
            request = request.header("Authorization", format!("Basic {}", base64(credentials)));
        }
        let response = request.call().map_err(|err| match err {
            ureq::Error::Timeout(_) => "no answer in time".to_string(),
            ureq::Error::Io(e) => crate::exit::io_reason(&e),
            ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => err.to_string(),
            other => other.to_string(),
        })?;
        match response.status().as_u16() {
            200..=299 => Ok(response),
            401 | 403 => Err(format!(
                "{} {}: wrong or missing credentials (give user:password@ in the URL, or --user)",
                response.status().as_u16(),
                response.status().canonical_reason().unwrap_or("")
            )),
            code => Err(format!(
                "HTTP {code} {}",
                response.status().canonical_reason().unwrap_or("")
            )),
        }
    }

    fn json<T: for<'de> Deserialize<'de>>(&self, path: &str) -> Result<T, String> {
        let response = self.get(path)?;
        let mut text = Vec::new();
        response
            .into_body()
            .into_reader()
            .take(ANSWER_CAP)
            .read_to_end(&mut text)
            .map_err(|e| crate::exit::io_reason(&e))?;
        serde_json::from_slice(&text).map_err(|e| format!("not Scrapyd's JSON ({e})"))
    }
}

/// Every job of the server (of `project`, or of every project): finished jobs judged from
/// their logs, in the order Scrapyd lists them, then running, then pending jobs.
pub fn read_scrapyd<R: Render>(
    server: &Server,
    project: Option<&str>,
    matcher: &Matcher,
    out: &mut Emit<'_, R>,
) -> Result<(), Error> {
    let unavailable =
        |what: String| Error::unavailable(format!("{}: {}", server.shown(), shown(&what)));
    let projects = match project {
        Some(p) => vec![p.to_string()],
        None => {
            let listed: Projects = server.json("/listprojects.json").map_err(unavailable)?;
            refuse_error(listed.status.as_deref(), listed.message.as_deref())
                .map_err(unavailable)?;
            listed.projects
        }
    };
    for project in projects {
        let path = format!("/listjobs.json?project={}", percent_encoded(&project));
        let jobs: Jobs = server.json(&path).map_err(unavailable)?;
        refuse_error(jobs.status.as_deref(), jobs.message.as_deref())
            .map_err(|what| unavailable(format!("project `{project}`: {what}")))?;
        for job in &jobs.finished {
            if out.stopped() {
                return Ok(());
            }
            finished(server, &project, job, matcher, out)?;
        }
        for (state, listed) in [("running", &jobs.running), ("pending", &jobs.pending)] {
            for job in listed {
                let report = unfinished(matcher, &project, job, state);
                out.report(with_place(report, server, &project, job));
            }
        }
    }
    Ok(())
}

/// `{"status": "error", "message": ...}`: Scrapyd's own refusal.
fn refuse_error(status: Option<&str>, message: Option<&str>) -> Result<(), String> {
    match status {
        Some("ok") | None => Ok(()),
        Some(other) => Err(format!(
            "Scrapyd answered `{other}`: {}",
            message.unwrap_or("no message")
        )),
    }
}

fn finished<R: Render>(
    server: &Server,
    project: &str,
    job: &Listed,
    matcher: &Matcher,
    out: &mut Emit<'_, R>,
) -> Result<(), Error> {
    let project = job.project.as_deref().unwrap_or(project);
    // Older Scrapyd lists no log_url; its logs are where `logs_dir` puts them.
    let path = match &job.log_url {
        Some(url) => url.clone(),
        None => format!(
            "/logs/{}/{}/{}.log",
            percent_encoded(project),
            percent_encoded(&job.spider),
            percent_encoded(&job.id)
        ),
    };
    let name = format!("{}{path}", server.shown());
    match server.get(&path) {
        Ok(response) => {
            let reader = response.into_body().into_reader().take(LOG_CAP);
            match super::read(&name, reader, matcher, out) {
                Err(err) if err.status == crate::exit::ExitStatus::NoInput => {
                    Err(Error::unavailable(err.message))
                }
                other => other,
            }
        }
        Err(what) if what.starts_with("HTTP 404") => {
            // Scrapyd lists more finished jobs (finished_to_keep) than it keeps logs of
            // (jobs_to_keep), and none without logs_dir.
            let mut report = unfinished(matcher, project, job, "finished");
            report.notes.push(
                "Scrapyd no longer has this job's log (it keeps jobs_to_keep logs a spider, 5 by default, and lists finished_to_keep jobs, 100), or keeps none (logs_dir is empty): nothing to judge".to_string(),
            );
            out.report(with_place(report, server, project, job));
            Ok(())
        }
        Err(what) => Err(Error::unavailable(format!(
            "{}: {}",
            shown(&name),
            shown(&what)
        ))),
    }
}

/// A job Scrapyd lists without a log to judge: its state, key and spider.
fn unfinished(matcher: &Matcher, project: &str, listed: &Listed, state: &str) -> Report<'static> {
    let job = Job {
        key: Some(Cow::Owned(format!(
            "{project}/{}/{}",
            listed.spider, listed.id
        ))),
        spider: Some(Cow::Owned(listed.spider.clone())),
        state: Some(Cow::Owned(state.to_string())),
        ..Job::default()
    };
    let mut report = crate::judge::record(matcher, Box::new(job), true);
    if let Some(pid) = listed.pid {
        report
            .notes
            .push(format!("process {pid} on the Scrapyd host"));
    }
    report
}

fn with_place(
    mut report: Report<'static>,
    server: &Server,
    project: &str,
    job: &Listed,
) -> Report<'static> {
    report.location = Some(Location {
        source: Cow::Owned(format!(
            "{}/listjobs.json?project={}#{}",
            server.shown(),
            percent_encoded(project),
            job.id
        )),
        line: 1,
    });
    report
}

/// Text from the server, cut to a line's worth for a message.
fn shown(text: &str) -> String {
    let mut cut: String = text.chars().take(300).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    cut
}

fn percent_encoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `user%40corp:p%3Ass` as written in a URL's userinfo, decoded.
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (
            bytes[at],
            bytes.get(at + 1).copied().and_then(hex),
            bytes.get(at + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                at += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn base64(text: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_is_base64_of_user_colon_password() {
        assert_eq!(
            base64("Aladdin:open sesame"),
            "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(base64("a:b"), "YTpi");
        assert_eq!(base64("ab:c"), "YWI6Yw==");
        assert_eq!(base64(""), "");
    }

    #[test]
    fn credentials_leave_the_url_that_is_shown() {
        let server = Server::new("http://me%40corp:p%3Ass@127.0.0.1:6800/", None).expect("parses");
        assert_eq!(server.shown(), "http://127.0.0.1:6800");
        assert_eq!(server.credentials.as_deref(), Some("me@corp:p:ss"));
        let server = Server::new("https://h/scrapyd", Some("u:p")).expect("parses");
        assert_eq!(server.shown(), "https://h/scrapyd");
        assert_eq!(server.credentials.as_deref(), Some("u:p"));
        assert!(Server::new("ftp://h", None).is_err());
        assert!(Server::new("localhost:6800", None).is_err());
        assert!(Server::new("http://", None).is_err());
    }

    #[test]
    fn project_names_are_escaped_in_a_query() {
        assert_eq!(percent_encoded("my proj&x=1"), "my%20proj%26x%3D1");
    }
}
