//! `outcome summary`: many jobs in, counts per outcome out, worst first.

use std::collections::HashMap;
use std::io::Write;

use super::reading::{self, read_sources};
use super::recording::Recorder;
use crate::catalog::{Catalog, Fallback};
use crate::cli::{ByField, Summary};
use crate::config::Config;
use crate::exit::{Error, ExitStatus, Result};
use crate::history::{History, Judged, Key, Run};
use crate::input::emit::{Event, Out, Render};
use crate::output::Sink;
use crate::reason::How;
use crate::render::{self, Format};
use crate::report::Report;
use crate::summary::Group;
use crate::thresholds::{Measured, Thresholds};

const NO_INPUT: &str = "no input: pipe job JSON, JSON Lines or Scrapy logs into `outcome summary`, or name files with -i FILE (see --help)";

pub fn run(config: &Config, sink: &mut Sink, args: &Summary) -> Result<ExitStatus> {
    let matcher = config.matcher()?;
    let catalog = matcher.catalog();
    // Jobs are kept only where an output shows them: all for JSON, the first few for a
    // human table, none for TSV or Nagios lines.
    let keys = match config.format {
        Format::Json => Some(None),
        Format::Human if args.keys > 0 => Some(Some(args.keys)),
        _ => None,
    };
    // Prometheus metrics are per spider whatever `--by` says.
    let by_spider = args.by == Some(ByField::Spider) || config.format == Format::Prometheus;
    let since = match &args.since {
        Some(when) => Some(
            crate::since::parse(when, crate::since::now_ms())
                .map_err(|what| Error::usage(format!("--since: {what}")))?,
        ),
        None => None,
    };
    let recorder = Recorder::open(config, catalog);
    let counting = Counting {
        catalog,
        by_spider,
        keys,
        since,
        recorder: recorder.as_ref(),
    };
    let mut counter = counting.chunk();
    let mut failure = None;
    read_sources(
        &args.inputs,
        &args.scrapyd,
        NO_INPUT,
        matcher,
        &counting,
        |chunks| {
            for out in chunks {
                match out {
                    Out::Chunk(chunk) => {
                        counter.absorb(chunk);
                        for problem in counter.problems.drain(..) {
                            render::warn(config.err, &problem);
                        }
                    }
                    Out::Idle => {}
                    Out::Failed(error) => reading::said(config, &mut failure, error),
                }
            }
            Ok(())
        },
    )?;
    if let (Some(when), true) = (&args.since, counter.older > 0) {
        let counted = counter.all.tally.total();
        let read = counted + counter.older + counter.untimed;
        render::warn(
            config.err,
            &if counted == 0 {
                format!(
                    "--since {when}: {read} job{} read, none since {when}",
                    crate::text::plural(read)
                )
            } else {
                format!(
                    "--since {when}: {} older job{} left out",
                    counter.older,
                    crate::text::plural(counter.older)
                )
            },
        );
    }
    if counter.untimed > 0 {
        render::warn(
            config.err,
            &format!(
                "--since: {} job{} without a time left out",
                counter.untimed,
                crate::text::plural(counter.untimed)
            ),
        );
    }
    // Each spider against its own past, now that every run is in; with a store, its
    // runs before this input too.
    if let Some(recorder) = &recorder {
        for spider in counter.history.spiders() {
            for run in recorder.runs_of(&spider, crate::history::RUNS_CAP) {
                counter.history.add_stored(
                    &spider,
                    run.time_ms,
                    run.key.as_deref(),
                    run.items,
                    run.seconds,
                );
            }
        }
        recorder.finish();
    }
    let flagged = counter.history.judge(catalog);
    let last_runs = counter.history.last_runs(&flagged);
    for flag in &flagged {
        let key = counter.keys.map(|_| flag.key.as_str());
        counter
            .all
            .add_findings(&[(flag.check, flag.severity)], key);
        if let Some(group) = counter
            .by_spider
            .as_mut()
            .and_then(|g| g.get_mut(&flag.spider))
        {
            group.add_findings(&[(flag.check, flag.severity)], key);
        }
    }
    // A run its history flags is counted at the worse of the two verdicts, under the
    // history check as its cause: the headline and the status then tell one story.
    let mut raised: Vec<&crate::history::Flagged> = Vec::new();
    for flag in &flagged {
        match raised
            .iter_mut()
            .find(|f| f.key == flag.key && f.spider == flag.spider)
        {
            Some(worst) if flag.severity > worst.severity => *worst = flag,
            Some(_) => {}
            None => raised.push(flag),
        }
    }
    for flag in raised {
        let id = catalog.checks[flag.check].id.as_str();
        let key = counter.keys.map(|_| flag.key.as_str());
        counter.all.regrade(&flag.judged, flag.severity, id, key);
        if let Some(group) = counter
            .by_spider
            .as_mut()
            .and_then(|g| g.get_mut(&flag.spider))
        {
            group.regrade(&flag.judged, flag.severity, id, key);
        }
    }
    let history_worst = flagged.iter().map(|f| f.severity).max();
    let thresholds = Thresholds {
        warning: args.warning.clone(),
        critical: args.critical.clone(),
    };
    // With thresholds, they decide the verdict, in every format.
    // Without them, the worst job's verdict, or what its history says of a run.
    let verdict = if thresholds.is_set() {
        Some(thresholds.judge(Measured::of(&counter.all.tally)))
    } else {
        counter.all.worst().max(history_worst)
    };
    let status = config.final_status_as(
        &counter.all.tally,
        failure.as_ref().map(|e| e.status),
        verdict,
    );
    if status.is_error() && config.format == Format::Nagios {
        // A check that could not be made: one UNKNOWN line, whatever went wrong.
        let message = match &failure {
            Some(error) => error.message.clone(),
            None => format!(
                "{} malformed record{} in the input",
                counter.all.tally.malformed,
                crate::text::plural(counter.all.tally.malformed)
            ),
        };
        return Err(Error::new(status, message).already_reported());
    }
    if !config.quiet {
        let mut spiders: Vec<(&str, &Group)> = match &counter.by_spider {
            Some(groups) => groups.iter().map(|(k, g)| (k.as_str(), g)).collect(),
            None => Vec::new(),
        };
        spiders.sort_by(|a, b| a.0.cmp(b.0));
        let view = render::summary::View {
            only: &config.only,
            keys: args.keys,
            findings: args.findings,
            thresholds: &thresholds,
            verdict: verdict.unwrap_or(crate::severity::Severity::Unknown),
            history: &flagged,
            last_runs: &last_runs,
            since: args.since.as_deref().map(|when| (when, counter.older)),
        };
        render::summary::render(
            &mut *sink,
            config.format,
            config.out,
            catalog,
            view,
            &counter.all,
            &spiders,
        )
        .and_then(|()| sink.flush())
        .map_err(|err| Error::output(&err))?;
    }
    Ok(status)
}

/// The counts of a run, whole or for one chunk of a stream.
pub struct Counter<'c> {
    catalog: &'c Catalog,
    /// Whether to keep the jobs behind each row, and how many (`Some(None)`: all).
    keys: Option<Option<usize>>,
    all: Group,
    by_spider: Option<HashMap<String, Group>>,
    problems: Vec<String>,
    /// Finished runs with a spider and a time, for comparing each with its spider's past.
    history: History,
    /// `--since`, in milliseconds since the epoch: older jobs are not counted.
    since: Option<f64>,
    /// Jobs left out by `--since` for having no time at all.
    untimed: u64,
    /// Jobs left out by `--since` for being older.
    older: u64,
    /// `--history`: every run read is kept in the store.
    recorder: Option<&'c Recorder>,
}

impl<'c> Counter<'c> {
    fn new(catalog: &'c Catalog, by_spider: bool, keys: Option<Option<usize>>) -> Self {
        Counter {
            catalog,
            keys,
            all: Group::keeping(keys.flatten()),
            by_spider: by_spider.then(HashMap::new),
            problems: Vec::new(),
            history: History::default(),
            since: None,
            untimed: 0,
            older: 0,
            recorder: None,
        }
    }

    fn spider_group(&mut self, spider: Option<&str>) -> Option<&mut Group> {
        let groups = self.by_spider.as_mut()?;
        let spider = spider.unwrap_or("-");
        if !groups.contains_key(spider) {
            groups.insert(spider.to_string(), Group::keeping(self.keys.flatten()));
        }
        groups.get_mut(spider)
    }
}

/// How `summary` renders what it reads: into counts, each chunk a `Counter`.
struct Counting<'c> {
    catalog: &'c Catalog,
    by_spider: bool,
    keys: Option<Option<usize>>,
    since: Option<f64>,
    recorder: Option<&'c Recorder>,
}

impl<'c> Render for Counting<'c> {
    type Chunk = Counter<'c>;

    fn chunk(&self) -> Counter<'c> {
        let mut counter = Counter::new(self.catalog, self.by_spider, self.keys);
        counter.since = self.since;
        counter.recorder = self.recorder;
        counter
    }

    fn render(&self, counter: &mut Counter<'c>, event: Event<'_>) {
        if let Event::Malformed { source, line, .. } = event {
            counter.malformed(source, line);
        }
        match event {
            Event::Report(report) => counter.report(report),
            problem => counter.problems.extend(problem.said()),
        }
    }

    /// Counts grow with the spiders and outcomes seen, not with the input: the number of
    /// chunks in flight bounds them.
    fn weight(&self, _: &Counter<'c>) -> usize {
        0
    }

    /// A summary counts verdicts: a record's other facts are not read.
    fn detail(&self) -> bool {
        false
    }
}

impl Counter<'_> {
    fn report(&mut self, mut report: Report<'_>) {
        if let Some(recorder) = self.recorder {
            recorder.keep_only(&mut report);
        }
        let entry = report.found.entry;
        let catalog = self.catalog;
        let outcome = report
            .outcome(catalog)
            .unwrap_or(&catalog.entries[entry].name);
        let spider = report.job.as_ref().and_then(|j| j.spider.as_deref());
        let time = report.job.as_deref().and_then(crate::job::Job::time);
        // What a one-line status names: the finding that raised the verdict, else the
        // outcome.
        let cause = report
            .deciding()
            .map_or(outcome, |f| catalog.checks[f.check].id.as_str());
        if let Some(since) = self.since {
            match time {
                Some(time) if time >= since => {}
                Some(_) => {
                    self.older += 1;
                    return;
                }
                None => {
                    self.untimed += 1;
                    return;
                }
            }
        }
        if let (Some(job), Some(spider)) = (report.job.as_deref(), spider) {
            let judged = !matches!(
                report.found.how,
                How::NotFinished | How::Empty | How::NeverClosed | How::FailedToStart
            );
            if let (Some(time), true) = (time, judged) {
                self.history.add(
                    spider,
                    Run {
                        time,
                        items: job.items(),
                        seconds: job.run_seconds(),
                        key: match job.key.as_deref() {
                            Some(key) => Key::new(key),
                            None => Key::new(&job_name(&report)),
                        },
                        judged: Judged {
                            severity: report.severity,
                            outcome: outcome.to_string(),
                            entry,
                            cause: cause.to_string(),
                        },
                        stored: false,
                    },
                );
            }
        }
        let key = self.keys.map(|_| job_name(&report));
        let key = key.as_deref();
        self.all.add(outcome, report.severity, entry, key);
        self.all.add_cause(cause, report.severity);
        let findings: Vec<(usize, crate::severity::Severity)> = report
            .findings
            .iter()
            .map(|f| (f.check, f.severity))
            .collect();
        self.all.add_findings(&findings, key);
        if let Some(group) = self.spider_group(spider) {
            group.add(outcome, report.severity, entry, key);
            group.add_cause(cause, report.severity);
            group.add_findings(&findings, key);
        }
    }

    /// A record that could not be read, counted (what it says is the caller's).
    fn malformed(&mut self, source: &str, line: u64) {
        let entry = self.catalog.index_of(Fallback::Malformed);
        let name = Fallback::Malformed.name();
        let key = self.keys.map(|_| format!("{source}:{line}"));
        self.all.add_malformed(name, entry, key.as_deref());
        self.all.add_cause(name, crate::severity::Severity::Unknown);
        if let Some(group) = self.spider_group(None) {
            group.add_malformed(name, entry, key.as_deref());
            group.add_cause(name, crate::severity::Severity::Unknown);
        }
    }
}

impl Counter<'_> {
    /// Adds the counts of a chunk read after this one.
    fn absorb(&mut self, later: Self) {
        self.all.merge(later.all);
        if let (Some(mine), Some(theirs)) = (&mut self.by_spider, later.by_spider) {
            for (spider, group) in theirs {
                let keep = self.keys.flatten();
                mine.entry(spider)
                    .or_insert_with(|| Group::keeping(keep))
                    .merge(group);
            }
        }
        self.problems.extend(later.problems);
        self.history.merge(later.history);
        self.untimed += later.untimed;
        self.older += later.older;
    }
}

/// A job's key, or where it was read when it has none (`file:line`).
fn job_name(report: &Report<'_>) -> String {
    if let Some(key) = report.job.as_ref().and_then(|j| j.key.as_deref()) {
        return key.to_string();
    }
    match &report.location {
        Some(location) => format!("{}:{}", location.source, location.line),
        None => report.input.as_deref().unwrap_or("-").to_string(),
    }
}
