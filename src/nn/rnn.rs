//! `nn.RNN`, `nn.LSTM`, `nn.GRU` and their cells.
//!
//! PyTorch's recurrent modules have flat parameter names (`weight_ih_l0`,
//! `bias_hh_l1_reverse`, `weight_hr_l0`), one set per layer and direction. Here a hand-written
//! [`RnnWeights`] holds them and the modules declare it with
//! `#[module(build = |options| ..., flatten)]`, so they appear as the module's own parameters.
//! [`Rnn`], [`Lstm`] and [`Gru`] differ only in their signature and [`RnnMode`]: everything
//! else is [`RnnConfig`] (`RNNBase`'s attributes, checks and repr), written once.
//!
//! Unlike PyTorch, these work with `skip_init!`: `torch.nn.utils.skip_init(nn.LSTM, ...)`
//! fails its signature check (`LSTM.__init__` takes `*args, **kwargs`, so `inspect` sees no
//! `device`), although `nn.LSTM(..., device='meta')` works. We fix that deliberately: every
//! module here builds on any device, and `skip_init!` + `reset_parameters()` equals `new`.

use super::base::*;
use super::repr::{py_bool, py_float};
pub use super::rnn_cell::{RnnMode, RnnNonlinearity};

/// The parameters of a recurrent module, by PyTorch's flat names, in registration order.
/// A [`Module`] with no children, declared `flatten` by [`Rnn`], [`Lstm`] and [`Gru`] so that
/// its parameters are theirs.
///
/// ```
/// use modules::prelude::*;
/// let config = RnnConfig { mode: RnnMode::Lstm, ..RnnConfig::new(3, 4) };
/// let w = RnnWeights::new(&config, &TensorOptions::from(Meta))?;
/// let names: Vec<String> = w.named_parameters().into_iter().map(|(n, _)| n).collect();
/// assert_eq!(names, ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]);
/// assert_eq!(w.get("weight_ih_l0").unwrap().shape(), vec![16, 3]);
/// # Ok::<(), modules::Error>(())
/// ```
pub struct RnnWeights {
    params: Vec<(String, Parameter)>,
}

/// `RNNBase`'s attributes: what a multi-layer recurrent module is built from and shows in its
/// repr. The modules keep it as their `config` field.
///
/// ```
/// use modules::prelude::*;
/// let m = skip_init!(Lstm, 3, 4, num_layers = 2, device = Meta)?;
/// assert_eq!(m.config, RnnConfig { mode: RnnMode::Lstm, num_layers: 2, ..RnnConfig::new(3, 4) });
/// # Ok::<(), modules::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RnnConfig {
    /// The recurrence: it decides the gate count.
    pub mode: RnnMode,
    /// Features of the input.
    pub input_size: usize,
    /// Features of the hidden (for an LSTM, cell) state.
    pub hidden_size: usize,
    /// Stacked layers.
    pub num_layers: usize,
    /// Whether there are bias parameters.
    pub bias: bool,
    /// Whether inputs are `(batch, seq, feature)`.
    pub batch_first: bool,
    /// Dropout between layers.
    pub dropout: f64,
    /// Whether there is a reverse direction.
    pub bidirectional: bool,
    /// Size of the projected hidden state (LSTM only); 0 = no projection.
    pub proj_size: usize,
}

impl RnnConfig {
    /// PyTorch's defaults for the other attributes: a one-layer, unidirectional `tanh` RNN
    /// with biases.
    pub fn new(input_size: usize, hidden_size: usize) -> Self {
        RnnConfig {
            mode: RnnMode::RnnTanh,
            input_size,
            hidden_size,
            num_layers: 1,
            bias: true,
            batch_first: false,
            dropout: 0.0,
            bidirectional: false,
            proj_size: 0,
        }
    }

    /// `RNNBase.__init__`'s checks, in its order.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |message: &str| {
            Err(Error::InvalidArgument {
                function: "RNNBase::new",
                message: message.to_string(),
            })
        };
        if !(0.0..=1.0).contains(&self.dropout) {
            return bad("dropout should be a number in range [0, 1] representing the probability of an element being zeroed");
        }
        if self.hidden_size == 0 {
            return bad("hidden_size must be greater than zero");
        }
        if self.num_layers == 0 {
            return bad("num_layers must be greater than zero");
        }
        if self.proj_size > 0 && self.mode != RnnMode::Lstm {
            return bad("proj_size argument is only supported for LSTM, not RNN or GRU");
        }
        if self.proj_size >= self.hidden_size && self.proj_size > 0 {
            return bad("proj_size has to be smaller than hidden_size");
        }
        Ok(())
    }

    /// `RNNBase.extra_repr`: sizes, then only what differs from the defaults.
    fn repr(&self) -> String {
        let mut s = format!("{}, {}", self.input_size, self.hidden_size);
        if self.proj_size != 0 {
            s += &format!(", proj_size={}", self.proj_size);
        }
        if self.num_layers != 1 {
            s += &format!(", num_layers={}", self.num_layers);
        }
        if !self.bias {
            s += &format!(", bias={}", py_bool(self.bias));
        }
        if self.batch_first {
            s += &format!(", batch_first={}", py_bool(self.batch_first));
        }
        if self.dropout != 0.0 {
            s += &format!(", dropout={}", py_float(self.dropout));
        }
        if self.bidirectional {
            s += &format!(", bidirectional={}", py_bool(self.bidirectional));
        }
        s
    }
}

impl RnnWeights {
    /// Checks `config` ([`RnnConfig::validate`]), then allocates (on `options`' device) and
    /// initializes the parameters of every layer and direction in PyTorch's order: per layer,
    /// per direction, `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh` (with `bias`), `weight_hr`
    /// (with `proj_size > 0`). All U(±1/√hidden_size).
    pub fn new(config: &RnnConfig, options: &TensorOptions) -> Result<Self, Error> {
        config.validate()?;
        let RnnConfig {
            mode,
            input_size,
            hidden_size,
            num_layers,
            bias,
            bidirectional,
            proj_size,
            ..
        } = *config;
        let gate_size = mode.gates() * hidden_size;
        let real_hidden = if proj_size > 0 { proj_size } else { hidden_size };
        let directions = if bidirectional { 2 } else { 1 };
        let mut params = Vec::new();
        let mut add = |name: String, shape: Vec<usize>| -> Result<(), Error> {
            let p = Parameter::declared(shape, init::uniform_fan_in(hidden_size), options)?;
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

/// The repr of a module whose `config` field is an [`RnnConfig`].
macro_rules! rnn_repr {
    ($($name:ident),*) => {$(
        impl $name {
            fn repr(&self) -> String {
                self.config.repr()
            }
        }
    )*};
}

rnn_repr!(Rnn, Lstm, Gru);

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
    /// `tanh` or `relu`.
    #[module(config = nonlinearity)]
    pub nonlinearity: RnnNonlinearity,
    /// Sizes and options.
    #[module(config = RnnConfig {
        mode: nonlinearity.mode(), input_size, hidden_size, num_layers, bias, batch_first, dropout,
        bidirectional, proj_size: 0,
    })]
    pub config: RnnConfig,
    /// The parameters, shown as the module's own.
    #[module(build = |options| RnnWeights::new(&config, options), flatten)]
    pub weights: RnnWeights,
}

/// [`Lstm`] and [`Gru`]: the same signature but for LSTM's `proj_size`, and their mode. The
/// projection size's name comes from the caller, so the argument and the config read the same
/// variable (macro hygiene).
macro_rules! gated_rnn {
    ($(#[$doc:meta])* $name:ident, $torch:literal, $mode:expr $(, $proj:ident)?) => {
        $(#[$doc])*
        #[derive(Module)]
        #[module(
            name = $torch,
            new(
                input_size: usize,
                hidden_size: usize,
                num_layers: usize = 1,
                bias: bool = true,
                batch_first: bool = false,
                dropout: f64 = 0.0,
                bidirectional: bool = false
                $(, $proj: usize = 0)?
            ),
            extra_repr = Self::repr
        )]
        pub struct $name {
            /// Sizes and options.
            #[module(config = RnnConfig {
                mode: $mode, input_size, hidden_size, num_layers, bias, batch_first, dropout,
                bidirectional, proj_size: gated_rnn!(@proj $($proj)?),
            })]
            pub config: RnnConfig,
            /// The parameters, shown as the module's own.
            #[module(build = |options| RnnWeights::new(&config, options), flatten)]
            pub weights: RnnWeights,
        }
    };
    (@proj $proj:ident) => { $proj };
    (@proj) => { 0 };
}

gated_rnn! {
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
    Lstm, "LSTM", RnnMode::Lstm, proj_size
}

gated_rnn! {
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
    Gru, "GRU", RnnMode::Gru
}
