//! The Scrapy stats that reveal a problem when the close reason looks fine: response
//! statuses, retries given up, download and spider exceptions, dropped items, feeds not
//! stored, robots.txt refusals, the scheduler's queue. Read from `scrapystats`, a logparser
//! object or a log's stats dump, through `Stats::set_number`; judged in `findings`.

/// How many entries one per-kind list keeps (statuses, exception types, storages...).
/// Scrapy writes a handful; a hostile record could write millions, and the evidence only
/// ever quotes the largest few.
pub const KINDS_CAP: usize = 32;
/// The longest kind name kept (an exception's dotted path, a retry reason).
const KIND_NAME_CAP: usize = 160;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counters {
    /// `downloader/request_count`
    pub requests: Option<u64>,
    /// `downloader/response_status_count/<code>`
    pub statuses: Vec<(u16, u64)>,
    /// `robotstxt/response_status_count/<code>`: robots.txt's own responses, which the
    /// downloader's counts include.
    pub robots_statuses: Vec<(u16, u64)>,
    /// `retry/max_reached`: requests given up after RETRY_TIMES retries.
    pub retry_max_reached: Option<u64>,
    /// `retry/reason_count/<reason>`
    pub retry_reasons: Vec<(String, u64)>,
    /// `downloader/exception_count`
    pub download_exceptions: Option<u64>,
    /// `downloader/exception_type_count/<dotted path>`
    pub download_exception_types: Vec<(String, u64)>,
    /// `spider_exceptions/count` (2.13+)
    pub spider_exceptions: Option<u64>,
    /// `spider_exceptions/<Class>`
    pub spider_exception_types: Vec<(String, u64)>,
    /// `item_dropped_count`
    pub items_dropped: Option<u64>,
    /// `item_dropped_reasons_count/<Exception>`
    pub drop_reasons: Vec<(String, u64)>,
    /// `feedexport/failed_count/<Storage>`
    pub feeds_failed: Vec<(String, u64)>,
    /// `feedexport/success_count/<Storage>`
    pub feeds_stored: Vec<(String, u64)>,
    /// `robotstxt/forbidden`
    pub robots_forbidden: Option<u64>,
    /// `scheduler/enqueued` and `scheduler/dequeued`
    pub enqueued: Option<u64>,
    pub dequeued: Option<u64>,
    /// `log_count/WARNING`
    pub warnings: Option<u64>,
    /// Some `log_count/*` key was there: the LogCount extension ran (2.14+ can disable it).
    pub log_counts: bool,
    /// `scrapy-zyte-api/fatal_errors`: requests Zyte API refused as unrecoverable.
    pub zyte_api_fatal: Option<u64>,
    /// Some `playwright/*` key was there: pages were rendered in a browser whose memory
    /// Scrapy's MemoryUsage extension does not count.
    pub playwright: bool,
}

/// Fragments of every key a check reads from stats beyond the counts of items and errors.
/// Stats left unparsed for speed (`--format line`, `summary`) are read when they hold one,
/// so that a verdict never depends on the output format.
const REVEALING: [&str; 9] = [
    "nt/4",
    "nt/5",
    "max_reached",
    // `downloader/exception_count`, `downloader/exception_type_count/*` (a check fires on
    // these alone) and `spider_exceptions/*`.
    "exception",
    "dropped_count",
    "failed_count",
    "forbidden",
    "enqueued",
    "fatal_errors",
];

/// Whether raw `scrapystats` text may hold a key a check reads. A false positive costs a
/// parse; a false negative would cost a finding, so it matches fragments, not whole keys.
pub fn might_reveal(raw: &str) -> bool {
    static FINDER: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::OnceLock::new();
    let build = || {
        // Leftmost-first lets aho-corasick use its vectorised (Teddy) prefilter.
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(REVEALING)
            .ok()
    };
    match FINDER.get_or_init(build) {
        Some(finder) => finder.is_match(raw),
        // Could not build the searcher: read everything rather than miss a finding.
        None => true,
    }
}

/// Whether a stats key is one of ours, before its value is parsed.
pub fn wanted(key: &str) -> bool {
    // Called for every key of every record that is not one of the job's own fields: one
    // byte decides which few prefixes to compare.
    let prefixes: &[&str] = match key.as_bytes().first() {
        Some(b'd') => &["downloader/"],
        Some(b'r') => &["retry/", "robotstxt/"],
        Some(b's') => &["spider_exceptions/", "scheduler/", "scrapy-zyte-api/"],
        Some(b'i') => {
            return key == "item_dropped_count" || key.starts_with("item_dropped_reasons_count/")
        }
        Some(b'f') => &["feedexport/"],
        Some(b'l') => &["log_count/"],
        Some(b'p') => &["playwright/"],
        _ => return false,
    };
    prefixes.iter().any(|p| key.starts_with(p))
}

impl Counters {
    /// Records one stat; false for a key that is not one of ours.
    pub fn record(&mut self, key: &str, value: Option<u64>) -> bool {
        let Some(value) = value else {
            // Still ours, but a number that does not fit: unknown, as every other stat.
            return wanted(key);
        };
        let slot = match key {
            "downloader/request_count" => &mut self.requests,
            "retry/max_reached" => &mut self.retry_max_reached,
            "downloader/exception_count" => &mut self.download_exceptions,
            "spider_exceptions/count" => &mut self.spider_exceptions,
            "item_dropped_count" => &mut self.items_dropped,
            "robotstxt/forbidden" => &mut self.robots_forbidden,
            "scheduler/enqueued" => &mut self.enqueued,
            "scheduler/dequeued" => &mut self.dequeued,
            "scrapy-zyte-api/fatal_errors" => &mut self.zyte_api_fatal,
            _ => return self.record_kind(key, value),
        };
        *slot = Some(value);
        true
    }

    fn record_kind(&mut self, key: &str, value: u64) -> bool {
        if let Some(code) = key.strip_prefix("downloader/response_status_count/") {
            if let Ok(code) = code.parse::<u16>() {
                if self.statuses.len() < KINDS_CAP {
                    self.statuses.push((code, value));
                }
            }
            return true;
        }
        if let Some(code) = key.strip_prefix("robotstxt/response_status_count/") {
            if let Ok(code) = code.parse::<u16>() {
                if self.robots_statuses.len() < KINDS_CAP {
                    self.robots_statuses.push((code, value));
                }
            }
            return true;
        }
        let lists: [(&str, &mut Vec<(String, u64)>); 6] = [
            ("retry/reason_count/", &mut self.retry_reasons),
            (
                "downloader/exception_type_count/",
                &mut self.download_exception_types,
            ),
            ("item_dropped_reasons_count/", &mut self.drop_reasons),
            ("feedexport/failed_count/", &mut self.feeds_failed),
            ("feedexport/success_count/", &mut self.feeds_stored),
            ("spider_exceptions/", &mut self.spider_exception_types),
        ];
        for (prefix, list) in lists {
            if let Some(kind) = key.strip_prefix(prefix) {
                if list.len() < KINDS_CAP && !kind.is_empty() {
                    list.push((capped(kind), value));
                }
                return true;
            }
        }
        if let Some(level) = key.strip_prefix("log_count/") {
            self.log_counts = true;
            if level == "WARNING" {
                self.warnings = Some(value);
            }
            return true;
        }
        if key.starts_with("playwright/") {
            self.playwright = true;
            return true;
        }
        wanted(key)
    }

    /// Responses by status, summed; `None` when no status was counted.
    pub fn responses_by_status(&self) -> Option<u64> {
        (!self.statuses.is_empty()).then(|| {
            self.statuses
                .iter()
                .fold(0u64, |sum, (_, n)| sum.saturating_add(*n))
        })
    }

    /// Responses whose status is in `codes`, with each status's count.
    pub fn statuses_in(&self, codes: impl Fn(u16) -> bool) -> (u64, Vec<(u16, u64)>) {
        let mut hits: Vec<(u16, u64)> = self
            .statuses
            .iter()
            .copied()
            .filter(|(code, n)| codes(*code) && *n > 0)
            .collect();
        hits.sort();
        let total = hits.iter().fold(0u64, |sum, (_, n)| sum.saturating_add(*n));
        (total, hits)
    }

    /// Download exceptions that are network or protocol failures: `IgnoreRequest` is how
    /// robots.txt and offsite filtering refuse a request, not a failed download.
    pub fn failed_downloads(&self) -> (u64, Vec<(String, u64)>) {
        let mut kinds: Vec<(String, u64)> = self
            .download_exception_types
            .iter()
            .filter(|(kind, n)| !kind.ends_with("IgnoreRequest") && *n > 0)
            .cloned()
            .collect();
        if kinds.is_empty() && self.download_exception_types.is_empty() {
            // Only the total is known: take away what robots.txt refused.
            let total = self
                .download_exceptions
                .unwrap_or(0)
                .saturating_sub(self.robots_forbidden.unwrap_or(0));
            return (total, kinds);
        }
        largest_first(&mut kinds);
        let total = kinds
            .iter()
            .fold(0u64, |sum, (_, n)| sum.saturating_add(*n));
        (total, kinds)
    }
}

/// Largest count first, then by name, so evidence quotes the biggest causes.
pub fn largest_first(kinds: &mut [(String, u64)]) {
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
}

fn capped(kind: &str) -> String {
    match kind.char_indices().nth(KIND_NAME_CAP) {
        Some((at, _)) => format!("{}…", &kind[..at]),
        None => kind.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_we_record_is_wanted() {
        for key in [
            "downloader/request_count",
            "downloader/response_status_count/403",
            "retry/max_reached",
            "retry/reason_count/429 Unknown Status",
            "downloader/exception_count",
            "downloader/exception_type_count/twisted.internet.error.DNSLookupError",
            "spider_exceptions/count",
            "spider_exceptions/ValueError",
            "item_dropped_count",
            "item_dropped_reasons_count/DropItem",
            "feedexport/failed_count/FTPFeedStorage",
            "feedexport/success_count/FileFeedStorage",
            "robotstxt/forbidden",
            "scheduler/enqueued",
            "scheduler/dequeued",
            "log_count/WARNING",
            "scrapy-zyte-api/fatal_errors",
            "playwright/page_count",
        ] {
            assert!(wanted(key), "{key}");
            let mut counters = Counters::default();
            assert!(counters.record(key, Some(2)), "{key}");
            assert_ne!(counters, Counters::default(), "{key}");
        }
        assert!(!wanted("memusage/startup"));
        assert!(!wanted("finish_reason"));
    }

    #[test]
    fn every_key_a_check_reads_is_revealing() {
        for key in [
            "downloader/response_status_count/403",
            "downloader/response_status_count/503",
            "retry/max_reached",
            "downloader/exception_count",
            "downloader/exception_type_count/twisted.internet.error.DNSLookupError",
            "spider_exceptions/count",
            "spider_exceptions/ValueError",
            "item_dropped_count",
            "feedexport/failed_count/S3FeedStorage",
            "robotstxt/forbidden",
            "scheduler/enqueued",
            "scrapy-zyte-api/fatal_errors",
        ] {
            assert!(might_reveal(&format!("{{\"{key}\":1}}")), "{key}");
        }
        assert!(!might_reveal(
            r#"{"downloader/response_status_count/200":5,"log_count/INFO":3,"memusage/max":1}"#
        ));
    }

    #[test]
    fn lists_are_capped() {
        let mut counters = Counters::default();
        for code in 0..1000u16 {
            counters.record(&format!("downloader/response_status_count/{code}"), Some(1));
            counters.record(&format!("retry/reason_count/{code}"), Some(1));
        }
        assert_eq!(counters.statuses.len(), KINDS_CAP);
        assert_eq!(counters.retry_reasons.len(), KINDS_CAP);
    }
}
