//! The checks of what the log's own lines say: exceptions in callbacks, ERROR and
//! CRITICAL lines, a start that failed, a browser that crashed, a close that never
//! finished, and error counts that cannot be trusted.

use super::measure::{list_counts, sum, Context, Measured};
use crate::counters::{largest_first, Counters};
use crate::evidence::LogEvidence;
use crate::job::Job;
use crate::text::group;

pub(super) fn spider_exceptions(
    _: &Context,
    _: &Job,
    c: &Counters,
    log: &LogEvidence,
) -> Option<Measured> {
    let mut kinds = c.spider_exception_types.clone();
    let counted = c.spider_exceptions.is_some() || !kinds.is_empty();
    let mut count = c
        .spider_exceptions
        .or_else(|| (!kinds.is_empty()).then(|| sum(&kinds)))
        .unwrap_or(log.spider_errors);
    // Since 2.13 the exception start() raised is counted in spider_exceptions too: it is
    // no callback's, and the start error's outcome or check already says it.
    let start_counted = counted
        && log
            .start_error
            .as_ref()
            .is_some_and(|q| q.text.starts_with("Error while reading start items"));
    if start_counted {
        count = count.saturating_sub(1);
        let kind = log
            .exceptions
            .iter()
            .find(|e| {
                e.after
                    .as_deref()
                    .is_some_and(|a| a.starts_with("Error while"))
            })
            .map(|e| e.kind.as_str());
        if let Some(slot) = kinds.iter_mut().find(|(k, _)| Some(k.as_str()) == kind) {
            slot.1 = slot.1.saturating_sub(1);
        }
        kinds.retain(|(_, n)| *n > 0);
    }
    largest_first(&mut kinds);
    if count == 0 {
        return None;
    }
    let mut evidence = vec![if counted {
        format!(
            "{} unhandled exception{} in callbacks (spider_exceptions{}){}",
            group(count),
            crate::text::plural(count),
            if start_counted {
                ", less the one start() raised"
            } else {
                ""
            },
            if kinds.is_empty() {
                String::new()
            } else {
                format!(": {}", list_counts(&kinds, 4))
            }
        )
    } else {
        format!(
            "{} `Spider error processing` line{} in the log",
            group(count),
            crate::text::plural(count)
        )
    }];
    // The first traceback that followed a spider error names the file and line.
    if let Some(first) = log.exceptions_by_count().into_iter().find(|e| {
        e.after
            .as_deref()
            .is_some_and(|a| a.starts_with("Spider error"))
    }) {
        evidence.push(exception_line(first));
    }
    Some(Measured {
        value: count as f64,
        evidence,
    })
}

/// `line 84: ValueError: cannot parse ... (at spiders/books.py:38 in parse, after `Spider error processing <GET ...>`)`
pub(super) fn exception_line(e: &crate::evidence::ExceptionGroup) -> String {
    let mut line = format!(
        "{} ×{}, first at line {}: `{}`",
        e.kind,
        group(e.count),
        e.first.line,
        e.first.text
    );
    if let Some(frame) = &e.frame {
        line.push_str(&format!(", raised at `{frame}`"));
    }
    line
}

pub(super) fn errors_logged(
    context: &Context,
    job: &Job,
    _: &Counters,
    log: &LogEvidence,
) -> Option<Measured> {
    let (own, own_words) = log.own_error_lines(context.outcome);
    if !context.detail && job.log.is_none() {
        // A record's own count: the verdict needs nothing more.
        let errors = job
            .errors()
            .map(|n| n.saturating_sub(own))
            .filter(|&n| n > 0)?;
        return Some(Measured {
            value: errors as f64,
            evidence: Vec::new(),
        });
    }
    // The ERROR and CRITICAL lines the log itself shows.
    let seen = job
        .log
        .as_ref()
        .map(|l| l.error_lines.saturating_add(l.critical_lines))
        .filter(|&n| n > 0);
    // A log's job has its own error count only from the log's lines (a dump's count is
    // in its stats).
    let from_lines = job.log.is_some() && job.errors.is_some();
    let headline = |n: u64, source: &str| {
        format!(
            "{} error{} logged ({source})",
            group(n),
            crate::text::plural(n)
        )
    };
    let (errors, headline) = match (job.errors(), seen) {
        // More lines than the stats counted: logged while closing, after the LogCount
        // extension stopped counting (2.14+).
        (Some(counted), Some(lines)) if lines > counted && job.errors.is_none() => (
            lines,
            format!(
                "{} ERROR and CRITICAL line{} in the log, more than the {} that log_count/ERROR and log_count/CRITICAL counted",
                group(lines),
                crate::text::plural(lines),
                group(counted)
            ),
        ),
        (Some(n), _) if n > 0 && from_lines => (n, headline(n, "counted from the log's own lines")),
        (Some(n), _) if n > 0 && job.errors.is_some() => (n, headline(n, "the job's error count")),
        (Some(n), _) if n > 0 => (n, headline(n, "log_count/ERROR plus log_count/CRITICAL")),
        // An excerpt's lines prove at least that many, not how many in all.
        (None, Some(n)) => (
            n,
            headline(
                n,
                "ERROR and CRITICAL lines in the part of the log given; the whole run's count is unknown",
            ),
        ),
        _ => return None,
    };
    let errors = errors.saturating_sub(own);
    if errors == 0 {
        return None;
    }
    let headline = if own > 0 {
        format!(
            "{headline}; {} of them {own_words}{}, not counted here",
            group(own),
            crate::text::plural(own)
        )
    } else {
        headline
    };
    let mut evidence = vec![headline];
    let groups = log.groups_by_count();
    for g in groups.iter().take(3) {
        // Twisted logs a failure as `CRITICAL: ` with nothing after it, its traceback on
        // the lines below (quoted with the exceptions).
        let message = if g.pattern.trim().is_empty() {
            "an empty message".to_string()
        } else {
            format!("`{}`", g.pattern)
        };
        evidence.push(format!(
            "{} ×{}: {message}, first at line {}",
            g.level,
            group(g.count),
            g.first.line
        ));
    }
    if groups.len() > 3 || log.errors_ungrouped > 0 {
        evidence.push(format!(
            "and {} more kind{} of error line",
            groups.len().saturating_sub(3) as u64 + u64::from(log.errors_ungrouped > 0),
            if groups.len().saturating_sub(3) == 1 && log.errors_ungrouped == 0 {
                ""
            } else {
                "s"
            }
        ));
    }
    // Exceptions that no more specific check quotes.
    for e in log
        .exceptions_by_count()
        .into_iter()
        .filter(|e| {
            !e.after
                .as_deref()
                .is_some_and(|a| a.starts_with("Spider error"))
        })
        .take(2)
    {
        evidence.push(exception_line(e));
    }
    Some(Measured {
        value: errors as f64,
        evidence,
    })
}

pub(super) fn start_failed(
    context: &Context,
    _: &Job,
    _: &Counters,
    log: &LogEvidence,
) -> Option<Measured> {
    // Only where the close reason hides it: 2.18+ says start_error itself.
    if context.outcome != Some("finished") {
        return None;
    }
    let quote = log.start_error.as_ref()?;
    Some(Measured::line(quote))
}

pub(super) fn browser_crashed(
    _: &Context,
    _: &Job,
    _: &Counters,
    log: &LogEvidence,
) -> Option<Measured> {
    let quote = log.browser_out_of_memory.as_ref()?;
    Some(Measured::line(quote))
}

pub(super) fn close_incomplete(
    _: &Context,
    _: &Job,
    _: &Counters,
    log: &LogEvidence,
) -> Option<Measured> {
    if !log.close_incomplete {
        return None;
    }
    let mut evidence = vec![if log.close_in_excerpt {
        "`Closing spider` is in the text, `Spider closed` is not; the text is an excerpt (it does not start at `Scrapy ... started`): it may also just end before the close was done"
    } else {
        "`Closing spider` is in the log, `Spider closed` is not, and the log is whole (it starts at `Scrapy ... started`)"
    }
    .to_string()];
    if log.forced {
        if let Some(signal) = &log.signal {
            evidence.push(format!(
                "{signal} came twice: the process was forced to stop"
            ));
        }
    }
    Some(Measured {
        value: 1.0,
        evidence,
    })
}

pub(super) fn log_counts_unreliable(
    context: &Context,
    job: &Job,
    c: &Counters,
    _: &LogEvidence,
) -> Option<Measured> {
    if context.never_closed || job.errors().is_some_and(|e| e > 0) {
        return None;
    }
    let level = job.log.as_ref().and_then(|l| {
        l.settings
            .iter()
            .find(|(k, _)| k == "LOG_LEVEL")
            .map(|(_, v)| v.as_str())
    });
    if level.is_some_and(|l| l.eq_ignore_ascii_case("CRITICAL")) {
        return Some(Measured {
            value: 1.0,
            evidence: vec!["LOG_LEVEL is CRITICAL (Overridden settings): ERROR lines are neither written nor counted".to_string()],
        });
    }
    let has_stats = job.stats.counters.is_some() || job.stats.items.is_some();
    if has_stats && !c.log_counts && job.errors().is_none() {
        return Some(Measured {
            value: 1.0,
            evidence: vec!["the stats have no log_count/* key, so they do not count the errors: the LogCount extension was disabled (Scrapy 2.14+), the dump is not whole, or LOG_LEVEL let no counted line through".to_string()],
        });
    }
    None
}
