//! Names, order, counts and repr of a 3-level user model, against written-out expectations.

mod common;
use common::*;
use modules::prelude::*;

/// The model's state dict keys, written out: own parameters, own buffers, then children.
const STATE_DICT_KEYS: [&str; 15] = [
    "scale",
    "embed.weight",
    "layers.0.steps",
    "layers.0.attn.q.weight",
    "layers.0.attn.q.bias",
    "layers.0.attn.k.weight",
    "layers.0.norm.weight",
    "layers.0.norm.bias",
    "layers.1.steps",
    "layers.1.attn.q.weight",
    "layers.1.attn.q.bias",
    "layers.1.attn.k.weight",
    "layers.1.norm.weight",
    "layers.1.norm.bias",
    "head.weight",
];

/// `cache` is a non-persistent buffer: named, but not in the state dict.
const BUFFERS: [&str; 4] = [
    "layers.0.steps",
    "layers.0.attn.cache",
    "layers.1.steps",
    "layers.1.attn.cache",
];

#[test]
fn named_parameters_follow_pytorchs_order() {
    let m = skip_init!(Model, 10, 4, device = Meta).unwrap();
    let params: Vec<&str> = STATE_DICT_KEYS
        .into_iter()
        .filter(|k| !BUFFERS.contains(k))
        .collect();
    assert_eq!(params.len(), 13);
    assert_eq!(names(m.named_parameters()), params);
}

#[test]
fn named_buffers_and_state_dict_keys() {
    let m = skip_init!(Model, 10, 4, device = Meta).unwrap();
    assert_eq!(names(m.named_buffers()), BUFFERS);
    let keys: Vec<String> = m.state_dict().keys().map(String::from).collect();
    assert_eq!(keys, STATE_DICT_KEYS);
}

#[test]
fn named_modules_and_children() {
    let m = skip_init!(Model, 10, 4, n_layers = 1, device = Meta).unwrap();
    assert_eq!(
        names(m.named_modules()),
        [
            "",
            "embed",
            "layers",
            "layers.0",
            "layers.0.attn",
            "layers.0.attn.q",
            "layers.0.attn.k",
            "layers.0.norm",
            "head"
        ]
    );
    assert_eq!(names(m.children()), ["embed", "layers", "head"]);
}

#[test]
fn num_parameters_counts_each_tensor_once() {
    let m = skip_init!(Model, 10, 4, device = Meta).unwrap();
    let per_block = (16 + 4) + 16 + (4 + 4);
    assert_eq!(m.num_parameters(), 4 + 40 + 2 * per_block + 40);
}

#[test]
fn display_is_pytorchs_print_model() {
    let m = skip_init!(Model, 10, 4, device = Meta).unwrap();
    let expected = "\
Model(
  (embed): Embedding(10, 4)
  (layers): ModuleList(
    (0-1): 2 x Block(
      (attn): Attention(
        (q): Linear(in_features=4, out_features=4, bias=True)
        (k): Linear(in_features=4, out_features=4, bias=False)
      )
      (norm): LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)
    )
  )
  (head): Linear(in_features=4, out_features=10, bias=False)
)";
    assert_eq!(m.to_string(), expected);
}

#[test]
fn buffers_keep_their_declared_dtype_and_persistence() {
    let m = skip_init!(Model, 10, 4, dtype = F16).unwrap();
    assert_eq!(m.layers[0].steps.dtype(), I64);
    assert_eq!(m.layers[0].steps.shape(), Vec::<usize>::new());
    assert_eq!(m.layers[0].attn.cache.dtype(), F16);
    assert!(!m.layers[0].attn.cache.persistent());
    assert_eq!(m.scale.dtype(), F16);
}

/// A hand-written module is a first-class child: `Box<dyn Module>` works.
struct Custom {
    w: Parameter,
}

impl Module for Custom {
    fn type_name(&self) -> &str {
        "Custom"
    }
    fn visit<'a>(&'a self, v: &mut dyn modules::Visitor<'a>) {
        modules::Part::visit_part(&self.w, "w", v)
    }
    fn extra_repr(&self) -> String {
        "w=3".into()
    }
}

#[derive(Module)]
struct Holder(
    Box<dyn Module>,
    #[module(rename = "self")] Linear,
    #[module(skip)] u32,
);

#[test]
fn tuple_structs_boxed_children_and_renames() {
    let w = Parameter::new(Tensor::zeros([3], Cpu).unwrap());
    let h = Holder(Box::new(Custom { w }), Linear::new(2, 2, Meta).unwrap(), 7);
    assert_eq!(h.2, 7);
    assert_eq!(names(h.named_parameters()), ["0.w", "self.weight", "self.bias"]);
    assert_eq!(
        h.to_string(),
        "Holder(\n  (0): Custom(w=3)\n  (self): Linear(in_features=2, out_features=2, bias=True)\n)"
    );
}

/// Generic modules, where-clauses and `crate = ...` work like anything else.
#[derive(Module)]
#[module(crate = ::modules, name = "Wrapped")]
struct Wrapper<T>
where
    T: Module,
{
    inner: T,
    extra: Option<Parameter>,
}

#[test]
fn generic_structs_and_crate_paths() {
    let w = Wrapper {
        inner: Linear::new(3, 2, Meta).unwrap(),
        extra: Some(Parameter::new(Tensor::empty([4], Meta).unwrap())),
    };
    assert_eq!(
        names(w.named_parameters()),
        ["extra", "inner.weight", "inner.bias"]
    );
    assert_eq!(
        w.to_string(),
        "Wrapped(\n  (inner): Linear(in_features=3, out_features=2, bias=True)\n)"
    );
    let list: [Linear; 2] = [Linear::new(1, 1, Meta).unwrap(), Linear::new(1, 1, Meta).unwrap()];
    assert_eq!(
        names(list.named_parameters()),
        ["0.weight", "0.bias", "1.weight", "1.bias"]
    );
}
