//! What reading inputs means for every command that reads them: where input comes from,
//! what happens when one source fails, and which formats a command refuses.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::exit::{Error, Result};
use crate::input;
use crate::input::emit::{Chunks, Emit, Out, Render};
use crate::input::ordered::Ordered;
use crate::input::walk::{walk, Found};
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
/// `--scrapyd` is the only source), then Scrapyd's jobs. They are read on a thread of
/// their own, each record rendered by `render`, while `consume` takes the chunks on this
/// one in input order. A source that fails comes as `Out::Failed` in its place (see
/// `said`), and the rest is still read.
pub fn read_sources<R: Render, T>(
    inputs: &[PathBuf],
    scrapyd: &crate::cli::ScrapydArgs,
    no_input: &str,
    matcher: &Matcher,
    render: &R,
    consume: impl FnOnce(Chunks<'_, R::Chunk>) -> Result<T>,
) -> Result<T> {
    let server = match &scrapyd.scrapyd {
        Some(url) => Some(input::scrapyd::Server::new(url, scrapyd.user.as_deref())?),
        None => None,
    };
    let files = match server {
        Some(_) if inputs.is_empty() => Vec::new(),
        _ => sources(inputs, no_input)?,
    };
    let project = scrapyd.project.as_deref();
    let read = |out: &mut Emit<'_, R>| {
        read_all(&files, matcher, out)?;
        if let Some(server) = &server {
            if !out.stopped() {
                if let Err(error) = input::scrapyd::read_scrapyd(server, project, matcher, out) {
                    out.fail(error);
                }
            }
        }
        Ok(())
    };
    if server.is_none() && small_files(&files) {
        return input::emit::in_place(render, read, consume);
    }
    input::emit::pipeline(render, read, consume)
}

/// Whether the sources are a few small regular files, or stdin redirected from one or
/// piped from a writer that has finished (`echo finished | outcome explain`): read in
/// place faster than on a thread of their own. At most `SMALL_FILE` bytes in all.
fn small_files(files: &[PathBuf]) -> bool {
    let mut total: u64 = 0;
    files.iter().all(|path| {
        let size = if path == Path::new("-") {
            stdin_size()
        } else {
            std::fs::metadata(path)
                .ok()
                .filter(std::fs::Metadata::is_file)
                .map(|meta| meta.len())
        };
        total = total.saturating_add(size.unwrap_or(u64::MAX));
        total <= SMALL_FILE
    })
}

/// How much stdin holds, where that is known before reading it: a regular file's length,
/// or what is left in a pipe whose writer has closed it. None for a pipe still open (a
/// live crawl) or a terminal.
fn stdin_size() -> Option<u64> {
    use std::os::unix::fs::FileTypeExt;
    let meta = std::fs::metadata("/dev/stdin").ok()?;
    if meta.is_file() {
        return Some(meta.len());
    }
    if !meta.file_type().is_fifo() {
        return None;
    }
    let mut poll = libc::pollfd {
        fd: 0,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a count of one, and no waiting.
    let ready = unsafe { libc::poll(&mut poll, 1, 0) };
    if ready != 1 || poll.revents & libc::POLLHUP == 0 {
        return None;
    }
    let mut left: libc::c_int = 0;
    // SAFETY: FIONREAD writes one c_int, into `left`.
    let asked = unsafe { libc::ioctl(0, libc::FIONREAD, &mut left) };
    (asked == 0).then(|| u64::try_from(left).ok()).flatten()
}

/// A source that could not be read, said in its place on stderr (after what came before
/// it on stdout); the first decides the status.
pub fn said(config: &Config, failed: &mut Option<Error>, error: Error) {
    render::warn(config.err, &error.message);
    failed.get_or_insert(error);
}

/// Files at most this large are read on worker threads, several at once, and joined back
/// in input order; larger ones (and stdin) are read in place, where a long stream is
/// parallel by itself.
const SMALL_FILE: u64 = 1024 * 1024;
/// Small files go to a worker together, up to so many or so many bytes: one hand-over per
/// file would cost more than reading it.
const BATCH_FILES: usize = 64;
const BATCH_BYTES: u64 = 1024 * 1024;

/// Reads every source into `out` (a directory: every file below it, sorted); a source
/// that fails is reported where it stands in the order and the others are still read.
fn read_all<R: Render>(
    sources: &[PathBuf],
    matcher: &Matcher,
    out: &mut Emit<'_, R>,
) -> Result<()> {
    let workers = input::stream::workers();
    // With one core, or one source that is not a directory, there is nothing to share.
    let single = sources.len() == 1 && !is_directory(&sources[0]);
    if workers < 2 || single {
        return read_in_place(sources, matcher, out);
    }
    let render = out.render();
    let read_batch = |files: Vec<(PathBuf, Option<u64>)>| {
        let mut batch = Emit::collecting(render);
        for (path, len) in files {
            if let Err(error) = input::read_path(&path, len, matcher, &mut batch) {
                batch.fail(error);
            }
        }
        batch.collected()
    };
    input::ordered::with_pool(workers, read_batch, |ordered| {
        let mut pool = Pool {
            ordered,
            batch: Vec::new(),
            batch_bytes: 0,
        };
        let result = pool
            .read(sources, matcher, out)
            .and_then(|()| pool.send_batch(out));
        // Whatever happened, what was read is joined.
        pool.drain(out, 0);
        result
    })
}

/// Small files, each with the length the walk found it with.
type Batch = Vec<(PathBuf, Option<u64>)>;

struct Pool<'o, 'p, C> {
    ordered: &'o mut Ordered<'p, Batch, Vec<Out<C>>>,
    /// Small files not sent yet, and their size.
    batch: Batch,
    batch_bytes: u64,
}

impl<C> Pool<'_, '_, C> {
    fn read<R: Render<Chunk = C>>(
        &mut self,
        sources: &[PathBuf],
        matcher: &Matcher,
        out: &mut Emit<'_, R>,
    ) -> Result<()> {
        for path in sources {
            if out.stopped() {
                break;
            }
            if is_directory(path) {
                let mut visit = |found: Found<'_>| -> Result<bool> {
                    match found {
                        Found::File(file, len) => self.file(file, Some(len), matcher, out)?,
                        Found::Problem(error) => {
                            // In its place: after the files before it.
                            self.send_batch(out)?;
                            self.ordered.ready(vec![Out::Failed(error)]);
                            self.drain(out, self.ordered.ahead());
                        }
                    }
                    Ok(!out.stopped())
                };
                walk(path, &mut visit)?;
            } else {
                self.file(path, None, matcher, out)?;
            }
        }
        Ok(())
    }

    /// `found_len`: the length a directory walk found the file with.
    fn file<R: Render<Chunk = C>>(
        &mut self,
        path: &Path,
        found_len: Option<u64>,
        matcher: &Matcher,
        out: &mut Emit<'_, R>,
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
            self.send_batch(out)?;
            self.drain(out, 0);
            read_one(path, found_len, matcher, out);
            return Ok(());
        };
        self.batch.push((path.to_path_buf(), found_len));
        self.batch_bytes = self.batch_bytes.saturating_add(size);
        if self.batch.len() >= BATCH_FILES || self.batch_bytes >= BATCH_BYTES {
            self.send_batch(out)?;
        }
        Ok(())
    }

    /// Hands the small files gathered so far to a worker.
    fn send_batch<R: Render<Chunk = C>>(&mut self, out: &mut Emit<'_, R>) -> Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        self.batch_bytes = 0;
        if !self.ordered.send(std::mem::take(&mut self.batch)) {
            return Err(Error::internal("the file readers stopped"));
        }
        self.drain(out, self.ordered.ahead());
        Ok(())
    }

    /// Hands on what is done, in input order, waiting while more than `keep` are out.
    fn drain<R: Render<Chunk = C>>(&mut self, out: &mut Emit<'_, R>, keep: usize) {
        let Ok(()) = self.ordered.drain(keep, |outs| {
            out.forward(outs);
            Ok::<(), std::convert::Infallible>(())
        });
    }
}

fn is_directory(path: &Path) -> bool {
    path != Path::new("-") && std::fs::metadata(path).is_ok_and(|m| m.is_dir())
}

/// Every source in turn, on this thread.
fn read_in_place<R: Render>(
    sources: &[PathBuf],
    matcher: &Matcher,
    out: &mut Emit<'_, R>,
) -> Result<()> {
    for path in sources {
        if out.stopped() {
            break;
        }
        if is_directory(path) {
            let mut visit = |found: Found<'_>| -> Result<bool> {
                match found {
                    Found::File(file, len) => read_one(file, Some(len), matcher, out),
                    Found::Problem(error) => out.fail(error),
                }
                Ok(!out.stopped())
            };
            walk(path, &mut visit)?;
        } else {
            read_one(path, None, matcher, out);
        }
    }
    Ok(())
}

fn read_one<R: Render>(
    path: &Path,
    found_len: Option<u64>,
    matcher: &Matcher,
    out: &mut Emit<'_, R>,
) {
    if let Err(error) = input::read_path(path, found_len, matcher, out) {
        out.fail(error);
    }
}

/// An argument that names an existing file, for the `-i` hint.
pub fn is_existing_path(text: &str) -> bool {
    !text.is_empty() && Path::new(text).symlink_metadata().is_ok()
}
