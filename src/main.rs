//! `outcome`: explain Scrapy and Scrapy Cloud job outcomes. The program is the library's
//! `main` (`src/commands/mod.rs`); this file only hands its status to the process.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(outcome::main())
}
