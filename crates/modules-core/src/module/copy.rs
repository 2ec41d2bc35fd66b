//! Copying the values of one module into another of the same architecture.

use super::ext::ModuleExt;
use super::visit::Module;
use crate::{Device, Error, Result, SharedTensor};

/// Copies every tensor of `from`'s state dict into the tensor of the same name in `to`'s,
/// slot by slot, in place: `to`'s slots, ties, `requires_grad` and declared inits are kept,
/// only the values change (`to.load_state_dict(from.state_dict())` in PyTorch's copy mode).
///
/// Both state dicts must list the same names in the same order with the same shapes and
/// dtypes; otherwise nothing is copied and the error names the tensor
/// ([`Error::ShapeMismatch`] for a shape, [`Error::InvalidArgument`] for a name or dtype).
/// A slot of `to` on meta is left alone (there is nothing to write), so copying between two
/// modules built on meta is a no-op; copying out of a meta tensor into a real one is
/// [`Error::MetaTensor`]. Between CPU tensors the bytes are copied; otherwise the source is
/// copied to the destination's device and put in the slot.
///
/// This is how `TransformerEncoder` makes its layers start bit-identical, as PyTorch's
/// `copy.deepcopy` of one initialized layer does.
///
/// ```
/// use modules_core::{copy_values, Device, Module, Parameter, Part, Tensor, Visitor};
///
/// struct M { w: Parameter }
/// impl Module for M {
///     fn type_name(&self) -> &str { "M" }
///     fn visit<'a>(&'a self, v: &mut dyn Visitor<'a>) { self.w.visit_part("w", v) }
/// }
/// let a = M { w: Parameter::new(Tensor::from_slice(&[1f32, 2.0, 3.0], [3], Device::Cpu)?) };
/// let b = M { w: Parameter::new(Tensor::zeros([3], Device::Cpu)?) };
/// copy_values(&a, &b)?;
/// assert_eq!(b.w.tensor().to_vec::<f32>()?, [1.0, 2.0, 3.0]);
/// assert!(!b.w.is_tied_to(&a.w)); // a copy, not a tie
///
/// let c = M { w: Parameter::new(Tensor::zeros([4], Device::Cpu)?) };
/// assert!(copy_values(&a, &c).unwrap_err().to_string().starts_with("w: expected shape [4], found [3]"));
/// # Ok::<(), modules_core::Error>(())
/// ```
pub fn copy_values(from: &dyn Module, to: &dyn Module) -> Result<()> {
    let src = from.state_dict();
    let dst = to.state_dict();
    let pairs: Vec<(&str, &SharedTensor, &SharedTensor)> = check_same_layout(&src, &dst)?;
    for (_, s, d) in pairs {
        copy_slot(s, d)?;
    }
    Ok(())
}

fn check_same_layout<'a>(
    src: &'a super::traverse::StateDict,
    dst: &'a super::traverse::StateDict,
) -> Result<Vec<(&'a str, &'a SharedTensor, &'a SharedTensor)>> {
    let mismatch = |message: String| Error::InvalidArgument {
        function: "copy_values",
        message,
    };
    let mut pairs = Vec::with_capacity(src.len());
    let mut s_iter = src.iter();
    let mut d_iter = dst.iter();
    loop {
        match (s_iter.next(), d_iter.next()) {
            (None, None) => break,
            (Some((name, _)), None) => {
                return Err(mismatch(format!(
                    "`{name}` of the source has no counterpart in the destination"
                )))
            }
            (None, Some((name, _))) => {
                return Err(mismatch(format!(
                    "`{name}` of the destination has no counterpart in the source"
                )))
            }
            (Some((sn, s)), Some((dn, d))) => {
                if sn != dn {
                    return Err(mismatch(format!(
                        "expected the same tensors in the same order, found `{sn}` in the source where the destination has `{dn}`"
                    )));
                }
                let (ss, ds) = (s.shape(), d.shape());
                if ss != ds {
                    return Err(Error::ShapeMismatch {
                        name: dn.to_string(),
                        expected: ds,
                        found: ss,
                    });
                }
                let (st, dt) = (s.dtype(), d.dtype());
                if st != dt {
                    return Err(mismatch(format!("{dn}: expected dtype {dt}, found {st}")));
                }
                pairs.push((dn, s, d));
            }
        }
    }
    Ok(pairs)
}

fn copy_slot(src: &SharedTensor, dst: &SharedTensor) -> Result<()> {
    if src.same_slot(dst) {
        return Ok(());
    }
    let device = dst.device();
    if device == Device::Meta {
        return Ok(());
    }
    let from = src.tensor();
    if device == Device::Cpu && from.device() == Device::Cpu {
        let mut to = dst.tensor_mut();
        if let Ok(bytes) = to.as_bytes_mut() {
            bytes.copy_from_slice(from.as_bytes()?);
            return Ok(());
        }
    }
    let copy = from.to(device)?;
    drop(from);
    dst.replace(copy);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DType, Parameter, Tensor};

    test_module!(Two {
        a: Parameter,
        b: Parameter
    });

    fn two(device: Device, dtype: DType) -> Two {
        Two {
            a: Parameter::new(Tensor::zeros([2], (device, dtype)).unwrap()),
            b: Parameter::new(Tensor::zeros([3], (device, dtype)).unwrap()),
        }
    }

    #[test]
    fn meta_to_meta_is_a_no_op_and_meta_to_cpu_an_error() {
        let (x, y) = (two(Device::Meta, DType::F32), two(Device::Meta, DType::F32));
        copy_values(&x, &y).unwrap();
        let z = two(Device::Cpu, DType::F32);
        assert!(matches!(copy_values(&x, &z), Err(Error::MetaTensor { .. })));
        copy_values(&z, &x).unwrap(); // into meta: nothing to write
    }

    #[test]
    fn copies_bool_and_half_and_checks_dtypes_first() {
        let x = two(Device::Cpu, DType::F16);
        x.a.tensor_mut().fill(2.0).unwrap();
        let y = two(Device::Cpu, DType::F16);
        copy_values(&x, &y).unwrap();
        assert_eq!(y.a.tensor().to_f64_vec().unwrap(), [2.0, 2.0]);
        let z = two(Device::Cpu, DType::F32);
        let e = copy_values(&x, &z).unwrap_err();
        assert!(e.to_string().contains("a: expected dtype"), "{e}");
        let bx = Two {
            a: Parameter::new(Tensor::from_slice(&[true, false], [2], Device::Cpu).unwrap()),
            b: Parameter::new(Tensor::zeros([3], (Device::Cpu, DType::Bool)).unwrap()),
        };
        let by = Two {
            a: Parameter::new(Tensor::zeros([2], (Device::Cpu, DType::Bool)).unwrap()),
            b: Parameter::new(Tensor::zeros([3], (Device::Cpu, DType::Bool)).unwrap()),
        };
        copy_values(&bx, &by).unwrap();
        assert_eq!(by.a.tensor().to_vec::<bool>().unwrap(), [true, false]);
    }

    #[test]
    fn self_copy_and_name_mismatch() {
        let x = two(Device::Cpu, DType::F32);
        copy_values(&x, &x).unwrap();
        test_module!(One { a: Parameter });
        let one = One {
            a: Parameter::new(Tensor::zeros([2], Device::Cpu).unwrap()),
        };
        let e = copy_values(&x, &one).unwrap_err();
        assert!(e.to_string().contains("`b` of the source"), "{e}");
        // nothing was copied: checks come first
        x.a.tensor_mut().fill(1.0).unwrap();
        assert!(copy_values(&x, &one).is_err());
        assert_eq!(one.a.tensor().to_vec::<f32>().unwrap(), [0.0, 0.0]);
    }
}
