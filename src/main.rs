//! `outcome`: explain Scrapy and Scrapy Cloud job outcomes. This file only parses the
//! command line, runs it, and turns the result into an exit status.

mod catalog;
mod cli;
mod commands;
mod exit;
mod input;
mod job;
mod lenient;
mod lines;
mod log;
mod output;
mod parallel;
mod pyliteral;
mod reason;
mod render;
mod report;
mod summary;

use std::io::Write;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser;

use exit::{ExitStatus, Failure};

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let _ = writeln!(
            std::io::stderr(),
            "outcome: internal error (a bug, please report it): {info}"
        );
        std::process::exit(i32::from(ExitStatus::Internal.code()));
    }));
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

/// An OS error in words, without Rust's "(os error 2)" suffix.
pub fn io_reason(err: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match err.kind() {
        K::NotFound => "no such file".to_string(),
        K::PermissionDenied => "permission denied".to_string(),
        _ => {
            let text = err.to_string();
            match text.find(" (os error") {
                Some(at) => text[..at].to_string(),
                None => text,
            }
        }
    }
}
