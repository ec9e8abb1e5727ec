//! Per-spider expectations, the `spiders` list of a project file (a user catalog): the
//! close reasons a spider is meant to end with, the items it usually scrapes, its error
//! budget, how long it usually runs, and its own check levels. What a rule says is parsed
//! and checked here; the catalog turns each rule into its own view of itself, and a crawl
//! is judged in the view of the first rule its spider's name matches.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer};
use serde::Deserialize;

use crate::checks::CheckSpec;
use crate::job::Job;
use crate::text::group;

/// One rule as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a spider rule, an object with a `name`"
)]
pub struct SpiderSpec {
    /// A spider's name, or a pattern with `*` (any run of characters) and `?` (one).
    pub name: String,
    /// Close reasons that count as OK for these spiders, as `--expect` gives them.
    #[serde(default)]
    pub expect: Vec<String>,
    /// Severities of findings for these spiders, as `--finding ID=LEVEL` gives them.
    #[serde(default)]
    pub findings: BTreeMap<String, String>,
    /// Check levels for these spiders, in the catalog's `checks` format.
    #[serde(default)]
    pub checks: Vec<CheckSpec>,
    pub items: Option<Bounds>,
    pub errors: Option<Budget>,
    pub duration: Option<DurationBounds>,
}

/// A count's expected range; either end may be left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an object with a `min`, a `max` or both"
)]
pub struct Bounds {
    pub min: Option<u64>,
    pub max: Option<u64>,
}

/// The most errors a run may log and still be as expected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, expecting = "an object with a `max`")]
pub struct Budget {
    pub max: u64,
}

/// A run's expected duration, in seconds; either end may be left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an object with a `min`, a `max` or both"
)]
pub struct DurationBounds {
    #[serde(default, deserialize_with = "seconds")]
    pub min: Option<f64>,
    #[serde(default, deserialize_with = "seconds")]
    pub max: Option<f64>,
}

/// A duration as seconds (`3600`) or a number with one unit (`90s`, `30m`, `2h`, `1d`).
fn seconds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Seconds(u64),
        Text(String),
    }
    match Written::deserialize(deserializer)? {
        Written::Seconds(n) => Ok(Some(n as f64)),
        Written::Text(text) => parse_duration(&text).map(Some).map_err(de::Error::custom),
    }
}

/// `90s`, `30m`, `2h`, `1d`, or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let bad = || format!("`{text}` is not a duration (write 3600, 90s, 30m, 2h or 1d)");
    let (digits, unit) = match text.char_indices().last() {
        Some((at, c)) if c.is_ascii_alphabetic() => (&text[..at], c),
        _ => (text, 's'),
    };
    let number: u64 = digits.trim().parse().map_err(|_| bad())?;
    let scale: u64 = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return Err(bad()),
    };
    number.checked_mul(scale).map(|s| s as f64).ok_or_else(bad)
}

/// What a rule expects of a run beyond its checks, and where the rule is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectations {
    /// The rule's `name`, as written (a pattern or a name).
    pub pattern: String,
    /// `file:line` of the rule.
    pub place: String,
    pub items: Bounds,
    pub errors: Option<u64>,
    pub duration: DurationBounds,
    /// The close reasons the rule expects, as written.
    pub expect: Vec<String>,
}

/// One expectation a run did not meet.
#[derive(Debug, Clone, PartialEq)]
pub struct Breach {
    /// The check it becomes: `spider_items`, `spider_errors` or `spider_duration`.
    pub check: &'static str,
    pub evidence: String,
}

impl SpiderSpec {
    /// The rule's expectations, checked for sense; `Err` says what is wrong.
    pub fn expectations(&self, place: String) -> Result<Expectations, String> {
        if self.name.trim().is_empty() {
            return Err("a spider rule needs a `name`".to_string());
        }
        let items = self.items.unwrap_or_default();
        if let (Some(min), Some(max)) = (items.min, items.max) {
            if min > max {
                return Err(format!(
                    "spider `{}`: items min {min} is above max {max}",
                    self.name
                ));
            }
        }
        let duration = self.duration.unwrap_or_default();
        if let (Some(min), Some(max)) = (duration.min, duration.max) {
            if min > max {
                return Err(format!(
                    "spider `{}`: the duration's min is above its max",
                    self.name
                ));
            }
        }
        Ok(Expectations {
            pattern: self.name.clone(),
            place,
            items,
            errors: self.errors.map(|b| b.max),
            duration,
            expect: self.expect.clone(),
        })
    }
}

impl Expectations {
    /// The numbers a rule expects that the run does not show, so were not checked.
    pub fn unchecked(&self, job: &Job) -> Vec<&'static str> {
        let mut unchecked = Vec::new();
        if self.items != Bounds::default() && job.items().is_none() {
            unchecked.push("items");
        }
        if self.errors.is_some() && job.errors().is_none() {
            unchecked.push("errors");
        }
        if self.duration != DurationBounds::default() && job.run_seconds().is_none() {
            unchecked.push("duration");
        }
        unchecked
    }

    /// The expectations a finished run missed.
    pub fn breaches(&self, job: &Job) -> Vec<Breach> {
        let mut breaches = Vec::new();
        let whose = format!(
            "the project file's rule for `{}` ({})",
            self.pattern, self.place
        );
        if self.items != Bounds::default() {
            if let Some(items) = job.items() {
                {
                    let below = self.items.min.is_some_and(|min| items < min);
                    let above = self.items.max.is_some_and(|max| items > max);
                    if below || above {
                        breaches.push(Breach {
                            check: "spider_items",
                            evidence: format!(
                                "{} item{} scraped; {whose} expects {}",
                                group(items),
                                crate::text::plural(items),
                                RangeText(self.items.min, self.items.max, &|n| group(n))
                            ),
                        });
                    }
                }
            }
        }
        if let Some(budget) = self.errors {
            match job.errors() {
                Some(errors) if errors > budget => breaches.push(Breach {
                    check: "spider_errors",
                    evidence: format!(
                        "{} error{} logged; {whose} allows {}",
                        group(errors),
                        crate::text::plural(errors),
                        group(budget)
                    ),
                }),
                _ => {}
            }
        }
        if self.duration != DurationBounds::default() {
            if let Some(seconds) = job.run_seconds() {
                {
                    let short = self.duration.min.is_some_and(|min| seconds < min);
                    let long = self.duration.max.is_some_and(|max| seconds > max);
                    if short || long {
                        let show = |s: f64| crate::text::duration(s);
                        breaches.push(Breach {
                            check: "spider_duration",
                            evidence: format!(
                                "ran {}; {whose} expects {}",
                                show(seconds),
                                RangeText(self.duration.min, self.duration.max, &show)
                            ),
                        });
                    }
                }
            }
        }
        breaches
    }
}

/// `1,000 to 5,000`, `at least 1,000`, `at most 5,000`.
struct RangeText<'f, T>(Option<T>, Option<T>, &'f dyn Fn(T) -> String);

impl<T: Copy> fmt::Display for RangeText<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = self.2;
        match (self.0, self.1) {
            (Some(min), Some(max)) => write!(f, "{} to {}", show(min), show(max)),
            (Some(min), None) => write!(f, "at least {}", show(min)),
            (None, Some(max)) => write!(f, "at most {}", show(max)),
            (None, None) => f.write_str("anything"),
        }
    }
}

/// Whether a spider's name matches a rule's name: `*` stands for any run of characters,
/// `?` for one; anything else for itself. Linear in practice: a failed match after a `*`
/// restarts from the character after the one that `*` last took.
pub fn matches(pattern: &str, name: &str) -> bool {
    // Spider names are ASCII in practice: compared byte by byte, with no allocation per
    // crawl judged; anything else by characters, so that `?` stands for one of them.
    if pattern.is_ascii() && name.is_ascii() {
        glob(pattern.as_bytes(), name.as_bytes())
    } else {
        let pattern: Vec<char> = pattern.chars().collect();
        let name: Vec<char> = name.chars().collect();
        glob(&pattern, &name)
    }
}

fn glob<T: PartialEq + Copy + Wildcard>(pattern: &[T], name: &[T]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some(&c) if c.is_star() => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c.is_any() || c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|c| c.is_star())
}

/// `*` and `?` as bytes or as characters.
trait Wildcard {
    fn is_star(&self) -> bool;
    fn is_any(&self) -> bool;
}

impl Wildcard for u8 {
    fn is_star(&self) -> bool {
        *self == b'*'
    }
    fn is_any(&self) -> bool {
        *self == b'?'
    }
}

impl Wildcard for char {
    fn is_star(&self) -> bool {
        *self == '*'
    }
    fn is_any(&self) -> bool {
        *self == '?'
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_patterns_match_whole_names() {
        let cases = [
            ("books", "books", true),
            ("books", "books2", false),
            ("books", "book", false),
            ("books_*", "books_uk", true),
            ("books_*", "books_", true),
            ("books_*", "books", false),
            ("*", "anything", true),
            ("*_news", "daily_news", true),
            ("*_news", "daily_news_2", false),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("*a*b", "xxaxxb", true),
            ("*a*b", "xxaxxbx", false),
            ("", "", true),
            ("", "x", false),
            ("kniha_?", "kniha_é", true),
            ("é*", "éclair", true),
            ("?", "é", true),
        ];
        for (pattern, name, want) in cases {
            assert_eq!(matches(pattern, name), want, "{pattern} vs {name}");
        }
    }

    #[test]
    fn durations_take_one_unit() {
        assert_eq!(parse_duration("90s"), Ok(90.0));
        assert_eq!(parse_duration("30m"), Ok(1800.0));
        assert_eq!(parse_duration("2h"), Ok(7200.0));
        assert_eq!(parse_duration("1d"), Ok(86_400.0));
        assert_eq!(parse_duration("45"), Ok(45.0));
        assert!(parse_duration("2w").is_err());
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("1.5h").is_err());
        assert!(parse_duration("99999999999999999999d").is_err());
    }
}
