//! The checks of the crawl's traffic: refused, failed and missing responses, downloads
//! that failed, retries given up, robots.txt refusals, Zyte API's fatal errors.

use super::measure::{cite, list_counts, share, Context, Measured};
use crate::checks::percent;
use crate::counters::{largest_first, Counters};
use crate::evidence::LogEvidence;
use crate::job::Job;
use crate::text::group;

/// The response total the status shares are taken of.
pub(super) fn responses(job: &Job, counters: &Counters) -> Option<u64> {
    counters.responses_by_status().or(job.stats.responses)
}

pub(super) fn statuses(
    job: &Job,
    counters: &Counters,
    codes: fn(u16) -> bool,
    what: &str,
) -> Option<Measured> {
    let total = responses(job, counters)?;
    let (hit, by_code) = counters.statuses_in(codes);
    let value = share(hit, total)?;
    if hit == 0 {
        return None;
    }
    Some(Measured {
        value,
        evidence: vec![
            format!(
                "{} of {} responses were {what} ({})",
                group(hit),
                group(total),
                percent(value)
            ),
            format!(
                "downloader/response_status_count: {}",
                list_counts(&by_code, 6)
            ),
        ],
    })
}

pub(super) fn blocked_responses(
    _: &Context,
    job: &Job,
    c: &Counters,
    _: &LogEvidence,
) -> Option<Measured> {
    statuses(
        job,
        c,
        |code| matches!(code, 403 | 407 | 429),
        "refusals (403, 407 or 429)",
    )
}

pub(super) fn server_errors(
    _: &Context,
    job: &Job,
    c: &Counters,
    _: &LogEvidence,
) -> Option<Measured> {
    statuses(
        job,
        c,
        |code| (500..600).contains(&code),
        "server errors (5xx)",
    )
}

/// 404 Not Found and 410 Gone among the responses, robots.txt's own left out (a site
/// without one answers 404, and that is no missing page).
pub(super) fn not_found_responses(
    _: &Context,
    job: &Job,
    c: &Counters,
    _: &LogEvidence,
) -> Option<Measured> {
    let gone = |code: u16| matches!(code, 404 | 410);
    let (hit, by_code) = c.statuses_in(gone);
    let robots_gone: u64 = c
        .robots_statuses
        .iter()
        .filter(|(code, _)| gone(*code))
        .fold(0u64, |sum, (_, n)| sum.saturating_add(*n));
    let robots_all: u64 = c
        .robots_statuses
        .iter()
        .fold(0u64, |sum, (_, n)| sum.saturating_add(*n));
    let hit = hit.saturating_sub(robots_gone);
    if hit == 0 {
        return None;
    }
    let total = responses(job, c)?.saturating_sub(robots_all);
    let value = share(hit, total)?;
    let mut headline = format!(
        "{} of {} responses were 404 Not Found or 410 Gone ({})",
        group(hit),
        group(total),
        percent(value)
    );
    if robots_all > 0 {
        headline.push_str(&format!(
            "; robots.txt's own response{} left out",
            crate::text::plural(robots_all)
        ));
    }
    Some(Measured {
        value,
        evidence: vec![
            headline,
            format!(
                "downloader/response_status_count: {}",
                list_counts(&by_code, 6)
            ),
        ],
    })
}

pub(super) fn downloader_exceptions(
    _: &Context,
    _: &Job,
    c: &Counters,
    _: &LogEvidence,
) -> Option<Measured> {
    let (failed, kinds) = c.failed_downloads();
    if failed == 0 {
        return None;
    }
    let requests = c.requests?;
    let value = share(failed, requests)?;
    let mut evidence = vec![format!(
        "{} of {} requests failed with a download exception ({})",
        group(failed),
        group(requests),
        percent(value)
    )];
    if !kinds.is_empty() {
        evidence.push(format!(
            "downloader/exception_type_count: {}",
            list_counts(&kinds, 4)
        ));
    }
    Some(Measured { value, evidence })
}

pub(super) fn retries_exhausted(
    _: &Context,
    _: &Job,
    c: &Counters,
    log: &LogEvidence,
) -> Option<Measured> {
    let (count, from_stats) = match c.retry_max_reached {
        Some(n) => (n, true),
        None => (log.gave_up, false),
    };
    if count == 0 {
        return None;
    }
    let mut evidence = vec![match (from_stats, c.requests) {
        (true, Some(requests)) if requests > 0 => format!(
            "{} request{} given up after retrying (retry/max_reached), {} of {} requests",
            group(count),
            crate::text::plural(count),
            percent(count as f64 / requests as f64),
            group(requests)
        ),
        (true, _) => format!(
            "{} request{} given up after retrying (retry/max_reached)",
            group(count),
            crate::text::plural(count)
        ),
        (false, _) => format!(
            "{} `Gave up retrying` line{} in the log",
            group(count),
            crate::text::plural(count)
        ),
    }];
    let mut reasons = c.retry_reasons.clone();
    largest_first(&mut reasons);
    if !reasons.is_empty() {
        evidence.push(format!("retry/reason_count: {}", list_counts(&reasons, 4)));
    }
    if let Some(first) = &log.gave_up_first {
        evidence.push(cite(first));
    }
    Some(Measured {
        value: count as f64,
        evidence,
    })
}

pub(super) fn robots_forbidden(
    _: &Context,
    _: &Job,
    c: &Counters,
    _: &LogEvidence,
) -> Option<Measured> {
    let forbidden = c.robots_forbidden.filter(|&n| n > 0)?;
    // Refused requests never reach the downloader, so they are not in its request count.
    let whole = c.requests.unwrap_or(0).saturating_add(forbidden);
    let value = share(forbidden, whole)?;
    Some(Measured {
        value,
        evidence: vec![format!(
            "{} of {} requests refused by robots.txt ({}; robotstxt/forbidden {})",
            group(forbidden),
            group(whole),
            percent(value),
            group(forbidden)
        )],
    })
}

pub(super) fn zyte_api_fatal_errors(
    _: &Context,
    _: &Job,
    c: &Counters,
    _: &LogEvidence,
) -> Option<Measured> {
    let fatal = c.zyte_api_fatal.filter(|&n| n > 0)?;
    Some(Measured {
        value: fatal as f64,
        evidence: vec![format!("scrapy-zyte-api/fatal_errors: {}", group(fatal))],
    })
}
