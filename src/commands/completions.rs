//! `outcome completions`: a shell's completion script on stdout, or every shell's into a
//! directory (created if missing) under their usual names.
//!
//! clap's generators offer a positional argument's values only in bash and zsh; for fish,
//! elvish and PowerShell the reason names (with their titles) are added to what they write,
//! so that `outcome explain mem<Tab>` completes in every shell.

use std::io::Write;

use clap::ValueEnum;
use clap_complete::Shell;

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
        for &shell in Shell::value_variants() {
            let name = clap_complete::Generator::file_name(&shell, "outcome");
            std::fs::write(dir.join(name), script(shell)).map_err(failed)?;
        }
        return Ok(ExitStatus::Ok);
    }
    if !config.quiet {
        if let Some(shell) = args.shell {
            sink.write_all(&script(shell))
                .map_err(|err| Error::output(&err))?;
        }
    }
    sink.flush().map_err(|err| Error::output(&err))?;
    Ok(ExitStatus::Ok)
}

/// The script for one shell, reason names included.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut generated = Vec::new();
    clap_complete::generate(shell, &mut cli::command(), "outcome", &mut generated);
    let reasons = cli::reason_names();
    match shell {
        Shell::Fish => {
            let mut text = generated;
            for (name, title) in &reasons {
                let _ = writeln!(
                    text,
                    "complete -c outcome -n \"__fish_outcome_using_subcommand explain\" -f -a '{}' -d '{}'",
                    fish_quoted(name),
                    fish_quoted(title)
                );
            }
            text
        }
        Shell::Elvish => insert_after(&generated, "&'outcome;explain'= {", |out| {
            for (name, title) in &reasons {
                out.push_str(&format!(
                    "            cand {name} '{}'\n",
                    title.replace('\'', "''")
                ));
            }
        }),
        Shell::PowerShell => insert_after(&generated, "'outcome;explain' {", |out| {
            for (name, title) in &reasons {
                out.push_str(&format!(
                    "            [CompletionResult]::new('{name}', '{name}', \
                     [CompletionResultType]::ParameterValue, '{}')\n",
                    title.replace('\'', "''")
                ));
            }
        }),
        _ => generated,
    }
}

fn fish_quoted(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\'', "\\'")
}

/// The script with lines added after the first line that ends with `anchor`.
fn insert_after(script: &[u8], anchor: &str, add: impl Fn(&mut String)) -> Vec<u8> {
    let text = String::from_utf8_lossy(script);
    let mut out = String::with_capacity(text.len() + 8192);
    let mut done = false;
    for line in text.split_inclusive('\n') {
        out.push_str(line);
        if !done && line.trim_end().ends_with(anchor) {
            add(&mut out);
            done = true;
        }
    }
    out.into_bytes()
}
