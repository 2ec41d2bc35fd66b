//! `nn.Conv1d/2d/3d` and `nn.ConvTranspose1d/2d/3d`; their argument types [`Size`],
//! [`Padding`] and [`PaddingMode`] are in `conv_args.rs`.
//!
//! Sizes are PyTorch's `3` or `(3, 5)`: written `3` or `[3, 5]` everywhere, positionally, by
//! keyword and in `new` (they convert through [`IntoArg`]):
//!
//! ```
//! use modules::prelude::*;
//! let a = Conv2d::new(3, 8, 3, Cpu)?;
//! let b = skip_init!(Conv2d, 3, 8, [3, 5], stride = 2, device = Meta)?;
//! assert_eq!(a.weight.shape(), vec![8, 3, 3, 3]);
//! assert_eq!(b.to_string(), "Conv2d(3, 8, kernel_size=(3, 5), stride=(2, 2))");
//! # Ok::<(), modules::Error>(())
//! ```

use super::base::*;
pub use super::conv_args::{Padding, PaddingMode, Size};
use super::repr::py_tuple;

/// `_ConvNd.__init__`'s checks, in its order.
fn check_conv(
    function: &'static str,
    in_channels: usize,
    out_channels: usize,
    groups: usize,
    same_with_stride: bool,
) -> Result<(), Error> {
    let fail = |message: &str| {
        Err(Error::InvalidArgument {
            function,
            message: message.to_string(),
        })
    };
    if groups == 0 {
        return fail("groups must be a positive integer");
    }
    if !in_channels.is_multiple_of(groups) {
        return fail("in_channels must be divisible by groups");
    }
    if !out_channels.is_multiple_of(groups) {
        return fail("out_channels must be divisible by groups");
    }
    if same_with_stride {
        return fail("padding='same' is not supported for strided convolutions");
    }
    Ok(())
}

/// `_ConvTransposeNd.__init__`'s check, then `_ConvNd`'s.
fn check_conv_transpose(
    function: &'static str,
    name: &str,
    in_channels: usize,
    out_channels: usize,
    groups: usize,
    padding_mode: PaddingMode,
) -> Result<(), Error> {
    if padding_mode != PaddingMode::Zeros {
        return Err(Error::InvalidArgument {
            function,
            message: format!("Only \"zeros\" padding mode is supported for {name}"),
        });
    }
    check_conv(function, in_channels, out_channels, groups, false)
}

/// `(a, b, *kernel)`.
fn weight_shape(a: usize, b: usize, kernel: &[usize]) -> Vec<usize> {
    let mut shape = vec![a, b];
    shape.extend_from_slice(kernel);
    shape
}

/// `fan_in` of a weight `(_, b, *kernel)`: what `kaiming_uniform_` and the bias bound use.
fn fan_in(b: usize, kernel: &[usize]) -> usize {
    b * kernel.iter().product::<usize>()
}

/// The fields `_ConvNd.extra_repr` reads.
struct ConvRepr<'a> {
    in_channels: usize,
    out_channels: usize,
    kernel_size: &'a [usize],
    stride: &'a [usize],
    padding: Option<String>,
    dilation: &'a [usize],
    output_padding: &'a [usize],
    groups: usize,
    bias: bool,
    padding_mode: PaddingMode,
}

impl ConvRepr<'_> {
    /// `_ConvNd.extra_repr`: kernel_size and stride always; the rest when not the default.
    fn render(&self) -> String {
        let mut s = format!(
            "{}, {}, kernel_size={}, stride={}",
            self.in_channels,
            self.out_channels,
            py_tuple(self.kernel_size),
            py_tuple(self.stride)
        );
        if let Some(p) = &self.padding {
            s += &format!(", padding={p}");
        }
        if self.dilation.iter().any(|&d| d != 1) {
            s += &format!(", dilation={}", py_tuple(self.dilation));
        }
        if self.output_padding.iter().any(|&p| p != 0) {
            s += &format!(", output_padding={}", py_tuple(self.output_padding));
        }
        if self.groups != 1 {
            s += &format!(", groups={}", self.groups);
        }
        if !self.bias {
            s += ", bias=False";
        }
        if self.padding_mode != PaddingMode::Zeros {
            s += &format!(", padding_mode={}", self.padding_mode);
        }
        s
    }
}

macro_rules! conv_nd {
    ($(#[$doc:meta])* $name:ident, $n:tt) => {
        $(#[$doc])*
        #[derive(Module)]
        #[module(
            new(
                in_channels: usize,
                out_channels: usize,
                kernel_size: Size<$n>,
                stride: Size<$n> = Size::from(1),
                padding: Padding<$n> = Padding::from(0),
                dilation: Size<$n> = Size::from(1),
                groups: usize = 1,
                bias: bool = true,
                padding_mode: PaddingMode = PaddingMode::Zeros
            ),
            validate = check_conv(
                concat!(stringify!($name), "::new"),
                in_channels,
                out_channels,
                groups,
                padding == Padding::Same && stride.0.iter().any(|&s| s != 1),
            ),
            extra_repr = Self::repr
        )]
        pub struct $name {
            /// Channels of the input.
            #[module(config = in_channels)]
            pub in_channels: usize,
            /// Channels of the output.
            #[module(config = out_channels)]
            pub out_channels: usize,
            /// Size of the kernel per spatial dimension.
            #[module(config = kernel_size.0)]
            pub kernel_size: [usize; $n],
            /// Stride per spatial dimension.
            #[module(config = stride.0)]
            pub stride: [usize; $n],
            /// Padding: explicit sizes, `same` or `valid`.
            #[module(config = padding)]
            pub padding: Padding<$n>,
            /// Spacing between kernel elements per spatial dimension.
            #[module(config = dilation.0)]
            pub dilation: [usize; $n],
            /// Number of blocked connections from input to output channels.
            #[module(config = groups)]
            pub groups: usize,
            /// How the input is padded.
            #[module(config = padding_mode)]
            pub padding_mode: PaddingMode,
            /// `[out_channels, in_channels / groups, *kernel_size]`, kaiming_uniform(a = √5) =
            /// U(±1/√fan_in).
            #[module(
                param = weight_shape(out_channels, in_channels / groups, &kernel_size),
                init = init::kaiming_uniform(5f64.sqrt())
            )]
            pub weight: Parameter,
            /// `[out_channels]`, U(±1/√fan_in); absent when built with `bias = false`.
            #[module(
                param = [out_channels],
                init = init::uniform_fan_in(fan_in(in_channels / groups, &kernel_size)),
                when = bias
            )]
            pub bias: Option<Parameter>,
        }

        impl $name {
            fn repr(&self) -> String {
                ConvRepr {
                    in_channels: self.in_channels,
                    out_channels: self.out_channels,
                    kernel_size: &self.kernel_size,
                    stride: &self.stride,
                    padding: self.padding.shown(),
                    dilation: &self.dilation,
                    output_padding: &[],
                    groups: self.groups,
                    bias: self.bias.is_some(),
                    padding_mode: self.padding_mode,
                }
                .render()
            }
        }
    };
}

macro_rules! conv_transpose_nd {
    ($(#[$doc:meta])* $name:ident, $n:tt) => {
        $(#[$doc])*
        #[derive(Module)]
        #[module(
            new(
                in_channels: usize,
                out_channels: usize,
                kernel_size: Size<$n>,
                stride: Size<$n> = Size::from(1),
                padding: Size<$n> = Size::from(0),
                output_padding: Size<$n> = Size::from(0),
                groups: usize = 1,
                bias: bool = true,
                dilation: Size<$n> = Size::from(1),
                padding_mode: PaddingMode = PaddingMode::Zeros
            ),
            validate = check_conv_transpose(
                concat!(stringify!($name), "::new"),
                stringify!($name),
                in_channels,
                out_channels,
                groups,
                padding_mode,
            ),
            extra_repr = Self::repr
        )]
        pub struct $name {
            /// Channels of the input.
            #[module(config = in_channels)]
            pub in_channels: usize,
            /// Channels of the output.
            #[module(config = out_channels)]
            pub out_channels: usize,
            /// Size of the kernel per spatial dimension.
            #[module(config = kernel_size.0)]
            pub kernel_size: [usize; $n],
            /// Stride per spatial dimension.
            #[module(config = stride.0)]
            pub stride: [usize; $n],
            /// `dilation * (kernel_size - 1) - padding` zeros are added to both sides of the input.
            #[module(config = padding.0)]
            pub padding: [usize; $n],
            /// Extra size added to one side of the output.
            #[module(config = output_padding.0)]
            pub output_padding: [usize; $n],
            /// Number of blocked connections from input to output channels.
            #[module(config = groups)]
            pub groups: usize,
            /// Spacing between kernel elements per spatial dimension.
            #[module(config = dilation.0)]
            pub dilation: [usize; $n],
            /// How the input is padded (only `Zeros` is supported).
            #[module(config = padding_mode)]
            pub padding_mode: PaddingMode,
            /// `[in_channels, out_channels / groups, *kernel_size]`, kaiming_uniform(a = √5) =
            /// U(±1/√fan_in) with fan_in = `out_channels / groups · ∏kernel_size`.
            #[module(
                param = weight_shape(in_channels, out_channels / groups, &kernel_size),
                init = init::kaiming_uniform(5f64.sqrt())
            )]
            pub weight: Parameter,
            /// `[out_channels]`, U(±1/√fan_in); absent when built with `bias = false`.
            #[module(
                param = [out_channels],
                init = init::uniform_fan_in(fan_in(out_channels / groups, &kernel_size)),
                when = bias
            )]
            pub bias: Option<Parameter>,
        }

        impl $name {
            fn repr(&self) -> String {
                ConvRepr {
                    in_channels: self.in_channels,
                    out_channels: self.out_channels,
                    kernel_size: &self.kernel_size,
                    stride: &self.stride,
                    padding: Padding::Explicit(self.padding).shown(),
                    dilation: &self.dilation,
                    output_padding: &self.output_padding,
                    groups: self.groups,
                    bias: self.bias.is_some(),
                    padding_mode: self.padding_mode,
                }
                .render()
            }
        }
    };
}

conv_nd! {
    /// 1-D convolution (`nn.Conv1d`): weight `[out, in / groups, k]`, bias `[out]`, both
    /// U(±1/√(in / groups · k)).
    ///
    /// ```
    /// use modules::prelude::*;
    /// let c = Conv1d::new(1, 2, 3, Cpu)?;
    /// assert_eq!(c.weight.shape(), vec![2, 1, 3]);
    /// assert_eq!(c.to_string(), "Conv1d(1, 2, kernel_size=(3,), stride=(1,))");
    /// # Ok::<(), modules::Error>(())
    /// ```
    Conv1d, 1
}

conv_nd! {
    /// 2-D convolution (`nn.Conv2d`): weight `[out, in / groups, kh, kw]`, bias `[out]`, both
    /// U(±1/√(in / groups · kh · kw)).
    ///
    /// ```
    /// use modules::prelude::*;
    /// let c = modules::new!(Conv2d, 16, 32, [3, 5], groups = 4)?;
    /// assert_eq!(c.weight.shape(), vec![32, 4, 3, 5]);
    /// let bound = 1.0 / 60f32.sqrt();
    /// assert!(c.weight.tensor().as_slice::<f32>()?.iter().all(|w| w.abs() <= bound));
    /// let s = skip_init!(Conv2d, 3, 8, 3, stride = 2, padding = 1, bias = false)?;
    /// assert_eq!(s.to_string(), "Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)");
    /// # Ok::<(), modules::Error>(())
    /// ```
    Conv2d, 2
}

conv_nd! {
    /// 3-D convolution (`nn.Conv3d`): weight `[out, in / groups, kd, kh, kw]`, bias `[out]`,
    /// both U(±1/√fan_in).
    ///
    /// ```
    /// use modules::prelude::*;
    /// let c = skip_init!(Conv3d, 2, 4, [1, 2, 3], device = Meta)?;
    /// assert_eq!(c.weight.shape(), vec![4, 2, 1, 2, 3]);
    /// assert_eq!(c.to_string(), "Conv3d(2, 4, kernel_size=(1, 2, 3), stride=(1, 1, 1))");
    /// # Ok::<(), modules::Error>(())
    /// ```
    Conv3d, 3
}

conv_transpose_nd! {
    /// 1-D transposed convolution (`nn.ConvTranspose1d`): weight `[in, out / groups, k]`, bias
    /// `[out]`, both U(±1/√(out / groups · k)).
    ///
    /// ```
    /// use modules::prelude::*;
    /// let c = modules::new!(ConvTranspose1d, 2, 2, 3, stride = 2, output_padding = 1)?;
    /// assert_eq!(c.to_string(), "ConvTranspose1d(2, 2, kernel_size=(3,), stride=(2,), output_padding=(1,))");
    /// # Ok::<(), modules::Error>(())
    /// ```
    ConvTranspose1d, 1
}

conv_transpose_nd! {
    /// 2-D transposed convolution (`nn.ConvTranspose2d`): weight `[in, out / groups, kh, kw]`,
    /// bias `[out]`, both U(±1/√(out / groups · kh · kw)).
    ///
    /// ```
    /// use modules::prelude::*;
    /// let c = modules::new!(ConvTranspose2d, 16, 32, 3, groups = 4)?;
    /// assert_eq!(c.weight.shape(), vec![16, 8, 3, 3]);
    /// # Ok::<(), modules::Error>(())
    /// ```
    ConvTranspose2d, 2
}

conv_transpose_nd! {
    /// 3-D transposed convolution (`nn.ConvTranspose3d`): weight `[in, out / groups, kd, kh, kw]`,
    /// bias `[out]`, both U(±1/√fan_in).
    ///
    /// ```
    /// use modules::prelude::*;
    /// let c = skip_init!(ConvTranspose3d, 4, 2, 3, device = Meta)?;
    /// assert_eq!(c.weight.shape(), vec![4, 2, 3, 3, 3]);
    /// # Ok::<(), modules::Error>(())
    /// ```
    ConvTranspose3d, 3
}
