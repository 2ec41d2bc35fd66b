//! The hasher of the maps keyed by slot ids and tensor names.

/// Slot ids are addresses: distinct, so a multiply spreads them well enough; names (the
/// checkpoint loader's keys) take FxHash's rotate-xor-multiply, eight bytes at a time. Written
/// by hand because std only ships the (slower, DoS-resistant) SipHash, and the keys are the
/// module's own names and a checkpoint's, not an attacker's choice of collisions.
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let (words, rest) = bytes.as_chunks::<8>();
        for w in words {
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(*w)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(last) ^ bytes.len() as u64)
            .wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn write_usize(&mut self, id: usize) {
        self.0 = ((id as u64) >> 4).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

pub(crate) type IdSet = std::collections::HashSet<usize, std::hash::BuildHasherDefault<IdHasher>>;
/// A map keyed by slot ids or names, with the same hasher.
pub(crate) type IdMap<V> = std::collections::HashMap<usize, V, std::hash::BuildHasherDefault<IdHasher>>;
/// A map keyed by names, with the same hasher.
pub(crate) type NameMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<IdHasher>>;
