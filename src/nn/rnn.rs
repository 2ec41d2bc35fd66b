//! `nn.RNN`, `nn.LSTM`, `nn.GRU` and their cells.
//!
//! PyTorch's recurrent modules have flat parameter names (`weight_ih_l0`,
//! `bias_hh_l1_reverse`, `weight_hr_l0`), one set per layer and direction. Here a hand-written
//! [`RnnWeights`] holds them and the modules declare it with
//! `#[module(build = |options| ..., flatten)]`, so they appear as the module's own parameters.
//!
//! Unlike PyTorch, these work with `skip_init!`: `torch.nn.utils.skip_init(nn.LSTM, ...)`
//! fails its signature check (`LSTM.__init__` takes `*args, **kwargs`, so `inspect` sees no
//! `device`), although `nn.LSTM(..., device='meta')` works. We fix that deliberately: every
//! module here builds on any device, and `skip_init!` + `reset_parameters()` equals `new`.

use super::repr::{py_bool, py_float};
use crate::prelude::*;

/// The parameters of a recurrent module, by PyTorch's flat names, in registration order.
/// A [`Module`] with no children, declared `flatten` by [`Rnn`], [`Lstm`] and [`Gru`] so that
/// its parameters are theirs.
///
/// ```
/// use modules::prelude::*;
/// let w = RnnWeights::new(RnnMode::Lstm, 3, 4, 1, true, false, 0, &TensorOptions::from(Meta))?;
/// let names: Vec<String> = w.named_parameters().into_iter().map(|(n, _)| n).collect();
/// assert_eq!(names, ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]);
/// assert_eq!(w.get("weight_ih_l0").unwrap().shape(), vec![16, 3]);
/// # Ok::<(), modules::Error>(())
/// ```
pub struct RnnWeights {
    params: Vec<(String, Parameter)>,
}

/// Which recurrence a module computes: it decides the gate count (rows per gate block).
///
/// ```
/// use modules::prelude::*;
/// assert_eq!((RnnMode::Lstm.gates(), RnnMode::Gru.gates(), RnnMode::RnnTanh.gates()), (4, 3, 1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RnnMode {
    /// Elman RNN with `tanh` (1 gate).
    RnnTanh,
    /// Elman RNN with `relu` (1 gate).
    RnnRelu,
    /// LSTM (4 gates: input, forget, cell, output).
    Lstm,
    /// GRU (3 gates: reset, update, new).
    Gru,
}

impl RnnMode {
    /// Rows of `weight_ih` per unit of hidden size: 4, 3 or 1.
    pub fn gates(self) -> usize {
        match self {
            RnnMode::Lstm => 4,
            RnnMode::Gru => 3,
            RnnMode::RnnTanh | RnnMode::RnnRelu => 1,
        }
    }
}

/// The nonlinearity of [`Rnn`] and [`RnnCell`] (PyTorch's `nonlinearity='tanh'` / `'relu'`).
///
/// ```
/// use modules::prelude::*;
/// let r = skip_init!(Rnn, 3, 4, nonlinearity = RnnNonlinearity::Relu, device = Meta)?;
/// assert_eq!(r.nonlinearity, RnnNonlinearity::Relu);
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RnnNonlinearity {
    /// `tanh` (the default).
    #[default]
    Tanh,
    /// `relu`.
    Relu,
}

/// U(±1/√hidden) for every parameter (bound 0 when `hidden_size` is 0), as `RNNBase` and
/// `RNNCellBase.reset_parameters` do.
fn rnn_init(hidden_size: usize) -> init::Init {
    let stdv = if hidden_size > 0 {
        1.0 / (hidden_size as f64).sqrt()
    } else {
        0.0
    };
    init::uniform(-stdv, stdv)
}

impl RnnWeights {
    /// Allocates (on `options`' device) and initializes the parameters of `num_layers`
    /// layers, each in one or two directions, in PyTorch's order: per layer, per direction,
    /// `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh` (with `bias`), `weight_hr` (with
    /// `proj_size > 0`). All U(±1/√hidden_size). Checks the arguments as `RNNBase` does.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        mode: RnnMode,
        input_size: usize,
        hidden_size: usize,
        num_layers: usize,
        bias: bool,
        bidirectional: bool,
        proj_size: usize,
        options: &TensorOptions,
    ) -> Result<Self, Error> {
        let bad = |message: &str| Error::InvalidArgument {
            function: "RNNBase::new",
            message: message.to_string(),
        };
        if hidden_size == 0 {
            return Err(bad("hidden_size must be greater than zero"));
        }
        if num_layers == 0 {
            return Err(bad("num_layers must be greater than zero"));
        }
        if proj_size > 0 && mode != RnnMode::Lstm {
            return Err(bad(
                "proj_size argument is only supported for LSTM, not RNN or GRU",
            ));
        }
        if proj_size >= hidden_size && proj_size > 0 {
            return Err(bad("proj_size has to be smaller than hidden_size"));
        }
        let gate_size = mode.gates() * hidden_size;
        let real_hidden = if proj_size > 0 { proj_size } else { hidden_size };
        let directions = if bidirectional { 2 } else { 1 };
        let mut params = Vec::new();
        let mut add = |name: String, shape: Vec<usize>| -> Result<(), Error> {
            let p = Parameter::declared(shape, rnn_init(hidden_size), options)?;
            params.push((name, p));
            Ok(())
        };
        for layer in 0..num_layers {
            for direction in 0..directions {
                let layer_input = if layer == 0 {
                    input_size
                } else {
                    real_hidden * directions
                };
                let sfx = if direction == 1 { "_reverse" } else { "" };
                add(format!("weight_ih_l{layer}{sfx}"), vec![gate_size, layer_input])?;
                add(format!("weight_hh_l{layer}{sfx}"), vec![gate_size, real_hidden])?;
                if bias {
                    add(format!("bias_ih_l{layer}{sfx}"), vec![gate_size])?;
                    add(format!("bias_hh_l{layer}{sfx}"), vec![gate_size])?;
                }
                if proj_size > 0 {
                    add(format!("weight_hr_l{layer}{sfx}"), vec![proj_size, hidden_size])?;
                }
            }
        }
        Ok(RnnWeights { params })
    }

    /// The parameter named `name` (`weight_ih_l0`, `bias_hh_l1_reverse`).
    pub fn get(&self, name: &str) -> Option<&Parameter> {
        self.params.iter().find(|(n, _)| n == name).map(|(_, p)| p)
    }

    /// Every `(name, parameter)` in registration order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Parameter)> {
        self.params.iter().map(|(n, p)| (n.as_str(), p))
    }

    /// Number of parameter tensors.
    pub fn len(&self) -> usize {
        self.params.len()
    }

    /// `true` when there are none.
    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }
}

impl Module for RnnWeights {
    fn type_name(&self) -> &str {
        "RnnWeights"
    }
    fn visit<'a>(&'a self, v: &mut dyn modules::Visitor<'a>) {
        for (name, p) in &self.params {
            v.parameter(name, p);
        }
    }
}

fn check_dropout(dropout: f64) -> Result<f64, Error> {
    if (0.0..=1.0).contains(&dropout) {
        Ok(dropout)
    } else {
        Err(Error::InvalidArgument {
            function: "RNNBase::new",
            message: "dropout should be a number in range [0, 1] representing the probability of an element being zeroed".into(),
        })
    }
}

/// `RNNBase.extra_repr`: sizes, then only what differs from the defaults.
#[allow(clippy::too_many_arguments)]
fn rnn_repr(
    input_size: usize,
    hidden_size: usize,
    proj_size: usize,
    num_layers: usize,
    bias: bool,
    batch_first: bool,
    dropout: f64,
    bidirectional: bool,
) -> String {
    let mut s = format!("{input_size}, {hidden_size}");
    if proj_size != 0 {
        s += &format!(", proj_size={proj_size}");
    }
    if num_layers != 1 {
        s += &format!(", num_layers={num_layers}");
    }
    if !bias {
        s += &format!(", bias={}", py_bool(bias));
    }
    if batch_first {
        s += &format!(", batch_first={}", py_bool(batch_first));
    }
    if dropout != 0.0 {
        s += &format!(", dropout={}", py_float(dropout));
    }
    if bidirectional {
        s += &format!(", bidirectional={}", py_bool(bidirectional));
    }
    s
}

/// A multi-layer Elman RNN (`nn.RNN`). Per layer `l` and direction (`""`, `"_reverse"`):
/// `weight_ih_l{l} [H, in_l]`, `weight_hh_l{l} [H, H]`, `bias_ih_l{l} [H]`, `bias_hh_l{l} [H]`,
/// all U(±1/√H). Arguments in PyTorch's positional order (`nonlinearity` fourth). The repr
/// does not show `nonlinearity`, as in PyTorch.
///
/// ```
/// use modules::prelude::*;
/// let m = skip_init!(Rnn, 3, 4, num_layers = 2, bias = false, batch_first = true,
///                    dropout = 0.5, bidirectional = true, device = Meta)?;
/// assert_eq!(m.to_string(),
///     "RNN(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)");
/// assert_eq!(m.weights.get("weight_ih_l1_reverse").unwrap().shape(), vec![4, 8]);
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(
    name = "RNN",
    new(
        input_size: usize,
        hidden_size: usize,
        num_layers: usize = 1,
        nonlinearity: RnnNonlinearity = RnnNonlinearity::Tanh,
        bias: bool = true,
        batch_first: bool = false,
        dropout: f64 = 0.0,
        bidirectional: bool = false
    ),
    extra_repr = Self::repr
)]
pub struct Rnn {
    /// Features of the input.
    #[module(config = input_size)]
    pub input_size: usize,
    /// Features of the hidden state.
    #[module(config = hidden_size)]
    pub hidden_size: usize,
    /// Stacked layers.
    #[module(config = num_layers)]
    pub num_layers: usize,
    /// `tanh` or `relu`.
    #[module(config = nonlinearity)]
    pub nonlinearity: RnnNonlinearity,
    /// Whether there are bias parameters.
    #[module(config = bias)]
    pub bias: bool,
    /// Whether inputs are `(batch, seq, feature)`.
    #[module(config = batch_first)]
    pub batch_first: bool,
    /// Dropout between layers.
    #[module(config = check_dropout(dropout)?)]
    pub dropout: f64,
    /// Whether there is a reverse direction.
    #[module(config = bidirectional)]
    pub bidirectional: bool,
    /// The parameters, shown as the module's own.
    #[module(
        build = |options| RnnWeights::new(
            match nonlinearity { RnnNonlinearity::Tanh => RnnMode::RnnTanh, RnnNonlinearity::Relu => RnnMode::RnnRelu },
            input_size, hidden_size, num_layers, bias, bidirectional, 0, options),
        flatten
    )]
    pub weights: RnnWeights,
}

impl Rnn {
    fn repr(&self) -> String {
        rnn_repr(
            self.input_size,
            self.hidden_size,
            0,
            self.num_layers,
            self.bias,
            self.batch_first,
            self.dropout,
            self.bidirectional,
        )
    }
}

/// A multi-layer LSTM (`nn.LSTM`), optionally with projections (`proj_size > 0`, then
/// `weight_hr_l{l} [P, H]` and `weight_hh_l{l} [4H, P]`). Gate rows in PyTorch's order
/// (input, forget, cell, output); every parameter U(±1/√H).
///
/// ```
/// use modules::prelude::*;
/// let m = skip_init!(Lstm, 3, 4, proj_size = 2, device = Meta)?;
/// assert_eq!(m.to_string(), "LSTM(3, 4, proj_size=2)");
/// let names: Vec<String> = m.named_parameters().into_iter().map(|(n, _)| n).collect();
/// assert_eq!(names, ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_hr_l0"]);
/// assert_eq!(m.weights.get("weight_hh_l0").unwrap().shape(), vec![16, 2]);
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(
    name = "LSTM",
    new(
        input_size: usize,
        hidden_size: usize,
        num_layers: usize = 1,
        bias: bool = true,
        batch_first: bool = false,
        dropout: f64 = 0.0,
        bidirectional: bool = false,
        proj_size: usize = 0
    ),
    extra_repr = Self::repr
)]
pub struct Lstm {
    /// Features of the input.
    #[module(config = input_size)]
    pub input_size: usize,
    /// Features of the hidden (cell) state.
    #[module(config = hidden_size)]
    pub hidden_size: usize,
    /// Stacked layers.
    #[module(config = num_layers)]
    pub num_layers: usize,
    /// Whether there are bias parameters.
    #[module(config = bias)]
    pub bias: bool,
    /// Whether inputs are `(batch, seq, feature)`.
    #[module(config = batch_first)]
    pub batch_first: bool,
    /// Dropout between layers.
    #[module(config = check_dropout(dropout)?)]
    pub dropout: f64,
    /// Whether there is a reverse direction.
    #[module(config = bidirectional)]
    pub bidirectional: bool,
    /// Size of the projected hidden state; 0 = no projection.
    #[module(config = proj_size)]
    pub proj_size: usize,
    /// The parameters, shown as the module's own.
    #[module(
        build = |options| RnnWeights::new(
            RnnMode::Lstm, input_size, hidden_size, num_layers, bias, bidirectional, proj_size, options),
        flatten
    )]
    pub weights: RnnWeights,
}

impl Lstm {
    fn repr(&self) -> String {
        rnn_repr(
            self.input_size,
            self.hidden_size,
            self.proj_size,
            self.num_layers,
            self.bias,
            self.batch_first,
            self.dropout,
            self.bidirectional,
        )
    }
}

/// A multi-layer GRU (`nn.GRU`): gate blocks of `3H` rows (reset, update, new), every
/// parameter U(±1/√H).
///
/// ```
/// use modules::prelude::*;
/// let m = skip_init!(Gru, 3, 4, device = Meta)?;
/// assert_eq!(m.to_string(), "GRU(3, 4)");
/// assert_eq!(m.weights.get("weight_ih_l0").unwrap().shape(), vec![12, 3]);
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(
    name = "GRU",
    new(
        input_size: usize,
        hidden_size: usize,
        num_layers: usize = 1,
        bias: bool = true,
        batch_first: bool = false,
        dropout: f64 = 0.0,
        bidirectional: bool = false
    ),
    extra_repr = Self::repr
)]
pub struct Gru {
    /// Features of the input.
    #[module(config = input_size)]
    pub input_size: usize,
    /// Features of the hidden state.
    #[module(config = hidden_size)]
    pub hidden_size: usize,
    /// Stacked layers.
    #[module(config = num_layers)]
    pub num_layers: usize,
    /// Whether there are bias parameters.
    #[module(config = bias)]
    pub bias: bool,
    /// Whether inputs are `(batch, seq, feature)`.
    #[module(config = batch_first)]
    pub batch_first: bool,
    /// Dropout between layers.
    #[module(config = check_dropout(dropout)?)]
    pub dropout: f64,
    /// Whether there is a reverse direction.
    #[module(config = bidirectional)]
    pub bidirectional: bool,
    /// The parameters, shown as the module's own.
    #[module(
        build = |options| RnnWeights::new(
            RnnMode::Gru, input_size, hidden_size, num_layers, bias, bidirectional, 0, options),
        flatten
    )]
    pub weights: RnnWeights,
}

impl Gru {
    fn repr(&self) -> String {
        rnn_repr(
            self.input_size,
            self.hidden_size,
            0,
            self.num_layers,
            self.bias,
            self.batch_first,
            self.dropout,
            self.bidirectional,
        )
    }
}

/// `RNNCellBase.extra_repr`.
fn cell_repr(input_size: usize, hidden_size: usize, bias: bool, relu: bool) -> String {
    let mut s = format!("{input_size}, {hidden_size}");
    if !bias {
        s += ", bias=False";
    }
    if relu {
        s += ", nonlinearity=relu";
    }
    s
}

/// One step of an Elman RNN (`nn.RNNCell`): `weight_ih [H, input]`, `weight_hh [H, H]`,
/// `bias_ih [H]`, `bias_hh [H]`, all U(±1/√H).
///
/// ```
/// use modules::prelude::*;
/// let c = skip_init!(RnnCell, 3, 4, nonlinearity = RnnNonlinearity::Relu, device = Meta)?;
/// assert_eq!(c.to_string(), "RNNCell(3, 4, nonlinearity=relu)");
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(
    name = "RNNCell",
    new(input_size: usize, hidden_size: usize, bias: bool = true, nonlinearity: RnnNonlinearity = RnnNonlinearity::Tanh),
    extra_repr = Self::repr
)]
pub struct RnnCell {
    /// Features of the input.
    #[module(config = input_size)]
    pub input_size: usize,
    /// Features of the hidden state.
    #[module(config = hidden_size)]
    pub hidden_size: usize,
    /// `tanh` or `relu`.
    #[module(config = nonlinearity)]
    pub nonlinearity: RnnNonlinearity,
    /// `[H, input_size]`.
    #[module(param = [hidden_size, input_size], init = rnn_init(hidden_size))]
    pub weight_ih: Parameter,
    /// `[H, H]`.
    #[module(param = [hidden_size, hidden_size], init = rnn_init(hidden_size))]
    pub weight_hh: Parameter,
    /// `[H]`, with `bias`.
    #[module(param = [hidden_size], init = rnn_init(hidden_size), when = bias)]
    pub bias_ih: Option<Parameter>,
    /// `[H]`, with `bias`.
    #[module(param = [hidden_size], init = rnn_init(hidden_size), when = bias)]
    pub bias_hh: Option<Parameter>,
}

impl RnnCell {
    fn repr(&self) -> String {
        cell_repr(
            self.input_size,
            self.hidden_size,
            self.bias_ih.is_some(),
            self.nonlinearity == RnnNonlinearity::Relu,
        )
    }
}

/// One LSTM step (`nn.LSTMCell`): `weight_ih [4H, input]`, `weight_hh [4H, H]`,
/// `bias_ih [4H]`, `bias_hh [4H]`, all U(±1/√H).
///
/// ```
/// use modules::prelude::*;
/// let c = skip_init!(LstmCell, 3, 4, device = Meta)?;
/// assert_eq!(c.to_string(), "LSTMCell(3, 4)");
/// assert_eq!(c.weight_hh.shape(), vec![16, 4]);
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(name = "LSTMCell", new(input_size: usize, hidden_size: usize, bias: bool = true), extra_repr = Self::repr)]
pub struct LstmCell {
    /// Features of the input.
    #[module(config = input_size)]
    pub input_size: usize,
    /// Features of the hidden state.
    #[module(config = hidden_size)]
    pub hidden_size: usize,
    /// `[4H, input_size]`.
    #[module(param = [4 * hidden_size, input_size], init = rnn_init(hidden_size))]
    pub weight_ih: Parameter,
    /// `[4H, H]`.
    #[module(param = [4 * hidden_size, hidden_size], init = rnn_init(hidden_size))]
    pub weight_hh: Parameter,
    /// `[4H]`, with `bias`.
    #[module(param = [4 * hidden_size], init = rnn_init(hidden_size), when = bias)]
    pub bias_ih: Option<Parameter>,
    /// `[4H]`, with `bias`.
    #[module(param = [4 * hidden_size], init = rnn_init(hidden_size), when = bias)]
    pub bias_hh: Option<Parameter>,
}

impl LstmCell {
    fn repr(&self) -> String {
        cell_repr(self.input_size, self.hidden_size, self.bias_ih.is_some(), false)
    }
}

/// One GRU step (`nn.GRUCell`): `weight_ih [3H, input]`, `weight_hh [3H, H]`, `bias_ih [3H]`,
/// `bias_hh [3H]`, all U(±1/√H).
///
/// ```
/// use modules::prelude::*;
/// let c = skip_init!(GruCell, 3, 4, bias = false, device = Meta)?;
/// assert_eq!(c.to_string(), "GRUCell(3, 4, bias=False)");
/// assert_eq!(c.weight_ih.shape(), vec![12, 3]);
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Module)]
#[module(name = "GRUCell", new(input_size: usize, hidden_size: usize, bias: bool = true), extra_repr = Self::repr)]
pub struct GruCell {
    /// Features of the input.
    #[module(config = input_size)]
    pub input_size: usize,
    /// Features of the hidden state.
    #[module(config = hidden_size)]
    pub hidden_size: usize,
    /// `[3H, input_size]`.
    #[module(param = [3 * hidden_size, input_size], init = rnn_init(hidden_size))]
    pub weight_ih: Parameter,
    /// `[3H, H]`.
    #[module(param = [3 * hidden_size, hidden_size], init = rnn_init(hidden_size))]
    pub weight_hh: Parameter,
    /// `[3H]`, with `bias`.
    #[module(param = [3 * hidden_size], init = rnn_init(hidden_size), when = bias)]
    pub bias_ih: Option<Parameter>,
    /// `[3H]`, with `bias`.
    #[module(param = [3 * hidden_size], init = rnn_init(hidden_size), when = bias)]
    pub bias_hh: Option<Parameter>,
}

impl GruCell {
    fn repr(&self) -> String {
        cell_repr(self.input_size, self.hidden_size, self.bias_ih.is_some(), false)
    }
}
