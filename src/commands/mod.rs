//! The subcommands, one file each; this file only dispatches.

pub mod completions;
pub mod explain;
pub mod list;
mod reading;
mod recording;
pub mod run;
pub mod summary;

use crate::cli::{Cli, Command};
use crate::config::Config;
use crate::exit::{ExitStatus, Result};
use crate::output::Sink;

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
