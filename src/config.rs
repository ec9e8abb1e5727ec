//! The command line resolved once: output format, colour for each stream, policy flags and
//! where the catalog comes from. Commands read this, never the raw arguments.

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::catalog::Catalog;
use crate::cli::{ColorArg, Global};
use crate::exit::{ExitStatus, Result};
use crate::reason::Matcher;
use crate::render::color::{self, ColorChoice, Palette};
use crate::render::width;
use crate::render::Format;
use crate::severity::{Severity, Tally};

#[derive(Debug, Clone)]
pub struct Config {
    pub format: Format,
    /// Styles for stdout and for stderr, each decided for its own stream.
    pub out: Palette,
    pub err: Palette,
    pub quiet: bool,
    pub strict: bool,
    pub exit_zero: bool,
    /// `--only`: the severities shown; empty for all.
    pub only: Vec<Severity>,
    /// `--catalog`, else `OUTCOME_CATALOG` when set and not empty, else the project file
    /// (`outcome.json` beside the `scrapy.cfg` of the project the current directory is in).
    pub catalog: Option<PathBuf>,
    /// `--spider`: the spider of an input that names none.
    pub spider: Option<String>,
    /// `--history FILE`: the history store (else the project file's).
    pub history: Option<PathBuf>,
    /// `--expect`: outcomes that count as OK for this run.
    pub expect: Vec<String>,
    /// `--finding ID=LEVEL`: a check's severity for this run, `None` for off.
    pub findings: Vec<(String, Option<Severity>)>,
}

impl Config {
    pub fn resolve(global: &Global, stdout_is_terminal: bool) -> Config {
        let choice = match global.color {
            ColorArg::Auto => ColorChoice::Auto,
            ColorArg::Always => ColorChoice::Always,
            ColorArg::Never => ColorChoice::Never,
        };
        let catalog = global
            .catalog
            .clone()
            .or_else(|| {
                std::env::var_os("OUTCOME_CATALOG")
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            })
            .or_else(project_file);
        Config {
            format: global.format,
            out: Palette {
                on: color::decide(choice, stdout_is_terminal),
                width: width::decide(libc::STDOUT_FILENO),
            },
            err: Palette {
                on: color::decide(choice, std::io::stderr().is_terminal()),
                width: width::decide(libc::STDERR_FILENO),
            },
            quiet: global.quiet,
            strict: global.strict,
            exit_zero: global.exit_zero,
            only: global.only.iter().map(|&s| s.into()).collect(),
            catalog,
            expect: global.expect.clone(),
            findings: global.finding.clone(),
            spider: global.spider.clone(),
            history: global.history.clone(),
        }
    }

    /// Whether an item of this severity is shown (`--only`).
    pub fn shows(&self, severity: Severity) -> bool {
        self.only.is_empty() || self.only.contains(&severity)
    }

    /// The built-in catalog with the user's on top, ready for matching. It lives as long
    /// as the process (a command makes one): freeing its thousands of texts on the way
    /// out was 7% of a short run's instructions, for memory the exit gives back anyway.
    pub fn matcher(&self) -> Result<&'static Matcher> {
        let mut catalog = Catalog::load(self.catalog.as_deref())?;
        catalog.apply_policy(&self.expect, &self.findings)?;
        catalog.spider = self.spider.clone();
        let matcher = Box::leak(Box::new(Matcher::new(catalog)));
        // A name that is no outcome may be a custom reason, so it is taken as written; but
        // it may as well be a typo that would leave a limit at WARNING unnoticed.
        let rules = matcher.catalog().rules().iter().filter_map(|view| {
            view.expectations
                .as_ref()
                .map(|e| (format!("{}: spider `{}`: ", e.place, e.pattern), &e.expect))
        });
        for (whose, reasons) in
            std::iter::once(("--expect: ".to_string(), &self.expect)).chain(rules)
        {
            for reason in reasons {
                let found = matcher.find(reason);
                // A family by its own name (`closespider_*`) is known too.
                if found.how.is_by_name() || matcher.catalog().by_name(reason.trim()).is_some() {
                    continue;
                }
                let hint = match found.suggestion {
                    Some(i) => format!(" (did you mean `{}`?)", matcher.catalog().entries[i].name),
                    None => String::new(),
                };
                crate::render::warn(
                    self.err,
                    &format!(
                        "{whose}no outcome is called `{reason}`{hint}; it counts as OK only where a crawl closed with exactly that custom reason"
                    ),
                );
            }
        }
        Ok(matcher)
    }

    /// The run's status: an input error outranks the verdict; input that held nothing but
    /// malformed records, or any malformed record under --strict, is 65; --exit-zero hides
    /// the verdict (never an error).
    pub fn final_status(&self, tally: &Tally, input_failure: Option<ExitStatus>) -> ExitStatus {
        self.final_status_as(tally, input_failure, tally.worst())
    }

    /// `final_status` with the verdict given (a summary's thresholds decide it), errors
    /// and `--exit-zero` applied as ever.
    pub fn final_status_as(
        &self,
        tally: &Tally,
        input_failure: Option<ExitStatus>,
        verdict: Option<Severity>,
    ) -> ExitStatus {
        if let Some(status) = input_failure {
            return status;
        }
        let only_malformed = tally.malformed > 0 && tally.read() == 0;
        if only_malformed || (self.strict && tally.malformed > 0) {
            return ExitStatus::DataError;
        }
        if self.exit_zero {
            return ExitStatus::Ok;
        }
        ExitStatus::from_severity(verdict.unwrap_or(Severity::Unknown))
    }
}

/// The file a Scrapy project keeps its expectations in, beside its `scrapy.cfg`.
pub const PROJECT_FILE: &str = "outcome.json";

/// `outcome.json` beside the `scrapy.cfg` of the project the current directory is in:
/// the nearest `scrapy.cfg` from here up, as `scrapy` finds its own project. None where
/// there is no project, or the project has no such file.
fn project_file() -> Option<PathBuf> {
    let here = std::env::current_dir().ok()?;
    let project = here
        .ancestors()
        .find(|dir| dir.join("scrapy.cfg").is_file())?;
    let file = project.join(PROJECT_FILE);
    file.is_file().then_some(file)
}
