"""PyTorch-written parity fixtures for small torch.nn modules: the generator of
tests/fixtures/torch_small/, vendored from the shared fixtures.

Written with torch 2.15.0 (the +cu132 wheel from PyPI, run on the CPU), safetensors and numpy:
  pip install torch==2.15.0 safetensors numpy
Usage: python scripts/make_fixtures.py [OUT_DIR]   (default: tests/fixtures/torch_small)
Writes:
  <name>.safetensors  state_dict of the module built right after torch.manual_seed(0)
  <name>.json         keys (state_dict order), shape, dtype, parameter/buffer, the init
                      rule PyTorch applies, the exact RNG-consuming recipe (checked here to
                      reproduce the module bit for bit), seed-0 stats, and stats over seeds
                      0..19 (per seed and pooled) for every floating tensor, plus print(module)
  rng.safetensors/.json  raw torch CPU generator outputs after manual_seed(0), for RNG parity
  index.json          list of the modules and files
Stats: mean, std (unbiased, correction=1, as torch.std), min, max, computed in float64.
Files are byte-for-byte reproducible (single __metadata__ key "fixture" holding sorted JSON).
Note the safetensors writer orders the data by dtype alignment (8-byte dtypes first) and then by
name, not by state_dict order; the JSON keeps state_dict order.
"""
import json
import math
import os

import torch
import torch.nn as nn
from safetensors.torch import load_file, save_file

import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "tests", "fixtures", "torch_small")
assert torch.__version__.startswith("2.15.0"), f"the fixtures were written by torch 2.15.0, this is {torch.__version__}"
SEEDS = list(range(20))


def U(bound, why):
    return {"dist": "uniform", "low": -bound, "high": bound, "mean": 0.0,
            "std": 2 * bound / math.sqrt(12), "rule": why}


def C(value, why):
    return {"dist": "constant", "value": value, "rule": why}


def kaiming_linear(fan_in):
    # kaiming_uniform_(w, a=sqrt(5)): gain = sqrt(2/(1+5)), bound = gain*sqrt(3/fan_in) = 1/sqrt(fan_in)
    return U(1 / math.sqrt(fan_in), f"init.kaiming_uniform_(w, a=math.sqrt(5)); fan_in={fan_in} -> bound=1/sqrt(fan_in)")


def bias_linear(fan_in):
    return U(1 / math.sqrt(fan_in), f"init.uniform_(b, -1/sqrt(fan_in), 1/sqrt(fan_in)); fan_in={fan_in}")


# Each entry: name, constructor source, constructor, expected per key, recipe(seed)->dict.
# A recipe re-creates the module's state from primitives in PyTorch's own RNG order.

def r_linear(i, o, bias=True, prefix=""):
    def steps():
        w = torch.empty(o, i)
        nn.init.kaiming_uniform_(w, a=math.sqrt(5))
        out = {prefix + "weight": w}
        if bias:
            b = torch.empty(o)
            bound = 1 / math.sqrt(i)
            nn.init.uniform_(b, -bound, bound)
            out[prefix + "bias"] = b
        return out
    return steps


def recipe_linear(i, o, bias=True):
    def rec():
        return r_linear(i, o, bias)()
    return rec, ([{"key": "weight", "op": "kaiming_uniform_", "a": "sqrt(5)", "mode": "fan_in",
                   "nonlinearity": "leaky_relu", "shape": [o, i]}]
                 + ([{"key": "bias", "op": "uniform_", "low": -1 / math.sqrt(i), "high": 1 / math.sqrt(i),
                      "shape": [o]}] if bias else []))


def recipe_conv():
    def rec():
        w = torch.empty(8, 3, 3, 3)
        nn.init.kaiming_uniform_(w, a=math.sqrt(5))
        b = torch.empty(8)
        nn.init.uniform_(b, -1 / math.sqrt(27), 1 / math.sqrt(27))
        return {"weight": w, "bias": b}
    return rec, [{"key": "weight", "op": "kaiming_uniform_", "a": "sqrt(5)", "shape": [8, 3, 3, 3],
                  "fan_in": 27},
                 {"key": "bias", "op": "uniform_", "low": -1 / math.sqrt(27), "high": 1 / math.sqrt(27),
                  "shape": [8]}]


def recipe_embedding():
    def rec():
        w = torch.empty(100, 16)
        nn.init.normal_(w)
        with torch.no_grad():
            w[0].fill_(0)
        return {"weight": w}
    return rec, [{"key": "weight", "op": "normal_", "mean": 0.0, "std": 1.0, "shape": [100, 16]},
                 {"key": "weight", "op": "fill_row", "row": 0, "value": 0.0, "note": "padding_idx=0"}]


def recipe_layernorm():
    return (lambda: {"weight": torch.ones(16), "bias": torch.zeros(16)},
            [{"key": "weight", "op": "ones_"}, {"key": "bias", "op": "zeros_"}])


def recipe_batchnorm():
    return (lambda: {"weight": torch.ones(8), "bias": torch.zeros(8), "running_mean": torch.zeros(8),
                     "running_var": torch.ones(8), "num_batches_tracked": torch.tensor(0, dtype=torch.long)},
            [{"key": "weight", "op": "ones_"}, {"key": "bias", "op": "zeros_"},
             {"key": "running_mean", "op": "zeros_"}, {"key": "running_var", "op": "ones_"},
             {"key": "num_batches_tracked", "op": "zero", "dtype": "int64", "shape": []}])


def recipe_mha():
    def rec():
        ipw = torch.empty(48, 16)
        ipb = torch.empty(48)
        # out_proj (NonDynamicallyQuantizableLinear) is constructed, and initialised, first
        op = r_linear(16, 16, True, "out_proj.")()
        nn.init.xavier_uniform_(ipw)
        nn.init.constant_(ipb, 0.0)
        nn.init.constant_(op["out_proj.bias"], 0.0)
        return {"in_proj_weight": ipw, "in_proj_bias": ipb, **op}
    return rec, [
        {"key": "out_proj.weight", "op": "kaiming_uniform_", "a": "sqrt(5)", "shape": [16, 16],
         "note": "out_proj Linear is built inside __init__ before _reset_parameters, so it draws first"},
        {"key": "out_proj.bias", "op": "uniform_", "low": -0.25, "high": 0.25, "shape": [16],
         "note": "drawn (consumes RNG) then overwritten with 0 below"},
        {"key": "in_proj_weight", "op": "xavier_uniform_", "gain": 1.0, "shape": [48, 16],
         "bound": math.sqrt(6 / (16 + 48))},
        {"key": "in_proj_bias", "op": "constant_", "value": 0.0},
        {"key": "out_proj.bias", "op": "constant_", "value": 0.0},
    ]


LSTM_KEYS = [f"{k}_l{l}" for l in range(2) for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
LSTM_SHAPES = {"weight_ih_l0": [64, 8], "weight_hh_l0": [64, 16], "bias_ih_l0": [64], "bias_hh_l0": [64],
               "weight_ih_l1": [64, 16], "weight_hh_l1": [64, 16], "bias_ih_l1": [64], "bias_hh_l1": [64]}


def recipe_lstm():
    def rec():
        out = {k: torch.empty(LSTM_SHAPES[k]) for k in LSTM_KEYS}
        for k in LSTM_KEYS:  # reset_parameters: uniform_(-1/sqrt(hidden), 1/sqrt(hidden)) over self.parameters()
            nn.init.uniform_(out[k], -0.25, 0.25)
        return out
    return rec, [{"key": k, "op": "uniform_", "low": -0.25, "high": 0.25, "shape": LSTM_SHAPES[k]}
                 for k in LSTM_KEYS]


def recipe_mlp():
    def rec():
        return {**r_linear(16, 32, True, "0.")(), **r_linear(32, 4, True, "2.")()}
    return rec, [
        {"key": "0.weight", "op": "kaiming_uniform_", "a": "sqrt(5)", "shape": [32, 16]},
        {"key": "0.bias", "op": "uniform_", "low": -0.25, "high": 0.25, "shape": [32]},
        {"key": "2.weight", "op": "kaiming_uniform_", "a": "sqrt(5)", "shape": [4, 32]},
        {"key": "2.bias", "op": "uniform_", "low": -1 / math.sqrt(32), "high": 1 / math.sqrt(32), "shape": [4]},
    ]


MODULES = [
    ("linear_5_1", "nn.Linear(5, 1)", lambda: nn.Linear(5, 1),
     {"weight": kaiming_linear(5), "bias": bias_linear(5)}, recipe_linear(5, 1)),
    ("linear_64_32_nobias", "nn.Linear(64, 32, bias=False)", lambda: nn.Linear(64, 32, bias=False),
     {"weight": kaiming_linear(64)}, recipe_linear(64, 32, bias=False)),
    ("conv2d_3_8_3", "nn.Conv2d(3, 8, 3)", lambda: nn.Conv2d(3, 8, 3),
     {"weight": kaiming_linear(27), "bias": bias_linear(27)}, recipe_conv()),
    ("embedding_100_16_pad0", "nn.Embedding(100, 16, padding_idx=0)", lambda: nn.Embedding(100, 16, padding_idx=0),
     {"weight": {"dist": "normal", "mean": 0.0, "std": 1.0,
                 "rule": "init.normal_(w) then w[padding_idx].fill_(0); row 0 is all zeros (stats include it)"}},
     recipe_embedding()),
    ("layernorm_16", "nn.LayerNorm(16)", lambda: nn.LayerNorm(16),
     {"weight": C(1.0, "init.ones_"), "bias": C(0.0, "init.zeros_")}, recipe_layernorm()),
    ("batchnorm2d_8", "nn.BatchNorm2d(8)", lambda: nn.BatchNorm2d(8),
     {"weight": C(1.0, "init.ones_"), "bias": C(0.0, "init.zeros_"),
      "running_mean": C(0.0, "buffer zero_"), "running_var": C(1.0, "buffer fill_(1)"),
      "num_batches_tracked": C(0, "buffer, int64 scalar (shape [])")}, recipe_batchnorm()),
    ("mha_16_4", "nn.MultiheadAttention(16, 4)", lambda: nn.MultiheadAttention(16, 4),
     {"in_proj_weight": U(math.sqrt(6 / (16 + 48)), "init.xavier_uniform_(in_proj_weight); fan_in=16, fan_out=48"),
      "in_proj_bias": C(0.0, "init.constant_(in_proj_bias, 0)"),
      "out_proj.weight": kaiming_linear(16),
      "out_proj.bias": C(0.0, "init.constant_(out_proj.bias, 0) after the Linear's own uniform_ draw")},
     recipe_mha()),
    ("lstm_8_16_l2", "nn.LSTM(8, 16, num_layers=2)", lambda: nn.LSTM(8, 16, num_layers=2),
     {k: U(0.25, "init.uniform_(p, -1/sqrt(hidden_size), 1/sqrt(hidden_size)) for p in self.parameters(); hidden=16")
      for k in LSTM_KEYS}, recipe_lstm()),
    ("mlp_seq", "nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))",
     lambda: nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4)),
     {"0.weight": kaiming_linear(16), "0.bias": bias_linear(16),
      "2.weight": kaiming_linear(32), "2.bias": bias_linear(32)}, recipe_mlp()),
]

ST_DTYPE = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.bfloat16: "BF16",
            torch.float16: "F16"}


def stats(t):
    x = t.detach().to(torch.float64).reshape(-1)
    return {"mean": x.mean().item(), "std": x.std().item() if x.numel() > 1 else 0.0,
            "min": x.min().item(), "max": x.max().item(), "n": x.numel()}


def module_fixture(name, src, ctor, expected, recipe):
    rec_fn, rec_steps = recipe
    torch.manual_seed(0)
    m = ctor()
    sd = m.state_dict()
    params = dict(m.named_parameters())
    # check the recipe reproduces the seeded module exactly, and the RNG ends in the same state
    rng_after_module = torch.rand(4)
    torch.manual_seed(0)
    rec = rec_fn()
    rng_after_recipe = torch.rand(4)
    assert set(rec) == set(sd), (name, set(rec) ^ set(sd))
    for k in sd:
        assert torch.equal(rec[k], sd[k]), (name, k)
    assert torch.equal(rng_after_module, rng_after_recipe), name

    contiguous = {k: v.detach().contiguous() for k, v in sd.items()}
    fname = f"{name}.safetensors"
    # one metadata key: safetensors writes __metadata__ from a hash map, so several keys come out
    # in random order and the file bytes would change from run to run
    save_file(contiguous, os.path.join(OUT, fname),
              metadata={"fixture": json.dumps({"module": src, "seed": 0, "torch": torch.__version__.split("+")[0]},
                                              sort_keys=True)})
    back = load_file(os.path.join(OUT, fname))
    assert all(torch.equal(back[k], contiguous[k]) for k in contiguous)

    # stats over seeds 0..19
    per_seed = {k: [] for k in sd}
    pooled = {k: [] for k in sd}
    for s in SEEDS:
        torch.manual_seed(s)
        ms = ctor().state_dict()
        for k, v in ms.items():
            if v.is_floating_point():
                per_seed[k].append(stats(v))
                pooled[k].append(v.detach().reshape(-1).to(torch.float64))

    tensors = []
    for k, v in sd.items():
        e = {"key": k, "kind": "parameter" if k in params else "buffer",
             "requires_grad": bool(params[k].requires_grad) if k in params else False,
             "shape": list(v.shape), "dtype": str(v.dtype), "safetensors_dtype": ST_DTYPE[v.dtype],
             "numel": v.numel(), "expected_init": expected[k]}
        if v.is_floating_point():
            e["seed0_stats"] = stats(v)
            e["seeds"] = SEEDS
            e["per_seed_stats"] = per_seed[k]
            e["pooled_stats_20_seeds"] = stats(torch.cat(pooled[k]))
        else:
            e["seed0_value"] = v.tolist()
        tensors.append(e)

    info = {
        "name": name, "constructor": src, "torch_version": torch.__version__,
        "print_module": str(m), "file": fname, "seed": 0,
        "default_dtype": str(torch.get_default_dtype()),
        "state_dict_keys": list(sd.keys()),
        "named_parameters": list(params.keys()),
        "named_buffers": [k for k, _ in m.named_buffers()],
        "rng_recipe": rec_steps,
        "rng_recipe_note": ("Ops in the order the constructor consumes torch's CPU generator after "
                            "torch.manual_seed(seed); replaying them with torch primitives reproduces "
                            "the state_dict bit for bit (asserted by the generator script)."),
        "stats_note": "std is unbiased (correction=1); stats in float64; pooled = all values of seeds 0..19 concatenated",
        "tensors": tensors,
    }
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        json.dump(info, f, indent=1)
    return {"name": name, "constructor": src, "safetensors": fname, "json": f"{name}.json",
            "keys": list(sd.keys()), "params": sum(p.numel() for p in m.parameters())}


def rng_fixture():
    """Raw generator outputs after torch.manual_seed(0); one fresh seed per entry."""
    cases = [
        ("rand_1", lambda: torch.rand(1)), ("rand_5", lambda: torch.rand(5)),
        ("rand_16", lambda: torch.rand(16)), ("rand_17", lambda: torch.rand(17)),
        ("rand_100", lambda: torch.rand(100)),
        ("rand_100_f64", lambda: torch.rand(100, dtype=torch.float64)),
        ("randn_1", lambda: torch.randn(1)), ("randn_5", lambda: torch.randn(5)),
        ("randn_15", lambda: torch.randn(15)), ("randn_16", lambda: torch.randn(16)),
        ("randn_17", lambda: torch.randn(17)), ("randn_100", lambda: torch.randn(100)),
        ("randn_100_f64", lambda: torch.randn(100, dtype=torch.float64)),
        ("uniform_m0p5_0p5_100", lambda: torch.empty(100).uniform_(-0.5, 0.5)),
        ("normal_0_0p02_100", lambda: torch.empty(100).normal_(0.0, 0.02)),
        ("trunc_normal_default_100", lambda: nn.init.trunc_normal_(torch.empty(100))),
        ("kaiming_uniform_a_sqrt5_8x4", lambda: nn.init.kaiming_uniform_(torch.empty(8, 4), a=math.sqrt(5))),
        ("kaiming_normal_8x4", lambda: nn.init.kaiming_normal_(torch.empty(8, 4))),
        ("xavier_uniform_8x4", lambda: nn.init.xavier_uniform_(torch.empty(8, 4))),
        ("xavier_normal_8x4", lambda: nn.init.xavier_normal_(torch.empty(8, 4))),
        ("orthogonal_4x6", lambda: nn.init.orthogonal_(torch.empty(4, 6))),
        ("randint_0_10_20", lambda: torch.randint(0, 10, (20,))),
        ("randperm_10", lambda: torch.randperm(10)),
    ]
    out, desc = {}, []
    for key, fn in cases:
        torch.manual_seed(0)
        t = fn().contiguous()
        out[key] = t
        desc.append({"key": key, "shape": list(t.shape), "dtype": str(t.dtype), "first": t.reshape(-1)[:4].tolist()})
    save_file(out, os.path.join(OUT, "rng.safetensors"),
              metadata={"fixture": json.dumps({"seed": 0, "torch": torch.__version__.split("+")[0]}, sort_keys=True)})
    with open(os.path.join(OUT, "rng.json"), "w") as f:
        json.dump({"note": ("Each tensor is the result of the named call made right after torch.manual_seed(0) "
                            "on the CPU generator (mt19937). torch uses different code paths for small and "
                            "large sizes (e.g. randn below/at/above 16 elements), hence the sizes chosen. "
                            "Since torch 2.15 nn.init.trunc_normal_ is rejection sampling (normal_ then "
                            "full-tensor redraws via torch.where while any value is outside [a, b]; "
                            "uniform candidates + acceptance test when the kept mass is <= 0.3), not the "
                            "older uniform_ -> erfinv_ transform, so its RNG consumption is data dependent."),
                   "torch_version": torch.__version__, "entries": desc}, f, indent=1)
    return {"file": "rng.safetensors", "json": "rng.json", "entries": len(cases)}


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_default_dtype(torch.float32)
    mods = [module_fixture(*m) for m in MODULES]
    rng = rng_fixture()
    with open(os.path.join(OUT, "index.json"), "w") as f:
        json.dump({"torch_version": torch.__version__, "seed": 0, "modules": mods, "rng": rng}, f, indent=1)
    for m in mods:
        print(m["name"], m["params"], m["keys"])


if __name__ == "__main__":
    main()
