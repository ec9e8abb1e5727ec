//! What a log's format puts before each message. `LOG_FORMAT` and `LOG_DATEFORMAT` change
//! that prefix, wrappers (docker, journald) add their own, but within one log every record
//! has the same shape: learnt from the first Scrapy line, it tells the engine's own close
//! line from one quoted inside an item or another message, and a line's level from the word
//! ERROR inside a message.

/// Scrapy's levels, as `%(levelname)s` writes them.
const LEVELS: [&str; 5] = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Digits,
    Word,
    Level,
    Space,
    Punct(u8),
}

/// The prefix before a message, as a sequence of token kinds: digits, words (a logger, a
/// month, a host), level names, spaces, punctuation. Two lines of one log have the same.
pub fn shape(prefix: &str) -> Vec<u8> {
    tokens(prefix)
        .iter()
        .map(|(token, _)| code(*token))
        .collect()
}

fn code(token: Token) -> u8 {
    match token {
        Token::Digits => b'9',
        Token::Word => b'w',
        Token::Level => b'L',
        Token::Space => b' ',
        Token::Punct(b) => b,
    }
}

fn tokens(text: &str) -> Vec<(Token, &str)> {
    tokens_upto(text, usize::MAX)
}

/// The first `most` tokens only: a line can be megabytes long, its prefix is not.
fn tokens_upto(text: &str, most: usize) -> Vec<(Token, &str)> {
    Tokens { text, at: 0 }.take(most).collect()
}

/// A line's tokens, one at a time, so that a check can stop at the first that differs.
struct Tokens<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Iterator for Tokens<'t> {
    type Item = (Token, &'t str);

    fn next(&mut self) -> Option<(Token, &'t str)> {
        let (text, bytes) = (self.text, self.text.as_bytes());
        let mut at = self.at;
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        let b = bytes[at];
        let token = if b.is_ascii_digit() {
            while at < bytes.len() && bytes[at].is_ascii_digit() {
                at += 1;
            }
            Token::Digits
        } else if b.is_ascii_alphabetic() || b == b'_' {
            while at < bytes.len()
                && (bytes[at].is_ascii_alphanumeric() || matches!(bytes[at], b'_' | b'.' | b'-'))
            {
                at += 1;
            }
            if LEVELS.contains(&&text[start..at]) {
                Token::Level
            } else {
                Token::Word
            }
        } else if b.is_ascii_whitespace() {
            while at < bytes.len() && bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            Token::Space
        } else {
            // One character, whole (a prefix may hold non-ASCII punctuation).
            let len = text[at..].chars().next().map_or(1, char::len_utf8);
            at += len;
            Token::Punct(if len == 1 { b } else { 0xff })
        };
        self.at = at;
        Some((token, &text[start..at]))
    }
}

/// `line` without its first tokens where they have the shape `wrapper` (from `shape`): a
/// wrapper's prefix on a line of a multi-line message (`scrapy -> `, journald's
/// `Dec 05 10:00:01 host scrapy[12]: `), whose time changes from line to line and whose
/// shape does not. `None` where the line does not start so.
pub fn without_shape<'l>(line: &'l str, wrapper: &[u8]) -> Option<&'l str> {
    let mut tokens = Tokens { text: line, at: 0 };
    for &expected in wrapper {
        let (token, _) = tokens.next()?;
        if code(token) != expected {
            return None;
        }
    }
    Some(&line[tokens.at..])
}

/// The shape learnt from a log's first Scrapy line, and where its logger name stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFormat {
    shape: Vec<u8>,
    /// Index of the logger token (`scrapy.utils.log`), when the format writes one.
    logger: Option<usize>,
}

/// A prefix that could only be a timestamp, a level and a logger: no quotes, braces or
/// angle brackets, which items and repr()s carry. An arrow is a wrapper's (`scrapy -> `,
/// a process manager naming the program whose output it relays), not a repr's.
pub fn plausible(prefix: &str) -> bool {
    prefix.len() <= 200
        && !prefix
            .replace("->", "")
            .contains(['\'', '"', '{', '}', '<', '>', '=', '(', ')'])
}

impl LogFormat {
    /// Learns from a line whose message is known to start at `message` (the header's
    /// `Scrapy X started`, a `[scrapy...]` line): its prefix is the log's.
    pub fn learn(prefix: &str) -> Option<LogFormat> {
        if !plausible(prefix) {
            return None;
        }
        // One pass into one buffer: this runs once for each log of a folder of thousands.
        let mut shape = Vec::with_capacity(32);
        let mut logger = None;
        for (i, (token, text)) in (Tokens {
            text: prefix,
            at: 0,
        })
        .enumerate()
        {
            let is_logger =
                token == Token::Word && (text.starts_with("scrapy.") || text == "scrapy");
            if is_logger && logger.is_none() {
                logger = Some(i);
            }
            shape.push(code(token));
        }
        Some(LogFormat { shape, logger })
    }

    /// Whether `prefix` is this log's own, and, where the format writes the logger, the
    /// logger is one of `loggers` (any, when `loggers` is empty).
    pub fn fits(&self, prefix: &str, loggers: &[&str]) -> bool {
        // Token by token against the shape, allocating nothing: this runs for every close
        // line and level word of every log.
        let mut count = 0;
        let mut logger_fits = loggers.is_empty() || self.logger.is_none();
        for (i, (token, text)) in (Tokens {
            text: prefix,
            at: 0,
        })
        .enumerate()
        {
            if self.shape.get(i) != Some(&code(token)) {
                return false;
            }
            if self.logger == Some(i) && !loggers.is_empty() {
                logger_fits = loggers.contains(&text);
            }
            count += 1;
        }
        count == self.shape.len() && logger_fits
    }

    /// Where the level stands in a line of this format: the byte offset of the level word
    /// `level` if the line's prefix up to it has the log's shape.
    #[cfg(test)]
    pub fn level_at(&self, line: &str, level: &str) -> bool {
        self.level_of(line) == Some(level)
    }

    /// The level word of a line in this format, if its prefix up to the level has the
    /// log's shape. Stops at the first token that differs (a traceback's indented frame
    /// differs at the first), and allocates nothing.
    pub fn level_of<'l>(&self, line: &'l str) -> Option<&'l str> {
        let level_index = self.shape.iter().position(|&c| c == b'L')?;
        for (i, (token, text)) in (Tokens { text: line, at: 0 }).enumerate() {
            if i == level_index {
                return (token == Token::Level).then_some(text);
            }
            if code(token) != self.shape[i] {
                return None;
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_shape_for_every_line_of_a_log() {
        let a = shape("2024-01-01 00:00:00 [scrapy.core.engine] INFO: ");
        let b = shape("2024-11-23 10:59:01 [quotes] DEBUG: ");
        assert_eq!(a, b);
        assert_ne!(
            a,
            shape("{'text': '2024-01-01 00:00:00 [scrapy.core.engine] INFO: ")
        );
        assert_eq!(
            shape("24/11/2026 01:34:47 INFO     scrapy.core.engine - "),
            shape("24/11/2026 01:34:47 WARNING  py.warnings - ")
        );
    }

    #[test]
    fn the_logger_must_be_the_engines_where_the_format_has_one() {
        let format =
            LogFormat::learn("2024-01-01 00:00:00 [scrapy.utils.log] INFO: ").expect("learns");
        let engine = ["scrapy.core.engine", "scrapy"];
        assert!(format.fits("2024-01-01 00:00:02 [scrapy.core.engine] INFO: ", &engine));
        assert!(!format.fits("2024-01-01 00:00:02 [myspider] INFO: ", &engine));
        assert!(!format.fits(
            "{'t': '2024-01-01 00:00:02 [scrapy.core.engine] INFO: ",
            &engine
        ));
        let bare = LogFormat::learn("INFO: ").expect("learns");
        assert!(bare.fits("INFO: ", &engine));
        assert!(!bare.fits("DEBUG: seen INFO: ", &engine));
    }

    #[test]
    fn levels_are_found_where_the_format_puts_them() {
        let format =
            LogFormat::learn("2024-01-01 00:00:00 [scrapy.utils.log] INFO: ").expect("learns");
        assert!(format.level_at(
            "2024-01-01 00:00:05 [scrapy.core.scraper] ERROR: Spider error",
            "ERROR"
        ));
        assert!(!format.level_at("2024-01-01 00:00:05 [x] DEBUG: an ERROR happened", "ERROR"));
        let custom =
            LogFormat::learn("24/11/2026 01:34:47 INFO     scrapy.utils.log - ").expect("learns");
        assert!(custom.level_at(
            "24/11/2026 01:34:48 ERROR    scrapy.core.scraper - Spider error",
            "ERROR"
        ));
    }
}
