//! User catalogs: any bytes layered on the built-in catalog. Never a panic; a catalog that
//! loads matches each of its outcome names as written.
#![no_main]

use libfuzzer_sys::fuzz_target;
use outcome::facade::{Catalog, Kind};
use outcome::facade::Matcher;

fuzz_target!(|data: &[u8]| {
    let Ok(mut catalog) = Catalog::builtin() else {
        return;
    };
    if catalog.layer(data, "fuzz.json").is_err() {
        return;
    }
    let names: Vec<String> = catalog
        .outcomes()
        .filter(|(_, kind)| *kind == Kind::Outcome)
        .map(|(entry, _)| entry.name.clone())
        .collect();
    let matcher = Matcher::new(catalog);
    for name in names {
        let found = matcher.find(&name);
        assert_eq!(matcher.catalog().entries[found.entry].name, name);
    }
});
