//! Skipped tests that show as skipped.
//!
//! libtest has no run-time skip: a test that returns early for want of a GPU is counted as
//! passed, and what it prints is captured and thrown away. So the skip line goes straight to
//! the process's stderr, past the capture, where `cargo test`, `.ci/run` and the GPU bundle's
//! `run.sh` see it; the last two count `skipped: ` lines and take them out of the passed count.

#![forbid(unsafe_code)]

use std::io::Write;

/// Prints `skipped: <test>: <why>` on stderr, visible even under libtest's output capture.
/// `<test>` is the running test's name (libtest names each test's thread after it), or the
/// program's name outside a test.
///
/// ```
/// if std::env::var_os("NO_SUCH_TOOL").is_none() {
///     modules_cuda::report_skip("NO_SUCH_TOOL is not set");
/// }
/// ```
pub fn report_skip(why: &str) {
    let thread = std::thread::current();
    let test = match thread.name() {
        Some(name) if name != "main" => name.to_string(),
        _ => std::env::args().next().unwrap_or_default(),
    };
    // One write of the whole line, so that parallel tests do not interleave inside it.
    let line = format!("skipped: {test}: {why}\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// `true` where CUDA device 0 exists; otherwise reports the skip ([`report_skip`]) and returns
/// `false`. The first line of every GPU test.
///
/// ```
/// if modules_cuda::gpu_or_skip() {
///     assert!(modules_cuda::device_count().unwrap() > 0);
/// }
/// ```
pub fn gpu_or_skip() -> bool {
    match crate::no_device_reason() {
        None => true,
        Some(why) => {
            report_skip(&why);
            false
        }
    }
}
