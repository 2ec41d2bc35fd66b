//! Rank 0 hands bytes to every other rank over TCP at `MASTER_ADDR:MASTER_PORT`: how the
//! NCCL unique id travels, as torch's TCPStore carries it. Plain std sockets: the exchange is
//! one message, and no crate of the field does just this.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::rank::Rank;
use crate::{Error, Result};

fn fail(address: &str, message: impl Into<String>) -> Error {
    Error::Rendezvous {
        address: address.to_string(),
        message: message.into(),
    }
}

/// Rank 0's `payload` on every rank (rank 0 gets its own back). Rank 0 listens at
/// `MASTER_ADDR:MASTER_PORT` until every other rank has connected and been served, or
/// `timeout` passes; the others connect, retrying until `timeout`.
///
/// ```
/// use modules_core::shard::{broadcast_bytes, Rank};
/// // One rank alone needs no network.
/// let got = broadcast_bytes(&Rank::single(), Some(b"id"), std::time::Duration::from_secs(1)).unwrap();
/// assert_eq!(got, b"id");
/// ```
pub fn broadcast_bytes(rank: &Rank, payload: Option<&[u8]>, timeout: Duration) -> Result<Vec<u8>> {
    if rank.rank == 0 {
        let payload = payload.ok_or_else(|| fail("-", "rank 0 must provide the bytes to send"))?;
        if rank.world_size == 1 {
            return Ok(payload.to_vec());
        }
    }
    let address = match (&rank.master_addr, rank.master_port) {
        (Some(a), Some(p)) => format!("{a}:{p}"),
        _ => {
            return Err(Error::BadEnvironment {
                var: "MASTER_ADDR",
                expected: "MASTER_ADDR and MASTER_PORT, where rank 0 listens (torchrun sets both)",
                found: format!("{:?}:{:?}", rank.master_addr, rank.master_port),
            })
        }
    };
    let deadline = Instant::now() + timeout;
    if rank.rank == 0 {
        serve(
            &address,
            payload.expect("checked above"),
            rank.world_size - 1,
            deadline,
        )?;
        Ok(payload.expect("checked above").to_vec())
    } else {
        fetch(&address, deadline)
    }
}

fn serve(address: &str, payload: &[u8], peers: usize, deadline: Instant) -> Result<()> {
    let listener = TcpListener::bind(address).map_err(|e| fail(address, format!("cannot listen: {e}")))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| fail(address, e.to_string()))?;
    let mut served = 0;
    while served < peers {
        match listener.accept() {
            Ok((mut stream, _)) => {
                stream
                    .set_nonblocking(false)
                    .map_err(|e| fail(address, e.to_string()))?;
                stream
                    .write_all(&(payload.len() as u64).to_le_bytes())
                    .and_then(|_| stream.write_all(payload))
                    .map_err(|e| fail(address, format!("sending to a rank: {e}")))?;
                served += 1;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if Instant::now() > deadline {
                    return Err(fail(
                        address,
                        format!("only {served} of {peers} ranks connected before the timeout"),
                    ));
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(fail(address, e.to_string())),
        }
    }
    Ok(())
}

fn fetch(address: &str, deadline: Instant) -> Result<Vec<u8>> {
    let target = address
        .to_socket_addrs()
        .map_err(|e| fail(address, format!("not an address: {e}")))?
        .next()
        .ok_or_else(|| fail(address, "the address resolves to nothing"))?;
    let mut stream = loop {
        match TcpStream::connect_timeout(&target, Duration::from_millis(200)) {
            Ok(s) => break s,
            Err(e) if Instant::now() > deadline => {
                return Err(fail(address, format!("rank 0 never answered: {e}")))
            }
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    let left = deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(1));
    stream
        .set_read_timeout(Some(left))
        .map_err(|e| fail(address, e.to_string()))?;
    let mut len = [0u8; 8];
    stream
        .read_exact(&mut len)
        .map_err(|e| fail(address, format!("reading from rank 0: {e}")))?;
    let len = u64::from_le_bytes(len) as usize;
    if len > 1 << 20 {
        return Err(fail(
            address,
            format!("rank 0 announced {len} bytes; expected a small message"),
        ));
    }
    let mut out = vec![0u8; len];
    stream
        .read_exact(&mut out)
        .map_err(|e| fail(address, format!("reading from rank 0: {e}")))?;
    Ok(out)
}
