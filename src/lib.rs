pub use modules_core::*;
