//! Which of 64 bytes a JSON splitter must look at, as one bit a byte in four masks:
//! quotes, backslashes, newlines and brackets. The splitter of multi-line documents runs
//! on one thread while every other core parses the records it finds, so its cost per
//! byte bounds how fast a pretty-printed array is read; masks let it tell which bytes lie
//! inside strings for 64 bytes at once (`inside_strings`) and visit only the brackets
//! outside them.
//!
//! On x86-64 the 64 bytes are compared 16 at a time with SSE2 (part of every x86-64
//! CPU, so there is nothing to detect); elsewhere, eight at a time in a `u64`. The
//! `unsafe` is here alone: the SSE2 loads, of 16 bytes that `chunks_exact` guarantees,
//! and the call into SSE2 code, which the build's target guarantees. A test holds both
//! versions to the plain definition.

/// Bit `k` of each mask stands for `block[k]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Classes {
    pub quote: u64,
    pub backslash: u64,
    pub newline: u64,
    /// `{`, `}`, `[` and `]`.
    pub bracket: u64,
}

#[inline]
pub fn classes(block: &[u8; 64]) -> Classes {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        // SAFETY: the function needs SSE2, which this build targets (the `cfg` above).
        unsafe { sse2::classes(block) }
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        portable(block)
    }
}

/// For a block without escapes: bit `k` is set when byte `k` is an opening quote or lies
/// after one before its closing quote, given whether the block begins inside a string.
/// Each quote flips the state, so the mask is the running parity of the quotes (a prefix
/// XOR, done in six shifts).
#[inline]
pub const fn inside_strings(quote: u64, starts_inside: bool) -> u64 {
    let mut x = quote;
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    if starts_inside {
        !x
    } else {
        x
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use super::Classes;
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };

    // The attribute lets the intrinsics inside be called without `unsafe`.
    #[inline]
    #[target_feature(enable = "sse2")]
    pub fn classes(block: &[u8; 64]) -> Classes {
        let mut classes = Classes::default();
        for (i, part) in block.chunks_exact(16).enumerate() {
            // SAFETY: `part` is 16 bytes long (`chunks_exact`), exactly what an unaligned
            // 128-bit load reads, and SSE2 is part of the x86-64 baseline.
            let bytes = unsafe { _mm_loadu_si128(part.as_ptr().cast::<__m128i>()) };
            let is = |byte: u8| _mm_cmpeq_epi8(bytes, _mm_set1_epi8(byte as i8));
            let bits = |mask: __m128i| u64::from(_mm_movemask_epi8(mask) as u16) << (16 * i);
            // `[` and `]` are `{` and `}` without the 0x20 bit, and no other byte becomes
            // `{` or `}` with that bit set.
            let folded = _mm_or_si128(bytes, _mm_set1_epi8(0x20));
            let bracket = _mm_or_si128(
                _mm_cmpeq_epi8(folded, _mm_set1_epi8(b'{' as i8)),
                _mm_cmpeq_epi8(folded, _mm_set1_epi8(b'}' as i8)),
            );
            classes.quote |= bits(is(b'"'));
            classes.backslash |= bits(is(b'\\'));
            classes.newline |= bits(is(b'\n'));
            classes.bracket |= bits(bracket);
        }
        classes
    }
}

/// Eight bytes at a time: a byte is marked when it is zero after an exclusive or with one
/// of the bytes that matter, tested exactly for every byte (no carry crosses a byte).
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn portable(block: &[u8; 64]) -> Classes {
    const LOW7: u64 = u64::from_ne_bytes([0x7f; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let splat = |byte: u8| u64::from_ne_bytes([byte; 8]);
    let zero = |x: u64| !(((x & LOW7).wrapping_add(LOW7) | x) & HIGHS) & HIGHS;
    // The high bit of byte k to bit k: a multiply gathers the eight into the top byte.
    let gather = |marked: u64| ((marked >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u8;
    let mut classes = Classes::default();
    for (i, chunk) in block.chunks_exact(8).enumerate() {
        let mut eight = [0; 8];
        eight.copy_from_slice(chunk);
        let word = u64::from_le_bytes(eight);
        let folded = word | splat(0x20);
        let bits = |marked: u64| u64::from(gather(marked)) << (8 * i);
        classes.quote |= bits(zero(word ^ splat(b'"')));
        classes.backslash |= bits(zero(word ^ splat(b'\\')));
        classes.newline |= bits(zero(word ^ splat(b'\n')));
        classes.bracket |= bits(zero(folded ^ splat(b'{')) | zero(folded ^ splat(b'}')));
    }
    classes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(block: &[u8; 64]) -> Classes {
        let mask = |set: &[u8]| {
            block
                .iter()
                .enumerate()
                .filter(|(_, b)| set.contains(b))
                .fold(0, |bits, (k, _)| bits | 1 << k)
        };
        Classes {
            quote: mask(b"\""),
            backslash: mask(b"\\"),
            newline: mask(b"\n"),
            bracket: mask(b"{}[]"),
        }
    }

    #[test]
    fn every_byte_value_is_classed_as_defined_at_every_place() {
        for fill in [0u8, b'a', b'"', b'[', 0xff] {
            for place in 0..64 {
                for byte in 0..=255u8 {
                    let mut block = [fill; 64];
                    block[place] = byte;
                    assert_eq!(classes(&block), plain(&block), "{byte:#x} at {place}");
                    assert_eq!(portable(&block), plain(&block), "{byte:#x} at {place}");
                }
            }
        }
    }

    #[test]
    fn mixed_blocks_are_classed_as_defined() {
        // A fixed pseudo-random sequence, with the bytes that matter made common.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..2000 {
            let mut block = [0u8; 64];
            for b in block.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let pick = (state >> 32) as u8;
                *b = match pick % 4 {
                    0 => b"\"\\{}[]\n"[usize::from(pick / 4) % 7],
                    _ => pick,
                };
            }
            assert_eq!(classes(&block), plain(&block), "{block:?}");
            assert_eq!(portable(&block), plain(&block), "{block:?}");
        }
    }

    /// The running parity of the quotes, bit by bit, for quotes at every pair of places.
    #[test]
    fn inside_strings_is_the_running_parity_of_the_quotes() {
        let plain = |quote: u64, starts_inside: bool| {
            let mut inside = starts_inside;
            (0..64).fold(0u64, |mask, k| {
                if quote >> k & 1 == 1 {
                    inside = !inside;
                }
                mask | u64::from(inside) << k
            })
        };
        for a in 0..64 {
            for b in a..64 {
                for extra in [0u64, 1 << 63, 0x8000_0001_0000_0010] {
                    let quote = 1u64 << a | 1 << b | extra;
                    for starts_inside in [false, true] {
                        assert_eq!(
                            inside_strings(quote, starts_inside),
                            plain(quote, starts_inside),
                            "{quote:#x} {starts_inside}"
                        );
                    }
                }
            }
        }
        assert_eq!(inside_strings(0, false), 0);
        assert_eq!(inside_strings(0, true), !0);
    }
}
