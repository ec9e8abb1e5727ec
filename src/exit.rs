//! The exit-status contract and the typed error that carries a status to `main`. Scripts
//! depend on these numbers: change them only with a major version. Verdicts follow the
//! Nagios/Monitoring Plugins convention, errors BSD `sysexits.h`.

use std::fmt;

use crate::severity::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Ok = 0,
    Warning = 1,
    Critical = 2,
    Unknown = 3,
    Usage = 64,
    DataError = 65,
    NoInput = 66,
    Unavailable = 69,
    Internal = 70,
    IoError = 74,
    Config = 78,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_severity(severity: Severity) -> ExitStatus {
        match severity {
            Severity::Ok => ExitStatus::Ok,
            Severity::Warning => ExitStatus::Warning,
            Severity::Critical => ExitStatus::Critical,
            Severity::Unknown => ExitStatus::Unknown,
        }
    }

    /// An input, output or configuration error rather than a verdict.
    pub fn is_error(self) -> bool {
        self.code() >= 64
    }
}

/// The table shown by `--help` and kept in step with the README by a test.
pub const TABLE: &str = "\
Exit status:
  0   OK: the job ended as intended
  1   WARNING: ended early or with problems; data may be partial
  2   CRITICAL: failed or killed by a fault that will recur until fixed
  3   UNKNOWN: reason not in the catalog, job not finished, or no outcome in the record
  64  usage error (bad option or argument)
  65  input data error: not JSON, not a job record, not UTF-8, binary, nested too deep, record too large
  66  no input: a file is missing or unreadable, no REASON and stdin is a terminal, or
      the command given to `outcome run` cannot be started
  69  a service cannot be reached or answers wrongly (--scrapyd URL)
  70  internal error (a bug: please report it)
  74  I/O error writing output (a closed pipe is not an error)
  78  configuration error: a user catalog that cannot be read or is invalid
An item's verdict is the worst of its outcome and its findings (`outcome list --checks`).
With several inputs the verdict is the worst one: CRITICAL > WARNING > UNKNOWN > OK.
An input or output error (64-78) outranks any verdict.
With --format nagios every error is one `OUTCOME UNKNOWN - ...` line and status 3
(74 if that line cannot be written).";

/// An error that ends the run with a particular status, and its one-line message (already
/// terminal-safe: whoever builds one escapes what came from outside).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub status: ExitStatus,
    pub message: String,
    /// Already written to stderr where it happened; `main` only maps the status.
    pub reported: bool,
}

impl Error {
    pub fn new(status: ExitStatus, message: impl Into<String>) -> Error {
        Error {
            status,
            message: message.into(),
            reported: false,
        }
    }

    /// The same error, marked as already shown on stderr.
    pub fn already_reported(mut self) -> Error {
        self.reported = true;
        self
    }

    pub fn usage(message: impl Into<String>) -> Error {
        Error::new(ExitStatus::Usage, message)
    }

    pub fn data(message: impl Into<String>) -> Error {
        Error::new(ExitStatus::DataError, message)
    }

    pub fn no_input(message: impl Into<String>) -> Error {
        Error::new(ExitStatus::NoInput, message)
    }

    pub fn unavailable(message: impl Into<String>) -> Error {
        Error::new(ExitStatus::Unavailable, message)
    }

    pub fn config(message: impl Into<String>) -> Error {
        Error::new(ExitStatus::Config, message)
    }

    pub fn internal(message: impl Into<String>) -> Error {
        Error::new(ExitStatus::Internal, message)
    }

    /// Writing output failed (not a closed pipe: that stops quietly).
    pub fn output(err: &std::io::Error) -> Error {
        Error::new(
            ExitStatus::IoError,
            format!("error writing output: {}", io_reason(err)),
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// An OS error in words, without Rust's "(os error 2)" suffix.
pub fn io_reason(err: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match err.kind() {
        K::NotFound => "no such file".to_string(),
        K::PermissionDenied => "permission denied".to_string(),
        _ => {
            let text = err.to_string();
            match text.find(" (os error") {
                Some(at) => text[..at].to_string(),
                None => text,
            }
        }
    }
}
