#!/usr/bin/env python3
"""Writes tests/fixtures/torch_bin/: the torch_small state dicts as torch.save files, and layouts.

Run with PyTorch 2.15: python scripts/make_bin_fixtures.py
- <name>.pt for every tests/fixtures/torch_small/<name>.safetensors (the same tensors);
- view.pt: a Linear(4, 3) weight saved as a transposed view (`w.t()` of a [4, 3] tensor),
  and view_expected.safetensors with its contiguous values;
- mlp_sharded/: mlp_seq as two torch.save shards and pytorch_model.bin.index.json;
- peft/adapter_model.safetensors: linear_5_1 under PEFT's `base_model.model.` prefix.
"""
import glob
import json
import os

import torch
from safetensors.torch import load_file, save_file

here = os.path.dirname(os.path.abspath(__file__))
src = os.path.join(here, "..", "tests", "fixtures", "torch_small")
out = os.path.join(here, "..", "tests", "fixtures", "torch_bin")
os.makedirs(out, exist_ok=True)
for path in sorted(glob.glob(os.path.join(src, "*.safetensors"))):
    name = os.path.basename(path)[: -len(".safetensors")]
    if name == "rng":
        continue
    torch.save(load_file(path), os.path.join(out, name + ".pt"))

w = torch.arange(12, dtype=torch.float32).reshape(4, 3) / 7
torch.save({"weight": w.t(), "bias": torch.tensor([0.5, -1.0, 2.0])}, os.path.join(out, "view.pt"))
save_file({"weight": w.t().contiguous(), "bias": torch.tensor([0.5, -1.0, 2.0])},
          os.path.join(out, "view_expected.safetensors"))

mlp = load_file(os.path.join(src, "mlp_seq.safetensors"))
shard_dir = os.path.join(out, "mlp_sharded")
os.makedirs(shard_dir, exist_ok=True)
keys = sorted(mlp)
halves = [keys[: len(keys) // 2], keys[len(keys) // 2 :]]
weight_map = {}
for i, ks in enumerate(halves):
    fname = f"pytorch_model-0000{i + 1}-of-00002.bin"
    torch.save({k: mlp[k] for k in ks}, os.path.join(shard_dir, fname))
    weight_map.update({k: fname for k in ks})
json.dump({"metadata": {"total_size": sum(t.numel() * t.element_size() for t in mlp.values())},
           "weight_map": weight_map}, open(os.path.join(shard_dir, "pytorch_model.bin.index.json"), "w"), indent=2)

peft = os.path.join(out, "peft")
os.makedirs(peft, exist_ok=True)
lin = load_file(os.path.join(src, "linear_5_1.safetensors"))
save_file({"base_model.model." + k: v for k, v in lin.items()}, os.path.join(peft, "adapter_model.safetensors"))
json.dump({"peft_type": "LORA"}, open(os.path.join(peft, "adapter_config.json"), "w"))
print("wrote", sorted(os.listdir(out)))
