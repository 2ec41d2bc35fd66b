//! Printing tensors exactly as PyTorch does (`torch/_tensor_str.py` with the default print
//! options), so that output can be compared with a Python session byte for byte.
//!
//! Only the elements PyTorch would show are read: above the summarization threshold that is
//! a few edge items per dimension, not the whole tensor.

use std::fmt;

use super::{Element, Tensor};
use crate::{DType, Device, Result};

/// Digits after the point (PyTorch's `precision`).
const PRECISION: usize = 4;
/// Tensors with more elements than this are summarized with `...` (PyTorch's `threshold`).
const THRESHOLD: usize = 1000;
/// Items kept at each end of a summarized dimension (PyTorch's `edgeitems`).
const EDGEITEMS: usize = 3;
/// Target line width for wrapping (PyTorch's `linewidth`).
const LINEWIDTH: usize = 80;
/// Every line after the first is indented by the prefix's length.
const PREFIX: &str = "tensor(";

impl fmt::Display for Tensor {
    /// PyTorch's `repr(tensor)`. Never panics: if the data cannot be read (a failed GPU copy),
    /// the error text takes the place of the values.
    ///
    /// ```
    /// use modules_core::{Device, Tensor};
    /// let t = Tensor::from_slice(&[0.5f32, -1.25, 3.0, 100.0], [2, 2], Device::Cpu).unwrap();
    /// assert_eq!(t.to_string(), "tensor([[  0.5000,  -1.2500],\n        [  3.0000, 100.0000]])");
    /// let m = Tensor::empty([4, 3], Device::Meta).unwrap();
    /// assert_eq!(m.to_string(), "tensor(..., device='meta', size=(4, 3))");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&fmt_with_suffixes(self, self.device(), false))
    }
}

/// PyTorch's `repr(nn.Parameter(t, requires_grad=requires_grad))`: a header line, then the
/// tensor with a `requires_grad=True` suffix (PyTorch prints nothing when it is false).
pub(crate) fn format_parameter(t: &Tensor, requires_grad: bool) -> String {
    format!(
        "Parameter containing:\n{}",
        fmt_with_suffixes(t, t.device(), requires_grad)
    )
}

/// The whole `tensor(...)` text. `device` decides the suffixes and whether data is read at
/// all; it is a parameter so the CUDA suffix can be tested on a machine without a GPU.
pub(crate) fn fmt_with_suffixes(t: &Tensor, device: Device, requires_grad: bool) -> String {
    let mut suffixes = Vec::new();
    // The default device is the CPU; every other device is named.
    if device != Device::Cpu {
        suffixes.push(format!("device='{device}'"));
    }
    let body = if device == Device::Meta {
        suffixes.push(size_suffix(t.shape()));
        // Meta and empty tensors show every dtype but float32: with no values to look at, an
        // int64 tensor could not be told from a float one.
        if t.dtype() != DType::F32 {
            suffixes.push(dtype_suffix(t.dtype()));
        }
        "...".to_string()
    } else if t.numel() == 0 {
        // NumPy's convention: the shape is implied only for 1-D.
        if t.dim() != 1 {
            suffixes.push(size_suffix(t.shape()));
        }
        if t.dtype() != DType::F32 {
            suffixes.push(dtype_suffix(t.dtype()));
        }
        "[]".to_string()
    } else {
        if !matches!(t.dtype(), DType::F32 | DType::I64 | DType::Bool) {
            suffixes.push(dtype_suffix(t.dtype()));
        }
        tensor_str(t, PREFIX.len()).unwrap_or_else(|e| format!("<error reading tensor data: {e}>"))
    };
    if requires_grad {
        suffixes.push("requires_grad=True".to_string());
    }
    add_suffixes(format!("{PREFIX}{body}"), &suffixes, PREFIX.len())
}

fn size_suffix(shape: &[usize]) -> String {
    // Python's tuple repr: `(5,)` for one element, `()` for none.
    let inner = match shape {
        [d] => format!("{d},"),
        _ => shape.iter().map(usize::to_string).collect::<Vec<_>>().join(", "),
    };
    format!("size=({inner})")
}

fn dtype_suffix(dtype: DType) -> String {
    format!("dtype={}", dtype.torch_name())
}

/// Appends `, suffix` pieces, each on a new indented line when it would pass the line width.
fn add_suffixes(mut s: String, suffixes: &[String], indent: usize) -> String {
    // PyTorch's arithmetic, off-by-two included (`len - rfind('\n') + 1`, rfind = -1 if none).
    let mut last_line_len = match s.rfind('\n') {
        Some(p) => s.len() - p + 1,
        None => s.len() + 2,
    };
    for suffix in suffixes {
        if last_line_len + suffix.len() + 2 > LINEWIDTH {
            s.push_str(",\n");
            s.push_str(&" ".repeat(indent));
            last_line_len = indent + suffix.len();
        } else {
            s.push_str(", ");
            last_line_len += suffix.len() + 2;
        }
        s.push_str(suffix);
    }
    s.push(')');
    s
}

/// The bracketed values of a non-empty tensor on a readable device.
fn tensor_str(t: &Tensor, indent: usize) -> Result<String> {
    let summarize = t.numel() > THRESHOLD;
    let shown = shown_indices(t.shape(), summarize);
    let values = gather(t, &shown)?;
    let formatter = Formatter::new(&values);
    let mut cells = (0..shown.len()).map(|i| formatter.format(&values, i));
    let layout = Layout {
        summarize,
        width: formatter.max_width,
    };
    Ok(layout.nested(t.shape(), indent, &mut cells))
}

/// The rows of a dimension of size `n` that are printed; `None` stands for the `...`.
fn shown_rows(n: usize, summarize: bool) -> Vec<Option<usize>> {
    if summarize && n > 2 * EDGEITEMS {
        (0..EDGEITEMS)
            .map(Some)
            .chain([None])
            .chain((n - EDGEITEMS..n).map(Some))
            .collect()
    } else {
        (0..n).map(Some).collect()
    }
}

/// Flat indices of the printed elements, in printing order. PyTorch builds its formatter from
/// exactly these (`get_summarized_data`), so widths ignore the elided middle.
fn shown_indices(shape: &[usize], summarize: bool) -> Vec<usize> {
    fn walk(shape: &[usize], offset: usize, summarize: bool, out: &mut Vec<usize>) {
        let Some((&n, rest)) = shape.split_first() else {
            out.push(offset);
            return;
        };
        let stride: usize = rest.iter().product();
        for i in shown_rows(n, summarize).into_iter().flatten() {
            walk(rest, offset + i * stride, summarize, out);
        }
    }
    let mut out = Vec::new();
    walk(shape, 0, summarize, &mut out);
    out
}

/// Printed elements, read exactly: floats widened to f64 (as Python's `tolist` does),
/// integers as i64.
enum Values {
    Float(Vec<f64>),
    Int(Vec<i64>),
    Bool(Vec<bool>),
}

/// Reads the elements at `indices`, copying a GPU tensor to the host first.
fn gather(t: &Tensor, indices: &[usize]) -> Result<Values> {
    fn pick<T: Element>(t: &Tensor, indices: &[usize]) -> Result<Vec<T>> {
        let s = t.as_slice::<T>()?;
        Ok(indices.iter().map(|&i| s[i]).collect())
    }
    fn floats<T: Element>(t: &Tensor, indices: &[usize]) -> Result<Values> {
        Ok(Values::Float(
            pick::<T>(t, indices)?.into_iter().map(T::to_f64).collect(),
        ))
    }
    fn ints<T: Element>(t: &Tensor, indices: &[usize]) -> Result<Values> {
        // Exact: every integer dtype narrower than 64 bits fits an f64's mantissa.
        Ok(Values::Int(
            pick::<T>(t, indices)?
                .into_iter()
                .map(|x| x.to_f64() as i64)
                .collect(),
        ))
    }
    let host;
    let t = if t.device() == Device::Cpu {
        t
    } else {
        host = t.to(Device::Cpu)?;
        &host
    };
    match t.dtype() {
        DType::F32 => floats::<f32>(t, indices),
        DType::F64 => floats::<f64>(t, indices),
        DType::F16 => floats::<half::f16>(t, indices),
        DType::BF16 => floats::<half::bf16>(t, indices),
        DType::I64 => Ok(Values::Int(pick::<i64>(t, indices)?)),
        DType::I32 => ints::<i32>(t, indices),
        DType::I16 => ints::<i16>(t, indices),
        DType::I8 => ints::<i8>(t, indices),
        DType::U8 => ints::<u8>(t, indices),
        DType::Bool => Ok(Values::Bool(pick::<bool>(t, indices)?)),
        DType::F8E4M3 => floats::<float8::F8E4M3>(t, indices),
        DType::F8E5M2 => floats::<float8::F8E5M2>(t, indices),
    }
}

/// How floats are written, chosen once for the whole tensor (PyTorch's `_Formatter`).
#[derive(Clone, Copy, Debug, PartialEq)]
enum FloatMode {
    /// Every finite value is an integer: `3.`.
    Int,
    /// `3.1416`.
    Fixed,
    /// `3.1416e+00`.
    Sci,
}

struct Formatter {
    mode: FloatMode,
    max_width: usize,
}

impl Formatter {
    fn new(values: &Values) -> Formatter {
        match values {
            Values::Float(v) => Formatter::for_floats(v),
            Values::Int(v) => Formatter::plain(v.iter().map(|x| x.to_string().len())),
            Values::Bool(v) => Formatter::plain(v.iter().map(|&b| bool_str(b).len())),
        }
    }

    fn plain(widths: impl Iterator<Item = usize>) -> Formatter {
        Formatter {
            mode: FloatMode::Int,
            max_width: widths.fold(1, usize::max),
        }
    }

    fn for_floats(values: &[f64]) -> Formatter {
        // Zeros and non-finite values neither choose the mode nor set the width.
        let nonzero: Vec<f64> = values
            .iter()
            .copied()
            .filter(|v| v.is_finite() && *v != 0.0)
            .collect();
        if nonzero.is_empty() {
            return Formatter::plain(std::iter::empty());
        }
        let max = nonzero.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let min = nonzero.iter().fold(f64::INFINITY, |m, v| m.min(v.abs()));
        let mode = if max / min > 1000.0 || max > 1.0e8 || min < 1.0e-4 {
            FloatMode::Sci
        } else if nonzero.iter().all(|v| *v == v.ceil()) {
            FloatMode::Int
        } else {
            FloatMode::Fixed
        };
        let max_width = nonzero
            .iter()
            .map(|&v| float_str(v, mode).len())
            .fold(1, usize::max);
        Formatter { mode, max_width }
    }

    /// Element `i`, right-aligned to the common width (never cut when it is wider, as for
    /// `-0.` or `nan`, which did not count towards the width).
    fn format(&self, values: &Values, i: usize) -> String {
        let s = match values {
            Values::Float(v) => float_str(v[i], self.mode),
            Values::Int(v) => v[i].to_string(),
            Values::Bool(v) => bool_str(v[i]).to_string(),
        };
        format!("{s:>width$}", width = self.max_width)
    }
}

fn bool_str(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// One float as Python formats it, unpadded.
fn float_str(v: f64, mode: FloatMode) -> String {
    if !v.is_finite() {
        // Python writes no sign on a NaN and no trailing point on non-finite values.
        return match v {
            f64::INFINITY => "inf",
            f64::NEG_INFINITY => "-inf",
            _ => "nan",
        }
        .to_string();
    }
    match mode {
        FloatMode::Int => format!("{v:.0}."),
        FloatMode::Fixed => format!("{v:.PRECISION$}"),
        FloatMode::Sci => python_exp(&format!("{v:.PRECISION$e}")),
    }
}

/// Rust writes `1.5e-7`; Python writes `1.5e-07` (a sign and at least two exponent digits).
fn python_exp(rust: &str) -> String {
    match rust.split_once('e') {
        Some((mantissa, exp)) => {
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => rust.to_string(),
    }
}

/// Brackets, separators and line breaks around already formatted elements.
struct Layout {
    summarize: bool,
    /// Width of one element, for packing elements into lines.
    width: usize,
}

impl Layout {
    /// Consumes the elements of `shape` from `cells`, in the order of [`shown_indices`].
    fn nested(&self, shape: &[usize], indent: usize, cells: &mut impl Iterator<Item = String>) -> String {
        match shape {
            [] => cells.next().unwrap_or_default(),
            [n] => self.vector(*n, indent, cells),
            [n, rest @ ..] => {
                let slices: Vec<String> = shown_rows(*n, self.summarize)
                    .into_iter()
                    .map(|row| match row {
                        Some(_) => self.nested(rest, indent + 1, cells),
                        None => "...".to_string(),
                    })
                    .collect();
                // Blank lines between slices grow with the depth of what they separate.
                let sep = format!(",{}{}", "\n".repeat(shape.len() - 1), " ".repeat(indent + 1));
                format!("[{}]", slices.join(&sep))
            }
        }
    }

    fn vector(&self, n: usize, indent: usize, cells: &mut impl Iterator<Item = String>) -> String {
        let element_length = self.width + 2;
        let per_line = (LINEWIDTH.saturating_sub(indent) / element_length).max(1);
        let data: Vec<String> = shown_rows(n, self.summarize)
            .into_iter()
            .map(|row| match row {
                Some(_) => cells.next().unwrap_or_default(),
                None => " ...".to_string(),
            })
            .collect();
        let lines: Vec<String> = data.chunks(per_line).map(|line| line.join(", ")).collect();
        format!("[{}]", lines.join(&format!(",\n{}", " ".repeat(indent + 1))))
    }
}

#[cfg(test)]
#[path = "print_tests.rs"]
mod tests;
