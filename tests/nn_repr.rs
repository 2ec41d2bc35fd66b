//! `print(module)` strings for the standard modules, checked byte for byte against
//! `tests/fixtures/reprs.txt` (docs/pytorch-semantics.md §7's verified strings, and more printed
//! by torch 2.15.0; the fixture's comments say which is which).

use std::collections::{BTreeMap, BTreeSet};

use modules::prelude::*;

/// The expected strings of `tests/fixtures/reprs.txt`, by case name.
fn fixture_reprs() -> BTreeMap<String, String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reprs.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reprs = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, repr) = line
            .split_once(": ")
            .unwrap_or_else(|| panic!("reprs.txt:{}: expected `name: string`, got {line:?}", i + 1));
        assert!(
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "reprs.txt:{}: bad case name {name:?}",
            i + 1
        );
        let previous = reprs.insert(name.to_string(), repr.to_string());
        assert!(previous.is_none(), "reprs.txt:{}: case {name} given twice", i + 1);
    }
    reprs
}

/// A named case, boxed.
fn case<M: Module + 'static>(name: &'static str, m: M) -> (&'static str, Box<dyn Module>) {
    (name, Box::new(m))
}

/// The module of each fixture case, built with `skip_init!` on meta from the arguments the
/// PyTorch module was built with.
fn cases() -> Vec<(&'static str, Box<dyn Module>)> {
    vec![
        case("bilinear", skip_init!(Bilinear, 2, 3, 4, device = Meta).unwrap()),
        case(
            "conv1d",
            skip_init!(Conv1d, 1, 2, 3.into(), device = Meta).unwrap(),
        ),
        case(
            "conv2d_stride_padding_no_bias",
            skip_init!(
                Conv2d,
                3,
                8,
                3.into(),
                stride = 2,
                padding = 1,
                bias = false,
                device = Meta
            )
            .unwrap(),
        ),
        case(
            "conv2d_dilation_groups_reflect",
            skip_init!(
                Conv2d,
                4,
                4,
                [3, 5].into(),
                padding = 1,
                dilation = 2,
                groups = 2,
                padding_mode = PaddingMode::Reflect,
                device = Meta
            )
            .unwrap(),
        ),
        case(
            "conv2d_padding_same",
            skip_init!(Conv2d, 2, 2, 3.into(), padding = Padding::Same, device = Meta).unwrap(),
        ),
        case(
            "conv_transpose1d_stride_output_padding",
            skip_init!(
                ConvTranspose1d,
                2,
                2,
                3.into(),
                stride = 2,
                output_padding = 1,
                device = Meta
            )
            .unwrap(),
        ),
        case(
            "embedding_bag",
            skip_init!(EmbeddingBag, 10, 3, device = Meta).unwrap(),
        ),
        case(
            "embedding_bag_sum_padding_idx",
            skip_init!(
                EmbeddingBag,
                10,
                3,
                mode = EmbeddingBagMode::Sum,
                padding_idx = Some(2),
                device = Meta
            )
            .unwrap(),
        ),
        case("group_norm", skip_init!(GroupNorm, 2, 4, device = Meta).unwrap()),
        case("batch_norm1d", skip_init!(BatchNorm1d, 4, device = Meta).unwrap()),
        case(
            "instance_norm2d",
            skip_init!(InstanceNorm2d, 3, device = Meta).unwrap(),
        ),
        case("identity", skip_init!(Identity, device = Meta).unwrap()),
        case(
            "conv2d_padding_valid",
            skip_init!(Conv2d, 2, 2, 3.into(), padding = Padding::Valid, device = Meta).unwrap(),
        ),
        case(
            "conv3d_stride_padding_no_bias_circular",
            skip_init!(
                Conv3d,
                2,
                4,
                [1, 2, 3].into(),
                stride = [1, 2, 1],
                padding = [0, 1, 0],
                bias = false,
                padding_mode = PaddingMode::Circular,
                device = Meta
            )
            .unwrap(),
        ),
        case(
            "conv1d_replicate",
            skip_init!(
                Conv1d,
                3,
                3,
                2.into(),
                padding_mode = PaddingMode::Replicate,
                device = Meta
            )
            .unwrap(),
        ),
        case(
            "conv_transpose2d_all_options",
            skip_init!(
                ConvTranspose2d,
                4,
                6,
                3.into(),
                stride = 2,
                padding = 1,
                output_padding = 1,
                groups = 2,
                bias = false,
                dilation = 2,
                device = Meta
            )
            .unwrap(),
        ),
        case(
            "conv_transpose3d",
            skip_init!(ConvTranspose3d, 2, 2, [1, 2, 3].into(), device = Meta).unwrap(),
        ),
        case(
            "embedding_bag_all_options",
            skip_init!(
                EmbeddingBag,
                10,
                3,
                max_norm = Some(1.0),
                norm_type = 1.5,
                scale_grad_by_freq = true,
                mode = EmbeddingBagMode::Max,
                padding_idx = Some(-1),
                device = Meta
            )
            .unwrap(),
        ),
        case(
            "group_norm_eps_no_affine",
            skip_init!(GroupNorm, 2, 4, eps = 1e-3, affine = false, device = Meta).unwrap(),
        ),
        case(
            "group_norm_no_bias",
            skip_init!(GroupNorm, 2, 4, bias = false, device = Meta).unwrap(),
        ),
        case(
            "batch_norm3d_no_momentum_no_affine_untracked",
            skip_init!(
                BatchNorm3d,
                5,
                eps = 1e-3,
                momentum = None,
                affine = false,
                track_running_stats = false,
                device = Meta
            )
            .unwrap(),
        ),
        case(
            "instance_norm1d_affine_tracked",
            skip_init!(
                InstanceNorm1d,
                3,
                affine = true,
                track_running_stats = true,
                device = Meta
            )
            .unwrap(),
        ),
        case(
            "instance_norm3d_momentum_affine_no_bias",
            skip_init!(
                InstanceNorm3d,
                3,
                momentum = Some(0.01),
                affine = true,
                bias = false,
                device = Meta
            )
            .unwrap(),
        ),
        case(
            "bilinear_no_bias",
            skip_init!(Bilinear, 2, 3, 4, bias = false, device = Meta).unwrap(),
        ),
    ]
}

/// Every fixture case has a module and every module a case, and each prints as its case says.
#[test]
fn reprs_match_pytorch() {
    let expected = fixture_reprs();
    let cases = cases();
    let mut built = BTreeSet::new();
    for (name, _) in &cases {
        assert!(built.insert(*name), "case {name} built twice");
    }
    let no_module: Vec<&String> = expected.keys().filter(|k| !built.contains(k.as_str())).collect();
    assert!(
        no_module.is_empty(),
        "reprs.txt cases with no module in nn_repr.rs: {no_module:?}"
    );
    let no_entry: Vec<&&str> = built.iter().filter(|k| !expected.contains_key(**k)).collect();
    assert!(
        no_entry.is_empty(),
        "modules in nn_repr.rs with no case in reprs.txt: {no_entry:?}"
    );
    for (name, m) in &cases {
        assert_eq!(modules::module_repr(&**m), expected[*name], "{name}");
    }
}
