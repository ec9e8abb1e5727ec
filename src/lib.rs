//! `outcome` as a library: the pieces of the command-line tool, exposed so that fuzz
//! targets and property tests can drive them directly. The binary is `src/main.rs`.
//!
//! Dependencies run one way, from leaves to the commands; a module names only modules of
//! the layers before its own (a test reads this list and checks the code against it):
//! `severity`, `swar`, `jsonbits`, `text`, `civil`, `lenient`, `evidence`, `counters`,
//! `jsonerror`, `store` <- `exit`, `checks`, `thresholds`, `since`, `keyorder`, `job` <-
//! `spiders` <- `catalog_file` <- `catalog`, `output`, `advice`, `fastjob`, `pyliteral` <-
//! `reason`, `history`, `findings` <- `report`, `summary` <- `judge` <- `input`, `render` <-
//! `cli` <- `config` <- `commands`.

pub mod advice;
pub mod catalog;
pub mod catalog_file;
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
pub mod judge;
pub mod keyorder;
pub mod lenient;
pub mod output;
pub mod pyliteral;
pub mod reason;
pub mod render;
pub mod report;
pub mod severity;
pub mod since;
pub mod spiders;
pub mod store;
pub mod summary;
pub mod swar;
pub mod text;
pub mod thresholds;
