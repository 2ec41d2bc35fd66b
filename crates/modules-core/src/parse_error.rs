//! [`ParseError`]: what `"…".parse::<Device>()` and `"…".parse::<DType>()` return.

#![forbid(unsafe_code)]

use std::fmt;
use std::marker::PhantomData;

/// A string that does not name a `T` (a [`Device`](crate::Device) or a
/// [`DType`](crate::DType)). `?` converts it into [`Error::BadDevice`](crate::Error::BadDevice)
/// or [`Error::BadDType`](crate::Error::BadDType); its message says what was expected.
///
/// ```
/// use modules_core::{DType, Device, Error};
/// let e = "gpu".parse::<Device>().unwrap_err();
/// assert_eq!(e.found, "gpu");
/// assert!(e.to_string().starts_with("expected a device string like \"cpu\""));
/// let e: Error = "float".parse::<DType>().unwrap_err().into();
/// assert!(matches!(e, Error::BadDType(_)));
/// ```
pub struct ParseError<T> {
    /// The string given.
    pub found: String,
    of: PhantomData<fn() -> T>,
}

impl<T> ParseError<T> {
    pub(crate) fn new(found: &str) -> Self {
        ParseError {
            found: found.to_string(),
            of: PhantomData,
        }
    }
}

/// What a `T` looks like, for the message.
pub(crate) trait Expected {
    const EXPECTED: &'static str;
}

impl<T: Expected> fmt::Display for ParseError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {}, found {:?}", T::EXPECTED, self.found)
    }
}

// Debug, Clone and PartialEq by hand: derives would require them of `T`, which is only a tag.
impl<T> fmt::Debug for ParseError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParseError").field("found", &self.found).finish()
    }
}

impl<T: Expected> std::error::Error for ParseError<T> {}

impl<T> Clone for ParseError<T> {
    fn clone(&self) -> Self {
        ParseError::new(&self.found)
    }
}

impl<T> PartialEq for ParseError<T> {
    fn eq(&self, other: &Self) -> bool {
        self.found == other.found
    }
}

impl<T> Eq for ParseError<T> {}
