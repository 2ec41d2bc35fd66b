//! The standard modules, declared with `#[derive(Module)]` like any user module, with
//! PyTorch's argument order, names, shapes, default initialization and print format.

mod activation;
mod attention;
mod base;
mod batch_norm;
mod bilinear;
mod container;
mod conv;
mod conv_args;
mod dropout;
mod embedding;
mod embedding_bag;
mod group_norm;
mod identity;
mod linear;
mod norm;
mod repr;
mod rnn;
mod rnn_cell;
mod transformer;
mod transformer_options;

pub use activation::{
    Gelu, GeluApproximate, GeluArgs, GeluArgsBuilder, LogSoftmax, LogSoftmaxArgs, LogSoftmaxArgsBuilder,
    Relu, ReluArgs, ReluArgsBuilder, Sigmoid, SigmoidArgs, SigmoidArgsBuilder, Silu, SiluArgs,
    SiluArgsBuilder, Softmax, SoftmaxArgs, SoftmaxArgsBuilder, Tanh, TanhArgs, TanhArgsBuilder,
};
pub use attention::{MultiheadAttention, MultiheadAttentionArgs, MultiheadAttentionArgsBuilder};
pub use batch_norm::{
    BatchNorm1d, BatchNorm1dArgs, BatchNorm1dArgsBuilder, BatchNorm2d, BatchNorm2dArgs,
    BatchNorm2dArgsBuilder, BatchNorm3d, BatchNorm3dArgs, BatchNorm3dArgsBuilder, InstanceNorm1d,
    InstanceNorm1dArgs, InstanceNorm1dArgsBuilder, InstanceNorm2d, InstanceNorm2dArgs,
    InstanceNorm2dArgsBuilder, InstanceNorm3d, InstanceNorm3dArgs, InstanceNorm3dArgsBuilder,
};
pub use bilinear::{Bilinear, BilinearArgs, BilinearArgsBuilder};
pub use container::{ModuleBuilder, ModuleDict, Sequential};
pub use conv::{
    Conv1d, Conv1dArgs, Conv1dArgsBuilder, Conv2d, Conv2dArgs, Conv2dArgsBuilder, Conv3d, Conv3dArgs,
    Conv3dArgsBuilder, ConvTranspose1d, ConvTranspose1dArgs, ConvTranspose1dArgsBuilder, ConvTranspose2d,
    ConvTranspose2dArgs, ConvTranspose2dArgsBuilder, ConvTranspose3d, ConvTranspose3dArgs,
    ConvTranspose3dArgsBuilder, Padding, PaddingMode, Size,
};
pub use dropout::{Dropout, DropoutArgs, DropoutArgsBuilder};
pub use embedding::{Embedding, EmbeddingArgs, EmbeddingArgsBuilder};
pub use embedding_bag::{EmbeddingBag, EmbeddingBagArgs, EmbeddingBagArgsBuilder, EmbeddingBagMode};
pub use group_norm::{GroupNorm, GroupNormArgs, GroupNormArgsBuilder};
pub use identity::{Identity, IdentityArgs, IdentityArgsBuilder};
pub use linear::{
    Linear, LinearArgs, LinearArgsBuilder, NonDynamicallyQuantizableLinear,
    NonDynamicallyQuantizableLinearArgs, NonDynamicallyQuantizableLinearArgsBuilder,
};
pub use norm::{LayerNorm, LayerNormArgs, LayerNormArgsBuilder, RmsNorm, RmsNormArgs, RmsNormArgsBuilder};
pub use rnn::{
    Gru, GruArgs, GruArgsBuilder, Lstm, LstmArgs, LstmArgsBuilder, Rnn, RnnArgs, RnnArgsBuilder, RnnConfig,
    RnnMode, RnnNonlinearity, RnnWeights,
};
pub use rnn_cell::{
    GruCell, GruCellArgs, GruCellArgsBuilder, LstmCell, LstmCellArgs, LstmCellArgsBuilder, RnnCell,
    RnnCellArgs, RnnCellArgsBuilder,
};
pub use transformer::{
    Activation, NormBuilder, StackNorm, TransformerDecoder, TransformerDecoderArgs,
    TransformerDecoderArgsBuilder, TransformerDecoderLayer, TransformerDecoderLayerArgs,
    TransformerDecoderLayerArgsBuilder, TransformerEncoder, TransformerEncoderArgs,
    TransformerEncoderArgsBuilder, TransformerEncoderLayer, TransformerEncoderLayerArgs,
    TransformerEncoderLayerArgsBuilder,
};
