//! TransformerEncoder/Decoder stacks and their layers against PyTorch 2.15: layers start
//! identical (docs/pytorch-semantics.md §10 case 34), stay identical through `reset_parameters`,
//! and print like PyTorch (§7).

use common::values::{all_values, values};
use modules::nn::TransformerEncoderLayerArgs;
use modules::prelude::*;
use modules::rng::scoped_generator;

mod common;

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

#[test]
fn stacks_take_any_final_norm_and_layers_any_activation() {
    let layer = TransformerEncoderLayer::args()
        .d_model(8)
        .nhead(2)
        .dim_feedforward(16)
        .activation(Activation::Other("silu"))
        .finish();
    let rms = RmsNorm::args().normalized_shape(vec![8]).finish();
    let enc = skip_init!(
        TransformerEncoder,
        layer.clone(),
        2,
        norm = Some(rms),
        device = Meta
    )
    .unwrap();
    assert_eq!(enc.layers[0].activation, Activation::Other("silu"));
    assert!(
        enc.to_string()
            .ends_with("(norm): RMSNorm((8,), eps=None, elementwise_affine=True)\n)"),
        "{enc}"
    );
    let none = skip_init!(TransformerEncoder, layer.clone(), 2, device = Meta).unwrap();
    assert!(none.norm.is_none());
    // A norm that ignores the options is caught, as for any builder.
    let off_meta = StackNorm::custom(|_| Ok(Box::new(LayerNorm::new(vec![8], Cpu)?)));
    assert!(skip_init!(TransformerEncoder, layer, 2, norm = off_meta, device = Meta).is_err());
}
