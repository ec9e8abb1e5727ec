//! `outcome explain`: reasons from the command line, or records from inputs, each judged
//! and rendered as it arrives.

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::Mutex;

use super::reading::{self, is_existing_path, read_sources, refuse_summary_formats};
use super::recording::Recorder;
use crate::catalog::Catalog;
use crate::cli;
use crate::config::Config;
use crate::exit::{Error, ExitStatus, Result};
use crate::input::emit::{Chunks, Event, Out, Render};
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
    let explain = Explain {
        config,
        catalog: matcher.catalog(),
        history: history.as_ref(),
        detail,
        cards: !reads_stdin,
        spare: Mutex::new(Vec::new()),
    };
    let mut shown = Shown {
        sink,
        explain: &explain,
        tally: Tally::default(),
        lines: human::CardOrLines::new(detail),
        cards_shown: 0,
        failed: None,
    };
    let reports = reasons
        .iter()
        .map(|reason| judge::reason(matcher, Cow::Borrowed(reason.as_str())));
    shown.take_reports(reports)?;
    if args.follow {
        shown.take_reports(follow_log(&args.inputs, args.pid, matcher, config)?)?;
    } else if reads_stdin || reads_scrapyd {
        read_sources(
            &args.inputs,
            &args.scrapyd,
            NO_INPUT,
            matcher,
            &explain,
            |chunks| shown.take_all(chunks),
        )?;
        if shown.tally.total() == 0 && shown.failed.is_none() {
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
    shown.finish().map_err(|err| Error::output(&err))?;
    if let Some(history) = &history {
        history.finish();
    }
    Ok(config.final_status(&shown.tally, shown.failed.map(|e| e.status)))
}

/// `--follow -i FILE`: reads the log as it is written until the run it follows has closed
/// (the run open when the follow reached the file's end, else the next to start), or
/// until SIGINT or SIGTERM, or until the process `pid` is gone and the file has stopped
/// growing; then judges that run (its answers, shown like any others).
fn follow_log(
    inputs: &[std::path::PathBuf],
    pid: Option<u32>,
    matcher: &Matcher,
    config: &Config,
) -> Result<Vec<Report<'static>>> {
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
            config.err,
            &format!("{name}: no such file yet; waiting for it (Ctrl-C to stop)"),
        );
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, stop.clone())
            .map_err(|err| Error::internal(format!("cannot handle signals: {err}")))?;
    }
    let err = config.err;
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
    Ok(reports)
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

/// How `explain` renders what it reads (the one render function, on whichever thread
/// read it): each report compared with its spider's history, counted, and rendered as a
/// card, a line of a stream, a JSON object or a TSV row.
struct Explain<'a> {
    config: &'a Config,
    catalog: &'a Catalog,
    /// `--history`: each crawl compared with its spider's earlier runs, then kept.
    history: Option<&'a Recorder>,
    detail: human::Detail,
    /// Reasons from the command line: each gets a card, however many.
    cards: bool,
    /// Output buffers of chunks already shown, for the next chunks: a fresh buffer a
    /// chunk would have the allocator take memory from the OS and give it back.
    spare: Mutex<Vec<Vec<u8>>>,
}

/// At most this many spare buffers are kept (more than the chunks ever in flight).
const SPARE_BUFFERS: usize = 16;

/// Output rendered, not shown yet.
struct Rendered {
    out: Vec<u8>,
    tally: Tally,
    /// Reports shown (`--quiet` and `--only` leave some out).
    shown: u64,
    /// Cards rendered into `out`, each after a blank line but the first.
    cards: u64,
    /// A human stream: the chunk's first report, kept whole (not in `out`) in case it is
    /// the stream's only one, which gets a card.
    first: Option<Report<'static>>,
    problems: Vec<String>,
}

impl Render for Explain<'_> {
    type Chunk = Rendered;

    fn chunk(&self) -> Rendered {
        let spare = self.spare.lock().ok().and_then(|mut spare| spare.pop());
        Rendered {
            out: spare.unwrap_or_default(),
            tally: Tally::default(),
            shown: 0,
            cards: 0,
            first: None,
            problems: Vec::new(),
        }
    }

    fn render(&self, chunk: &mut Rendered, event: Event<'_>) {
        let (config, catalog) = (self.config, self.catalog);
        let mut report = match event {
            Event::Report(report) => report,
            problem => {
                if let Event::Malformed { .. } = problem {
                    chunk.tally.add_malformed();
                }
                chunk.problems.extend(problem.said());
                return;
            }
        };
        if let Some(history) = self.history {
            history.judge(catalog, &mut report);
        }
        chunk.tally.add(report.severity);
        if config.quiet || !config.shows(report.severity) {
            return;
        }
        chunk.shown += 1;
        let out = &mut chunk.out;
        // Writing into memory cannot fail.
        let _ = match config.format {
            Format::Human if self.cards => {
                if chunk.cards > 0 {
                    out.push(b'\n');
                }
                chunk.cards += 1;
                human::card(out, config.out, catalog, &report, self.detail)
            }
            Format::Human if chunk.first.is_none() => {
                chunk.first = Some(report.into_owned());
                Ok(())
            }
            Format::Human => human::stream_line(out, config.out, catalog, &report),
            format => render::machine(out, format, catalog, &report),
        };
    }

    /// The output it rendered.
    fn weight(&self, chunk: &Rendered) -> usize {
        chunk.out.len()
    }

    fn detail(&self) -> bool {
        !self.config.quiet && self.config.format != Format::Line
    }
}

/// What `explain` has shown: chunks taken in input order and written out, their counts
/// added up, their problems and the sources that failed said in their places.
struct Shown<'a> {
    sink: &'a mut Sink,
    explain: &'a Explain<'a>,
    tally: Tally,
    lines: human::CardOrLines,
    cards_shown: u64,
    /// The first source that could not be read: it decides the status.
    failed: Option<Error>,
}

impl Shown<'_> {
    /// Takes everything a read gives, until its end or until the output closes.
    fn take_all(&mut self, chunks: Chunks<'_, Rendered>) -> Result<()> {
        for out in chunks {
            self.take(out).map_err(|err| Error::output(&err))?;
            if self.sink.is_closed() {
                break;
            }
        }
        Ok(())
    }

    fn take(&mut self, out: Out<Rendered>) -> io::Result<()> {
        let config = self.explain.config;
        match out {
            Out::Chunk(chunk) => self.show(chunk),
            Out::Idle => self.sink.flush(),
            Out::Failed(error) => {
                self.sink.flush()?;
                reading::said(config, &mut self.failed, error);
                Ok(())
            }
        }
    }

    /// Reports judged on this thread (reasons given as arguments, a followed log's runs).
    fn take_reports<'r>(&mut self, reports: impl IntoIterator<Item = Report<'r>>) -> Result<()> {
        for report in reports {
            if self.sink.is_closed() {
                break;
            }
            let mut chunk = self.explain.chunk();
            self.explain.render(&mut chunk, Event::Report(report));
            self.show(chunk).map_err(|err| Error::output(&err))?;
        }
        Ok(())
    }

    fn show(&mut self, mut chunk: Rendered) -> io::Result<()> {
        let (config, catalog) = (self.explain.config, self.explain.catalog);
        self.tally.merge(&chunk.tally);
        match config.format {
            Format::Human if self.explain.cards => {
                if self.cards_shown > 0 && chunk.cards > 0 {
                    writeln!(self.sink)?;
                }
                self.cards_shown += chunk.cards;
                self.sink.write_all(&chunk.out)?;
            }
            Format::Human => self.lines.join(
                &mut *self.sink,
                config.out,
                catalog,
                chunk.first.take(),
                chunk.shown.saturating_sub(1),
                &chunk.out,
            )?,
            _ => self.sink.write_all(&chunk.out)?,
        }
        if !chunk.problems.is_empty() {
            self.sink.flush()?;
            for problem in &chunk.problems {
                render::warn(config.err, problem);
            }
        }
        if let Ok(mut spare) = self.explain.spare.lock() {
            if spare.len() < SPARE_BUFFERS {
                chunk.out.clear();
                spare.push(chunk.out);
            }
        }
        self.sink.record_done()
    }

    fn finish(&mut self) -> io::Result<()> {
        let config = self.explain.config;
        let human_stream = !config.quiet && config.format == Format::Human && !self.explain.cards;
        if human_stream {
            self.lines.finish(
                &mut *self.sink,
                config.out,
                self.explain.catalog,
                &self.tally,
            )?;
        }
        self.sink.flush()
    }
}
