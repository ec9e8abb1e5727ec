//! Where serde_json's complaints stand, in the terms an editor uses: 1-based lines and
//! columns (in bytes). serde_json reports an error found at a newline (a raw newline in a
//! string, the input ending after its last line) as column 0 of the next line; people
//! look for it at the end of the line the newline ends, so it is moved there.

/// The error's line and column in `text`, the text serde_json read.
pub fn place(err: &serde_json::Error, text: &str) -> (u64, u64) {
    let line = err.line() as u64;
    let column = err.column() as u64;
    if column > 0 || line <= 1 {
        return (line.max(1), column.max(1));
    }
    // The newline that ends line `line - 1`, found by counting; no match (serde_json and
    // this count disagreeing) keeps serde_json's line with a real column.
    let ends = text.match_indices('\n').map(|(at, _)| at);
    let Some(newline) = ends.clone().nth((line - 2) as usize) else {
        return (line, 1);
    };
    let line_start = ends.take((line - 2) as usize).last().map_or(0, |at| at + 1);
    (line - 1, (newline - line_start) as u64 + 1)
}

/// The complaint without serde_json's own "at line L column C", which `place` replaces.
pub fn words(err: &serde_json::Error) -> String {
    let mut message = err.to_string();
    if let Some(at) = message.rfind(" at line ") {
        message.truncate(at);
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> serde_json::Error {
        serde_json::from_str::<serde_json::Value>(text).expect_err("not JSON")
    }

    #[test]
    fn an_error_at_a_newline_is_placed_at_the_end_of_its_line() {
        for (text, want) in [
            // The input ends after its last line.
            ("{\"a\": 1\n", (1, 8)),
            ("{\"a\": 1,\n \"b\": 2\n", (2, 8)),
            ("[\n\n", (2, 1)),
            // A raw newline in a string, on the first line and after others.
            ("\"ab\ncd\"", (1, 4)),
            ("[\"x\",\n \"ab\ncd\"]", (2, 5)),
            // Errors elsewhere keep serde_json's place.
            ("{\"a\": tru}", (1, 10)),
            ("{\n  \"a\": tru}", (2, 11)),
        ] {
            assert_eq!(place(&error(text), text), want, "{text:?}");
        }
    }

    #[test]
    fn the_words_lose_serde_jsons_own_place() {
        assert_eq!(words(&error("{\"a\": 1\n")), "EOF while parsing an object");
    }
}
