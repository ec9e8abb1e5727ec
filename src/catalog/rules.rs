//! A project file's spider rules and the run's policy: each rule read and checked with
//! its place, then made a view of the catalog with the rule's levels and expected reasons
//! and the command line's `--expect` and `--finding` on top; which view a crawl is judged
//! in, and whether its outcome counts as OK.

use super::{named_twice, normalize, Catalog, Kind, Origin, PendingRule};
use crate::catalog_file::{Locator, SpiderSpec};
use crate::exit::{Error, Result};

impl Catalog {
    /// Reads a file's spider rules and checks each now, so that a mistake is reported
    /// with its place like any other in the file; the views are made with the run's policy.
    pub(super) fn merge_spiders(
        &mut self,
        specs: Vec<SpiderSpec>,
        origin: &Origin,
        locator: &Locator,
    ) -> Result<()> {
        if specs.is_empty() {
            return Ok(());
        }
        if *origin == Origin::Builtin {
            return Err(Error::internal(
                "built-in catalog: spider rules".to_string(),
            ));
        }
        let mut named_here: Vec<String> = Vec::new();
        for spec in specs {
            let (line, column) = locator.place(&spec.name);
            let at = format!("{origin}:{line}:{column}");
            if named_here.contains(&spec.name) {
                return Err(named_twice(origin, locator, "spider ", &spec.name));
            }
            named_here.push(spec.name.clone());
            let expectations = spec
                .expectations(format!("{origin}:{line}"))
                .map_err(|what| Error::config(format!("{at}: {what}")))?;
            let mut findings = Vec::new();
            for (id, level) in &spec.findings {
                let parsed =
                    crate::checks::parse_override(&format!("{id}={level}")).map_err(|what| {
                        Error::config(format!("{at}: spider `{}`: {what}", spec.name))
                    })?;
                if self.check(&parsed.0).is_none() {
                    return Err(Error::config(format!(
                        "{at}: spider `{}`: there is no check `{id}`",
                        spec.name
                    )));
                }
                findings.push(parsed);
            }
            let mut scratch = self.checks.clone();
            for check_spec in spec.checks.iter().cloned() {
                let id = check_spec.id.clone();
                let Some(check) = scratch.iter_mut().find(|c| c.id == id) else {
                    return Err(Error::config(format!(
                        "{at}: spider `{}`: there is no check `{id}`",
                        spec.name
                    )));
                };
                check_spec
                    .apply_to(check, origin.as_str())
                    .map_err(|what| {
                        Error::config(format!("{at}: spider `{}`: {what}", spec.name))
                    })?;
            }
            self.pending_rules.push(PendingRule {
                spec,
                expectations,
                findings,
                origin: origin.clone(),
            });
        }
        Ok(())
    }

    /// The view of the catalog a crawl of this spider is judged in: the index of the first
    /// rule whose name matches, `None` for the catalog itself.
    pub fn rule_for(&self, spider: Option<&str>) -> Option<usize> {
        let spider = spider?;
        self.rules.iter().position(|view| {
            view.expectations
                .as_ref()
                .is_some_and(|e| crate::spiders::matches(&e.pattern, spider))
        })
    }

    /// The catalog a report was judged in (`Report::rule`).
    pub fn view(&self, rule: Option<usize>) -> &Catalog {
        rule.and_then(|i| self.rules.get(i)).unwrap_or(self)
    }

    /// Whether a project file gave any spider rules.
    pub fn has_rules(&self) -> bool {
        !self.rules.is_empty()
    }

    /// The spider rules' views, in the file's order.
    pub fn rules(&self) -> &[Catalog] {
        &self.rules
    }

    /// The run's policy: `--expect` reasons count as OK, `--finding ID=LEVEL` sets a
    /// check's severity (or turns it off). An unknown finding id is a usage error.
    pub fn apply_policy(
        &mut self,
        expect: &[String],
        findings: &[(String, Option<crate::severity::Severity>)],
    ) -> Result<()> {
        // Each rule's view starts from the catalog as the file left it; the command line
        // is applied over the rule's own levels and reasons, as it is over the file's.
        let pending = std::mem::take(&mut self.pending_rules);
        let mut rules = Vec::with_capacity(pending.len());
        for rule in pending {
            let mut view = self.clone();
            for check_spec in rule.spec.checks {
                if let Some(check) = view.checks.iter_mut().find(|c| c.id == check_spec.id) {
                    // Checked when the file was read.
                    let _ = check_spec.apply_to(check, rule.origin.as_str());
                }
            }
            let mut all_findings = rule.findings;
            all_findings.extend(findings.iter().cloned());
            let mut all_expected = rule.spec.expect;
            all_expected.extend(expect.iter().cloned());
            view.apply_run_policy(&all_expected, &all_findings)?;
            view.expectations = Some(rule.expectations);
            rules.push(view);
        }
        self.apply_run_policy(expect, findings)?;
        self.rules = rules;
        Ok(())
    }

    fn apply_run_policy(
        &mut self,
        expect: &[String],
        findings: &[(String, Option<crate::severity::Severity>)],
    ) -> Result<()> {
        for (id, level) in findings {
            let Some(check) = self.checks.iter_mut().find(|c| c.id == *id) else {
                let known: Vec<&str> = self.checks.iter().map(|c| c.id.as_str()).collect();
                return Err(Error::usage(format!(
                    "--finding: there is no check `{id}` (checks: {})",
                    known.join(", ")
                )));
            };
            match level {
                Some(severity) => {
                    check.enabled = true;
                    check.forced = Some(*severity);
                }
                None => check.enabled = false,
            }
        }
        for reason in expect {
            // A family by its own name (`closespider_*`), never a fallback: `(custom)` is
            // not an outcome anyone can expect.
            let family = || {
                self.by_name(reason.trim())
                    .filter(|&i| self.kinds.get(i) == Some(&Kind::Family))
            };
            let entry = self
                .exact(reason)
                .or_else(family)
                .or_else(|| self.by_normalized(&normalize(reason)));
            match entry {
                Some(index) => {
                    self.expected_entries.push(index);
                    // A family stands for its members the catalog names one by one too
                    // (`closespider_*` for closespider_timeout).
                    if let Some(family) = self.families.iter().find(|f| f.entry == index) {
                        let members: Vec<usize> = self
                            .entries
                            .iter()
                            .enumerate()
                            .filter(|(i, e)| {
                                *i != index
                                    && self.kinds.get(*i) == Some(&Kind::Outcome)
                                    && e.name.len() > family.prefix.len() + family.suffix.len()
                                    && e.name.starts_with(&family.prefix)
                                    && e.name.ends_with(&family.suffix)
                            })
                            .map(|(i, _)| i)
                            .collect();
                        self.expected_entries.extend(members);
                    }
                }
                None => self.expected_reasons.push(normalize(reason)),
            }
        }
        Ok(())
    }

    /// Whether an outcome counts as OK for this run (`--expect`): the catalog entry it
    /// matched by name, or its own text for a reason the catalog does not know.
    pub fn is_expected(&self, entry: Option<usize>, reason: &str) -> bool {
        if self.expected_entries.is_empty() && self.expected_reasons.is_empty() {
            return false;
        }
        entry.is_some_and(|e| self.expected_entries.contains(&e))
            || self.expected_reasons.contains(&normalize(reason))
    }
}
