//! Compile-time rules: derive misuses and argument checking, each one clear error.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
