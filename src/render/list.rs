//! `outcome list`: the catalog as a table, TSV or JSON Lines.

use std::io::{self, Write};

use super::color::Palette;
use super::safe::safe;
use super::{json, tsv_row, Format};
use crate::catalog::{Entry, Kind, Origin};
use crate::severity::Severity;

pub fn entries(
    out: &mut impl Write,
    format: Format,
    palette: Palette,
    entries: &[(&Entry, Kind)],
) -> io::Result<()> {
    let width = entries
        .iter()
        .map(|(e, _)| safe(&e.name).chars().count())
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
            Format::Human | Format::Nagios => {
                let origin = match &entry.origin {
                    Origin::Builtin => String::new(),
                    user => palette.dim(&format!("  [{}]", safe(user.as_str()))),
                };
                let family = if kind == Kind::Family {
                    "  (family)"
                } else {
                    ""
                };
                let name = safe(&entry.name);
                let name_pad = " ".repeat(width - name.chars().count());
                let pad = " ".repeat(Severity::LABEL_WIDTH - entry.severity.label().len());
                writeln!(
                    out,
                    "{}{name_pad}  {}{pad}  {}{family}{origin}",
                    palette.strong(&name),
                    palette.badge(entry.severity),
                    safe(&entry.title),
                )?;
            }
        }
    }
    Ok(())
}
