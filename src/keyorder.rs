//! The order of an object's keys, remembered from one record to the next. Records of one
//! source (an API, a script's `json.dump`) write their keys in the same order, so the key
//! at each place is first compared, as bytes, with the key that stood there last time:
//! one comparison instead of finding where the key ends and telling which key it is. A
//! key that differs is read as usual and takes that place.
//!
//! What is kept is the exact text of each key from its opening quote to its colon, as
//! its reader found it valid; so when those bytes are found again, they are that same
//! valid key, and the colon after it is there.

/// Keys kept per object: the rest of a longer object is read as usual.
const KEYS: usize = 64;
/// The longest key text kept (quotes and colon included).
const KEY_TEXT: usize = 64;

/// The keys of one kind of object, in the order last seen, each with what its reader
/// made of it (`T`). Held in place, not on the heap: a source whose keys come in another
/// order every time relearns every key of every record, and must not pay an allocation
/// for each.
#[derive(Debug)]
pub struct KeyOrder<T> {
    keys: Vec<(KeyText, T)>,
}

#[derive(Debug, Clone)]
struct KeyText {
    len: u8,
    bytes: [u8; KEY_TEXT],
}

impl KeyText {
    fn get(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl<T> Default for KeyOrder<T> {
    fn default() -> Self {
        KeyOrder { keys: Vec::new() }
    }
}

impl<T: Copy> KeyOrder<T> {
    /// When `bytes[at..]` starts with the key kept for place `place`: the length of its
    /// text (through the colon) and what it was.
    #[inline]
    pub fn at(&self, place: usize, bytes: &[u8], at: usize) -> Option<(usize, T)> {
        let (text, tag) = self.keys.get(place)?;
        let text = text.get();
        let found = bytes.get(at..at.checked_add(text.len())?)?;
        same(found, text).then_some((text.len(), *tag))
    }

    /// Keeps `text` (a valid key from its opening quote through its colon) for `place`;
    /// the places after it are forgotten, since a record that differs here most likely
    /// differs after too.
    pub fn learn(&mut self, place: usize, text: &[u8], tag: T) {
        let len = match u8::try_from(text.len()) {
            Ok(len) if text.len() <= KEY_TEXT && place < KEYS && place <= self.keys.len() => len,
            _ => return,
        };
        let mut bytes = [0; KEY_TEXT];
        bytes[..text.len()].copy_from_slice(text);
        self.keys.truncate(place);
        self.keys.push((KeyText { len, bytes }, tag));
    }

    /// The text of the first key, if any.
    pub fn first(&self) -> Option<&[u8]> {
        self.keys.first().map(|(text, _)| text.get())
    }

    pub fn clear(&mut self) {
        self.keys.clear();
    }

    /// How many places are kept.
    pub fn places(&self) -> usize {
        self.keys.len()
    }

    /// Whether both keep the same keys at the first `places` places.
    pub fn same_prefix(&self, other: &KeyOrder<T>, places: usize) -> bool {
        match (self.keys.get(..places), other.keys.get(..places)) {
            (Some(mine), Some(theirs)) => mine
                .iter()
                .zip(theirs)
                .all(|((a, _), (b, _))| same(a.get(), b.get())),
            _ => false,
        }
    }

    /// Keeps the first `places` places of `other` (all of them when it has fewer), and
    /// nothing after.
    pub fn copy_prefix(&mut self, other: &KeyOrder<T>, places: usize) {
        self.keys.clear();
        let kept = &other.keys[..places.min(other.keys.len())];
        self.keys
            .extend(kept.iter().map(|(text, tag)| (text.clone(), *tag)));
    }
}

/// Whether two slices of one length hold the same bytes, compared a word at a time (the
/// last word overlapping the one before): keys are a few words long, and a call to
/// `memcmp` costs more than comparing them.
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        let word = |s: &[u8], at: usize| {
            s.get(at..at + 4)
                .and_then(|four| <[u8; 4]>::try_from(four).ok())
                .map(u32::from_ne_bytes)
        };
        return match n {
            0..4 => a.iter().zip(b).all(|(x, y)| x == y),
            _ => word(a, 0) == word(b, 0) && word(a, n - 4) == word(b, n - 4),
        };
    }
    let word = |s: &[u8], at: usize| crate::swar::word_at(s, at);
    let mut at = 0;
    while at + 8 < n {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_key_is_found_only_where_its_exact_text_stands() {
        let mut order = KeyOrder::default();
        order.learn(0, br#""key":"#, 1);
        order.learn(1, br#""state" :"#, 2);
        let text = br#"{"key":"1","state" :"x","states":1}"#;
        assert_eq!(order.at(0, text, 1), Some((6, 1)));
        assert_eq!(order.at(1, text, 11), Some((9, 2)));
        // Another key, a key that only starts the same, the end of the text.
        assert_eq!(order.at(0, text, 11), None);
        assert_eq!(order.at(1, text, 23), None);
        assert_eq!(order.at(1, text, text.len() - 3), None);
        assert_eq!(order.at(2, text, 1), None);
        assert_eq!(order.at(0, text, usize::MAX), None);
    }

    #[test]
    fn bytes_are_the_same_only_when_every_one_is() {
        for n in 0..40 {
            let a: Vec<u8> = (0..n as u8).map(|k| k.wrapping_mul(37) ^ 0x5a).collect();
            assert!(same(&a, &a.clone()), "{n}");
            for k in 0..n {
                for flip in [0x01, 0x80, 0xff] {
                    let mut b = a.clone();
                    b[k] ^= flip;
                    assert!(!same(&a, &b), "{n} {k} {flip}");
                }
            }
            assert!(!same(&a, &a[..n.saturating_sub(1)]) || n == 0);
        }
    }

    #[test]
    fn prefixes_are_compared_and_copied_place_by_place() {
        let mut one = KeyOrder::default();
        let mut two = KeyOrder::default();
        for (place, key) in [br#""a":"#, br#""b":"#, br#""c":"#].into_iter().enumerate() {
            one.learn(place, key, place);
            two.learn(place, key, place);
        }
        two.learn(2, br#""x":"#, 9);
        assert!(one.same_prefix(&two, 0) && one.same_prefix(&two, 2));
        assert!(!one.same_prefix(&two, 3));
        // More places than either keeps.
        assert!(!one.same_prefix(&one, 4));
        let mut copy = KeyOrder::default();
        copy.learn(0, br#""z":"#, 7);
        copy.copy_prefix(&two, 2);
        assert_eq!(copy.places(), 2);
        assert!(copy.same_prefix(&one, 2));
        assert_eq!(copy.at(1, br#""b":"#, 0), Some((4, 1)));
        assert_eq!(copy.at(2, br#""x":"#, 0), None);
        copy.copy_prefix(&two, 10);
        assert_eq!(copy.at(2, br#""x":"#, 0), Some((4, 9)));
    }

    #[test]
    fn a_new_key_forgets_the_places_after_it() {
        let mut order = KeyOrder::default();
        for (place, key) in [br#""a":"#, br#""b":"#, br#""c":"#].into_iter().enumerate() {
            order.learn(place, key, place);
        }
        order.learn(1, br#""x":"#, 9);
        assert_eq!(order.at(1, br#""x":"#, 0), Some((4, 9)));
        assert_eq!(order.at(2, br#""c":"#, 0), None);
        // A place beyond the ones known, a key too long, too many keys: not kept.
        order.learn(5, br#""z":"#, 0);
        assert_eq!(order.at(5, br#""z":"#, 0), None);
        let long = format!("\"{}\":", "k".repeat(KEY_TEXT));
        order.learn(2, long.as_bytes(), 0);
        assert_eq!(order.at(2, long.as_bytes(), 0), None);
        for place in 2..KEYS + 5 {
            order.learn(place, br#""k":"#, place);
        }
        assert_eq!(order.at(KEYS - 1, br#""k":"#, 0), Some((4, KEYS - 1)));
        assert_eq!(order.at(KEYS, br#""k":"#, 0), None);
    }
}
