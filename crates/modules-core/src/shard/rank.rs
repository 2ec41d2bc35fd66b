//! Which process this is, read the torchrun way.

use crate::{Error, Result};

/// This process's place among the ranks, as torchrun describes it in the environment.
///
/// ```
/// use modules_core::shard::Rank;
/// let r = Rank::single();
/// assert_eq!((r.rank, r.world_size, r.local_rank), (0, 1, 0));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rank {
    /// `RANK`: this process among all of them.
    pub rank: usize,
    /// `WORLD_SIZE`: how many processes there are.
    pub world_size: usize,
    /// `LOCAL_RANK`: this process among those on its machine (its GPU ordinal).
    pub local_rank: usize,
    /// `LOCAL_WORLD_SIZE`: processes on this machine (defaults to `WORLD_SIZE`).
    pub local_world_size: usize,
    /// `MASTER_ADDR`, where rank 0 listens for the rendezvous, if set.
    pub master_addr: Option<String>,
    /// `MASTER_PORT`, if set.
    pub master_port: Option<u16>,
}

fn number<T: std::str::FromStr>(name: &'static str, value: &str, expected: &'static str) -> Result<T> {
    value.trim().parse().map_err(|_| Error::BadEnvironment {
        var: name,
        expected,
        found: value.to_string(),
    })
}

impl Rank {
    /// One process alone: rank 0 of 1.
    pub fn single() -> Rank {
        Rank {
            rank: 0,
            world_size: 1,
            local_rank: 0,
            local_world_size: 1,
            master_addr: None,
            master_port: None,
        }
    }

    /// Reads `RANK`, `WORLD_SIZE` and `LOCAL_RANK` (required), and `LOCAL_WORLD_SIZE`,
    /// `MASTER_ADDR` and `MASTER_PORT` (optional), as `torchrun` sets them. A missing,
    /// malformed or inconsistent value is an [`Error::BadEnvironment`] naming the variable.
    pub fn from_env() -> Result<Rank> {
        Rank::from_vars(|name| std::env::var(name).ok())
    }

    /// [`Rank::from_env`] over any source of variables (a map in tests, a config file).
    ///
    /// ```
    /// use modules_core::shard::Rank;
    /// let vars = [("RANK", "1"), ("WORLD_SIZE", "2"), ("LOCAL_RANK", "1")];
    /// let get = |k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string());
    /// assert_eq!(Rank::from_vars(get).unwrap().rank, 1);
    /// let bad = [("RANK", "2"), ("WORLD_SIZE", "2"), ("LOCAL_RANK", "0")];
    /// let get = |k: &str| bad.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string());
    /// assert!(Rank::from_vars(get).unwrap_err().to_string().starts_with("environment variable RANK"));
    /// ```
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<Rank> {
        let var = |name: &'static str| lookup(name).filter(|v| !v.is_empty());
        let required = |name: &'static str| {
            var(name).ok_or(Error::BadEnvironment {
                var: name,
                expected: "a number set by the launcher (torchrun sets RANK, WORLD_SIZE and LOCAL_RANK)",
                found: "nothing".into(),
            })
        };
        let rank: usize = number("RANK", &required("RANK")?, "a non-negative integer")?;
        let world_size: usize = number("WORLD_SIZE", &required("WORLD_SIZE")?, "a positive integer")?;
        let local_rank: usize = number("LOCAL_RANK", &required("LOCAL_RANK")?, "a non-negative integer")?;
        let local_world_size: usize = match var("LOCAL_WORLD_SIZE") {
            Some(v) => number("LOCAL_WORLD_SIZE", &v, "a positive integer")?,
            None => world_size,
        };
        let master_port = var("MASTER_PORT")
            .map(|v| number("MASTER_PORT", &v, "a port number (0 to 65535)"))
            .transpose()?;
        let bad = |var: &'static str, expected: &'static str, found: String| Error::BadEnvironment {
            var,
            expected,
            found,
        };
        if world_size == 0 {
            return Err(bad("WORLD_SIZE", "a positive integer", "0".into()));
        }
        if rank >= world_size {
            return Err(bad(
                "RANK",
                "a rank below WORLD_SIZE",
                format!("{rank} with WORLD_SIZE={world_size}"),
            ));
        }
        if local_world_size == 0 || local_world_size > world_size {
            return Err(bad(
                "LOCAL_WORLD_SIZE",
                "between 1 and WORLD_SIZE",
                format!("{local_world_size} with WORLD_SIZE={world_size}"),
            ));
        }
        if local_rank >= local_world_size {
            return Err(bad(
                "LOCAL_RANK",
                "a rank below LOCAL_WORLD_SIZE",
                format!("{local_rank} with LOCAL_WORLD_SIZE={local_world_size}"),
            ));
        }
        Ok(Rank {
            rank,
            world_size,
            local_rank,
            local_world_size,
            master_addr: var("MASTER_ADDR"),
            master_port,
        })
    }
}
