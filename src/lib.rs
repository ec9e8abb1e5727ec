//! `outcome` as a library: the pieces of the command-line tool, exposed so that fuzz
//! targets and property tests can drive them directly. The binary is `src/main.rs`.

pub mod catalog;
pub mod cli;
pub mod commands;
pub mod document;
pub mod exit;
pub mod input;
pub mod job;
pub mod lenient;
pub mod lines;
pub mod log;
pub mod output;
pub mod parallel;
pub mod pyliteral;
pub mod reason;
pub mod render;
pub mod report;
pub mod summary;

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
