//! Small readings of one line: the header's prefix, a dump's key, a 0.x prefix, a memory
//! limit; and how a line is quoted in a note.

use std::borrow::Cow;

use crate::evidence;

/// The longest quotation of a log line in a note.
const QUOTE_CAP: usize = 160;

/// The prefix of the header line `Scrapy 2.19.0 started (bot: name)`, if this is it.
pub(super) fn header_prefix(text: &str, at: usize) -> Option<&str> {
    let scrapy = text[..at].rfind("Scrapy ")?;
    let version = &text[scrapy + "Scrapy ".len()..at];
    let looks_like_version = !version.is_empty()
        && version.len() < 40
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'));
    looks_like_version.then_some(&text[..scrapy])
}

/// ` 'downloader/request_count': 534,`: a line from inside a stats dump.
pub fn starts_with_stats_key(text: &str) -> bool {
    let text = text.trim_start();
    let text = text
        .strip_prefix("b'")
        .or_else(|| text.strip_prefix("u'"))
        .or_else(|| text.strip_prefix('\''));
    text.and_then(|t| t.find("': "))
        .is_some_and(|end| end < 120)
}

/// 0.x logs: `2011-09-19 19:06:40+0400 [spidername] INFO: ...`.
pub(super) fn old_format(prefix: &str) -> bool {
    let stamp = prefix.trim_end();
    let Some(open) = stamp.rfind('[') else {
        return false;
    };
    let stamp = stamp[..open].trim_end().as_bytes();
    stamp.len() >= 24 && {
        let tz = &stamp[stamp.len() - 5..];
        (tz[0] == b'+' || tz[0] == b'-') && tz[1..].iter().all(u8::is_ascii_digit)
    }
}

/// Up to the end of the first sentence (its full stop included), or of the line.
pub(super) fn quote_sentence(text: &str) -> String {
    match text.find(". ") {
        Some(at) => quote(&text[..=at]),
        None => quote(text.trim_end()),
    }
}

/// A line as text: borrowed when it is UTF-8, as almost every line is (the strict check
/// takes std's fast ASCII path; the lossy one does not), replaced where it is not.
pub(super) fn text_of(line: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(line) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(line),
    }
}

/// A log line as quoted in a note: trimmed, capped, a URI's password masked.
pub(super) fn quote(text: &str) -> String {
    let text = evidence::redact_credentials(text.trim());
    let text = text.as_str();
    if text.len() <= QUOTE_CAP {
        return text.to_string();
    }
    let mut cut = QUOTE_CAP;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}...", &text[..cut])
}

/// The limit in `Memory usage exceeded 2048MiB.` (or `2048M.` before Scrapy 2.8), in bytes;
/// `None` when it does not fit.
pub(super) fn memory_limit(after: &str) -> Option<u64> {
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    let mib: u64 = digits.parse().ok()?;
    mib.checked_mul(1024 * 1024)
}

/// A line as it was logged, without what pasting it added: Markdown quote markers
/// (`> `, `> > `), an inline code span around the whole line (`` `...` ``), and terminal
/// colour codes at its ends (a colouring formatter or terminal around a whole record). A
/// log line never starts with `>`, and Scrapy writes no line wrapped in backticks and no
/// escape codes.
pub fn depaste(line: &[u8]) -> &[u8] {
    let mut rest = without_colour(line);
    let indent = rest.iter().take_while(|b| **b == b' ').count();
    if rest.get(indent) == Some(&b'>') {
        rest = &rest[indent..];
        while let Some(after) = rest.strip_prefix(b">") {
            rest = after.strip_prefix(b" ").unwrap_or(after);
        }
    }
    let trimmed = rest.trim_ascii_end();
    if trimmed.len() >= 2
        && trimmed.starts_with(b"`")
        && trimmed.ends_with(b"`")
        && !trimmed.starts_with(b"``")
    {
        rest = &trimmed[1..trimmed.len() - 1];
    }
    rest
}

/// `line` without the ANSI escape sequences (`ESC [ ... m` and other CSI sequences) at its
/// start and its end; those inside it are left to the format learnt around them.
fn without_colour(line: &[u8]) -> &[u8] {
    // A CSI sequence: ESC `[`, parameter and intermediate bytes, one final byte.
    let csi_len = |at: &[u8]| -> Option<usize> {
        let body = at.strip_prefix(b"\x1b[")?;
        let params = body
            .iter()
            .take_while(|b| (0x20..=0x3f).contains(*b))
            .count();
        let last = *body.get(params)?;
        (0x40..=0x7e).contains(&last).then_some(2 + params + 1)
    };
    let mut rest = line;
    while let Some(len) = csi_len(rest) {
        rest = &rest[len..];
    }
    loop {
        let trimmed = rest.trim_ascii_end();
        let Some(start) = memchr::memrchr(0x1b, trimmed) else {
            break;
        };
        if csi_len(&trimmed[start..]) != Some(trimmed.len() - start) {
            break;
        }
        rest = &trimmed[..start];
    }
    rest
}

/// A line that only a Python traceback or Twisted's report of one holds.
pub fn traceback_shaped(line: &[u8]) -> bool {
    let line = depaste(line).trim_ascii();
    memchr::memmem::find(line, b"Traceback (most recent call last):").is_some()
        || line.starts_with(b"Unhandled error in Deferred")
}

/// `.../logs/<project>/<spider>/<job>.log` (Scrapyd's default `logs_dir`): the job key
/// `project/spider/job` and the spider.
pub fn scrapyd_identity(path: &str) -> Option<(String, String)> {
    let mut parts = path.rsplit(['/', '\\']);
    let file = parts.next()?;
    let spider = parts.next()?;
    let project = parts.next()?;
    let logs = parts.next()?;
    let job = file
        .strip_suffix(".log.gz")
        .or_else(|| file.strip_suffix(".log"))?;
    let named = |s: &str| !s.is_empty() && s != "." && s != "..";
    (logs == "logs" && named(project) && named(spider) && named(job))
        .then(|| (format!("{project}/{spider}/{job}"), spider.to_string()))
}

/// A line in Scrapy's default log format: `2020-08-02 10:35:18 [name] LEVEL: message`,
/// also when pasted (quoted, in backticks).
pub fn looks_like_log(line: &[u8]) -> bool {
    let line = depaste(line).trim_ascii_start();
    let stamp = line.len() > 20
        && line[..4].iter().all(u8::is_ascii_digit)
        && line[4] == b'-'
        && line[7] == b'-'
        && line[10] == b' '
        && line[13] == b':'
        && line[16] == b':';
    // The timestamp first: it rules out a traceback's lines at the first byte.
    stamp
        && (memchr::memchr(b'[', line).is_some()
            || [
                &b"] INFO: "[..],
                b"] DEBUG: ",
                b"] WARNING: ",
                b"] ERROR: ",
                b"] CRITICAL: ",
            ]
            .iter()
            .any(|level| memchr::memmem::find(line, level).is_some()))
}

/// A message only Scrapy writes, whatever the format around it: enough to tell a log
/// written with any LOG_FORMAT from a list of reasons.
pub fn has_scrapy_message(line: &[u8]) -> bool {
    const MESSAGES: [&[u8]; 8] = [
        b" started (bot: ",
        b"Spider opened",
        b"Closing spider (",
        b"Spider closed (",
        b"Dumping Scrapy stats:",
        b"Overridden settings:",
        b"Enabled extensions:",
        b"Telnet console listening on",
    ];
    MESSAGES
        .iter()
        .any(|m| memchr::memmem::find(line, m).is_some())
}

/// The first `[name]` in a prefix whose content is a logger's name (`scrapy.core.engine`,
/// `books`), not a wrapper's time, process or pod.
pub(super) fn bracketed_logger(prefix: &str) -> Option<&str> {
    let mut rest = prefix;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else { break };
        let inside = &after[..close];
        let logger_like = inside
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && inside
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
        if logger_like {
            return Some(inside);
        }
        rest = &after[close + 1..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrapyd_paths_name_their_job() {
        assert_eq!(
            scrapyd_identity("/var/lib/scrapyd/logs/shop/books/5f3a.log"),
            Some(("shop/books/5f3a".to_string(), "books".to_string()))
        );
        assert_eq!(
            scrapyd_identity("logs/shop/books/5f3a.log.gz").map(|(k, _)| k),
            Some("shop/books/5f3a".to_string())
        );
        assert_eq!(scrapyd_identity("/var/log/scrapy/crawl.log"), None);
        assert_eq!(scrapyd_identity("logs/shop/books/notes.txt"), None);
        assert_eq!(scrapyd_identity("crawl.log"), None);
    }
}
