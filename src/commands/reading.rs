//! What reading inputs means for every command that reads them: where input comes from,
//! what happens when one source fails, and which formats a command refuses.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::exit::{Error, Result};
use crate::input::walk::{walk, Found};
use crate::input::{self, Consumer, ReadError};
use crate::reason::Matcher;
use crate::render;

/// `--format nagios` is for `outcome summary`.
pub fn refuse_summary_formats(config: &Config, command: &str) -> Result<()> {
    for (format, name) in [
        (render::Format::Nagios, "nagios"),
        (render::Format::Prometheus, "prometheus"),
    ] {
        if config.format == format {
            return Err(Error::usage(format!(
                "--format {name} works with `outcome summary` only, not `outcome {command}`"
            )));
        }
    }
    Ok(())
}

/// Where reading comes from: the files given, or stdin. When stdin is all there is and it
/// is a terminal, nothing would ever come: `no_input` says what to do instead.
pub fn sources(inputs: &[PathBuf], no_input: &str) -> Result<Vec<PathBuf>> {
    if inputs.is_empty() {
        if io::stdin().is_terminal() {
            return Err(Error::no_input(no_input));
        }
        return Ok(vec![PathBuf::from("-")]);
    }
    Ok(inputs.to_vec())
}

/// Reads every source into `consumer` (a directory: every file below it, sorted); a source
/// that fails is reported at once and the others are still read. Returns the first
/// failure, which decides the status.
pub fn read_all<C: Consumer>(
    sources: &[PathBuf],
    matcher: &Matcher,
    consumer: &mut C,
    config: &Config,
) -> Result<Option<Error>> {
    let mut failed = None;
    for path in sources {
        if consumer.stopped() {
            break;
        }
        let is_dir = path != Path::new("-") && std::fs::metadata(path).is_ok_and(|m| m.is_dir());
        if is_dir {
            let mut visit = |found: Found<'_>| -> Result<bool> {
                match found {
                    Found::File(file) => read_one(file, matcher, consumer, config, &mut failed)?,
                    Found::Problem(error) => {
                        render::warn(config.err, &error.message);
                        failed.get_or_insert(error);
                    }
                }
                Ok(!consumer.stopped())
            };
            walk(path, &mut visit)?;
        } else {
            read_one(path, matcher, consumer, config, &mut failed)?;
        }
    }
    Ok(failed)
}

fn read_one<C: Consumer>(
    path: &Path,
    matcher: &Matcher,
    consumer: &mut C,
    config: &Config,
    failed: &mut Option<Error>,
) -> Result<()> {
    match input::read_path(path, matcher, consumer) {
        Ok(()) => Ok(()),
        Err(ReadError::Output(err)) => Err(Error::output(&err)),
        Err(ReadError::Input(error)) => {
            render::warn(config.err, &error.message);
            failed.get_or_insert(error);
            Ok(())
        }
    }
}

/// An argument that names an existing file, for the `-i` hint.
pub fn is_existing_path(text: &str) -> bool {
    !text.is_empty() && Path::new(text).symlink_metadata().is_ok()
}
