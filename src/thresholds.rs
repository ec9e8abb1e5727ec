//! Monitoring Plugins thresholds for `summary -w RANGE -c RANGE`: a range in the plugins'
//! own syntax (`10`, `10:`, `~:10`, `10:20`, `@10:20`), of job counts or, with `%`, of the
//! share of jobs read. `-w` measures the jobs whose verdict is WARNING or worse, `-c` the
//! CRITICAL ones; a measure outside its range (inside, with `@`) raises the state.

use std::fmt;

use crate::severity::{Severity, Tally};

#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    start: f64,
    end: f64,
    /// `@`: alert inside the range instead of outside it.
    inside: bool,
    /// `%`: the range is of percentages of the jobs read, not of counts.
    pub percent: bool,
    /// As written, for perfdata and messages.
    text: String,
}

impl Range {
    /// Parses the Monitoring Plugins range syntax, with an optional `%` after either bound.
    pub fn parse(text: &str) -> Result<Range, String> {
        let written = text.trim();
        let bad = |why: &str| {
            format!("`{written}`: {why} (ranges: 10, 10:, ~:10, 10:20, @10:20; add % for a share of jobs)")
        };
        let (inside, body) = match written.strip_prefix('@') {
            Some(rest) => (true, rest),
            None => (false, written),
        };
        if body.is_empty() {
            return Err(bad("empty range"));
        }
        let mut percent = None;
        let mut number = |part: &str, default: f64| -> Result<f64, String> {
            let part = part.trim();
            let (digits, is_percent) = match part.strip_suffix('%') {
                Some(digits) => (digits, true),
                None => (part, false),
            };
            if digits.is_empty() {
                if is_percent {
                    return Err(bad("a `%` needs a number"));
                }
                return Ok(default);
            }
            if *percent.get_or_insert(is_percent) != is_percent {
                return Err(bad("both ends must be counts, or both percentages"));
            }
            let value: f64 = digits.parse().map_err(|_| bad("not a number"))?;
            if !value.is_finite() {
                return Err(bad("not a number"));
            }
            Ok(value)
        };
        let (start, end) = match body.split_once(':') {
            None => (0.0, number(body, f64::INFINITY)?),
            Some((start, end)) => {
                let start = if start.trim() == "~" {
                    f64::NEG_INFINITY
                } else {
                    number(start, 0.0)?
                };
                (start, number(end, f64::INFINITY)?)
            }
        };
        if start > end {
            return Err(bad("the start is above the end"));
        }
        Ok(Range {
            start,
            end,
            inside,
            percent: percent.unwrap_or(false),
            text: written.to_string(),
        })
    }

    /// Whether a measure raises the alert.
    pub fn alerts(&self, value: f64) -> bool {
        let within = value >= self.start && value <= self.end;
        within == self.inside
    }

    /// The range as perfdata writes it: without `%`, which perfdata puts on the value.
    pub fn perfdata(&self) -> String {
        self.text.replace('%', "")
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// `-w` and `-c` together.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Thresholds {
    pub warning: Option<Range>,
    pub critical: Option<Range>,
}

/// What the thresholds measured, for the status line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    pub total: u64,
    /// Jobs at WARNING or CRITICAL.
    pub problems: u64,
    pub critical: u64,
    /// Jobs with a verdict of OK, WARNING or CRITICAL: not unknown.
    pub judged: u64,
}

impl Measured {
    pub fn of(tally: &Tally) -> Measured {
        let critical = tally.count(Severity::Critical);
        let problems = tally.count(Severity::Warning).saturating_add(critical);
        Measured {
            total: tally.total(),
            problems,
            critical,
            judged: problems.saturating_add(tally.count(Severity::Ok)),
        }
    }

    fn value(&self, count: u64, range: &Range) -> f64 {
        if range.percent {
            self.percent(count)
        } else {
            count as f64
        }
    }

    /// `count` as a percentage of the jobs read (0 when there were none).
    pub fn percent(&self, count: u64) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            count as f64 * 100.0 / self.total as f64
        }
    }
}

impl Thresholds {
    pub fn is_set(&self) -> bool {
        self.warning.is_some() || self.critical.is_some()
    }

    /// The state the thresholds give. With no job judged at all (an empty input, only
    /// running jobs or unknown reasons) there is nothing to measure: UNKNOWN.
    pub fn judge(&self, measured: Measured) -> Severity {
        if measured.judged == 0 {
            return Severity::Unknown;
        }
        if let Some(range) = &self.critical {
            if range.alerts(measured.value(measured.critical, range)) {
                return Severity::Critical;
            }
        }
        if let Some(range) = &self.warning {
            if range.alerts(measured.value(measured.problems, range)) {
                return Severity::Warning;
            }
        }
        Severity::Ok
    }

    /// The measures as perfdata, with the thresholds: `problems=12;5;;0;120`.
    pub fn perfdata(&self, measured: Measured) -> String {
        let item = |label: &str, count: u64, warn: Option<&Range>, crit: Option<&Range>| {
            let percent = warn.or(crit).is_some_and(|r| r.percent);
            let warn = warn.map(Range::perfdata).unwrap_or_default();
            let crit = crit.map(Range::perfdata).unwrap_or_default();
            if percent {
                format!(
                    "{label}={:.1}%;{warn};{crit};0;100",
                    measured.percent(count)
                )
            } else {
                format!("{label}={count};{warn};{crit};0;{}", measured.total)
            }
        };
        [
            item(
                "problem_jobs",
                measured.problems,
                self.warning.as_ref(),
                None,
            ),
            item(
                "critical_jobs",
                measured.critical,
                None,
                self.critical.as_ref(),
            ),
        ]
        .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(text: &str) -> Range {
        Range::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn ranges_follow_the_monitoring_plugins_syntax() {
        // (range, value, alerts)
        for (text, value, alerts) in [
            ("10", 10.0, false),
            ("10", 11.0, true),
            ("10", -1.0, true),
            ("10:", 9.0, true),
            ("10:", 10.0, false),
            ("~:10", -100.0, false),
            ("~:10", 11.0, true),
            ("10:20", 15.0, false),
            ("10:20", 21.0, true),
            ("@10:20", 15.0, true),
            ("@10:20", 9.0, false),
            ("5%", 5.0, false),
            ("5%", 5.1, true),
            ("0", 1.0, true),
            ("0", 0.0, false),
        ] {
            assert_eq!(range(text).alerts(value), alerts, "{text} at {value}");
        }
    }

    #[test]
    fn bad_ranges_say_why() {
        for text in ["", "@", "x", "20:10", "5%:10", "1e999", "%", "NaN"] {
            assert!(Range::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn counts_and_percentages_judge_the_tally() {
        let measured = Measured {
            total: 200,
            problems: 12,
            critical: 3,
            judged: 190,
        };
        let t = Thresholds {
            warning: Some(range("5%")),
            critical: Some(range("5")),
        };
        assert_eq!(t.judge(measured), Severity::Warning); // 6% of jobs had problems
        let t = Thresholds {
            warning: Some(range("10%")),
            critical: Some(range("2")),
        };
        assert_eq!(t.judge(measured), Severity::Critical);
        let t = Thresholds {
            warning: Some(range("20")),
            critical: None,
        };
        assert_eq!(t.judge(measured), Severity::Ok);
        assert_eq!(
            t.judge(Measured {
                total: 1,
                problems: 0,
                critical: 0,
                judged: 0,
            }),
            Severity::Unknown
        );
    }
}
