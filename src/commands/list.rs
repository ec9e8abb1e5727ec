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
    let catalog = matcher.catalog();
    let mut entries: Vec<_> = catalog
        .outcomes()
        .filter(|(entry, _)| wanted.is_empty() || wanted.contains(&entry.severity))
        .filter(|(entry, _)| word.as_deref().is_none_or(|w| entry.mentions(w)))
        .filter(|(entry, _)| setting.is_none_or(|s| entry.affected_by(s)))
        .collect();
    if let (true, Some(setting)) = (entries.is_empty(), setting) {
        // `list memusage_exceeded`: no setting is called that, but an outcome is.
        let found = matcher.find(setting);
        if found.how.is_by_name() {
            entries = catalog
                .outcomes()
                .filter(|(entry, _)| entry.name == catalog.entries[found.entry].name)
                .filter(|(entry, _)| wanted.is_empty() || wanted.contains(&entry.severity))
                .collect();
            if !entries.is_empty() {
                render::warn(
                    config.err,
                    &format!(
                        "no setting is called `{setting}`; the outcome of that name is shown (outcome explain {setting} explains it)"
                    ),
                );
            }
        }
    }
    // The checks behind findings are searched too: named on stderr, so that the listing
    // keeps one shape in every format.
    let checks: Vec<&str> = match &word {
        Some(w) => catalog
            .checks
            .iter()
            .filter(|c| c.mentions(w))
            .map(|c| c.id.as_str())
            .collect(),
        None => Vec::new(),
    };
    if !checks.is_empty() {
        render::warn(
            config.err,
            &format!(
                "checks that mention `{}`: {} (outcome list --checks)",
                word.as_deref().unwrap_or_default(),
                checks.join(", ")
            ),
        );
    }
    // Nothing found is an answer, not a failure (1-3 are verdicts here): said on stderr.
    if entries.is_empty() {
        if let Some(setting) = setting {
            render::warn(
                config.err,
                &format!("no outcome names the setting `{setting}` (try --search)"),
            );
        } else if let (Some(word), true) = (&args.search, checks.is_empty()) {
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
