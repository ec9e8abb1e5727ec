//! `outcome run -- COMMAND...`: runs a crawl, passes its output through untouched, reads
//! the Scrapy log from its stderr as it flows (or follows `--log FILE`), and exits with the
//! crawl's verdict. The command's own fate is evidence: a non-zero exit without a close line
//! is a failure to start, death by SIGKILL is said as such, no log at all is UNKNOWN.
//!
//! The command runs in a process group of its own, so that a Ctrl-C at the terminal reaches
//! it once, through `outcome`, which forwards SIGINT, SIGTERM and SIGHUP (a second Ctrl-C
//! is a second SIGINT, as Scrapy expects), and SIGQUIT (Ctrl-\), SIGUSR1 and SIGUSR2 (Scrapy
//! dumps its stacks on SIGQUIT and SIGUSR2), none of which ends `outcome` itself. `outcome`
//! waits for the command before it exits.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
use signal_hook::iterator::Signals;

use crate::cli;
use crate::config::Config;
use crate::exit::{Error, ExitStatus, Result};
use crate::input::follow::{follow, pass_through, Scan, Start, Stop};
use crate::reason::Matcher;
use crate::render::{self, human, Format};
use crate::report::{CommandFate, Report};
use crate::severity::Tally;

pub fn run(config: &Config, args: &cli::Run) -> Result<ExitStatus> {
    super::reading::refuse_summary_formats(config, "run")?;
    if args.report.is_none() && config.format != Format::Human {
        // The stderr report is always the human line; only a report file takes a format.
        let name = if config.format == Format::Json {
            "json"
        } else {
            "line"
        };
        render::warn(
            config.err,
            &format!(
                "--format {name} applies to --report FILE; without one, the report on stderr is the human line"
            ),
        );
    }
    // The spider `scrapy crawl NAME` names is its crawl's; `--spider` names the spider of a
    // command that does not say (`scrapy runspider`, a script).
    let mut config = config.clone();
    if let Some(spider) = spider_of(&args.command) {
        config.spider = Some(spider);
    }
    let config = &config;
    let matcher = config.matcher()?;
    let program = args
        .command
        .first()
        .ok_or_else(|| Error::usage("outcome run needs a command after `--`"))?;
    // Opened before the crawl starts: a path that cannot be written fails now, not after
    // an hour of crawling.
    let report_file = match &args.report {
        Some(path) => Some((
            path,
            File::create(path).map_err(|err| report_error(path, &err))?,
        )),
        None => None,
    };
    let log_path = args.log.clone().or_else(|| log_file_of(&args.command));
    let started = std::time::Instant::now();
    let mut command = Command::new(program);
    command
        .args(&args.command[1..])
        .stdin(Stdio::inherit())
        .stdout(Stdio::inherit())
        .stderr(if log_path.is_some() {
            Stdio::inherit()
        } else {
            Stdio::piped()
        })
        // Its own group: terminal signals reach it once, through us.
        .process_group(0);
    // The followed log's current end, taken before the command can write to it.
    let log_start = log_path.as_deref().map(Start::end_of);
    let signals = Signals::new(FORWARDED)
        .map_err(|err| Error::internal(format!("cannot handle signals: {err}")))?;
    let mut child = command.spawn().map_err(|err| cannot_start(program, &err))?;
    let pid = child.id();
    let forwarder = signals.handle();
    let forwarding = std::thread::spawn(move || forward(signals, pid));
    let exited = Arc::new(AtomicBool::new(false));
    let reading = match (&log_path, child.stderr.take()) {
        (Some(path), _) => {
            let (path, exited, start) =
                (path.clone(), exited.clone(), log_start.unwrap_or_default());
            std::thread::spawn(move || {
                follow(&path, start, &mut |_, _| {
                    if exited.load(Ordering::SeqCst) {
                        Stop::WhenDrained
                    } else {
                        Stop::No
                    }
                })
            })
        }
        (None, Some(stderr)) => std::thread::spawn(move || pass_through(stderr)),
        (None, None) => std::thread::spawn(|| Ok(Scan::default())),
    };
    // The command is reaped only once the forwarder has stopped: until then its pid, and so
    // its process group, cannot be given to another process that a late signal would hit.
    let exit = wait_unreaped(pid);
    exited.store(true, Ordering::SeqCst);
    forwarder.close();
    let _ = forwarding.join();
    let status = exit
        .and_then(|()| wait(&mut child))
        .map_err(|err| Error::internal(format!("waiting for the command: {err}")))?;
    let scan = match reading.join() {
        Ok(Ok(scan)) => scan,
        Ok(Err(err)) => {
            return Err(Error::no_input(format!(
                "{}: {}",
                source_name(log_path.as_deref()),
                crate::exit::io_reason(&err)
            )))
        }
        Err(_) => return Err(Error::internal("the log reader stopped")),
    };
    let fate = CommandFate {
        exit_code: status.code(),
        signal: status.signal(),
        line: shown_command(&args.command),
        seconds: started.elapsed().as_secs_f64(),
    };
    let mut reports = judge(matcher, scan, fate, source_name(log_path.as_deref()));
    if let Some(history) = super::recording::Recorder::open(config, matcher.catalog()) {
        for report in &mut reports {
            history.judge(matcher.catalog(), report);
        }
        history.finish();
    }
    let mut tally = Tally::default();
    for report in &reports {
        tally.add(report.severity);
    }
    if !config.quiet {
        let mut err = io::stderr().lock();
        for report in &reports {
            let _ = human::stream_line(&mut err, config.err, matcher.catalog(), report);
        }
    }
    if let Some((path, file)) = report_file {
        write_report(path, file, config, matcher, &reports)?;
    }
    Ok(config.final_status(&tally, None))
}

fn cannot_start(program: &OsString, err: &io::Error) -> Error {
    let shown = program.to_string_lossy();
    let why = match err.kind() {
        io::ErrorKind::NotFound => "no such command".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => crate::exit::io_reason(err),
    };
    Error::no_input(format!("cannot run `{shown}`: {why}"))
}

fn source_name(log: Option<&Path>) -> String {
    match log {
        Some(path) => path.display().to_string(),
        None => "<stderr>".to_string(),
    }
}

/// Waits for the command, through interrupted waits.
fn wait(child: &mut Child) -> io::Result<std::process::ExitStatus> {
    loop {
        match child.wait() {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Waits until the command has exited, leaving it to be reaped (`WNOWAIT`).
fn wait_unreaped(pid: u32) -> io::Result<()> {
    let pid = libc::id_t::from(pid);
    loop {
        // SAFETY: waitid writes only into the siginfo we own; WNOWAIT leaves the child
        // waitable, so `Child::wait` reaps it afterwards.
        let result = unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            libc::waitid(libc::P_PID, pid, &mut info, libc::WEXITED | libc::WNOWAIT)
        };
        if result == 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// The signals passed on to the command: those that stop a crawl, and those that ask it
/// for something (a stack dump) without stopping it.
const FORWARDED: [libc::c_int; 6] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2];

/// Sends every signal of `FORWARDED` we get on to the command's process group.
fn forward(mut signals: Signals, pid: u32) {
    let Ok(group) = libc::pid_t::try_from(pid) else {
        return;
    };
    for signal in signals.forever() {
        // SAFETY: kill takes plain integers; a negative pid names the process group we
        // made for the command, so nothing else is signalled.
        unsafe {
            libc::kill(-group, signal);
        }
    }
}

/// The crawl's answers, placed in the command's log, judged with how the command ended.
fn judge(matcher: &Matcher, scan: Scan, fate: CommandFate, source: String) -> Vec<Report<'static>> {
    let reports = crate::judge::crawls(matcher, scan.log.finish(), &source);
    crate::judge::command_ended(matcher, reports, &fate)
}

fn report_error(path: &Path, err: &io::Error) -> Error {
    Error::new(
        ExitStatus::IoError,
        format!(
            "{}: cannot write the report: {}",
            path.display(),
            crate::exit::io_reason(err)
        ),
    )
}

fn write_report(
    path: &Path,
    file: File,
    config: &Config,
    matcher: &Matcher,
    reports: &[Report<'static>],
) -> Result<()> {
    let fail = |err: io::Error| report_error(path, &err);
    let mut out = io::BufWriter::new(file);
    let catalog = matcher.catalog();
    for (i, report) in reports.iter().enumerate() {
        match config.format {
            Format::Human => {
                if i > 0 {
                    writeln!(out).map_err(fail)?;
                }
                // A file, not a terminal: no colour, the default width.
                human::card(
                    &mut out,
                    render::color::Palette {
                        on: false,
                        width: None,
                    },
                    catalog,
                    report,
                    human::Detail::Full,
                )
                .map_err(fail)?;
            }
            format => render::machine(&mut out, format, catalog, report).map_err(fail)?,
        }
    }
    out.flush().map_err(fail)
}

/// The `LOG_FILE` a Scrapy command sets (`-s LOG_FILE=F`, `--set LOG_FILE=F`,
/// `--logfile F`, and their `=` forms); the last one wins, as in Scrapy.
fn log_file_of(command: &[OsString]) -> Option<std::path::PathBuf> {
    let args: Vec<&str> = command.iter().filter_map(|a| a.to_str()).collect();
    let mut found = None;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i];
        let setting = match arg {
            "-s" | "--set" => args.get(i + 1).copied().inspect(|_| i += 1),
            _ => arg
                .strip_prefix("--set=")
                .or_else(|| arg.strip_prefix("-s").filter(|rest| rest.contains('='))),
        };
        if let Some(path) = setting.and_then(|s| s.strip_prefix("LOG_FILE=")) {
            found = Some(path);
        }
        if arg == "--logfile" {
            found = args.get(i + 1).copied();
            i += 1;
        } else if let Some(path) = arg.strip_prefix("--logfile=") {
            found = Some(path);
        }
        i += 1;
    }
    found
        .filter(|path| !path.is_empty())
        .map(std::path::PathBuf::from)
}

/// The spider of `scrapy crawl NAME` (also `python -m scrapy crawl NAME`): the first word
/// after `crawl` that is not an option or an option's value.
fn spider_of(command: &[OsString]) -> Option<String> {
    let args: Vec<&str> = command.iter().filter_map(|a| a.to_str()).collect();
    let scrapy = args
        .iter()
        .position(|a| *a == "scrapy" || a.ends_with("/scrapy"))?;
    let crawl = scrapy + 1 + args[scrapy + 1..].iter().position(|a| *a == "crawl")?;
    // Options of `scrapy crawl` that take a value.
    const VALUED: [&str; 9] = [
        "-a",
        "-s",
        "-o",
        "-O",
        "-L",
        "-t",
        "--set",
        "--logfile",
        "--loglevel",
    ];
    let mut rest = args[crawl + 1..].iter();
    while let Some(arg) = rest.next() {
        if VALUED.contains(arg) {
            rest.next();
        } else if !arg.starts_with('-') {
            return Some((*arg).to_string());
        }
    }
    None
}

/// The command as a shell would show it, for the report.
fn shown_command(command: &[OsString]) -> String {
    command
        .iter()
        .map(|a| {
            let a = a.to_string_lossy();
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c))
            {
                a.into_owned()
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<OsString> {
        text.split(' ').map(OsString::from).collect()
    }

    #[test]
    fn the_log_file_a_command_sets() {
        for (command, want) in [
            ("scrapy crawl books -s LOG_FILE=a.log", Some("a.log")),
            ("scrapy crawl books --set LOG_FILE=b.log", Some("b.log")),
            ("scrapy crawl books --set=LOG_FILE=c.log", Some("c.log")),
            ("scrapy crawl books -sLOG_FILE=d.log", Some("d.log")),
            ("scrapy crawl books --logfile e.log", Some("e.log")),
            ("scrapy crawl books --logfile=f.log", Some("f.log")),
            (
                "scrapy crawl books -s LOG_FILE=g.log -s LOG_FILE=h.log",
                Some("h.log"),
            ),
            ("scrapy crawl books -s LOG_LEVEL=INFO", None),
            ("scrapy crawl books -s LOG_FILE=", None),
            ("scrapy crawl books -s", None),
        ] {
            assert_eq!(
                log_file_of(&words(command)),
                want.map(std::path::PathBuf::from),
                "{command}"
            );
        }
    }

    #[test]
    fn the_spider_a_command_crawls() {
        for (command, want) in [
            ("scrapy crawl books", Some("books")),
            (
                "/venv/bin/scrapy crawl -s LOG_LEVEL=INFO books -a x=1",
                Some("books"),
            ),
            ("python -m scrapy crawl -L INFO quotes", Some("quotes")),
            (
                "scrapy crawl --logfile x.log -o items.jl shop",
                Some("shop"),
            ),
            ("scrapy list", None),
            ("sh -c 'scrapy crawl x'", None),
            ("scrapy crawl", None),
        ] {
            assert_eq!(spider_of(&words(command)).as_deref(), want, "{command}");
        }
    }
}
