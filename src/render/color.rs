//! When to colour, decided in one pure function so the rules are testable, and the few
//! styles the human output uses. `colored` is forced on at start-up (it would otherwise
//! look only at stdout and treat an empty NO_COLOR as set); whether to call it at all is
//! decided here, per stream.

use std::ffi::OsStr;

use colored::Colorize;

use crate::catalog::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// `--color always|never` wins; otherwise a non-empty NO_COLOR turns colour off, a
/// CLICOLOR_FORCE other than empty or `0` turns it on, and else only a terminal that is
/// not `TERM=dumb` gets colour.
pub fn should_color(
    choice: ColorChoice,
    is_terminal: bool,
    no_color: Option<&OsStr>,
    clicolor_force: Option<&OsStr>,
    term: Option<&OsStr>,
) -> bool {
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
    is_terminal && term != Some(OsStr::new("dumb"))
}

pub fn decide(choice: ColorChoice, is_terminal: bool) -> bool {
    should_color(
        choice,
        is_terminal,
        std::env::var_os("NO_COLOR").as_deref(),
        std::env::var_os("CLICOLOR_FORCE").as_deref(),
        std::env::var_os("TERM").as_deref(),
    )
}

#[derive(Debug, Clone, Copy)]
pub struct Palette {
    pub on: bool,
}

impl Palette {
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

    fn os(s: &str) -> Option<&OsStr> {
        Some(OsStr::new(s))
    }

    #[test]
    fn explicit_choice_wins_over_environment() {
        assert!(should_color(
            ColorChoice::Always,
            false,
            os("1"),
            None,
            None
        ));
        assert!(!should_color(ColorChoice::Never, true, None, os("1"), None));
    }

    #[test]
    fn auto_follows_the_terminal() {
        assert!(should_color(
            ColorChoice::Auto,
            true,
            None,
            None,
            os("xterm")
        ));
        assert!(!should_color(
            ColorChoice::Auto,
            false,
            None,
            None,
            os("xterm")
        ));
        assert!(!should_color(
            ColorChoice::Auto,
            true,
            None,
            None,
            os("dumb")
        ));
    }

    #[test]
    fn no_color_counts_only_when_non_empty() {
        assert!(!should_color(ColorChoice::Auto, true, os("1"), None, None));
        assert!(should_color(ColorChoice::Auto, true, os(""), None, None));
    }

    #[test]
    fn clicolor_force_colours_a_pipe_unless_zero_or_no_color() {
        assert!(should_color(ColorChoice::Auto, false, None, os("1"), None));
        assert!(!should_color(ColorChoice::Auto, false, None, os("0"), None));
        assert!(!should_color(ColorChoice::Auto, false, None, os(""), None));
        assert!(!should_color(
            ColorChoice::Auto,
            false,
            os("1"),
            os("1"),
            None
        ));
    }
}
