//! `outcome list`: the whole catalog, or the entries of some severities.

use std::io::Write;

use super::reading::refuse_summary_formats;
use crate::cli;
use crate::config::Config;
use crate::exit::{Error, ExitStatus, Result};
use crate::output::Sink;
use crate::render;
use crate::severity::Severity;

pub fn run(config: &Config, sink: &mut Sink, args: &cli::List) -> Result<ExitStatus> {
    refuse_summary_formats(config, "list")?;
    let matcher = config.matcher()?;
    if args.checks {
        if !config.quiet {
            render::list::checks(
                &mut *sink,
                config.format,
                config.out,
                &matcher.catalog().checks,
            )
            .and_then(|()| sink.flush())
            .map_err(|err| Error::output(&err))?;
        }
        return Ok(ExitStatus::Ok);
    }
    let wanted: Vec<Severity> = args.severity.iter().map(|&s| s.into()).collect();
    let word = args.search.as_deref().map(str::to_lowercase);
    let setting = args.setting.as_deref().map(str::trim);
    let entries: Vec<_> = matcher
        .catalog()
        .outcomes()
        .filter(|(entry, _)| wanted.is_empty() || wanted.contains(&entry.severity))
        .filter(|(entry, _)| word.as_deref().is_none_or(|w| entry.mentions(w)))
        .filter(|(entry, _)| setting.is_none_or(|s| entry.affected_by(s)))
        .collect();
    // Nothing found is an answer, not a failure (1-3 are verdicts here): said on stderr.
    if entries.is_empty() {
        if let Some(setting) = setting {
            render::warn(
                config.err,
                &format!("no outcome names the setting `{setting}` (try --search)"),
            );
        } else if let Some(word) = &args.search {
            render::warn(config.err, &format!("no entry mentions `{word}`"));
        }
    }
    if !config.quiet {
        render::list::entries(&mut *sink, config.format, config.out, &entries)
            .and_then(|()| sink.flush())
            .map_err(|err| Error::output(&err))?;
    }
    Ok(ExitStatus::Ok)
}
