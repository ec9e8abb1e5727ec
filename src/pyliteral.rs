//! A reader for the Python literals Scrapy writes when it dumps its stats
//! (`pprint.pformat(stats)`): dicts, lists, tuples, strings in either quote style (bytes
//! too), numbers, True/False/None and calls such as `datetime.datetime(2020, 8, 2, ...)`.

use std::borrow::Cow;

use crate::job::{Job, Stats};
use crate::lenient::Number;

#[derive(Debug, Clone, PartialEq)]
pub enum Py<'t> {
    /// Borrowed from the text when written plainly (every stats key), else decoded.
    Str(Cow<'t, str>),
    Int(i128),
    Float(f64),
    Bool(bool),
    None,
    List(Vec<Py<'t>>),
    Tuple(Vec<Py<'t>>),
    Dict(Vec<(Py<'t>, Py<'t>)>),
    /// `name(args, key=value)`, e.g. a datetime.
    Call(String, Vec<Py<'t>>, Vec<(String, Py<'t>)>),
}

impl Py<'_> {
    /// The value as Python's `repr` writes it (`['shop.spiders']`, `{'a': 1}`, `1.0`),
    /// whatever layout pprint gave it in the log.
    pub fn to_python(&self) -> String {
        let mut out = String::new();
        self.write_python(&mut out);
        out
    }

    fn write_python(&self, out: &mut String) {
        use std::fmt::Write;
        match self {
            Py::Str(s) => write_str_repr(s, out),
            Py::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Py::Float(f) => out.push_str(&float_repr(*f)),
            Py::Bool(true) => out.push_str("True"),
            Py::Bool(false) => out.push_str("False"),
            Py::None => out.push_str("None"),
            Py::List(items) => write_items(items, "[", "]", out),
            Py::Tuple(items) if items.len() == 1 => write_items(items, "(", ",)", out),
            Py::Tuple(items) => write_items(items, "(", ")", out),
            Py::Dict(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    key.write_python(out);
                    out.push_str(": ");
                    value.write_python(out);
                }
                out.push('}');
            }
            Py::Call(name, args, kwargs) => {
                out.push_str(name);
                out.push('(');
                let mut first = true;
                for arg in args {
                    if !first {
                        out.push_str(", ");
                    }
                    first = false;
                    arg.write_python(out);
                }
                for (key, value) in kwargs {
                    if !first {
                        out.push_str(", ");
                    }
                    first = false;
                    out.push_str(key);
                    out.push('=');
                    value.write_python(out);
                }
                out.push(')');
            }
        }
    }
}

fn write_items(items: &[Py<'_>], open: &str, close: &str, out: &mut String) {
    out.push_str(open);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        item.write_python(out);
    }
    out.push_str(close);
}

/// A string as `repr` quotes it: single quotes unless it holds one and no double quote.
fn write_str_repr(s: &str, out: &mut String) {
    use std::fmt::Write;
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// A float as `repr` writes it: `1.0`, `0.25`, `1e+16`, `1e-05`, `inf`.
fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    let magnitude = f.abs();
    if magnitude != 0.0 && !(1e-4..1e16).contains(&magnitude) {
        let text = format!("{f:e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let (sign, digits) = match exponent.strip_prefix('-') {
            Some(digits) => ('-', digits),
            None => ('+', exponent),
        };
        return format!("{mantissa}e{sign}{digits:0>2}");
    }
    if f == f.trunc() {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

const MAX_DEPTH: usize = 100;

#[derive(Debug, PartialEq)]
pub struct ParseError {
    pub offset: usize,
    pub what: String,
}

pub fn parse(text: &[u8]) -> Result<Py<'_>, ParseError> {
    let mut parser = Parser {
        text,
        at: 0,
        depth: 0,
    };
    let value = parser.value()?;
    parser.space();
    if parser.at < text.len() {
        return Err(parser.error("unexpected text after the literal"));
    }
    Ok(value)
}

struct Parser<'t> {
    text: &'t [u8],
    at: usize,
    depth: usize,
}

impl<'t> Parser<'t> {
    fn error(&self, what: &str) -> ParseError {
        ParseError {
            offset: self.at,
            what: what.to_string(),
        }
    }

    fn space(&mut self) {
        while let Some(&b) = self.text.get(self.at) {
            if b.is_ascii_whitespace() {
                self.at += 1;
            } else {
                break;
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.space();
        if self.peek() == Some(byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Result<Py<'t>, ParseError> {
        self.space();
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("nested too deep"));
        }
        let result = match self.peek() {
            None => Err(self.error("unexpected end of the literal")),
            Some(b'{') => self.dict(),
            Some(b'[') => {
                self.at += 1;
                self.sequence(b']').map(Py::List)
            }
            Some(b'(') => self.parenthesised(),
            Some(b'\'' | b'"') => self.strings(),
            Some(b'b' | b'u' | b'r' | b'B' | b'U' | b'R')
                if matches!(self.text.get(self.at + 1), Some(b'\'' | b'"')) =>
            {
                self.strings()
            }
            Some(b'-' | b'+' | b'0'..=b'9' | b'.') => self.number(),
            Some(b) if b.is_ascii_alphabetic() || b == b'_' || b == b'<' => self.name_or_call(),
            Some(_) => Err(self.error("unexpected character")),
        };
        self.depth -= 1;
        result
    }

    fn dict(&mut self) -> Result<Py<'t>, ParseError> {
        self.at += 1;
        let mut entries = Vec::new();
        loop {
            if self.eat(b'}') {
                return Ok(Py::Dict(entries));
            }
            let key = self.value()?;
            if !self.eat(b':') {
                return Err(self.error("expected `:` after a dict key"));
            }
            let value = self.value()?;
            entries.push((key, value));
            if !self.eat(b',') {
                if self.eat(b'}') {
                    return Ok(Py::Dict(entries));
                }
                return Err(self.error("expected `,` or `}` in a dict"));
            }
        }
    }

    fn sequence(&mut self, close: u8) -> Result<Vec<Py<'t>>, ParseError> {
        let mut items = Vec::new();
        loop {
            if self.eat(close) {
                return Ok(items);
            }
            items.push(self.value()?);
            if !self.eat(b',') {
                if self.eat(close) {
                    return Ok(items);
                }
                return Err(self.error("expected `,` or a closing bracket"));
            }
        }
    }

    /// `(x)` is x; `(x, y)` is a tuple; pprint wraps long strings as `('abc' 'def')`.
    fn parenthesised(&mut self) -> Result<Py<'t>, ParseError> {
        self.at += 1;
        let items = self.sequence(b')')?;
        // `('x',)` is a tuple of one; `('x')` is 'x'.
        let one_tuple = self.text[..self.at.saturating_sub(1)]
            .iter()
            .rev()
            .find(|b| !b.is_ascii_whitespace())
            == Some(&b',');
        if one_tuple {
            return Ok(Py::Tuple(items));
        }
        Ok(match <[Py; 1]>::try_from(items) {
            Ok([single]) => single,
            Err(items) => Py::Tuple(items),
        })
    }

    /// One string literal or several adjacent ones, concatenated as Python does.
    fn strings(&mut self) -> Result<Py<'t>, ParseError> {
        if let Some(plain) = self.plain_string() {
            return Ok(Py::Str(Cow::Borrowed(plain)));
        }
        let mut out = String::new();
        loop {
            self.space();
            let mut raw = false;
            while let Some(b'b' | b'u' | b'r' | b'B' | b'U' | b'R') = self.peek() {
                raw |= matches!(self.peek(), Some(b'r' | b'R'));
                self.at += 1;
            }
            match self.peek() {
                Some(q @ (b'\'' | b'"')) => {
                    self.at += 1;
                    self.string_body(q, raw, &mut out)?;
                }
                _ => return Err(self.error("expected a string")),
            }
            self.space();
            if !self.string_follows() {
                return Ok(Py::Str(Cow::Owned(out)));
            }
        }
    }

    /// Whether a string starts here, with or without a prefix: adjacent strings are one
    /// (pprint wraps long ones).
    fn string_follows(&self) -> bool {
        match self.peek() {
            Some(b'\'' | b'"') => true,
            Some(b'b' | b'u' | b'r' | b'B' | b'U' | b'R') => {
                matches!(self.text.get(self.at + 1), Some(b'\'' | b'"'))
            }
            _ => false,
        }
    }

    /// A string written plainly (`'...'` or `"..."`, no prefix, no escape, valid UTF-8,
    /// no string after it to join), taken from the text as it is: every stats key is one,
    /// and a dump has dozens. `None` leaves the string to the general path, unread.
    fn plain_string(&mut self) -> Option<&'t str> {
        let text: &'t [u8] = self.text;
        let start = self.at;
        let quote = *text.get(start)?;
        if !matches!(quote, b'\'' | b'"') {
            return None;
        }
        let rest = text.get(start + 1..)?;
        let end = memchr::memchr3(quote, b'\\', b'\n', rest)?;
        if rest[end] != quote {
            return None;
        }
        let body = std::str::from_utf8(&rest[..end]).ok()?;
        self.at = start + 1 + end + 1;
        self.space();
        if self.string_follows() {
            self.at = start;
            return None;
        }
        Some(body)
    }

    fn string_body(&mut self, quote: u8, raw: bool, out: &mut String) -> Result<(), ParseError> {
        // Most strings (every stats key) have no escape: taken whole, not byte by byte.
        let rest = self.text.get(self.at..).unwrap_or_default();
        if let Some(end) = memchr::memchr3(quote, b'\\', b'\n', rest) {
            if rest[end] == quote {
                out.push_str(&String::from_utf8_lossy(&rest[..end]));
                self.at += end + 1;
                return Ok(());
            }
        }
        let mut bytes = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return Err(self.error("unterminated string"));
            };
            self.at += 1;
            if b == quote {
                break;
            }
            if b == b'\n' {
                return Err(self.error("unterminated string"));
            }
            if b != b'\\' || raw {
                bytes.push(b);
                continue;
            }
            let Some(e) = self.peek() else {
                return Err(self.error("unterminated string"));
            };
            self.at += 1;
            match e {
                b'n' => bytes.push(b'\n'),
                b't' => bytes.push(b'\t'),
                b'r' => bytes.push(b'\r'),
                b'0' => bytes.push(0),
                b'\\' | b'\'' | b'"' => bytes.push(e),
                b'x' => {
                    let code = self.hex(2)?;
                    push_char(&mut bytes, code);
                }
                b'u' => {
                    let code = self.hex(4)?;
                    push_char(&mut bytes, code);
                }
                b'U' => {
                    let code = self.hex(8)?;
                    push_char(&mut bytes, code);
                }
                other => {
                    bytes.push(b'\\');
                    bytes.push(other);
                }
            }
        }
        out.push_str(&String::from_utf8_lossy(&bytes));
        Ok(())
    }

    fn hex(&mut self, digits: usize) -> Result<u32, ParseError> {
        let end = self.at + digits;
        let text = self
            .text
            .get(self.at..end)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| self.error("bad escape in a string"))?;
        self.at = end;
        Ok(text)
    }

    fn number(&mut self) -> Result<Py<'t>, ParseError> {
        let start = self.at;
        while let Some(b) = self.peek() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.' | b'_') {
                self.at += 1;
            } else {
                break;
            }
        }
        let written = std::str::from_utf8(&self.text[start..self.at])
            .map_err(|_| self.error("bad number"))?;
        // Python allows `1_000`; only such a number needs a copy without the underscores.
        let text = if written.contains('_') {
            std::borrow::Cow::Owned(written.replace('_', ""))
        } else {
            std::borrow::Cow::Borrowed(written)
        };
        if let Ok(int) = text.parse::<i128>() {
            return Ok(Py::Int(int));
        }
        match &*text {
            "inf" | "+inf" => return Ok(Py::Float(f64::INFINITY)),
            "-inf" => return Ok(Py::Float(f64::NEG_INFINITY)),
            _ => {}
        }
        text.parse::<f64>().map(Py::Float).map_err(|_| ParseError {
            offset: start,
            what: "bad number".to_string(),
        })
    }

    /// `True`, `None`, `inf`, a call like `datetime.datetime(...)`, or a repr such as
    /// `<object at 0x...>`, which is kept as text.
    fn name_or_call(&mut self) -> Result<Py<'t>, ParseError> {
        let start = self.at;
        if self.peek() == Some(b'<') {
            while let Some(b) = self.peek() {
                self.at += 1;
                if b == b'>' {
                    let text = String::from_utf8_lossy(&self.text[start..self.at]).into_owned();
                    return Ok(Py::Str(Cow::Owned(text)));
                }
            }
            return Err(self.error("unterminated <...>"));
        }
        while let Some(b) = self.peek() {
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' {
                self.at += 1;
            } else {
                break;
            }
        }
        let name = String::from_utf8_lossy(&self.text[start..self.at]).into_owned();
        self.space();
        if self.peek() == Some(b'(') {
            self.at += 1;
            return self.call(name);
        }
        Ok(match name.as_str() {
            "True" => Py::Bool(true),
            "False" => Py::Bool(false),
            "None" => Py::None,
            "inf" => Py::Float(f64::INFINITY),
            "nan" => Py::Float(f64::NAN),
            _ => Py::Str(Cow::Owned(name)),
        })
    }

    fn call(&mut self, name: String) -> Result<Py<'t>, ParseError> {
        let mut args = Vec::new();
        let mut kwargs = Vec::new();
        loop {
            if self.eat(b')') {
                return Ok(Py::Call(name, args, kwargs));
            }
            self.space();
            let save = self.at;
            let mut keyword = None;
            while let Some(b) = self.peek() {
                if b.is_ascii_alphanumeric() || b == b'_' {
                    self.at += 1;
                } else {
                    break;
                }
            }
            if self.at > save && self.eat(b'=') {
                keyword = Some(
                    String::from_utf8_lossy(&self.text[save..self.at - 1])
                        .trim_end_matches('=')
                        .trim()
                        .to_string(),
                );
            } else {
                self.at = save;
            }
            let value = self.value()?;
            match keyword {
                Some(k) => kwargs.push((k, value)),
                None => args.push(value),
            }
            if !self.eat(b',') {
                if self.eat(b')') {
                    return Ok(Py::Call(name, args, kwargs));
                }
                return Err(self.error("expected `,` or `)` in a call"));
            }
        }
    }
}

fn push_char(bytes: &mut Vec<u8>, code: u32) {
    let c = char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
    let mut buf = [0; 4];
    bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// Milliseconds since the epoch for `datetime.datetime(Y, M, D[, h, m, s, us])`, read as
/// UTC (Scrapy writes UTC since 2.11, local time before; close enough for a run time).
fn datetime_ms(args: &[Py<'_>]) -> Option<f64> {
    let mut parts = [0i128; 7];
    for (slot, arg) in parts.iter_mut().zip(args) {
        match arg {
            Py::Int(v) => *slot = *v,
            _ => return None,
        }
    }
    if args.len() < 3 {
        return None;
    }
    crate::civil::civil_ms(parts)
}

/// Fills `stats` from a parsed stats dict. Returns false when it is not a dict.
pub fn fill_stats(value: &Py<'_>, stats: &mut Stats<'static>) -> bool {
    let Py::Dict(entries) = value else {
        return false;
    };
    for (key, value) in entries {
        let Py::Str(key) = key else { continue };
        match (&**key, value) {
            ("finish_reason", Py::Str(reason)) => {
                stats.finish_reason = Some(Cow::Owned(reason.to_string()));
            }
            ("memusage/limit_reached", Py::Bool(b)) => stats.memory_limit_reached = Some(*b),
            ("start_time" | "finish_time", Py::Call(name, args, _))
                if name.ends_with("datetime") =>
            {
                let ms = Number(datetime_ms(args));
                stats.set_number(key, ms);
            }
            (_, Py::Int(v)) => {
                stats.set_number(key, Number(Some(*v as f64)));
            }
            (_, Py::Float(v)) => {
                stats.set_number(key, Number(Some(*v)));
            }
            (_, Py::Bool(b)) => {
                stats.set_number(key, Number(Some(f64::from(u8::from(*b)))));
            }
            // Python 2 era dumps may hold counts as (byte) strings: `b'log_count/ERROR': b'1'`.
            (_, Py::Str(v)) => {
                if let Ok(n) = v.trim().parse::<f64>() {
                    stats.set_number(key, Number(Some(n).filter(|n| n.is_finite())));
                }
            }
            _ => {}
        }
    }
    true
}

/// A stats dump on its own (one line), as a job with only stats; `None` if it is not one.
pub fn stats_from_literal(text: &[u8]) -> Option<Job<'static>> {
    let value = parse(text.trim_ascii()).ok()?;
    let mut stats = Stats::default();
    if !fill_stats(&value, &mut stats) || stats.is_empty() {
        return None;
    }
    Some(Job {
        stats,
        ..Job::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_strings_are_borrowed_and_the_rest_decoded() {
        let Ok(Py::Dict(entries)) = parse(b"{'log_count/INFO': 5, \"x\" : 'y'}") else {
            panic!("a dict");
        };
        for (key, _) in &entries {
            assert!(matches!(key, Py::Str(Cow::Borrowed(_))), "{key:?}");
        }
        // Joined to a string after it, with or without a prefix, across any space.
        assert_eq!(parse(b"'a' b'c'"), Ok(Py::Str("ac".into())));
        assert_eq!(parse(b"'a'\n  'c'"), Ok(Py::Str("ac".into())));
        assert_eq!(parse(b"'a' u\"c\""), Ok(Py::Str("ac".into())));
        // A name after a string is not a prefix.
        assert!(parse(b"'a' bc").is_err());
        assert_eq!(parse(b"['a', b'c']"), parse(b"['a' , b'c']"));
        // Not valid UTF-8, an escape, a newline: decoded as before.
        assert_eq!(parse(b"'caf\xe9'"), Ok(Py::Str("caf\u{fffd}".into())));
        assert_eq!(parse(br"'a\tb'"), Ok(Py::Str("a\tb".into())));
        assert!(parse(b"'a\nb'").is_err());
    }

    #[test]
    fn reads_a_scrapy_stats_dump() {
        let dump = br#"{'downloader/request_count': 18,
 "robotstxt/exception_count/<class 'twisted.internet.error.TCPTimedOutError'>": 1,
 b'bytes_key': 2,
 'elapsed_time_seconds': 37.675051,
 'finish_reason': 'finished',
 'finish_time': datetime.datetime(2020, 8, 2, 10, 35, 18, 354571, tzinfo=datetime.timezone.utc),
 'memusage/limit_reached': True,
 'nested': {'a': [1, 2.5, None, False], 't': (1,)},
 'long': ('abc'
          'def'),
 'start_time': datetime.datetime(2020, 8, 2, 10, 34, 40, 679520)}"#;
        let value = parse(dump).expect("parses");
        let mut stats = Stats::default();
        assert!(fill_stats(&value, &mut stats));
        assert_eq!(stats.finish_reason.as_deref(), Some("finished"));
        assert_eq!(stats.memory_limit_reached, Some(true));
        assert_eq!(stats.elapsed_seconds, Some(37.675051));
        let run = stats
            .finish_time
            .zip(stats.start_time)
            .map(|(f, s)| (f - s) / 1000.0);
        assert!(
            run.is_some_and(|r| (r - 37.675051).abs() < 0.001),
            "{run:?}"
        );
        let Py::Dict(entries) = value else { panic!() };
        assert!(entries.contains(&(Py::Str("long".into()), Py::Str("abcdef".into()))));
        assert!(entries.contains(&(Py::Str("bytes_key".into()), Py::Int(2))));
    }

    #[test]
    fn escapes_and_quotes() {
        assert_eq!(parse(br#"'it\'s'"#), Ok(Py::Str("it's".into())));
        assert_eq!(
            parse(br#""say \"hi\"\n""#),
            Ok(Py::Str("say \"hi\"\n".into()))
        );
        assert_eq!(parse(br"'\x41\u00e9'"), Ok(Py::Str("Aé".into())));
        assert_eq!(parse(b"-12"), Ok(Py::Int(-12)));
        assert_eq!(parse(b"1e3"), Ok(Py::Float(1000.0)));
    }

    #[test]
    fn plain_runs_and_escapes_mix_in_any_order() {
        // A long plain run before an escape, the other quote inside, a raw backslash,
        // adjacent literals, and bytes that are not UTF-8.
        assert_eq!(
            parse(br"'downloader/response_status_count/200	x'"),
            Ok(Py::Str("downloader/response_status_count/200\tx".into()))
        );
        assert_eq!(parse(br#"'say "hi"'"#), Ok(Py::Str("say \"hi\"".into())));
        assert_eq!(parse(br"r'a\b'"), Ok(Py::Str("a\\b".into())));
        assert_eq!(parse(br"'a' 'b\'c'"), Ok(Py::Str("ab'c".into())));
        assert_eq!(parse(b"'caf\xe9'"), Ok(Py::Str("caf\u{fffd}".into())));
        assert!(parse(b"'two\nlines'").is_err());
    }

    #[test]
    fn bad_literals_are_errors_not_panics() {
        for text in [
            &b"{'a': }"[..],
            b"{'a' 1}",
            b"'open",
            b"[1, 2",
            b"",
            b"(((",
            b"{'a': 1} x",
        ] {
            assert!(parse(text).is_err(), "{:?}", String::from_utf8_lossy(text));
        }
        let deep = "[".repeat(1000);
        assert!(parse(deep.as_bytes()).is_err());
    }

    #[test]
    fn datetimes_become_epoch_milliseconds() {
        let args = [2020, 8, 2, 10, 35, 18, 0].map(Py::Int);
        assert_eq!(datetime_ms(&args), Some(1_596_364_518_000.0));
    }
}
