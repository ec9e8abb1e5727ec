//! The subcommands, one file each; this file reads the command line, dispatches, and
//! turns the result into an exit status.

pub mod completions;
pub mod explain;
pub mod list;
mod reading;
mod recording;
pub mod run;
pub mod summary;

use std::io::{IsTerminal, Write};

use clap::error::ErrorKind;
use clap::Parser;

use crate::cli::{self, Cli, Command};
use crate::config::Config;
use crate::exit::{Error, ExitStatus, Result};
use crate::output::Sink;
use crate::render::{self, color, nagios};

pub fn run(cli: Cli) -> Result<ExitStatus> {
    // We decide about colour ourselves, per stream; see render::color.
    colored::control::set_override(true);
    let mut sink = Sink::stdout();
    let config = Config::resolve(&cli.global(), sink.terminal);
    // `run` writes nothing to stdout: the command it runs owns it, closed or not.
    let writes_stdout = !matches!(cli.command, Command::Run(_));
    if writes_stdout && !config.quiet {
        sink.check_present()?;
    }
    match &cli.command {
        Command::Explain(args) => explain::run(&config, &mut sink, args),
        Command::List(args) => list::run(&config, &mut sink, args),
        Command::Summary(args) => summary::run(&config, &mut sink, args),
        Command::Completions(args) => completions::run(&config, &mut sink, args),
        Command::Run(args) => run::run(&config, args),
    }
}

/// The whole program: the command line read, run, and its exit status. A panic (a bug) is
/// one line and 70, whatever the payload.
pub fn main() -> u8 {
    std::panic::set_hook(Box::new(|info| {
        // One line, whatever the payload: a bug report, not a backtrace.
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("unknown panic");
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr(),
            "outcome: internal error (a bug, please report it): {}{place}",
            render::safe::safe(message)
        );
        std::process::exit(i32::from(ExitStatus::Internal.code()));
    }));
    // Debug builds only: lets the tests check that a bug still ends in one line and 70.
    #[cfg(debug_assertions)]
    if std::env::var_os("OUTCOME_DEBUG_PANIC").is_some() {
        panic!("panic requested by OUTCOME_DEBUG_PANIC");
    }
    let mut args: Vec<_> = std::env::args_os().collect();
    if let Some(explain) = cli::help_topic(&args) {
        args = explain;
    }
    let nagios_output = cli::asks_for_nagios(&args);
    let result = match cli::Cli::try_parse_from(&args) {
        Ok(cli) => run(cli),
        Err(err) => match err.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => print_help(&err),
            _ if nagios_output => Err(Error::usage(clap_summary(&err))),
            _ => {
                // clap quotes the value it refused: input, so escaped like all input.
                let text = err.render().to_string();
                let mut stderr = std::io::stderr().lock();
                for line in text.lines() {
                    let _ = writeln!(stderr, "{}", render::safe::safe(line));
                }
                if let Some(hint) = cli::input_hint(&args) {
                    let _ = writeln!(stderr, "outcome: {}", render::safe::safe(&hint));
                }
                return ExitStatus::Usage.code();
            }
        },
    };
    let status = match result {
        Ok(status) => status,
        Err(err) => {
            let palette = color::Palette {
                on: color::decide(color::ColorChoice::Auto, std::io::stderr().is_terminal()),
                width: render::width::decide(libc::STDERR_FILENO),
            };
            if !err.reported {
                render::warn(palette, &err.message);
            }
            // A plugin that could not check says so on stdout, as UNKNOWN; if even that
            // line cannot be written, the output error stands.
            if !nagios_output {
                err.status
            } else {
                let mut stdout = Sink::stdout();
                let written = nagios::error_line(&mut stdout, &err.message)
                    .and_then(|()| stdout.flush())
                    .map_err(|e| Error::output(&e))
                    .and_then(|()| stdout.check_present());
                match written {
                    Ok(()) => ExitStatus::Unknown,
                    Err(output) => {
                        render::warn(palette, &output.message);
                        output.status
                    }
                }
            }
        }
    };
    status.code()
}

/// Help and the version, which clap words, written like any output: a closed pipe is the
/// reader having read enough, any other failure is 74.
fn print_help(err: &clap::Error) -> Result<ExitStatus> {
    let mut stdout = Sink::stdout();
    stdout.check_present()?;
    let text = err.render().to_string();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Error::output(&e))?;
    Ok(ExitStatus::Ok)
}

/// clap's message, on one line and without its `error: ` label.
fn clap_summary(err: &clap::Error) -> String {
    let text = err
        .kind()
        .as_str()
        .map_or_else(|| err.to_string(), |_| err.to_string());
    let first = text.lines().next().unwrap_or("invalid command line");
    first.trim_start_matches("error: ").to_string()
}
