//! Tensor shapes, stored inline: a model's tensors have at most a handful of dimensions, and
//! building a 70B model on meta makes hundreds of them, so a shape costs no allocation.

use std::fmt;
use std::ops::Deref;

const INLINE: usize = 6;

/// The dimensions of a tensor (a slice of `usize` in use).
///
/// ```
/// use modules_core::tensor::Shape;
/// let s = Shape::new(&[2, 3]);
/// assert_eq!(&*s, &[2, 3]);
/// assert_eq!(s.iter().product::<usize>(), 6);
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Shape(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Inline { len: u8, dims: [usize; INLINE] },
    Heap(Box<[usize]>),
}

impl Shape {
    /// A shape with these dimensions.
    pub fn new(dims: &[usize]) -> Shape {
        if dims.len() <= INLINE {
            let mut inline = [0; INLINE];
            inline[..dims.len()].copy_from_slice(dims);
            Shape(Repr::Inline {
                len: dims.len() as u8,
                dims: inline,
            })
        } else {
            Shape(Repr::Heap(dims.into()))
        }
    }

    /// The dimensions.
    pub fn as_slice(&self) -> &[usize] {
        match &self.0 {
            Repr::Inline { len, dims } => &dims[..*len as usize],
            Repr::Heap(d) => d,
        }
    }
}

impl Deref for Shape {
    type Target = [usize];
    fn deref(&self) -> &[usize] {
        self.as_slice()
    }
}

impl fmt::Debug for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_slice(), f)
    }
}

/// Anything that names dimensions: `[2, 3]`, `&[2, 3][..]`, `vec![2, 3]`, a [`Shape`].
pub trait IntoShape {
    /// The shape.
    fn into_shape(self) -> Shape;
}

impl IntoShape for Shape {
    fn into_shape(self) -> Shape {
        self
    }
}

impl IntoShape for &Shape {
    fn into_shape(self) -> Shape {
        self.clone()
    }
}

impl<const N: usize> IntoShape for [usize; N] {
    fn into_shape(self) -> Shape {
        Shape::new(&self)
    }
}

impl<const N: usize> IntoShape for &[usize; N] {
    fn into_shape(self) -> Shape {
        Shape::new(self)
    }
}

impl IntoShape for &[usize] {
    fn into_shape(self) -> Shape {
        Shape::new(self)
    }
}

impl IntoShape for Vec<usize> {
    fn into_shape(self) -> Shape {
        Shape::new(&self)
    }
}

impl IntoShape for &Vec<usize> {
    fn into_shape(self) -> Shape {
        Shape::new(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_heap_shapes() {
        for dims in [&[][..], &[1], &[2, 3, 4, 5, 6, 7], &[1, 2, 3, 4, 5, 6, 7, 8]] {
            let s = Shape::new(dims);
            assert_eq!(s.as_slice(), dims);
            assert_eq!(s.clone(), s);
        }
        assert_eq!(vec![2, 3].into_shape(), [2, 3].into_shape());
    }
}
