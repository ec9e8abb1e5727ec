//! What a log's own lines show beyond its stats: ERROR lines grouped by the shape of their
//! message, the exceptions its tracebacks end with, feed and retry failures, the signal
//! that stopped it. Collected by `input::log` as it scans, judged in `findings`. Every list
//! has a cap, so a log with a million distinct errors costs the same as one with forty.

/// Distinct ERROR message shapes kept; later new shapes are only counted.
pub const GROUPS_CAP: usize = 32;
/// Distinct exception types kept.
pub const EXCEPTIONS_CAP: usize = 32;
/// The longest quotation of a log line, and of a message shape.
pub const QUOTE_CAP: usize = 160;

/// A line of the log, quoted: its number and its text (capped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub line: u64,
    pub text: String,
}

impl Quote {
    pub fn new(line: u64, text: &str) -> Quote {
        Quote {
            line,
            text: cap(&redact_credentials(text.trim())),
        }
    }
}

/// ERROR (or CRITICAL) lines whose messages have one shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineGroup {
    pub level: &'static str,
    pub pattern: String,
    pub count: u64,
    pub first: Quote,
}

/// Tracebacks that end with one exception type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceptionGroup {
    /// As the traceback names it: `ValueError`, `twisted.internet.error.DNSLookupError`.
    pub kind: String,
    pub count: u64,
    /// The first one's exception line.
    pub first: Quote,
    /// The innermost frame of the first one: `path/to/file.py:38 in parse_page`.
    pub frame: Option<String>,
    /// The function of the first one's outermost frame in the project's spiders: the
    /// callback, when Scrapy called one.
    pub callback: Option<String>,
    /// The ERROR message just before the first one (`Spider error processing <GET ...>`).
    pub after: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogEvidence {
    pub error_groups: Vec<LineGroup>,
    /// ERROR lines of shapes past the cap.
    pub errors_ungrouped: u64,
    pub exceptions: Vec<ExceptionGroup>,
    /// `Spider error processing` lines: callbacks that raised.
    pub spider_errors: u64,
    /// `Gave up retrying` lines, and the first.
    pub gave_up: u64,
    pub gave_up_first: Option<Quote>,
    /// `Error storing ... feed` lines and FeedExporter errors, and the first.
    pub feed_errors: u64,
    pub feed_first: Option<Quote>,
    /// `Error while reading start items and requests` (or the older wording).
    pub start_error: Option<Quote>,
    /// A browser driver's `FATAL ERROR: ... JavaScript heap out of memory` (Node.js, which
    /// Playwright and Puppeteer run): the renderer crashed.
    pub browser_out_of_memory: Option<Quote>,
    /// The signal named by `Received SIG...`, and whether it came twice (forced).
    pub signal: Option<String>,
    pub forced: bool,
    /// `Closing spider` without `Spider closed` in a whole log (set per crawl).
    pub close_incomplete: bool,
    /// ... in a text that does not start at its run's header, which may just end early.
    pub close_in_excerpt: bool,
}

impl LogEvidence {
    /// One ERROR or CRITICAL line: `message` is what follows the level.
    pub fn error_line(&mut self, level: &'static str, message: &str, line: u64) {
        let mut scratch = String::new();
        self.error_line_with(level, message, line, &mut scratch);
    }

    /// `error_line` with a buffer for the message's shape that the caller reuses, so that a
    /// log with a hundred thousand errors allocates once per kind, not once per line.
    pub fn error_line_with(
        &mut self,
        level: &'static str,
        message: &str,
        line: u64,
        scratch: &mut String,
    ) {
        let message = message.trim();
        if message.starts_with("Spider error processing") {
            self.spider_errors += 1;
        } else if message.starts_with("Gave up retrying") {
            self.gave_up += 1;
            self.gave_up_first
                .get_or_insert_with(|| Quote::new(line, message));
        }
        if is_feed_failure(message) {
            self.feed_errors += 1;
            self.feed_first
                .get_or_insert_with(|| Quote::new(line, message));
        }
        shape_into(scratch, message);
        let pattern = scratch.as_str();
        if let Some(group) = self
            .error_groups
            .iter_mut()
            .find(|g| g.level == level && g.pattern == pattern)
        {
            group.count += 1;
        } else if self.error_groups.len() < GROUPS_CAP {
            self.error_groups.push(LineGroup {
                level,
                pattern: pattern.to_string(),
                count: 1,
                first: Quote::new(line, message),
            });
        } else {
            self.errors_ungrouped += 1;
        }
    }

    /// A traceback's last exception line, with its innermost frame, the function of its
    /// first frame in the project's spiders (`callback`) and the ERROR message it belongs
    /// to. `frame` is the innermost `File "...", line N, in f` line as written; it is read
    /// only for the first exception of a type.
    pub fn exception(
        &mut self,
        text: &str,
        line: u64,
        frame: Option<&str>,
        callback: Option<&str>,
        after: Option<&str>,
    ) {
        let kind = exception_kind(text);
        if let Some(group) = self.exceptions.iter_mut().find(|g| g.kind == kind) {
            group.count += 1;
        } else if self.exceptions.len() < EXCEPTIONS_CAP {
            self.exceptions.push(ExceptionGroup {
                kind: kind.to_string(),
                count: 1,
                first: Quote::new(line, text),
                frame: frame.and_then(self::frame),
                callback: callback.map(String::from),
                after: after.map(|a| cap(&redact_credentials(a))),
            });
        }
    }

    /// Adds what a later stretch of the same log saw.
    pub fn absorb(&mut self, later: LogEvidence) {
        for group in later.error_groups {
            let same = |g: &LineGroup| g.level == group.level && g.pattern == group.pattern;
            match self.error_groups.iter().position(same) {
                Some(at) => self.error_groups[at].count += group.count,
                None if self.error_groups.len() < GROUPS_CAP => self.error_groups.push(group),
                None => self.errors_ungrouped += group.count,
            }
        }
        self.errors_ungrouped += later.errors_ungrouped;
        for group in later.exceptions {
            match self.exceptions.iter().position(|g| g.kind == group.kind) {
                Some(at) => self.exceptions[at].count += group.count,
                None if self.exceptions.len() < EXCEPTIONS_CAP => self.exceptions.push(group),
                None => {}
            }
        }
        self.spider_errors += later.spider_errors;
        self.gave_up += later.gave_up;
        self.gave_up_first = self.gave_up_first.take().or(later.gave_up_first);
        self.feed_errors += later.feed_errors;
        self.feed_first = self.feed_first.take().or(later.feed_first);
        self.start_error = self.start_error.take().or(later.start_error);
        self.browser_out_of_memory = self
            .browser_out_of_memory
            .take()
            .or(later.browser_out_of_memory);
        self.signal = later.signal.or(self.signal.take());
        self.forced |= later.forced;
    }

    /// The ERROR lines that are the outcome's own words, not errors of the crawl, and what
    /// they are: the memory extension's `Memory usage exceeded ... Shutting down Scrapy...`
    /// (once, or every check until the process ends, as 2.11 does), the engine's `Error
    /// while reading start items and requests` (its own check and the outcome say it).
    /// Counted from the log where it shows them; a record's count holds the one line Scrapy
    /// logs.
    pub fn own_error_lines(&self, outcome: Option<&str>) -> (u64, &'static str) {
        let logged = |opening: &str| -> u64 {
            self.error_groups
                .iter()
                .filter(|g| g.level == "ERROR" && g.pattern.starts_with(opening))
                .map(|g| g.count)
                .sum()
        };
        if outcome == Some("memusage_exceeded") {
            let lines = logged("Memory usage exceeded").max(1);
            (lines, "the memory extension's own shutdown line")
        } else if self.start_error.is_some() {
            let lines = logged("Error while").max(1);
            (lines, "the start error's own line")
        } else {
            (0, "")
        }
    }

    /// Groups most frequent first (first seen first among equals).
    pub fn groups_by_count(&self) -> Vec<&LineGroup> {
        let mut groups: Vec<&LineGroup> = self.error_groups.iter().collect();
        groups.sort_by(|a, b| b.count.cmp(&a.count).then(a.first.line.cmp(&b.first.line)));
        groups
    }

    pub fn exceptions_by_count(&self) -> Vec<&ExceptionGroup> {
        let mut groups: Vec<&ExceptionGroup> = self.exceptions.iter().collect();
        groups.sort_by(|a, b| b.count.cmp(&a.count).then(a.first.line.cmp(&b.first.line)));
        groups
    }
}

/// The feed exporter's failures: `Error storing json feed (5 items) in: ...` (2.x), and
/// errors raised inside FeedExporter's signal handlers (a storage that cannot be opened).
fn is_feed_failure(message: &str) -> bool {
    (message.starts_with("Error storing ") && message.contains(" feed"))
        || message.contains("FeedExporter")
}

/// A message's shape: what stays the same from one occurrence to the next. URLs, numbers,
/// addresses and the insides of `<...>` vary, so they are folded.
#[cfg(test)]
pub fn shape(message: &str) -> String {
    let mut out = String::new();
    shape_into(&mut out, message);
    out
}

/// `shape`, written into a buffer the caller keeps (one per log, not one per line).
pub fn shape_into(out: &mut String, message: &str) {
    out.clear();
    let bytes = message.as_bytes();
    let mut at = 0;
    let mut depth = 0usize;
    // Inside `<...>` only the first word is kept (`<GET …>`, `<bound …>`).
    let mut first_word_done = false;
    while at < bytes.len() {
        if out.len() >= QUOTE_CAP {
            out.push('…');
            break;
        }
        let b = bytes[at];
        if depth == 0 && !matches!(b, b'<' | b'>' | b':' | b'0'..=b'9') {
            // A run of plain text is copied whole (UTF-8 sequences are never special).
            let run = bytes[at..]
                .iter()
                .position(|c| matches!(c, b'<' | b'>' | b':' | b'0'..=b'9'))
                .map_or(bytes.len(), |n| at + n);
            let room = QUOTE_CAP.saturating_sub(out.len());
            let mut end = run.min(at + room.max(1));
            while !message.is_char_boundary(end) {
                end += 1;
            }
            out.push_str(&message[at..end]);
            at = end;
            continue;
        }
        let len = if b < 0x80 {
            1
        } else {
            message[at..].chars().next().map_or(1, char::len_utf8)
        };
        match b {
            b'<' => {
                if depth == 0 {
                    out.push('<');
                    first_word_done = false;
                }
                depth += 1;
            }
            b'>' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push_str(" …>");
                }
            }
            _ if depth > 0 => {
                if b.is_ascii_whitespace() {
                    first_word_done = true;
                } else if !first_word_done {
                    out.push_str(&message[at..at + len]);
                }
            }
            b':' if bytes[at + 1..].starts_with(b"//") => {
                // A URL: the scheme just written goes too, and everything up to a space.
                let scheme = out
                    .bytes()
                    .rev()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-'))
                    .count();
                if scheme == 0 {
                    out.push(':');
                } else {
                    out.truncate(out.len() - scheme);
                    out.push_str("URL");
                    while at < bytes.len()
                        && !matches!(bytes[at], b' ' | b'\t' | b')' | b'>' | b'<')
                    {
                        at += 1;
                    }
                    continue;
                }
            }
            b'0' if bytes.get(at + 1) == Some(&b'x') => {
                at += 2;
                while bytes.get(at).is_some_and(u8::is_ascii_hexdigit) {
                    at += 1;
                }
                out.push_str("0x…");
                continue;
            }
            _ if b.is_ascii_digit() => {
                while bytes
                    .get(at)
                    .is_some_and(|c| c.is_ascii_digit() || *c == b'.')
                {
                    at += 1;
                }
                out.push('N');
                continue;
            }
            _ => out.push_str(&message[at..at + len]),
        }
        at += len;
    }
    if depth > 0 {
        out.push_str(" …>");
    }
}

/// Where a signal that stops Scrapy usually comes from.
pub fn signal_source(signal: &str) -> &'static str {
    match signal {
        "SIGINT" => "Ctrl-C in a terminal, or a Scrapyd cancel (cancel.json sends INT)",
        "SIGTERM" => "kill, docker stop, systemd, Kubernetes or a platform stopping the job",
        "SIGBREAK" => "Ctrl-Break on Windows, or a Scrapyd cancel there",
        "SIGHUP" => "the terminal or session it ran in closing",
        _ => "a signal sent to the process",
    }
}

/// `ValueError: cannot parse x` is a `ValueError`; `KeyboardInterrupt` alone is one too.
pub fn exception_kind(text: &str) -> &str {
    let text = text.trim();
    let head = text.split_once(':').map_or(text, |(head, _)| head).trim();
    let plausible = !head.is_empty()
        && head.len() <= 120
        && head
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
    if plausible {
        head
    } else {
        "(unnamed exception)"
    }
}

/// `File "/x/proj/spiders/books.py", line 38, in parse` as `/x/proj/spiders/books.py:38 in parse`.
pub fn frame(line: &str) -> Option<String> {
    let rest = line.trim().strip_prefix("File \"")?;
    let (path, rest) = rest.split_once('"')?;
    let rest = rest.trim_start_matches(',').trim();
    let number = rest.strip_prefix("line ")?;
    let (number, func) = match number.split_once(',') {
        Some((n, f)) => (n.trim(), f.trim().strip_prefix("in ").map(str::trim)),
        None => (number.trim(), None),
    };
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(cap(&match func {
        Some(func) => format!("{path}:{number} in {func}"),
        None => format!("{path}:{number}"),
    }))
}

/// The function a traceback's `File "...", line N, in f` line names, where the file is in a
/// project's `spiders` package (the layout `scrapy startproject` makes) and not in an
/// installed package (Scrapy's own `scrapy/spiders/crawl.py` is one): in a spider error,
/// the first such frame is the callback Scrapy called.
pub fn spider_function(line: &str) -> Option<&str> {
    let rest = line.trim().strip_prefix("File \"")?;
    let (path, rest) = rest.split_once('"')?;
    let (in_spiders, installed) = directories(path);
    let (head, function) = rest.trim_end().rsplit_once(' ')?;
    if !head.ends_with(", in") {
        return None;
    }
    let identifier = !function.is_empty()
        && function.len() <= 80
        && !function.starts_with(|c: char| c.is_ascii_digit())
        && function
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    (in_spiders && !installed && identifier).then_some(function)
}

/// Whether `path` has a `spiders` directory, and whether it has an installed-packages one
/// (`site-packages`, `dist-packages`): one pass over its bytes, as this is asked of every
/// frame of every traceback.
fn directories(path: &str) -> (bool, bool) {
    let (mut spiders, mut installed) = (false, false);
    let bytes = path.as_bytes();
    let mut start = 0;
    for at in memchr::memchr2_iter(b'/', b'\\', bytes) {
        match &bytes[start..at] {
            b"spiders" => spiders = true,
            b"site-packages" | b"dist-packages" => installed = true,
            _ => {}
        }
        start = at + 1;
    }
    (spiders, installed)
}

/// `ftp://user:secret@host/x` as `ftp://user:***@host/x`: a feed URI in a quoted log line
/// should not put a password on somebody's screen.
pub fn redact_credentials(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        let authority_end = after
            .find(|c: char| c == '/' || c.is_whitespace() || c == '>')
            .unwrap_or(after.len());
        let authority = &after[..authority_end];
        match authority.rfind('@') {
            Some(at_sign) => {
                let userinfo = &authority[..at_sign];
                match userinfo.split_once(':') {
                    Some((user, _)) => {
                        out.push_str(user);
                        out.push_str(":***");
                    }
                    None => out.push_str(userinfo),
                }
                out.push_str(&authority[at_sign..]);
            }
            None => out.push_str(authority),
        }
        rest = &after[authority_end..];
    }
    out.push_str(rest);
    out
}

fn cap(text: &str) -> String {
    match text.char_indices().nth(QUOTE_CAP) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_of_one_kind_share_a_shape() {
        let a = shape("Gave up retrying <GET http://127.0.0.1:37591/status/429?2> (failed 2 times): 429 Unknown Status");
        let b = shape("Gave up retrying <GET http://127.0.0.1:37591/status/429?0> (failed 3 times): 429 Unknown Status");
        assert_eq!(a, b);
        assert_eq!(
            a,
            "Gave up retrying <GET …> (failed N times): N Unknown Status"
        );
        assert_eq!(
            shape("Error caught on signal handler: <bound method FeedExporter.item_scraped of <scrapy.extensions.feedexport.FeedExporter object at 0x7f950fd1d8d0>>"),
            "Error caught on signal handler: <bound …>"
        );
        assert_eq!(
            shape("Error storing json feed (5 items) in: ftp://u:secret@h/x.json"),
            "Error storing json feed (N items) in: URL"
        );
        assert_eq!(
            shape("Error storing csv feed (0 items) in: s3://bucket/out.csv (retry)"),
            "Error storing csv feed (N items) in: URL (retry)"
        );
        assert_eq!(shape("odd :// here"), "odd :// here");
        assert_eq!(shape("see https://example.com/a?b=1 now"), "see URL now");
        assert!(shape(&"x".repeat(10_000)).chars().count() <= QUOTE_CAP + 1);
    }

    #[test]
    fn shapes_fold_what_varies_and_keep_the_rest() {
        // A bare address, a comparison outside `<...>`, and what is inside one that is not
        // ASCII: the first word kept whole, the rest folded.
        assert_eq!(shape("object at 0x7f3a2b gone"), "object at 0x… gone");
        assert_eq!(shape("price > 100 and 5 < 6"), "price > N and N < …>");
        assert_eq!(
            shape("Spider error processing <GET https://例え.jp/ページ> (referer: None)"),
            "Spider error processing <GET …> (referer: None)"
        );
        assert_eq!(shape("<ページ 1> left"), "<ページ …> left");
        // Cut at the cap inside a character of two bytes: the cut moves to its end.
        let long = format!("a{}", "é".repeat(100));
        assert_eq!(shape(&long), format!("a{}…", "é".repeat(80)));
    }

    #[test]
    fn a_callback_is_the_first_frame_in_the_projects_spiders() {
        for (line, function) in [
            (
                r#"  File "/tmp/p/proj/spiders/__init__.py", line 38, in parse_page"#,
                Some("parse_page"),
            ),
            (
                r#"File "C:\work\shop\spiders\items.py", line 9, in parse_item"#,
                Some("parse_item"),
            ),
            (
                r#"  File "/app/__main__.egg/shop/spiders/sub/a.py", line 1, in parse"#,
                Some("parse"),
            ),
            // Scrapy's own spiders package, installed.
            (
                r#"  File "/v/lib/python3.11/site-packages/scrapy/spiders/crawl.py", line 5, in _parse_response"#,
                None,
            ),
            // Not in a spiders package; a file named spiders.py is not one.
            (
                r#"  File "/tmp/p/proj/middlewares.py", line 3, in process_spider_output"#,
                None,
            ),
            (r#"  File "/tmp/p/proj/spiders.py", line 3, in parse"#, None),
            // Not a name a command can take.
            (
                r#"  File "/tmp/p/proj/spiders/a.py", line 3, in <lambda>"#,
                None,
            ),
            (r#"  File "/tmp/p/proj/spiders/a.py", line 3"#, None),
            ("  raise ValueError()", None),
        ] {
            assert_eq!(spider_function(line), function, "{line}");
        }
    }

    #[test]
    fn exception_kinds_and_frames() {
        assert_eq!(exception_kind("ValueError: cannot parse x"), "ValueError");
        assert_eq!(
            exception_kind("twisted.internet.error.DNSLookupError: DNS lookup failed: x"),
            "twisted.internet.error.DNSLookupError"
        );
        assert_eq!(exception_kind("KeyboardInterrupt"), "KeyboardInterrupt");
        assert_eq!(
            exception_kind("a sentence: with words"),
            "(unnamed exception)"
        );
        assert_eq!(
            frame(r#"  File "/tmp/p/spiders/__init__.py", line 38, in parse_page"#).as_deref(),
            Some("/tmp/p/spiders/__init__.py:38 in parse_page")
        );
        assert_eq!(frame("  raise ValueError()"), None);
    }

    #[test]
    fn credentials_are_masked() {
        assert_eq!(
            redact_credentials("in: ftp://user:pass@127.0.0.1:41201/items.json"),
            "in: ftp://user:***@127.0.0.1:41201/items.json"
        );
        assert_eq!(
            redact_credentials("s3://bucket/x http://h:80/p"),
            "s3://bucket/x http://h:80/p"
        );
    }

    #[test]
    fn groups_are_capped_and_counted() {
        let mut evidence = LogEvidence::default();
        for i in 0..100u64 {
            let message = format!("problem kind {}", "x".repeat(i as usize));
            evidence.error_line("ERROR", &message, i);
        }
        assert_eq!(evidence.error_groups.len(), GROUPS_CAP);
        assert_eq!(evidence.errors_ungrouped, 100 - GROUPS_CAP as u64);
    }
}
