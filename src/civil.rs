//! Calendar dates and times as milliseconds since the epoch, and back: the unit of every job
//! time outcome reads (stats dumps, job records, log lines, `--since`).

/// Milliseconds since the epoch of a UTC date and time: year, month, day, hour, minute,
/// second, microsecond, within Python's datetime bounds (`None` outside them).
pub fn civil_ms(parts: [i128; 7]) -> Option<f64> {
    let [y, m, d, h, mi, s, us] = parts;
    // Python's own bounds (datetime.MINYEAR..MAXYEAR, real calendar days): anything else
    // could not have been printed by Scrapy, and would overflow or wrap into a wrong date.
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let month_days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    let in_bounds = (1..=9999).contains(&y)
        && (1..=month_days).contains(&d)
        && (0..24).contains(&h)
        && (0..60).contains(&mi)
        && (0..60).contains(&s)
        && (0..1_000_000).contains(&us);
    if !in_bounds {
        return None;
    }
    // Days from civil, after Howard Hinnant's algorithm.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    let seconds = days * 86400 + h * 3600 + mi * 60 + s;
    Some(seconds as f64 * 1000.0 + us as f64 / 1000.0)
}

/// `2026-12-05T12:49:49Z` for a time in milliseconds since the epoch (whole seconds).
pub fn iso(ms: f64) -> Option<String> {
    if !ms.is_finite() {
        return None;
    }
    let seconds = (ms / 1000.0).floor() as i128;
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // Civil from days, after Howard Hinnant's algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i128::from(month <= 2);
    if !(1..=9999).contains(&year) {
        return None;
    }
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    ))
}

/// The time a log line starts with (`2026-12-05 12:49:49`, also `2026-12-05T12:49:49`, after
/// a wrapper's prefix of up to 48 bytes), in milliseconds since the epoch. A log's times
/// are the crawl machine's local time, without a zone: they are taken as UTC.
pub fn line_time(line: &[u8]) -> Option<f64> {
    const SHAPE: &[u8; 19] = b"dddd-dd-dd dd:dd:dd";
    let fits = |at: usize| {
        line.get(at..at + SHAPE.len()).is_some_and(|window| {
            window.iter().zip(SHAPE).all(|(&b, &want)| match want {
                b'd' => b.is_ascii_digit(),
                b' ' => b == b' ' || b == b'T',
                other => b == other,
            })
        })
    };
    let at = (0..=48).find(|&at| fits(at))?;
    let number = |from: usize, len: usize| -> i128 {
        line[at + from..at + from + len]
            .iter()
            .fold(0, |n, b| n * 10 + i128::from(b - b'0'))
    };
    civil_ms([
        number(0, 4),
        number(5, 2),
        number(8, 2),
        number(11, 2),
        number(14, 2),
        number(17, 2),
        0,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_there_and_back() {
        for (text, parts) in [
            ("1970-01-01T00:00:00Z", [1970, 1, 1, 0, 0, 0, 0]),
            ("2000-02-29T23:59:59Z", [2000, 2, 29, 23, 59, 59, 0]),
            ("2026-12-05T12:49:49Z", [2026, 12, 5, 12, 49, 49, 0]),
            ("1969-12-31T23:59:59Z", [1969, 12, 31, 23, 59, 59, 0]),
        ] {
            let ms = civil_ms(parts).expect("a date");
            assert_eq!(iso(ms).as_deref(), Some(text));
        }
    }

    #[test]
    fn a_log_lines_time() {
        let at = civil_ms([2026, 12, 5, 12, 49, 49, 0]);
        assert_eq!(
            line_time(b"2026-12-05 12:49:49 [scrapy.core.engine] INFO: x"),
            at
        );
        assert_eq!(line_time(b"2026-12-05T12:49:49.123Z 2026-01-01 ..."), at);
        assert_eq!(
            line_time(b"[2026-12-05 12:49:49,512: WARNING/MainProcess] x"),
            at
        );
        assert_eq!(line_time(b"Traceback (most recent call last):"), None);
        assert_eq!(line_time(b"2026-13-05 12:49:49 bad month"), None);
        assert_eq!(line_time(b"2026-12-05"), None);
    }
}
