//! The outcome catalog: what each close reason means and what to do about it. The built-in
//! data lives in `catalog.json`; a user catalog in the same format adds or overrides entries.
//! How a reason is matched against it lives in `reason`; this module only keys spellings.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;

use crate::catalog_file::{
    self, borrowed, owned, read_capped, CatalogSpec, EntrySpec, Locator, Own, SpiderSpec, Str,
};
pub use crate::catalog_file::{position, Text};
use crate::checks::{Check, CheckSpec};
use crate::exit::{Error, Result};
pub use crate::severity::Severity;
use crate::spiders::Expectations;

mod rules;

/// Lower case, every run of characters other than letters and digits folded to one space,
/// trimmed: `Killed-By-OOM`, `killed_by_oom` and `KILLED BY OOM` all become `killed by oom`.
/// Letters are lowered before they are tested, so that a lowering that yields a combining
/// mark (`İ` gives `i` and U+0307) folds the same way the second time: idempotent.
pub fn normalize(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len());
    let mut pending_space = false;
    let mut push = |c: char, out: &mut String| {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        } else {
            pending_space = true;
        }
    };
    // ASCII, as nearly every reason is, a byte at a time; the rest through Unicode's
    // lower-casing, which may give several characters for one.
    let mut rest = reason;
    while !rest.is_empty() {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        for b in rest[..ascii].bytes() {
            push(char::from(b.to_ascii_lowercase()), &mut out);
        }
        rest = &rest[ascii..];
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            for lower in c.to_lowercase() {
                push(lower, &mut out);
            }
        }
        rest = chars.as_str();
    }
    out
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
    pub aliases: Vec<Text>,
    pub severity: Severity,
    pub title: Text,
    pub explanation: Text,
    pub next_steps: Vec<Text>,
    pub settings: Vec<Text>,
    pub set_by: Text,
    pub docs: Vec<Text>,
    pub origin: Origin,
}

impl Entry {
    /// Whether `word` (already lowercased) is in any of the entry's text.
    pub fn mentions(&self, word: &str) -> bool {
        let has = |text: &str| text.to_lowercase().contains(word);
        has(&self.name)
            || self.aliases.iter().any(|a| has(a))
            || has(&self.title)
            || has(&self.explanation)
            || self.settings.iter().any(|s| has(s))
            || self.next_steps.iter().any(|s| has(s))
    }

    /// Whether a Scrapy setting bears on this outcome: it is one of the entry's settings,
    /// or its explanation or next steps name it as a word.
    pub fn affected_by(&self, setting: &str) -> bool {
        let named = |text: &str| {
            text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .any(|word| word.eq_ignore_ascii_case(setting))
        };
        self.settings
            .iter()
            .any(|s| s.eq_ignore_ascii_case(setting))
            || named(&self.explanation)
            || self.next_steps.iter().any(|s| named(s))
    }
}

/// A project file's history store: where it is, and how many runs a spider keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryFile {
    pub path: std::path::PathBuf,
    pub keep: Option<u32>,
}

/// Which list of the catalog an entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Outcome,
    Family,
    Fallback,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Outcome => "outcome",
            Kind::Family => "family",
            Kind::Fallback => "fallback",
        }
    }
}

/// Replies that are not about a particular reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    Custom,
    NotFinished,
    NoOutcome,
    NeverClosed,
    Malformed,
    FailedToStart,
    Empty,
}

impl Fallback {
    pub const ALL: [Fallback; 7] = [
        Fallback::Custom,
        Fallback::NotFinished,
        Fallback::NoOutcome,
        Fallback::NeverClosed,
        Fallback::Malformed,
        Fallback::FailedToStart,
        Fallback::Empty,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Fallback::Custom => "(custom)",
            Fallback::NotFinished => "(not finished)",
            Fallback::NoOutcome => "(no outcome)",
            Fallback::NeverClosed => "(never closed)",
            Fallback::Malformed => "(malformed)",
            Fallback::FailedToStart => "(failed to start)",
            Fallback::Empty => "(empty)",
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

/// The catalog's look-up tables, by text. Every record's reason is looked up, so their
/// hash is a word-at-a-time one rather than SipHash: their keys come from the catalog
/// alone (input only looks up), so no input can crowd them, and a look-up that collides
/// on purpose can at worst compare against the few hundred keys there are.
type Table = HashMap<String, usize, BuildHasherDefault<WordHasher>>;

/// Eight bytes at a time: a rotate, an exclusive or and a multiply each.
#[derive(Default)]
struct WordHasher(u64);

impl WordHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for WordHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut eight = [0; 8];
            eight.copy_from_slice(word);
            self.add(u64::from_le_bytes(eight));
        }
        let rest = words.remainder();
        let mut last = [0; 8];
        last[..rest.len()].copy_from_slice(rest);
        // The length too, so that trailing zero bytes still change the hash.
        self.add(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 59));
    }

    #[inline]
    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    #[inline]
    fn finish(&self) -> u64 {
        // A multiply's low bits see only the input's low bits; the table picks buckets by
        // the low bits, so the high ones are folded in.
        self.0 ^ (self.0 >> 29)
    }
}

#[derive(Debug, Clone)]
pub struct Catalog {
    pub entries: Vec<Entry>,
    pub kinds: Vec<Kind>,
    pub families: Vec<Family>,
    by_name: Table,
    exact: Table,
    normalized: Table,
    fallbacks: [usize; 7],
    /// The checks behind findings, in the order findings are listed.
    pub checks: Vec<Check>,
    /// `--expect`: outcomes that count as OK for this run, as entries for the catalog's
    /// own reasons and as normalized text for any other.
    expected_entries: Vec<usize>,
    expected_reasons: Vec<String>,
    /// The project file's spider rules as read, until the run's policy makes each a view.
    pending_rules: Vec<PendingRule>,
    /// One view of the catalog per spider rule, in the file's order: the rule's levels,
    /// expected reasons and numbers applied (`expectations` set), the run's policy on top.
    rules: Vec<Catalog>,
    /// In a rule's view: what the rule expects of a run.
    pub expectations: Option<Expectations>,
    /// `--spider NAME` (or the spider `outcome run` crawls): the spider of an input that
    /// names none.
    pub spider: Option<String>,
    /// The user file's `history`, its path resolved against the file's directory.
    pub history: Option<HistoryFile>,
}

/// A spider rule read from a file, checked, waiting for the run's policy.
#[derive(Debug, Clone)]
struct PendingRule {
    spec: SpiderSpec,
    expectations: Expectations,
    findings: Vec<(String, Option<Severity>)>,
    origin: Origin,
}

impl Catalog {
    pub fn builtin() -> Result<Catalog> {
        let spec = catalog_file::builtin_spec()
            .map_err(|what| Error::internal(format!("built-in catalog: {what}")))?;
        Catalog::from_spec(spec)
    }

    /// The built-in catalog as serde reads `catalog.json`: what `builtin` must equal.
    #[cfg(test)]
    fn builtin_from_json() -> Result<Catalog> {
        let spec: CatalogSpec = serde_json::from_str(catalog_file::BUILTIN)
            .map_err(|err| Error::internal(format!("built-in catalog: {err}")))?;
        Catalog::from_spec(spec)
    }

    fn from_spec(spec: CatalogSpec<'static>) -> Result<Catalog> {
        let mut catalog = Catalog {
            entries: Vec::new(),
            kinds: Vec::new(),
            families: Vec::new(),
            by_name: Table::default(),
            exact: Table::default(),
            normalized: Table::default(),
            fallbacks: [0; 7],
            checks: Vec::new(),
            expected_entries: Vec::new(),
            expected_reasons: Vec::new(),
            pending_rules: Vec::new(),
            rules: Vec::new(),
            expectations: None,
            spider: None,
            history: None,
        };
        catalog.merge(spec, borrowed, &Origin::Builtin, catalog_file::BUILTIN)?;
        for (slot, which) in Fallback::ALL.into_iter().enumerate() {
            catalog.fallbacks[slot] =
                catalog.by_name.get(which.name()).copied().ok_or_else(|| {
                    Error::internal(format!("built-in catalog lacks {}", which.name()))
                })?;
        }
        Ok(catalog)
    }

    /// The built-in catalog with the user's file layered on top.
    pub fn load(user: Option<&Path>) -> Result<Catalog> {
        let mut catalog = Catalog::builtin()?;
        if let Some(path) = user {
            let shown = path.display().to_string();
            let text =
                read_capped(path).map_err(|what| Error::config(format!("{shown}: {what}")))?;
            catalog.layer(&text, &shown)?;
            if let Some(history) = &mut catalog.history {
                if history.path.is_relative() {
                    let base = path.parent().unwrap_or(Path::new(""));
                    history.path = base.join(&history.path);
                }
            }
        }
        Ok(catalog)
    }

    /// Layers a user catalog's text, named `shown` in errors and in `outcome list`.
    pub fn layer(&mut self, text: &[u8], shown: &str) -> Result<()> {
        let text = std::str::from_utf8(text).map_err(|err| {
            let valid = &text[..err.valid_up_to()];
            let (line, column) = position(&String::from_utf8_lossy(valid), valid.len());
            Error::config(format!(
                "{shown}:{line}:{column}: catalog is not valid UTF-8"
            ))
        })?;
        let spec: CatalogSpec = serde_json::from_str(text).map_err(|err| {
            let (line, column) = crate::jsonerror::place(&err, text);
            Error::config(format!(
                "{shown}:{line}:{column}: {}",
                crate::jsonerror::words(&err)
            ))
        })?;
        self.merge(spec, owned, &Origin::User(shown.to_string()), text)
    }

    fn merge<'a>(
        &mut self,
        spec: CatalogSpec<'a>,
        own: Own<'a>,
        origin: &Origin,
        text: &str,
    ) -> Result<()> {
        let lists = [
            (Kind::Outcome, spec.outcomes),
            (Kind::Family, spec.families),
            (Kind::Fallback, spec.fallbacks),
        ];
        let mut named_here: HashMap<String, ()> = HashMap::new();
        let locator = Locator::new(text);
        self.merge_checks(spec.checks, origin, &locator)?;
        self.merge_spiders(spec.spiders, origin, &locator)?;
        if let Some(history) = spec.history {
            if history.file.trim().is_empty() || history.keep == Some(0) {
                let (line, column) = locator.place("history");
                return Err(Error::config(format!(
                    "{origin}:{line}:{column}: `history` needs a `file`, and a `keep` of 1 or more"
                )));
            }
            self.history = Some(HistoryFile {
                path: std::path::PathBuf::from(history.file),
                keep: history.keep,
            });
        }
        for (kind, specs) in lists {
            for spec in specs {
                if named_here.insert(spec.name.clone(), ()).is_some() {
                    return Err(named_twice(origin, &locator, "", &spec.name));
                }
                self.merge_entry(kind, spec, own, origin, &locator)?;
            }
        }
        self.reindex(origin, &locator)
    }

    fn merge_checks(
        &mut self,
        specs: Vec<CheckSpec>,
        origin: &Origin,
        locator: &Locator,
    ) -> Result<()> {
        let mut named_here: Vec<String> = Vec::new();
        for spec in specs {
            // Only an error needs the place: finding it searches the whole text.
            let at = |id: &str| {
                let (line, column) = locator.place(id);
                format!("{origin}:{line}:{column}")
            };
            if named_here.contains(&spec.id) {
                return Err(named_twice(origin, locator, "check ", &spec.id));
            }
            named_here.push(spec.id.clone());
            let shown = origin.as_str().to_string();
            let id = spec.id.clone();
            match self.checks.iter_mut().find(|c| c.id == spec.id) {
                Some(check) => spec
                    .apply_to(check, &shown)
                    .map_err(|what| Error::config(format!("{}: {what}", at(&id))))?,
                None if *origin == Origin::Builtin => {
                    let check = spec
                        .complete(&shown)
                        .map_err(|what| Error::internal(format!("built-in catalog: {what}")))?;
                    self.checks.push(check);
                }
                None => {
                    let known: Vec<&str> = self.checks.iter().map(|c| c.id.as_str()).collect();
                    return Err(Error::config(format!(
                        "{}: there is no check `{}`; a catalog can change the built-in checks ({}), not add one",
                        at(&spec.id),
                        spec.id,
                        known.join(", ")
                    )));
                }
            }
        }
        Ok(())
    }

    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    fn merge_entry<'a>(
        &mut self,
        kind: Kind,
        spec: EntrySpec<'a>,
        own: Own<'a>,
        origin: &Origin,
        locator: &Locator,
    ) -> Result<()> {
        let at = |name: &str| {
            let (line, column) = locator.place(name);
            format!("{origin}:{line}:{column}")
        };
        if spec.name.trim().is_empty() {
            return Err(Error::config(format!("{}: empty name", at(&spec.name))));
        }
        if kind == Kind::Family && spec.name.matches('*').count() != 1 {
            return Err(Error::config(format!(
                "{}: family `{}` needs exactly one `*` for the unknown tail",
                at(&spec.name),
                spec.name
            )));
        }
        match self.by_name.get(&spec.name).copied() {
            Some(index) => {
                if self.kinds[index] != kind {
                    return Err(Error::config(format!(
                        "{}: `{}` is listed under another section",
                        at(&spec.name),
                        spec.name
                    )));
                }
                let entry = &mut self.entries[index];
                override_entry(entry, spec, own);
                entry.origin = origin.clone();
            }
            None => {
                let name = spec.name.clone();
                let entry = complete(spec, own, origin)
                    .map_err(|what| Error::config(format!("{}: {what}", at(&name))))?;
                self.by_name.insert(name, self.entries.len());
                self.entries.push(entry);
                self.kinds.push(kind);
            }
        }
        Ok(())
    }

    /// Registers every entry's spellings afresh, so that a user catalog can take an alias
    /// away or give it to another entry; a spelling that means two entries is refused.
    fn reindex(&mut self, origin: &Origin, locator: &Locator) -> Result<()> {
        self.exact.clear();
        self.normalized.clear();
        self.families.clear();
        for index in 0..self.entries.len() {
            let entry = &self.entries[index];
            match self.kinds[index] {
                Kind::Fallback => continue,
                Kind::Family => {
                    let (prefix, suffix) = entry.name.split_once('*').unwrap_or((&entry.name, ""));
                    self.families.push(Family {
                        entry: index,
                        prefix: prefix.to_string(),
                        suffix: suffix.to_string(),
                    });
                    continue;
                }
                Kind::Outcome => {}
            }
            for spelling in
                std::iter::once(entry.name.as_str()).chain(entry.aliases.iter().map(|a| &**a))
            {
                let normalized = normalize(spelling);
                let keys = [(true, spelling.to_string()), (false, normalized)];
                for (exact, key) in keys {
                    // A spelling with no letter or digit has no normalized form: it matches
                    // only as written, never `""` or `!!!`.
                    if key.is_empty() {
                        continue;
                    }
                    let map = if exact {
                        &mut self.exact
                    } else {
                        &mut self.normalized
                    };
                    match map.get(&key) {
                        Some(&other) if other != index => {
                            let (line, column) = locator.place(spelling);
                            return Err(Error::config(format!(
                                "{origin}:{line}:{column}: `{spelling}` already names `{}`",
                                self.entries[other].name
                            )));
                        }
                        _ => {
                            map.insert(key, index);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    pub fn exact(&self, reason: &str) -> Option<usize> {
        self.exact.get(reason).copied()
    }

    pub fn by_normalized(&self, normalized: &str) -> Option<usize> {
        self.normalized.get(normalized).copied()
    }

    /// An entry by its name as written in the catalog.
    pub fn by_name(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// Every spelling that matching knows, with the entry it names.
    pub fn spellings(&self) -> impl Iterator<Item = (&str, usize)> {
        self.normalized.iter().map(|(k, &v)| (k.as_str(), v))
    }

    pub fn index_of(&self, which: Fallback) -> usize {
        let slot = Fallback::ALL.iter().position(|&f| f == which).unwrap_or(0);
        self.fallbacks[slot]
    }

    pub fn fallback(&self, which: Fallback) -> &Entry {
        &self.entries[self.index_of(which)]
    }

    pub fn outcomes(&self) -> impl Iterator<Item = (&Entry, Kind)> {
        self.entries
            .iter()
            .zip(self.kinds.iter().copied())
            .filter(|(_, kind)| *kind != Kind::Fallback)
    }
}

/// The error for a name given twice in one file (`what`: "check ", "spider " or nothing
/// for an outcome), placed at the second.
fn named_twice(origin: &Origin, locator: &Locator, what: &str, name: &str) -> Error {
    let (first, second) = locator.two_places(name);
    Error::config(format!(
        "{origin}:{second}: {what}`{name}` is named twice in this file (also at line {first})"
    ))
}

fn override_entry<'a>(entry: &mut Entry, spec: EntrySpec<'a>, own: Own<'a>) {
    let all = |texts: Vec<Str<'a>>| texts.into_iter().map(own).collect();
    if let Some(v) = spec.aliases {
        entry.aliases = all(v);
    }
    if let Some(v) = spec.severity {
        entry.severity = v;
    }
    if let Some(v) = spec.title {
        entry.title = own(v);
    }
    if let Some(v) = spec.explanation {
        entry.explanation = own(v);
    }
    if let Some(v) = spec.next_steps {
        entry.next_steps = all(v);
    }
    if let Some(v) = spec.settings {
        entry.settings = all(v);
    }
    if let Some(v) = spec.set_by {
        entry.set_by = own(v);
    }
    if let Some(v) = spec.docs {
        entry.docs = all(v);
    }
}

fn complete<'a>(
    spec: EntrySpec<'a>,
    own: Own<'a>,
    origin: &Origin,
) -> std::result::Result<Entry, String> {
    let missing = |field: &str| format!("new entry `{}` needs a `{field}`", spec.name);
    let severity = spec.severity.ok_or_else(|| missing("severity"))?;
    let title = spec.title.ok_or_else(|| missing("title"))?;
    let explanation = spec.explanation.ok_or_else(|| missing("explanation"))?;
    let all =
        |texts: Option<Vec<Str<'a>>>| texts.unwrap_or_default().into_iter().map(own).collect();
    Ok(Entry {
        aliases: all(spec.aliases),
        severity,
        title: own(title),
        explanation: own(explanation),
        next_steps: all(spec.next_steps),
        settings: all(spec.settings),
        set_by: spec.set_by.map_or(Cow::Borrowed("your team's code"), own),
        docs: all(spec.docs),
        origin: origin.clone(),
        name: spec.name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_statics_are_the_json_catalog() {
        let from_statics = Catalog::builtin().expect("statics");
        let from_json = Catalog::builtin_from_json().expect("json");
        assert_eq!(
            format!("{:?}", from_statics.entries),
            format!("{:?}", from_json.entries)
        );
        assert_eq!(from_statics.kinds, from_json.kinds);
        assert_eq!(
            format!("{:?}", from_statics.families),
            format!("{:?}", from_json.families)
        );
        assert_eq!(
            format!("{:?}", from_statics.checks),
            format!("{:?}", from_json.checks)
        );
        assert_eq!(from_statics.fallbacks, from_json.fallbacks);
        assert!(!from_statics.entries.is_empty() && !from_statics.checks.is_empty());
    }

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
            if *kind == Kind::Fallback && entry.name != "(failed to start)" {
                assert_eq!(entry.severity, Severity::Unknown, "{}", entry.name);
            }
        }
        for fallback in Fallback::ALL {
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
