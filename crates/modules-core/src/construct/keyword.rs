//! "`Linear` has no argument `biass`; did you mean `bias`?": the one error of an unknown
//! keyword in `skip_init!`, `new!`, `layer!` and a child declaration.
//!
//! The call-site macro does not know a type's arguments, so it asks the type, in a constant:
//! `Keyword::<{ keyword_known(<Linear as SupportsDevice>::ARGUMENTS, "biass") }>::this(b)`.
//! Trait selection needs the constant, so rustc evaluates it while type-checking: a known
//! name gives `true` and the builder passes through; an unknown one panics with the message,
//! at the keyword (`#[track_caller]`), and the builder's type becomes an error type, so the
//! setter call after it (`.biass(x)`) reports nothing more. The message is assembled in a
//! `const fn`, by hand, because a constant's panic takes one `&str` and no crate formats one
//! at compile time.

/// A constructor's argument names, for the message.
#[derive(Clone, Copy, Debug)]
pub struct ArgumentTable {
    /// The Rust type's name.
    pub type_name: &'static str,
    /// The arguments in declaration order; empty when unknown (a hand-written builder), and
    /// then nothing is checked.
    pub names: &'static [&'static str],
}

impl ArgumentTable {
    /// A hand-written [`SupportsDevice`](crate::SupportsDevice) impl's: unchecked.
    pub const UNKNOWN: ArgumentTable = ArgumentTable {
        type_name: "",
        names: &[],
    };
}

/// Implemented only for `KNOWN = true`; see the module's documentation.
pub trait Keyword<const KNOWN: bool> {
    /// `Self`, reached through the constant.
    type This;
    /// `self`.
    fn this(self) -> Self::This;
}

impl<B> Keyword<true> for B {
    type This = B;
    fn this(self) -> B {
        self
    }
}

/// `true` when `given` is an argument of `table`'s type; otherwise a compile-time panic, at
/// the caller, with `unknown_keyword`'s message.
#[track_caller]
pub const fn keyword_known(table: ArgumentTable, given: &str) -> bool {
    match unknown_keyword(table, given) {
        None => true,
        Some(message) => panic!("{}", message.as_str()),
    }
}

/// Why `given` is not an argument of `table`'s type, naming the closest argument or all of
/// them; `None` when it is one, or when the table knows no names.
pub const fn unknown_keyword(table: ArgumentTable, given: &str) -> Option<Message> {
    let names = table.names;
    if names.is_empty() {
        return None;
    }
    let mut i = 0;
    while i < names.len() {
        if eq(names[i], given) {
            return None;
        }
        i += 1;
    }
    let mut m = Message {
        buf: [0; MESSAGE_BYTES],
        len: 0,
    };
    m.push("`");
    m.push(table.type_name);
    m.push("` has no argument `");
    m.push(given);
    match closest(names, given) {
        Some(best) => {
            m.push("`; did you mean `");
            m.push(best);
            m.push("`?");
        }
        None => {
            m.push("`; its arguments are ");
            let mut i = 0;
            while i < names.len() {
                if i > 0 {
                    m.push(if i + 1 == names.len() { " and " } else { ", " });
                }
                m.push("`");
                m.push(names[i]);
                m.push("`");
                i += 1;
            }
        }
    }
    Some(m)
}

const MESSAGE_BYTES: usize = 1024;

/// A compile-time message, in a fixed buffer.
pub struct Message {
    buf: [u8; MESSAGE_BYTES],
    len: usize,
}

impl Message {
    /// The text.
    pub const fn as_str(&self) -> &str {
        let (text, _) = self.buf.split_at(self.len);
        match core::str::from_utf8(text) {
            Ok(text) => text,
            // Only a cut through a multi-byte character at the buffer's end.
            Err(_) => "no argument of this name",
        }
    }

    const fn push(&mut self, s: &str) {
        let s = s.as_bytes();
        let mut i = 0;
        while i < s.len() && self.len < MESSAGE_BYTES {
            self.buf[self.len] = s[i];
            self.len += 1;
            i += 1;
        }
    }
}

const fn eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The name rustc would suggest: within a third of the length in edits, or one inside the
/// other (`has_bias`, `bias`).
const fn closest(names: &[&'static str], given: &str) -> Option<&'static str> {
    let limit = if given.len() < 3 { 1 } else { given.len() / 3 };
    let mut best: Option<&'static str> = None;
    let mut best_distance = usize::MAX;
    let mut i = 0;
    while i < names.len() {
        let d = edit_distance(names[i], given);
        if d <= limit && d < best_distance {
            best = Some(names[i]);
            best_distance = d;
        }
        i += 1;
    }
    if best.is_some() {
        return best;
    }
    let mut i = 0;
    while i < names.len() {
        if contains(given, names[i]) || contains(names[i], given) {
            return Some(names[i]);
        }
        i += 1;
    }
    None
}

const LONGEST: usize = 64;

/// Levenshtein distance in bytes; `usize::MAX` past 64 bytes.
const fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() > LONGEST || b.len() > LONGEST {
        return usize::MAX;
    }
    let mut row = [0usize; LONGEST + 1];
    let mut j = 0;
    while j <= b.len() {
        row[j] = j;
        j += 1;
    }
    let mut i = 0;
    while i < a.len() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        let mut j = 0;
        while j < b.len() {
            let substitute = diagonal + (a[i] != b[j]) as usize;
            diagonal = row[j + 1];
            let delete = row[j + 1] + 1;
            let insert = row[j] + 1;
            row[j + 1] = min(substitute, min(delete, insert));
            j += 1;
        }
        i += 1;
    }
    row[b.len()]
}

const fn min(a: usize, b: usize) -> usize {
    if a < b {
        a
    } else {
        b
    }
}

const fn contains(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.is_empty() || n.len() > h.len() {
        return false;
    }
    let mut start = 0;
    while start + n.len() <= h.len() {
        let mut k = 0;
        while k < n.len() && h[start + k] == n[k] {
            k += 1;
        }
        if k == n.len() {
            return true;
        }
        start += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINEAR: ArgumentTable = ArgumentTable {
        type_name: "Linear",
        names: &["in_features", "out_features", "bias"],
    };

    fn message(given: &str) -> String {
        unknown_keyword(LINEAR, given).unwrap().as_str().to_string()
    }

    #[test]
    fn known_names_and_unknown_tables_pass() {
        assert!(unknown_keyword(LINEAR, "bias").is_none());
        assert!(unknown_keyword(ArgumentTable::UNKNOWN, "anything").is_none());
    }

    #[test]
    fn a_near_name_is_suggested() {
        assert_eq!(
            message("biass"),
            "`Linear` has no argument `biass`; did you mean `bias`?"
        );
        assert_eq!(
            message("has_bias"),
            "`Linear` has no argument `has_bias`; did you mean `bias`?"
        );
        assert_eq!(
            message("out_feature"),
            "`Linear` has no argument `out_feature`; did you mean `out_features`?"
        );
    }

    #[test]
    fn otherwise_every_name_is_listed() {
        assert_eq!(
            message("dropout"),
            "`Linear` has no argument `dropout`; its arguments are `in_features`, `out_features` and `bias`"
        );
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("bias", "bias"), 0);
        assert_eq!(edit_distance(&"x".repeat(65), "x"), usize::MAX);
    }
}
