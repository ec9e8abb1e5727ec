//! A Python literal spread over log lines (a stats dump, a settings block), collected
//! line by line until its brackets close.

#[derive(Debug, Default)]
pub(super) struct Collect {
    pub(super) text: Vec<u8>,
    /// The line the block started on.
    pub(super) line: u64,
    /// Not the whole dump (pasted from its middle, or cut): no counter may be taken as 0.
    pub(super) partial: bool,
    depth: i64,
    quote: Option<u8>,
    pub(super) started: bool,
    escaped: bool,
}

impl Collect {
    /// A literal that starts on line `line`.
    pub(super) fn at(line: u64) -> Collect {
        Collect {
            line,
            ..Collect::default()
        }
    }

    /// Adds a line; true when the literal is complete.
    pub(super) fn push(&mut self, line: &[u8]) -> bool {
        let mut from = 0;
        if !self.started {
            match memchr::memchr(b'{', line) {
                Some(at) => {
                    self.started = true;
                    from = at;
                }
                None => return false,
            }
        }
        for (i, &b) in line[from..].iter().enumerate() {
            if let Some(q) = self.quote {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == q {
                    self.quote = None;
                }
                continue;
            }
            match b {
                b'\'' | b'"' => self.quote = Some(b),
                b'{' | b'[' | b'(' => self.depth += 1,
                b'}' | b']' | b')' => {
                    self.depth -= 1;
                    if self.depth == 0 {
                        self.text.extend_from_slice(&line[from..from + i + 1]);
                        return true;
                    }
                }
                _ => {}
            }
        }
        // Python strings do not span lines; an open quote here means this is not a literal.
        self.quote = None;
        self.text.extend_from_slice(&line[from..]);
        self.text.push(b'\n');
        false
    }
}

/// A line of a dump or settings block as the literal wrote it, without what a wrapper
/// (Celery, docker -t, journald, kubectl) put before each line: where the line does not
/// begin as a pprint line can (a key, a value, a bracket), it begins at its first quote or
/// brace. Wrappers write no quotes or braces of their own.
pub(super) fn without_wrapper(line: &[u8]) -> &[u8] {
    let trimmed = line.trim_ascii_start();
    let literal_start = |b: u8| {
        matches!(
            b,
            b'\'' | b'"' | b'{' | b'}' | b'[' | b']' | b'(' | b')' | b'-' | b'.'
        ) || b.is_ascii_alphanumeric()
    };
    match trimmed.first() {
        None => line,
        // A wrapper's prefix starts with a bracket or a time too: told by a closing
        // bracket or colon before the first quote.
        Some(&b) if literal_start(b) && !wrapped(trimmed) => line,
        Some(_) => match memchr::memchr3(b'\'', b'{', b'}', trimmed) {
            Some(at) => &trimmed[at..],
            None => line,
        },
    }
}

/// Whether a dump line carries a wrapper's prefix: a `]`, a `: `, a process manager's
/// `-> ` or `| `, or a date and time before its first quote or brace, which no line of a
/// pprinted dict has (its keys are quoted).
fn wrapped(line: &[u8]) -> bool {
    let Some(first) = memchr::memchr3(b'\'', b'{', b'}', line) else {
        return false;
    };
    let before = &line[..first];
    memchr::memchr(b']', before).is_some()
        || memchr::memmem::find(before, b": ").is_some()
        || memchr::memmem::find(before, b"-> ").is_some()
        || memchr::memmem::find(before, b"| ").is_some()
        || crate::civil::line_time(before).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(lines: &[&str]) -> (bool, String) {
        let mut collect = Collect::at(1);
        let mut done = false;
        for line in lines {
            done = collect.push(line.as_bytes());
            if done {
                break;
            }
        }
        (done, String::from_utf8_lossy(&collect.text).into_owned())
    }

    #[test]
    fn a_literal_ends_where_its_brackets_close_not_inside_a_string() {
        let (done, text) = collect(&[
            "{'downloader/request_count': 3,",
            " 'finish_reason': 'closed } early',",
            " 'log_count/INFO': [1, (2, 3)]} and then some",
            "never read",
        ]);
        assert!(done);
        assert_eq!(
            text,
            "{'downloader/request_count': 3,\n 'finish_reason': 'closed } early',\n 'log_count/INFO': [1, (2, 3)]}"
        );
    }

    #[test]
    fn a_literal_starts_at_its_first_brace_and_an_open_quote_ends_with_its_line() {
        let (done, text) = collect(&["Dumping Scrapy stats: {'a': 'it''s", " 'b': 2}"]);
        assert!(done);
        assert!(text.starts_with("{'a'"), "{text}");
        let (done, _) = collect(&["no brace on this line", "nor here"]);
        assert!(!done);
    }

    #[test]
    fn a_wrappers_prefix_is_taken_off_a_dump_line_and_a_plain_line_is_left_alone() {
        assert_eq!(
            without_wrapper(
                b"[2026-11-24 01:59:00,123: INFO/MainProcess] 'item_scraped_count': 5,"
            ),
            b"'item_scraped_count': 5,"
        );
        assert_eq!(
            without_wrapper(b"web.1 | 'item_scraped_count': 5,"),
            b"'item_scraped_count': 5,"
        );
        assert_eq!(
            without_wrapper(b" 'item_scraped_count': 5,"),
            b" 'item_scraped_count': 5,"
        );
        assert_eq!(without_wrapper(b"}"), b"}");
    }
}
