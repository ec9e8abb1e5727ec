//! The command line, as clap derive definitions.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, Parser, Subcommand};

/// The explain examples, shared by `outcome --help` and `outcome explain --help`.
macro_rules! explain_examples {
    () => {
        concat!(
            "  outcome explain memusage_exceeded\n",
            "  outcome explain 'killed by oom' banned --format line\n",
            "  outcome explain -i job.json --format json | jq .severity\n",
            "  outcome explain < jobs.jl                   (job JSON, JSON Lines, reasons or a log)\n",
            "  outcome explain -i crawl.log                (a Scrapy log, from scrapy crawl or Scrapyd)",
        )
    };
}

const EXPLAIN_EXAMPLES: &str = concat!("Examples:\n", explain_examples!());

const SUMMARY_EXAMPLES: &str = "\
Formats: human, json, line, nagios (one Monitoring Plugins status line; any error is one
`OUTCOME UNKNOWN - ...` line and status 3) and prometheus (textfile-collector metrics).
With -w or -c the status comes from the thresholds, in every format: -w measures the jobs
at WARNING or worse, -c the CRITICAL ones.

Examples:
  outcome summary -i jobs.jl
  outcome summary -i jobs.jl --by spider --format line
  outcome summary -i jobs.jl --format nagios -w 5% -c 10
  outcome summary -i logs/ --format prometheus > /var/lib/node_exporter/outcome.prom";

const EXAMPLES: &str = concat!(
    "Examples:\n",
    explain_examples!(),
    "
  outcome run -- scrapy crawl books           (exit with the crawl's verdict)
  outcome summary -i jobs.jl --format nagios -w 5% -c 1
  outcome list --severity critical"
);

#[derive(Debug, Parser)]
#[command(
    name = "outcome",
    version,
    about = "Explain Scrapy and Scrapy Cloud job outcomes: what happened, how bad it is, what to do next.",
    after_help = after_help(),
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub before: Before,
}

/// The options the spec calls global, also taken before the command
/// (`outcome -q explain x`, `outcome --format json summary`), as scripts written for
/// them do. Shown in `outcome --help` only; given after the command too, that one wins.
#[derive(Debug, Args)]
pub struct Before {
    /// Output format for any command: human, json, line; summary also nagios, prometheus
    /// (after the command, its own --format wins)
    #[arg(long, value_enum, value_name = "FORMAT", hide_possible_values = true)]
    pub format: Option<SummaryFormatArg>,

    /// When to use colour, for any command
    #[arg(long, value_enum, value_name = "WHEN")]
    pub color: Option<ColorArg>,

    /// Exit 0 whatever the verdict, for any command
    #[arg(long)]
    pub exit_zero: bool,

    /// Print nothing on stdout, for any command
    #[arg(short, long)]
    pub quiet: bool,

    /// A user catalog, for any command
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
}

fn after_help() -> String {
    format!("{EXAMPLES}\n\n{}", crate::exit::TABLE)
}

/// Every option that shapes how a command runs, whichever command took it: what a
/// command does not offer keeps its default. Resolved once into `Config`.
#[derive(Debug, Clone, Default)]
pub struct Global {
    pub format: crate::render::Format,
    pub color: ColorArg,
    pub exit_zero: bool,
    pub quiet: bool,
    pub only: Vec<SeverityArg>,
    pub strict: bool,
    pub expect: Vec<String>,
    pub finding: Vec<(String, Option<crate::severity::Severity>)>,
    pub catalog: Option<PathBuf>,
    pub spider: Option<String>,
    pub history: Option<PathBuf>,
}

impl Cli {
    pub fn global(&self) -> Global {
        let before = &self.before;
        let mut global = Global {
            format: before.format.map(Into::into).unwrap_or_default(),
            color: before.color.unwrap_or_default(),
            exit_zero: before.exit_zero,
            quiet: before.quiet,
            catalog: before.catalog.clone(),
            ..Global::default()
        };
        match &self.command {
            Command::Explain(a) => {
                a.shown.apply(&mut global);
                a.judging.apply(&mut global);
                a.catalog.apply(&mut global);
            }
            Command::Run(a) => {
                a.shown.apply(&mut global);
                a.judging.apply(&mut global);
                a.catalog.apply(&mut global);
            }
            Command::Summary(a) => {
                if let Some(format) = a.format {
                    global.format = format.into();
                }
                a.screen.apply(&mut global);
                a.judging.apply(&mut global);
                a.catalog.apply(&mut global);
            }
            Command::List(a) => {
                a.shown.apply(&mut global);
                a.catalog.apply(&mut global);
            }
            Command::Completions(a) => global.quiet |= a.quiet,
        }
        global
    }
}

/// How the answer is written: taken by every command but `completions` (summary has its
/// own `--format`, with two more formats, and the same `Screen`).
#[derive(Debug, Args)]
pub struct Shown {
    /// Output format [default: human]
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,

    #[command(flatten)]
    pub screen: Screen,
}

impl Shown {
    fn apply(&self, global: &mut Global) {
        if let Some(format) = self.format {
            global.format = format.into();
        }
        self.screen.apply(global);
    }
}

/// Colour and quiet, for every command that writes an answer.
#[derive(Debug, Args)]
pub struct Screen {
    /// When to use colour (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto)
    /// [default: auto]
    #[arg(long, value_enum, value_name = "WHEN")]
    pub color: Option<ColorArg>,

    /// Print nothing on stdout; the exit status is the answer (errors still go to stderr)
    #[arg(short, long)]
    pub quiet: bool,
}

impl Screen {
    fn apply(&self, global: &mut Global) {
        global.color = self.color.unwrap_or(global.color);
        global.quiet |= self.quiet;
    }
}

/// How a verdict becomes the exit status: for the commands that judge jobs.
#[derive(Debug, Args)]
pub struct Judging {
    /// Exit 0 whatever the verdict, as long as the explanation itself succeeded
    #[arg(long)]
    pub exit_zero: bool,

    /// Show only items of these severities (the exit status still covers every item)
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "SEVERITY",
        ignore_case = true
    )]
    pub only: Vec<SeverityArg>,

    /// End with status 65 if any record in the input was malformed
    #[arg(long)]
    pub strict: bool,

    /// Outcomes that count as OK for this run (custom reasons too); findings still apply
    #[arg(long, value_delimiter = ',', value_name = "REASON")]
    pub expect: Vec<String>,

    /// The spider of an input that does not name one (a plain log, a bare reason), for the
    /// project file's spider rules
    #[arg(long, value_name = "NAME")]
    pub spider: Option<String>,

    /// Compare each crawl with its spider's earlier runs kept in this SQLite file, and
    /// keep it there [default: the project file's `history`]
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
}

impl Judging {
    fn apply(&self, global: &mut Global) {
        global.exit_zero |= self.exit_zero;
        global.only = self.only.clone();
        global.strict = self.strict;
        global.expect = self.expect.clone();
        global.spider = self.spider.clone();
        global.history = self.history.clone();
    }
}

/// Scrapyd as a source of jobs, for the commands that read jobs.
#[derive(Debug, Args)]
pub struct ScrapydArgs {
    /// Read the jobs of this Scrapyd (http://HOST:6800; user:password@ for basic auth):
    /// finished ones judged from their logs, running and pending ones reported as such
    #[arg(long, value_name = "URL")]
    pub scrapyd: Option<String>,

    /// With --scrapyd: only this project's jobs [default: every project]
    #[arg(long, value_name = "PROJECT", requires = "scrapyd")]
    pub project: Option<String>,

    /// With --scrapyd: HTTP basic auth, USER:PASSWORD (outranks the URL's)
    #[arg(long, value_name = "USER:PASSWORD", requires = "scrapyd")]
    pub user: Option<String>,
}

/// The catalog a command reads, and this run's changes to its checks.
#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// A finding's severity for this run: ID=ok|warning|critical|off (`outcome list --checks`)
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "ID=LEVEL",
        value_parser = parse_finding
    )]
    pub finding: Vec<(String, Option<crate::severity::Severity>)>,

    /// A user catalog (JSON, same format as the built-in one) that adds or overrides
    /// entries [default: $OUTCOME_CATALOG, when set and not empty]
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
}

impl CatalogArgs {
    fn apply(&self, global: &mut Global) {
        global.finding = self.finding.clone();
        if self.catalog.is_some() {
            global.catalog = self.catalog.clone();
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// Cards for people; one line per job for a stream
    Human,
    /// One JSON object per item (JSON Lines for several)
    Json,
    /// Tab-separated: job, outcome, severity, title
    Line,
    // Summary's formats: never offered here (help, completions), but accepted by the
    // parser so that the error can say where they belong.
    #[value(hide = true)]
    Nagios,
    #[value(hide = true)]
    Prometheus,
}

impl From<FormatArg> for crate::render::Format {
    fn from(arg: FormatArg) -> Self {
        use crate::render::Format;
        match arg {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
            FormatArg::Line => Format::Line,
            FormatArg::Nagios => Format::Nagios,
            FormatArg::Prometheus => Format::Prometheus,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SummaryFormatArg {
    /// A table, worst first
    Human,
    /// One JSON object
    Json,
    /// Tab-separated rows: outcome, severity, jobs, title
    Line,
    /// One Monitoring Plugins status line with perfdata
    Nagios,
    /// Prometheus textfile-collector metrics
    Prometheus,
}

impl From<SummaryFormatArg> for crate::render::Format {
    fn from(arg: SummaryFormatArg) -> Self {
        use crate::render::Format;
        match arg {
            SummaryFormatArg::Human => Format::Human,
            SummaryFormatArg::Json => Format::Json,
            SummaryFormatArg::Line => Format::Line,
            SummaryFormatArg::Nagios => Format::Nagios,
            SummaryFormatArg::Prometheus => Format::Prometheus,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorArg {
    #[default]
    Auto,
    Always,
    Never,
}

fn parse_range(text: &str) -> Result<crate::thresholds::Range, String> {
    crate::thresholds::Range::parse(text)
}

fn parse_finding(text: &str) -> Result<(String, Option<crate::severity::Severity>), String> {
    crate::checks::parse_override(text)
}

/// `outcome help REASON...` as `outcome explain REASON...`, the way `git help` takes a
/// topic: `help` followed by a word that is no subcommand (nor an option) is a reason to
/// explain. `help explain` and plain `help` stay clap's.
pub fn help_topic(args: &[OsString]) -> Option<Vec<OsString>> {
    if args.get(1).is_none_or(|word| word != "help") {
        return None;
    }
    let topic = args.get(2)?.to_string_lossy();
    if topic.starts_with('-') {
        return None;
    }
    let command = <Cli as clap::CommandFactory>::command();
    let is_command = command
        .get_subcommands()
        .any(|c| c.get_name() == topic || c.get_all_aliases().any(|a| a == topic))
        || topic == "help";
    if is_command {
        return None;
    }
    let mut rewritten = vec![args[0].clone(), OsString::from("explain")];
    rewritten.extend(args[2..].iter().cloned());
    Some(rewritten)
}

/// For a command line clap refused: `summary FILE` names a file where only options may
/// stand (summary reads `-i`); the hint says how to read it, as `explain FILE` does.
pub fn input_hint(args: &[OsString]) -> Option<String> {
    let words: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let at = words.iter().position(|w| w == "summary")?;
    let mut rest = words[at + 1..].iter().peekable();
    while let Some(word) = rest.next() {
        if word == "--" {
            break;
        }
        if matches!(word.as_str(), "-i" | "--input") {
            rest.next();
            continue;
        }
        if !word.starts_with('-') && std::path::Path::new(word).exists() {
            return Some(format!(
                "`{word}` is a file, and summary reads its inputs with -i: outcome summary -i {word}"
            ));
        }
    }
    None
}

/// Whether the words on the command line ask for nagios output, read without clap so that
/// even a command line clap refuses gets its error as a status line.
pub fn asks_for_nagios(args: &[OsString]) -> bool {
    let mut words = args.iter().map(|a| a.to_string_lossy());
    while let Some(word) = words.next() {
        if word == "--" {
            return false;
        }
        if word == "--format=nagios" {
            return true;
        }
        if word == "--format" && words.next().is_some_and(|v| v == "nagios") {
            return true;
        }
    }
    false
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Explain close reasons, job records or Scrapy logs
    #[command(after_help = EXPLAIN_EXAMPLES)]
    Explain(Explain),
    /// Show the whole catalog of known outcomes
    List(List),
    /// Aggregate many jobs into counts per outcome
    #[command(after_help = SUMMARY_EXAMPLES)]
    Summary(Summary),
    /// Run a crawl, pass its output through, and exit with its verdict
    #[command(after_help = RUN_EXAMPLES)]
    Run(Run),
    /// Print a shell completion script
    Completions(Completions),
}

const RUN_EXAMPLES: &str = "\
The command's stdout and stderr pass through unchanged; the Scrapy log is read from its
stderr as it flows (or from --log FILE, followed from its current end), and when the
command ends a short report goes to stderr and the exit status is the crawl's verdict.
A command that cannot be started is 66.

Examples:
  outcome run -- scrapy crawl books
  outcome run --report verdict.json --format json -- scrapy crawl books -o -:jsonlines > items.jl
  outcome run -- scrapy crawl books -s LOG_FILE=logs/books.log   (the LOG_FILE is followed)
  outcome run --log logs/books.log -- ./crawl.sh";

#[derive(Debug, Args)]
pub struct Run {
    /// Read the log from FILE (the crawl's LOG_FILE), followed from its current end,
    /// instead of from the command's stderr; without it, a `-s LOG_FILE=FILE` or
    /// `--logfile FILE` in the command is followed
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,

    /// Also write the report to FILE, in --format (the human report still goes to stderr
    /// unless -q)
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    #[command(flatten)]
    pub shown: Shown,

    #[command(flatten)]
    pub judging: Judging,

    #[command(flatten)]
    pub catalog: CatalogArgs,

    /// The command to run and its arguments, after `--`
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "COMMAND"
    )]
    pub command: Vec<OsString>,
}

#[derive(Debug, Args)]
pub struct Explain {
    /// Close reasons to explain; none, or `-`, reads from stdin
    #[arg(value_name = "REASON", value_parser = ReasonParser, hide_possible_values = true)]
    pub reasons: Vec<String>,

    /// Read job JSON, JSON Lines, bare reasons or Scrapy logs from FILE (`-` = stdin; a
    /// directory: every file below it, sorted; gzip is read as such)
    #[arg(short, long = "input", value_name = "FILE", num_args = 1.., conflicts_with = "reasons")]
    pub inputs: Vec<PathBuf>,

    /// Cards without the explanation and references: the verdict, the job's facts, the
    /// findings and the next steps
    #[arg(short, long)]
    pub brief: bool,

    /// Follow a log being written (one -i FILE): the run open in it now, else the next run
    /// to start (runs already closed in the file are history); print nothing until that
    /// run's crawls have closed, then the verdict; Ctrl-C gives what is known so far
    #[arg(long)]
    pub follow: bool,

    /// With --follow: the crawl's process; once it is gone and the log has stopped
    /// growing, the follow ends (a crawl killed before it closed is answered as such)
    #[arg(long, value_name = "PID", requires = "follow")]
    pub pid: Option<u32>,

    #[command(flatten)]
    pub scrapyd: ScrapydArgs,

    #[command(flatten)]
    pub shown: Shown,

    #[command(flatten)]
    pub judging: Judging,

    #[command(flatten)]
    pub catalog: CatalogArgs,
}

#[derive(Debug, Args)]
pub struct List {
    /// Show only entries of these severities (any case)
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "SEVERITY",
        ignore_case = true
    )]
    pub severity: Vec<SeverityArg>,

    /// Only the outcomes a Scrapy setting bears on (MEMUSAGE_LIMIT_MB, CLOSESPIDER_TIMEOUT;
    /// any case)
    #[arg(value_name = "SETTING", conflicts_with = "checks")]
    pub setting: Option<String>,

    /// Only the entries that mention WORD (any case) in their name, aliases, title,
    /// explanation, settings or next steps
    #[arg(long, value_name = "WORD", conflicts_with = "checks")]
    pub search: Option<String>,

    /// List the checks behind findings instead: id, thresholds, title
    #[arg(long, conflicts_with = "severity")]
    pub checks: bool,

    #[command(flatten)]
    pub shown: Shown,

    #[command(flatten)]
    pub catalog: CatalogArgs,
}

#[derive(Debug, Args)]
pub struct Summary {
    /// Read jobs or logs from FILE (`-` = stdin; a directory: every file below it, sorted;
    /// gzip is read as such); with none, stdin
    #[arg(short, long = "input", value_name = "FILE", num_args = 1..)]
    pub inputs: Vec<PathBuf>,

    #[command(flatten)]
    pub scrapyd: ScrapydArgs,

    /// Break the counts down by this field
    #[arg(long, value_enum, value_name = "FIELD")]
    pub by: Option<ByField>,

    /// How many job keys each row names in human output (JSON lists them all; 0: none)
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub keys: usize,

    /// With --format line: one row per finding (id, severity, jobs, title) instead of one
    /// per outcome; human and JSON output always show both
    #[arg(long)]
    pub findings: bool,

    /// WARNING when the jobs at WARNING or worse are outside RANGE (Monitoring Plugins
    /// syntax: 10, 10:, ~:10, 10:20, @10:20; a count, or with % a share of the jobs read)
    #[arg(short = 'w', long = "warning", value_name = "RANGE", value_parser = parse_range)]
    pub warning: Option<crate::thresholds::Range>,

    /// Count only jobs that finished (or ran) since WHEN: 90s, 30m, 24h, 7d, 2w back from
    /// now, or a UTC date (2026-11-30, 2026-11-30T06:00:00); jobs without a time are left out
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,

    /// CRITICAL when the CRITICAL jobs are outside RANGE (same syntax as -w)
    #[arg(short = 'c', long = "critical", value_name = "RANGE", value_parser = parse_range)]
    pub critical: Option<crate::thresholds::Range>,

    /// Output format [default: human]
    #[arg(long, value_enum)]
    pub format: Option<SummaryFormatArg>,

    #[command(flatten)]
    pub screen: Screen,

    #[command(flatten)]
    pub judging: Judging,

    #[command(flatten)]
    pub catalog: CatalogArgs,
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
    /// (DIR is created if missing)
    #[arg(long, value_name = "DIR", conflicts_with = "shell")]
    pub dir: Option<PathBuf>,

    /// Print nothing on stdout (with --dir the files are still written)
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SeverityArg {
    Ok,
    Warning,
    Critical,
    Unknown,
}

impl From<SeverityArg> for crate::severity::Severity {
    fn from(arg: SeverityArg) -> Self {
        use crate::severity::Severity;
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
        let names = reason_names().into_iter().map(|(name, _)| name);
        Some(Box::new(names.map(PossibleValue::new)))
    }
}

/// The built-in outcomes as completion offers them: each name, and its title.
pub fn reason_names() -> Vec<(String, String)> {
    crate::catalog::Catalog::builtin()
        .map(|catalog| {
            catalog
                .outcomes()
                .filter(|(_, kind)| *kind == crate::catalog::Kind::Outcome)
                .map(|(entry, _)| (completion_name(&entry.name), entry.title.to_string()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
}

fn completion_name(name: &str) -> String {
    crate::catalog::normalize(name).replace(' ', "_")
}

pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}
