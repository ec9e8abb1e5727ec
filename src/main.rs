//! `outcome`: explain Scrapy and Scrapy Cloud job outcomes. This file only parses the
//! command line, runs it, and turns the result into an exit status.

use std::io::Write;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser;

use outcome::exit::{ExitStatus, Failure};
use outcome::{cli, commands};

fn main() -> ExitCode {
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
            message.replace('\n', " ")
        );
        std::process::exit(i32::from(ExitStatus::Internal.code()));
    }));
    // Debug builds only: lets the tests check that a bug still ends in one line and 70.
    #[cfg(debug_assertions)]
    if std::env::var_os("OUTCOME_DEBUG_PANIC").is_some() {
        panic!("panic requested by OUTCOME_DEBUG_PANIC");
    }
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return match err.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => ExitCode::SUCCESS,
                _ => ExitCode::from(ExitStatus::Usage.code()),
            };
        }
    };
    let status = match commands::run(cli) {
        Ok(status) => status,
        Err(err) => {
            let status = match err.downcast_ref::<Failure>() {
                Some(failure) => failure.status,
                None => ExitStatus::Internal,
            };
            let _ = writeln!(std::io::stderr(), "outcome: {err}");
            status
        }
    };
    ExitCode::from(status.code())
}
