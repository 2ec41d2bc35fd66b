//! `skip_init!`: shapes, dtypes, devices, names; values not initialized; reset equals new.

use modules::nn::LinearArgs;
use modules::prelude::*;
use modules::rng::scoped_generator;

mod common;

#[test]
fn skip_init_linear_on_cpu_by_default() {
    let m = skip_init!(Linear, 5, 1).unwrap();
    assert_eq!(m.weight.shape(), vec![1, 5]);
    assert_eq!((m.weight.dtype(), m.weight.device()), (F32, Cpu));
    assert!(m.weight.requires_grad());
    assert_eq!(m.bias.as_ref().unwrap().shape(), vec![1]);
}

#[test]
fn keywords_are_forwarded() {
    let m = skip_init!(Linear, in_features = 6, out_features = 1, bias = false).unwrap();
    assert!(m.bias.is_none());
    assert_eq!(m.weight.shape(), vec![1, 6]);
    let m = skip_init!(Linear, 6, out_features = 2, device = Meta, dtype = F64).unwrap();
    assert_eq!((m.weight.device(), m.weight.dtype()), (Meta, F64));
}

#[test]
fn skip_init_leaves_values_uninitialized_where_new_initializes() {
    let _rng = scoped_generator(Default::default());
    modules::manual_seed(1);
    let a = Linear::new(5, 1, Cpu).unwrap();
    modules::manual_seed(1);
    let b = skip_init!(Linear, 5, 1, device = Cpu).unwrap();
    assert_eq!(a.weight.device(), b.weight.device());
    assert_ne!(
        a.weight.tensor().to_vec::<f32>().unwrap(),
        b.weight.tensor().to_vec::<f32>().unwrap()
    );
}

#[test]
fn skip_init_then_reset_equals_new_for_one_seed() {
    let _rng = scoped_generator(Default::default());
    for dtype in [F32, F64, BF16] {
        modules::manual_seed(7);
        let a = modules::new!(Embedding, 20, 6, padding_idx = Some(3), dtype = dtype).unwrap();
        modules::manual_seed(7);
        let mut b = skip_init!(Embedding, 20, 6, padding_idx = Some(3), dtype = dtype).unwrap();
        b.reset_parameters().unwrap();
        assert_eq!(
            a.weight.tensor().to_f64_vec().unwrap(),
            b.weight.tensor().to_f64_vec().unwrap()
        );

        modules::manual_seed(9);
        let a = modules::new!(Linear, 7, 3, dtype = dtype).unwrap();
        modules::manual_seed(9);
        let mut b = skip_init!(Linear, 7, 3, device = Meta, dtype = dtype).unwrap();
        b.to_empty(Cpu).unwrap();
        b.reset_parameters().unwrap();
        for (x, y) in a.state_dict().iter().zip(b.state_dict().iter()) {
            assert_eq!(x.0, y.0);
            assert_eq!(
                x.1.tensor().to_f64_vec().unwrap(),
                y.1.tensor().to_f64_vec().unwrap()
            );
        }
    }
}

#[test]
fn standard_modules_default_init() {
    let _rng = scoped_generator(Default::default());
    let l = LayerNorm::new(vec![3, 2], Cpu).unwrap();
    assert_eq!(
        l.weight.as_ref().unwrap().tensor().to_vec::<f32>().unwrap(),
        vec![1.0; 6]
    );
    assert_eq!(
        l.bias.as_ref().unwrap().tensor().to_vec::<f32>().unwrap(),
        vec![0.0; 6]
    );
    let r = RmsNorm::new(vec![4], Cpu).unwrap();
    assert_eq!(
        r.weight.as_ref().unwrap().tensor().to_vec::<f32>().unwrap(),
        vec![1.0; 4]
    );
    let e = modules::new!(Embedding, 10, 4, padding_idx = Some(-1)).unwrap();
    assert_eq!(e.padding_idx, Some(9));
    let w = e.weight.tensor().to_vec::<f32>().unwrap();
    assert!(w[36..].iter().all(|&x| x == 0.0) && w[..36].iter().any(|&x| x != 0.0));
    let bad = modules::new!(Embedding, 10, 4, padding_idx = Some(10)).unwrap_err();
    assert!(
        bad.to_string()
            .contains("Padding_idx must be within num_embeddings"),
        "{bad}"
    );
    let lin = Linear::new(400, 300, Cpu).unwrap();
    let bound = 1.0 / 20.0;
    assert!(common::values::values(&lin.weight)
        .iter()
        .all(|w| w.abs() <= bound));
}

#[test]
fn generic_code_builds_any_module() {
    fn on_meta<M: SupportsDevice>(args: M::Args) -> M {
        skip_init::<M>(args, Meta).unwrap()
    }
    let m: Linear = on_meta(LinearArgs {
        in_features: 3,
        out_features: 4,
        bias: false,
    });
    assert_eq!(m.weight.device(), Meta);
    let n: RmsNorm = on_meta(RmsNorm::args().normalized_shape(vec![8]).finish());
    assert_eq!(n.eps, None);
}

/// A hand-written `SupportsDevice` that honours the options, or (`Careless`) ignores them and
/// builds on the cpu: `skip_init` then names the tensor.
struct HandWritten<const HONOURS_OPTIONS: bool> {
    w: Parameter,
}

type Careless = HandWritten<false>;
type Careful = HandWritten<true>;

impl<const HONOURS_OPTIONS: bool> Module for HandWritten<HONOURS_OPTIONS> {
    fn type_name(&self) -> &str {
        "HandWritten"
    }
    fn visit<'a>(&'a self, v: &mut dyn modules::Visitor<'a>) {
        modules::Part::visit_part(&self.w, "w", v)
    }
}

impl<const HONOURS_OPTIONS: bool> SupportsDevice for HandWritten<HONOURS_OPTIONS> {
    type Args = usize;
    type Builder = modules::SingleArg<usize>;
    fn args() -> Self::Builder {
        Default::default()
    }
    fn construct(n: usize, options: &TensorOptions) -> Result<Self, Error> {
        let options = if HONOURS_OPTIONS { *options } else { Cpu.into() };
        Ok(HandWritten {
            w: Parameter::new(Tensor::zeros([n], options)?),
        })
    }
}

#[test]
fn hand_written_supports_device_is_checked_after_construction() {
    let e = skip_init!(Careless, 3).err().unwrap();
    assert!(
        matches!(e, Error::NotOnMeta { ref tensor, found: Cpu, .. } if tensor == "w"),
        "{e}"
    );
    assert!(e.to_string().contains("`w`"), "{e}");
    let ok = skip_init!(Careful, 3, dtype = F16).unwrap();
    assert_eq!((ok.w.device(), ok.w.dtype()), (Cpu, F16));
}

// Calls from a `macro_rules!` body that mix the macro's own tokens (`4`, `out`) with its
// caller's (`$in`, `bias = false`, `device = Meta`).
macro_rules! linear_from {
    ($in:expr, $($rest:tt)*) => {
        skip_init!(Linear, $in, 4, $($rest)*)
    };
}

macro_rules! linear_with_local {
    ($n:expr) => {{
        let out = 3;
        skip_init!(Linear, $n, out, bias = false)
    }};
}

#[test]
fn skip_init_inside_macro_rules_with_arguments_from_both_sides() {
    let a = linear_from!(2, bias = false).unwrap();
    assert_eq!(a.to_string(), "Linear(in_features=2, out_features=4, bias=False)");
    let b = linear_with_local!(5).unwrap();
    assert_eq!(b.to_string(), "Linear(in_features=5, out_features=3, bias=False)");
    let n = 7;
    let c = linear_from!(n, device = Meta).unwrap();
    assert_eq!((c.weight.shape(), c.weight.device()), (vec![4, 7], Meta));
}

#[test]
fn new_with_a_generator_is_reproducible_on_any_thread_without_a_lock() {
    use modules::rng::Generator;
    fn weights(m: &Linear) -> Vec<f32> {
        m.weight.tensor().to_vec::<f32>().unwrap()
    }
    let mut g = Generator::new(9);
    let a = new!(Linear, 8, 4, generator = &mut g).unwrap();
    assert!(g.offset() > 0, "the draws advance the caller's generator");
    let b = new!(Linear, 8, 4, generator = &mut Generator::new(9)).unwrap();
    assert_eq!(weights(&a), weights(&b));
    let mut c = skip_init!(Linear, 8, 4).unwrap();
    c.reset_parameters_with(&mut Generator::new(9)).unwrap();
    assert_eq!(weights(&a), weights(&c));
    let elsewhere =
        std::thread::spawn(|| weights(&new!(Linear, 8, 4, generator = &mut Generator::new(9)).unwrap()));
    assert_eq!(weights(&a), elsewhere.join().unwrap());
    // The generated constructor takes one through the same scope.
    let d = modules::rng::with_generator(&mut Generator::new(9), || Linear::new(8, 4, Cpu)).unwrap();
    assert_eq!(weights(&a), weights(&d));
}

#[test]
fn positional_arguments_convert_as_keywords_do() {
    let a = skip_init!(Conv2d, 3, 8, 3, device = Meta).unwrap();
    let b = new!(Conv2d, 3, 8, (3, 5)).unwrap();
    let c = skip_init!(Conv3d, 2, 4, [1, 2, 3], 2, device = Meta).unwrap();
    assert_eq!(a.kernel_size, [3, 3]);
    assert_eq!(b.weight.shape(), vec![8, 3, 3, 5]);
    assert_eq!((c.kernel_size, c.stride), ([1, 2, 3], [2, 2, 2]));
}

/// A hand-written `SupportsDevice` with its own two-argument builder, from public items only:
/// `skip_init!` and `new!` take it with the grammar of derived modules.
mod hand_written_builder {
    use std::marker::PhantomData;

    use modules::arguments::{Finish, Position, Positional};
    use modules::prelude::*;

    pub struct Grid {
        pub w: Parameter,
    }

    impl Module for Grid {
        fn type_name(&self) -> &str {
            "Grid"
        }
        fn visit<'a>(&'a self, v: &mut dyn modules::Visitor<'a>) {
            modules::Part::visit_part(&self.w, "w", v)
        }
    }

    pub struct GridArgs(usize, usize);
    pub struct GridBuilder<P>(Vec<usize>, PhantomData<P>);

    impl Positional for GridBuilder<Position<0>> {
        type Value = usize;
        type Next = GridBuilder<Position<1>>;
        fn push(self, rows: usize) -> Self::Next {
            GridBuilder(vec![rows], PhantomData)
        }
    }

    impl Positional for GridBuilder<Position<1>> {
        type Value = usize;
        type Next = GridBuilder<Position<2>>;
        fn push(mut self, cols: usize) -> Self::Next {
            self.0.push(cols);
            GridBuilder(self.0, PhantomData)
        }
    }

    /// A keyword on a hand-written builder: this impl leaves `SupportsDevice::ARGUMENTS` unknown,
    /// so `skip_init!` passes keywords through to the builder's methods unchecked.
    impl GridBuilder<Position<2>> {
        pub fn cols(mut self, cols: usize) -> Self {
            self.0[1] = cols;
            self
        }
    }

    impl Finish<GridArgs> for GridBuilder<Position<2>> {
        fn finish(self) -> GridArgs {
            GridArgs(self.0[0], self.0[1])
        }
    }

    impl SupportsDevice for Grid {
        type Args = GridArgs;
        type Builder = GridBuilder<Position<0>>;
        const DECLARATIVE: bool = true;
        fn args() -> Self::Builder {
            GridBuilder(Vec::new(), PhantomData)
        }
        fn construct(args: GridArgs, options: &TensorOptions) -> modules::Result<Self> {
            Ok(Grid {
                w: Parameter::declared([args.0, args.1], init::ones(), options)?,
            })
        }
    }

    #[test]
    fn skip_init_and_new_take_a_hand_written_builder() {
        let planned = skip_init!(Grid, 2, 3, device = Meta).unwrap();
        assert_eq!(planned.w.shape(), vec![2, 3]);
        let made = new!(Grid, 2, 3).unwrap();
        assert_eq!(made.w.tensor().to_vec::<f32>().unwrap(), [1.0; 6]);
        let wider = skip_init!(Grid, 2, 3, cols = 4, device = Meta).unwrap();
        assert_eq!(wider.w.shape(), vec![2, 4]);
    }
}
