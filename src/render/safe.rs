//! Terminal-safe text. Anything that came from input (a reason, a job key, a log line) goes
//! through `safe` before human or line output, so that escape sequences, control characters
//! and bidi overrides are shown as escapes instead of acting on the terminal.

use std::borrow::Cow;
use std::fmt::Write;

pub fn safe(text: &str) -> Cow<'_, str> {
    // Without short-circuiting, so that the check runs on whole vectors of bytes.
    let unusual = text
        .bytes()
        .fold(false, |seen, b| seen | !(0x20..0x7f).contains(&b));
    if !unusual {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_invisible_or_reordering(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// C1 controls (0x9b is a one-byte CSI on some terminals), bidi controls that reorder what
/// follows (Trojan Source), zero-width characters that hide text, and the line and
/// paragraph separators.
fn is_invisible_or_reordering(c: char) -> bool {
    matches!(c as u32,
        0x80..=0x9f
        | 0x061c
        | 0x200b..=0x200f
        | 0x2028..=0x202e
        | 0x2060..=0x2069
        | 0xfeff
        | 0xfff9..=0xfffb)
}

#[cfg(test)]
mod tests {
    use super::safe;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            safe("memusage_exceeded"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(safe("été"), "été");
    }

    #[test]
    fn controls_and_bidi_are_escaped() {
        assert_eq!(safe("a\u{1b}[31mb"), "a\\x1b[31mb");
        assert_eq!(safe("x\u{7}\u{7f}"), "x\\x07\\x7f");
        assert_eq!(safe("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(safe("abc\u{202e}def"), "abc\\u{202e}def");
        assert_eq!(safe("zero\u{200b}width"), "zero\\u{200b}width");
        assert_eq!(safe("a\tb\nc"), "a\\tb\\nc");
    }
}
