//! `outcome completions`: a shell's completion script on stdout, or every shell's into a
//! directory (created if missing) under their usual names.

use std::io::Write;

use clap::ValueEnum;

use crate::cli;
use crate::config::Config;
use crate::exit::{io_reason, Error, ExitStatus, Result};
use crate::output::Sink;

pub fn run(config: &Config, sink: &mut Sink, args: &cli::Completions) -> Result<ExitStatus> {
    if let Some(dir) = &args.dir {
        let failed = |err: std::io::Error| {
            Error::new(
                ExitStatus::IoError,
                format!("{}: {}", dir.display(), io_reason(&err)),
            )
        };
        std::fs::create_dir_all(dir).map_err(failed)?;
        for shell in clap_complete::Shell::value_variants() {
            clap_complete::generate_to(*shell, &mut cli::command(), "outcome", dir)
                .map_err(failed)?;
        }
        return Ok(ExitStatus::Ok);
    }
    if !config.quiet {
        if let Some(shell) = args.shell {
            clap_complete::generate(shell, &mut cli::command(), "outcome", &mut *sink);
        }
    }
    sink.flush().map_err(|err| Error::output(&err))?;
    Ok(ExitStatus::Ok)
}
