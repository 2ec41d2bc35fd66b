//! Module-level CUDA tests. Without a GPU each test reports one `skipped:` line and returns;
//! the GPU bundle (`scripts/gpu-bundle.sh`) runs them on a device machine.

use std::time::Instant;

use modules::prelude::*;
use modules::rng::scoped_generator;

mod common;

#[path = "../examples/models/llama.rs"]
mod llama;

fn gpu() -> bool {
    match modules::Tensor::empty([1], Cuda(0)) {
        Ok(_) => true,
        Err(e) => {
            modules_cuda::report_skip(&e.to_string());
            false
        }
    }
}

fn assert_all_on<M: Module>(m: &M, device: Device, dtype: DType) {
    for (name, t) in m.state_dict().iter() {
        assert_eq!(t.device(), device, "{name}");
        if t.dtype().is_float() {
            assert_eq!(t.dtype(), dtype, "{name}");
        }
    }
}

#[test]
fn skip_init_standard_modules_on_cuda() {
    if !gpu() {
        return;
    }
    for dtype in [F32, BF16, F16] {
        let t = Instant::now();
        let l = skip_init!(Linear, 4096, 4096, device = Cuda(0), dtype = dtype).unwrap();
        println!(
            "skip_init Linear(4096, 4096) {dtype} on cuda:0: {:.3?}",
            t.elapsed()
        );
        assert_eq!(l.weight.shape(), vec![4096, 4096]);
        assert_all_on(&l, Cuda(0), dtype);
        let e = skip_init!(
            Embedding,
            1000,
            64,
            padding_idx = Some(0),
            device = Cuda(0),
            dtype = dtype
        )
        .unwrap();
        assert_all_on(&e, Cuda(0), dtype);
        let n = skip_init!(LayerNorm, vec![64], device = Cuda(0), dtype = dtype).unwrap();
        assert_all_on(&n, Cuda(0), dtype);
        let r = skip_init!(RmsNorm, vec![64], device = Cuda(0), dtype = dtype).unwrap();
        assert_all_on(&r, Cuda(0), dtype);
    }
}

#[test]
fn skip_init_llama_7b_bf16_on_cuda() {
    if !gpu() {
        return;
    }
    let cfg = llama::LlamaConfig::llama_7b();
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let m = skip_init!(llama::Llama, cfg.clone(), device = Cuda(0), dtype = BF16).unwrap();
        times.push(t.elapsed());
        assert_all_on(&m, Cuda(0), BF16);
    }
    times.sort();
    println!(
        "skip_init Llama-7B bf16 on cuda:0, median of 5: {:.3?} (target <= 5 ms)",
        times[2]
    );
}

#[test]
fn reset_parameters_on_device_equals_cpu() {
    if !gpu() {
        return;
    }
    let _rng = scoped_generator(Default::default());
    for dtype in [F32, F64, BF16, F16] {
        modules::manual_seed(11);
        let cpu = modules::new!(Linear, 257, 33, dtype = dtype).unwrap();
        modules::manual_seed(11);
        let mut dev = skip_init!(Linear, 257, 33, device = Cuda(0), dtype = dtype).unwrap();
        dev.reset_parameters().unwrap();
        // Uniform streams are bit-identical on the CPU and the GPU.
        for ((name, a), (_, b)) in cpu.state_dict().iter().zip(dev.state_dict().iter()) {
            assert_eq!(
                a.tensor().to_f64_vec().unwrap(),
                b.tensor().to_f64_vec().unwrap(),
                "{name} {dtype}"
            );
        }
        modules::manual_seed(12);
        let cpu = modules::new!(Embedding, 100, 17, padding_idx = Some(3), dtype = dtype).unwrap();
        modules::manual_seed(12);
        let mut dev = skip_init!(
            Embedding,
            100,
            17,
            padding_idx = Some(3),
            device = Cuda(0),
            dtype = dtype
        )
        .unwrap();
        dev.reset_parameters().unwrap();
        let a = cpu.weight.tensor().to_f64_vec().unwrap();
        let b = dev.weight.tensor().to_f64_vec().unwrap();
        let worst = a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
        println!("normal init {dtype}: largest |cpu - gpu| = {worst:e}");
        assert!(
            worst <= 1e-5 * a.iter().fold(1.0f64, |m, x| m.max(x.abs())),
            "{dtype}: {worst}"
        );
        assert!(b[3 * 17..4 * 17].iter().all(|&x| x == 0.0));
    }
}

#[test]
fn round_trips_for_every_dtype() {
    if !gpu() {
        return;
    }
    for dtype in DType::ALL {
        let n = 1000 + 7;
        let mut host = Tensor::zeros([n], (Cpu, dtype)).unwrap();
        host.fill(1.0).unwrap();
        let dev = host.to(Cuda(0)).unwrap();
        assert_eq!(dev.device(), Cuda(0));
        let back = dev.to(Cpu).unwrap();
        assert_eq!(back.to_f64_vec().unwrap(), vec![1.0; n], "{dtype}");
        assert_eq!(back.as_bytes().unwrap(), host.as_bytes().unwrap(), "{dtype}");
    }
    let t = Tensor::from_slice(&[1.5f32, -2.0, 3.25], [3], Cuda(0)).unwrap();
    assert_eq!(t.to_vec::<f32>().unwrap(), vec![1.5, -2.0, 3.25]);
    println!("{t}");
    assert!(t.to_string().contains("device='cuda:0'"));
}

#[test]
fn tied_model_stays_tied_on_cuda() {
    if !gpu() {
        return;
    }
    let mut m = skip_init!(llama::Llama, llama::LlamaConfig::llama_125m(), device = Meta).unwrap();
    m.lm_head.weight = m.model.embed_tokens.weight.clone();
    m.to_empty(Cuda(0)).unwrap();
    assert!(m.lm_head.weight.is_tied_to(&m.model.embed_tokens.weight));
    assert_eq!(m.lm_head.weight.device(), Cuda(0));
    m.to(Cpu).unwrap();
    assert!(m.lm_head.weight.is_tied_to(&m.model.embed_tokens.weight));
}

#[test]
fn out_of_memory_is_an_error_and_the_device_stays_usable() {
    if !gpu() {
        return;
    }
    let e = Tensor::empty([1usize << 40], (Cuda(0), F32)).unwrap_err();
    println!("{e}");
    assert!(matches!(e, Error::OutOfMemory { device: Cuda(0), .. }), "{e}");
    let ok = Tensor::ones([1024], Cuda(0)).unwrap();
    assert_eq!(ok.to_vec::<f32>().unwrap(), vec![1.0; 1024]);
}

#[test]
fn host_computed_inits_on_cuda_match_the_cpu() {
    if !gpu() {
        return;
    }
    let _rng = scoped_generator(Default::default());
    type InitFn = fn(&mut Tensor) -> Result<(), Error>;
    let cases: [(&str, [usize; 3], InitFn); 4] = [
        ("orthogonal_", [12, 4, 2], |t| init::orthogonal_(t, 1.0, None)),
        ("dirac_", [4, 2, 3], |t| init::dirac_(t, 2)),
        ("zero_index", [6, 5, 1], |t| {
            init::normal(0.0, 1.0).then(init::zero_index(2)).apply(t)
        }),
        ("xavier_uniform_", [8, 6, 1], |t| {
            init::xavier_uniform_(t, 1.0, None)
        }),
    ];
    for (name, shape, f) in cases {
        modules::manual_seed(5);
        let mut cpu = Tensor::empty(shape, Cpu).unwrap();
        f(&mut cpu).unwrap();
        modules::manual_seed(5);
        let mut dev = Tensor::empty(shape, Cuda(0)).unwrap();
        f(&mut dev).unwrap();
        let (a, b) = (cpu.to_f64_vec().unwrap(), dev.to_f64_vec().unwrap());
        let worst = a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
        println!("{name} on cuda:0 vs cpu: largest difference {worst:e}");
        assert!(worst <= 1e-5, "{name}: {worst}");
    }
}

#[test]
fn checkpoint_load_into_cuda_equals_the_cpu_and_saves_back() {
    if !gpu() {
        return;
    }
    let cpu = {
        let _g = scoped_generator(Default::default());
        modules::new!(llama::Llama, llama::LlamaConfig::tiny()).unwrap()
    };
    let (dir, path) = common::saved(&cpu, "llama.safetensors");
    // Same dtype, and f32 -> bf16 cast on the way (through the host staging buffer).
    for (dtype, opts) in [
        (F32, LoadOptions::strict()),
        (BF16, LoadOptions::strict().cast_floats()),
    ] {
        let mut gpu = skip_init!(
            llama::Llama,
            llama::LlamaConfig::tiny(),
            device = Cuda(0),
            dtype = dtype
        )
        .unwrap();
        gpu.lm_head.weight = gpu.model.embed_tokens.weight.clone();
        let mut want = skip_init!(llama::Llama, llama::LlamaConfig::tiny(), dtype = dtype).unwrap();
        let t = Instant::now();
        let r = gpu.load_safetensors(&path, opts.zero_copy(true)).unwrap();
        println!("load tiny Llama into cuda:0 {dtype}: {:.3?}, {r}", t.elapsed());
        want.load_safetensors(&path, LoadOptions::strict().cast_floats())
            .unwrap();
        assert_all_on(&gpu, Cuda(0), dtype);
        assert!(gpu.uninitialized().is_empty());
        assert!(gpu.lm_head.weight.is_tied_to(&gpu.model.embed_tokens.weight));
        let gpu_bytes = common::tensor_bytes(&gpu);
        let want_bytes = common::tensor_bytes(&want);
        assert_eq!(gpu_bytes, want_bytes, "{dtype}");
        assert_ne!(
            gpu.model
                .norm
                .weight
                .as_ref()
                .unwrap()
                .tensor()
                .cuda_buffer()
                .unwrap()
                .device_ptr(),
            0
        );
    }
    let mut gpu = skip_init!(llama::Llama, llama::LlamaConfig::tiny(), device = Cuda(0)).unwrap();
    gpu.load_safetensors(&path, LoadOptions::strict()).unwrap();
    let back = dir.path().join("back.safetensors");
    gpu.save_safetensors(&back).unwrap();
    assert_eq!(std::fs::read(&back).unwrap(), std::fs::read(&path).unwrap());
    // A failed load leaves the device tensors as they were.
    let before = common::tensor_bytes(&gpu);
    let mut bad = LoadOptions::strict();
    bad = bad.add_prefix("x.");
    assert!(gpu.load_safetensors(&path, bad).is_err());
    assert_eq!(before, common::tensor_bytes(&gpu));
}

#[test]
fn nccl_communicator_of_one_rank_gathers_and_broadcasts() {
    use modules::shard::{Communicator, Rank, Shard, ShardPlan};
    if !gpu() {
        return;
    }
    let comm = match Communicator::with_rank(&Rank::single()) {
        Ok(c) => c,
        Err(e) => {
            modules_cuda::report_skip(&e.to_string());
            return;
        }
    };
    let mut m = skip_init!(Linear, 8, 6, device = Meta).unwrap();
    m.shard(&ShardPlan::fsdp(), comm.rank()).unwrap();
    m.to_empty(Cuda(0)).unwrap();
    m.reset_parameters().unwrap();
    let full = comm.gather_full(m.weight.shared()).unwrap();
    assert_eq!(full.shape(), &[6, 8]);
    assert_eq!(
        full.to_vec::<f32>().unwrap(),
        m.weight.tensor().to_vec::<f32>().unwrap()
    );
    let before = m.bias.as_ref().unwrap().tensor().to_vec::<f32>().unwrap();
    comm.broadcast(m.bias.as_ref().unwrap().shared(), 0).unwrap();
    assert_eq!(m.bias.as_ref().unwrap().tensor().to_vec::<f32>().unwrap(), before);
}

#[test]
fn sharded_to_empty_and_load_on_cuda_equal_the_cpu() {
    use modules::shard::{Rank, Shard};
    if !gpu() {
        return;
    }
    let llama = modules::new!(llama::Llama, llama::LlamaConfig::tiny()).unwrap();
    let (_dir, path) = common::saved(&llama, "llama.safetensors");
    let rank = Rank {
        rank: 1,
        world_size: 3,
        ..Rank::single()
    };
    let load = |device: Device| {
        let mut m = skip_init!(llama::Llama, llama::LlamaConfig::tiny(), device = Meta).unwrap();
        m.shard(&llama::tensor_parallel_plan(), &rank).unwrap();
        m.to_empty(device).unwrap();
        let t = Instant::now();
        m.load_safetensors(&path, LoadOptions::strict()).unwrap();
        println!(
            "sharded load (TP, rank 1 of 3) onto {device}: {:.3?}",
            t.elapsed()
        );
        common::tensor_bytes(&m)
    };
    assert_eq!(load(Cuda(0)), load(Cpu));
}
