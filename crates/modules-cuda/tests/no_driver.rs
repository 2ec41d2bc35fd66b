//! Without a usable CUDA driver every entry point is `Err(Unavailable)` with the reason, never
//! a panic. (On a machine with a GPU this checks only what can be checked there.)

use modules_cuda::{context, device_count, CudaBuffer, CudaError, PinnedBuffer};

#[test]
fn every_entry_point_is_unavailable_without_a_driver() {
    if let Ok(n) = device_count() {
        println!("skipped: {n} CUDA device(s) present, the no-driver path can't be exercised");
        // A bad ordinal is still Unavailable everywhere.
        assert!(matches!(CudaBuffer::uninit(n, 1), Err(CudaError::Unavailable(_))));
        assert!(matches!(PinnedBuffer::new(n, 1), Err(CudaError::Unavailable(_))));
        return;
    }
    let reason = match device_count() {
        Err(CudaError::Unavailable(r)) => r,
        other => panic!("{other:?}"),
    };
    assert!(!reason.is_empty());
    let unavailable = |r: Result<(), CudaError>| match r {
        Err(CudaError::Unavailable(why)) => assert_eq!(why, reason),
        other => panic!("expected Unavailable, got {other:?}"),
    };
    unavailable(context(0).map(|_| ()));
    unavailable(CudaBuffer::uninit(0, 1 << 20).map(|_| ()));
    unavailable(CudaBuffer::uninit(0, 0).map(|_| ()));
    unavailable(CudaBuffer::from_host(0, &[1, 2, 3]).map(|_| ()));
    unavailable(PinnedBuffer::new(0, 16).map(|_| ()));
    // Bad ordinals say so, or say there is no driver at all.
    assert!(matches!(CudaBuffer::uninit(7, 1), Err(CudaError::Unavailable(_))));
}
