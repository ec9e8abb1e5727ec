//! The output path. Everything goes through one locked, buffered handle that treats a
//! closed pipe as the reader saying "enough": later writes are dropped and the caller
//! stops at its next record. Any other write error is returned and ends the run with 74.

use std::io::{self, BufWriter, IsTerminal, StdoutLock, Write};

pub struct Sink {
    inner: BufWriter<StdoutLock<'static>>,
    closed: bool,
    pub terminal: bool,
}

impl Sink {
    pub fn stdout() -> Sink {
        let stdout = io::stdout();
        let terminal = stdout.is_terminal();
        Sink {
            inner: BufWriter::with_capacity(64 * 1024, stdout.lock()),
            closed: false,
            terminal,
        }
    }

    /// Standard output was closed before we started (`outcome explain x >&-`). Rust's
    /// runtime reopens a closed standard descriptor on `/dev/null` for reading and writing
    /// before `main`, so writes would vanish and an output error would pass for a verdict.
    /// A shell's `> /dev/null` opens it for writing only, which tells the two apart (Linux,
    /// through /proc; elsewhere this says false).
    pub fn is_missing(&self) -> bool {
        let target = std::fs::read_link("/proc/self/fd/1");
        if !target.is_ok_and(|t| t == std::path::Path::new("/dev/null")) {
            return false;
        }
        let Ok(info) = std::fs::read_to_string("/proc/self/fdinfo/1") else {
            return false;
        };
        let flags = info
            .lines()
            .find_map(|l| l.strip_prefix("flags:"))
            .and_then(|f| u32::from_str_radix(f.trim(), 8).ok());
        // O_ACCMODE is 3; O_RDWR is 2.
        flags.is_some_and(|f| f & 3 == 2)
    }

    /// True once the reader has gone away; producers should stop reading input.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Called at a record boundary: a terminal sees each record at once; a pipe or file
    /// gets full blocks (and a flush whenever the input pauses, see `input`).
    pub fn record_done(&mut self) -> io::Result<()> {
        if self.terminal {
            self.flush()?;
        }
        Ok(())
    }

    fn absorb<T>(&mut self, result: io::Result<T>, fallback: T) -> io::Result<T> {
        match result {
            Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(fallback)
            }
            other => other,
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let result = self.inner.write(buf);
        self.absorb(result, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush();
        self.absorb(result, ())
    }
}
