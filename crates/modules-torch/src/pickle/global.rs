//! The allowlist of globals: anything not listed here is refused when the pickle names it,
//! before the machine could even be asked to call it.

use crate::{Error, TorchDType};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Global {
    OrderedDict,
    TorchSize,
    RebuildTensor,
    RebuildTensorV2,
    RebuildTensorV3,
    RebuildParameter,
    RebuildParameterWithState,
    TypedStorage(TorchDType),
    UntypedStorage,
    DType(TorchDType),
}

impl Global {
    /// The fewest and most arguments a state dict pickle calls it with; `None` for the globals
    /// that are never called (storage types, dtypes).
    pub(crate) fn arity(self) -> Option<(usize, usize)> {
        match self {
            Global::OrderedDict => Some((0, 0)),
            Global::TorchSize => Some((1, 1)),
            Global::RebuildTensor => Some((4, 4)),
            Global::RebuildTensorV2 => Some((6, 7)),
            Global::RebuildTensorV3 => Some((7, 8)),
            Global::RebuildParameter => Some((3, 3)),
            Global::RebuildParameterWithState => Some((4, 4)),
            Global::TypedStorage(_) | Global::UntypedStorage | Global::DType(_) => None,
        }
    }

    pub(crate) fn path(self) -> String {
        match self {
            Global::OrderedDict => "collections.OrderedDict".into(),
            Global::TorchSize => "torch.Size".into(),
            Global::RebuildTensor => "torch._utils._rebuild_tensor".into(),
            Global::RebuildTensorV2 => "torch._utils._rebuild_tensor_v2".into(),
            Global::RebuildTensorV3 => "torch._utils._rebuild_tensor_v3".into(),
            Global::RebuildParameter => "torch._utils._rebuild_parameter".into(),
            Global::RebuildParameterWithState => "torch._utils._rebuild_parameter_with_state".into(),
            Global::TypedStorage(d) => format!("torch.{}", d.storage_name().unwrap_or("?")),
            Global::UntypedStorage => "torch.storage.UntypedStorage".into(),
            Global::DType(d) => format!("torch.{}", d.torch_name()),
        }
    }
}

/// The globals a state dict needs, and nothing else.
pub(crate) fn resolve(module: &str, name: &str) -> Result<Global, Error> {
    let global = match (module, name) {
        ("collections", "OrderedDict") => Some(Global::OrderedDict),
        ("torch", "Size") => Some(Global::TorchSize),
        ("torch._utils", "_rebuild_tensor") => Some(Global::RebuildTensor),
        ("torch._utils", "_rebuild_tensor_v2") => Some(Global::RebuildTensorV2),
        ("torch._utils", "_rebuild_tensor_v3") => Some(Global::RebuildTensorV3),
        ("torch._utils", "_rebuild_parameter") => Some(Global::RebuildParameter),
        ("torch._utils", "_rebuild_parameter_with_state") => Some(Global::RebuildParameterWithState),
        ("torch.storage" | "torch", "UntypedStorage") => Some(Global::UntypedStorage),
        ("torch", name) => TorchDType::from_storage_name(name)
            .map(Global::TypedStorage)
            .or_else(|| TorchDType::from_torch_name(name).map(Global::DType)),
        _ => None,
    };
    global.ok_or_else(|| Error::ForbiddenGlobal {
        module: module.into(),
        name: name.into(),
    })
}
