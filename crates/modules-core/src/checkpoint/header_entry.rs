//! A header's tensor entries as written, which both header readers (`header`, by serde, and
//! `header_fast`, for the writers' layout) produce.

use std::borrow::Cow;

use serde::{de, Deserialize};

use crate::tensor::Shape;

/// One tensor's header entry, as written (strings borrowed from the header where they hold
/// no escapes: a 70B header has hundreds of entries, and a dry run is meant to take
/// microseconds).
#[derive(Deserialize, Debug, PartialEq)]
pub(crate) struct RawEntry<'h> {
    #[serde(borrow)]
    pub dtype: Cow<'h, str>,
    #[serde(deserialize_with = "shape")]
    pub shape: Shape,
    pub data_offsets: (usize, usize),
}

fn shape<'de, D: de::Deserializer<'de>>(d: D) -> Result<Shape, D::Error> {
    Vec::<usize>::deserialize(d).map(|dims| Shape::new(&dims))
}

pub(crate) type Entries<'h> = Vec<(Cow<'h, str>, RawEntry<'h>)>;

/// How many entries a header of this length holds, about: an entry takes about 100 bytes.
pub(crate) fn expected_entries(header: &str) -> usize {
    header.len() / 96 + 1
}
