//! A Python literal spread over log lines (a stats dump, a settings block), collected
//! line by line until its brackets close.

#[derive(Debug, Default)]
pub(super) struct Collect {
    pub(super) text: Vec<u8>,
    /// The line the block started on.
    pub(super) line: u64,
    /// Not the whole dump (pasted from its middle, or cut): no counter may be taken as 0.
    pub(super) partial: bool,
    depth: i64,
    quote: Option<u8>,
    pub(super) started: bool,
    escaped: bool,
}

impl Collect {
    /// A literal that starts on line `line`.
    pub(super) fn at(line: u64) -> Collect {
        Collect {
            line,
            ..Collect::default()
        }
    }

    /// Adds a line; true when the literal is complete.
    pub(super) fn push(&mut self, line: &[u8]) -> bool {
        let mut from = 0;
        if !self.started {
            match memchr::memchr(b'{', line) {
                Some(at) => {
                    self.started = true;
                    from = at;
                }
                None => return false,
            }
        }
        for (i, &b) in line[from..].iter().enumerate() {
            if let Some(q) = self.quote {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == q {
                    self.quote = None;
                }
                continue;
            }
            match b {
                b'\'' | b'"' => self.quote = Some(b),
                b'{' | b'[' | b'(' => self.depth += 1,
                b'}' | b']' | b')' => {
                    self.depth -= 1;
                    if self.depth == 0 {
                        self.text.extend_from_slice(&line[from..from + i + 1]);
                        return true;
                    }
                }
                _ => {}
            }
        }
        // Python strings do not span lines; an open quote here means this is not a literal.
        self.quote = None;
        self.text.extend_from_slice(&line[from..]);
        self.text.push(b'\n');
        false
    }
}
