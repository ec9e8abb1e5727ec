//! `outcome` as a library: the pieces of the command-line tool, exposed so that fuzz
//! targets and property tests can drive them directly. The binary is `src/main.rs`.
//!
//! Dependencies run one way, from leaves to the commands:
//! `severity`, `swar`, `jsonbits`, `text`, `civil`, `lenient`, `output`, `evidence`, `counters` <- `exit`, `checks` <-
//! `catalog` <- `reason` <- `job`, `pyliteral` <- `findings`, `advice` <- `report` <- `input` and
//! `render` <- `summary`, `config` <- `commands`.

pub mod advice;
pub mod catalog;
pub mod checks;
pub mod civil;
pub mod cli;
pub mod commands;
pub mod config;
pub mod counters;
pub mod evidence;
pub mod exit;
pub mod fastjob;
pub mod findings;
pub mod history;
pub mod input;
pub mod job;
pub mod jsonbits;
pub mod jsonerror;
pub mod keyorder;
pub mod lenient;
pub mod output;
pub mod pyliteral;
pub mod reason;
pub mod render;
pub mod report;
pub mod severity;
pub mod since;
pub mod summary;
pub mod swar;
pub mod text;
pub mod thresholds;
