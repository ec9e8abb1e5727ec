//! How wide human output is laid out, and the two ways text is made to fit. The width is
//! decided once per stream: the terminal's own size, then `COLUMNS`; never below 40.
//! Prose (cards) wraps to that width, or to 80 where there is none (a pipe, a file), and
//! stops at 100 columns whatever the terminal, because longer lines read badly. Lines
//! (stream lines, table rows) are cut with an ellipsis only where there is a width: in a
//! file or a pipe nothing is cut, so that a search still finds every word.

use std::borrow::Cow;
use std::ffi::OsStr;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub const DEFAULT: usize = 80;
pub const MIN: usize = 40;
pub const PROSE_MAX: usize = 100;
/// Wider than any terminal; a `COLUMNS` beyond it is taken as a mistake and capped.
const MAX: usize = 1000;

/// The width for a stream, if it has one: `terminal` is its size when it is a terminal.
pub fn choose(terminal: Option<usize>, columns: Option<&OsStr>) -> Option<usize> {
    let from_env = || {
        columns
            .and_then(OsStr::to_str)
            .and_then(|v| v.trim().parse::<usize>().ok())
    };
    terminal
        .filter(|&w| w > 0)
        .or_else(from_env)
        .filter(|&w| w > 0)
        .map(|w| w.clamp(MIN, MAX))
}

/// The width of the terminal behind a descriptor, if it is one.
pub fn terminal_columns(fd: libc::c_int) -> Option<usize> {
    // SAFETY: TIOCGWINSZ writes one `winsize` into the struct we own, and fails
    // harmlessly (-1, struct untouched) on a descriptor that is not a terminal.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut size) };
    (rc == 0 && size.ws_col > 0).then_some(usize::from(size.ws_col))
}

pub fn decide(fd: libc::c_int) -> Option<usize> {
    choose(terminal_columns(fd), std::env::var_os("COLUMNS").as_deref())
}

/// How many columns text takes on a terminal (wide characters count two).
pub fn columns(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` cut to at most `room` columns, the cut marked with `…`.
pub fn fit(text: &str, room: usize) -> Cow<'_, str> {
    if columns(text) <= room {
        return Cow::Borrowed(text);
    }
    let mut cut = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > room {
            break;
        }
        cut.push(c);
        used += w;
    }
    if room > 0 {
        cut.push('…');
    }
    Cow::Owned(cut)
}

/// `text` cut to at most `room` columns from its start, the cut marked with `…`: for a
/// path or a key, whose end (a file's name, a line number) tells most.
pub fn fit_start(text: &str, room: usize) -> Cow<'_, str> {
    if columns(text) <= room {
        return Cow::Borrowed(text);
    }
    let mut kept = 0;
    let mut start = text.len();
    for (at, c) in text.char_indices().rev() {
        let w = c.width().unwrap_or(0);
        if kept + w + 1 > room {
            break;
        }
        kept += w;
        start = at;
    }
    match room {
        0 => Cow::Borrowed(""),
        _ => Cow::Owned(format!("…{}", &text[start..])),
    }
}

/// `text` padded with spaces to `width` columns (longer text is left as it is).
pub fn pad(text: &str, width: usize) -> String {
    " ".repeat(width.saturating_sub(columns(text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_then_columns_then_default_within_bounds() {
        let env = |v: &str| Some(OsStr::new(v).to_owned());
        assert_eq!(choose(Some(120), env("60").as_deref()), Some(120));
        assert_eq!(choose(None, env("60").as_deref()), Some(60));
        assert_eq!(choose(Some(0), env(" 70 ").as_deref()), Some(70));
        assert_eq!(choose(None, env("wide").as_deref()), None);
        assert_eq!(choose(None, env("0").as_deref()), None);
        assert_eq!(choose(None, None), None);
        assert_eq!(choose(Some(20), None), Some(MIN));
        assert_eq!(choose(None, env("99999999999").as_deref()), Some(MAX));
    }

    #[test]
    fn fit_cuts_by_columns_and_marks_the_cut() {
        assert_eq!(fit("abcdef", 6), "abcdef");
        assert_eq!(fit("abcdefg", 6), "abcde…");
        assert_eq!(columns(&fit("日本語のテキスト", 7)), 7);
        assert_eq!(fit("日本語", 4), "日…");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(fit_start("logs/shop/books.log:12", 14), "…/books.log:12");
        assert_eq!(fit_start("short", 14), "short");
        assert_eq!(columns(&fit_start("ログ/日本語.log", 9)), 9);
        assert_eq!(fit_start("abc", 0), "");
    }
}
