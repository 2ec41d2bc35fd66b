//! One CUDA context per ordinal, created lazily once and shared across threads.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, OnceLock};

use cudarc::driver::{sys, CudaContext, CudaModule, CudaStream, DriverError};

use crate::guard::{driver, panic_message};
use crate::staging::{Stager, Staging};
use crate::CudaError;

/// A device's context and the stream all work on it is queued on.
#[derive(Clone)]
pub struct DeviceContext {
    /// The ordinal.
    pub ordinal: usize,
    /// cudarc's context.
    pub ctx: Arc<CudaContext>,
    /// The stream copies, fills and kernels run on, in order.
    pub stream: Arc<CudaStream>,
    // The kernels, loaded from the shipped PTX on first use (JIT-compiled by the driver).
    pub(crate) kernels: Arc<OnceLock<Result<Arc<CudaModule>, CudaError>>>,
    // Pinned staging buffers, kept between copies: pinning memory costs milliseconds.
    pub(crate) staging: Arc<Mutex<Staging>>,
}

impl DeviceContext {
    /// `(free, total)` device memory in bytes.
    pub fn mem_info(&self) -> Result<(usize, usize), CudaError> {
        self.ctx.mem_get_info().map_err(driver)
    }

    /// Host↔device copies on this device's stream, through its pinned staging buffers.
    pub(crate) fn stager(&self) -> Stager<'_> {
        Stager {
            ctx: &self.ctx,
            stream: &self.stream,
            buffers: &self.staging,
        }
    }

    /// Maps a driver error, turning out-of-memory into [`CudaError::OutOfMemory`].
    pub fn map_alloc_error(&self, e: DriverError, requested: usize) -> CudaError {
        if e.0 == sys::CUresult::CUDA_ERROR_OUT_OF_MEMORY {
            let free = self.mem_info().map(|(f, _)| f).unwrap_or(0);
            CudaError::OutOfMemory { requested, free }
        } else {
            driver(e)
        }
    }
}

/// Runs a first call into cudarc, turning its panics (missing library or symbol) into errors.
fn guarded<T>(f: impl FnOnce() -> Result<T, DriverError>) -> Result<T, CudaError> {
    // SAFETY: `is_culib_present` only dlopens candidate library names and closes them again.
    if !unsafe { sys::is_culib_present() } {
        return Err(CudaError::Unavailable(
            "the CUDA driver library (libcuda.so) was not found".to_string(),
        ));
    }
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(CudaError::Unavailable(e.to_string())),
        Err(p) => Err(CudaError::Unavailable(panic_message(p))),
    }
}

/// Number of CUDA devices; an error (never a panic) where there is no driver.
pub fn device_count() -> Result<usize, CudaError> {
    static COUNT: OnceLock<Result<usize, CudaError>> = OnceLock::new();
    COUNT
        .get_or_init(|| guarded(|| CudaContext::device_count().map(|n| n.max(0) as usize)))
        .clone()
}

/// Why nothing can run on a GPU here (no driver, no device), or `None` when device 0 exists:
/// the one line a test, benchmark or example prints when it skips.
///
/// ```
/// match modules_cuda::no_device_reason() {
///     None => println!("a GPU is here"),
///     Some(why) => println!("skipped: {why}"),
/// }
/// ```
pub fn no_device_reason() -> Option<String> {
    match device_count() {
        Ok(n) if n > 0 => None,
        Ok(_) => Some("no CUDA device".into()),
        Err(e) => Some(e.to_string()),
    }
}

/// The context of device `ordinal`, created on first use.
pub fn context(ordinal: usize) -> Result<DeviceContext, CudaError> {
    static CONTEXTS: Mutex<Vec<Option<DeviceContext>>> = Mutex::new(Vec::new());
    let count = device_count()?;
    if ordinal >= count {
        return Err(CudaError::Unavailable(format!(
            "no CUDA device with ordinal {ordinal}: {count} device(s) present"
        )));
    }
    let mut all = CONTEXTS.lock().unwrap_or_else(|e| e.into_inner());
    if all.len() < count {
        all.resize(count, None);
    }
    if let Some(c) = &all[ordinal] {
        return Ok(c.clone());
    }
    let ctx = guarded(|| CudaContext::new(ordinal))?;
    let stream = ctx.default_stream();
    let c = DeviceContext {
        ordinal,
        ctx,
        stream,
        kernels: Arc::new(OnceLock::new()),
        staging: Arc::new(Mutex::new(Staging::default())),
    };
    all[ordinal] = Some(c.clone());
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probing_never_panics() {
        match device_count() {
            Ok(n) => eprintln!("{n} CUDA device(s)"),
            Err(e) => {
                eprintln!("skipped GPU part: {e}");
                assert!(context(0).is_err());
            }
        }
        // An ordinal beyond any machine is always an error naming it.
        let e = context(usize::MAX).err().expect("no machine has that many GPUs");
        assert!(matches!(e, CudaError::Unavailable(_)), "{e}");
    }
}
