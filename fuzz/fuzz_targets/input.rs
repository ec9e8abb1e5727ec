//! Input detection and reading: any bytes, as stdin would give them, through every mode
//! (JSON Lines, JSON documents, logs, bare reasons) must be read without a panic, and
//! every record must end up reported or counted as malformed.
#![no_main]

use std::io;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use outcome::facade::{Catalog, Fallback};
use outcome::facade::{Consumer, Part, Records};
use outcome::facade::Matcher;
use outcome::facade::render::{self, human};
use outcome::facade::Report;

fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(|| Matcher::new(Catalog::builtin().expect("built-in catalog")))
}

fn catalog() -> &'static Catalog {
    matcher().catalog()
}

#[derive(Default)]
struct Collect {
    out: Vec<u8>,
    detail: bool,
}

impl Records for Collect {
    fn report(&mut self, report: Report<'_>) -> io::Result<()> {
        // Every renderer runs, so rendering arbitrary records is fuzzed too.
        // At the narrowest width and with none, where cutting and wrapping do the most.
        for width in [Some(40), None] {
            let palette = render::Palette { on: true, width };
            human::card(&mut self.out, palette, catalog(), &report, human::Detail::Full)?;
            human::card(&mut self.out, palette, catalog(), &report, human::Detail::Brief)?;
            human::stream_line(&mut self.out, palette, catalog(), &report)?;
        }
        render::tsv(&mut self.out, catalog(), &report)?;
        render::report_json(&mut self.out, catalog(), &report)?;
        let _ = catalog().fallback(Fallback::Malformed);
        self.out.clear();
        Ok(())
    }

    fn malformed(&mut self, _source: &str, _line: u64, _what: &str) {}

    fn detail(&self) -> bool {
        self.detail
    }
}

impl Part for Collect {
    fn blank(&self) -> Collect {
        Collect {
            out: Vec::new(),
            detail: self.detail,
        }
    }

    fn absorb(&mut self, _later: Collect) {}
}

impl Consumer for Collect {
    type Part = Collect;

    fn idle(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn part(&mut self) -> Collect {
        self.blank()
    }

    fn join(&mut self, part: Collect) -> io::Result<()> {
        self.absorb(part);
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    for detail in [true, false] {
        let mut consumer = Collect {
            out: Vec::new(),
            detail,
        };
        let _ = outcome::facade::read("fuzz", data, matcher(), &mut consumer);
    }
});
