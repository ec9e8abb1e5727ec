//! The checks behind findings, as catalog data: each check's id, title, advice and the
//! thresholds at which it fires at each severity. The built-in ones are in `catalog.json`
//! under `checks`; a user catalog can change a title, the advice or a threshold, or turn a
//! check off, but not add one (what a check measures is code, in `findings`). The run's
//! own policy (`--finding ID=LEVEL`) is applied on top.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::severity::Severity;

/// What a check's number is, which decides how its thresholds are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    /// 1 when the condition holds.
    Flag,
    /// How many (errors, requests, feeds).
    Count,
    /// A fraction from 0 to 1, shown as a percentage.
    Share,
    /// A multiple of something (a run's duration against its usual one), shown as `3.0x`.
    Ratio,
}

impl Measure {
    pub fn show(self, value: f64) -> String {
        match self {
            Measure::Share => percent(value),
            Measure::Ratio => format!("{value:.1}x"),
            Measure::Count | Measure::Flag => {
                if value.fract() == 0.0 && (0.0..1e15).contains(&value) {
                    crate::text::group(value as u64)
                } else {
                    format!("{value}")
                }
            }
        }
    }
}

/// `0.862` as `86%`, `0.004` as `0.4%`: enough digits to tell a small share from none.
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if !p.is_finite() {
        "?%".to_string()
    } else if p > 0.0 && p < 1.0 {
        format!("{p:.1}%")
    } else {
        format!("{}%", p.round())
    }
}

/// The lowest value at which a check fires at each severity; `None` where it never does.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Levels {
    pub ok: Option<f64>,
    pub warning: Option<f64>,
    pub critical: Option<f64>,
}

impl Levels {
    /// The worst severity whose threshold `value` reaches.
    pub fn reached(&self, value: f64) -> Option<Severity> {
        [
            (Severity::Critical, self.critical),
            (Severity::Warning, self.warning),
            (Severity::Ok, self.ok),
        ]
        .into_iter()
        .find(|(_, at)| at.is_some_and(|at| value >= at))
        .map(|(severity, _)| severity)
    }

    /// The lowest threshold of all: where the check starts to fire at all.
    pub fn lowest(&self) -> Option<f64> {
        [self.ok, self.warning, self.critical]
            .into_iter()
            .flatten()
            .min_by(|a, b| a.total_cmp(b))
    }

    /// `warning at 10%, critical at 50%`
    pub fn describe(&self, measure: Measure) -> String {
        let mut parts = Vec::new();
        for (name, at) in [
            ("info", self.ok),
            ("warning", self.warning),
            ("critical", self.critical),
        ] {
            if let Some(at) = at {
                let shown = match measure {
                    Measure::Flag => String::new(),
                    _ => format!(" at {}", measure.show(at)),
                };
                parts.push(format!("{name}{shown}"));
            }
        }
        if parts.is_empty() {
            "never fires".to_string()
        } else {
            parts.join(", ")
        }
    }

    fn set(&mut self, severity: Severity, value: Option<f64>) {
        match severity {
            Severity::Ok => self.ok = value,
            Severity::Warning => self.warning = value,
            Severity::Critical => self.critical = value,
            Severity::Unknown => {}
        }
    }
}

#[derive(Debug, Clone)]
pub struct Check {
    pub id: String,
    pub title: String,
    pub explanation: String,
    pub measure: Measure,
    pub levels: Levels,
    pub next_steps: Vec<String>,
    pub settings: Vec<String>,
    /// Beginnings of outcome next steps that this check's advice replaces when it fires,
    /// so that a card does not say the same thing twice.
    pub supersedes: Vec<String>,
    pub enabled: bool,
    /// `--finding ID=LEVEL`: the severity it has whenever it fires, for this run.
    pub forced: Option<Severity>,
    /// Where its text and thresholds last came from.
    pub origin: String,
}

impl Check {
    /// Whether `word` (lower case) is in its id, title, explanation, settings or steps.
    pub fn mentions(&self, word: &str) -> bool {
        let has = |text: &str| text.to_lowercase().contains(word);
        has(&self.id)
            || has(&self.title)
            || has(&self.explanation)
            || self.settings.iter().any(|s| has(s))
            || self.next_steps.iter().any(|s| has(s))
    }

    /// The severity of a finding with this value, or `None` when it does not fire.
    pub fn judge(&self, value: f64) -> Option<Severity> {
        if !self.enabled || !value.is_finite() {
            return None;
        }
        match self.forced {
            Some(severity) => self
                .levels
                .lowest()
                .filter(|&at| value >= at)
                .map(|_| severity),
            None => self.levels.reached(value),
        }
    }
}

/// One check as written in a catalog file; every field but `id` may be left out of an
/// override. A level set to `null` is removed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    pub id: String,
    title: Option<String>,
    explanation: Option<String>,
    measure: Option<Measure>,
    levels: Option<BTreeMap<String, Option<f64>>>,
    next_steps: Option<Vec<String>>,
    settings: Option<Vec<String>>,
    supersedes: Option<Vec<String>>,
    enabled: Option<bool>,
}

impl CheckSpec {
    /// A built-in check from the statics `build.rs` makes of `catalog.json`; `lists` are
    /// its next steps, settings and the steps it supersedes.
    pub fn builtin(
        id: &str,
        title: &str,
        explanation: &str,
        measure: &str,
        levels: &[(&str, Option<f64>)],
        lists: [&[&str]; 3],
    ) -> Result<CheckSpec, String> {
        let measure = match measure {
            "flag" => Measure::Flag,
            "count" => Measure::Count,
            "share" => Measure::Share,
            "ratio" => Measure::Ratio,
            other => return Err(format!("check `{id}` has measure `{other}`")),
        };
        let owned = |list: &[&str]| list.iter().map(|s| (*s).to_string()).collect();
        Ok(CheckSpec {
            id: id.to_string(),
            title: Some(title.to_string()),
            explanation: Some(explanation.to_string()),
            measure: Some(measure),
            levels: Some(levels.iter().map(|(k, v)| ((*k).to_string(), *v)).collect()),
            next_steps: Some(owned(lists[0])),
            settings: Some(owned(lists[1])),
            supersedes: Some(owned(lists[2])),
            enabled: None,
        })
    }

    /// A built-in check: every field must be there.
    pub fn complete(self, origin: &str) -> Result<Check, String> {
        let missing = |field: &str| format!("check `{}` needs a `{field}`", self.id);
        let mut check = Check {
            id: self.id.clone(),
            title: self.title.clone().ok_or_else(|| missing("title"))?,
            explanation: self.explanation.clone().unwrap_or_default(),
            measure: self.measure.ok_or_else(|| missing("measure"))?,
            levels: Levels::default(),
            next_steps: Vec::new(),
            settings: Vec::new(),
            supersedes: Vec::new(),
            enabled: true,
            forced: None,
            origin: origin.to_string(),
        };
        if self.levels.is_none() {
            return Err(missing("levels"));
        }
        self.apply_to(&mut check, origin)?;
        Ok(check)
    }

    /// Layers this spec over a check: only what it names changes.
    pub fn apply_to(self, check: &mut Check, origin: &str) -> Result<(), String> {
        if let Some(levels) = self.levels {
            for (name, value) in levels {
                let severity = match Severity::parse(&name) {
                    Some(Severity::Unknown) | None => {
                        return Err(format!(
                            "check `{}`: level `{name}` is not one of ok, warning, critical",
                            self.id
                        ))
                    }
                    Some(severity) => severity,
                };
                if let Some(v) = value {
                    if !v.is_finite() || v < 0.0 {
                        return Err(format!(
                            "check `{}`: the {name} threshold must be a number of 0 or more",
                            self.id
                        ));
                    }
                    if check.measure == Measure::Share && v > 1.0 {
                        return Err(format!(
                            "check `{}` measures a share from 0 to 1: {v} is out of range (write 0.25 for 25%)",
                            self.id
                        ));
                    }
                }
                check.levels.set(severity, value);
            }
        }
        if let Some(v) = self.title {
            check.title = v;
        }
        if let Some(v) = self.explanation {
            check.explanation = v;
        }
        if let Some(v) = self.measure {
            // What a check measures is its code's business: a catalog cannot change it.
            if v != check.measure {
                return Err(format!(
                    "check `{}`: its measure is fixed (`{}`)",
                    self.id,
                    check.measure_name()
                ));
            }
        }
        if let Some(v) = self.next_steps {
            check.next_steps = v;
        }
        if let Some(v) = self.settings {
            check.settings = v;
        }
        if let Some(v) = self.supersedes {
            check.supersedes = v;
        }
        if let Some(v) = self.enabled {
            check.enabled = v;
        }
        check.origin = origin.to_string();
        Ok(())
    }
}

impl Check {
    pub fn measure_name(&self) -> &'static str {
        match self.measure {
            Measure::Flag => "flag",
            Measure::Count => "count",
            Measure::Share => "share",
            Measure::Ratio => "ratio",
        }
    }
}

/// `--finding ID=LEVEL`: a finding's severity for this run (`ok`, `warning`, `critical`),
/// or `off`. `None` for `off`.
pub fn parse_override(text: &str) -> Result<(String, Option<Severity>), String> {
    let Some((id, level)) = text.split_once('=') else {
        return Err(format!(
            "`{text}`: write ID=LEVEL, for example errors_logged=ok (levels: ok, warning, critical, off)"
        ));
    };
    let level = level.trim();
    let severity = if level.eq_ignore_ascii_case("off") {
        None
    } else {
        match Severity::parse(level) {
            Some(Severity::Unknown) | None => {
                return Err(format!(
                    "`{text}`: `{level}` is not a level (ok, warning, critical, off)"
                ))
            }
            some => some,
        }
    };
    Ok((id.trim().to_string(), severity))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(warning: Option<f64>, critical: Option<f64>) -> Levels {
        Levels {
            ok: None,
            warning,
            critical,
        }
    }

    #[test]
    fn the_worst_level_reached_wins() {
        let l = levels(Some(0.1), Some(0.5));
        assert_eq!(l.reached(0.05), None);
        assert_eq!(l.reached(0.1), Some(Severity::Warning));
        assert_eq!(l.reached(0.49), Some(Severity::Warning));
        assert_eq!(l.reached(0.5), Some(Severity::Critical));
        assert_eq!(levels(None, None).reached(1.0), None);
    }

    #[test]
    fn percentages_keep_small_shares_visible() {
        assert_eq!(percent(0.862), "86%");
        assert_eq!(percent(0.004), "0.4%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(1.0), "100%");
    }

    #[test]
    fn overrides_parse() {
        assert_eq!(
            parse_override("errors_logged=ok"),
            Ok(("errors_logged".to_string(), Some(Severity::Ok)))
        );
        assert_eq!(
            parse_override("zero_items=OFF"),
            Ok(("zero_items".to_string(), None))
        );
        assert!(parse_override("zero_items").is_err());
        assert!(parse_override("zero_items=unknown").is_err());
        assert!(parse_override("zero_items=loud").is_err());
    }
}
