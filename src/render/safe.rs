//! Terminal-safe text. Anything that is not a compile-time constant (a reason, a job key, a
//! log line, a file name, a user catalog's text) goes through `safe` before it reaches a
//! terminal, on stdout or stderr, so that escape sequences, control characters, bidi
//! overrides and invisible format characters are shown as escapes instead of acting.

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

/// C1 controls (0x9b is a one-byte CSI on some terminals), the line and paragraph
/// separators, and every character of Unicode's general category Cf (format characters:
/// bidi controls that reorder what follows, zero-width characters that hide text, the soft
/// hyphen, tag characters), as of Unicode 15.1.
fn is_invisible_or_reordering(c: char) -> bool {
    matches!(c as u32,
        0x80..=0x9f
        | 0xad
        | 0x600..=0x605
        | 0x61c
        | 0x6dd
        | 0x70f
        | 0x890..=0x891
        | 0x8e2
        | 0x180e
        | 0x200b..=0x200f
        | 0x2028..=0x202e
        | 0x2060..=0x2064
        | 0x2066..=0x206f
        | 0xfeff
        | 0xfff9..=0xfffb
        | 0x110bd
        | 0x110cd
        | 0x13430..=0x1343f
        | 0x1bca0..=0x1bca3
        | 0x1d173..=0x1d17a
        | 0xe0000..=0xe007f)
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

    #[test]
    fn an_unusual_character_is_found_wherever_it_stands() {
        for len in 0..20 {
            for at in 0..=len {
                let (before, after) = ("p".repeat(at), "q".repeat(len - at));
                for (c, shown) in [
                    ("\u{1b}", "\\x1b"),
                    ("\u{7f}", "\\x7f"),
                    ("\u{9b}", "\\u{9b}"),
                    ("\n", "\\n"),
                    ("\u{202e}", "\\u{202e}"),
                ] {
                    let text = format!("{before}{c}{after}");
                    assert_eq!(safe(&text), format!("{before}{shown}{after}"), "{text:?}");
                }
                let plain = format!("{before} ~{after}");
                assert!(matches!(safe(&plain), std::borrow::Cow::Borrowed(_)));
            }
        }
    }

    #[test]
    fn format_characters_are_escaped_and_neighbours_are_not() {
        assert_eq!(safe("a\u{ad}b\u{e0041}"), "a\\u{ad}b\\u{e0041}");
        assert_eq!(safe("\u{2065}"), "\u{2065}");
        assert_eq!(safe("\u{ae}\u{5ff}"), "\u{ae}\u{5ff}");
    }
}
