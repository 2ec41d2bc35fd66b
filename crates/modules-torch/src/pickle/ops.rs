//! The machine's primitives: reading operands, the stack, marks, memo and container updates.
//! Every length read from the input is checked against what is left before it is used.

use super::global;
use super::value::{Object, Value, MAX_MEMO, MAX_STACK};
use super::Machine;
use crate::Error;

impl<'a> Machine<'a> {
    pub(crate) fn bad(&self, why: impl Into<String>) -> Error {
        Error::BadPickle {
            opcode: self.op,
            offset: self.op_pos,
            why: why.into(),
        }
    }

    pub(super) fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], Error> {
        let data = self.data;
        let end = self.pos.checked_add(n).filter(|&e| e <= data.len());
        let end = end.ok_or(Error::Truncated {
            what,
            offset: self.op_pos,
        })?;
        let bytes = &data[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    pub(super) fn take_u8(&mut self, what: &'static str) -> Result<u8, Error> {
        Ok(self.take(1, what)?[0])
    }

    pub(super) fn take_array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], Error> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N, what)?);
        Ok(out)
    }

    pub(super) fn take_len4(&mut self, what: &'static str) -> Result<usize, Error> {
        let n = i32::from_le_bytes(self.take_array::<4>(what)?);
        usize::try_from(n).map_err(|_| self.bad(format!("{what} has a negative length")))
    }

    pub(super) fn take_len8(&mut self, what: &'static str) -> Result<usize, Error> {
        let n = u64::from_le_bytes(self.take_array::<8>(what)?);
        // A length past the input is truncation, whatever the platform's usize.
        usize::try_from(n).map_err(|_| Error::Truncated {
            what,
            offset: self.op_pos,
        })
    }

    /// A protocol-0 text operand, without its newline.
    pub(super) fn line(&mut self, what: &'static str) -> Result<&'a [u8], Error> {
        let rest = &self.data[self.pos..];
        let n = rest.iter().position(|&b| b == b'\n').ok_or(Error::Truncated {
            what,
            offset: self.op_pos,
        })?;
        let line = self.take(n + 1, what)?;
        Ok(&line[..n])
    }

    pub(super) fn parse_int(&self, text: &[u8]) -> Result<Value, Error> {
        let text = std::str::from_utf8(text).map_err(|_| self.bad("an integer that is not ASCII"))?;
        let digits = text.strip_prefix('-').unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.bad(format!("{:?} is not an integer", truncate(text))));
        }
        Ok(text.parse().map_or(Value::BigInt, Value::Int))
    }

    pub(super) fn parse_index(&self, text: &[u8]) -> Result<u32, Error> {
        match self.parse_int(text)? {
            Value::Int(i) => u32::try_from(i).map_err(|_| self.bad("memo index out of range")),
            _ => Err(self.bad("memo index out of range")),
        }
    }

    pub(super) fn push(&mut self, v: Value) -> Result<(), Error> {
        if self.stack.len() >= MAX_STACK {
            return Err(Error::TooLarge {
                what: "stack entries",
                limit: MAX_STACK,
            });
        }
        self.stack.push(v);
        Ok(())
    }

    pub(crate) fn alloc(&mut self, obj: Object) -> Result<Value, Error> {
        self.arena.alloc(obj).ok_or(Error::TooLarge {
            what: "objects",
            limit: super::value::MAX_OBJECTS,
        })
    }

    pub(super) fn push_obj(&mut self, obj: Object) -> Result<(), Error> {
        let v = self.alloc(obj)?;
        self.push(v)
    }

    pub(super) fn push_text(&mut self, n: usize, what: &'static str) -> Result<(), Error> {
        let bytes = self.take(n, what)?;
        self.push_str(bytes)
    }

    /// Text that is not UTF-8 cannot be a state dict key or a storage key, so it is kept as
    /// opaque bytes rather than refused.
    pub(super) fn push_str(&mut self, bytes: &[u8]) -> Result<(), Error> {
        match std::str::from_utf8(bytes) {
            Ok(s) => self.push_obj(Object::Str(s.to_owned())),
            Err(_) => self.push_obj(Object::Bytes),
        }
    }

    pub(super) fn push_global(&mut self, module: &str, name: &str) -> Result<(), Error> {
        let global = global::resolve(module, name)?;
        self.push_obj(Object::Global(global))
    }

    pub(super) fn pop(&mut self) -> Result<Value, Error> {
        let floor = self.marks.last().copied().unwrap_or(0);
        if self.stack.len() <= floor {
            return Err(self.bad("stack underflow"));
        }
        self.stack.pop().ok_or_else(|| self.bad("stack underflow"))
    }

    /// The top of the stack; like Python, a MARK hides what lies below it.
    pub(super) fn peek(&self, what: &str) -> Result<Value, Error> {
        let floor = self.marks.last().copied().unwrap_or(0);
        match self.stack.last() {
            Some(&v) if self.stack.len() > floor => Ok(v),
            _ => Err(self.bad(format!("{what} on an empty stack"))),
        }
    }

    /// The top `n` values, oldest first; never reaching below the innermost MARK, or a later
    /// pop to that mark would find the stack shorter than when it was set.
    pub(super) fn pop_n(&mut self, n: usize) -> Result<Vec<Value>, Error> {
        let floor = self.marks.last().copied().unwrap_or(0);
        match self.stack.len().checked_sub(n) {
            Some(at) if at >= floor => Ok(self.stack.split_off(at)),
            _ => Err(self.bad("stack underflow")),
        }
    }

    pub(super) fn pop_mark(&mut self) -> Result<Vec<Value>, Error> {
        let mark = self.marks.pop().ok_or_else(|| self.bad("no MARK to pop to"))?;
        Ok(self.stack.split_off(mark))
    }

    pub(super) fn pairs(&self, items: Vec<Value>) -> Result<Vec<(Value, Value)>, Error> {
        if !items.len().is_multiple_of(2) {
            return Err(self.bad("an odd number of items for a dict"));
        }
        Ok(items.chunks_exact(2).map(|kv| (kv[0], kv[1])).collect())
    }

    fn top_id(&self, what: &str) -> Result<super::ObjId, Error> {
        match self.peek(what)? {
            Value::Obj(id) => Ok(id),
            v => Err(self.bad(format!("{what} on {}", self.arena.describe(v)))),
        }
    }

    /// Runs `extend` on the object on top of the stack; `false` from it means the object is not
    /// of the kind that `what` extends.
    fn extend_top(&mut self, what: &str, extend: impl FnOnce(&mut Object) -> bool) -> Result<(), Error> {
        let id = self.top_id(what)?;
        if extend(self.arena.get_mut(id)) {
            return Ok(());
        }
        Err(self.bad(format!("{what} on {}", self.arena.describe(Value::Obj(id)))))
    }

    pub(super) fn extend_list(&mut self, items: Vec<Value>) -> Result<(), Error> {
        self.extend_top("APPEND", |object| match object {
            Object::List(list) => {
                list.extend(items);
                true
            }
            _ => false,
        })
    }

    pub(super) fn extend_dict(&mut self, pairs: Vec<(Value, Value)>) -> Result<(), Error> {
        self.extend_top("SETITEM", |object| match object {
            Object::Dict(dict) => {
                dict.extend(pairs);
                true
            }
            _ => false,
        })
    }

    pub(super) fn memo_put(&mut self, idx: u32) -> Result<(), Error> {
        let top = self.peek("PUT")?;
        if self.memo.len() >= MAX_MEMO && !self.memo.contains_key(&idx) {
            return Err(Error::TooLarge {
                what: "memo entries",
                limit: MAX_MEMO,
            });
        }
        self.memo.insert(idx, top);
        Ok(())
    }

    pub(super) fn memo_get(&mut self, idx: u32) -> Result<(), Error> {
        let v = *self
            .memo
            .get(&idx)
            .ok_or_else(|| self.bad(format!("memo entry {idx} was never PUT")))?;
        self.push(v)
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}
