//! Collectives on GPU tensors across ranks, through NCCL (`modules-cuda`).

use std::time::Duration;

use modules_cuda::{nccl_available, nccl_unique_id, CudaBuffer, NcclComm};

use super::plan::ShardInfo;
use super::rank::Rank;
use super::rendezvous::broadcast_bytes;
use crate::tensor::storage::cuda::map_err;
use crate::{Device, Error, Result, SharedTensor, Tensor};

/// One rank's NCCL communicator, on GPU `LOCAL_RANK`.
///
/// ```
/// use modules_core::shard::{Communicator, Rank};
/// // Without a GPU or libnccl this is an error, never a panic.
/// if let Err(e) = Communicator::with_rank(&Rank::single()) {
///     assert!(e.to_string().contains("not available") || e.to_string().contains("NCCL"), "{e}");
/// }
/// ```
pub struct Communicator {
    comm: NcclComm,
    rank: Rank,
}

impl Communicator {
    /// The communicator of the ranks torchrun started (`Rank::from_env`).
    pub fn from_env() -> Result<Communicator> {
        Communicator::with_rank(&Rank::from_env()?)
    }

    /// The communicator of `rank`'s group: rank 0 creates the NCCL id and hands it to the
    /// others at `MASTER_ADDR:MASTER_PORT` (60 s timeout); then every rank joins on GPU
    /// `local_rank`. GPU and NCCL are checked before any network traffic.
    pub fn with_rank(rank: &Rank) -> Result<Communicator> {
        let device = Device::Cuda(rank.local_rank);
        Tensor::empty([1], device)?; // is the GPU there?
        nccl_available().map_err(|e| map_err(device, e))?;
        let id = if rank.rank == 0 {
            Some(nccl_unique_id().map_err(|e| map_err(device, e))?)
        } else {
            None
        };
        let bytes = broadcast_bytes(rank, id.as_ref().map(|i| &i[..]), Duration::from_secs(60))?;
        let id: [u8; 128] = bytes.try_into().map_err(|b: Vec<u8>| Error::Rendezvous {
            address: format!("{:?}:{:?}", rank.master_addr, rank.master_port),
            message: format!("expected a 128-byte NCCL id, received {} bytes", b.len()),
        })?;
        let comm =
            NcclComm::new(rank.local_rank, rank.rank, rank.world_size, id).map_err(|e| map_err(device, e))?;
        Ok(Communicator {
            comm,
            rank: rank.clone(),
        })
    }

    /// The whole of a sharded tensor, gathered from every rank onto this one's GPU (every
    /// rank must call it, in the same order). Uneven splits are padded to the chunk size for
    /// NCCL and trimmed after; a dimension other than 0 is put in place on the host.
    pub fn gather_full(&self, tensor: &SharedTensor) -> Result<Tensor> {
        let local = tensor.tensor();
        let Some(info) = tensor.shard_info() else {
            return local.try_clone();
        };
        let device = local.device();
        let elem = local.dtype().size_in_bytes();
        let world = self.rank.world_size;
        let chunk = info.global_shape[info.dim].div_ceil(world);
        let mut padded_shape = info.global_shape.clone();
        padded_shape[info.dim] = chunk;
        let padded_bytes = padded_shape.iter().product::<usize>() * elem;
        // This rank's part, padded to the chunk size along `dim`.
        let mut host = vec![0u8; padded_bytes];
        let mine = local.to(Device::Cpu)?;
        let mine = mine.as_bytes()?;
        let part = ShardInfo {
            global_shape: padded_shape.clone(),
            dim: info.dim,
            start: 0,
            len: info.len,
        };
        let mut taken = 0;
        for (at, len) in part.runs(elem) {
            host[at..at + len].copy_from_slice(&mine[taken..taken + len]);
            taken += len;
        }
        let ordinal = self.rank.local_rank;
        let send = CudaBuffer::from_host(ordinal, &host).map_err(|e| map_err(device, e))?;
        let mut all = CudaBuffer::uninit(ordinal, padded_bytes * world).map_err(|e| map_err(device, e))?;
        self.comm
            .all_gather(&send, &mut all)
            .map_err(|e| map_err(device, e))?;
        let mut gathered = vec![0u8; padded_bytes * world];
        all.copy_to_host(&mut gathered).map_err(|e| map_err(device, e))?;
        // Rank r's padded block holds its chunk; put each in its place in the whole.
        let mut whole = vec![0u8; info.global_shape.iter().product::<usize>() * elem];
        for r in 0..world {
            let theirs = ShardInfo::chunk(&info.global_shape, info.dim, r, world);
            let block = &gathered[r * padded_bytes..(r + 1) * padded_bytes];
            let in_block = ShardInfo {
                start: 0,
                ..part.clone()
            };
            let in_block = ShardInfo {
                len: theirs.len,
                ..in_block
            };
            for ((src, len), (dst, _)) in in_block.runs(elem).zip(theirs.runs(elem)) {
                whole[dst..dst + len].copy_from_slice(&block[src..src + len]);
            }
        }
        let mut out = Tensor::empty(&info.global_shape[..], (Device::Cpu, local.dtype()))?;
        out.storage_mut().write_host_bytes(&whole)?;
        out.to(device)
    }

    /// Rank `root`'s values of a replicated tensor on every rank, in place (every rank calls
    /// it): read a replicated tensor once on one rank and broadcast it.
    pub fn broadcast(&self, tensor: &SharedTensor, root: usize) -> Result<()> {
        let mut t = tensor.lock_mut();
        let device = t.device();
        let buf = t.cuda_buffer_mut()?;
        self.comm.broadcast(buf, root).map_err(|e| map_err(device, e))?;
        drop(t);
        tensor.set_written(true);
        Ok(())
    }

    /// This rank.
    pub fn rank(&self) -> &Rank {
        &self.rank
    }
}
