//! `nn.BatchNorm1d/2d/3d` and `nn.InstanceNorm1d/2d/3d` (PyTorch's `_NormBase`).
//!
//! All six share one layout: params `weight` (ones) and `bias` (zeros) when `affine`; buffers
//! `running_mean` (zeros), `running_var` (ones) and the i64 0-dim `num_batches_tracked` (0)
//! when `track_running_stats`. They differ in their names and defaults: batch norms are
//! affine and track running stats, instance norms do neither unless asked.

use super::base::*;
use super::repr::{py_bool, py_float, py_opt_float};

/// `_NormBase.extra_repr`.
fn norm_repr(
    num_features: usize,
    eps: f64,
    momentum: Option<f64>,
    affine: bool,
    bias: bool,
    track_running_stats: bool,
) -> String {
    format!(
        "{num_features}, eps={}, momentum={}, affine={}, bias={}, track_running_stats={}",
        py_float(eps),
        py_opt_float(momentum),
        py_bool(affine),
        py_bool(bias),
        py_bool(track_running_stats)
    )
}

macro_rules! norm_nd {
    ($(#[$doc:meta])* $name:ident, affine = $affine:expr, track_running_stats = $track:expr) => {
        $(#[$doc])*
        #[derive(Module)]
        #[module(
            new(
                num_features: usize,
                eps: f64 = 1e-5,
                momentum: Option<f64> = Some(0.1),
                affine: bool = $affine,
                track_running_stats: bool = $track,
                bias: bool = true
            ),
            extra_repr = Self::repr
        )]
        pub struct $name {
            /// Number of features (channels) expected in the input.
            #[module(config = num_features)]
            pub num_features: usize,
            /// Added to the variance.
            #[module(config = eps)]
            pub eps: f64,
            /// Weight of the new statistics in the running ones; `None` = cumulative average.
            #[module(config = momentum)]
            pub momentum: Option<f64>,
            /// Whether there is a weight (and maybe a bias).
            #[module(config = affine)]
            pub affine: bool,
            /// Whether running statistics are kept (the three buffers).
            #[module(config = track_running_stats)]
            pub track_running_stats: bool,
            /// `[num_features]`, ones.
            #[module(param = [num_features], init = init::ones(), when = affine)]
            pub weight: Option<Parameter>,
            /// `[num_features]`, zeros.
            #[module(param = [num_features], init = init::zeros(), when = affine && bias)]
            pub bias: Option<Parameter>,
            /// `[num_features]`, zeros.
            #[module(buffer = [num_features], init = init::zeros(), when = track_running_stats)]
            pub running_mean: Option<Buffer>,
            /// `[num_features]`, ones.
            #[module(buffer = [num_features], init = init::ones(), when = track_running_stats)]
            pub running_var: Option<Buffer>,
            /// A 0-dim i64 counter, 0 (whatever the module's dtype).
            #[module(buffer = [], init = init::zeros(), dtype = I64, when = track_running_stats)]
            pub num_batches_tracked: Option<Buffer>,
        }

        impl $name {
            fn repr(&self) -> String {
                norm_repr(
                    self.num_features,
                    self.eps,
                    self.momentum,
                    self.affine,
                    self.bias.is_some(),
                    self.track_running_stats,
                )
            }
        }
    };
}

norm_nd! {
    /// Batch normalization over `[N, C]` or `[N, C, L]` (`nn.BatchNorm1d`).
    ///
    /// ```
    /// use modules::prelude::*;
    /// let bn = BatchNorm1d::new(4, Cpu)?;
    /// assert_eq!(bn.to_string(), "BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)");
    /// let keys: Vec<String> = bn.state_dict().keys().map(String::from).collect();
    /// assert_eq!(keys, ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
    /// # Ok::<(), modules::Error>(())
    /// ```
    BatchNorm1d, affine = true, track_running_stats = true
}

norm_nd! {
    /// Batch normalization over `[N, C, H, W]` (`nn.BatchNorm2d`).
    ///
    /// ```
    /// use modules::prelude::*;
    /// let bn = skip_init!(BatchNorm2d, 3, dtype = F16)?;
    /// assert_eq!(bn.running_mean.as_ref().unwrap().dtype(), F16);
    /// assert_eq!(bn.num_batches_tracked.as_ref().unwrap().dtype(), I64);
    /// assert_eq!(bn.num_batches_tracked.as_ref().unwrap().shape(), Vec::<usize>::new());
    /// # Ok::<(), modules::Error>(())
    /// ```
    BatchNorm2d, affine = true, track_running_stats = true
}

norm_nd! {
    /// Batch normalization over `[N, C, D, H, W]` (`nn.BatchNorm3d`).
    ///
    /// ```
    /// use modules::prelude::*;
    /// let bn = modules::new!(BatchNorm3d, 2, momentum = None, affine = false)?;
    /// assert_eq!(bn.to_string(), "BatchNorm3d(2, eps=1e-05, momentum=None, affine=False, bias=False, track_running_stats=True)");
    /// # Ok::<(), modules::Error>(())
    /// ```
    BatchNorm3d, affine = true, track_running_stats = true
}

norm_nd! {
    /// Instance normalization over `[N, C, L]` (`nn.InstanceNorm1d`); by default without
    /// parameters or running statistics.
    ///
    /// ```
    /// use modules::prelude::*;
    /// let n = InstanceNorm1d::new(3, Cpu)?;
    /// assert!(n.state_dict().is_empty());
    /// # Ok::<(), modules::Error>(())
    /// ```
    InstanceNorm1d, affine = false, track_running_stats = false
}

norm_nd! {
    /// Instance normalization over `[N, C, H, W]` (`nn.InstanceNorm2d`); by default without
    /// parameters or running statistics.
    ///
    /// ```
    /// use modules::prelude::*;
    /// let n = InstanceNorm2d::new(3, Cpu)?;
    /// assert_eq!(n.to_string(), "InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, track_running_stats=False)");
    /// let t = modules::new!(InstanceNorm2d, 3, affine = true, track_running_stats = true)?;
    /// assert_eq!(t.state_dict().len(), 5);
    /// # Ok::<(), modules::Error>(())
    /// ```
    InstanceNorm2d, affine = false, track_running_stats = false
}

norm_nd! {
    /// Instance normalization over `[N, C, D, H, W]` (`nn.InstanceNorm3d`); by default without
    /// parameters or running statistics.
    ///
    /// ```
    /// use modules::prelude::*;
    /// let n = skip_init!(InstanceNorm3d, 3, affine = true, device = Meta)?;
    /// assert_eq!(n.num_parameters(), 6);
    /// # Ok::<(), modules::Error>(())
    /// ```
    InstanceNorm3d, affine = false, track_running_stats = false
}
