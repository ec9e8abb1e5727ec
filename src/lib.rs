//! `outcome` as a library: the program (`main`, which `src/main.rs` calls) and, in
//! `facade`, the few pieces that fuzz targets and property tests drive directly. Every
//! module is the crate's own; nothing else is public.
//!
//! Dependencies run one way, from leaves to the commands; a module names only modules of
//! the layers before its own (a test reads this list and checks the code against it):
//! `severity`, `swar`, `jsonbits`, `text`, `civil`, `lenient`, `evidence`, `counters`,
//! `jsonerror`, `store` <- `exit`, `checks`, `thresholds`, `since`, `keyorder`, `job` <-
//! `spiders` <- `catalog_file` <- `catalog`, `output`, `advice`, `fastjob`, `pyliteral` <-
//! `reason`, `history`, `findings` <- `report`, `summary` <- `judge` <- `input`, `render` <-
//! `cli` <- `config` <- `commands`.

mod advice;
mod catalog;
mod catalog_file;
mod checks;
mod civil;
mod cli;
mod commands;
mod config;
mod counters;
mod evidence;
mod exit;
mod fastjob;
mod findings;
mod history;
mod input;
mod job;
mod jsonbits;
mod jsonerror;
mod judge;
mod keyorder;
mod lenient;
mod output;
mod pyliteral;
mod reason;
mod render;
mod report;
mod severity;
mod since;
mod spiders;
mod store;
mod summary;
mod swar;
mod text;
mod thresholds;

pub use commands::main;

/// What the fuzz targets and the property tests drive: the readers, the judge, the
/// renderers and the command line's definition, by the names they use them by.
pub mod facade {
    pub use crate::catalog::{normalize, Catalog, Fallback, Kind};
    pub use crate::cli::command;
    pub use crate::fastjob::job as fast_job;
    pub use crate::input::document::json_document;
    pub use crate::input::emit::{Emit, Event, Out, Render};
    pub use crate::input::log::{search_block, Found, LogReader};
    pub use crate::input::read;
    pub use crate::input::reader::{Reader, RECORD_CAP};
    pub use crate::job::{Record, RecordSeed, Stats};
    pub use crate::reason::Matcher;
    pub use crate::report::Report;

    pub mod judge {
        pub use crate::judge::{crawl, record};
    }

    pub mod pyliteral {
        pub use crate::pyliteral::{fill_stats, parse, stats_from_literal};
    }

    pub mod render {
        pub use crate::render::color::Palette;
        pub use crate::render::json::report_json;
        pub use crate::render::tsv;

        pub mod human {
            pub use crate::render::human::{card, stream_line, Detail};
        }
    }
}
