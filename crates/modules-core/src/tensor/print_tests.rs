//! Printing checked against PyTorch's own `repr`, recorded by `scripts/gen_print_fixtures.py`.

use super::*;

use serde_json::Value;

fn field<'v>(case: &'v Value, key: &str) -> &'v Value {
    case.get(key).unwrap_or_else(|| panic!("no {key:?} in {case}"))
}

fn text<'v>(case: &'v Value, key: &str) -> &'v str {
    field(case, key)
        .as_str()
        .unwrap_or_else(|| panic!("{key:?} is not a string in {case}"))
}

/// Rebuilds a case's tensor bit for bit: floats were stored as text after conversion to their
/// dtype, so converting back from f64 is exact; integers are exact JSON numbers.
fn build(case: &Value) -> Tensor {
    let shape: Vec<usize> = serde_json::from_value(field(case, "shape").clone()).unwrap();
    // The fixture writes `Bool`; the safetensors name is `BOOL`.
    let dtype: DType = text(case, "dtype").to_uppercase().parse().unwrap();
    if text(case, "device") == "meta" {
        return Tensor::empty(shape, (Device::Meta, dtype)).unwrap();
    }
    let values = field(case, "values").as_array().unwrap();
    fn ints<T: Element>(values: &[Value], shape: Vec<usize>) -> Tensor {
        let v: Vec<T> = values
            .iter()
            .map(|x| T::from_f64(x.as_i64().unwrap() as f64))
            .collect();
        Tensor::from_vec(v, shape, Device::Cpu).unwrap()
    }
    match dtype {
        DType::I64 => {
            let v: Vec<i64> = values.iter().map(|x| x.as_i64().unwrap()).collect();
            Tensor::from_vec(v, shape, Device::Cpu).unwrap()
        }
        DType::I32 => ints::<i32>(values, shape),
        DType::I16 => ints::<i16>(values, shape),
        DType::I8 => ints::<i8>(values, shape),
        DType::U8 => ints::<u8>(values, shape),
        DType::Bool => {
            let v: Vec<bool> = values.iter().map(|x| x.as_bool().unwrap()).collect();
            Tensor::from_vec(v, shape, Device::Cpu).unwrap()
        }
        _ => {
            let v: Vec<f64> = values
                .iter()
                .map(|x| x.as_str().unwrap().parse().unwrap())
                .collect();
            Tensor::from_vec(v, shape, Device::Cpu)
                .unwrap()
                .to_dtype(dtype)
                .unwrap()
        }
    }
}

fn first_difference(expected: &str, actual: &str) -> String {
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(e, a)| e != a)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    format!(
        "first differing line {line}:\n  expected: {:?}\n  actual:   {:?}",
        expected.lines().nth(line).unwrap_or(""),
        actual.lines().nth(line).unwrap_or("")
    )
}

#[test]
fn print_matches_pytorch_fixtures() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/print/cases.json");
    let fixture: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = field(&fixture, "cases").as_array().unwrap();
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let t = build(case);
        let flag = |key| field(case, key).as_bool().unwrap();
        let actual = if flag("parameter") {
            format_parameter(&t, flag("requires_grad"))
        } else {
            t.to_string()
        };
        let expected = text(case, "repr");
        if actual != expected {
            failures.push((text(case, "name"), expected, actual));
        }
    }
    if let Some((name, expected, actual)) = failures.first() {
        let names: Vec<_> = failures.iter().map(|f| f.0).collect();
        panic!(
            "{} of {} cases differ from PyTorch: {names:?}\n\ncase {name}:\n--- expected\n{expected}\n--- actual\n{actual}\n{}",
            failures.len(),
            cases.len(),
            first_difference(expected, actual)
        );
    }
}

#[test]
fn print_cuda_suffix() {
    let t = Tensor::from_slice(&[1.5f32, -2.0], [2], Device::Cpu).unwrap();
    assert_eq!(
        fmt_with_suffixes(&t, Device::Cuda(0), false),
        "tensor([ 1.5000, -2.0000], device='cuda:0')"
    );
    let h = t.to_dtype(DType::F16).unwrap();
    assert_eq!(
        fmt_with_suffixes(&h, Device::Cuda(1), true),
        "tensor([ 1.5000, -2.0000], device='cuda:1', dtype=torch.float16,\n       requires_grad=True)"
    );
    let e = Tensor::empty([0, 2], DType::I64).unwrap();
    assert_eq!(
        fmt_with_suffixes(&e, Device::Cuda(0), false),
        "tensor([], device='cuda:0', size=(0, 2), dtype=torch.int64)"
    );
}

#[test]
fn print_unreadable_data_is_reported_not_panicked() {
    // A meta tensor printed as if it lived on a GPU: reading it fails like a failed copy.
    let m = Tensor::empty([2], Device::Meta).unwrap();
    let s = fmt_with_suffixes(&m, Device::Cuda(0), false);
    assert!(s.starts_with("tensor(<error reading tensor data: "), "{s}");
    assert!(s.ends_with("device='cuda:0')"), "{s}");
}

#[test]
fn print_python_exponents() {
    assert_eq!(python_exp("1.0000e8"), "1.0000e+08");
    assert_eq!(python_exp("-2.5000e-123"), "-2.5000e-123");
    assert_eq!(python_exp("3.0000e0"), "3.0000e+00");
}

#[test]
fn print_summary_reads_only_edges() {
    let shown = shown_indices(&[10, 10], true);
    assert_eq!(shown.len(), 36);
    assert_eq!(&shown[..4], &[0, 1, 2, 7]);
    assert_eq!(shown_indices(&[], false), vec![0]);
}
