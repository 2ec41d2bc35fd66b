//! The header in the one layout that safetensors' writers produce, read without serde.
//!
//! Python's `safetensors` and the Rust crate both write `{"__metadata__":{..},"name":{"dtype":..,
//! "shape":[..],"data_offsets":[s,t]},..}` with no whitespace, the fields in that order, and
//! spaces after the closing brace. Reading exactly that layout byte by byte takes a quarter of
//! serde_json's time on a 70B header, where it was half of a dry run. Anything else
//! (whitespace, another field order, escapes, more than 8 dims, a metadata value that is not a
//! string, a duplicate, any error) returns `None`, and `scan` reads the header with
//! serde_json, which reports what is wrong.
//! Written by hand because a general JSON parser cannot skip the generality; the property test
//! holds it to serde_json's answer on every header it accepts.

use std::borrow::Cow;

use super::header_entry::{expected_entries, Entries, RawEntry};
use crate::fast_hash::NameMap;
use crate::tensor::Shape;

/// The entries in file order, or `None` when the header is not in the writers' layout.
pub(super) fn scan_canonical(header: &str) -> Option<Entries<'_>> {
    let mut entries = Vec::with_capacity(expected_entries(header));
    each_canonical(header, |key, entry| {
        entries.push((Cow::Borrowed(key), entry));
        Some(())
    })?;
    Some(entries)
}

/// Calls `f` on each entry in file order (`__metadata__` left out): `None` when the header is
/// not in the writers' layout, or as soon as `f` returns `None`.
pub(super) fn each_canonical<'h>(
    header: &'h str,
    mut f: impl FnMut(&'h str, RawEntry<'h>) -> Option<()>,
) -> Option<()> {
    // The layout has no whitespace but the padding, so a control character anywhere (raw in a
    // string, or a newline between tokens) is off it: one branch-free pass that vectorizes,
    // instead of a test per string.
    if header.bytes().fold(false, |any, b| any | (b < 0x20)) {
        return None;
    }
    let mut c = Cursor { h: header, at: 0 };
    let mut seen: NameMap<&str, ()> =
        NameMap::with_capacity_and_hasher(expected_entries(header), Default::default());
    c.eat(b"{")?;
    if !c.skip(b"}") {
        loop {
            let key = c.string()?;
            c.eat(b":")?;
            if seen.insert(key, ()).is_some() {
                return None;
            }
            if key == "__metadata__" {
                c.metadata()?;
            } else {
                f(key, c.entry()?)?;
            }
            if !c.skip(b",") {
                c.eat(b"}")?;
                break;
            }
        }
    }
    c.rest_is_padding().then_some(())
}

struct Cursor<'h> {
    h: &'h str,
    at: usize,
}

impl<'h> Cursor<'h> {
    fn rest(&self) -> &'h [u8] {
        &self.h.as_bytes()[self.at..]
    }

    /// Consumes `lit` if the input continues with it.
    fn skip(&mut self, lit: &[u8]) -> bool {
        let found = self.rest().starts_with(lit);
        if found {
            self.at += lit.len();
        }
        found
    }

    /// `lit`, which must come next.
    fn eat(&mut self, lit: &[u8]) -> Option<()> {
        self.skip(lit).then_some(())
    }

    /// A string without escapes (those are for serde_json to read); control characters were
    /// ruled out for the whole header.
    fn string(&mut self) -> Option<&'h str> {
        self.eat(b"\"")?;
        let n = memchr::memchr2(b'"', b'\\', self.rest())?;
        (self.rest()[n] == b'"').then_some(())?;
        // A '"' byte never occurs inside a multi-byte UTF-8 sequence, so this is a char boundary.
        let s = &self.h[self.at..self.at + n];
        self.at += n + 1;
        Some(s)
    }

    /// An integer as JSON writes one (no sign, no leading zero), that fits a usize.
    fn number(&mut self) -> Option<usize> {
        let rest = self.rest();
        let mut n = 0usize;
        let mut digits = 0;
        while let Some(&b) = rest.get(digits).filter(|b| b.is_ascii_digit()) {
            n = n.checked_mul(10)?.checked_add(usize::from(b - b'0'))?;
            digits += 1;
        }
        if digits == 0 || (digits > 1 && rest[0] == b'0') {
            return None;
        }
        self.at += digits;
        Some(n)
    }

    /// `{"dtype":"..","shape":[..],"data_offsets":[s,t]}`.
    fn entry(&mut self) -> Option<RawEntry<'h>> {
        self.eat(b"{\"dtype\":")?;
        let dtype = Cow::Borrowed(self.string()?);
        self.eat(b",\"shape\":[")?;
        let mut dims = [0usize; 8];
        let mut rank = 0;
        if !self.skip(b"]") {
            loop {
                *dims.get_mut(rank)? = self.number()?;
                rank += 1;
                if !self.skip(b",") {
                    self.eat(b"]")?;
                    break;
                }
            }
        }
        let shape = Shape::new(&dims[..rank]);
        self.eat(b",\"data_offsets\":[")?;
        let start = self.number()?;
        self.eat(b",")?;
        let end = self.number()?;
        self.eat(b"]}")?;
        Some(RawEntry {
            dtype,
            shape,
            data_offsets: (start, end),
        })
    }

    /// `__metadata__` as the writers emit it: an object of plain strings.
    fn metadata(&mut self) -> Option<()> {
        self.eat(b"{")?;
        if self.skip(b"}") {
            return Some(());
        }
        loop {
            self.string()?;
            self.eat(b":")?;
            self.string()?;
            if !self.skip(b",") {
                return self.eat(b"}");
            }
        }
    }

    /// Only the spaces that pad a header to 8 bytes are left.
    fn rest_is_padding(&self) -> bool {
        self.rest().iter().all(|&b| b == b' ')
    }
}
