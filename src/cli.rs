//! The command line, as clap derive definitions.

use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, Parser, Subcommand};

use crate::catalog::Severity;
use crate::render::color::ColorChoice;
use crate::render::Format;

const EXAMPLES: &str = "\
Examples:
  outcome explain memusage_exceeded
  outcome explain 'killed by oom' banned --format line
  outcome explain -i job.json --format json | jq .severity
  outcome explain < jobs.jl                   (job JSON, JSON Lines, reasons or a log)
  outcome explain -i crawl.log                (a Scrapy log, from scrapy crawl or Scrapyd)
  outcome summary -i jobs.jl --format nagios
  outcome list --severity critical";

#[derive(Debug, Parser)]
#[command(
    name = "outcome",
    version,
    about = "Explain Scrapy and Scrapy Cloud job outcomes: what happened, how bad it is, what to do next.",
    after_help = after_help(),
    disable_help_subcommand = true,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub global: Global,
}

fn after_help() -> String {
    format!("{EXAMPLES}\n\n{}", crate::exit::TABLE)
}

#[derive(Debug, Args)]
pub struct Global {
    /// Output format
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Exit 0 whatever the verdict, as long as the explanation itself succeeded
    #[arg(long, global = true)]
    pub exit_zero: bool,

    /// Print nothing on stdout; the exit status is the answer (errors still go to stderr)
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// End with status 65 if any record in the input was malformed
    #[arg(long, global = true)]
    pub strict: bool,

    /// A user catalog (JSON, same format as the built-in one) that adds or overrides entries
    #[arg(long, global = true, env = "OUTCOME_CATALOG", value_name = "FILE")]
    pub catalog: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Explain close reasons, job records or Scrapy logs
    #[command(after_help = EXAMPLES)]
    Explain(Explain),
    /// Show the whole catalog of known outcomes
    List(List),
    /// Aggregate many jobs into counts per outcome
    Summary(Summary),
    /// Print a shell completion script
    Completions(Completions),
}

#[derive(Debug, Args)]
pub struct Explain {
    /// Close reasons to explain; none, or `-`, reads from stdin
    #[arg(value_name = "REASON", value_parser = ReasonParser, hide_possible_values = true)]
    pub reasons: Vec<String>,

    /// Read job JSON, JSON Lines, bare reasons or a Scrapy log from FILE (`-` = stdin)
    #[arg(short, long = "input", value_name = "FILE", conflicts_with = "reasons")]
    pub inputs: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct List {
    /// Show only entries of these severities
    #[arg(long, value_enum, value_delimiter = ',', value_name = "SEVERITY")]
    pub severity: Vec<SeverityArg>,
}

#[derive(Debug, Args)]
pub struct Summary {
    /// Read jobs from FILE (`-` = stdin); with none, stdin
    #[arg(short, long = "input", value_name = "FILE")]
    pub inputs: Vec<PathBuf>,

    /// Break the counts down by this field
    #[arg(long, value_enum, value_name = "FIELD")]
    pub by: Option<ByField>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ByField {
    Spider,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["shell", "dir"])))]
pub struct Completions {
    /// The shell to print a script for
    #[arg(value_enum)]
    pub shell: Option<clap_complete::Shell>,

    /// Write the scripts for every shell into DIR instead, under their usual file names
    #[arg(long, value_name = "DIR", conflicts_with = "shell")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SeverityArg {
    Ok,
    Warning,
    Critical,
    Unknown,
}

impl From<SeverityArg> for Severity {
    fn from(arg: SeverityArg) -> Severity {
        match arg {
            SeverityArg::Ok => Severity::Ok,
            SeverityArg::Warning => Severity::Warning,
            SeverityArg::Critical => Severity::Critical,
            SeverityArg::Unknown => Severity::Unknown,
        }
    }
}

/// Accepts any reason (unknown ones are explained as custom) but offers the catalog's
/// names to shell completion. Names are offered with separators as `_` so that no shell
/// splits `killed by oom`; matching ignores separators, so they are recognised.
#[derive(Debug, Clone)]
struct ReasonParser;

impl TypedValueParser for ReasonParser {
    type Value = String;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        // A reason that is not UTF-8 cannot be in any catalog; keep it, visibly replaced.
        Ok(value.to_string_lossy().into_owned())
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let names = crate::catalog::Catalog::builtin()
            .map(|catalog| {
                catalog
                    .outcomes()
                    .filter(|(_, kind)| *kind == crate::catalog::Kind::Outcome)
                    .map(|(entry, _)| completion_name(&entry.name))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        Some(Box::new(names.into_iter().map(PossibleValue::new)))
    }
}

fn completion_name(name: &str) -> String {
    crate::reason::normalize(name).replace(' ', "_")
}

pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}
