//! The outcome catalog: what each close reason means and what to do about it. The built-in
//! data lives in `catalog.json`; a user catalog in the same format adds or overrides entries.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::exit::{fail, ExitStatus};
use crate::reason::{normalize, Match};

const BUILTIN: &str = include_str!("catalog.json");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[serde(alias = "OK")]
    Ok,
    #[serde(alias = "WARNING")]
    Warning,
    #[serde(alias = "CRITICAL")]
    Critical,
    #[serde(alias = "UNKNOWN")]
    Unknown,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::Warning,
        Severity::Unknown,
        Severity::Ok,
    ];

    /// Rank for "the worst verdict wins": CRITICAL > WARNING > UNKNOWN > OK.
    pub fn rank(self) -> u8 {
        match self {
            Severity::Ok => 0,
            Severity::Unknown => 1,
            Severity::Warning => 2,
            Severity::Critical => 3,
        }
    }

    pub fn worst(self, other: Severity) -> Severity {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Ok => "ok",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
            Severity::Unknown => "unknown",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Ok => "OK",
            Severity::Warning => "WARNING",
            Severity::Critical => "CRITICAL",
            Severity::Unknown => "UNKNOWN",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an entry's text comes from, so `outcome list` can say it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Origin {
    #[default]
    Builtin,
    User(String),
}

impl Origin {
    pub fn as_str(&self) -> &str {
        match self {
            Origin::Builtin => "builtin",
            Origin::User(path) => path,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    pub aliases: Vec<String>,
    pub severity: Severity,
    pub title: String,
    pub explanation: String,
    pub next_steps: Vec<String>,
    pub settings: Vec<String>,
    pub set_by: String,
    pub docs: Vec<String>,
    pub origin: Origin,
}

/// One entry as written in a catalog file. Every field but `name` is optional so that a
/// user catalog can override just a severity; a new entry must say more (see `complete`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntrySpec {
    name: String,
    aliases: Option<Vec<String>>,
    severity: Option<Severity>,
    title: Option<String>,
    explanation: Option<String>,
    next_steps: Option<Vec<String>>,
    settings: Option<Vec<String>>,
    set_by: Option<String>,
    docs: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogSpec {
    #[serde(default)]
    outcomes: Vec<EntrySpec>,
    #[serde(default)]
    families: Vec<EntrySpec>,
    #[serde(default)]
    fallbacks: Vec<EntrySpec>,
}

/// Which list of the catalog an entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Outcome,
    Family,
    Fallback,
}

/// Replies that are not about a particular reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    Custom,
    NotFinished,
    NoOutcome,
    NeverClosed,
}

impl Fallback {
    fn name(self) -> &'static str {
        match self {
            Fallback::Custom => "(custom)",
            Fallback::NotFinished => "(not finished)",
            Fallback::NoOutcome => "(no outcome)",
            Fallback::NeverClosed => "(never closed)",
        }
    }
}

/// A family pattern such as `closespider_*`: one `*` standing for an unknown tail.
#[derive(Debug, Clone)]
pub struct Family {
    pub entry: usize,
    pub prefix: String,
    pub suffix: String,
}

#[derive(Debug)]
pub struct Catalog {
    pub entries: Vec<Entry>,
    pub kinds: Vec<Kind>,
    pub families: Vec<Family>,
    exact: HashMap<String, usize>,
    normalized: HashMap<String, usize>,
    /// Matches of reasons that are not exact names, so a stream pays for each once.
    memo: Mutex<HashMap<String, Match>>,
}

const MEMO_CAP: usize = 4096;

impl Catalog {
    pub fn builtin() -> anyhow::Result<Catalog> {
        let spec: CatalogSpec = serde_json::from_str(BUILTIN).map_err(|err| {
            crate::exit::Failure::new(ExitStatus::Internal, format!("built-in catalog: {err}"))
        })?;
        let mut catalog = Catalog {
            entries: Vec::new(),
            kinds: Vec::new(),
            families: Vec::new(),
            exact: HashMap::new(),
            normalized: HashMap::new(),
            memo: Mutex::new(HashMap::new()),
        };
        catalog.merge(spec, &Origin::Builtin, BUILTIN)?;
        Ok(catalog)
    }

    /// The built-in catalog with the user's file layered on top.
    pub fn load(user: Option<&Path>) -> anyhow::Result<Catalog> {
        let mut catalog = Catalog::builtin()?;
        if let Some(path) = user {
            let shown = path.display().to_string();
            let text = match std::fs::read(path) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => text,
                    Err(err) => {
                        let (line, column) = position(
                            &String::from_utf8_lossy(err.as_bytes()),
                            err.utf8_error().valid_up_to(),
                        );
                        return fail(
                            ExitStatus::Config,
                            format!("{shown}:{line}:{column}: catalog is not valid UTF-8"),
                        );
                    }
                },
                Err(err) => {
                    return fail(
                        ExitStatus::Config,
                        format!("{shown}: cannot read catalog: {}", crate::io_reason(&err)),
                    )
                }
            };
            let spec: CatalogSpec = serde_json::from_str(&text).map_err(|err| {
                crate::exit::Failure::new(
                    ExitStatus::Config,
                    format!(
                        "{shown}:{}:{}: {}",
                        err.line(),
                        err.column(),
                        strip_position(&err.to_string())
                    ),
                )
            })?;
            catalog.merge(spec, &Origin::User(shown), &text)?;
        }
        Ok(catalog)
    }

    fn merge(&mut self, spec: CatalogSpec, origin: &Origin, text: &str) -> anyhow::Result<()> {
        let lists = [
            (Kind::Outcome, spec.outcomes),
            (Kind::Family, spec.families),
            (Kind::Fallback, spec.fallbacks),
        ];
        for (kind, specs) in lists {
            for spec in specs {
                self.merge_entry(kind, spec, origin, text)?;
            }
        }
        Ok(())
    }

    fn merge_entry(
        &mut self,
        kind: Kind,
        spec: EntrySpec,
        origin: &Origin,
        text: &str,
    ) -> anyhow::Result<()> {
        let name = spec.name.clone();
        let where_ = || {
            let (line, column) = locate_name(text, &name);
            format!("{origin}:{line}:{column}")
        };
        if spec.name.trim().is_empty() {
            return fail(ExitStatus::Config, format!("{}: empty name", where_()));
        }
        if kind == Kind::Family && spec.name.matches('*').count() != 1 {
            return fail(
                ExitStatus::Config,
                format!(
                    "{}: family `{}` needs exactly one `*` for the unknown tail",
                    where_(),
                    spec.name
                ),
            );
        }
        let existing = self
            .entries
            .iter()
            .position(|entry| entry.name == spec.name);
        let index = match existing {
            Some(index) => {
                if self.kinds[index] != kind {
                    return fail(
                        ExitStatus::Config,
                        format!(
                            "{}: `{}` is listed under another section",
                            where_(),
                            spec.name
                        ),
                    );
                }
                let entry = &mut self.entries[index];
                override_entry(entry, spec);
                entry.origin = origin.clone();
                index
            }
            None => {
                let entry = complete(spec, origin).map_err(|what| {
                    crate::exit::Failure::new(ExitStatus::Config, format!("{}: {what}", where_()))
                })?;
                self.entries.push(entry);
                self.kinds.push(kind);
                self.entries.len() - 1
            }
        };
        self.index(index, kind).map_err(|what| {
            crate::exit::Failure::new(ExitStatus::Config, format!("{}: {what}", where_())).into()
        })
    }

    /// Registers an entry's spellings, refusing one that already means another entry.
    fn index(&mut self, index: usize, kind: Kind) -> Result<(), String> {
        let entry = &self.entries[index];
        match kind {
            Kind::Fallback => return Ok(()),
            Kind::Family => {
                let (prefix, suffix) = entry.name.split_once('*').unwrap_or((&entry.name, ""));
                let family = Family {
                    entry: index,
                    prefix: prefix.to_string(),
                    suffix: suffix.to_string(),
                };
                self.families.retain(|f| f.entry != index);
                self.families.push(family);
                return Ok(());
            }
            Kind::Outcome => {}
        }
        let spellings: Vec<String> = std::iter::once(entry.name.clone())
            .chain(entry.aliases.iter().cloned())
            .collect();
        for spelling in spellings {
            for (map, key) in [
                (&mut self.exact, spelling.clone()),
                (&mut self.normalized, normalize(&spelling)),
            ] {
                if let Some(&other) = map.get(&key) {
                    if other != index {
                        return Err(format!(
                            "`{spelling}` already names `{}`",
                            self.entries[other].name
                        ));
                    }
                }
                map.insert(key, index);
            }
        }
        Ok(())
    }

    pub fn remembered(&self, reason: &str) -> Option<Match> {
        self.memo.lock().ok()?.get(reason).cloned()
    }

    pub fn remember(&self, reason: &str, found: &Match) {
        if let Ok(mut memo) = self.memo.lock() {
            if memo.len() < MEMO_CAP {
                memo.insert(reason.to_string(), found.clone());
            }
        }
    }

    pub fn exact(&self, reason: &str) -> Option<usize> {
        self.exact.get(reason).copied()
    }

    pub fn by_normalized(&self, normalized: &str) -> Option<usize> {
        self.normalized.get(normalized).copied()
    }

    /// Every spelling that matching knows, with the entry it names.
    pub fn spellings(&self) -> impl Iterator<Item = (&str, usize)> {
        self.normalized.iter().map(|(k, &v)| (k.as_str(), v))
    }

    #[cfg(test)]
    pub fn fallback(&self, which: Fallback) -> &Entry {
        &self.entries[self.index_of(which)]
    }

    pub fn index_of(&self, which: Fallback) -> usize {
        let name = which.name();
        // The built-in catalog holds every fallback (a test checks it), so the search
        // cannot come back empty; 0 keeps this total without a panic path.
        self.entries
            .iter()
            .position(|entry| entry.name == name)
            .unwrap_or(0)
    }

    pub fn outcomes(&self) -> impl Iterator<Item = (&Entry, Kind)> {
        self.entries
            .iter()
            .zip(self.kinds.iter().copied())
            .filter(|(_, kind)| *kind != Kind::Fallback)
    }
}

fn override_entry(entry: &mut Entry, spec: EntrySpec) {
    if let Some(v) = spec.aliases {
        entry.aliases = v;
    }
    if let Some(v) = spec.severity {
        entry.severity = v;
    }
    if let Some(v) = spec.title {
        entry.title = v;
    }
    if let Some(v) = spec.explanation {
        entry.explanation = v;
    }
    if let Some(v) = spec.next_steps {
        entry.next_steps = v;
    }
    if let Some(v) = spec.settings {
        entry.settings = v;
    }
    if let Some(v) = spec.set_by {
        entry.set_by = v;
    }
    if let Some(v) = spec.docs {
        entry.docs = v;
    }
}

fn complete(spec: EntrySpec, origin: &Origin) -> Result<Entry, String> {
    let missing = |field: &str| format!("new entry `{}` needs a `{field}`", spec.name);
    let severity = spec.severity.ok_or_else(|| missing("severity"))?;
    let title = spec.title.clone().ok_or_else(|| missing("title"))?;
    let explanation = spec
        .explanation
        .clone()
        .ok_or_else(|| missing("explanation"))?;
    Ok(Entry {
        name: spec.name,
        aliases: spec.aliases.unwrap_or_default(),
        severity,
        title,
        explanation,
        next_steps: spec.next_steps.unwrap_or_default(),
        settings: spec.settings.unwrap_or_default(),
        set_by: spec
            .set_by
            .unwrap_or_else(|| "your team's code".to_string()),
        docs: spec.docs.unwrap_or_default(),
        origin: origin.clone(),
    })
}

/// serde_json appends " at line L column C"; we print the position up front instead.
fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => message,
    }
}

/// Where an entry is written, for errors found after parsing (serde_json keeps no spans).
fn locate_name(text: &str, name: &str) -> (usize, usize) {
    let quoted = serde_json::to_string(name).unwrap_or_default();
    match text.find(&quoted) {
        Some(offset) => position(text, offset),
        None => (1, 1),
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn position(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_is_complete_and_consistent() {
        let catalog = Catalog::builtin().expect("built-in catalog loads");
        let mut names = std::collections::HashSet::new();
        for (entry, kind) in catalog.entries.iter().zip(&catalog.kinds) {
            assert!(names.insert(entry.name.clone()), "duplicate {}", entry.name);
            assert!(!entry.title.is_empty(), "{}: title", entry.name);
            assert!(
                !entry.title.ends_with('.'),
                "{}: title ends with a dot",
                entry.name
            );
            assert!(entry.explanation.len() > 60, "{}: explanation", entry.name);
            assert!(!entry.next_steps.is_empty(), "{}: next steps", entry.name);
            assert!(!entry.set_by.is_empty(), "{}: set_by", entry.name);
            assert!(!entry.docs.is_empty(), "{}: docs", entry.name);
            for url in &entry.docs {
                assert!(
                    url.starts_with("https://"),
                    "{}: doc link {url}",
                    entry.name
                );
            }
            if *kind == Kind::Fallback {
                assert_eq!(entry.severity, Severity::Unknown, "{}", entry.name);
            }
        }
        for fallback in [
            Fallback::Custom,
            Fallback::NotFinished,
            Fallback::NoOutcome,
            Fallback::NeverClosed,
        ] {
            assert_eq!(catalog.fallback(fallback).name, fallback.name());
        }
    }

    #[test]
    fn builtin_severities_follow_the_spec() {
        let catalog = Catalog::builtin().expect("built-in catalog loads");
        let expect = |names: &[&str], severity: Severity| {
            for name in names {
                let index = catalog
                    .exact(name)
                    .unwrap_or_else(|| panic!("{name} missing"));
                assert_eq!(catalog.entries[index].severity, severity, "{name}");
            }
        };
        expect(
            &[
                "finished",
                "closespider_itemcount",
                "closespider_pagecount",
                "closespider_max_zapi_requests",
                "no_reason",
            ],
            Severity::Ok,
        );
        expect(
            &[
                "cancelled",
                "shutdown",
                "closespider_timeout",
                "cancel_timeout",
                "slybot_fewitems_scraped",
                "project_deleted",
            ],
            Severity::Warning,
        );
        expect(
            &[
                "failed",
                "start_error",
                "memusage_exceeded",
                "killed by oom",
                "diskusage_exceeded",
                "banned",
                "cancelled (stalled)",
                "cancelled (24h limit)",
                "cancelled (watchdog)",
                "closespider_errorcount",
                "closespider_timeout_no_item",
                "closespider_pagecount_no_item",
                "plugin_conflict",
                "failed_forbidden_domain",
                "zyte_api_bad_key",
                "zyte_api_suspended_account",
                "bad_session_inits",
                "pool_error",
                "unsupported_set_location",
            ],
            Severity::Critical,
        );
        assert_eq!(
            catalog
                .outcomes()
                .filter(|(_, k)| *k == Kind::Outcome)
                .count(),
            30
        );
    }

    #[test]
    fn position_counts_lines_and_characters() {
        assert_eq!(position("ab\ncdé\nx", 0), (1, 1));
        assert_eq!(position("ab\ncdé\nx", 3), (2, 1));
        assert_eq!(position("ab\ncdé\nx", 8), (3, 1));
    }
}
