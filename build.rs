//! Turns the built-in catalog (`src/catalog.json`) into Rust statics, so that start-up
//! reads it without parsing JSON: parsing its 64 KB was a third of the instructions of
//! `outcome explain memusage_exceeded`. The JSON stays the source a person edits; a unit
//! test in `src/catalog/mod.rs` holds the statics to what serde reads from it. Every text is
//! a span of one string (`TEXT`), not a `&str` of its own: a pointer in a static costs a
//! relocation when the binary is loaded, a span costs nothing.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::{Map, Value};

fn main() {
    println!("cargo:rerun-if-changed=src/catalog.json");
    println!("cargo:rerun-if-changed=build.rs");
    link_unwinder_statically();
    let text = std::fs::read_to_string("src/catalog.json").expect("src/catalog.json is readable");
    let catalog: Value = serde_json::from_str(&text).expect("src/catalog.json is JSON");
    let catalog = catalog.as_object().expect("the catalog is an object");
    let mut out = String::new();
    let mut blob = Blob::default();
    for (list, name) in [
        ("outcomes", "OUTCOMES"),
        ("families", "FAMILIES"),
        ("fallbacks", "FALLBACKS"),
    ] {
        let entries = catalog
            .get(list)
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        writeln!(out, "pub(crate) static {name}: &[StaticEntry] = &[").ok();
        for entry in entries {
            entry_of(
                &mut out,
                &mut blob,
                entry.as_object().expect("an entry is an object"),
            );
        }
        writeln!(out, "];").ok();
    }
    let checks = catalog
        .get("checks")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    writeln!(out, "pub(crate) static CHECKS: &[StaticCheck] = &[").ok();
    for check in checks {
        check_of(
            &mut out,
            &mut blob,
            check.as_object().expect("a check is an object"),
        );
    }
    writeln!(out, "];").ok();
    for key in catalog.keys() {
        assert!(
            ["outcomes", "families", "fallbacks", "checks"].contains(&key.as_str()),
            "src/catalog.json: unknown section `{key}`"
        );
    }
    writeln!(out, "pub(crate) static TEXT: &str = {:?};", blob.text).ok();
    let path = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("catalog_data.rs");
    std::fs::write(path, out).expect("catalog_data.rs written");
}

/// On GNU/Linux, the unwinder from gcc's static `libgcc_eh.a` rather than the shared
/// `libgcc_s.so.1` Rust links by default (what `-static-libgcc` does for C): one shared
/// library less for the loader to find, map and relocate at every start, about a seventh
/// of the start-up of `outcome explain memusage_exceeded` (benches/startup.rs). Whole, so
/// that the unwinder is defined before the linker meets `-lgcc_s`, which `--as-needed`
/// then leaves out. Where the C compiler has no `libgcc_eh.a`, or for another machine, the
/// default stays.
fn link_unwinder_statically() {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") != "linux" || var("CARGO_CFG_TARGET_ENV") != "gnu" {
        return;
    }
    // The C compiler found here builds for this machine: a cross build keeps the default.
    if var("TARGET") != var("HOST") {
        return;
    }
    println!("cargo:rerun-if-env-changed=CC");
    let compiler = std::env::var("RUSTC_LINKER")
        .or_else(|_| std::env::var("CC"))
        .unwrap_or_else(|_| "cc".to_string());
    let found = std::process::Command::new(compiler)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
        .filter(|path| path.is_absolute() && path.is_file());
    if let Some(path) = found {
        if let Some(dir) = path.parent() {
            println!("cargo:rustc-link-search=native={}", dir.display());
            println!("cargo:rustc-link-lib=static:-bundle,+whole-archive=gcc_eh");
        }
    }
}

/// The texts, one after another; each static names its own as a span.
#[derive(Default)]
struct Blob {
    text: String,
}

impl Blob {
    /// `(start, end)` of a text, written as a Rust tuple.
    fn span(&mut self, value: &Value, what: &str) -> String {
        let text = value
            .as_str()
            .unwrap_or_else(|| panic!("{what} is a string"));
        let start = self.text.len();
        self.text.push_str(text);
        format!("({start}, {})", self.text.len())
    }

    fn option(&mut self, map: &Map<String, Value>, key: &str) -> String {
        match map.get(key) {
            Some(value) => format!("Some({})", self.span(value, key)),
            None => "None".to_string(),
        }
    }

    fn list(&mut self, value: &Value, what: &str) -> String {
        let items: Vec<String> = value
            .as_array()
            .unwrap_or_else(|| panic!("{what} is a list"))
            .iter()
            .map(|v| self.span(v, what))
            .collect();
        format!("&[{}]", items.join(", "))
    }

    fn option_list(&mut self, map: &Map<String, Value>, key: &str) -> String {
        match map.get(key) {
            Some(value) => format!("Some({})", self.list(value, key)),
            None => "None".to_string(),
        }
    }
}

fn entry_of(out: &mut String, blob: &mut Blob, entry: &Map<String, Value>) {
    const FIELDS: [&str; 9] = [
        "name",
        "aliases",
        "severity",
        "title",
        "explanation",
        "next_steps",
        "settings",
        "set_by",
        "docs",
    ];
    for key in entry.keys() {
        assert!(
            FIELDS.contains(&key.as_str()),
            "src/catalog.json: unknown field `{key}`"
        );
    }
    writeln!(
        out,
        "    StaticEntry {{ name: {}, aliases: {}, severity: {}, title: {}, explanation: {}, next_steps: {}, settings: {}, set_by: {}, docs: {} }},",
        blob.span(&entry["name"], "name"),
        blob.option_list(entry, "aliases"),
        blob.option(entry, "severity"),
        blob.option(entry, "title"),
        blob.option(entry, "explanation"),
        blob.option_list(entry, "next_steps"),
        blob.option_list(entry, "settings"),
        blob.option(entry, "set_by"),
        blob.option_list(entry, "docs"),
    )
    .ok();
}

fn check_of(out: &mut String, blob: &mut Blob, check: &Map<String, Value>) {
    const FIELDS: [&str; 8] = [
        "id",
        "title",
        "explanation",
        "measure",
        "levels",
        "next_steps",
        "settings",
        "supersedes",
    ];
    for key in check.keys() {
        assert!(
            FIELDS.contains(&key.as_str()),
            "src/catalog.json: unknown check field `{key}`"
        );
    }
    let levels: Vec<String> = check
        .get("levels")
        .and_then(Value::as_object)
        .expect("a check has levels")
        .iter()
        .map(|(name, at)| {
            let at = match at.as_f64() {
                Some(v) => format!("Some({v:?})"),
                None => "None".to_string(),
            };
            format!(
                "({}, {at})",
                blob.span(&Value::String(name.clone()), "level")
            )
        })
        .collect();
    writeln!(
        out,
        "    StaticCheck {{ id: {}, title: {}, explanation: {}, measure: {}, levels: &[{}], next_steps: {}, settings: {}, supersedes: {} }},",
        blob.span(&check["id"], "id"),
        blob.span(&check["title"], "title"),
        blob.span(&check["explanation"], "explanation"),
        blob.span(&check["measure"], "measure"),
        levels.join(", "),
        blob.list(&check["next_steps"], "next_steps"),
        blob.list(&check["settings"], "settings"),
        blob.list(&check["supersedes"], "supersedes"),
    )
    .ok();
}
