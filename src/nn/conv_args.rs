//! The argument types of the convolutions: [`Size`], [`Padding`] and [`PaddingMode`], with the
//! conversions that let every argument take PyTorch's `3` or `(3, 5)` (or `[3, 5]`).

use std::fmt;

use super::base::IntoArg;
use super::repr::py_tuple;

/// A per-dimension size of a convolution (kernel size, stride, dilation, output padding): one
/// number for every dimension (PyTorch's `3`) or one per dimension (PyTorch's `(3, 5)`).
///
/// ```
/// use modules::nn::Size;
/// assert_eq!(Size::<2>::from(3), Size([3, 3]));
/// assert_eq!(Size::from([3, 5]), Size([3, 5]));
/// assert_eq!(Size::from((3, 5)), Size([3, 5]));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Size<const N: usize>(pub [usize; N]);

impl<const N: usize> From<usize> for Size<N> {
    fn from(k: usize) -> Self {
        Size([k; N])
    }
}

impl<const N: usize> From<[usize; N]> for Size<N> {
    fn from(k: [usize; N]) -> Self {
        Size(k)
    }
}

/// The padding of a convolution: explicit sizes (`padding = 1`, `padding = [1, 2]`) or PyTorch's
/// string forms `'same'` and `'valid'`.
///
/// ```
/// use modules::prelude::*;
/// let c = modules::new!(Conv2d, 2, 2, 3, padding = Padding::Same)?;
/// assert_eq!(c.to_string(), "Conv2d(2, 2, kernel_size=(3, 3), stride=(1, 1), padding=same)");
/// assert_eq!(Padding::<2>::from(1), Padding::Explicit([1, 1]));
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Padding<const N: usize> {
    /// Zero-padding of this many elements on both sides of each dimension.
    Explicit([usize; N]),
    /// `padding='same'`: the output has the input's size (stride 1 only).
    Same,
    /// `padding='valid'`: no padding.
    Valid,
}

impl<const N: usize> From<usize> for Padding<N> {
    fn from(p: usize) -> Self {
        Padding::Explicit([p; N])
    }
}

impl<const N: usize> From<[usize; N]> for Padding<N> {
    fn from(p: [usize; N]) -> Self {
        Padding::Explicit(p)
    }
}

impl<const N: usize> From<Size<N>> for Padding<N> {
    fn from(p: Size<N>) -> Self {
        Padding::Explicit(p.0)
    }
}

/// Arguments take sizes as PyTorch does: `stride = 2`, `Conv2d::new(3, 8, 3, Cpu)`, and an
/// explicit padding the same way.
macro_rules! into_arg_from {
    ($($target:ident from $($source:ty),+;)+) => {$($(
        #[diagnostic::do_not_recommend]
        impl<const N: usize> IntoArg<$target<N>> for $source {
            fn into_arg(self) -> $target<N> {
                self.into()
            }
        }
    )+)+};
}

into_arg_from! {
    Size from usize, [usize; N];
    Padding from usize, [usize; N];
}

/// PyTorch's tuples, `(3, 5)` and `(1, 2, 3)`, as sizes and explicit paddings.
macro_rules! tuple_args {
    ($n:literal: $($t:ident),+) => {
        impl From<($(tuple_args!(@usize $t),)+)> for Size<$n> {
            fn from(($($t,)+): ($(tuple_args!(@usize $t),)+)) -> Self {
                Size([$($t),+])
            }
        }

        #[diagnostic::do_not_recommend]
        impl IntoArg<Size<$n>> for ($(tuple_args!(@usize $t),)+) {
            fn into_arg(self) -> Size<$n> {
                self.into()
            }
        }

        #[diagnostic::do_not_recommend]
        impl IntoArg<Padding<$n>> for ($(tuple_args!(@usize $t),)+) {
            fn into_arg(self) -> Padding<$n> {
                Padding::Explicit(Size::<$n>::from(self).0)
            }
        }
    };
    (@usize $t:ident) => { usize };
}

tuple_args!(1: a);
tuple_args!(2: a, b);
tuple_args!(3: a, b, c);

impl<const N: usize> Padding<N> {
    /// What PyTorch's repr shows: `None` for all zeros, else the tuple or the bare string.
    pub(crate) fn shown(&self) -> Option<String> {
        match self {
            Padding::Explicit(p) if p.iter().all(|&x| x == 0) => None,
            Padding::Explicit(p) => Some(py_tuple(p)),
            Padding::Same => Some("same".into()),
            Padding::Valid => Some("valid".into()),
        }
    }
}

/// How a convolution pads its input (`padding_mode`); printed unquoted, like PyTorch.
///
/// ```
/// use modules::nn::PaddingMode;
/// assert_eq!(PaddingMode::Reflect.to_string(), "reflect");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PaddingMode {
    /// `'zeros'` (the default).
    #[default]
    Zeros,
    /// `'reflect'`.
    Reflect,
    /// `'replicate'`.
    Replicate,
    /// `'circular'`.
    Circular,
}

impl fmt::Display for PaddingMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PaddingMode::Zeros => "zeros",
            PaddingMode::Reflect => "reflect",
            PaddingMode::Replicate => "replicate",
            PaddingMode::Circular => "circular",
        })
    }
}
