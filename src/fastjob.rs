//! The verdict-only reading of one job record (`--format line`, `summary`), without
//! serde: the record's top-level fields are found by one pass that validates every value
//! it steps over, and only the few a verdict needs are read. It takes the common shapes
//! only; anything else (an escape in a field it reads, a float where it reads a count, a
//! key that means an envelope, a log line or stats at the top level, a nesting deeper
//! than it allows, anything that is not strict JSON) makes it give up with `None`, and
//! the serde reader (`job::RecordSeed`), which knows every rule, reads the record
//! instead. So what it returns is what serde would have returned, only sooner; the
//! property test `fast_and_serde_readings_agree` holds it to that.
//!
//! Each thread remembers the key orders of the last few kinds of records it read
//! (`keyorder`), the record's own and its `scrapystats`: a key found again where it stood
//! before is one comparison, not a scan and a look-up.

use std::borrow::Cow;

use crate::job::{is_detail_only, is_stat_used, Job, Record};
use crate::keyorder::KeyOrder;
use crate::swar;

/// Deeper than this, serde reads the record (and applies its own recursion limit).
const DEPTH: u32 = 64;

/// Kinds of records remembered per thread (a source that mixes more shapes than this
/// reads its keys as usual).
const SHAPES: usize = 4;

/// The key orders of recent records: the record's own keys, and its `scrapystats` keys.
#[derive(Default)]
struct Shape {
    keys: KeyOrder<Slot>,
    stats: KeyOrder<()>,
}

/// The shapes this thread has met: a record starts with the first whose first key it
/// shares, and moves to another that agrees with it so far where they part (`sibling`),
/// or learns its own from there in another place (`fork`); `next` is the one a new shape
/// replaces. `picked` and `missed` count recent records and those whose first key
/// no shape knew: a source whose keys come in any order would relearn every key of every
/// record, so when most records miss, keys are read as usual and nothing is learnt (in
/// `idle`, which stays empty) until they match again.
#[derive(Default)]
struct Shapes {
    shapes: Vec<Shape>,
    next: usize,
    picked: u32,
    missed: u32,
    idle: Shape,
}

/// Records counted before misses can stop the learning, and how many are remembered.
const SHAPES_TRIED: u32 = 16;
const SHAPES_HISTORY: u32 = 256;

impl Shapes {
    /// The shape whose first key starts `bytes[at..]`, or a cleared one to learn; `None`
    /// for the idle one, which learns nothing.
    fn pick(&mut self, bytes: &[u8], at: usize) -> Option<usize> {
        let known = self
            .shapes
            .iter()
            .position(|shape| shape.keys.at(0, bytes, at).is_some());
        if self.picked >= SHAPES_HISTORY {
            self.picked /= 2;
            self.missed /= 2;
        }
        self.picked += 1;
        if known.is_none() {
            self.missed += 1;
            if self.picked >= SHAPES_TRIED && self.missed * 2 > self.picked {
                return None;
            }
        }
        // A shape that learnt nothing (a record given up at its first key, such as a log
        // line) is taken again before another is pushed or replaced.
        let unlearnt = || {
            self.shapes
                .iter()
                .position(|shape| shape.keys.first().is_none())
        };
        match known.or_else(unlearnt) {
            Some(index) => Some(index),
            None => {
                let index = self.free(None);
                self.shapes[index].keys.clear();
                self.shapes[index].stats.clear();
                Some(index)
            }
        }
    }

    /// A place for a new shape: a new one while there are fewer than `SHAPES`, else the
    /// next in turn (never `keep`).
    fn free(&mut self, keep: Option<usize>) -> usize {
        if self.shapes.len() < SHAPES {
            self.shapes.push(Shape::default());
            return self.shapes.len() - 1;
        }
        let mut index = self.next % SHAPES;
        if Some(index) == keep {
            index = (index + 1) % SHAPES;
        }
        self.next = index + 1;
        index
    }

    fn get(&mut self, index: Option<usize>) -> &mut Shape {
        match index.and_then(|index| self.shapes.get_mut(index)) {
            Some(shape) => shape,
            None => &mut self.idle,
        }
    }

    /// Another shape that agrees with shape `index` on its first `place` keys and holds
    /// the key that starts `bytes[at..]` at `place`: kinds of records that begin alike
    /// (keys written in sorted order, an optional field) each keep their own order. With
    /// the length of that key's text and its slot.
    #[cold]
    fn sibling(
        &self,
        index: usize,
        place: usize,
        bytes: &[u8],
        at: usize,
    ) -> Option<(usize, usize, Slot)> {
        let current = &self.shapes.get(index)?.keys;
        // A shape that knows nothing from here on is being learnt from this record.
        if current.places() <= place {
            return None;
        }
        self.shapes.iter().enumerate().find_map(|(other, shape)| {
            let (len, slot) = shape.keys.at(place, bytes, at)?;
            (other != index && shape.keys.same_prefix(current, place)).then_some((other, len, slot))
        })
    }

    /// Where a record that parts from shape `index` at `place` goes on learning: the
    /// shape itself when it knows nothing from there on, else a copy of its first
    /// `place` keys in another place, so that the kind it knows is not forgotten. Its
    /// stats' order is copied whole: kinds of one source write their stats alike.
    #[cold]
    fn fork(&mut self, index: usize, place: usize) -> usize {
        if self
            .shapes
            .get(index)
            .is_none_or(|shape| shape.keys.places() <= place)
        {
            return index;
        }
        let other = self.free(Some(index));
        let (from, to) = if index < other {
            let (low, high) = self.shapes.split_at_mut(other);
            (&low[index], &mut high[0])
        } else {
            let (low, high) = self.shapes.split_at_mut(index);
            (&high[0], &mut low[other])
        };
        to.keys.copy_prefix(&from.keys, place);
        to.stats.copy_prefix(&from.stats, usize::MAX);
        other
    }
}

thread_local! {
    static RECENT: std::cell::RefCell<Shapes> = std::cell::RefCell::default();
}

/// The record in `text`, or `None` when the serde reader must decide.
pub fn job(text: &str) -> Option<Record<'_>> {
    RECENT.with(|recent| match recent.try_borrow_mut() {
        Ok(mut recent) => job_with(text, &mut recent),
        // Not reachable (nothing here calls `job` again), but never worth a panic.
        Err(_) => job_with(text, &mut Shapes::default()),
    })
}

fn job_with<'t>(text: &'t str, shapes: &mut Shapes) -> Option<Record<'t>> {
    let b = text.as_bytes();
    let mut at = skip_ws(b, 0);
    if b.get(at) != Some(&b'{') {
        return None;
    }
    at = skip_ws(b, at + 1);
    let mut job = Job::default();
    let mut fields = Fields::default();
    let mut seen_job_field = false;
    if b.get(at) == Some(&b'}') {
        return None;
    }
    let mut current = shapes.pick(b, at);
    let mut shape = shapes.get(current);
    let mut place = 0;
    loop {
        let mut known = shape.keys.at(place, b, at);
        if known.is_none() {
            if let Some((index, len, slot)) = current.and_then(|i| shapes.sibling(i, place, b, at))
            {
                current = Some(index);
                known = Some((len, slot));
            }
            shape = shapes.get(current);
        }
        let slot = match known {
            Some((len, slot)) => {
                at = skip_ws(b, at + len);
                slot
            }
            None => {
                let (end, colon) = key_at(b, at, false)?;
                // Cut at ASCII quotes, so on character boundaries.
                let slot = slot(text.get(at + 1..end)?)?;
                if let Some(index) = current {
                    current = Some(shapes.fork(index, place));
                    shape = shapes.get(current);
                    shape.keys.learn(place, &b[at..=colon], slot);
                }
                at = skip_ws(b, colon + 1);
                slot
            }
        };
        place += 1;
        let start = at;
        seen_job_field |= !matches!(slot, Slot::Skipped { job_field: false });
        at = match slot {
            Slot::Text(field) => {
                let (value, after) = text_value(b, at)?;
                let value = value.map(|(from, to)| Cow::Borrowed(&text[from..to]));
                match field {
                    TextField::Key => fields.key = value,
                    TextField::Id => fields.id = value,
                    TextField::Spider => job.spider = value,
                    TextField::State => job.state = value,
                    TextField::CloseReason => job.close_reason = value,
                }
                after
            }
            Slot::Number(field) => {
                let (value, after) = integer_value(b, at)?;
                let count = value.filter(|v| *v >= 0.0).map(|v| v as u64);
                match field {
                    NumberField::Items => fields.items = count,
                    NumberField::ItemsScraped => fields.items_scraped = count,
                    NumberField::Errors => fields.errors = count,
                    NumberField::ErrorsCount => fields.errors_count = count,
                    NumberField::RunningTime => job.running_time = value,
                    NumberField::FinishedTime => job.finished_time = value,
                }
                after
            }
            Slot::Stats => {
                let after = if b.get(at) == Some(&b'{') {
                    let learn = current.is_some();
                    skip_object(b, at, 0, Some((&mut shape.stats, learn)))?
                } else {
                    skip_value(b, at, 0)?
                };
                job.raw_stats = Some(&text[start..after]);
                after
            }
            Slot::Skipped { .. } => skip_value(b, at, 0)?,
        };
        at = skip_ws(b, at);
        match b.get(at) {
            Some(b',') => at = skip_ws(b, at + 1),
            Some(b'}') => break,
            _ => return None,
        }
    }
    // Nothing may follow the record.
    if skip_ws(b, at + 1) != b.len() || !seen_job_field {
        return None;
    }
    job.key = fields.key.or(fields.id);
    job.items = fields.items.or(fields.items_scraped);
    job.errors = fields.errors.or(fields.errors_count);
    Some(Record::Job(Box::new(job)))
}

/// Where the key whose opening quote is at `at` ends (its closing quote) and where its
/// colon stands; escapes in it only where `escapes`.
#[inline]
fn key_at(b: &[u8], at: usize, escapes: bool) -> Option<(usize, usize)> {
    if b.get(at) != Some(&b'"') {
        return None;
    }
    let end = string_end(b, at + 1, escapes)?;
    let colon = skip_ws(b, end + 1);
    (b.get(colon) == Some(&b':')).then_some((end, colon))
}

/// Steps over the object at `at` (its `{`, `depth` containers deep), validating it; with
/// an `order`, each key is first compared with the one kept for its place (and one that
/// differs is kept instead, when learning).
fn skip_object(
    b: &[u8],
    at: usize,
    depth: u32,
    mut order: Option<(&mut KeyOrder<()>, bool)>,
) -> Option<usize> {
    if depth >= DEPTH {
        return None;
    }
    let mut at = skip_ws(b, at + 1);
    if b.get(at) == Some(&b'}') {
        return Some(at + 1);
    }
    let mut place = 0;
    loop {
        match order.as_ref().and_then(|(kept, _)| kept.at(place, b, at)) {
            Some((len, ())) => at = skip_ws(b, at + len),
            None => {
                let (_, colon) = key_at(b, at, true)?;
                if let Some((kept, true)) = &mut order {
                    kept.learn(place, &b[at..=colon], ());
                }
                at = skip_ws(b, colon + 1);
            }
        }
        place += 1;
        at = skip_ws(b, skip_value(b, at, depth + 1)?);
        match *b.get(at)? {
            b',' => at = skip_ws(b, at + 1),
            b'}' => return Some(at + 1),
            _ => return None,
        }
    }
}

#[derive(Default)]
struct Fields<'a> {
    key: Option<Cow<'a, str>>,
    id: Option<Cow<'a, str>>,
    items: Option<u64>,
    items_scraped: Option<u64>,
    errors: Option<u64>,
    errors_count: Option<u64>,
}

#[derive(Clone, Copy)]
enum TextField {
    Key,
    Id,
    Spider,
    State,
    CloseReason,
}

#[derive(Clone, Copy)]
enum NumberField {
    Items,
    ItemsScraped,
    Errors,
    ErrorsCount,
    RunningTime,
    FinishedTime,
}

#[derive(Clone, Copy)]
enum Slot {
    Text(TextField),
    Number(NumberField),
    Stats,
    /// Stepped over: a field only cards show (still a job's field), or one no verdict uses.
    Skipped {
        job_field: bool,
    },
}

/// What a top-level key is for, as `job::RecordVisitor` reads it without detail; `None`
/// for the keys that make a record something else (an envelope, a log line, stats).
fn slot(name: &str) -> Option<Slot> {
    Some(match name {
        "key" => Slot::Text(TextField::Key),
        "id" => Slot::Text(TextField::Id),
        "spider" => Slot::Text(TextField::Spider),
        "state" => Slot::Text(TextField::State),
        "close_reason" => Slot::Text(TextField::CloseReason),
        "items" => Slot::Number(NumberField::Items),
        "items_scraped" => Slot::Number(NumberField::ItemsScraped),
        "errors" => Slot::Number(NumberField::Errors),
        "errors_count" => Slot::Number(NumberField::ErrorsCount),
        "running_time" => Slot::Number(NumberField::RunningTime),
        "finished_time" => Slot::Number(NumberField::FinishedTime),
        "scrapystats" => Slot::Stats,
        detail if is_detail_only(detail) => Slot::Skipped { job_field: true },
        "jobs" | "summary" | "message" | "finish_reason" | "crawler_stats" => return None,
        other if is_stat_used(other) => return None,
        _ => Slot::Skipped { job_field: false },
    })
}

#[inline]
fn skip_ws(b: &[u8], mut at: usize) -> usize {
    while let Some(c) = b.get(at) {
        if *c > b' ' || !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
            break;
        }
        at += 1;
        if *c == b'\n' {
            // Pretty-printed records indent every line: spaces eight at a time.
            while let Some(word) = swar::word_at(b, at) {
                let other = swar::other_than(word, b' ');
                if other != 0 {
                    at += swar::first(other);
                    break;
                }
                at += 8;
            }
        }
    }
    at
}

/// The bytes a string scan stops at: its end, an escape, a control byte.
const STOP: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 0x20 {
        table[c] = true;
        c += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// The first byte at or after `at` that a string scan stops at, or `b.len()`.
#[inline]
fn stop_from(b: &[u8], mut at: usize) -> usize {
    while let Some(word) = swar::word_at(b, at) {
        let stops = swar::equal(word, b'"') | swar::equal(word, b'\\') | swar::below(word, 0x20);
        if stops != 0 {
            return at + swar::first(stops);
        }
        at += 8;
    }
    while at < b.len() && !STOP[usize::from(b[at])] {
        at += 1;
    }
    at
}

/// Where the string that starts after `from`'s opening quote ends (its closing quote),
/// checking what JSON allows in it: escapes only where `escapes`, never a control byte.
#[inline]
fn string_end(b: &[u8], mut at: usize, escapes: bool) -> Option<usize> {
    loop {
        at = stop_from(b, at);
        match *b.get(at)? {
            b'"' => return Some(at),
            b'\\' if escapes => {
                match *b.get(at + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => at += 2,
                    // Surrogate rules are serde's to apply.
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
}

/// A string (its span) or `null` (`None`) for a text field; anything else is serde's.
fn text_value(b: &[u8], at: usize) -> Option<(Option<(usize, usize)>, usize)> {
    match *b.get(at)? {
        b'"' => {
            let end = string_end(b, at + 1, false)?;
            Some((Some((at + 1, end)), end + 1))
        }
        b'n' if b.get(at..at + 4) == Some(b"null") => Some((None, at + 4)),
        _ => None,
    }
}

/// An integer (at most 18 digits, so exactly an f64 for the counts that matter), or
/// `null`, for a number field; a float, a string or anything else is serde's.
fn integer_value(b: &[u8], at: usize) -> Option<(Option<f64>, usize)> {
    if b.get(at..at + 4) == Some(b"null") {
        return Some((None, at + 4));
    }
    let negative = b.get(at) == Some(&b'-');
    let digits_from = at + usize::from(negative);
    let mut end = digits_from;
    let mut value: u64 = 0;
    while let Some(&c) = b.get(end) {
        if !c.is_ascii_digit() {
            break;
        }
        value = value * 10 + u64::from(c - b'0');
        end += 1;
        if end - digits_from > 18 {
            return None;
        }
    }
    let digits = end - digits_from;
    let leading_zero = digits > 1 && b[digits_from] == b'0';
    if digits == 0 || leading_zero || (negative && value == 0) {
        return None;
    }
    if matches!(b.get(end), Some(b'.' | b'e' | b'E')) {
        return None;
    }
    let value = value as f64;
    Some((Some(if negative { -value } else { value }), end))
}

/// Steps over one well-formed value, validating it; `None` for anything unsure.
fn skip_value(b: &[u8], at: usize, depth: u32) -> Option<usize> {
    match *b.get(at)? {
        b'"' => Some(string_end(b, at + 1, true)? + 1),
        b'{' => skip_object(b, at, depth, None),
        b'[' => {
            if depth >= DEPTH {
                return None;
            }
            let mut at = skip_ws(b, at + 1);
            if b.get(at) == Some(&b']') {
                return Some(at + 1);
            }
            loop {
                at = skip_ws(b, skip_value(b, at, depth + 1)?);
                match *b.get(at)? {
                    b',' => at = skip_ws(b, at + 1),
                    b']' => return Some(at + 1),
                    _ => return None,
                }
            }
        }
        b't' if b.get(at..at + 4) == Some(b"true") => Some(at + 4),
        b'f' if b.get(at..at + 5) == Some(b"false") => Some(at + 5),
        b'n' if b.get(at..at + 4) == Some(b"null") => Some(at + 4),
        b'-' | b'0'..=b'9' => number_end(b, at),
        _ => None,
    }
}

/// The end of a number in JSON's grammar: `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`.
fn number_end(b: &[u8], mut at: usize) -> Option<usize> {
    // Eight at a time: stats hold many long numbers (counts, bytes, times in ms).
    let digits = |b: &[u8], mut at: usize| {
        let from = at;
        while let Some(word) = swar::word_at(b, at) {
            let other = swar::non_digits(word);
            if other != 0 {
                at += swar::first(other);
                return (at > from).then_some(at);
            }
            at += 8;
        }
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        (at > from).then_some(at)
    };
    if b.get(at) == Some(&b'-') {
        at += 1;
    }
    at = match *b.get(at)? {
        b'0' => at + 1,
        b'1'..=b'9' => digits(b, at)?,
        _ => return None,
    };
    if b.get(at) == Some(&b'.') {
        at = digits(b, at + 1)?;
    }
    if matches!(b.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(b.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        at = digits(b, at)?;
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast(text: &str) -> Option<Job<'_>> {
        match job(text)? {
            Record::Job(job) => Some(*job),
            _ => None,
        }
    }

    #[test]
    fn remembered_key_orders_change_no_reading() {
        // Records that share keys in every way: the same order, another order, a key
        // that starts like another, spaces before a colon, an escaped key, keys missing,
        // a broken record whose keys are all known, stats of another shape.
        let records = [
            r#"{"key":"1/2/3","state":"finished","close_reason":"finished","items":5,"errors":0,"scrapystats":{"a":1,"log_count/ERROR":2}}"#,
            r#"{"key":"1/2/4","state":"finished","close_reason":"banned","items":7,"errors":1,"scrapystats":{"a":1,"log_count/ERROR":3}}"#,
            r#"{"key":"1/2/5","close_reason":"failed","state":"finished","items_scraped":9,"errors":2}"#,
            r#"{"key" :"1/2/6","state" : "running","items":1,"scrapystats":{"a" :1,"b":[{"c":2}]}}"#,
            r#"{"key":"1/2/7","st\u0061te":"x","close_reason":"finished"}"#,
            r#"{"key":"1/2/8","state":"finished","close_reason":"finished","items":5,"errors":0,"scrapystats":{"a":1,"log_count/ERROR":2}"#,
            r#"{"key":"1/2/9","state":"finished","close_reason":"finished","items":5,"errors":0,"scrapystats":{"a":1,"log_count/ERROR":}}"#,
            r#"{"key":"1/2/10","state":"finished","close_reason":"x\"y","items":5}"#,
            r#"{"id":"1/2/11","spider":"s","close_reason":"finished","items_scraped":3,"errors_count":0}"#,
            r#"{"id":"1/2/12","spider":"s","item_scraped_count":3}"#,
            r#"{"key":"1/2/13","state":"finished","close_reason":"finished","items":5,"errors":0,"scrapystats":{"a":1,"log_count/ERROR":2,"x":"\u00e9"}}"#,
            "{\n  \"key\": \"1/2/14\",\n  \"scrapystats\": {\n    \"a\": 1\n  }\n}",
            // Kinds that begin alike: sorted keys, and one without an optional field.
            r#"{"close_reason":"finished","errors":0,"items":5,"key":"1/2/15","scrapystats":{"a":1}}"#,
            r#"{"close_reason":"banned","elapsed":3,"errors_count":1,"id":"1/2/16","items_scraped":2}"#,
            r#"{"close_reason":"finished","errors":0,"key":"1/2/17","scrapystats":{"b":1,"a":2}}"#,
        ];
        let fresh = |text: &str| format!("{:?}", job_with(text, &mut Shapes::default()));
        // Every record read after every other (and after itself), twice over.
        for _ in 0..2 {
            for before in records {
                for text in records {
                    let _ = job(before);
                    assert_eq!(
                        format!("{:?}", job(text)),
                        fresh(text),
                        "after {before}: {text}"
                    );
                }
            }
        }
    }

    /// Whether some shape holds every top-level key of a flat record, each at its place.
    fn known(shapes: &Shapes, text: &str) -> bool {
        let b = text.as_bytes();
        let places: Vec<usize> = (0..b.len())
            .filter(|&i| b[i] == b'"' && i > 0 && matches!(b[i - 1], b'{' | b','))
            .collect();
        shapes.shapes.iter().any(|shape| {
            places
                .iter()
                .enumerate()
                .all(|(place, &at)| shape.keys.at(place, b, at).is_some())
        })
    }

    #[test]
    fn kinds_that_begin_alike_each_keep_their_order() {
        // Keys written in sorted order make the two API shapes begin alike, and a running
        // job lacks a finished one's `close_reason`: read in turn, each kind is met with
        // its own order, none is forgotten for another.
        let kinds = [
            r#"{"close_reason":"finished","errors":0,"items":5,"key":"1/2/3","state":"finished"}"#,
            r#"{"close_reason":"banned","elapsed":3,"errors_count":1,"id":"1/2/4","items_scraped":2}"#,
            r#"{"errors":0,"items":5,"key":"1/2/5","state":"running"}"#,
            r#"{"errors":0,"items":5,"key":"1/2/6","spider":"s","state":"running"}"#,
        ];
        let mut shapes = Shapes::default();
        for _ in 0..3 {
            for text in kinds {
                let fresh = format!("{:?}", job_with(text, &mut Shapes::default()));
                assert_eq!(format!("{:?}", job_with(text, &mut shapes)), fresh);
            }
        }
        for text in kinds {
            assert!(known(&shapes, text), "{text}");
        }
        assert!(shapes.shapes.len() <= SHAPES);
        // Once each kind has its place, reading them again, in any order, replaces none.
        let (count, next) = (shapes.shapes.len(), shapes.next);
        for i in [1, 1, 3, 1, 3, 3, 0, 2] {
            assert!(job_with(kinds[i], &mut shapes).is_some());
            assert_eq!((shapes.shapes.len(), shapes.next), (count, next), "{i}");
        }
        for text in kinds {
            assert!(known(&shapes, text), "{text}");
        }
    }

    #[test]
    fn records_it_gives_up_on_do_not_push_out_the_shapes_it_knows() {
        let mut shapes = Shapes::default();
        let record = r#"{"key":"1/2/3","close_reason":"finished"}"#;
        assert!(job_with(record, &mut shapes).is_some());
        for i in 0..2 * SHAPES {
            let other = format!(r#"{{"message":"line {i}","time":1}}"#);
            assert!(job_with(&other, &mut shapes).is_none());
        }
        let kept = |shapes: &Shapes| {
            shapes
                .shapes
                .iter()
                .any(|shape| shape.keys.first() == Some(&br#""key":"#[..]))
        };
        assert!(kept(&shapes));
        // Other kinds of records do take the places in turn.
        for i in 0..SHAPES {
            let other = format!(r#"{{"k{i}":1,"close_reason":"x"}}"#);
            assert!(job_with(&other, &mut shapes).is_some());
        }
        assert!(!kept(&shapes));
        assert!(shapes.shapes.len() <= SHAPES);
    }

    #[test]
    fn keys_in_every_order_stop_the_learning_not_the_reading() {
        let mut shapes = Shapes::default();
        let firsts = |shapes: &Shapes| -> Vec<Option<Vec<u8>>> {
            let first = |shape: &Shape| shape.keys.first().map(<[u8]>::to_vec);
            shapes.shapes.iter().map(first).collect()
        };
        for i in 0..64 {
            let text = format!(r#"{{"k{i}":1,"close_reason":"x"}}"#);
            assert!(job_with(&text, &mut shapes).is_some());
        }
        let before = firsts(&shapes);
        let text = r#"{"k999":1,"close_reason":"x","scrapystats":{"a":1}}"#;
        let fresh = format!("{:?}", job_with(text, &mut Shapes::default()));
        assert_eq!(format!("{:?}", job_with(text, &mut shapes)), fresh);
        // Nothing learnt: no shape replaced, the idle one still empty.
        assert_eq!(firsts(&shapes), before);
        assert!(shapes.idle.keys.first().is_none() && shapes.idle.stats.first().is_none());
        // Records of a known shape are still met with it, and learning comes back.
        let known = before.first().cloned().flatten().expect("a shape learnt");
        let known = format!(
            r#"{{{}2,"close_reason":"y"}}"#,
            String::from_utf8_lossy(&known)
        );
        for _ in 0..4 * SHAPES_HISTORY {
            assert!(job_with(&known, &mut shapes).is_some());
        }
        assert!(job_with(text, &mut shapes).is_some());
        assert!(firsts(&shapes).contains(&Some(br#""k999":"#.to_vec())));
    }

    #[test]
    fn reads_the_common_shapes() {
        let j = fast(r#"{"key":"1/2/3","close_reason":"finished","items":5,"errors":0,"tags":["a"],"scrapystats":{"a":1.5e3,"b":[true,null,"x\"y"]}}"#)
            .expect("fast");
        assert_eq!(j.key.as_deref(), Some("1/2/3"));
        assert_eq!(j.close_reason.as_deref(), Some("finished"));
        assert_eq!((j.items, j.errors), (Some(5), Some(0)));
        assert_eq!(j.raw_stats, Some(r#"{"a":1.5e3,"b":[true,null,"x\"y"]}"#));
        let legacy = fast(
            r#" {"id": "1/2/4", "items_scraped": 7, "errors_count": null, "spider_args": {}} "#,
        )
        .expect("fast");
        assert_eq!(legacy.key.as_deref(), Some("1/2/4"));
        assert_eq!((legacy.items, legacy.errors), (Some(7), None));
    }

    #[test]
    fn pretty_printed_records_read_as_compact_ones() {
        // Indentation of every width around the eight-byte steps, tabs and CRLF among it,
        // and bytes right after it that are not whitespace (which must stop the skip).
        for width in 0..20 {
            for newline in ["\n", "\r\n", "\n\t", "\n \t"] {
                let pad = format!("{newline}{}", " ".repeat(width));
                let text = format!(
                    r#"{{{pad}"key":{pad}"1/2/3",{pad}"close_reason": "finished",{pad}"scrapystats": {{{pad}"a": [1,{pad}2]{pad}}}{pad}}}"#
                );
                let j = fast(&text).unwrap_or_else(|| panic!("{text:?}"));
                assert_eq!(j.key.as_deref(), Some("1/2/3"));
                assert_eq!(j.close_reason.as_deref(), Some("finished"));
                let bad = format!(r#"{{{pad}"close_reason":{pad}!"x"}}"#);
                assert!(fast(&bad).is_none(), "{bad:?}");
                let bad = format!(r#"{{{pad}"close_reason":"x",{pad}"a":{pad}1{pad}!}}"#);
                assert!(fast(&bad).is_none(), "{bad:?}");
            }
        }
    }

    #[test]
    fn negative_numbers_keep_their_sign() {
        let j = fast(
            r#"{"close_reason":"x","items":-5,"errors":-1,"running_time":-3,"finished_time":-70}"#,
        )
        .expect("fast");
        assert_eq!((j.items, j.errors), (None, None));
        assert_eq!((j.running_time, j.finished_time), (Some(-3.0), Some(-70.0)));
        let j = fast(r#"{"close_reason":"x","items":0,"finished_time":12}"#).expect("fast");
        assert_eq!((j.items, j.finished_time), (Some(0), Some(12.0)));
    }

    #[test]
    fn any_one_field_of_a_job_makes_a_job() {
        for text in [
            r#"{"key":"1/2/3"}"#,
            r#"{"id":"1/2/3"}"#,
            r#"{"spider":"books"}"#,
            r#"{"state":"running"}"#,
            r#"{"close_reason":"finished"}"#,
            r#"{"items":1}"#,
            r#"{"items_scraped":1}"#,
            r#"{"errors":1}"#,
            r#"{"errors_count":1}"#,
            r#"{"running_time":1}"#,
            r#"{"finished_time":1}"#,
            r#"{"scrapystats":{}}"#,
            r#"{"cancelled_by":"alice"}"#,
            r#"{"pages":3}"#,
            r#"{"responses_received":3}"#,
            r#"{"responses_crawled":3}"#,
            r#"{"units":1}"#,
            r#"{"tags":["a"]}"#,
        ] {
            assert!(fast(text).is_some(), "{text}");
        }
        let j = fast(r#"{"spider":"books","state":"running","finished_time":7}"#).expect("fast");
        assert_eq!(j.spider.as_deref(), Some("books"));
        assert_eq!(j.state.as_deref(), Some("running"));
        assert_eq!(j.finished_time, Some(7.0));
        // Only what a verdict needs: fields of cards are stepped over, not read.
        let j = fast(r#"{"close_reason":"x","pages":3,"units":2,"tags":["a"],"cancelled_by":"b"}"#)
            .expect("fast");
        assert_eq!(
            (j.pages, j.units, j.tags.len(), j.cancelled_by),
            (None, None, 0, None)
        );
    }

    #[test]
    fn leaves_to_serde_what_it_does_not_take() {
        for text in [
            r#"{"key":"a\"b","close_reason":"finished"}"#,
            r#"{"close_reason":"finished","items":1.0}"#,
            r#"{"close_reason":"finished","items":"5"}"#,
            r#"{"close_reason":"finished","items":1e400}"#,
            r#"{"close_reason":"finished","items":0123}"#,
            r#"{"close_reason":"finished","items":-0}"#,
            r#"{"close_reason":"finished","items":1234567890123456789}"#,
            r#"{"jobs":[]}"#,
            r#"{"message":"x","time":1}"#,
            r#"{"finish_reason":"finished"}"#,
            r#"{"item_scraped_count":1,"close_reason":"finished"}"#,
            r#"{"close_reason":"finished"} x"#,
            r#"{"close_reason":"finished",}"#,
            r#"{"close_reason":"finished","x":"\u00e9"}"#,
            "{\"close_reason\":\"fini\u{1}shed\"}",
            r#"{"close_reason":"finished","x":[1,]}"#,
            r#"{"close_reason":"finished","x":tru}"#,
            r#"{"close_reason":"finished","x":trux,"y":1}"#,
            r#"{"close_reason":"finished","x":falsy,"y":1}"#,
            r#"{"close_reason":"finished","x":nulL,"y":1}"#,
            r#"{"close_reason":"finished","x":[nul1]}"#,
            r#"{"key":nope,"close_reason":"x"}"#,
            r#"{"close_reason":"x","x":1.,"y":1}"#,
            r#"{"close_reason":"x","x":2e,"y":1}"#,
            r#"{"close_reason":"x","x":3e+,"y":1}"#,
            r#"{"close_reason":"x","x":-,"y":1}"#,
            r#"{"other":1}"#,
            r#"{}"#,
            r#"["finished"]"#,
            r#"{"close_reason":"finished""#,
        ] {
            assert!(fast(text).is_none(), "{text}");
        }
        let deep = format!(
            r#"{{"close_reason":"x","a":{}1{}}}"#,
            "[".repeat(70),
            "]".repeat(70)
        );
        assert!(fast(&deep).is_none());
        let deep_objects = format!(
            r#"{{"close_reason":"x","a":{}1{}}}"#,
            r#"{"k":"#.repeat(70),
            "}".repeat(70)
        );
        assert!(fast(&deep_objects).is_none());
        let fine = format!(
            r#"{{"close_reason":"x","a":{}1{}}}"#,
            "[".repeat(60),
            "]".repeat(60)
        );
        assert!(fast(&fine).is_some());
    }

    #[test]
    fn the_string_scan_finds_every_special_byte() {
        // After the opening quote at 0: where the closing quote is, or None.
        for (text, want) in [
            ("\"abcdefghijklmnop\"", Some(17)),
            ("\"abc\"defghijk", Some(4)),
            ("\"\"", Some(1)),
            ("\"日本語\"", Some("\"日本語".len())),
            ("\"ab\u{7f}c\"", Some(5)),
            ("\"abc\u{1f}def\"", None),
            ("\"abc\u{0}\"", None),
            ("\"abcdefg", None),
            ("\"ab\\\"c\"", None),
        ] {
            assert_eq!(string_end(text.as_bytes(), 1, false), want, "{text:?}");
        }
        // Every stop byte at every place around the eight-byte steps, after every kind of
        // byte that is not one (UTF-8 and DEL included).
        for filler in [b'a', b' ', 0x7f, 0xc3, 0xff] {
            for len in 0..26 {
                for stop in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
                    let mut text = vec![b'"'];
                    text.extend(std::iter::repeat_n(filler, len));
                    text.push(stop);
                    text.extend_from_slice(b"tail\"");
                    let want = (stop == b'"').then_some(len + 1);
                    assert_eq!(string_end(&text, 1, false), want, "{text:?}");
                }
                let mut open = vec![b'"'];
                open.extend(std::iter::repeat_n(filler, len));
                assert_eq!(string_end(&open, 1, false), None, "{open:?}");
            }
        }
        // With escapes allowed, the simple ones are stepped over.
        assert_eq!(string_end(br#""a\"b\\c\/d\ne""#, 1, true), Some(14));
        assert_eq!(string_end(br#""a\u00e9""#, 1, true), None);
        assert_eq!(string_end(br#""a\q""#, 1, true), None);
        assert_eq!(string_end(b"\"a\\", 1, true), None);
    }
}
