//! Python's spellings of values, as PyTorch's `extra_repr` strings show them.

/// Python's spelling of a bool: `True`, `False`.
pub(crate) fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// Python's `repr` of a tuple of ints: `(4,)`, `(2, 3)`.
pub(crate) fn py_tuple(dims: &[usize]) -> String {
    match dims {
        [d] => format!("({d},)"),
        _ => format!(
            "({})",
            dims.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// Python's `repr` of a float: `1e-05`, `0.1`, `1.0`.
pub(crate) fn py_float(x: f64) -> String {
    if x == 0.0 || (1e-4..1e16).contains(&x.abs()) {
        let s = format!("{x}");
        if s.contains('.') || s.contains("inf") || s.contains("NaN") {
            s
        } else {
            format!("{s}.0")
        }
    } else if x.is_nan() {
        "nan".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.to_string()
    } else {
        // Python: shortest round-trip digits, exponent with a sign and at least two digits.
        let s = format!("{x:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        format!("{mantissa}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    }
}

/// Python's `repr` of an optional float: `None` or the float.
pub(crate) fn py_opt_float(x: Option<f64>) -> String {
    x.map_or_else(|| "None".to_string(), py_float)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_float_reprs() {
        for (x, s) in [
            (1e-5, "1e-05"),
            (1e-6, "1e-06"),
            (0.1, "0.1"),
            (1.0, "1.0"),
            (1e-3, "0.001"),
            (2.5e-7, "2.5e-07"),
            (0.0, "0.0"),
            (2.0, "2.0"),
            (1e16, "1e+16"),
            (f64::INFINITY, "inf"),
        ] {
            assert_eq!(py_float(x), s);
        }
        assert_eq!(py_opt_float(None), "None");
    }

    #[test]
    fn python_tuple_and_bool_reprs() {
        assert_eq!(py_tuple(&[4]), "(4,)");
        assert_eq!(py_tuple(&[2, 3]), "(2, 3)");
        assert_eq!(py_tuple(&[]), "()");
        assert_eq!((py_bool(true), py_bool(false)), ("True", "False"));
    }
}
