//! Sequential, ModuleDict and `Vec` as ModuleList, Dropout and ReLU, `copy_values`, and standard
//! modules nested in a derived module: names, order, reprs (docs/pytorch-semantics.md §7) and
//! §10 case 42.

use common::builders::dict;
use common::names;
use common::values::all_values;
use modules::prelude::*;

mod common;

/// Standard modules nest in a derived module like any other: names, order and the multi-line repr.
#[test]
fn standard_modules_compose_in_a_derived_module() {
    #[derive(Module)]
    #[module(new(c: usize))]
    struct Stem {
        #[module(new(3, c, 3.into(), padding = 1, bias = false))]
        conv: Conv2d,
        #[module(new(c))]
        bn: BatchNorm2d,
        #[module(new())]
        skip: Identity,
    }
    let m = skip_init!(Stem, 8, device = Meta).unwrap();
    let keys: Vec<String> = m.state_dict().keys().map(String::from).collect();
    assert_eq!(
        keys,
        [
            "conv.weight",
            "bn.weight",
            "bn.bias",
            "bn.running_mean",
            "bn.running_var",
            "bn.num_batches_tracked"
        ]
    );
    assert_eq!(
        m.to_string(),
        "Stem(\n  (conv): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)\n  \
         (bn): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)\n  \
         (skip): Identity()\n)"
    );
    assert_eq!(m.num_parameters(), 8 * 3 * 9 + 16);
}

#[test]
fn nested_sequential_repr() {
    let seq = modules::new!(
        Sequential,
        vec![
            modules::layer!(Linear, 1, 2),
            Box::new(|o: &TensorOptions| -> Result<Box<dyn Module>, Error> {
                Ok(Box::new(modules::new!(
                    Sequential,
                    vec![modules::layer!(Relu), modules::layer!(Linear, 2, 2)],
                    device = o.device
                )?))
            }) as ModuleBuilder,
            modules::layer!(Dropout, 0.5),
        ]
    )
    .unwrap();
    assert_eq!(
        seq.to_string(),
        "\
Sequential(
  (0): Linear(in_features=1, out_features=2, bias=True)
  (1): Sequential(
    (0): ReLU()
    (1): Linear(in_features=2, out_features=2, bias=True)
  )
  (2): Dropout(p=0.5, inplace=False)
)"
    );
    assert_eq!(
        names(seq.named_parameters()),
        ["0.weight", "0.bias", "1.1.weight", "1.1.bias"]
    );
    // Sequential does not group identical children
    let s = skip_init!(
        Sequential,
        vec![modules::layer!(Relu), modules::layer!(Relu)],
        device = Meta
    )
    .unwrap();
    assert_eq!(s.to_string(), "Sequential(\n  (0): ReLU()\n  (1): ReLU()\n)");
    assert_eq!(Sequential::new().to_string(), "Sequential()");
}

#[test]
fn vec_is_a_grouped_module_list() {
    let mut list: Vec<Box<dyn Module>> = Vec::new();
    for _ in 0..3 {
        list.push(Box::new(Linear::new(2, 2, Meta).unwrap()));
    }
    list.push(Box::new(Relu::new(Meta).unwrap()));
    list.push(Box::new(Linear::new(2, 3, Meta).unwrap()));
    assert_eq!(
        modules::module_repr(&list),
        "\
ModuleList(
  (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)
  (3): ReLU()
  (4): Linear(in_features=2, out_features=3, bias=True)
)"
    );
    assert_eq!(modules::module_repr(&Vec::<Linear>::new()), "ModuleList()");
}

#[derive(Module)]
#[module(new(n: usize))]
struct Stack {
    #[module(new(2, 2), repeat = n)]
    layers: Vec<Linear>,
    #[module(new(2, 2, bias = false))]
    head: Linear,
}

/// docs/pytorch-semantics.md §10 case 42: ModuleList indices; tied parameters appear twice in the state dict, once in
/// `named_parameters`.
#[test]
fn module_list_indices_and_ties() {
    let mut m = skip_init!(Stack, 2, device = Meta).unwrap();
    m.head.weight = m.layers[0].weight.clone();
    let keys: Vec<String> = m.state_dict().keys().map(str::to_string).collect();
    assert_eq!(
        keys,
        [
            "layers.0.weight",
            "layers.0.bias",
            "layers.1.weight",
            "layers.1.bias",
            "head.weight"
        ]
    );
    assert_eq!(
        names(m.named_parameters()),
        [
            "layers.0.weight",
            "layers.0.bias",
            "layers.1.weight",
            "layers.1.bias"
        ]
    );
    m.to_empty(Cpu).unwrap();
    assert!(m.head.weight.is_tied_to(&m.layers[0].weight));
}

#[test]
fn module_dict_keeps_insertion_order_and_checks_keys() {
    let mut d = skip_init!(ModuleDict, dict(), device = Meta).unwrap();
    assert_eq!(d.keys().collect::<Vec<_>>(), ["embed", "norm", "lstm"]);
    assert_eq!(
        d.state_dict().keys().collect::<Vec<_>>(),
        [
            "embed.weight",
            "norm.weight",
            "norm.bias",
            "lstm.weight_ih_l0",
            "lstm.weight_hh_l0",
            "lstm.bias_ih_l0",
            "lstm.bias_hh_l0"
        ]
    );
    d.insert("embed", Box::new(Relu::new(Meta).unwrap())).unwrap();
    assert_eq!(d.keys().collect::<Vec<_>>(), ["embed", "norm", "lstm"]);
    assert_eq!(d.get("embed").unwrap().type_name(), "ReLU");
    assert!(d.insert("a.b", Box::new(Relu::new(Meta).unwrap())).is_err());
    assert!(d.insert("", Box::new(Relu::new(Meta).unwrap())).is_err());
    assert_eq!(
        d.to_string(),
        "ModuleDict(\n  (embed): ReLU()\n  (norm): LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)\n  (lstm): LSTM(4, 4)\n)"
    );
}

/// A builder that ignores the options is caught by skip_init, naming the tensor.
#[test]
fn container_builders_that_ignore_the_device_are_caught() {
    let careless: ModuleBuilder = Box::new(|_o: &TensorOptions| -> Result<Box<dyn Module>, Error> {
        Ok(Box::new(Linear::new(2, 2, Cpu)?))
    });
    let e = skip_init!(Sequential, vec![modules::layer!(Relu), careless]).unwrap_err();
    assert!(
        matches!(e, Error::NotOnMeta { ref tensor, .. } if tensor == "1.weight"),
        "{e}"
    );
}

#[test]
fn dropout_and_relu() {
    assert_eq!(
        skip_init!(Dropout, 0.1).unwrap().to_string(),
        "Dropout(p=0.1, inplace=False)"
    );
    assert_eq!(
        skip_init!(Dropout, 0.0).unwrap().to_string(),
        "Dropout(p=0.0, inplace=False)"
    );
    assert!(skip_init!(Dropout, -0.1)
        .unwrap_err()
        .to_string()
        .contains("dropout probability has to be between 0 and 1"));
    assert_eq!(
        skip_init!(Relu, inplace = true).unwrap().to_string(),
        "ReLU(inplace=True)"
    );
    assert_eq!(skip_init!(Relu).unwrap().num_parameters(), 0);
}

#[test]
fn copy_values_checks_the_layout() {
    let a = Linear::new(3, 2, Cpu).unwrap();
    let b = skip_init!(Linear, 3, 2).unwrap();
    modules::copy_values(&a, &b).unwrap();
    assert_eq!(all_values(&a), all_values(&b));
    let c = skip_init!(Linear, 4, 2).unwrap();
    let e = modules::copy_values(&a, &c).unwrap_err();
    assert!(
        matches!(e, Error::ShapeMismatch { ref name, .. } if name == "weight"),
        "{e}"
    );
    let d = skip_init!(Linear, 3, 2, bias = false).unwrap();
    assert!(modules::copy_values(&a, &d).is_err());
    let f = skip_init!(Linear, 3, 2, dtype = F64).unwrap();
    assert!(modules::copy_values(&a, &f)
        .unwrap_err()
        .to_string()
        .contains("weight: expected dtype"));
}
