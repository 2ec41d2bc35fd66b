//! Contiguous tensors on the CPU, a CUDA device or the meta device.

#[cfg(feature = "cuda")]
mod cuda_memory;
mod element;
mod options;
pub(crate) mod print;
mod shape;
pub(crate) mod storage;

pub use element::Element;
pub use options::TensorOptions;
pub use shape::{IntoShape, Shape};
pub(crate) use storage::Storage;

use crate::{DType, Device, Error, Result};
use storage::host::HostBuffer;

/// A contiguous, row-major tensor: a shape, a dtype and storage on one device.
///
/// On the meta device a tensor has a shape and a dtype but no memory; reading its data is an
/// [`Error::MetaTensor`], never a panic. A tensor is not `Clone`, because a copy can fail (out
/// of memory, no data on meta): [`Tensor::try_clone`] copies the data, like `torch.clone`. It is
/// `Send` and `Sync`.
///
/// ```compile_fail
/// fn needs_clone<T: Clone>() {}
/// needs_clone::<modules_core::Tensor>();
/// ```
///
/// ```
/// fn shared_across_threads<T: Send + Sync>() {}
/// shared_across_threads::<modules_core::Tensor>();
/// ```
///
/// ```
/// use modules_core::{DType, Device, Tensor};
/// let t = Tensor::from_slice(&[1.0f32, 2.0, 3.0, 4.0], [2, 2], Device::Cpu).unwrap();
/// assert_eq!(t.shape(), &[2, 2]);
/// assert_eq!(t.to_vec::<f32>().unwrap(), vec![1.0, 2.0, 3.0, 4.0]);
///
/// let m = Tensor::empty([4096, 4096], Device::Meta).unwrap(); // no memory at all
/// assert_eq!(m.numel(), 1 << 24);
/// assert!(m.to_vec::<f32>().is_err());
///
/// let e = m.to_empty(Device::Cpu).unwrap(); // zero pages from the OS: microseconds
/// assert_eq!((e.device(), e.dtype()), (Device::Cpu, DType::F32));
/// ```
pub struct Tensor {
    shape: Shape,
    dtype: DType,
    storage: Storage,
}

fn checked_bytes(shape: &[usize], dtype: DType) -> Result<usize> {
    shape
        .iter()
        .try_fold(dtype.size_in_bytes(), |acc, &d| acc.checked_mul(d))
        .filter(|&b| b <= isize::MAX as usize)
        .ok_or_else(|| Error::TooLarge {
            shape: shape.to_vec(),
            dtype,
        })
}

impl Tensor {
    /// Allocates without initializing. On the CPU the memory is zero pages from the OS (lazily
    /// mapped: no cost until written); on a GPU it is a real uninitialized device allocation;
    /// on meta nothing is allocated.
    pub fn empty(shape: impl IntoShape, options: impl Into<TensorOptions>) -> Result<Tensor> {
        let shape = shape.into_shape();
        let o = options.into();
        let bytes = checked_bytes(&shape, o.dtype)?;
        let storage = Storage::uninit(o.device, bytes)?;
        Ok(Tensor {
            shape,
            dtype: o.dtype,
            storage,
        })
    }

    /// Tensors for many shapes at once, from one allocation where the device allows it (the CPU
    /// carves them out of one memory map). Used by `ModuleExt::to_empty`.
    pub fn empty_many(specs: &[(&[usize], DType)], device: Device) -> Result<Vec<Tensor>> {
        let bytes = specs
            .iter()
            .map(|(s, d)| checked_bytes(s, *d))
            .collect::<Result<Vec<_>>>()?;
        let storages: Vec<Storage> = match device {
            Device::Cpu => HostBuffer::zeroed_many(&bytes)?
                .into_iter()
                .map(Storage::Cpu)
                .collect(),
            _ => bytes
                .iter()
                .map(|&b| Storage::uninit(device, b))
                .collect::<Result<_>>()?,
        };
        Ok(specs
            .iter()
            .zip(storages)
            .map(|((shape, dtype), storage)| Tensor {
                shape: Shape::new(shape),
                dtype: *dtype,
                storage,
            })
            .collect())
    }

    /// A tensor of zeros.
    pub fn zeros(shape: impl IntoShape, options: impl Into<TensorOptions>) -> Result<Tensor> {
        let o = options.into();
        let mut t = Tensor::empty(shape, o)?;
        // Fresh CPU memory is already zero; elsewhere it must be written.
        if !matches!(t.storage, Storage::Cpu(_)) {
            t.fill(0.0)?;
        }
        Ok(t)
    }

    /// A tensor of ones.
    pub fn ones(shape: impl IntoShape, options: impl Into<TensorOptions>) -> Result<Tensor> {
        Tensor::full(shape, 1.0, options)
    }

    /// A tensor with every element `value` (converted to the dtype).
    pub fn full(shape: impl IntoShape, value: f64, options: impl Into<TensorOptions>) -> Result<Tensor> {
        let mut t = Tensor::empty(shape, options)?;
        t.fill(value)?;
        Ok(t)
    }

    /// A tensor holding a copy of `data`, with the dtype of `T`.
    pub fn from_slice<T: Element>(data: &[T], shape: impl IntoShape, device: Device) -> Result<Tensor> {
        let shape = shape.into_shape();
        let expected: usize = shape.iter().product();
        if expected != data.len() {
            return Err(Error::LengthMismatch {
                shape: shape.to_vec(),
                expected,
                found: data.len(),
            });
        }
        // SAFETY: T is plain old data (sealed `Element`); viewing it as bytes is always valid.
        let bytes =
            unsafe { std::slice::from_raw_parts(data.as_ptr() as *const u8, std::mem::size_of_val(data)) };
        let storage = Storage::from_host_bytes(device, bytes)?;
        Ok(Tensor {
            shape,
            dtype: T::DTYPE,
            storage,
        })
    }

    /// A tensor holding `data`, with the dtype of `T`.
    pub fn from_vec<T: Element>(data: Vec<T>, shape: impl IntoShape, device: Device) -> Result<Tensor> {
        Tensor::from_slice(&data, shape, device)
    }

    /// A 0-dim tensor.
    pub fn scalar<T: Element>(value: T, device: Device) -> Result<Tensor> {
        Tensor::from_slice(&[value], [], device)
    }

    /// Sizes per dimension, outermost first (`[]` for a 0-dim tensor). A shard's local shape;
    /// its parameter's `global_shape` is the full one.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// Number of dimensions.
    pub fn dim(&self) -> usize {
        self.shape.len()
    }

    /// Number of elements (1 for a 0-dim tensor).
    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }

    /// The element type (what `as_slice::<T>` checks `T` against).
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// Where the bytes are; `Meta` when there are none.
    pub fn device(&self) -> Device {
        self.storage.device()
    }

    /// Logical size in bytes (also on meta, like PyTorch's `nbytes`).
    pub fn size_in_bytes(&self) -> usize {
        self.numel() * self.dtype.size_in_bytes()
    }

    pub(crate) fn storage(&self) -> &Storage {
        &self.storage
    }

    pub(crate) fn storage_mut(&mut self) -> &mut Storage {
        &mut self.storage
    }

    pub(crate) fn from_storage(shape: &[usize], dtype: DType, storage: Storage) -> Tensor {
        Tensor {
            shape: Shape::new(shape),
            dtype,
            storage,
        }
    }

    fn check_dtype<T: Element>(&self) -> Result<()> {
        if T::DTYPE == self.dtype {
            Ok(())
        } else {
            Err(Error::DTypeMismatch {
                expected: T::DTYPE,
                found: self.dtype,
            })
        }
    }

    /// The raw bytes of a CPU tensor.
    pub fn as_bytes(&self) -> Result<&[u8]> {
        Ok(self.storage.host()?.as_bytes())
    }

    /// The raw bytes of a CPU tensor, writable. For `Bool` tensors, write only 0 or 1.
    pub fn as_bytes_mut(&mut self) -> Result<&mut [u8]> {
        if self.dtype == DType::Bool {
            return Err(Error::UnsupportedDType {
                op: "as_bytes_mut (a byte other than 0 or 1 is not a bool)",
                dtype: DType::Bool,
            });
        }
        Ok(self.storage.host_mut()?.as_bytes_mut())
    }

    /// The elements of a CPU tensor; `T` must match the dtype.
    pub fn as_slice<T: Element>(&self) -> Result<&[T]> {
        self.check_dtype::<T>()?;
        let all = self.storage.host()?.typed::<T>();
        Ok(&all[..self.numel()])
    }

    /// The elements of a CPU tensor, writable; `T` must match the dtype.
    pub fn as_mut_slice<T: Element>(&mut self) -> Result<&mut [T]> {
        self.check_dtype::<T>()?;
        let n = self.numel();
        let all = self.storage.host_mut()?.typed_mut::<T>();
        Ok(&mut all[..n])
    }

    /// A copy of the elements on the host, from any device but meta.
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        self.check_dtype::<T>()?;
        match &self.storage {
            Storage::Cpu(_) => Ok(self.as_slice::<T>()?.to_vec()),
            _ => self.to(Device::Cpu)?.to_vec(),
        }
    }

    /// Every element converted to f64 (exact for float dtypes), copied to the host.
    pub fn to_f64_vec(&self) -> Result<Vec<f64>> {
        fn conv<T: Element>(t: &Tensor) -> Result<Vec<f64>> {
            Ok(t.as_slice::<T>()?.iter().map(|x| x.to_f64()).collect())
        }
        let host;
        let t = if matches!(self.storage, Storage::Cpu(_)) {
            self
        } else {
            host = self.to(Device::Cpu)?;
            &host
        };
        match t.dtype {
            DType::F32 => conv::<f32>(t),
            DType::F64 => conv::<f64>(t),
            DType::F16 => conv::<half::f16>(t),
            DType::BF16 => conv::<half::bf16>(t),
            DType::I64 => conv::<i64>(t),
            DType::I32 => conv::<i32>(t),
            DType::I16 => conv::<i16>(t),
            DType::I8 => conv::<i8>(t),
            DType::U8 => conv::<u8>(t),
            DType::Bool => conv::<bool>(t),
            DType::F8E4M3 => conv::<float8::F8E4M3>(t),
            DType::F8E5M2 => conv::<float8::F8E5M2>(t),
        }
    }

    /// Sets every element to `value` (converted to the dtype). A no-op on meta.
    pub fn fill(&mut self, value: f64) -> Result<()> {
        let size = self.dtype.size_in_bytes();
        let mut pattern = [0u8; 8];
        element::encode(self.dtype, value, &mut pattern[..size]);
        self.storage.fill_pattern(&pattern[..size])
    }

    /// A copy on `device`. From meta this is an error with PyTorch's hint to use `to_empty`.
    pub fn to(&self, device: Device) -> Result<Tensor> {
        let mut storage = self.storage.copy_to(device)?;
        if self.dtype == DType::Bool {
            // Device memory may hold any byte (an uninitialized `to_empty` allocation); on the
            // host every bool byte must be 0 or 1 before safe code can read it as `bool`.
            if let Storage::Cpu(b) = &mut storage {
                b.as_bytes_mut().iter_mut().for_each(|x| *x = (*x != 0) as u8);
            }
        }
        Ok(Tensor {
            shape: self.shape.clone(),
            dtype: self.dtype,
            storage,
        })
    }

    /// Overwrites the data with that of a CPU tensor of the same shape and dtype, in place (the
    /// storage, and so every tie, is kept).
    pub(crate) fn overwrite_from_host(&mut self, src: &Tensor) -> Result<()> {
        if src.shape() != self.shape() || src.dtype != self.dtype {
            return Err(Error::ShapeMismatch {
                name: "overwrite_from_host".into(),
                expected: self.shape.to_vec(),
                found: src.shape.to_vec(),
            });
        }
        self.storage.write_host_bytes(src.as_bytes()?)
    }

    /// A copy of the data on the same device.
    pub fn try_clone(&self) -> Result<Tensor> {
        self.to(self.device())
    }

    /// A tensor of the same shape and dtype on `device`, allocated but not initialized
    /// (`torch.empty_like(t, device=device)`).
    pub fn to_empty(&self, device: Device) -> Result<Tensor> {
        Tensor::empty(&self.shape, (device, self.dtype))
    }

    /// A copy converted to another floating-point dtype (round to nearest even).
    pub fn to_dtype(&self, dtype: DType) -> Result<Tensor> {
        if dtype == self.dtype {
            return self.try_clone();
        }
        for d in [self.dtype, dtype] {
            if !d.is_float() {
                return Err(Error::UnsupportedDType {
                    op: "to_dtype",
                    dtype: d,
                });
            }
        }
        let device = self.device();
        if device == Device::Meta {
            return Tensor::empty(&self.shape, (Device::Meta, dtype));
        }
        let values = self.to_f64_vec()?;
        let mut out = Tensor::empty(&self.shape, (Device::Cpu, dtype))?;
        fn put<T: Element>(out: &mut Tensor, v: &[f64]) -> Result<()> {
            for (o, x) in out.as_mut_slice::<T>()?.iter_mut().zip(v) {
                *o = T::from_f64(*x);
            }
            Ok(())
        }
        match dtype {
            DType::F32 => put::<f32>(&mut out, &values)?,
            DType::F64 => put::<f64>(&mut out, &values)?,
            DType::F16 => put::<half::f16>(&mut out, &values)?,
            DType::F8E4M3 => put::<float8::F8E4M3>(&mut out, &values)?,
            DType::F8E5M2 => put::<float8::F8E5M2>(&mut out, &values)?,
            _ => put::<half::bf16>(&mut out, &values)?,
        }
        if device == Device::Cpu {
            Ok(out)
        } else {
            out.to(device)
        }
    }
}

impl std::fmt::Debug for Tensor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tensor")
            .field("shape", &self.shape)
            .field("dtype", &self.dtype)
            .field("device", &self.device())
            .finish()
    }
}

#[cfg(test)]
mod tests;
