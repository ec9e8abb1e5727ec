//! When to colour, decided in one pure function so the rules are testable, and the few
//! styles the human output uses. `colored` is forced on at start-up (it would otherwise
//! look only at stdout and treat an empty NO_COLOR as set); whether to call it at all is
//! decided here, per stream.

use std::ffi::OsStr;

use colored::Colorize;

use crate::severity::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The environment variables that bear on colour.
#[derive(Debug, Clone, Copy, Default)]
pub struct ColorEnv<'a> {
    pub no_color: Option<&'a OsStr>,
    pub clicolor: Option<&'a OsStr>,
    pub clicolor_force: Option<&'a OsStr>,
    pub term: Option<&'a OsStr>,
}

/// `--color always|never` wins; otherwise a non-empty NO_COLOR turns colour off, a
/// CLICOLOR_FORCE other than empty or `0` turns it on, CLICOLOR=0 turns it off, and else
/// only a terminal that is not `TERM=dumb` gets colour.
pub fn should_color(choice: ColorChoice, is_terminal: bool, env: ColorEnv<'_>) -> bool {
    let ColorEnv {
        no_color,
        clicolor,
        clicolor_force,
        term,
    } = env;
    match choice {
        ColorChoice::Always => return true,
        ColorChoice::Never => return false,
        ColorChoice::Auto => {}
    }
    if no_color.is_some_and(|v| !v.is_empty()) {
        return false;
    }
    if clicolor_force.is_some_and(|v| !v.is_empty() && v != "0") {
        return true;
    }
    if clicolor.is_some_and(|v| v == "0") {
        return false;
    }
    is_terminal && term != Some(OsStr::new("dumb"))
}

pub fn decide(choice: ColorChoice, is_terminal: bool) -> bool {
    let (no_color, clicolor, clicolor_force, term) = (
        std::env::var_os("NO_COLOR"),
        std::env::var_os("CLICOLOR"),
        std::env::var_os("CLICOLOR_FORCE"),
        std::env::var_os("TERM"),
    );
    should_color(
        choice,
        is_terminal,
        ColorEnv {
            no_color: no_color.as_deref(),
            clicolor: clicolor.as_deref(),
            clicolor_force: clicolor_force.as_deref(),
            term: term.as_deref(),
        },
    )
}

/// How human output looks on one stream: whether it is coloured, and how wide it is, when
/// it has a width (see `width`).
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    pub on: bool,
    pub width: Option<usize>,
}

impl Palette {
    /// The width prose wraps to: the stream's, or 80, up to `width::PROSE_MAX`.
    pub fn prose(self) -> usize {
        self.width
            .unwrap_or(super::width::DEFAULT)
            .min(super::width::PROSE_MAX)
    }

    /// The width lines are cut to; unbounded where the stream has none.
    pub fn line(self) -> usize {
        self.width.unwrap_or(usize::MAX)
    }

    pub fn badge(self, severity: Severity) -> String {
        let label = severity.label();
        if !self.on {
            return label.to_string();
        }
        match severity {
            Severity::Ok => label.green().bold().to_string(),
            Severity::Warning => label.yellow().bold().to_string(),
            Severity::Critical => label.red().bold().to_string(),
            Severity::Unknown => label.magenta().bold().to_string(),
        }
    }

    pub fn strong(self, text: &str) -> String {
        if self.on {
            text.bold().to_string()
        } else {
            text.to_string()
        }
    }

    pub fn heading(self, text: &str) -> String {
        if self.on {
            text.cyan().bold().to_string()
        } else {
            text.to_string()
        }
    }

    pub fn dim(self, text: &str) -> String {
        if self.on {
            text.dimmed().to_string()
        } else {
            text.to_string()
        }
    }

    pub fn error(self, text: &str) -> String {
        if self.on {
            text.red().bold().to_string()
        } else {
            text.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(
        no_color: Option<&'a str>,
        clicolor: Option<&'a str>,
        force: Option<&'a str>,
        term: Option<&'a str>,
    ) -> ColorEnv<'a> {
        ColorEnv {
            no_color: no_color.map(OsStr::new),
            clicolor: clicolor.map(OsStr::new),
            clicolor_force: force.map(OsStr::new),
            term: term.map(OsStr::new),
        }
    }

    #[test]
    fn explicit_choice_wins_over_environment() {
        assert!(should_color(
            ColorChoice::Always,
            false,
            env(Some("1"), Some("0"), None, None)
        ));
        assert!(!should_color(
            ColorChoice::Never,
            true,
            env(None, None, Some("1"), None)
        ));
    }

    #[test]
    fn auto_follows_the_terminal() {
        assert!(should_color(
            ColorChoice::Auto,
            true,
            env(None, None, None, Some("xterm"))
        ));
        assert!(!should_color(
            ColorChoice::Auto,
            false,
            env(None, None, None, Some("xterm"))
        ));
        assert!(!should_color(
            ColorChoice::Auto,
            true,
            env(None, None, None, Some("dumb"))
        ));
    }

    #[test]
    fn no_color_counts_only_when_non_empty() {
        assert!(!should_color(
            ColorChoice::Auto,
            true,
            env(Some("1"), None, None, None)
        ));
        assert!(should_color(
            ColorChoice::Auto,
            true,
            env(Some(""), None, None, None)
        ));
    }

    #[test]
    fn clicolor_zero_turns_a_terminal_off_and_force_wins_over_it() {
        assert!(!should_color(
            ColorChoice::Auto,
            true,
            env(None, Some("0"), None, None)
        ));
        assert!(should_color(
            ColorChoice::Auto,
            true,
            env(None, Some("1"), None, None)
        ));
        assert!(should_color(
            ColorChoice::Auto,
            false,
            env(None, Some("0"), Some("1"), None)
        ));
    }

    #[test]
    fn clicolor_force_colours_a_pipe_unless_zero_or_no_color() {
        assert!(should_color(
            ColorChoice::Auto,
            false,
            env(None, None, Some("1"), None)
        ));
        assert!(!should_color(
            ColorChoice::Auto,
            false,
            env(None, None, Some("0"), None)
        ));
        assert!(!should_color(
            ColorChoice::Auto,
            false,
            env(None, None, Some(""), None)
        ));
        assert!(!should_color(
            ColorChoice::Auto,
            false,
            env(Some("1"), None, Some("1"), None)
        ));
    }
}
