//! Input detection and reading: any bytes, as stdin would give them, through every mode
//! (JSON Lines, JSON documents, logs, bare reasons) must be read without a panic, and
//! every record must end up reported or counted as malformed.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use outcome::facade::{Catalog, Fallback};
use outcome::facade::{Emit, Event, Render};
use outcome::facade::Matcher;
use outcome::facade::render::{self, human};

fn matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(|| Matcher::new(Catalog::builtin().expect("built-in catalog")))
}

fn catalog() -> &'static Catalog {
    matcher().catalog()
}

/// Renders every record with every renderer, so that rendering arbitrary records is
/// fuzzed too, and keeps nothing.
struct Collect {
    detail: bool,
}

impl Render for Collect {
    type Chunk = Vec<u8>;

    fn chunk(&self) -> Vec<u8> {
        Vec::new()
    }

    fn render(&self, out: &mut Vec<u8>, event: Event<'_>) {
        let Event::Report(report) = event else {
            return;
        };
        // At the narrowest width and with none, where cutting and wrapping do the most.
        for width in [Some(40), None] {
            let palette = render::Palette { on: true, width };
            let rendered = human::card(out, palette, catalog(), &report, human::Detail::Full)
                .and_then(|()| {
                    human::card(out, palette, catalog(), &report, human::Detail::Brief)
                })
                .and_then(|()| human::stream_line(out, palette, catalog(), &report));
            assert!(rendered.is_ok(), "rendering into memory cannot fail");
        }
        assert!(render::tsv(out, catalog(), &report).is_ok());
        assert!(render::report_json(out, catalog(), &report).is_ok());
        let _ = catalog().fallback(Fallback::Malformed);
        out.clear();
    }

    fn weight(&self, _: &Self::Chunk) -> usize {
        0
    }

    fn detail(&self) -> bool {
        self.detail
    }
}

fuzz_target!(|data: &[u8]| {
    for detail in [true, false] {
        let collect = Collect { detail };
        let mut emit = Emit::collecting(&collect);
        let _ = outcome::facade::read("fuzz", data, matcher(), &mut emit);
        let _ = emit.collected();
    }
});
