//! EmbeddingBag: standard-normal init with fixed seeds, the zero padding row and `padding_idx`
//! bounds. (Embedding is checked against PyTorch's own state dict in torch_parity.rs.)

use common::stats::{check_standard_normal, each_seed};
use common::values::values;
use modules::prelude::*;

mod common;

#[test]
fn embedding_bag_is_standard_normal_with_a_zero_padding_row() {
    each_seed(|| {
        let e = modules::new!(EmbeddingBag, 1000, 64, padding_idx = Some(-1)).unwrap();
        assert_eq!(e.padding_idx, Some(999));
        let w = values(&e.weight);
        assert!(w[999 * 64..].iter().all(|&x| x == 0.0));
        check_standard_normal(&w[..999 * 64], "EmbeddingBag.weight");
        let plain = EmbeddingBag::new(500, 8, Cpu).unwrap();
        check_standard_normal(&values(&plain.weight), "EmbeddingBag.weight");
    });
    let e = modules::new!(EmbeddingBag, 10, 3, padding_idx = Some(10))
        .err()
        .unwrap();
    assert!(
        e.to_string()
            .contains("padding_idx must be within num_embeddings"),
        "{e}"
    );
    assert!(modules::new!(EmbeddingBag, 10, 3, padding_idx = Some(-11)).is_err());
    assert!(modules::new!(EmbeddingBag, 10, 3, padding_idx = Some(-10)).is_ok());
}

#[test]
fn embedding_bag_takes_pytorchs_positional_order_with_weight() {
    // EmbeddingBag(num_embeddings, embedding_dim, max_norm, norm_type, scale_grad_by_freq,
    //              mode, sparse, _weight, include_last_offset, padding_idx)
    let e = skip_init!(
        EmbeddingBag,
        10,
        3,
        None,
        2.0,
        false,
        EmbeddingBagMode::Sum,
        false,
        None,
        false,
        Some(2),
        device = Meta
    )
    .unwrap();
    assert_eq!(e.to_string(), "EmbeddingBag(10, 3, mode='sum', padding_idx=2)");
    let w = Parameter::new(Tensor::full([10, 3], 0.5, Cpu).unwrap());
    let given = new!(EmbeddingBag, 10, 3, _weight = Some(w.clone())).unwrap();
    assert!(given.weight.is_tied_to(&w));
    assert!(values(&given.weight).iter().all(|&x| x == 0.5));
    let e = new!(EmbeddingBag, 10, 4, _weight = Some(w)).unwrap_err();
    assert!(
        e.to_string()
            .contains("Shape of weight does not match num_embeddings and embedding_dim"),
        "{e}"
    );
}
