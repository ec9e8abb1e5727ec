//! What reading inputs means for every command that reads them: where input comes from,
//! what happens when one source fails, and which formats a command refuses.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::exit::{Error, Result};
use crate::input::walk::{walk, Found};
use crate::input::{self, Consumer, ReadError};
use crate::reason::Matcher;
use crate::render;

/// `--format nagios` is for `outcome summary`.
pub fn refuse_summary_formats(config: &Config, command: &str) -> Result<()> {
    for (format, name) in [
        (render::Format::Nagios, "nagios"),
        (render::Format::Prometheus, "prometheus"),
    ] {
        if config.format == format {
            return Err(Error::usage(format!(
                "--format {name} works with `outcome summary` only, not `outcome {command}`"
            )));
        }
    }
    Ok(())
}

/// Where reading comes from: the files given, or stdin. When stdin is all there is and it
/// is a terminal, nothing would ever come: `no_input` says what to do instead.
pub fn sources(inputs: &[PathBuf], no_input: &str) -> Result<Vec<PathBuf>> {
    if inputs.is_empty() {
        if io::stdin().is_terminal() {
            return Err(Error::no_input(no_input));
        }
        return Ok(vec![PathBuf::from("-")]);
    }
    Ok(inputs.to_vec())
}

/// Every source the command line names, in order: the files (or stdin, unless
/// `--scrapyd` is the only source), then Scrapyd's jobs. The first failure is returned
/// for the status; each is said on stderr where it happens, and the rest is still read.
pub fn read_sources<C: Consumer>(
    inputs: &[PathBuf],
    scrapyd: &crate::cli::ScrapydArgs,
    no_input: &str,
    matcher: &Matcher,
    consumer: &mut C,
    config: &Config,
) -> Result<Option<Error>> {
    let server = match &scrapyd.scrapyd {
        Some(url) => Some(input::scrapyd::Server::new(url, scrapyd.user.as_deref())?),
        None => None,
    };
    let mut failed = None;
    if server.is_none() || !inputs.is_empty() {
        failed = read_all(&sources(inputs, no_input)?, matcher, consumer, config)?;
    }
    if let Some(server) = server {
        match input::scrapyd::read_scrapyd(&server, scrapyd.project.as_deref(), matcher, consumer) {
            Ok(()) => {}
            Err(ReadError::Output(err)) => return Err(Error::output(&err)),
            Err(ReadError::Input(error)) => {
                render::warn(config.err, &error.message);
                failed.get_or_insert(error);
            }
        }
    }
    Ok(failed)
}

/// Files at most this large are read on worker threads, several at once, and joined back
/// in input order; larger ones (and stdin) are read in place, where a long stream is
/// parallel by itself.
const SMALL_FILE: u64 = 1024 * 1024;
/// Small files go to a worker together, up to so many or so many bytes: one hand-over per
/// file would cost more than reading it.
const BATCH_FILES: usize = 64;
const BATCH_BYTES: u64 = 1024 * 1024;

/// Reads every source into `consumer` (a directory: every file below it, sorted); a source
/// that fails is reported where it stands in the order and the others are still read.
/// Returns the first failure, which decides the status.
pub fn read_all<C: Consumer>(
    sources: &[PathBuf],
    matcher: &Matcher,
    consumer: &mut C,
    config: &Config,
) -> Result<Option<Error>> {
    let workers = input::stream::workers();
    // With one core, or one source that is not a directory, there is nothing to share.
    let single = sources.len() == 1 && !is_directory(&sources[0]);
    if workers < 2 || single {
        return read_in_place(sources, matcher, consumer, config);
    }
    let read_batch = |work: Work<C::Part>| {
        Item::Read(
            work.files
                .into_iter()
                .map(|(path, len, part)| {
                    let mut file = input::FileConsumer { part };
                    let result = input::read_path(&path, len, matcher, &mut file);
                    (file.part, result)
                })
                .collect(),
        )
    };
    input::ordered::with_pool(workers, read_batch, |ordered| {
        let mut pool = Pool {
            ordered,
            keep: 2 * workers,
            failed: None,
            batch: Vec::new(),
            batch_bytes: 0,
        };
        let result = pool
            .read(sources, matcher, consumer, config)
            .and_then(|()| pool.send_batch(consumer, config));
        // Whatever happened, what was read is joined.
        let drained = pool.drain(consumer, config, 0);
        result.and(drained).map(|()| pool.failed)
    })
}

struct Work<P> {
    /// Each file, the length the walk found it with, and the part it is read into.
    files: Vec<(PathBuf, Option<u64>, P)>,
}

enum Item<P> {
    /// Each file of a batch, in order: its part and how reading it ended.
    Read(Vec<(P, std::result::Result<(), ReadError>)>),
    /// Something the walk reported (a loop, an unreadable entry), in its place.
    Problem(Error),
}

struct Pool<'o, P> {
    ordered: &'o mut input::ordered::Ordered<Work<P>, Item<P>>,
    keep: usize,
    failed: Option<Error>,
    /// Small files not sent yet, and their size.
    batch: Vec<(PathBuf, Option<u64>, P)>,
    batch_bytes: u64,
}

impl<P: input::Part> Pool<'_, P> {
    fn read<C: Consumer<Part = P>>(
        &mut self,
        sources: &[PathBuf],
        matcher: &Matcher,
        consumer: &mut C,
        config: &Config,
    ) -> Result<()> {
        for path in sources {
            if consumer.stopped() {
                break;
            }
            if is_directory(path) {
                let mut visit = |found: Found<'_>| -> Result<bool> {
                    match found {
                        Found::File(file, len) => {
                            self.file(file, Some(len), matcher, consumer, config)?
                        }
                        Found::Problem(error) => {
                            self.queue(Item::Problem(error), consumer, config)?
                        }
                    }
                    Ok(!consumer.stopped())
                };
                walk(path, &mut visit)?;
            } else {
                self.file(path, None, matcher, consumer, config)?;
            }
        }
        Ok(())
    }

    /// `found_len`: the length a directory walk found the file with.
    fn file<C: Consumer<Part = P>>(
        &mut self,
        path: &Path,
        found_len: Option<u64>,
        matcher: &Matcher,
        consumer: &mut C,
        config: &Config,
    ) -> Result<()> {
        let size = found_len
            .or_else(|| {
                std::fs::metadata(path)
                    .ok()
                    .filter(|m| m.is_file() && path != Path::new("-"))
                    .map(|m| m.len())
            })
            .filter(|&len| len <= SMALL_FILE);
        let Some(size) = size else {
            // In its place: everything before it first.
            self.send_batch(consumer, config)?;
            self.drain(consumer, config, 0)?;
            return read_one(path, found_len, matcher, consumer, config, &mut self.failed);
        };
        let part = match self.batch.first() {
            Some((_, _, first)) => first.blank(),
            None => consumer.part(),
        };
        self.batch.push((path.to_path_buf(), found_len, part));
        self.batch_bytes = self.batch_bytes.saturating_add(size);
        if self.batch.len() >= BATCH_FILES || self.batch_bytes >= BATCH_BYTES {
            self.send_batch(consumer, config)?;
        }
        Ok(())
    }

    /// Hands the small files gathered so far to a worker.
    fn send_batch<C: Consumer<Part = P>>(
        &mut self,
        consumer: &mut C,
        config: &Config,
    ) -> Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let work = Work {
            files: std::mem::take(&mut self.batch),
        };
        self.batch_bytes = 0;
        if !self.ordered.send(work) {
            return Err(Error::internal("the file readers stopped"));
        }
        self.drain(consumer, config, self.keep)
    }

    fn queue<C: Consumer<Part = P>>(
        &mut self,
        item: Item<P>,
        consumer: &mut C,
        config: &Config,
    ) -> Result<()> {
        self.send_batch(consumer, config)?;
        self.ordered.ready(item);
        self.drain(consumer, config, self.keep)
    }

    /// Joins what is done, in input order, waiting while more than `keep` are out.
    fn drain<C: Consumer<Part = P>>(
        &mut self,
        consumer: &mut C,
        config: &Config,
        keep: usize,
    ) -> Result<()> {
        let failed = &mut self.failed;
        self.ordered
            .drain(keep, |item| join(item, consumer, config, failed))
    }
}

/// A batch read on a worker, or a problem the walk met, in its place.
fn join<P, C: Consumer<Part = P>>(
    item: Item<P>,
    consumer: &mut C,
    config: &Config,
    failed: &mut Option<Error>,
) -> Result<()> {
    match item {
        Item::Problem(error) => {
            render::warn(config.err, &error.message);
            failed.get_or_insert(error);
            Ok(())
        }
        Item::Read(files) => {
            for (part, result) in files {
                // What a file gave before any failure is output first, as in place.
                consumer.join(part).map_err(|err| Error::output(&err))?;
                match result {
                    Ok(()) => {}
                    Err(ReadError::Output(err)) => return Err(Error::output(&err)),
                    Err(ReadError::Input(error)) => {
                        render::warn(config.err, &error.message);
                        failed.get_or_insert(error);
                    }
                }
            }
            Ok(())
        }
    }
}

fn is_directory(path: &Path) -> bool {
    path != Path::new("-") && std::fs::metadata(path).is_ok_and(|m| m.is_dir())
}

/// Every source in turn, on this thread.
fn read_in_place<C: Consumer>(
    sources: &[PathBuf],
    matcher: &Matcher,
    consumer: &mut C,
    config: &Config,
) -> Result<Option<Error>> {
    let mut failed = None;
    for path in sources {
        if consumer.stopped() {
            break;
        }
        if is_directory(path) {
            let mut visit = |found: Found<'_>| -> Result<bool> {
                match found {
                    Found::File(file, len) => {
                        read_one(file, Some(len), matcher, consumer, config, &mut failed)?
                    }
                    Found::Problem(error) => {
                        render::warn(config.err, &error.message);
                        failed.get_or_insert(error);
                    }
                }
                Ok(!consumer.stopped())
            };
            walk(path, &mut visit)?;
        } else {
            read_one(path, None, matcher, consumer, config, &mut failed)?;
        }
    }
    Ok(failed)
}

fn read_one<C: Consumer>(
    path: &Path,
    found_len: Option<u64>,
    matcher: &Matcher,
    consumer: &mut C,
    config: &Config,
    failed: &mut Option<Error>,
) -> Result<()> {
    match input::read_path(path, found_len, matcher, consumer) {
        Ok(()) => Ok(()),
        Err(ReadError::Output(err)) => Err(Error::output(&err)),
        Err(ReadError::Input(error)) => {
            render::warn(config.err, &error.message);
            failed.get_or_insert(error);
            Ok(())
        }
    }
}

/// An argument that names an existing file, for the `-i` hint.
pub fn is_existing_path(text: &str) -> bool {
    !text.is_empty() && Path::new(text).symlink_metadata().is_ok()
}
