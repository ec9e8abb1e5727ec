//! The Monitoring Plugins status line: `OUTCOME STATE - text | perfdata`. Nagios reads 4 KB
//! of a plugin's output by default, so the text part is capped (with a count of what was
//! left out) and the perfdata always fits; a `|` in the text would start fake perfdata, so
//! it is replaced.

use std::io::{self, Write};

use super::safe::safe;
use crate::severity::Severity;

/// The longest text part, in bytes.
pub const TEXT_CAP: usize = 3000;

/// Text from input, safe for the text part of a status line.
pub fn clean(text: &str) -> String {
    safe(text).replace('|', "/")
}

/// `OUTCOME STATE - text | perfdata`; `items` are joined with ", " until the cap.
pub fn status_line(
    out: &mut impl Write,
    severity: Severity,
    text: &str,
    items: &[String],
    perfdata: &str,
) -> io::Result<()> {
    let mut body = clean(text);
    if !items.is_empty() {
        body.push_str(" (");
        let mut shown = 0;
        // Room for ", and 123456 more)" after the last item shown.
        const TAIL: usize = 32;
        for item in items {
            let item = clean(item);
            if body.len() + item.len() + 2 + TAIL > TEXT_CAP {
                break;
            }
            if shown > 0 {
                body.push_str(", ");
            }
            body.push_str(&item);
            shown += 1;
        }
        if shown < items.len() {
            body.push_str(&format!(
                "{}and {} more",
                if shown > 0 { ", " } else { "" },
                items.len() - shown
            ));
        }
        body.push(')');
    }
    if body.len() > TEXT_CAP {
        let mut cut = TEXT_CAP;
        while !body.is_char_boundary(cut) {
            cut -= 1;
        }
        body.truncate(cut);
        body.push_str("...");
    }
    write!(out, "OUTCOME {} - {body}", severity.label())?;
    if !perfdata.is_empty() {
        write!(out, " | {perfdata}")?;
    }
    writeln!(out)
}

/// An error, as a plugin that could not check reports it: UNKNOWN, one line.
pub fn error_line(out: &mut impl Write, message: &str) -> io::Result<()> {
    status_line(out, Severity::Unknown, message, &[], "")
}
