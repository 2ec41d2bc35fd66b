//! What the generated constructor does with `validate`, `config` locals and `skip_repr`.

use modules::prelude::*;

fn check_groups(channels: usize, groups: usize) -> modules::Result<()> {
    if groups == 0 || !channels.is_multiple_of(groups) {
        return Err(Error::InvalidArgument {
            function: "Grouped::new",
            message: format!("channels ({channels}) must be divisible by groups ({groups})"),
        });
    }
    Ok(())
}

#[derive(Module)]
#[module(new(channels: usize, groups: usize = 1, width: Option<usize> = None), validate = check_groups(channels, groups))]
struct Grouped {
    /// A resolved argument: later fields see this value, not the `Option`.
    #[module(config = width.unwrap_or(channels))]
    width: usize,
    #[module(config = channels / groups, skip_repr)]
    per_group: usize,
    #[module(param = [per_group, width], init = init::ones())]
    weight: Parameter,
    /// A child named after an argument: the later `dropout1` still gets the `f64`.
    #[module(new(0.25))]
    dropout: Dropout,
    #[module(new(channels as f64 / 100.0))]
    dropout1: Dropout,
}

#[test]
fn validate_runs_before_any_field_and_its_error_is_returned() {
    let e = skip_init!(Grouped, 6, 4, device = Meta).expect_err("6 channels in 4 groups is rejected");
    assert_eq!(
        e.to_string(),
        "Grouped::new: channels (6) must be divisible by groups (4)"
    );
    // groups = 0 would divide by zero in `per_group`: validation comes first.
    assert!(Grouped::new(6, Cpu).is_ok());
    assert!(new!(Grouped, 6, groups = 0).is_err());
}

#[test]
fn later_fields_read_a_config_field_by_its_name() -> modules::Result<()> {
    let m = new!(Grouped, 6, groups = 3)?;
    assert_eq!((m.width, m.per_group), (6, 2));
    assert_eq!(m.weight.shape(), vec![2, 6]);
    let m = new!(Grouped, 6, width = Some(4))?;
    assert_eq!(m.weight.shape(), vec![6, 4]);
    assert_eq!(m.dropout1.p, 0.06);
    Ok(())
}

#[test]
fn skip_repr_keeps_a_config_field_out_of_the_default_repr() {
    let m = skip_init!(Grouped, 6, groups = 3, device = Meta).unwrap();
    let repr = m.to_string();
    assert!(repr.starts_with("Grouped(\n  width=6\n  (dropout)"), "{repr}");
    assert!(!repr.contains("per_group"), "{repr}");
}

/// A generic module with a constructor: its children's keywords are checked by name in a
/// constant inside a generic impl, which works because the constant names only `Linear`.
#[derive(Module)]
#[module(new(width: usize))]
struct Tagged<T: 'static> {
    #[module(new(width, width, bias = false))]
    proj: Linear,
    #[module(skip)]
    tag: std::marker::PhantomData<T>,
}

#[test]
fn a_generic_module_takes_keywords_for_its_children() {
    let m = skip_init!(Tagged<u8>, width = 4, device = Meta).unwrap();
    assert!(m.proj.bias.is_none());
    assert_eq!(m.proj.weight.shape(), vec![4, 4]);
}

impl<T: 'static> Tagged<T> {
    /// `Self` in a generic impl: a constant cannot name it, so this keyword goes unchecked
    /// by name and the call still compiles (as does `Tagged<T>` in generic code, below).
    fn planned(width: usize) -> modules::Result<Self> {
        skip_init!(Self, width = width, device = Meta)
    }
}

fn planned_generic<T: 'static>() -> modules::Result<Tagged<T>> {
    skip_init!(Tagged<T>, width = 3, device = Meta)
}

#[test]
fn generic_types_and_self_take_keywords_unchecked_by_name() {
    assert_eq!(Tagged::<u8>::planned(2).unwrap().proj.weight.shape(), vec![2, 2]);
    assert_eq!(planned_generic::<u16>().unwrap().proj.weight.shape(), vec![3, 3]);
}
