//! Finding a close reason's catalog entry, in the order the contract gives: exact, case
//! and separators ignored, family, likely typo, custom. The matcher remembers its answers.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::catalog::{normalize, Catalog, Fallback};

/// How a reason was matched; shown in every output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    Exact,
    Alias,
    Normalized,
    Family,
    Suggestion,
    Custom,
    /// Not from a reason at all: the record or log could not give one.
    NotFinished,
    NoOutcome,
    NeverClosed,
    FailedToStart,
    Empty,
    /// No close line, but the log's own lines name how the crawl ended (the memory
    /// extension's shutdown line): the reason is inferred, and said to be.
    Inferred,
}

impl How {
    /// The reason named a catalog entry (exactly, by an alias, or with case and
    /// separators ignored), rather than a family, a guess or nothing.
    pub fn is_by_name(self) -> bool {
        matches!(self, How::Exact | How::Alias | How::Normalized)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            How::Exact => "exact",
            How::Alias => "alias",
            How::Normalized => "normalized",
            How::Family => "family",
            How::Suggestion => "suggestion",
            How::Custom => "custom",
            How::NotFinished => "not_finished",
            How::NoOutcome => "no_outcome",
            How::NeverClosed => "never_closed",
            How::FailedToStart => "failed_to_start",
            How::Empty => "empty",
            How::Inferred => "inferred",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Match {
    pub entry: usize,
    pub how: How,
    /// With `Family`: the part the `*` stood for.
    pub tail: Option<String>,
    /// With `Suggestion` (and sometimes `Family`): the entry the reason was probably meant as.
    pub suggestion: Option<usize>,
}

/// Reasons longer than this are matched every time instead of remembered: Scrapy Cloud
/// caps a close reason at 255 characters, so longer ones are rare and would crowd the memo.
const MEMO_KEY_CAP: usize = 256;
/// How many distinct reasons are remembered: a stream repeats a few custom reasons many
/// times; past this many, new ones are matched afresh. At most 4096 x 256 bytes of keys.
const MEMO_ENTRIES: usize = 4096;

/// The catalog and what matching has learnt about it. Shared by every worker thread.
#[derive(Debug)]
pub struct Matcher {
    catalog: Catalog,
    memo: Mutex<HashMap<String, Match>>,
}

impl Matcher {
    pub fn new(catalog: Catalog) -> Matcher {
        Matcher {
            catalog,
            memo: Mutex::new(HashMap::new()),
        }
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The catalog entry for a reason, and how it matched.
    pub fn find(&self, reason: &str) -> Match {
        let catalog = &self.catalog;
        if let Some(index) = catalog.exact(reason) {
            let how = if catalog.entries[index].name == reason {
                How::Exact
            } else {
                How::Alias
            };
            return Match::simple(index, how);
        }
        if reason.len() > MEMO_KEY_CAP {
            return find_slow(catalog, reason);
        }
        if let Some(found) = self.memo.lock().ok().and_then(|m| m.get(reason).cloned()) {
            return found;
        }
        let found = find_slow(catalog, reason);
        if let Ok(mut memo) = self.memo.lock() {
            if memo.len() < MEMO_ENTRIES {
                memo.insert(reason.to_string(), found.clone());
            }
        }
        found
    }
}

impl Match {
    fn simple(entry: usize, how: How) -> Match {
        Match {
            entry,
            how,
            tail: None,
            suggestion: None,
        }
    }
}

/// Everything after the exact look-up; its results are remembered per reason, since a
/// stream repeats the same few custom reasons many times.
fn find_slow(catalog: &Catalog, reason: &str) -> Match {
    let simple = Match::simple;
    let normalized = normalize(reason);
    if let Some(index) = catalog.by_normalized(&normalized) {
        return simple(index, How::Normalized);
    }
    if let Some((entry, tail)) = family(catalog, reason, &normalized) {
        return Match {
            entry,
            how: How::Family,
            suggestion: closest(catalog, &normalized),
            tail: Some(tail),
        };
    }
    let custom = catalog.index_of(Fallback::Custom);
    match closest(catalog, &normalized) {
        Some(suggestion) => Match {
            entry: custom,
            how: How::Suggestion,
            tail: None,
            suggestion: Some(suggestion),
        },
        None => simple(custom, How::Custom),
    }
}

fn family(catalog: &Catalog, reason: &str, normalized: &str) -> Option<(usize, String)> {
    for family in &catalog.families {
        let (prefix, suffix) = (family.prefix.as_str(), family.suffix.as_str());
        if reason.len() > prefix.len() + suffix.len()
            && reason.starts_with(prefix)
            && reason.ends_with(suffix)
        {
            let tail = &reason[prefix.len()..reason.len() - suffix.len()];
            return Some((family.entry, tail.to_string()));
        }
        // The same pattern with case and separators ignored: `CLOSESPIDER-FOO`.
        let norm_prefix = normalize(prefix);
        let norm_suffix = normalize(suffix);
        if norm_prefix.is_empty() {
            continue;
        }
        let Some(rest) = normalized.strip_prefix(norm_prefix.as_str()) else {
            continue;
        };
        let Some(rest) = rest.strip_prefix(' ') else {
            continue;
        };
        let Some(rest) = rest.strip_suffix(norm_suffix.as_str()) else {
            continue;
        };
        let tail = rest.trim();
        if !tail.is_empty() {
            return Some((family.entry, tail.to_string()));
        }
    }
    None
}

/// The known reason this one is most likely a typo of, if any is close enough.
fn closest(catalog: &Catalog, normalized: &str) -> Option<usize> {
    let length = normalized.chars().count();
    if length < 3 {
        return None;
    }
    let allowed = match length {
        0..=5 => 1,
        6..=12 => 2,
        _ => 3,
    };
    // Longer than every spelling by more than the edits allowed: nothing is close (a
    // spelling has at most as many characters as bytes). Asked before any distance, so
    // that a reason of megabytes costs one pass over the spellings, not one over itself
    // per spelling.
    let longest = catalog.spellings().map(|(s, _)| s.len()).max().unwrap_or(0);
    if length > longest.saturating_add(allowed) {
        return None;
    }
    let mut best: Option<(usize, usize)> = None;
    for (spelling, index) in catalog.spellings() {
        let distance = edit_distance(normalized, spelling, allowed);
        let is_prefix = length >= 5
            && spelling.starts_with(normalized)
            && length * 10 >= spelling.chars().count() * 6;
        let score = if is_prefix {
            Some(distance.unwrap_or(allowed))
        } else {
            distance
        };
        if let Some(score) = score {
            let better = match best {
                None => true,
                Some((best_score, best_index)) => {
                    score < best_score
                        || (score == best_score
                            && catalog.entries[index].name < catalog.entries[best_index].name)
                }
            };
            if better {
                best = Some((score, index));
            }
        }
    }
    best.map(|(_, index)| index)
}

/// Optimal-string-alignment distance (a swap of two neighbours counts as one edit), or
/// `None` once it is certain to exceed `limit`.
pub fn edit_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    // Counted before anything is allocated: most pairs differ in length by more.
    if a.chars().count().abs_diff(b.chars().count()) > limit {
        return None;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut rows = vec![vec![0usize; width]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        let (cur, prev, prev2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        rows[cur][0] = i;
        let mut row_min = i;
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut value = (rows[prev][j] + 1)
                .min(rows[cur][j - 1] + 1)
                .min(rows[prev][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                value = value.min(rows[prev2][j - 2] + 1);
            }
            rows[cur][j] = value;
            row_min = row_min.min(value);
        }
        if row_min > limit {
            return None;
        }
    }
    let distance = rows[a.len() % 3][b.len()];
    (distance <= limit).then_some(distance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_case_and_separators() {
        assert_eq!(normalize("Killed-By-OOM"), "killed by oom");
        assert_eq!(normalize("  KILLED__BY  oom "), "killed by oom");
        assert_eq!(normalize("cancelled (24h limit)"), "cancelled 24h limit");
        assert_eq!(normalize("---"), "");
    }

    #[test]
    fn normalize_is_idempotent() {
        for input in [
            "Killed-By-OOM",
            "cancelled (stalled)",
            "ÉTÉ__x",
            "a\u{1b}[31mb",
            "KİLLED BY OOM",
            "ǅ\u{130}\u{307}x",
            "",
        ] {
            let once = normalize(input);
            assert_eq!(normalize(&once), once);
        }
    }

    fn builtin() -> Matcher {
        Matcher::new(Catalog::builtin().expect("builtin catalog"))
    }

    /// The built-in catalog with user entries of these names added, in this order.
    fn with_entries(names: &[&str]) -> Matcher {
        let entries: Vec<String> = names
            .iter()
            .map(|n| {
                format!(r#"{{"name":"{n}","severity":"warning","title":"t","explanation":"e"}}"#)
            })
            .collect();
        let text = format!(r#"{{"outcomes":[{}]}}"#, entries.join(","));
        let mut catalog = Catalog::builtin().expect("builtin catalog");
        catalog
            .layer(text.as_bytes(), "test.json")
            .expect("user catalog");
        Matcher::new(catalog)
    }

    fn with_family(name: &str) -> Matcher {
        let text = format!(
            r#"{{"families":[{{"name":"{name}","severity":"warning","title":"t","explanation":"e"}}]}}"#
        );
        let mut catalog = Catalog::builtin().expect("builtin catalog");
        catalog
            .layer(text.as_bytes(), "test.json")
            .expect("user catalog");
        Matcher::new(catalog)
    }

    fn suggested(matcher: &Matcher, reason: &str) -> Option<String> {
        let found = matcher.find(reason);
        found
            .suggestion
            .map(|i| matcher.catalog().entries[i].name.clone())
    }

    #[test]
    fn how_a_reason_matched() {
        let m = builtin();
        assert_eq!(m.find("memusage_exceeded").how, How::Exact);
        assert_eq!(m.find("oomkilled").how, How::Alias);
        assert_eq!(m.find("Killed-By-OOM").how, How::Normalized);
        assert_eq!(m.find("closespider_foo").how, How::Family);
        assert_eq!(m.find("memusage_exceed").how, How::Suggestion);
        assert_eq!(m.find("zzzz_qqqq_wwww").how, How::Custom);
        for how in [How::Exact, How::Alias, How::Normalized] {
            assert!(how.is_by_name(), "{how:?}");
        }
        for how in [
            How::Family,
            How::Suggestion,
            How::Custom,
            How::NotFinished,
            How::Empty,
        ] {
            assert!(!how.is_by_name(), "{how:?}");
        }
    }

    #[test]
    fn a_family_needs_a_tail_and_keeps_its_case_and_separators() {
        let m = builtin();
        let found = m.find("closespider_Foo-Bar");
        assert_eq!(found.how, How::Family);
        assert_eq!(found.tail.as_deref(), Some("Foo-Bar"));
        let found = m.find("cancelled (Maintenance Window)");
        assert_eq!(found.how, How::Family);
        assert_eq!(found.tail.as_deref(), Some("Maintenance Window"));
        // The prefix and suffix alone have no tail: not the family.
        for bare in ["closespider_", "cancelled ()", "cancelled (", "closespider"] {
            assert_ne!(m.find(bare).how, How::Family, "{bare}");
        }
        // Case and separators ignored: matched the family, the tail normalised.
        let found = m.find("CLOSESPIDER-FOO");
        assert_eq!(found.how, How::Family);
        assert_eq!(found.tail.as_deref(), Some("foo"));
        let found = m.find("Cancelled (Later)");
        assert_eq!(found.how, How::Family);
        assert_eq!(found.tail.as_deref(), Some("later"));
        // A normalised prefix with nothing after it is not the family either.
        assert_ne!(m.find("CLOSESPIDER-").how, How::Family);
        // A user family with a suffix: the prefix and suffix alone are not it.
        let m = with_family("myfix (*)");
        assert_eq!(m.find("myfix (x)").how, How::Family);
        assert_eq!(m.find("myfix (x)").tail.as_deref(), Some("x"));
        for bare in ["myfix ()", "myfix (", "myfix )"] {
            assert_ne!(m.find(bare).how, How::Family, "{bare}");
        }
    }

    #[test]
    fn suggestions_allow_one_two_or_three_edits_by_length() {
        // 3 to 5 characters: one edit.
        let m = with_entries(&["abcd", "vwxyz"]);
        assert_eq!(suggested(&m, "abce").as_deref(), Some("abcd"));
        assert_eq!(suggested(&m, "vwxab"), None);
        assert_eq!(suggested(&m, "vwxya").as_deref(), Some("vwxyz"));
        // Fewer than 3 characters: never a suggestion.
        let m = with_entries(&["ab"]);
        assert_eq!(suggested(&m, "ac"), None);
        let m = with_entries(&["abc"]);
        assert_eq!(suggested(&m, "abd").as_deref(), Some("abc"));
        // 6 to 12: two edits, not three.
        let m = with_entries(&["abcdefgh", "qrstuvwxyzab"]);
        assert_eq!(suggested(&m, "abcdefxx").as_deref(), Some("abcdefgh"));
        assert_eq!(suggested(&m, "abcdexxx"), None);
        assert_eq!(suggested(&m, "qrstuvwxyxxx"), None);
        // 13 and more: three edits, not four.
        let m = with_entries(&["abcdefghijklm"]);
        assert_eq!(
            suggested(&m, "abcdefghijxxx").as_deref(),
            Some("abcdefghijklm")
        );
        assert_eq!(suggested(&m, "abcdefghixxxx"), None);
    }

    #[test]
    fn a_long_enough_prefix_is_a_suggestion() {
        // At least 5 characters and 60% of the name.
        let m = with_entries(&["abcdefghijklmnopqrst"]);
        assert_eq!(
            suggested(&m, "abcdefghijkl").as_deref(),
            Some("abcdefghijklmnopqrst")
        );
        assert_eq!(suggested(&m, "abcdefghijk"), None);
        let m = with_entries(&["abcdefgh"]);
        assert_eq!(suggested(&m, "abcde").as_deref(), Some("abcdefgh"));
        let m = with_entries(&["abcdef"]);
        assert_eq!(suggested(&m, "abcd"), None);
        // Not a prefix: no such allowance, whatever the length.
        let m = with_entries(&["abcdefghijklmnopqrst"]);
        assert_eq!(suggested(&m, "bcdefghijklm"), None);
        let builtin = builtin();
        assert_eq!(suggested(&builtin, "zzzzzz"), None);
        assert_eq!(
            suggested(&builtin, "memusage_exc").as_deref(),
            Some("memusage_exceeded")
        );
    }

    #[test]
    fn the_closest_wins_and_a_tie_goes_to_the_first_name() {
        let m = with_entries(&["abcdzz", "abcdef"]);
        assert_eq!(suggested(&m, "abcdeg").as_deref(), Some("abcdef"));
        let m = with_entries(&["abcdef", "abcdzz"]);
        assert_eq!(suggested(&m, "abcdeg").as_deref(), Some("abcdef"));
        // Spellings are kept in a hash map, visited in a different order by each matcher:
        // many matchers, many tied names, and the first name must win every time.
        for round in 0..12 {
            let mut names = ["abcdv", "abcdw", "abcdx", "abcdy", "abcdu"];
            names.rotate_left(round % 5);
            let m = with_entries(&names);
            assert_eq!(
                suggested(&m, "abcdz").as_deref(),
                Some("abcdu"),
                "{names:?}"
            );
        }
    }

    #[test]
    fn the_memo_is_bounded_in_entries_and_key_length() {
        let m = builtin();
        let long = "x".repeat(MEMO_KEY_CAP + 1);
        let at_cap = "y".repeat(MEMO_KEY_CAP);
        assert_eq!(m.find(&long).how, How::Custom);
        assert_eq!(m.find(&at_cap).how, How::Custom);
        let remembered = |m: &Matcher| m.memo.lock().map(|memo| memo.len()).unwrap_or(0);
        assert_eq!(remembered(&m), 1, "only the reason within the cap is kept");
        let far_over = "z".repeat(MEMO_KEY_CAP * 4);
        assert_eq!(m.find(&far_over).how, How::Custom);
        assert_eq!(remembered(&m), 1, "a reason far over the cap is not kept");
        for i in 0..MEMO_ENTRIES + 10 {
            let reason = format!("custom reason {i}");
            assert_eq!(m.find(&reason).how, How::Custom);
            // Remembered or not, the answer is the same the second time.
            assert_eq!(m.find(&reason).how, How::Custom);
        }
        assert_eq!(remembered(&m), MEMO_ENTRIES);
    }

    #[test]
    fn edit_distance_at_the_limit_and_past_it() {
        assert_eq!(edit_distance("kitten", "sitting", 3), Some(3));
        assert_eq!(edit_distance("kitten", "sitting", 2), None);
        assert_eq!(edit_distance("abcx", "abc", 1), Some(1));
        assert_eq!(edit_distance("abc", "abcx", 1), Some(1));
        assert_eq!(edit_distance("abxd", "abcd", 1), Some(1));
        assert_eq!(edit_distance("abcd", "abcd", 0), Some(0));
    }

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        assert_eq!(edit_distance("finsihed", "finished", 2), Some(1));
        assert_eq!(
            edit_distance("memusage exceed", "memusage exceeded", 3),
            Some(2)
        );
        assert_eq!(edit_distance("abc", "xyz", 2), None);
        assert_eq!(edit_distance("", "ab", 2), Some(2));
    }
}
