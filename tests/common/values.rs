//! A module's values and shapes, read back on the host, for the nn_* tests.

use modules::prelude::*;

/// A parameter's values as f64.
pub fn values(p: &Parameter) -> Vec<f64> {
    p.tensor().to_f64_vec().unwrap()
}

/// An optional parameter's values (panics when it is `None`).
pub fn opt_values(p: &Option<Parameter>) -> Vec<f64> {
    values(p.as_ref().unwrap())
}

/// An optional buffer's values (panics when it is `None`).
pub fn buffer_values(b: &Option<Buffer>) -> Vec<f64> {
    b.as_ref().unwrap().tensor().to_f64_vec().unwrap()
}

/// Every parameter's name and shape, in `named_parameters` order.
pub fn shapes(m: &dyn Module) -> Vec<(String, Vec<usize>)> {
    m.named_parameters()
        .into_iter()
        .map(|(n, p)| (n, p.shape()))
        .collect()
}

/// Every state-dict tensor's values as f64, by name, in state-dict order.
pub fn all_values(m: &dyn Module) -> Vec<(String, Vec<f64>)> {
    m.state_dict()
        .iter()
        .map(|(k, t)| (k.to_string(), t.tensor().to_f64_vec().unwrap()))
        .collect()
}
