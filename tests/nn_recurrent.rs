//! RNN, LSTM and GRU and their cells against PyTorch 2.15: parameter names and gate shapes,
//! default-init distributions (docs/pytorch-semantics.md §4 and §10 cases 32–33), reprs (§7),
//! argument errors, and `skip_init!` working where PyTorch's does not.

use common::names;
use common::stats::{check_distribution, Dist};
use common::values::{shapes, values};
use modules::prelude::*;
use modules::rng::scoped_generator;

mod common;

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

/// docs/pytorch-semantics.md §10 case 33: PyTorch's `skip_init(nn.LSTM, ...)` fails its signature check; ours works,
/// deliberately, on meta and on the cpu (that `reset_parameters` then gives what `new` gives is
/// checked in nn_reset.rs).
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
