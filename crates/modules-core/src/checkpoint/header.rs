//! A first pass over a safetensors header that names the tensor at fault.
//!
//! The `safetensors` crate validates the format (it is the authority on offsets and buffer
//! length), but it reads the header into a `HashMap`, so a duplicate key silently replaces the
//! first, and its errors do not say which tensor is wrong. This pass reads the same JSON once
//! more with serde, keeping every key in order.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::header_entry::{expected_entries, Entries, RawEntry};

/// What is wrong with a header, and the tensor it concerns.
#[derive(Debug)]
pub(crate) struct HeaderError {
    pub tensor: Option<String>,
    pub message: String,
}

/// The tensor entries in file order (`__metadata__` left out).
pub(crate) fn scan(header: &str) -> Result<Entries<'_>, HeaderError> {
    match super::header_fast::scan_canonical(header) {
        Some(entries) => Ok(entries),
        None => scan_json(header),
    }
}

/// [`scan`] by serde_json, for any layout and with its errors.
pub(crate) fn scan_json(header: &str) -> Result<Entries<'_>, HeaderError> {
    let capacity = expected_entries(header);
    let mut state = Scan {
        capacity,
        entries: Vec::with_capacity(capacity),
        ..Scan::default()
    };
    let mut de = serde_json::Deserializer::from_str(header);
    let result = (&mut state).deserialize(&mut de).and_then(|()| de.end());
    match (result, state.duplicate) {
        (_, Some(key)) => Err(HeaderError {
            tensor: Some(key.into_owned()),
            message: "the key appears twice in the header".into(),
        }),
        (Ok(()), None) => Ok(state.entries),
        (Err(e), None) => Err(HeaderError {
            tensor: state.current.map(Cow::into_owned),
            message: format!("header is not a JSON object of tensor entries: {e}"),
        }),
    }
}

#[derive(Default)]
struct Scan<'h> {
    /// `expected_entries` of the header.
    capacity: usize,
    entries: Entries<'h>,
    current: Option<Cow<'h, str>>,
    duplicate: Option<Cow<'h, str>>,
}

/// A key, borrowed unless it holds escapes.
struct Key<'h>(Cow<'h, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> DeserializeSeed<'de> for &mut Scan<'de> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for &mut Scan<'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen: crate::fast_hash::NameMap<Cow<'de, str>, ()> =
            crate::fast_hash::NameMap::with_capacity_and_hasher(self.capacity, Default::default());
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            if seen.insert(key.clone(), ()).is_some() {
                self.duplicate = Some(key);
                return Err(de::Error::custom("duplicate key"));
            }
            if key == "__metadata__" {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            self.current = Some(key.clone());
            let entry: RawEntry = map.next_value()?;
            self.entries.push((key, entry));
        }
        self.current = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_finds_duplicates() {
        let ok = r#"{"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},
                    "a":{"dtype":"I64","shape":[],"data_offsets":[4,12]}}"#;
        let names: Vec<String> = scan(ok)
            .unwrap()
            .into_iter()
            .map(|(k, _)| k.into_owned())
            .collect();
        assert_eq!(names, ["b", "a"]);
        let dup = r#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#;
        let e = scan(dup).unwrap_err();
        assert_eq!(e.tensor.as_deref(), Some("a"));
        let bad = r#"{"a":{"dtype":"F32","shape":"x","data_offsets":[0,4]}}"#;
        assert_eq!(scan(bad).unwrap_err().tensor.as_deref(), Some("a"));
        assert!(scan("[1, 2]").unwrap_err().message.contains("JSON object"));
    }
}
