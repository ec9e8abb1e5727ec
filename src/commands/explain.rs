//! `outcome explain`: reasons from the command line, or records from inputs, each judged
//! and rendered as it arrives.

use std::borrow::Cow;
use std::io::{self, Write};

use super::reading::{is_existing_path, read_sources, refuse_summary_formats};
use super::recording::Recorder;
use crate::catalog::Catalog;
use crate::cli;
use crate::config::Config;
use crate::exit::{Error, ExitStatus, Result};
use crate::input::{Consumer, Part, Records};
use crate::judge;
use crate::output::Sink;
use crate::reason::{How, Matcher};
use crate::render::{self, human, Format};
use crate::report::Report;
use crate::severity::Tally;

const NO_INPUT: &str = "no input: give a REASON, or pipe job JSON, JSON Lines, close reasons or a Scrapy log to stdin, or name a file with -i FILE (see --help)";

pub fn run(config: &Config, sink: &mut Sink, args: &cli::Explain) -> Result<ExitStatus> {
    refuse_summary_formats(config, "explain")?;
    let matcher = config.matcher()?;
    let reasons: Vec<&String> = args.reasons.iter().filter(|r| r.as_str() != "-").collect();
    // `-` among the reasons reads stdin too, after them.
    let reads_stdin = reasons.len() < args.reasons.len() || reasons.is_empty();
    let reads_scrapyd = args.scrapyd.scrapyd.is_some();
    for reason in &reasons {
        refuse_file_name(matcher, reason)?;
    }
    let detail = if args.brief {
        human::Detail::Brief
    } else {
        human::Detail::Full
    };
    let history = Recorder::open(config, matcher.catalog());
    let mut explainer = Explainer {
        sink,
        config,
        history: history.as_ref(),
        catalog: matcher.catalog(),
        tally: Tally::default(),
        lines: human::CardOrLines::new(detail),
        detail,
        cards: !reads_stdin,
        cards_shown: 0,
        spare: Vec::new(),
    };
    for reason in reasons {
        if explainer.stopped() {
            break;
        }
        let report = judge::reason(matcher, Cow::Borrowed(reason.as_str()));
        explainer
            .report(report)
            .map_err(|err| Error::output(&err))?;
    }
    let mut input_failure = None;
    if args.follow {
        follow_log(&args.inputs, args.pid, matcher, &mut explainer)?;
    } else if reads_stdin || reads_scrapyd {
        input_failure = read_sources(
            &args.inputs,
            &args.scrapyd,
            NO_INPUT,
            matcher,
            &mut explainer,
            config,
        )?;
        if explainer.tally.total() == 0 && input_failure.is_none() {
            let what = match (
                &args.scrapyd.project,
                reads_scrapyd && args.inputs.is_empty(),
            ) {
                (Some(project), true) => format!("Scrapyd lists no jobs of project `{project}`"),
                (None, true) => "Scrapyd lists no jobs".to_string(),
                _ => "the input holds no reasons, job records or log lines".to_string(),
            };
            render::warn(config.err, &format!("nothing to explain: {what}"));
        }
    }
    explainer.finish().map_err(|err| Error::output(&err))?;
    if let Some(history) = &history {
        history.finish();
    }
    Ok(config.final_status(&explainer.tally, input_failure.map(|e| e.status)))
}

/// `--follow -i FILE`: reads the log as it is written until the run it follows has closed
/// (the run open when the follow reached the file's end, else the next to start), or
/// until SIGINT or SIGTERM, or until the process `pid` is gone and the file has stopped
/// growing; then explains that run.
fn follow_log(
    inputs: &[std::path::PathBuf],
    pid: Option<u32>,
    matcher: &Matcher,
    explainer: &mut Explainer,
) -> Result<()> {
    use crate::input::follow::Stop;
    let [path] = inputs else {
        return Err(Error::usage("--follow reads one log: give it as -i FILE"));
    };
    if path.as_os_str() == "-" || path.is_dir() {
        return Err(Error::usage(
            "--follow reads one log file, not stdin or a directory",
        ));
    }
    let name = crate::input::display_name(path);
    let existed = path.exists();
    if !existed {
        // A crawl that has not started yet; or a typo, which the user should see.
        render::warn(
            explainer.config.err,
            &format!("{name}: no such file yet; waiting for it (Ctrl-C to stop)"),
        );
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, stop.clone())
            .map_err(|err| Error::internal(format!("cannot handle signals: {err}")))?;
    }
    let err = explainer.config.err;
    // The run followed, by its number in the file; chosen once the file's end is reached.
    let mut target: Option<u64> = None;
    let scan = crate::input::follow::follow(path, crate::input::follow::Start::beginning(), &mut |log, at_end| {
        if stop.load(std::sync::atomic::Ordering::SeqCst) {
            return Stop::Now;
        }
        if target.is_none() && at_end {
            let number = log.run_number();
            let closed = log.all_closed();
            let chosen = if closed { number + 1 } else { number };
            target = Some(chosen);
            let what = match (closed, log.run_begun()) {
                (true, _) => format!(
                    "{name}: the runs in it have closed; waiting for the next run to start (Ctrl-C to stop)"
                ),
                (false, true) => format!(
                    "{name}: following the run that starts at line {} until it closes",
                    log.run_line()
                ),
                (false, false) => {
                    format!("{name}: waiting for a run to start (Ctrl-C to stop)")
                }
            };
            render::warn(err, &what);
        }
        let Some(target) = target else {
            return Stop::No;
        };
        if log.run_number() >= target && log.all_closed() {
            return Stop::Now;
        }
        if pid.is_some_and(|pid| !process_alive(pid)) {
            // The writer is gone: what it wrote is all there will be.
            return Stop::WhenDrained;
        }
        Stop::No
    })
    .map_err(|err| Error::no_input(format!("{name}: {}", crate::exit::io_reason(&err))))?;
    if !existed && !path.exists() {
        return Err(Error::no_input(format!(
            "{name}: the file never appeared before the follow was stopped"
        )));
    }
    let mut log = scan.log;
    log.answer_from(target.unwrap_or(1));
    let mut reports = judge::crawls(matcher, log.finish(), &name);
    if reports.is_empty() {
        // Stopped before the run had a line: still one answer.
        let mut report = judge::nothing(matcher);
        report.location = Some(crate::report::Location {
            source: Cow::Owned(name.clone()),
            line: 1,
        });
        reports.push(report);
    }
    for report in reports {
        explainer
            .report(report)
            .map_err(|err| Error::output(&err))?;
    }
    Ok(())
}

/// Whether process `pid` still exists (a zombie counts: it has not been reaped yet).
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 sends nothing; it only checks that the process exists.
    let sent = unsafe { libc::kill(pid, 0) };
    sent == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// `outcome explain crawl.log` most likely forgot the `-i`: say so rather than explain a
/// file name as a custom close reason. A reason the catalog knows is a reason, whatever
/// files the current directory holds.
fn refuse_file_name(matcher: &Matcher, reason: &str) -> Result<()> {
    let unknown = matches!(matcher.find(reason).how, How::Custom | How::Suggestion);
    if unknown && is_existing_path(reason) {
        return Err(Error::usage(format!(
            "`{reason}` is a file, not a close reason; to read it: outcome explain -i {reason}"
        )));
    }
    Ok(())
}

struct Explainer<'a> {
    sink: &'a mut Sink,
    config: &'a Config,
    catalog: &'a Catalog,
    tally: Tally,
    /// `--history`: each crawl compared with its spider's earlier runs, then kept.
    history: Option<&'a Recorder>,
    lines: human::CardOrLines,
    detail: human::Detail,
    /// Reasons from the command line: each gets a card, however many.
    cards: bool,
    cards_shown: u64,
    /// Output buffers of joined parts, for the next parts: a fresh buffer a part would
    /// have the allocator take memory from the OS and give it back, part after part.
    spare: Vec<Vec<u8>>,
}

/// At most this many spare buffers are kept (more than the parts ever in flight).
const SPARE_BUFFERS: usize = 16;

impl Explainer<'_> {
    fn finish(&mut self) -> io::Result<()> {
        let human_stream = !self.config.quiet && self.config.format == Format::Human && !self.cards;
        if human_stream {
            self.lines
                .finish(&mut *self.sink, self.config.out, self.catalog, &self.tally)?;
        }
        self.sink.flush()
    }

    fn report_problems(&mut self, problems: &[String]) -> io::Result<()> {
        if !problems.is_empty() {
            self.sink.flush()?;
            for problem in problems {
                render::warn(self.config.err, problem);
            }
        }
        Ok(())
    }
}

/// What explaining one report means wherever it is rendered (on the reading thread or a
/// worker's): compared with its spider's history, counted, and handed back to be shown
/// unless `--quiet` or `--only` hide it.
fn judged<'r>(
    config: &Config,
    catalog: &Catalog,
    history: Option<&Recorder>,
    tally: &mut Tally,
    mut report: Report<'r>,
) -> Option<Report<'r>> {
    if let Some(history) = history {
        history.judge(catalog, &mut report);
    }
    tally.add(report.severity);
    (!config.quiet && config.shows(report.severity)).then_some(report)
}

/// A report as a line of a stream (human), a JSON object or a TSV row: every report a
/// worker renders, and those of the reading thread that are not cards.
fn render_line(
    out: &mut impl Write,
    config: &Config,
    catalog: &Catalog,
    report: &Report,
) -> io::Result<()> {
    match config.format {
        Format::Human => human::stream_line(out, config.out, catalog, report),
        format => render::machine(out, format, catalog, report),
    }
}

fn malformed_message(source: &str, line: u64, what: &str) -> String {
    format!("{source}: line {line}: {what}")
}

impl Records for Explainer<'_> {
    fn report(&mut self, report: Report<'_>) -> io::Result<()> {
        let (config, catalog) = (self.config, self.catalog);
        let Some(report) = judged(config, catalog, self.history, &mut self.tally, report) else {
            return Ok(());
        };
        match config.format {
            Format::Human if self.cards => {
                if self.cards_shown > 0 {
                    writeln!(self.sink)?;
                }
                self.cards_shown += 1;
                human::card(&mut *self.sink, config.out, catalog, &report, self.detail)?;
            }
            Format::Human => self
                .lines
                .report(&mut *self.sink, config.out, catalog, &report)?,
            _ => render_line(&mut *self.sink, config, catalog, &report)?,
        }
        self.sink.record_done()
    }

    fn malformed(&mut self, source: &str, line: u64, what: &str) {
        self.tally.add_malformed();
        let _ = self.sink.flush();
        render::warn(self.config.err, &malformed_message(source, line, what));
    }

    fn skipped(&mut self, source: &str, what: &str) {
        let _ = self.sink.flush();
        render::warn(self.config.err, &format!("{source}: {what}; skipped"));
    }

    fn stopped(&self) -> bool {
        self.sink.is_closed()
    }

    fn detail(&self) -> bool {
        !self.config.quiet && self.config.format != Format::Line
    }
}

impl<'a> Consumer for Explainer<'a> {
    type Part = ExplainPart<'a>;

    fn idle(&mut self) -> io::Result<()> {
        self.sink.flush()
    }

    fn part(&mut self) -> ExplainPart<'a> {
        let mut part = ExplainPart::new(self.catalog, self.config, self.history);
        match self.spare.pop() {
            Some(out) => part.out = out,
            None => part
                .out
                .reserve(if self.config.quiet { 0 } else { 16 * 1024 }),
        }
        part
    }

    fn join(&mut self, mut part: ExplainPart<'a>) -> io::Result<()> {
        self.tally.merge(&part.tally);
        if !self.config.quiet {
            if self.config.format == Format::Human {
                let (palette, catalog) = (self.config.out, self.catalog);
                self.lines.join(
                    &mut *self.sink,
                    palette,
                    catalog,
                    part.shown,
                    part.first,
                    &part.out,
                )?;
            } else {
                self.sink.write_all(&part.out)?;
            }
        }
        self.report_problems(&part.problems)?;
        if self.spare.len() < SPARE_BUFFERS {
            part.out.clear();
            self.spare.push(std::mem::take(&mut part.out));
        }
        self.sink.record_done()
    }
}

/// A chunk of a stream explained on a worker thread: output rendered into memory.
pub struct ExplainPart<'a> {
    out: Vec<u8>,
    catalog: &'a Catalog,
    config: &'a Config,
    history: Option<&'a Recorder>,
    tally: Tally,
    /// Reports rendered into `out` (`--only` may leave some out).
    shown: u64,
    problems: Vec<String>,
    /// Human output: the chunk's first report, in case it is the stream's only one.
    first: Option<Report<'static>>,
}

impl<'a> ExplainPart<'a> {
    fn new(
        catalog: &'a Catalog,
        config: &'a Config,
        history: Option<&'a Recorder>,
    ) -> ExplainPart<'a> {
        ExplainPart {
            out: Vec::new(),
            catalog,
            config,
            history,
            tally: Tally::default(),
            shown: 0,
            problems: Vec::new(),
            first: None,
        }
    }
}

impl Part for ExplainPart<'_> {
    fn blank(&self) -> Self {
        ExplainPart::new(self.catalog, self.config, self.history)
    }

    fn absorb(&mut self, later: Self) {
        self.out.extend_from_slice(&later.out);
        self.tally.merge(&later.tally);
        if self.shown == 0 {
            self.first = later.first;
        }
        self.shown += later.shown;
        self.problems.extend(later.problems);
    }
}

impl Records for ExplainPart<'_> {
    fn report(&mut self, report: Report<'_>) -> io::Result<()> {
        let (config, catalog) = (self.config, self.catalog);
        let Some(report) = judged(config, catalog, self.history, &mut self.tally, report) else {
            return Ok(());
        };
        self.shown += 1;
        if config.format == Format::Human && self.shown == 1 {
            // In case it is the stream's only report, which gets a card.
            self.first = Some(report.clone().into_owned());
        }
        render_line(&mut self.out, config, catalog, &report)
    }

    fn malformed(&mut self, source: &str, line: u64, what: &str) {
        self.tally.add_malformed();
        self.problems.push(malformed_message(source, line, what));
    }

    fn skipped(&mut self, source: &str, what: &str) {
        self.problems.push(format!("{source}: {what}; skipped"));
    }

    fn detail(&self) -> bool {
        !self.config.quiet && self.config.format != Format::Line
    }
}
