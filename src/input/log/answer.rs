//! A run's answers: one report per crawl it closed, each built from the run's own lines
//! only, or one report for a run that never closed.

use std::borrow::Cow;

use super::run::{Crawl, LineFacts, Run};
use super::search::UNHANDLED;
use super::words::quote;
use crate::evidence;
use crate::job::{Job, LogFacts};
use crate::job::{LogCrawl, LogEnd};

/// The crawls of one run, for the judge; each with the line it rests on (a crawl's first close line,
/// else its dump; for a run that never closed, its first traceback or its last line).
/// `pasted_stats`: the input was a stats dump on its own, not a log.
/// `source`: the path the log was read from.
pub(super) fn answer(
    mut run: Run,
    pasted_stats: bool,
    source: Option<&str>,
) -> Vec<(LogCrawl, u64)> {
    let all = run.all_lines().clone();
    // A dump that could not be read, with no close line: not a crawl, just a note.
    let (crawls, fragments): (Vec<Crawl>, Vec<Crawl>) = std::mem::take(&mut run.crawls)
        .into_iter()
        .partition(|c| c.reason().is_some() || c.stats.is_some());
    let answering = Answering {
        run,
        all,
        pasted_stats,
        source,
    };
    let mut process_notes = answering.process_notes();
    process_notes.extend(fragments.into_iter().filter_map(|c| c.stats_error));
    if crawls.is_empty() {
        let line = answering
            .all
            .exception
            .as_ref()
            .map_or(answering.run.last_line.max(1), |(l, _)| *l);
        let facts = answering.facts(&answering.all);
        return vec![(answering.never_closed(facts, process_notes), line)];
    }
    let count = crawls.len();
    let mut attributed = LineFacts::default();
    for own in crawls.iter().filter_map(|c| c.own.as_ref()) {
        attributed.absorb(own.clone());
    }
    crawls
        .into_iter()
        .map(|crawl| {
            let line = crawl.line;
            (
                answering.crawl(crawl, count, &attributed, &process_notes),
                line,
            )
        })
        .collect()
}

struct Answering<'s> {
    run: Run,
    /// Every line of the run.
    all: LineFacts,
    pasted_stats: bool,
    source: Option<&'s str>,
}

impl Answering<'_> {
    /// Scrapyd's layout (`.../logs/<project>/<spider>/<job>.log`) names a job and its
    /// spider: through the log's own LOG_FILE setting, else the path it was read from.
    /// Set before the job is judged, so that the spider's rule in a project file applies.
    fn scrapyd_named(&self, job: &mut Job<'static>, facts: &LogFacts) {
        let log_file = facts
            .settings
            .iter()
            .find(|(k, _)| k == "LOG_FILE")
            .map(|(_, v)| v.trim_matches(['\'', '"']));
        let identity = log_file
            .and_then(super::words::scrapyd_identity)
            .or_else(|| self.source.and_then(super::words::scrapyd_identity));
        if let Some((key, spider)) = identity {
            job.key = Some(Cow::Owned(key));
            job.spider = Some(Cow::Owned(spider));
        }
    }

    /// In a run of several crawls: what of the run's lines is not this crawl's own, and
    /// what its stats count for the whole process.
    /// `attributed`: the lines known to be one crawl's or another's; the rest are shared.
    fn shared_notes(
        &self,
        own: &LineFacts,
        attributed: &LineFacts,
        crawl: &mut Crawl,
        crawls: usize,
    ) -> Vec<String> {
        let mut notes = Vec::new();
        let errors = self.all.errors.saturating_sub(attributed.errors);
        let criticals = self.all.criticals.saturating_sub(attributed.criticals);
        let tracebacks = self.all.tracebacks.saturating_sub(attributed.tracebacks);
        let mut shared = Vec::new();
        for (n, what) in [
            (errors, "ERROR line"),
            (criticals, "CRITICAL line"),
            (tracebacks, "traceback"),
        ] {
            if n > 0 {
                shared.push(format!("{n} {what}{}", crate::text::plural(n)));
            }
        }
        if !shared.is_empty() {
            notes.push(format!(
                "{crawls} crawls ran in this process and wrote this log together: {} logged while more than one was running cannot be told apart, so none is counted for this crawl",
                shared.join(", ")
            ));
        }
        // Error lines of the process that are not this crawl's own.
        let others =
            (self.all.errors + self.all.criticals).saturating_sub(own.errors + own.criticals);
        if let Some(stats) = crawl.stats.as_mut() {
            let counted = stats.error_lines().unwrap_or(0);
            if counted > 0 && others > 0 {
                // Scrapy's LogCount handler sits on the root logger: each crawler counts
                // every record of the process while it runs, its neighbours' too.
                notes.push(format!(
                    "log_count/ERROR and log_count/CRITICAL ({counted}) count the lines of every crawl in this process while this one ran, not this crawl's own"
                ));
                stats.errors = None;
                stats.criticals = None;
            }
        }
        notes
    }

    /// The log's facts for a crawl whose lines are `lines`.
    fn facts(&self, lines: &LineFacts) -> LogFacts {
        LogFacts {
            scrapy_version: self.run.version.clone(),
            settings: self.run.settings_shared().0,
            spider_opened: self.run.opened,
            error_lines: lines.errors,
            critical_lines: lines.criticals,
            tracebacks: lines.tracebacks,
            counts_from: None,
            evidence: lines.evidence.clone(),
        }
    }

    /// What the process as a whole logged: signals, the memory limit, a failed start.
    fn process_notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some(words) = &self.run.signal_quote {
            if self.run.forced {
                notes.push(format!(
                    "`{words}` is in the log: the process was forced to stop, so it may have ended without closing"
                ));
            } else {
                let source = self
                    .all
                    .evidence
                    .signal
                    .as_deref()
                    .map_or("a signal sent to the process", evidence::signal_source);
                notes.push(format!(
                    "`{words}` is in the log: a shutdown was asked for ({source})"
                ));
            }
        }
        if let Some(words) = &self.run.memory_quote {
            notes.push(format!("`{words}` is in the log"));
        }
        if let Some(words) = &self.run.start_error {
            notes.push(format!(
                "`{words}` is in the log: start() failed (Scrapy 2.18 and later close such runs as start_error)"
            ));
        }
        let (_, differ) = self.run.settings_shared();
        if !differ.is_empty() {
            let names: Vec<String> = differ.iter().map(|k| format!("`{k}`")).collect();
            notes.push(format!(
                "the crawlers of this process logged different settings ({}): left out, as the log does not say which crawler each settings block is for",
                names.join(", ")
            ));
        }
        if self.run.skipped_lines > 0 {
            notes.push(format!(
                "{} line{} over the {} MiB limit {} skipped",
                self.run.skipped_lines,
                if self.run.skipped_lines == 1 { "" } else { "s" },
                crate::input::reader::RECORD_CAP >> 20,
                if self.run.skipped_lines == 1 {
                    "was"
                } else {
                    "were"
                },
            ));
        }
        notes
    }

    /// The memory limit: named by the line that hit it, else the MEMUSAGE_LIMIT_MB setting.
    fn memory_limit(&self) -> Option<u64> {
        self.run.memory_limit.or_else(|| {
            self.run
                .setting("MEMUSAGE_LIMIT_MB")
                .and_then(|v| v.parse::<u64>().ok())
                .and_then(|mib| mib.checked_mul(1024 * 1024))
        })
    }

    /// LOG_LEVEL above INFO hides the close lines and the stats dump.
    fn level_hides_info(&self) -> Option<String> {
        match self.run.setting("LOG_LEVEL") {
            Some(level @ ("WARNING" | "ERROR" | "CRITICAL")) => Some(format!(
                "LOG_LEVEL is {level} (Overridden settings): the close lines and the stats dump are INFO, so this log cannot show how the crawl ended"
            )),
            // Only a text of log lines (they carry a time) can show that none is INFO: a
            // traceback pasted on its own has no log line at all.
            _ if !self.run.info_seen && self.run.lines > 0 && self.run.first_time.is_some() => Some(
                "the log has no INFO line at all: it was probably written with LOG_LEVEL above INFO, which hides the close lines and the stats dump".to_string(),
            ),
            _ => None,
        }
    }

    /// Counts from the log's own lines, when there is no stats dump to give them. Only a
    /// log that starts at its header (`Scrapy X started`) is whole: an excerpt proves no
    /// absence, so its counts stay unknown.
    fn counts_from_lines(&self, job: &mut Job<'static>) -> bool {
        if self.run.version.is_none() {
            return false;
        }
        job.errors = Some(self.all.errors.saturating_add(self.all.criticals));
        // Items are logged at DEBUG: only a log that shows its INFO lines and does not set
        // LOG_LEVEL above DEBUG can say how many there were.
        let debug =
            self.run.info_seen && matches!(self.run.setting("LOG_LEVEL"), None | Some("DEBUG"));
        if debug {
            job.items = Some(self.all.scraped);
        }
        true
    }

    fn never_closed(&self, mut facts: LogFacts, mut notes: Vec<String>) -> LogCrawl {
        let mut job = Job {
            memory_limit: self.memory_limit(),
            running_time: self.run.first_time,
            ..Job::default()
        };
        self.scrapyd_named(&mut job, &facts);
        if let Some(words) = &self.run.memory_quote {
            if self.counts_from_lines(&mut job) {
                facts.counts_from = Some("log lines");
            }
            return self.memory_limit_inferred(job, facts, notes, words);
        }
        if let Some((line, words)) = &self.all.exception {
            notes.push(format!(
                "the first traceback ends with `{words}` (line {line})"
            ));
        }
        if self.all.unhandled {
            notes.push(format!("`{UNHANDLED}` is in the log"));
        }
        let failures = self.all.errors + self.all.criticals + self.all.tracebacks;
        if failures > 0 {
            notes.push(format!(
                "the log holds {} ERROR and {} CRITICAL line{} and {} traceback{}",
                self.all.errors,
                self.all.criticals,
                if self.all.criticals == 1 { "" } else { "s" },
                self.all.tracebacks,
                if self.all.tracebacks == 1 { "" } else { "s" },
            ));
        }
        let hidden = self.level_hides_info();
        let hidden_note = hidden.clone();
        let started = self.run.opened > 0;
        // Not a line of a log, only a traceback (and Twisted's words around it): nothing
        // shows whether the crawl had begun.
        let fragment = self.run.first_time.is_none() && self.run.version.is_none() && !started;
        let interrupted = self
            .all
            .exception
            .as_ref()
            .is_some_and(|(_, words)| words.trim_end().ends_with("KeyboardInterrupt"));
        if interrupted {
            notes.push(
                "the traceback ends in KeyboardInterrupt: the process was stopped with Ctrl-C (SIGINT) where Scrapy could not handle it, before the crawl closed".to_string(),
            );
        }
        // A bare traceback is a start failure only in the shape Scrapy gives one (Twisted's
        // `Unhandled error in Deferred`, or a failed start()); Ctrl-C is no failure.
        let failed_to_start = !started
            && hidden.is_none()
            && !interrupted
            && (self.all.unhandled
                || self.run.start_error.is_some()
                || (failures > 0 && !fragment));
        // A text that ends before the spider opened shows no count: the crawl may have
        // gone on past where it was cut. A failed start ended the process there.
        if (started || failed_to_start) && self.counts_from_lines(&mut job) {
            facts.counts_from = Some("log lines");
        }
        match hidden_note {
            Some(note) => notes.push(note),
            None if fragment && !failed_to_start => notes.push(
                "the text is a traceback without the log around it: it does not show whether the spider had been opened".to_string(),
            ),
            None if started => notes.push(
                "the spider was opened, so the crawl began and then stopped without closing".to_string(),
            ),
            None => notes.push(
                "the spider was never opened: the process stopped (or is still starting) before the crawl began; a crash that early goes to stderr, not always to LOG_FILE".to_string(),
            ),
        }
        if !self.run.tail.is_empty() {
            let lines: Vec<String> = self
                .run
                .tail
                .iter()
                .map(|l| format!("`{}`", quote(l)))
                .collect();
            notes.push(format!("the log ends with: {}", lines.join(" / ")));
        }
        job.log = Some(Box::new(facts));
        // Only a log that shows INFO lines can show that the spider was never opened.
        LogCrawl {
            job,
            end: if failed_to_start {
                LogEnd::FailedToStart
            } else {
                LogEnd::NeverClosed
            },
            notes,
        }
    }

    /// A run without a close line whose memory extension logged that it was shutting the
    /// crawl down: `memusage_exceeded`, inferred and said to be (LOG_LEVEL=ERROR leaves
    /// nothing else; a kill while closing leaves no close line either).
    fn memory_limit_inferred(
        &self,
        mut job: Job<'static>,
        facts: LogFacts,
        mut notes: Vec<String>,
        words: &str,
    ) -> LogCrawl {
        // The process note quotes the same line: said once, here.
        let quoted = format!("`{words}`");
        notes.retain(|note| !note.starts_with(&quoted));
        notes.insert(
            0,
            format!(
                "no close line in the log: memusage_exceeded is inferred from {quoted}, which Scrapy's memory extension logs as it shuts the crawl down"
            ),
        );
        if let Some(note) = self.level_hides_info() {
            notes.push(note);
        }
        job.close_reason = Some(Cow::Borrowed("memusage_exceeded"));
        job.log = Some(Box::new(facts));
        LogCrawl {
            job,
            end: LogEnd::MemoryInferred,
            notes,
        }
    }

    fn crawl(
        &self,
        mut crawl: Crawl,
        crawls: usize,
        attributed: &LineFacts,
        process_notes: &[String],
    ) -> LogCrawl {
        let single = crawls == 1;
        let mut notes = process_notes.to_vec();
        let mut shared = Vec::new();
        let mut facts = if single {
            self.facts(&self.all)
        } else {
            let own = crawl.own.take().unwrap_or_default();
            shared = self.shared_notes(&own, attributed, &mut crawl, crawls);
            let mut facts = self.facts(&own);
            // A signal stops the whole process, every crawl in it.
            facts.evidence.signal = self.all.evidence.signal.clone();
            facts.evidence.forced = self.all.evidence.forced;
            facts
        };

        let has_stats = crawl.stats.is_some();
        let stats = crawl.stats.clone().unwrap_or_default();
        let stats_reason = stats.finish_reason.as_deref().map(str::to_string);
        // Without a dump's start_time, the run's first line tells when it started.
        let running_time = stats
            .start_time
            .is_none()
            .then_some(self.run.first_time)
            .flatten();
        let mut job = Job {
            stats,
            memory_limit: self.memory_limit(),
            running_time,
            ..Job::default()
        };
        self.scrapyd_named(&mut job, &facts);
        if has_stats {
            facts.counts_from = Some("stats dump");
            // A dump without log_count/* (LogCount disabled, 2.14+): a whole log's own
            // lines still give the errors, unless its level hides them.
            let hides_errors = self
                .run
                .setting("LOG_LEVEL")
                .is_some_and(|l| l.eq_ignore_ascii_case("CRITICAL"));
            if job.stats.error_lines().is_none()
                && single
                && self.run.version.is_some()
                && !hides_errors
            {
                job.errors = Some(self.all.errors.saturating_add(self.all.criticals));
            }
        } else if single && self.counts_from_lines(&mut job) {
            // No dump (STATS_DUMP=False, a kill): the log's own lines, said as such.
            facts.counts_from = Some("log lines");
        }
        if let Some(error) = &crawl.stats_error {
            notes.push(error.clone());
        }
        let engine = crawl.reason().map(str::to_string);
        let from_engine = engine.is_some();
        let reason = engine.or_else(|| stats_reason.clone());
        if reason.is_none() {
            notes.push(
                "no close reason in the text: no engine close line, and the stats dump has no finish_reason"
                    .to_string(),
            );
        } else if !from_engine && !self.pasted_stats {
            notes.push(
                "no engine close line in the log; the reason comes from the stats dump".to_string(),
            );
        }
        // A close that never completed is not OK (feeds are written at spider_closed);
        // in an excerpt it may also be that the text just ends early, and the finding
        // says so.
        if crawl.closing.is_some() && crawl.closed.is_none() {
            facts.evidence.close_incomplete = true;
            facts.evidence.close_in_excerpt = self.run.version.is_none();
        }
        for other in &crawl.other_reasons {
            notes.push(format!(
                "a later engine line says `{other}`; the first close reason wins, as in Scrapy"
            ));
        }
        if let (Some(stats_reason), Some(reason)) = (&stats_reason, &reason) {
            if stats_reason != reason && !crawl.other_reasons.contains(stats_reason) {
                notes.push(format!(
                    "the stats dump says finish_reason `{stats_reason}`, the engine `{reason}`"
                ));
            }
        }
        if let Some(setting) = reason.as_deref().and_then(closespider_setting) {
            if let Some(value) = self.run.setting(setting) {
                notes.push(format!("{setting} is {value} (Overridden settings)"));
                // Past a count limit by more than a little: the crawl did not stop at once.
                let counted = match setting {
                    "CLOSESPIDER_ITEMCOUNT" => job.items().map(|n| (n, "items scraped")),
                    "CLOSESPIDER_PAGECOUNT" => job.pages().map(|n| (n, "responses received")),
                    _ => None,
                };
                if let (Some((count, what)), Ok(limit)) = (counted, value.parse::<u64>()) {
                    if limit > 0 && count > limit {
                        notes.push(format!(
                            "{count} {what} for a limit of {limit}: Scrapy stops scheduling at the limit, but the requests already in flight (up to CONCURRENT_REQUESTS) are finished and their items kept"
                        ));
                    }
                }
            }
        }
        job.close_reason = reason.map(Cow::Owned);
        job.stats.finish_reason = None;
        job.log = Some(Box::new(facts));
        // What the crawl shares with its neighbours is context, after its own notes.
        notes.extend(shared);
        LogCrawl {
            job,
            end: LogEnd::Closed {
                finish_reason: stats_reason,
            },
            notes,
        }
    }
}

/// The setting behind a `closespider_*` reason.
fn closespider_setting(reason: &str) -> Option<&'static str> {
    Some(match reason {
        "closespider_timeout" => "CLOSESPIDER_TIMEOUT",
        "closespider_timeout_no_item" => "CLOSESPIDER_TIMEOUT_NO_ITEM",
        "closespider_itemcount" => "CLOSESPIDER_ITEMCOUNT",
        "closespider_pagecount" => "CLOSESPIDER_PAGECOUNT",
        "closespider_pagecount_no_item" => "CLOSESPIDER_PAGECOUNT_NO_ITEM",
        "closespider_errorcount" => "CLOSESPIDER_ERRORCOUNT",
        "memusage_exceeded" => "MEMUSAGE_LIMIT_MB",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::LogReader;
    use crate::job::{LogCrawl, LogEnd};

    /// The facts a whole log gives, read line by line.
    fn crawls_of(text: &str) -> Vec<LogCrawl> {
        let mut log = LogReader::new();
        for (number, line) in (1..).zip(text.lines()) {
            log.line(line.as_bytes(), number);
        }
        log.finish().into_iter().map(|(crawl, _)| crawl).collect()
    }

    /// A log the real Scrapy wrote (`tests/fixtures/real/make.sh`).
    fn real(version: &str, name: &str) -> String {
        let path = format!(
            "{}/tests/fixtures/real/{version}/{name}.log",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
    }

    fn one(text: &str) -> LogCrawl {
        let mut crawls = crawls_of(text);
        assert_eq!(crawls.len(), 1, "{crawls:?}");
        crawls.remove(0)
    }

    #[test]
    fn a_closed_crawl_gives_its_reason_and_keeps_the_dumps_aside() {
        let crawl = one(&real("2.19.0", "clean"));
        assert_eq!(crawl.job.close_reason.as_deref(), Some("finished"));
        // The dump's finish_reason travels beside the job, not in it, so that the judge
        // does not weigh the same reason twice.
        assert_eq!(crawl.job.stats.finish_reason, None);
        assert_eq!(
            crawl.end,
            LogEnd::Closed {
                finish_reason: Some("finished".to_string())
            }
        );
        let facts = crawl.job.log.as_deref().expect("the log's facts");
        assert_eq!(facts.counts_from, Some("stats dump"));
        assert_eq!(facts.scrapy_version.as_deref(), Some("2.19.0"));
        assert!(crawl.notes.is_empty(), "{:?}", crawl.notes);
    }

    #[test]
    fn the_memory_extensions_line_alone_infers_memusage_exceeded() {
        let crawl = one(&real("2.19.0", "memusage_level_error"));
        assert_eq!(crawl.end, LogEnd::MemoryInferred);
        assert_eq!(crawl.job.close_reason.as_deref(), Some("memusage_exceeded"));
        assert!(
            crawl.notes[0].starts_with(
                "no close line in the log: memusage_exceeded is inferred from `Memory usage exceeded"
            ),
            "{:?}",
            crawl.notes
        );
    }

    #[test]
    fn a_crawl_cut_off_is_never_closed_and_a_start_that_failed_says_so() {
        let killed = one(&real("2.19.0", "killed"));
        assert_eq!(killed.end, LogEnd::NeverClosed);
        assert!(killed.notes.contains(
            &"the spider was opened, so the crawl began and then stopped without closing"
                .to_string()
        ));
        let not_found = one(&real("2.19.0", "spider_not_found"));
        assert_eq!(not_found.end, LogEnd::NeverClosed);
        assert!(not_found.notes[0].starts_with("the spider was never opened"));
        // Before Scrapy 2.18 a start() that raised left the run open, with its traceback.
        let start = one(&real("2.11.2", "start_error"));
        assert_eq!(start.end, LogEnd::FailedToStart);
    }

    #[test]
    fn two_crawlers_in_one_process_each_get_their_own_fact_and_the_shared_lines_are_named() {
        let crawls = crawls_of(&real("2.19.0", "two_crawlers"));
        let reasons: Vec<_> = crawls
            .iter()
            .map(|c| c.job.close_reason.as_deref().unwrap_or("-"))
            .collect();
        assert_eq!(reasons, ["finished", "closespider_errorcount"]);
        for crawl in &crawls {
            assert!(
                crawl
                    .notes
                    .iter()
                    .any(|n| n.starts_with("2 crawls ran in this process")),
                "{:?}",
                crawl.notes
            );
        }
    }

    #[test]
    fn a_scrapyd_log_file_setting_names_the_job_and_its_spider() {
        let log = "\
2026-11-24 01:58:56 [scrapy.utils.log] INFO: Scrapy 2.19.0 started (bot: shop)
2026-11-24 01:58:56 [scrapy.crawler] INFO: Overridden settings:
{'BOT_NAME': 'shop',
 'LOG_FILE': '/var/lib/scrapyd/logs/shop/books/5f3a.log'}
2026-11-24 01:58:57 [scrapy.core.engine] INFO: Spider opened
2026-11-24 01:59:00 [scrapy.core.engine] INFO: Closing spider (finished)
2026-11-24 01:59:00 [scrapy.core.engine] INFO: Spider closed (finished)
";
        let crawl = one(log);
        assert_eq!(crawl.job.key.as_deref(), Some("shop/books/5f3a"));
        assert_eq!(crawl.job.spider.as_deref(), Some("books"));
        // No dump: the log's own lines count, and the notes say the reason's source.
        assert_eq!(
            crawl.job.log.as_deref().and_then(|f| f.counts_from),
            Some("log lines")
        );
    }
}
