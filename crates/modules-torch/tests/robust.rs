//! `read` must return, never panic, on damaged files: systematic byte mutations of every
//! fixture, plus proptest-driven ones. Crashes found by fuzzing are pinned in `regressions`.

mod common;

use std::sync::OnceLock;

use proptest::prelude::*;

/// A small deterministic generator, so failures reproduce without a seed file.
struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn regressions() {
    let mut seen = 0;
    for (name, bytes) in common::all_fixtures() {
        if name.starts_with("regression_") {
            seen += 1;
            assert!(modules_torch::read(&bytes).is_err(), "{name}");
        }
    }
    assert!(seen > 0, "no regression_*.pt fixtures");
}

#[test]
fn mutated_fixtures_never_panic() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for (name, bytes) in common::all_fixtures() {
        for round in 0..3000 {
            let mut m = bytes.clone();
            for _ in 0..1 + round % 4 {
                let at = rng.next() as usize % m.len();
                m[at] = match rng.next() % 4 {
                    0 => m[at] ^ (1 << (rng.next() % 8)),
                    1 => 0,
                    2 => 0xff,
                    _ => rng.next() as u8,
                };
            }
            if let Ok(file) = modules_torch::read(&m) {
                for t in &file.tensors {
                    let s = &file.storages[t.storage];
                    assert!(
                        s.file_offset + s.len_bytes <= m.len() as u64,
                        "{name} round {round}"
                    );
                }
            }
        }
    }
}

#[test]
fn every_single_byte_of_the_pickle_mutated() {
    // Each byte of linear.pt set to a few values in turn: covers every opcode and operand.
    let bytes = common::fixture("linear.pt");
    for at in 0..bytes.len() {
        for v in [0u8, 1, 0x7f, 0x80, 0xff] {
            let mut m = bytes.clone();
            m[at] = v;
            let _ = modules_torch::read(&m);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn proptest_mutations_never_panic(
        file in 0usize..64,
        edits in prop::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in any::<Option<usize>>(),
    ) {
        static FIXTURES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
        let fixtures = FIXTURES.get_or_init(common::all_fixtures);
        let (_, bytes) = &fixtures[file % fixtures.len()];
        let mut m = bytes.clone();
        for (at, v) in edits {
            let at = at % m.len();
            m[at] = v;
        }
        if let Some(cut) = cut {
            m.truncate(cut % (m.len() + 1));
        }
        let _ = modules_torch::read(&m);
    }
}
