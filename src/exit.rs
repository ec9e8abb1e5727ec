//! The exit-status contract. Scripts depend on these numbers: change them only with a major
//! version. Verdicts follow the Nagios/Monitoring Plugins convention, errors BSD `sysexits.h`.

use std::fmt;

use crate::catalog::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Ok = 0,
    Warning = 1,
    Critical = 2,
    Unknown = 3,
    Usage = 64,
    DataError = 65,
    NoInput = 66,
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
}

/// The table shown by `--help` and kept in step with the README by a test.
pub const TABLE: &str = "\
Exit status:
  0   OK: the job ended as intended
  1   WARNING: ended early or with problems; data may be partial
  2   CRITICAL: failed or killed by a fault that will recur until fixed
  3   UNKNOWN: reason not in the catalog, job not finished, or no outcome in the record
  64  usage error (bad option or argument)
  65  input data error: not JSON, not a job record, not UTF-8, nested too deep, record too large
  66  no input: a file is missing or unreadable, or no REASON and stdin is a terminal
  70  internal error (a bug: please report it)
  74  I/O error writing output (a closed pipe is not an error)
  78  configuration error: a user catalog that cannot be read or is invalid
With several inputs the verdict is the worst one: CRITICAL > WARNING > UNKNOWN > OK.
An input or output error (64-78) outranks any verdict.";

/// An error that ends the run with a particular status. Everything that is not one of
/// these is a bug and exits 70.
#[derive(Debug)]
pub struct Failure {
    pub status: ExitStatus,
    pub message: String,
}

impl Failure {
    pub fn new(status: ExitStatus, message: impl Into<String>) -> Failure {
        Failure {
            status,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// Builds `Err(Failure)` in one expression.
pub fn fail<T>(status: ExitStatus, message: impl Into<String>) -> anyhow::Result<T> {
    Err(Failure::new(status, message).into())
}
