//! The standard modules of part 2 — MultiheadAttention, RNN/LSTM/GRU and cells, transformer
//! layers and stacks, Dropout/ReLU, Sequential/ModuleDict/ModuleList — against PyTorch 2.15:
//! names, shapes, order, reprs (docs/pytorch-semantics.md §7), default-init distributions (§4) and the §10 cases of docs/pytorch-semantics.md.

use common::stats::erf;
use modules::nn::TransformerEncoderLayerArgs;
use modules::prelude::*;
use modules::rng::scoped_generator;

mod common;

fn names<T>(v: Vec<(String, T)>) -> Vec<String> {
    v.into_iter().map(|(n, _)| n).collect()
}

fn shapes(m: &dyn Module) -> Vec<(String, Vec<usize>)> {
    m.named_parameters()
        .into_iter()
        .map(|(n, p)| (n, p.shape()))
        .collect()
}

fn values(p: &Parameter) -> Vec<f64> {
    p.tensor().to_f64_vec().unwrap()
}

fn all_values(m: &dyn Module) -> Vec<(String, Vec<f64>)> {
    m.state_dict()
        .iter()
        .map(|(k, t)| (k.to_string(), t.tensor().to_f64_vec().unwrap()))
        .collect()
}

// ---------------------------------------------------------------- distribution checks

/// Mean and std within 4 standard errors, KS distance below 1.95/√n, and (for uniforms) no
/// value outside the bounds.
enum Dist {
    Uniform(f64, f64),
    Normal(f64, f64),
}

fn check_distribution(what: &str, xs: &[f64], dist: Dist) {
    let n = xs.len() as f64;
    assert!(xs.len() >= 500, "{what}: too few samples ({n})");
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let std = var.sqrt();
    let (mu, sigma, kurtosis) = match dist {
        Dist::Uniform(a, b) => ((a + b) / 2.0, (b - a) / 12f64.sqrt(), 1.8),
        Dist::Normal(m, s) => (m, s, 3.0),
    };
    let se_mean = sigma / n.sqrt();
    let se_std = sigma * ((kurtosis - 1.0) / (4.0 * n)).sqrt();
    assert!(
        (mean - mu).abs() < 4.0 * se_mean,
        "{what}: mean {mean}, expected {mu} ± {se_mean}"
    );
    assert!(
        (std - sigma).abs() < 4.0 * se_std,
        "{what}: std {std}, expected {sigma} ± {se_std}"
    );
    let cdf = |x: f64| match dist {
        Dist::Uniform(a, b) => ((x - a) / (b - a)).clamp(0.0, 1.0),
        Dist::Normal(m, s) => 0.5 * (1.0 + erf((x - m) / (s * 2f64.sqrt()))),
    };
    if let Dist::Uniform(a, b) = dist {
        let tol = b.abs().max(a.abs()) * 1e-6; // the bound rounded to f32
        assert!(
            xs.iter().all(|&x| x >= a - tol && x <= b + tol),
            "{what}: a value outside [{a}, {b}]"
        );
    }
    let mut sorted = xs.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let mut d: f64 = 0.0;
    for (i, &x) in sorted.iter().enumerate() {
        let f = cdf(x);
        d = d
            .max((f - i as f64 / n).abs())
            .max(((i + 1) as f64 / n - f).abs());
    }
    assert!(
        d < 1.95 / n.sqrt(),
        "{what}: KS distance {d} >= {}",
        1.95 / n.sqrt()
    );
}

// ---------------------------------------------------------------- MultiheadAttention

#[test]
fn mha_with_bias_kv_order_shapes_and_bounds() {
    let _rng = scoped_generator(Default::default());
    modules::manual_seed(30);
    let m = modules::new!(MultiheadAttention, 64, 4, add_bias_kv = true).unwrap();
    assert_eq!(
        shapes(&m),
        [
            ("in_proj_weight".to_string(), vec![192, 64]),
            ("in_proj_bias".to_string(), vec![192]),
            ("bias_k".to_string(), vec![1, 1, 64]),
            ("bias_v".to_string(), vec![1, 1, 64]),
            ("out_proj.weight".to_string(), vec![64, 64]),
            ("out_proj.bias".to_string(), vec![64]),
        ]
    );
    let bound = (6.0f64 / 256.0).sqrt();
    check_distribution(
        "in_proj_weight",
        &values(m.in_proj_weight.as_ref().unwrap()),
        Dist::Uniform(-bound, bound),
    );
    assert!(values(m.in_proj_bias.as_ref().unwrap()).iter().all(|&x| x == 0.0));
    assert!(values(m.out_proj.bias.as_ref().unwrap())
        .iter()
        .all(|&x| x == 0.0));
    check_distribution(
        "out_proj.weight",
        &values(&m.out_proj.weight),
        Dist::Uniform(-0.125, 0.125),
    );
    assert_eq!(m.to_string(), "MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=64, out_features=64, bias=True)\n)");
}

#[test]
fn mha_bias_kv_is_xavier_normal() {
    let _rng = scoped_generator(Default::default());
    modules::manual_seed(31);
    let e = 1024;
    let m = modules::new!(
        MultiheadAttention,
        e,
        8,
        add_bias_kv = true,
        kdim = Some(1),
        vdim = Some(1),
        bias = false
    )
    .unwrap();
    let mut xs = values(m.bias_k.as_ref().unwrap());
    xs.extend(values(m.bias_v.as_ref().unwrap()));
    // fan_in = fan_out = E for a [1, 1, E] tensor: std = sqrt(2 / 2E)
    check_distribution("bias_k/v", &xs, Dist::Normal(0.0, 1.0 / (e as f64).sqrt()));
    let b = (6.0 / (e as f64 + 1.0)).sqrt();
    check_distribution(
        "k_proj_weight",
        &values(m.k_proj_weight.as_ref().unwrap()),
        Dist::Uniform(-b, b),
    );
}

#[test]
fn mha_separate_projections_without_bias() {
    let m = skip_init!(
        MultiheadAttention,
        8,
        2,
        kdim = Some(4),
        vdim = Some(6),
        bias = false,
        device = Meta
    )
    .unwrap();
    assert_eq!(
        shapes(&m),
        [
            ("q_proj_weight".to_string(), vec![8, 8]),
            ("k_proj_weight".to_string(), vec![8, 4]),
            ("v_proj_weight".to_string(), vec![8, 6]),
            ("out_proj.weight".to_string(), vec![8, 8]),
        ]
    );
    assert_eq!(
        m.to_string(),
        "MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=False)\n)"
    );
    // q/k/v each xavier-uniform with their own fans
    let _rng = scoped_generator(Default::default());
    let m = modules::new!(MultiheadAttention, 8, 2, kdim = Some(4), vdim = Some(6)).unwrap();
    for (p, fan_in) in [
        (&m.q_proj_weight, 8.0),
        (&m.k_proj_weight, 4.0),
        (&m.v_proj_weight, 6.0),
    ] {
        let b = (6.0f64 / (fan_in + 8.0)).sqrt();
        assert!(values(p.as_ref().unwrap()).iter().all(|x| x.abs() <= b));
    }
}

#[test]
fn mha_rejects_bad_sizes() {
    let e = skip_init!(MultiheadAttention, 16, 3).unwrap_err();
    assert!(matches!(e, Error::InvalidArgument { .. }));
    assert!(
        e.to_string().contains("embed_dim must be divisible by num_heads"),
        "{e}"
    );
    let e = skip_init!(MultiheadAttention, 0, 1).unwrap_err();
    assert!(
        e.to_string()
            .contains("embed_dim and num_heads must be greater than 0"),
        "{e}"
    );
}

// ---------------------------------------------------------------- RNN / LSTM / GRU

#[test]
fn lstm_bidirectional_with_projections() {
    let _rng = scoped_generator(Default::default());
    modules::manual_seed(32);
    let m = modules::new!(Lstm, 10, 20, num_layers = 2, bidirectional = true, proj_size = 5).unwrap();
    let mut expected = Vec::new();
    for l in 0..2 {
        for sfx in ["", "_reverse"] {
            // layer 0: input_size 10; layer 1: proj_size 5 times 2 directions
            expected.push((format!("weight_ih_l{l}{sfx}"), vec![80, 10]));
            expected.push((format!("weight_hh_l{l}{sfx}"), vec![80, 5]));
            expected.push((format!("bias_ih_l{l}{sfx}"), vec![80]));
            expected.push((format!("bias_hh_l{l}{sfx}"), vec![80]));
            expected.push((format!("weight_hr_l{l}{sfx}"), vec![5, 20]));
        }
    }
    assert_eq!(shapes(&m), expected);
    assert_eq!(m.named_parameters().len(), 20);
    let bound = 1.0 / 20f64.sqrt();
    let all: Vec<f64> = m.parameters().iter().flat_map(|p| values(p)).collect();
    check_distribution("LSTM params", &all, Dist::Uniform(-bound, bound));
    assert_eq!(
        m.to_string(),
        "LSTM(10, 20, proj_size=5, num_layers=2, bidirectional=True)"
    );
}

#[test]
fn gru_gates_are_3h_and_rnn_gates_1h() {
    let g = skip_init!(Gru, 3, 4, num_layers = 2, device = Meta).unwrap();
    assert_eq!(
        shapes(&g),
        [
            ("weight_ih_l0".to_string(), vec![12, 3]),
            ("weight_hh_l0".to_string(), vec![12, 4]),
            ("bias_ih_l0".to_string(), vec![12]),
            ("bias_hh_l0".to_string(), vec![12]),
            ("weight_ih_l1".to_string(), vec![12, 4]),
            ("weight_hh_l1".to_string(), vec![12, 4]),
            ("bias_ih_l1".to_string(), vec![12]),
            ("bias_hh_l1".to_string(), vec![12]),
        ]
    );
    let r = skip_init!(Rnn, 3, 4, bias = false, bidirectional = true, device = Meta).unwrap();
    assert_eq!(
        shapes(&r),
        [
            ("weight_ih_l0".to_string(), vec![4, 3]),
            ("weight_hh_l0".to_string(), vec![4, 4]),
            ("weight_ih_l0_reverse".to_string(), vec![4, 3]),
            ("weight_hh_l0_reverse".to_string(), vec![4, 4]),
        ]
    );
    assert!(r.children().is_empty(), "flattened weights are not a child");
}

#[test]
fn rnn_family_reprs() {
    let r = skip_init!(
        Rnn,
        3,
        4,
        num_layers = 2,
        bias = false,
        batch_first = true,
        dropout = 0.5,
        bidirectional = true,
        device = Meta
    )
    .unwrap();
    assert_eq!(
        r.to_string(),
        "RNN(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)"
    );
    let r = skip_init!(Rnn, 3, 4, 1, RnnNonlinearity::Relu, device = Meta).unwrap();
    assert_eq!(r.to_string(), "RNN(3, 4)"); // nonlinearity is not shown
    assert_eq!(r.nonlinearity, RnnNonlinearity::Relu);
    assert_eq!(
        skip_init!(Lstm, 3, 4, proj_size = 2, device = Meta)
            .unwrap()
            .to_string(),
        "LSTM(3, 4, proj_size=2)"
    );
    assert_eq!(
        skip_init!(RnnCell, 3, 4, nonlinearity = RnnNonlinearity::Relu, device = Meta)
            .unwrap()
            .to_string(),
        "RNNCell(3, 4, nonlinearity=relu)"
    );
    assert_eq!(
        skip_init!(GruCell, 3, 4, bias = false, device = Meta)
            .unwrap()
            .to_string(),
        "GRUCell(3, 4, bias=False)"
    );
    assert_eq!(
        skip_init!(LstmCell, 3, 4, device = Meta).unwrap().to_string(),
        "LSTMCell(3, 4)"
    );
}

#[test]
fn rnn_argument_errors() {
    let e = skip_init!(Lstm, 3, 4, proj_size = 4).unwrap_err();
    assert!(
        e.to_string()
            .contains("proj_size has to be smaller than hidden_size"),
        "{e}"
    );
    let e = skip_init!(Gru, 3, 4, dropout = 1.5).unwrap_err();
    assert!(
        e.to_string()
            .contains("dropout should be a number in range [0, 1]"),
        "{e}"
    );
    let e = skip_init!(Rnn, 3, 0).unwrap_err();
    assert!(
        e.to_string().contains("hidden_size must be greater than zero"),
        "{e}"
    );
    let e = skip_init!(Lstm, 3, 4, num_layers = 0).unwrap_err();
    assert!(
        e.to_string().contains("num_layers must be greater than zero"),
        "{e}"
    );
}

#[test]
fn cells_have_gate_blocks_and_optional_biases() {
    let c = skip_init!(LstmCell, 3, 4, bias = false, device = Meta).unwrap();
    assert_eq!(
        shapes(&c),
        [
            ("weight_ih".to_string(), vec![16, 3]),
            ("weight_hh".to_string(), vec![16, 4])
        ]
    );
    let c = skip_init!(RnnCell, 3, 4, device = Meta).unwrap();
    assert_eq!(
        names(c.named_parameters()),
        ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    );
    let _rng = scoped_generator(Default::default());
    let c = modules::new!(GruCell, 300, 400).unwrap();
    let all: Vec<f64> = c.parameters().iter().flat_map(|p| values(p)).collect();
    check_distribution("GRUCell params", &all, Dist::Uniform(-0.05, 0.05));
}

/// docs/pytorch-semantics.md §10 case 33: PyTorch's `skip_init(nn.LSTM, ...)` fails its signature check; ours works,
/// deliberately, on meta and on the cpu, and `reset_parameters` gives what `new` gives.
#[test]
fn recurrent_modules_work_with_skip_init() {
    let m = skip_init!(Lstm, 3, 4, device = Meta).unwrap();
    assert!(m.parameters().iter().all(|p| p.device() == Meta));
    let m = skip_init!(Lstm, 3, 4).unwrap();
    assert!(m
        .parameters()
        .iter()
        .all(|p| p.device() == Cpu && p.dtype() == F32 && p.requires_grad()));
    let m = skip_init!(Gru, 3, 4, dtype = F64).unwrap();
    assert!(m.parameters().iter().all(|p| p.dtype() == F64));
}

// ---------------------------------------------------------------- skip_init + reset == new

fn reset_equals_new<M: Module>(what: &str, new: impl Fn() -> M, skip: impl Fn(Device) -> M) {
    let _rng = scoped_generator(Default::default());
    for (seed, path) in [(11, "cpu"), (12, "meta then to_empty")] {
        modules::manual_seed(seed);
        let a = new();
        modules::manual_seed(seed);
        let mut b = if path == "cpu" {
            skip(Cpu)
        } else {
            let mut b = skip(Meta);
            assert!(b.parameters().iter().all(|p| p.device() == Meta), "{what}");
            b.to_empty(Cpu).unwrap();
            b
        };
        b.reset_parameters().unwrap();
        assert_eq!(all_values(&a), all_values(&b), "{what} ({path})");
    }
}

#[test]
fn skip_init_then_reset_equals_new() {
    reset_equals_new(
        "MultiheadAttention",
        || modules::new!(MultiheadAttention, 16, 4, add_bias_kv = true).unwrap(),
        |d| skip_init!(MultiheadAttention, 16, 4, add_bias_kv = true, device = d).unwrap(),
    );
    reset_equals_new(
        "MultiheadAttention kdim",
        || modules::new!(MultiheadAttention, 8, 2, kdim = Some(3), vdim = Some(5)).unwrap(),
        |d| {
            skip_init!(
                MultiheadAttention,
                8,
                2,
                kdim = Some(3),
                vdim = Some(5),
                device = d
            )
            .unwrap()
        },
    );
    reset_equals_new(
        "LSTM",
        || modules::new!(Lstm, 5, 6, num_layers = 2, bidirectional = true, proj_size = 3).unwrap(),
        |d| {
            skip_init!(
                Lstm,
                5,
                6,
                num_layers = 2,
                bidirectional = true,
                proj_size = 3,
                device = d
            )
            .unwrap()
        },
    );
    reset_equals_new(
        "GRU",
        || modules::new!(Gru, 5, 6).unwrap(),
        |d| skip_init!(Gru, 5, 6, device = d).unwrap(),
    );
    reset_equals_new(
        "RNN",
        || modules::new!(Rnn, 5, 6, num_layers = 3).unwrap(),
        |d| skip_init!(Rnn, 5, 6, num_layers = 3, device = d).unwrap(),
    );
    reset_equals_new(
        "RNNCell",
        || modules::new!(RnnCell, 2, 3).unwrap(),
        |d| skip_init!(RnnCell, 2, 3, device = d).unwrap(),
    );
    reset_equals_new(
        "LSTMCell",
        || modules::new!(LstmCell, 2, 3).unwrap(),
        |d| skip_init!(LstmCell, 2, 3, device = d).unwrap(),
    );
    reset_equals_new(
        "GRUCell",
        || modules::new!(GruCell, 2, 3).unwrap(),
        |d| skip_init!(GruCell, 2, 3, device = d).unwrap(),
    );
    reset_equals_new(
        "TransformerEncoderLayer",
        || modules::new!(TransformerEncoderLayer, 8, 2, dim_feedforward = 16).unwrap(),
        |d| skip_init!(TransformerEncoderLayer, 8, 2, dim_feedforward = 16, device = d).unwrap(),
    );
    reset_equals_new(
        "TransformerDecoderLayer",
        || modules::new!(TransformerDecoderLayer, 8, 2, dim_feedforward = 16).unwrap(),
        |d| skip_init!(TransformerDecoderLayer, 8, 2, dim_feedforward = 16, device = d).unwrap(),
    );
    reset_equals_new(
        "Sequential",
        || modules::new!(Sequential, mlp()).unwrap(),
        |d| skip_init!(Sequential, mlp(), device = d).unwrap(),
    );
    reset_equals_new(
        "ModuleDict",
        || modules::new!(ModuleDict, dict()).unwrap(),
        |d| skip_init!(ModuleDict, dict(), device = d).unwrap(),
    );
    reset_equals_new(
        "Dropout",
        || modules::new!(Dropout, 0.2).unwrap(),
        |d| skip_init!(Dropout, 0.2, device = d).unwrap(),
    );
}

fn mlp() -> Vec<ModuleBuilder> {
    vec![
        modules::layer!(Linear, 4, 8),
        modules::layer!(Relu),
        modules::layer!(Linear, 8, 2, bias = false),
    ]
}

fn dict() -> Vec<(String, ModuleBuilder)> {
    vec![
        ("embed".to_string(), modules::layer!(Embedding, 10, 4)),
        ("norm".to_string(), modules::layer!(LayerNorm, vec![4])),
        ("lstm".to_string(), modules::layer!(Lstm, 4, 4)),
    ]
}

// ---------------------------------------------------------------- Transformer

fn encoder_layer_args() -> TransformerEncoderLayerArgs {
    TransformerEncoderLayer::args()
        .d_model(16)
        .nhead(4)
        .dim_feedforward(32)
        .finish()
}

/// docs/pytorch-semantics.md §10 case 34: all layers start bit-identical; Linear weights within Linear's bounds.
#[test]
fn transformer_encoder_layers_start_identical() {
    let _rng = scoped_generator(Default::default());
    modules::manual_seed(34);
    let norm = LayerNorm::args().normalized_shape(vec![16]).finish();
    let enc = modules::new!(TransformerEncoder, encoder_layer_args(), 3, norm = Some(norm)).unwrap();
    let per_layer: Vec<Vec<(String, Vec<f64>)>> = enc.layers.iter().map(|l| all_values(l)).collect();
    assert_eq!(per_layer[0], per_layer[1]);
    assert_eq!(per_layer[0], per_layer[2]);
    for l in &enc.layers {
        assert!(
            !l.linear1.weight.is_tied_to(&enc.layers[0].linear1.weight) || std::ptr::eq(l, &enc.layers[0])
        );
    }
    let b1 = 1.0 / 16f64.sqrt();
    let b2 = 1.0 / 32f64.sqrt();
    assert!(values(&enc.layers[0].linear1.weight)
        .iter()
        .all(|x| x.abs() <= b1));
    assert!(values(&enc.layers[0].linear2.weight)
        .iter()
        .all(|x| x.abs() <= b2));
    let b = (6.0f64 / 64.0).sqrt();
    assert!(values(enc.layers[0].self_attn.in_proj_weight.as_ref().unwrap())
        .iter()
        .all(|x| x.abs() <= b));
    let keys: Vec<String> = enc.state_dict().keys().map(str::to_string).collect();
    assert_eq!(keys.len(), 3 * 12 + 2);
    assert_eq!(keys[0], "layers.0.self_attn.in_proj_weight");
    assert_eq!(keys[2], "layers.0.self_attn.out_proj.weight");
    assert_eq!(keys.last().unwrap(), "norm.bias");
    // the decoder too
    let dec_layer = TransformerDecoderLayer::args()
        .d_model(8)
        .nhead(2)
        .dim_feedforward(8)
        .finish();
    let dec = modules::new!(TransformerDecoder, dec_layer, 2).unwrap();
    assert_eq!(all_values(&dec.layers[0]), all_values(&dec.layers[1]));
}

#[test]
fn transformer_encoder_reset_rules() {
    let _rng = scoped_generator(Default::default());
    modules::manual_seed(5);
    let a = modules::new!(TransformerEncoder, encoder_layer_args(), 2).unwrap();
    modules::manual_seed(5);
    let mut b = skip_init!(TransformerEncoder, encoder_layer_args(), 2).unwrap();
    b.reset_parameters().unwrap();
    assert_eq!(all_values(&a), all_values(&b));
    // Layers stay identical through reset, also when the stack is inside another module.
    assert_eq!(all_values(&b.layers[0]), all_values(&b.layers[1]));
    let mut boxed: Vec<Box<dyn Module>> = vec![Box::new(b)];
    boxed.reset_parameters().unwrap();
    let on_meta = skip_init!(TransformerEncoder, encoder_layer_args(), 2, device = Meta).unwrap();
    assert!(on_meta.parameters().iter().all(|p| p.device() == Meta));
}

#[test]
fn transformer_reprs() {
    let enc = skip_init!(TransformerEncoder, encoder_layer_args(), 2, device = Meta).unwrap();
    let expected = "\
TransformerEncoder(
  (layers): ModuleList(
    (0-1): 2 x TransformerEncoderLayer(
      (self_attn): MultiheadAttention(
        (out_proj): NonDynamicallyQuantizableLinear(in_features=16, out_features=16, bias=True)
      )
      (linear1): Linear(in_features=16, out_features=32, bias=True)
      (dropout): Dropout(p=0.1, inplace=False)
      (linear2): Linear(in_features=32, out_features=16, bias=True)
      (norm1): LayerNorm((16,), eps=1e-05, elementwise_affine=True, bias=True)
      (norm2): LayerNorm((16,), eps=1e-05, elementwise_affine=True, bias=True)
      (dropout1): Dropout(p=0.1, inplace=False)
      (dropout2): Dropout(p=0.1, inplace=False)
    )
  )
)";
    assert_eq!(enc.to_string(), expected);
}

// ---------------------------------------------------------------- containers

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
