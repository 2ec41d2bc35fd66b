//! `nn.RNNCell`, `nn.LSTMCell` and `nn.GRUCell`: one step of a recurrence, with plain
//! parameter names (`weight_ih`, `bias_hh`). LSTMCell and GRUCell differ only in their gate
//! count ([`RnnMode::gates`]), so one macro writes both. The kinds of recurrence, shared with
//! the multi-layer modules, are here too.

use super::base::*;

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

/// The nonlinearity of [`Rnn`](super::Rnn) and [`RnnCell`] (PyTorch's `nonlinearity='tanh'` / `'relu'`).
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

impl RnnNonlinearity {
    pub(super) fn mode(self) -> RnnMode {
        match self {
            RnnNonlinearity::Tanh => RnnMode::RnnTanh,
            RnnNonlinearity::Relu => RnnMode::RnnRelu,
        }
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
    #[module(param = [hidden_size, input_size], init = init::uniform_fan_in(hidden_size))]
    pub weight_ih: Parameter,
    /// `[H, H]`.
    #[module(param = [hidden_size, hidden_size], init = init::uniform_fan_in(hidden_size))]
    pub weight_hh: Parameter,
    /// `[H]`, with `bias`.
    #[module(param = [hidden_size], init = init::uniform_fan_in(hidden_size), when = bias)]
    pub bias_ih: Option<Parameter>,
    /// `[H]`, with `bias`.
    #[module(param = [hidden_size], init = init::uniform_fan_in(hidden_size), when = bias)]
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

/// A cell with `mode.gates()` gate blocks: `weight_ih [G·H, input]`, `weight_hh [G·H, H]`,
/// `bias_ih [G·H]`, `bias_hh [G·H]`, all U(±1/√H).
macro_rules! gated_cell {
    ($(#[$doc:meta])* $name:ident, $torch:literal, $mode:expr) => {
        $(#[$doc])*
        #[derive(Module)]
        #[module(name = $torch, new(input_size: usize, hidden_size: usize, bias: bool = true), extra_repr = Self::repr)]
        pub struct $name {
            /// Features of the input.
            #[module(config = input_size)]
            pub input_size: usize,
            /// Features of the hidden state.
            #[module(config = hidden_size)]
            pub hidden_size: usize,
            /// `[G·H, input_size]`, G the gate count.
            #[module(param = [$mode.gates() * hidden_size, input_size], init = init::uniform_fan_in(hidden_size))]
            pub weight_ih: Parameter,
            /// `[G·H, H]`.
            #[module(param = [$mode.gates() * hidden_size, hidden_size], init = init::uniform_fan_in(hidden_size))]
            pub weight_hh: Parameter,
            /// `[G·H]`, with `bias`.
            #[module(param = [$mode.gates() * hidden_size], init = init::uniform_fan_in(hidden_size), when = bias)]
            pub bias_ih: Option<Parameter>,
            /// `[G·H]`, with `bias`.
            #[module(param = [$mode.gates() * hidden_size], init = init::uniform_fan_in(hidden_size), when = bias)]
            pub bias_hh: Option<Parameter>,
        }

        impl $name {
            fn repr(&self) -> String {
                cell_repr(self.input_size, self.hidden_size, self.bias_ih.is_some(), false)
            }
        }
    };
}

gated_cell! {
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
    LstmCell, "LSTMCell", RnnMode::Lstm
}

gated_cell! {
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
    GruCell, "GRUCell", RnnMode::Gru
}
