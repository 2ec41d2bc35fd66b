//! A restricted pickle machine: it understands the opcodes `torch.save` emits (protocols 0 to
//! 5) and builds plain data, never running anything. Globals are checked against an allowlist
//! the moment they are named (see `global.rs`), and the only calls it "makes" are the
//! few rebuild functions it reimplements as pure data constructors.
//!
//! Why not a crate: `serde-pickle` decodes into serde types and has no hook for persistent ids
//! (`BINPERSID`), which every torch tensor uses for its storage; `repugnant-pickle` (0.0.x,
//! "low effort scraping") evaluates best-effort with no allowlist and pulls in nom and anyhow.
//! A dedicated machine of a few hundred lines is smaller to audit than either.

mod calls;
mod global;
mod opcodes;
mod ops;
#[cfg(test)]
mod tests;
mod value;

use std::collections::HashMap;

pub(crate) use value::{Arena, ObjId, Object, RawTensor, Value};

use crate::Error;

/// Runs `data` to its STOP opcode and returns the value left on the stack with the arena that
/// holds everything it refers to.
pub(crate) fn run(data: &[u8]) -> Result<(Value, Arena), Error> {
    let mut m = Machine {
        data,
        pos: 0,
        op_pos: 0,
        op: 0,
        stack: Vec::new(),
        marks: Vec::new(),
        memo: HashMap::new(),
        arena: Arena::default(),
        storage_keys: HashMap::new(),
    };
    let top = m.run()?;
    Ok((top, m.arena))
}

pub(crate) struct Machine<'a> {
    data: &'a [u8],
    pos: usize,
    op_pos: usize,
    op: u8,
    stack: Vec<Value>,
    marks: Vec<usize>,
    memo: HashMap<u32, Value>,
    pub(crate) arena: Arena,
    pub(crate) storage_keys: HashMap<String, usize>,
}

impl Machine<'_> {
    fn run(&mut self) -> Result<Value, Error> {
        loop {
            self.op_pos = self.pos;
            self.op = self.take_u8("an opcode")?;
            if self.op == b'.' {
                break;
            }
            let done = self.framing()?
                || self.scalar()?
                || self.text()?
                || self.container()?
                || self.memo()?
                || self.object()?;
            if !done {
                let op = self.op as char;
                return Err(self.bad(format!("opcode {op:?} is never used by torch.save")));
            }
        }
        let top = self.pop()?;
        if !self.stack.is_empty() || !self.marks.is_empty() {
            return Err(self.bad("STOP with values left on the stack"));
        }
        Ok(top)
    }
}
