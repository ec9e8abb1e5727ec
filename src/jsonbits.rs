//! Which of 64 bytes a JSON splitter must look at: quotes, backslashes, brackets and
//! newlines, as one bit each. The splitter of multi-line documents runs on one thread
//! while every other core parses the records it finds, so its cost per byte bounds how
//! fast a pretty-printed array is read; a bit mask lets it jump from one byte that
//! matters to the next instead of testing every byte.
//!
//! On x86-64 the 64 bytes are compared 16 at a time with SSE2 (part of every x86-64
//! CPU, so there is nothing to detect); elsewhere, eight at a time in a `u64`. The
//! `unsafe` is here alone: the SSE2 loads, of 16 bytes that `chunks_exact` guarantees,
//! and the call into SSE2 code, which the build's target guarantees. A test holds both
//! versions to the plain definition.

/// Bit `k` is set when `block[k]` is `"`, `\`, `{`, `}`, `[`, `]` or `\n`.
#[inline]
pub fn marks(block: &[u8; 64]) -> u64 {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        // SAFETY: the function needs SSE2, which this build targets (the `cfg` above).
        unsafe { sse2::marks(block) }
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        portable(block)
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };

    // The attribute lets the intrinsics inside be called without `unsafe`.
    #[inline]
    #[target_feature(enable = "sse2")]
    pub fn marks(block: &[u8; 64]) -> u64 {
        let mut bits = 0u64;
        for (i, part) in block.chunks_exact(16).enumerate() {
            // SAFETY: `part` is 16 bytes long (`chunks_exact`), exactly what an unaligned
            // 128-bit load reads, and SSE2 is part of the x86-64 baseline.
            let bytes = unsafe { _mm_loadu_si128(part.as_ptr().cast::<__m128i>()) };
            bits |= u64::from(sixteen(bytes)) << (16 * i);
        }
        bits
    }

    #[inline]
    #[target_feature(enable = "sse2")]
    fn sixteen(bytes: __m128i) -> u16 {
        let is = |byte: u8| _mm_cmpeq_epi8(bytes, _mm_set1_epi8(byte as i8));
        // `[` and `]` are `{` and `}` without the 0x20 bit, and no other byte becomes
        // `{` or `}` with that bit set.
        let folded = _mm_or_si128(bytes, _mm_set1_epi8(0x20));
        let bracket = _mm_or_si128(
            _mm_cmpeq_epi8(folded, _mm_set1_epi8(b'{' as i8)),
            _mm_cmpeq_epi8(folded, _mm_set1_epi8(b'}' as i8)),
        );
        let all = _mm_or_si128(
            _mm_or_si128(is(b'"'), is(b'\\')),
            _mm_or_si128(is(b'\n'), bracket),
        );
        _mm_movemask_epi8(all) as u16
    }
}

/// Eight bytes at a time: a byte is marked when it is zero after an exclusive or with one
/// of the bytes that matter, tested exactly for every byte (no carry crosses a byte).
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn portable(block: &[u8; 64]) -> u64 {
    const LOW7: u64 = u64::from_ne_bytes([0x7f; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let splat = |byte: u8| u64::from_ne_bytes([byte; 8]);
    let nonzero = |x: u64| ((x & LOW7).wrapping_add(LOW7) | x) & HIGHS;
    let mut bits = 0u64;
    for (i, chunk) in block.chunks_exact(8).enumerate() {
        let mut eight = [0; 8];
        eight.copy_from_slice(chunk);
        let word = u64::from_le_bytes(eight);
        let folded = word | splat(0x20);
        let none = nonzero(word ^ splat(b'"'))
            & nonzero(word ^ splat(b'\\'))
            & nonzero(word ^ splat(b'\n'))
            & nonzero(folded ^ splat(b'{'))
            & nonzero(folded ^ splat(b'}'));
        let marked = !none & HIGHS;
        // The high bit of byte k to bit k: a multiply gathers the eight into the top byte.
        let gathered = ((marked >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u8;
        bits |= u64::from(gathered) << (8 * i);
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `marks` is to find, byte by byte.
    fn matters(byte: u8) -> bool {
        matches!(byte, b'"' | b'\\' | b'{' | b'}' | b'[' | b']' | b'\n')
    }

    fn plain(block: &[u8; 64]) -> u64 {
        block
            .iter()
            .enumerate()
            .filter(|(_, &b)| matters(b))
            .fold(0, |bits, (k, _)| bits | 1 << k)
    }

    #[test]
    fn every_byte_value_is_marked_as_defined_at_every_place() {
        for fill in [0u8, b'a', b'"', b'[', 0xff] {
            for place in 0..64 {
                for byte in 0..=255u8 {
                    let mut block = [fill; 64];
                    block[place] = byte;
                    assert_eq!(marks(&block), plain(&block), "{byte:#x} at {place}");
                    assert_eq!(portable(&block), plain(&block), "{byte:#x} at {place}");
                }
            }
        }
    }

    #[test]
    fn mixed_blocks_are_marked_as_defined() {
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
            assert_eq!(marks(&block), plain(&block), "{block:?}");
            assert_eq!(portable(&block), plain(&block), "{block:?}");
        }
    }
}
