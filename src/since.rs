//! `summary --since WHEN`: a duration back from now (`90s`, `30m`, `24h`, `7d`, `2w`) or a
//! UTC date (`2026-11-30`, `2026-11-30T06:00:00`, `2026-11-30 06:00`), as milliseconds since
//! the epoch, the unit of every job time outcome reads.

use std::time::{SystemTime, UNIX_EPOCH};

/// The moment `text` names, given now in milliseconds.
pub fn parse(text: &str, now_ms: f64) -> Result<f64, String> {
    let text = text.trim();
    let bad = || {
        format!("`{text}`: give a duration back from now (90s, 30m, 24h, 7d, 2w) or a UTC date (2026-11-30, 2026-11-30T06:00:00)")
    };
    if let Some(unit) = text.chars().last().filter(char::is_ascii_alphabetic) {
        let number: u64 = text[..text.len() - 1].parse().map_err(|_| bad())?;
        let seconds: u64 = match unit {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return Err(bad()),
        };
        let back = number.checked_mul(seconds).ok_or_else(bad)?;
        return Ok(now_ms - back as f64 * 1000.0);
    }
    let (date, time) = match text.split_once(['T', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let numbers = |part: &str, sep: char, want: usize| -> Option<Vec<i128>> {
        let fields: Vec<i128> = part
            .split(sep)
            .map(|f| f.parse::<i128>().ok())
            .collect::<Option<_>>()?;
        (fields.len() == want || (sep == ':' && fields.len() == 2 && want == 3)).then_some(fields)
    };
    let ymd = numbers(date, '-', 3).ok_or_else(bad)?;
    let hms = match time {
        Some(t) => numbers(t.trim_end_matches('Z'), ':', 3).ok_or_else(bad)?,
        None => vec![0, 0, 0],
    };
    let second = hms.get(2).copied().unwrap_or(0);
    crate::civil::civil_ms([ymd[0], ymd[1], ymd[2], hms[0], hms[1], second, 0]).ok_or_else(bad)
}

/// Now, in milliseconds since the epoch.
pub fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_dates() {
        let now = 1_764_633_600_000.0; // 2025-12-02T00:00:00Z
        assert_eq!(parse("24h", now), Ok(now - 86_400_000.0));
        assert_eq!(parse("7d", now), Ok(now - 7.0 * 86_400_000.0));
        assert_eq!(parse("90s", now), Ok(now - 90_000.0));
        assert_eq!(parse("2025-12-01", now), Ok(now - 86_400_000.0));
        assert_eq!(parse("2025-12-01T12:00:00", now), Ok(now - 43_200_000.0));
        assert_eq!(parse("2025-12-01 12:00", now), Ok(now - 43_200_000.0));
        for bad in [
            "",
            "h",
            "10x",
            "2025-13-01",
            "2025-02-30",
            "yesterday",
            "99999999999999999999d",
        ] {
            assert!(parse(bad, now).is_err(), "{bad}");
        }
    }
}
