//! Finding the first byte of a small set, eight bytes at a time in one `u64` (SWAR: SIMD
//! within a register), without `unsafe` and on every target. The JSON readers stop at a
//! few bytes (quotes, brackets, newlines) in runs that are mostly 5 to 40 bytes long:
//! there a library search's set-up costs more than it saves, and a table look-up a byte
//! costs a branch a byte.
//!
//! A mask marks a byte by setting its high bit. Each mask below may also mark bytes
//! above its first true mark (a borrow or a carry runs upwards from one), never below,
//! so the lowest mark of any union of masks is a true one, and `first` is exact.

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// The eight bytes from `at` as one word, the first byte lowest; `None` when fewer remain.
#[inline]
pub fn word_at(bytes: &[u8], at: usize) -> Option<u64> {
    let chunk = bytes.get(at..at.checked_add(8)?)?;
    let mut word = [0; 8];
    word.copy_from_slice(chunk);
    Some(u64::from_le_bytes(word))
}

/// `byte` in every byte of a word.
#[inline]
const fn splat(byte: u8) -> u64 {
    ONES * byte as u64
}

/// Marks the bytes of `word` equal to `byte`.
#[inline]
pub const fn equal(word: u64, byte: u8) -> u64 {
    let x = word ^ splat(byte);
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// Marks the bytes of `word` below `limit` (at most 0x80).
#[inline]
pub const fn below(word: u64, limit: u8) -> u64 {
    word.wrapping_sub(splat(limit)) & !word & HIGHS
}

/// Marks the bytes of `word` other than `byte`: exact for every byte, not only the lowest
/// (no carry crosses a byte), so it is safe to complement.
#[inline]
pub const fn other_than(word: u64, byte: u8) -> u64 {
    let x = word ^ splat(byte);
    ((x & !HIGHS).wrapping_add(!HIGHS) | x) & HIGHS
}

/// Marks the bytes of `word` that are not ASCII digits: exact for every byte (each sum
/// stays within its byte).
#[inline]
pub const fn non_digits(word: u64) -> u64 {
    let low = word & !HIGHS;
    let from_0 = low.wrapping_add(splat(0x80 - b'0'));
    let past_9 = low.wrapping_add(splat(0x80 - b'9' - 1));
    !(from_0 & !past_9 & !word) & HIGHS
}

/// Where in the word the lowest mark is (0 to 7); `marks` must not be 0.
#[inline]
pub const fn first(marks: u64) -> usize {
    (marks.trailing_zeros() / 8) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_digits_are_marked_exactly_at_every_place() {
        for fill in [b'0', b'5', b'9', b'a', 0x00, 0x80, 0xb0, 0xff] {
            for place in 0..8 {
                for byte in 0..=255u8 {
                    let mut bytes = [fill; 8];
                    bytes[place] = byte;
                    let word = word_at(&bytes, 0).expect("eight bytes");
                    let want = bytes
                        .iter()
                        .enumerate()
                        .filter(|(_, b)| !b.is_ascii_digit())
                        .fold(0u64, |marks, (k, _)| marks | 0x80 << (8 * k));
                    assert_eq!(non_digits(word), want, "{bytes:?}");
                }
            }
        }
    }

    /// Every mask against the plain definition, for a stop byte at every place among
    /// every kind of other byte (so that borrows and carries are exercised).
    #[test]
    fn the_lowest_mark_is_the_first_match() {
        let fillers = [0x00, 0x01, 0x1f, 0x20, b'"', b'a', 0x7f, 0x80, 0xc3, 0xff];
        for &filler in &fillers {
            for &stop in &fillers {
                for place in 0..8 {
                    for after in [filler, stop, 0x00, 0xff] {
                        let mut bytes = [filler; 8];
                        bytes[place] = stop;
                        for b in bytes.iter_mut().skip(place + 1) {
                            *b = after;
                        }
                        let word = word_at(&bytes, 0).expect("eight bytes");
                        for target in [0x00, b'"', b'\\', b'{', 0xff] {
                            let want = bytes.iter().position(|&b| b == target);
                            let marks = equal(word, target);
                            assert_eq!((marks != 0).then(|| first(marks)), want, "{bytes:?}");
                        }
                        for target in [b' ', 0x00, 0x7f, 0xff] {
                            let marks = other_than(word, target);
                            for (i, &b) in bytes.iter().enumerate() {
                                let marked = marks >> (8 * i) & 0x80 != 0;
                                assert_eq!(marked, b != target, "{bytes:?} {target}");
                            }
                        }
                        for limit in [0x01, 0x20, 0x30, 0x80] {
                            let want = bytes.iter().position(|&b| b < limit);
                            let marks = below(word, limit);
                            assert_eq!((marks != 0).then(|| first(marks)), want, "{bytes:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn words_are_read_in_order_and_only_whole() {
        let bytes: Vec<u8> = (1..=10).collect();
        assert_eq!(word_at(&bytes, 0), Some(0x0807_0605_0403_0201));
        assert_eq!(word_at(&bytes, 2), Some(0x0a09_0807_0605_0403));
        assert_eq!(word_at(&bytes, 3), None);
        assert_eq!(word_at(&bytes, usize::MAX), None);
    }
}
