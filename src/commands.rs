//! The subcommands: each turns parsed arguments into output and a verdict.

use std::borrow::Cow;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::catalog::{Catalog, Kind, Severity};
use crate::cli::{self, Cli, Command, Global};
use crate::exit::{fail, ExitStatus, Failure};
use crate::input::{self, Consumer, ReadError, Records};
use crate::output::Sink;
use crate::render::color::{self, Palette};
use crate::render::{self, Format, Tally, Verdicts};
use crate::report::Report;

pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    // We decide about colour ourselves, per stream; see render::color.
    colored::control::set_override(true);
    let global = &cli.global;
    match &cli.command {
        Command::Explain(args) => explain(global, args),
        Command::List(args) => list(global, args),
        Command::Summary(args) => crate::summary::run(global, args),
        Command::Completions(args) => completions(args),
    }
}

pub fn stdout_palette(global: &Global, sink: &Sink) -> Palette {
    Palette {
        on: color::decide(global.color, sink.terminal),
    }
}

pub fn stderr_palette(global: &Global) -> Palette {
    Palette {
        on: color::decide(global.color, io::stderr().is_terminal()),
    }
}

/// A one-line message on stderr; a failure to write it is not worth failing over.
pub fn warn(palette: Palette, message: &str) {
    let _ = writeln!(io::stderr(), "{}: {message}", palette.error("outcome"));
}

fn output_failed(err: io::Error) -> anyhow::Error {
    Failure::new(
        ExitStatus::IoError,
        format!("error writing output: {}", crate::io_reason(&err)),
    )
    .into()
}

pub fn no_format(format: Format, command: &str) -> anyhow::Result<()> {
    if format == Format::Nagios {
        return fail(
            ExitStatus::Usage,
            format!("--format nagios works with `outcome summary` only, not `{command}`"),
        );
    }
    Ok(())
}

/// Where reading comes from: the files given, or stdin; stdin must not be a terminal.
pub fn sources(inputs: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let sources = if inputs.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        inputs.to_vec()
    };
    if sources.iter().any(|p| p == Path::new("-")) && io::stdin().is_terminal() {
        return fail(
            ExitStatus::NoInput,
            "no input: give a REASON, or pipe job JSON, JSON Lines, close reasons or a Scrapy log to stdin (see --help)",
        );
    }
    Ok(sources)
}

/// Reads every source into `consumer`; a source that fails is reported and the others
/// are still read. Returns the worst input failure's status.
pub fn read_all<C: Consumer>(
    sources: &[PathBuf],
    catalog: &Catalog,
    consumer: &mut C,
    errors: Palette,
) -> anyhow::Result<Option<ExitStatus>> {
    let mut failed = None;
    for path in sources {
        if consumer.stopped() {
            break;
        }
        match input::read_path(path, catalog, consumer) {
            Ok(()) => {}
            Err(ReadError::Output(err)) => return Err(output_failed(err)),
            Err(ReadError::Failure(failure)) => {
                warn(errors, &failure.message);
                failed = Some(failure.status);
            }
        }
    }
    Ok(failed)
}

/// The final status: an input error outranks the verdict; input that held nothing but
/// malformed records, or any malformed record under --strict, is 65; --exit-zero hides the
/// verdict (never an error).
pub fn final_status(
    global: &Global,
    worst: Option<Severity>,
    input_failure: Option<ExitStatus>,
    tally: &Tally,
) -> ExitStatus {
    if let Some(status) = input_failure {
        return status;
    }
    let only_malformed = tally.malformed > 0 && tally.total() == tally.malformed;
    if only_malformed || (global.strict && tally.malformed > 0) {
        return ExitStatus::DataError;
    }
    if global.exit_zero {
        return ExitStatus::Ok;
    }
    ExitStatus::from_severity(worst.unwrap_or(Severity::Unknown))
}

struct Explainer<'c> {
    sink: Sink,
    catalog: &'c Catalog,
    format: Format,
    palette: Palette,
    errors: Palette,
    quiet: bool,
    verdicts: Verdicts,
    /// Human output of a stream holds back its first report: one report is a card, more
    /// are one line each.
    first: Option<Report<'static>>,
    cards: bool,
}

impl Explainer<'_> {
    fn human(&mut self, report: &Report) -> io::Result<()> {
        let (palette, catalog) = (self.palette, self.catalog);
        if self.cards {
            if self.verdicts.tally.total() > 1 {
                writeln!(self.sink)?;
            }
            return render::card(&mut self.sink, palette, catalog, report);
        }
        match self.verdicts.tally.total() {
            1 => {
                self.first = Some(report.clone().into_owned());
                Ok(())
            }
            2 => {
                if let Some(first) = self.first.take() {
                    render::stream_line(&mut self.sink, palette, catalog, &first)?;
                }
                render::stream_line(&mut self.sink, palette, catalog, report)
            }
            _ => render::stream_line(&mut self.sink, palette, catalog, report),
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.quiet || self.format != Format::Human || self.cards {
            return self.sink.flush();
        }
        if let Some(first) = self.first.take() {
            render::card(&mut self.sink, self.palette, self.catalog, &first)?;
        } else if self.verdicts.tally.total() > 1 {
            render::closing_count(&mut self.sink, self.palette, &self.verdicts.tally)?;
        }
        self.sink.flush()
    }
}

impl Records for Explainer<'_> {
    fn report(&mut self, report: Report<'_>) -> io::Result<()> {
        self.verdicts.add(report.severity);
        if self.quiet {
            return Ok(());
        }
        match self.format {
            Format::Human => self.human(&report)?,
            format => render::machine(&mut self.sink, format, self.catalog, &report)?,
        }
        self.sink.record_done()
    }

    fn malformed(&mut self, source: &str, line: u64, what: &str) {
        self.verdicts.add_malformed();
        let _ = self.sink.flush();
        warn(self.errors, &malformed_message(source, line, what));
    }

    fn stopped(&self) -> bool {
        self.sink.is_closed()
    }

    fn detail(&self) -> bool {
        !self.quiet && self.format != Format::Line
    }
}

impl<'c> Consumer for Explainer<'c> {
    type Part = ExplainPart<'c>;

    fn idle(&mut self) -> io::Result<()> {
        self.sink.flush()
    }

    fn part(&self) -> ExplainPart<'c> {
        ExplainPart {
            out: Vec::with_capacity(if self.quiet { 0 } else { 16 * 1024 }),
            catalog: self.catalog,
            format: self.format,
            palette: self.palette,
            quiet: self.quiet,
            verdicts: Verdicts::default(),
            problems: Vec::new(),
            first: None,
        }
    }

    fn join(&mut self, part: ExplainPart<'c>) -> io::Result<()> {
        let before = self.verdicts.tally.total();
        self.verdicts.merge(&part.verdicts);
        if self.quiet {
            return self.report_problems(&part.problems);
        }
        let human_stream = self.format == Format::Human && !self.cards;
        if human_stream && before == 0 && part.verdicts.tally.total() == 1 && part.first.is_some() {
            // Perhaps the only record: it may become a card, so hold it back.
            self.first = part.first;
        } else {
            if human_stream && before == 1 {
                if let Some(first) = self.first.take() {
                    render::stream_line(&mut self.sink, self.palette, self.catalog, &first)?;
                }
            }
            self.sink.write_all(&part.out)?;
        }
        self.report_problems(&part.problems)?;
        self.sink.record_done()
    }
}

impl Explainer<'_> {
    fn report_problems(&mut self, problems: &[String]) -> io::Result<()> {
        if !problems.is_empty() {
            self.sink.flush()?;
            for problem in problems {
                warn(self.errors, problem);
            }
        }
        Ok(())
    }
}

pub fn malformed_message(source: &str, line: u64, what: &str) -> String {
    format!(
        "{}: line {line}: {}",
        render::safe::safe(source),
        render::safe::safe(what)
    )
}

/// A chunk of a stream explained on a worker thread: output rendered into memory.
pub struct ExplainPart<'c> {
    out: Vec<u8>,
    catalog: &'c Catalog,
    format: Format,
    palette: Palette,
    quiet: bool,
    verdicts: Verdicts,
    problems: Vec<String>,
    first: Option<Report<'static>>,
}

impl Records for ExplainPart<'_> {
    fn report(&mut self, report: Report<'_>) -> io::Result<()> {
        self.verdicts.add(report.severity);
        if self.quiet {
            return Ok(());
        }
        match self.format {
            Format::Human => {
                if self.verdicts.tally.total() == 1 {
                    self.first = Some(report.clone().into_owned());
                }
                render::stream_line(&mut self.out, self.palette, self.catalog, &report)
            }
            format => render::machine(&mut self.out, format, self.catalog, &report),
        }
    }

    fn malformed(&mut self, source: &str, line: u64, what: &str) {
        self.verdicts.add_malformed();
        self.problems.push(malformed_message(source, line, what));
    }

    fn detail(&self) -> bool {
        !self.quiet && self.format != Format::Line
    }
}

fn explain(global: &Global, args: &cli::Explain) -> anyhow::Result<ExitStatus> {
    no_format(global.format, "explain")?;
    let catalog = Catalog::load(global.catalog.as_deref())?;
    let sink = Sink::stdout();
    let errors = stderr_palette(global);
    let mut explainer = Explainer {
        palette: stdout_palette(global, &sink),
        sink,
        catalog: &catalog,
        format: global.format,
        errors,
        quiet: global.quiet,
        verdicts: Verdicts::default(),
        first: None,
        cards: false,
    };
    let reasons: Vec<&String> = args.reasons.iter().filter(|r| r.as_str() != "-").collect();
    // `-` among the reasons reads stdin too, after them.
    let reads_stdin = reasons.len() < args.reasons.len() || reasons.is_empty();
    let mut input_failure = None;
    explainer.cards = !reads_stdin;
    for reason in reasons {
        if explainer.stopped() {
            break;
        }
        let report = Report::for_reason(&catalog, Cow::Borrowed(reason.as_str()));
        explainer.report(report).map_err(output_failed)?;
    }
    if reads_stdin {
        let sources = sources(&args.inputs)?;
        input_failure = read_all(&sources, &catalog, &mut explainer, errors)?;
        if explainer.verdicts.tally.total() == 0 && input_failure.is_none() {
            warn(
                errors,
                "nothing to explain: the input holds no reasons, job records or log lines",
            );
        }
    }
    explainer.finish().map_err(output_failed)?;
    Ok(final_status(
        global,
        explainer.verdicts.worst,
        input_failure,
        &explainer.verdicts.tally,
    ))
}

fn list(global: &Global, args: &cli::List) -> anyhow::Result<ExitStatus> {
    no_format(global.format, "list")?;
    let catalog = Catalog::load(global.catalog.as_deref())?;
    let mut sink = Sink::stdout();
    let palette = stdout_palette(global, &sink);
    let wanted: Vec<Severity> = args.severity.iter().map(|&s| s.into()).collect();
    let entries = catalog
        .outcomes()
        .filter(|(entry, _)| wanted.is_empty() || wanted.contains(&entry.severity));
    if !global.quiet {
        let width = catalog
            .outcomes()
            .map(|(e, _)| e.name.len())
            .max()
            .unwrap_or(0);
        for (entry, kind) in entries {
            if sink.is_closed() {
                break;
            }
            match global.format {
                Format::Json => render::entry_json(&mut sink, entry, kind),
                Format::Line => writeln!(
                    sink,
                    "{}\t{}\t{}\t{}",
                    render::safe::safe(&entry.name),
                    entry.severity,
                    render::safe::safe(&entry.title),
                    render::safe::safe(entry.origin.as_str())
                ),
                _ => {
                    let origin = match &entry.origin {
                        crate::catalog::Origin::Builtin => String::new(),
                        user => palette.dim(&format!("  [{}]", render::safe::safe(user.as_str()))),
                    };
                    let family = if kind == Kind::Family {
                        "  (family)"
                    } else {
                        ""
                    };
                    let pad = " ".repeat(8 - entry.severity.label().len());
                    writeln!(
                        sink,
                        "{:<width$}  {}{pad}  {}{family}{origin}",
                        palette.strong(&render::safe::safe(&entry.name)),
                        palette.badge(entry.severity),
                        render::safe::safe(&entry.title),
                        width = width + if palette.on { 8 } else { 0 },
                    )
                }
            }
            .map_err(output_failed)?;
        }
    }
    sink.flush().map_err(output_failed)?;
    Ok(ExitStatus::Ok)
}

fn completions(args: &cli::Completions) -> anyhow::Result<ExitStatus> {
    if let Some(dir) = &args.dir {
        use clap::ValueEnum;
        for shell in clap_complete::Shell::value_variants() {
            clap_complete::generate_to(*shell, &mut cli::command(), "outcome", dir).map_err(
                |err| {
                    Failure::new(
                        ExitStatus::IoError,
                        format!("{}: {}", dir.display(), crate::io_reason(&err)),
                    )
                },
            )?;
        }
        return Ok(ExitStatus::Ok);
    }
    let mut sink = Sink::stdout();
    if let Some(shell) = args.shell {
        clap_complete::generate(shell, &mut cli::command(), "outcome", &mut sink);
    }
    sink.flush().map_err(output_failed)?;
    Ok(ExitStatus::Ok)
}
