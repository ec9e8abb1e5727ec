//! Field types that take whatever a job record holds without failing the record: a count
//! written as a string, a float or a null is still read; a value of the wrong kind is
//! skipped. Strings borrow from the input line when they need no unescaping.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// A string field, or `None` when the value was of another kind. Numbers are kept as text
/// (a numeric job id is still an id).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Text<'a>(pub Option<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Some(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Some(Cow::Owned(v))))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Text(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Text(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Text(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(Text(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                Text::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

/// A number: integers, floats and numeric strings are read; anything else is `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Number(pub Option<f64>);

impl Number {
    /// As a count: whole, finite and not negative, else `None`.
    pub fn count(self) -> Option<u64> {
        let v = self.0?;
        (0.0..1.8e19).contains(&v).then_some(v as u64)
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberVisitor;
        impl<'de> Visitor<'de> for NumberVisitor {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_u64<E>(self, v: u64) -> Result<Number, E> {
                Ok(Number(Some(v as f64)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Number, E> {
                Ok(Number(Some(v as f64)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Number, E> {
                Ok(Number(Some(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Number, E> {
                Ok(Number(
                    v.trim().parse::<f64>().ok().filter(|v| v.is_finite()),
                ))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Number, E> {
                Ok(Number(None))
            }
            fn visit_unit<E>(self) -> Result<Number, E> {
                Ok(Number(None))
            }
            fn visit_none<E>(self) -> Result<Number, E> {
                Ok(Number(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Number, D::Error> {
                Number::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Number, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Number(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Number, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Number(None))
            }
        }
        deserializer.deserialize_any(NumberVisitor)
    }
}

/// `true`/`false`, or a number (non-zero is true); anything else is `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Flag(pub Option<bool>);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FlagVisitor;
        impl<'de> Visitor<'de> for FlagVisitor {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a boolean")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(Some(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Flag, E> {
                Ok(Flag(Some(v != 0)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Flag, E> {
                Ok(Flag(Some(v != 0)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Flag, E> {
                Ok(Flag(Some(v != 0.0)))
            }
            fn visit_str<E>(self, _: &str) -> Result<Flag, E> {
                Ok(Flag(None))
            }
            fn visit_unit<E>(self) -> Result<Flag, E> {
                Ok(Flag(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Flag, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Flag(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Flag, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Flag(None))
            }
        }
        deserializer.deserialize_any(FlagVisitor)
    }
}

/// A list of strings; other elements, or a value that is not a list, are dropped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextList<'a>(pub Vec<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for TextList<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = TextList<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of strings")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(Text(item)) = seq.next_element::<Text<'de>>()? {
                    out.extend(item);
                }
                Ok(TextList(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(TextList::default())
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(TextList::default())
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(TextList::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(TextList::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(TextList::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(TextList::default())
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(TextList::default())
            }
        }
        deserializer.deserialize_any(ListVisitor)
    }
}

/// A record that failed to parse because of a number JSON cannot hold (`1e400`) or a
/// token only Python writes (`NaN`, `Infinity`, `-Infinity`, as `json.dumps` does), with
/// each such value replaced by `null`: the field becomes unknown and the record is kept.
/// `None` when there was nothing to replace. Runs only after a parse has failed.
pub fn without_unreadable_numbers(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut at = 0;
    let mut copied = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                // Skip the string, escapes included.
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
                at += 1;
            }
            b'-' | b'0'..=b'9' | b'N' | b'I' => {
                let start = at;
                while at < bytes.len()
                    && matches!(bytes[at], b'-' | b'+' | b'.' | b'0'..=b'9' | b'e' | b'E' | b'a'..=b'z' | b'A'..=b'Z')
                {
                    at += 1;
                }
                let token = &text[start..at];
                let unreadable = matches!(token, "NaN" | "Infinity" | "-Infinity")
                    || (!token.contains(char::is_alphabetic) || token.contains(['e', 'E']))
                        && token.parse::<f64>().is_ok_and(|v| !v.is_finite());
                if unreadable {
                    out.push_str(&text[copied..start]);
                    out.push_str("null");
                    copied = at;
                    changed = true;
                }
            }
            _ => at += 1,
        }
    }
    if !changed {
        return None;
    }
    out.push_str(&text[copied.min(text.len())..]);
    Some(out)
}

/// A JSON text that failed to parse, with what JSON or serde_json cannot take and outcome
/// can do without made readable: numbers out of range and Python's tokens become null,
/// lone surrogates U+FFFD. `None` when there was nothing to change. One place for both, so
/// that a record and a `scrapystats` read later lose the same values in every format.
pub fn readable(text: &str) -> Option<String> {
    let numbers = without_unreadable_numbers(text);
    without_lone_surrogates(numbers.as_deref().unwrap_or(text)).or(numbers)
}

/// `text` with every lone surrogate escape (`\ud800` without its pair, `\udc00` alone),
/// which serde_json refuses, written as U+FFFD (`\ufffd`, as long), so that one bad
/// string costs that string and not its record; `None` when there is none. Escaped
/// backslashes (`\\ud800`) are text, not escapes.
pub fn without_lone_surrogates(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let hex_at = |at: usize| -> Option<u32> {
        let digits = bytes.get(at..at + 4)?;
        let digits = std::str::from_utf8(digits).ok()?;
        u32::from_str_radix(digits, 16).ok()
    };
    let mut lone = Vec::new();
    let mut at = 0;
    // `at` may step past the end after an escape the text cuts short.
    while let Some(found) = bytes.get(at..).and_then(|rest| memchr::memchr(b'\\', rest)) {
        let slash = at + found;
        match bytes.get(slash + 1) {
            Some(b'u') => {
                let unit = hex_at(slash + 2);
                match unit {
                    Some(0xD800..=0xDBFF) => {
                        let paired = bytes.get(slash + 6) == Some(&b'\\')
                            && bytes.get(slash + 7) == Some(&b'u')
                            && matches!(hex_at(slash + 8), Some(0xDC00..=0xDFFF));
                        if paired {
                            at = slash + 12;
                            continue;
                        }
                        lone.push(slash);
                    }
                    Some(0xDC00..=0xDFFF) => lone.push(slash),
                    _ => {}
                }
                at = slash + 6;
            }
            Some(_) => at = slash + 2,
            None => break,
        }
    }
    if lone.is_empty() {
        return None;
    }
    let mut fixed = text.as_bytes().to_vec();
    for slash in lone {
        fixed[slash + 2..slash + 6].copy_from_slice(b"fffd");
    }
    String::from_utf8(fixed).ok()
}

#[cfg(test)]
mod tests {
    use super::without_lone_surrogates;
    use super::without_unreadable_numbers as fix;

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        for (text, want) in [
            (r#"["\ud800"]"#, Some(r#"["\ufffd"]"#)),
            (r#"["\udc00x"]"#, Some(r#"["\ufffdx"]"#)),
            (r#"["\ud83d\ude00"]"#, None),
            (r#"["\ud83d\u0041"]"#, Some(r#"["\ufffd\u0041"]"#)),
            (r#"["\\ud800"]"#, None),
            (
                r#"["\ud800\ud800\udc00"]"#,
                Some(r#"["\ufffd\ud800\udc00"]"#),
            ),
            (r#"["\u12"]"#, None),
            // An escape cut by the end of the text (found by the fuzzer).
            (r#"\ud4,"#, None),
            (r#"x\u"#, None),
            (r#"\ud800"#, Some(r#"\ufffd"#)),
            ("plain", None),
        ] {
            assert_eq!(without_lone_surrogates(text).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn unreadable_numbers_become_null() {
        assert_eq!(fix(r#"{"a":1e400}"#).as_deref(), Some(r#"{"a":null}"#));
        assert_eq!(
            fix(r#"{"a":-1E999,"b":2}"#).as_deref(),
            Some(r#"{"a":null,"b":2}"#)
        );
        assert_eq!(
            fix(r#"[NaN, Infinity, -Infinity]"#).as_deref(),
            Some("[null, null, null]")
        );
        assert_eq!(fix(r#"{"s":"NaN 1e400","n":5}"#), None);
        assert_eq!(
            fix(r#"{"s":"a\"NaN","n":1e400}"#).as_deref(),
            Some(r#"{"s":"a\"NaN","n":null}"#)
        );
        assert_eq!(fix(r#"{"a":true,"b":null,"c":1.5e3}"#), None);
    }
}
