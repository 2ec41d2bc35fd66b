//! Every driver call goes through here: cudarc panics where the driver lacks a symbol, and its
//! errors are mapped to [`CudaError`] in one place.

#![forbid(unsafe_code)]

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use cudarc::driver::DriverError;

use crate::CudaError;

pub(crate) fn driver(e: DriverError) -> CudaError {
    CudaError::Driver(e.to_string())
}

/// Runs a driver call, turning cudarc's panics (a symbol the driver lacks) into errors.
pub(crate) fn call<T>(f: impl FnOnce() -> Result<T, DriverError>) -> Result<T, CudaError> {
    call_map(f, driver)
}

/// [`call`] with a chosen mapping of driver errors.
pub(crate) fn call_map<T>(
    f: impl FnOnce() -> Result<T, DriverError>,
    map: impl FnOnce(DriverError) -> CudaError,
) -> Result<T, CudaError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(map),
        Err(p) => Err(CudaError::Driver(panic_message(p))),
    }
}

pub(crate) fn panic_message(p: Box<dyn Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "cudarc panicked".to_string())
}
