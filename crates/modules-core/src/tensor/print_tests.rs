//! Printing checked against PyTorch's own `repr`, recorded by `scripts/gen_print_fixtures.py`.

use super::*;

/// The part of JSON the fixture uses; numbers keep their text so i64 values stay exact.
#[derive(Debug)]
enum Json {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn get(&self, key: &str) -> &Json {
        match self {
            Json::Obj(fields) => fields
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
                .unwrap_or_else(|| panic!("no field {key:?}")),
            _ => panic!("not an object: {self:?}"),
        }
    }

    fn arr(&self) -> &[Json] {
        match self {
            Json::Arr(items) => items,
            _ => panic!("not an array: {self:?}"),
        }
    }

    fn str(&self) -> &str {
        match self {
            Json::Str(s) => s,
            _ => panic!("not a string: {self:?}"),
        }
    }

    fn bool(&self) -> bool {
        match self {
            Json::Bool(b) => *b,
            _ => panic!("not a bool: {self:?}"),
        }
    }

    fn int(&self) -> i64 {
        match self {
            Json::Num(n) => n.parse().unwrap_or_else(|e| panic!("{n}: {e}")),
            _ => panic!("not a number: {self:?}"),
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.s.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.skip_ws();
        let hit = self.s.get(self.i) == Some(&c);
        self.i += hit as usize;
        hit
    }

    fn expect(&mut self, c: u8) {
        assert!(self.eat(c), "expected {:?} at byte {}", c as char, self.i);
    }

    fn value(&mut self) -> Json {
        self.skip_ws();
        match self.s[self.i] {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => Json::Str(self.string()),
            _ => self.word(),
        }
    }

    fn object(&mut self) -> Json {
        self.expect(b'{');
        let mut fields = Vec::new();
        while !self.eat(b'}') {
            if !fields.is_empty() {
                self.expect(b',');
            }
            self.skip_ws();
            let key = self.string();
            self.expect(b':');
            fields.push((key, self.value()));
        }
        Json::Obj(fields)
    }

    fn array(&mut self) -> Json {
        self.expect(b'[');
        let mut items = Vec::new();
        while !self.eat(b']') {
            if !items.is_empty() {
                self.expect(b',');
            }
            items.push(self.value());
        }
        Json::Arr(items)
    }

    fn string(&mut self) -> String {
        self.expect(b'"');
        let mut out = String::new();
        loop {
            let c = self.s[self.i];
            self.i += 1;
            match c {
                b'"' => return out,
                b'\\' => {
                    let e = self.s[self.i];
                    self.i += 1;
                    match e {
                        b'n' => out.push('\n'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hex = std::str::from_utf8(&self.s[self.i..self.i + 4]).unwrap();
                            out.push(char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap());
                            self.i += 4;
                        }
                        other => out.push(other as char),
                    }
                }
                // json.dump escapes everything outside ASCII, so bytes are chars.
                other => out.push(other as char),
            }
        }
    }

    fn word(&mut self) -> Json {
        let start = self.i;
        while self
            .s
            .get(self.i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || b"+-.".contains(c))
        {
            self.i += 1;
        }
        match std::str::from_utf8(&self.s[start..self.i]).unwrap() {
            "true" => Json::Bool(true),
            "false" => Json::Bool(false),
            "null" => Json::Null,
            n => Json::Num(n.to_string()),
        }
    }
}

fn parse_json(text: &str) -> Json {
    Parser {
        s: text.as_bytes(),
        i: 0,
    }
    .value()
}

fn dtype_named(name: &str) -> DType {
    match name {
        "F32" => DType::F32,
        "F64" => DType::F64,
        "F16" => DType::F16,
        "BF16" => DType::BF16,
        "I64" => DType::I64,
        "I32" => DType::I32,
        "I16" => DType::I16,
        "I8" => DType::I8,
        "U8" => DType::U8,
        "Bool" => DType::Bool,
        other => panic!("unknown dtype {other}"),
    }
}

/// Rebuilds a case's tensor bit for bit: floats were stored after conversion to their dtype,
/// so converting back from f64 is exact.
fn build(case: &Json) -> Tensor {
    let shape: Vec<usize> = case.get("shape").arr().iter().map(|d| d.int() as usize).collect();
    let dtype = dtype_named(case.get("dtype").str());
    if case.get("device").str() == "meta" {
        return Tensor::empty(shape, (Device::Meta, dtype)).unwrap();
    }
    let values = case.get("values").arr();
    fn ints<T: Element>(values: &[Json], shape: Vec<usize>) -> Tensor {
        let v: Vec<T> = values.iter().map(|x| T::from_f64(x.int() as f64)).collect();
        Tensor::from_vec(v, shape, Device::Cpu).unwrap()
    }
    match dtype {
        DType::I64 => {
            let v: Vec<i64> = values.iter().map(Json::int).collect();
            Tensor::from_vec(v, shape, Device::Cpu).unwrap()
        }
        DType::I32 => ints::<i32>(values, shape),
        DType::I16 => ints::<i16>(values, shape),
        DType::I8 => ints::<i8>(values, shape),
        DType::U8 => ints::<u8>(values, shape),
        DType::Bool => {
            let v: Vec<bool> = values.iter().map(Json::bool).collect();
            Tensor::from_vec(v, shape, Device::Cpu).unwrap()
        }
        _ => {
            let v: Vec<f64> = values.iter().map(|x| x.str().parse().unwrap()).collect();
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
    let fixture = parse_json(&std::fs::read_to_string(path).unwrap());
    let cases = fixture.get("cases").arr();
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let t = build(case);
        let actual = if case.get("parameter").bool() {
            format_parameter(&t, case.get("requires_grad").bool())
        } else {
            t.to_string()
        };
        let expected = case.get("repr").str();
        if actual != expected {
            failures.push((case.get("name").str(), expected, actual));
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
