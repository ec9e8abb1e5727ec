//! `outcome list`: the catalog as a table, TSV or JSON Lines.

use std::io::{self, Write};

use super::color::Palette;
use super::safe::safe;
use super::width::{columns, fit, pad};
use super::{json, tsv_row, Format};
use crate::catalog::{Entry, Kind, Origin};
use crate::checks::Check;
use crate::severity::Severity;

pub fn entries(
    out: &mut impl Write,
    format: Format,
    palette: Palette,
    entries: &[(&Entry, Kind)],
) -> io::Result<()> {
    let width = entries
        .iter()
        .map(|(e, _)| columns(&safe(&e.name)))
        .max()
        .unwrap_or(0);
    for &(entry, kind) in entries {
        match format {
            Format::Json => json::entry_json(out, entry, kind)?,
            Format::Line => tsv_row(
                out,
                &[
                    &entry.name,
                    entry.severity.as_str(),
                    &entry.title,
                    entry.origin.as_str(),
                ],
            )?,
            Format::Human | Format::Nagios | Format::Prometheus => {
                let origin = match &entry.origin {
                    Origin::Builtin => String::new(),
                    user => format!("  [{}]", safe(user.as_str())),
                };
                let family = if kind == Kind::Family {
                    "  (family)"
                } else {
                    ""
                };
                let name = safe(&entry.name);
                let used = width + 2 + Severity::LABEL_WIDTH + 2;
                let room = palette
                    .line()
                    .saturating_sub(used + columns(family) + columns(&origin));
                writeln!(
                    out,
                    "{}{}  {}{}  {}{family}{}",
                    palette.strong(&name),
                    pad(&name, width),
                    palette.badge(entry.severity),
                    pad(entry.severity.label(), Severity::LABEL_WIDTH),
                    fit(&safe(&entry.title), room),
                    palette.dim(&origin),
                )?;
            }
        }
    }
    Ok(())
}

/// `outcome list --checks`: each check's id, its thresholds after the user catalog and
/// `--finding`, and its title.
pub fn checks(
    out: &mut impl Write,
    format: Format,
    palette: Palette,
    checks: &[Check],
) -> io::Result<()> {
    let levels = |check: &Check| -> String {
        if !check.enabled {
            return "off".to_string();
        }
        let described = check.levels.describe(check.measure);
        match check.forced {
            Some(severity) => format!("{} when it fires (--finding)", severity.as_str()),
            None => described,
        }
    };
    let width = checks
        .iter()
        .map(|c| columns(&safe(&c.id)))
        .max()
        .unwrap_or(0);
    let level_width = checks
        .iter()
        .map(|c| columns(&safe(&levels(c))))
        .max()
        .unwrap_or(0);
    for check in checks {
        match format {
            Format::Json => json::check_json(out, check)?,
            Format::Line => tsv_row(
                out,
                &[&check.id, &levels(check), &check.title, &check.origin],
            )?,
            Format::Human | Format::Nagios | Format::Prometheus => {
                let id = safe(&check.id);
                let shown = safe(&levels(check)).into_owned();
                let origin = if check.origin == "builtin" {
                    String::new()
                } else {
                    format!("  [{}]", safe(&check.origin))
                };
                let used = width + 2 + level_width + 2 + columns(&origin);
                writeln!(
                    out,
                    "{}{}  {}{}  {}{}",
                    palette.strong(&id),
                    pad(&id, width),
                    shown,
                    pad(&shown, level_width),
                    fit(&safe(&check.title), palette.line().saturating_sub(used)),
                    palette.dim(&origin),
                )?;
            }
        }
    }
    Ok(())
}
