//! The opcodes, one method per family: each handles `self.op` when it belongs to its family
//! and says whether it did, so `run` is the loop and each family stays short.

use super::value::{long_le, lossy, MAX_STACK};
use super::{Machine, Object, Value};
use crate::Error;

impl Machine<'_> {
    /// PROTO and FRAME: the stream's framing.
    pub(super) fn framing(&mut self) -> Result<bool, Error> {
        match self.op {
            0x80 => {
                let proto = self.take_u8("PROTO")?;
                if proto > 5 {
                    return Err(self.bad(format!("protocol {proto} is newer than 5")));
                }
            }
            0x95 => drop(self.take(8, "FRAME")?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// None, booleans, integers and floats.
    pub(super) fn scalar(&mut self) -> Result<bool, Error> {
        match self.op {
            b'N' => self.push(Value::None)?,
            0x88 => self.push(Value::Bool(true))?,
            0x89 => self.push(Value::Bool(false))?,
            b'I' => {
                let v = match self.line("INT")? {
                    b"01" => Value::Bool(true),
                    b"00" => Value::Bool(false),
                    l => self.parse_int(l)?,
                };
                self.push(v)?;
            }
            b'L' => {
                let line = self.line("LONG")?;
                let v = self.parse_int(line.strip_suffix(b"L").unwrap_or(line))?;
                self.push(v)?;
            }
            b'J' => {
                let b = self.take_array::<4>("BININT")?;
                self.push(Value::Int(i32::from_le_bytes(b).into()))?;
            }
            b'K' => {
                let b = self.take_u8("BININT1")?;
                self.push(Value::Int(b.into()))?;
            }
            b'M' => {
                let b = self.take_array::<2>("BININT2")?;
                self.push(Value::Int(u16::from_le_bytes(b).into()))?;
            }
            0x8a => {
                let n = self.take_u8("LONG1")?.into();
                let bytes = self.take(n, "LONG1")?;
                self.push(long_le(bytes))?;
            }
            0x8b => {
                let n = self.take_len4("LONG4")?;
                let bytes = self.take(n, "LONG4")?;
                self.push(long_le(bytes))?;
            }
            b'G' => {
                let b = self.take_array::<8>("BINFLOAT")?;
                self.push(Value::Float(f64::from_be_bytes(b)))?;
            }
            b'F' => {
                let line = self.line("FLOAT")?;
                let f = std::str::from_utf8(line).ok().and_then(|s| s.parse().ok());
                let f = f.ok_or_else(|| self.bad("FLOAT is not a number"))?;
                self.push(Value::Float(f))?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Strings, and byte strings (kept as an opaque object: a tensor's data lives in the
    /// archive's files, never in the pickle).
    pub(super) fn text(&mut self) -> Result<bool, Error> {
        match self.op {
            b'X' => {
                let n = self.take_len4("BINUNICODE")?;
                self.push_text(n, "BINUNICODE")?;
            }
            0x8c => {
                let n = self.take_u8("SHORT_BINUNICODE")?.into();
                self.push_text(n, "SHORT_BINUNICODE")?;
            }
            0x8d => {
                let n = self.take_len8("BINUNICODE8")?;
                self.push_text(n, "BINUNICODE8")?;
            }
            b'T' => {
                let n = self.take_len4("BINSTRING")?;
                self.push_text(n, "BINSTRING")?;
            }
            b'U' => {
                let n = self.take_u8("SHORT_BINSTRING")?.into();
                self.push_text(n, "SHORT_BINSTRING")?;
            }
            b'V' => {
                let line = self.line("UNICODE")?;
                self.push_str(line)?;
            }
            b'S' => {
                let line = self.line("STRING")?;
                let inner = match line {
                    [q @ (b'\'' | b'"'), inner @ .., last] if last == q => inner,
                    _ => return Err(self.bad("STRING is not quoted")),
                };
                if inner.contains(&b'\\') {
                    return Err(self.bad("STRING with escapes is not supported"));
                }
                self.push_str(inner)?;
            }
            b'B' | b'C' | 0x8e | 0x96 => {
                let n = match self.op {
                    b'B' => self.take_len4("BINBYTES")?,
                    b'C' => self.take_u8("SHORT_BINBYTES")?.into(),
                    _ => self.take_len8("BINBYTES8")?,
                };
                self.take(n, "a byte string")?;
                self.push_obj(Object::Bytes)?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The mark, the stack's own operations, and tuples, lists and dicts.
    pub(super) fn container(&mut self) -> Result<bool, Error> {
        match self.op {
            b'(' => {
                if self.marks.len() >= MAX_STACK {
                    return Err(Error::TooLarge {
                        what: "marks",
                        limit: MAX_STACK,
                    });
                }
                self.marks.push(self.stack.len());
            }
            b'0' => drop(self.pop()?),
            b'1' => drop(self.pop_mark()?),
            b'2' => {
                let top = self.peek("DUP")?;
                self.push(top)?;
            }
            b')' => self.push_obj(Object::Tuple(Vec::new()))?,
            b't' => {
                let items = self.pop_mark()?;
                self.push_obj(Object::Tuple(items))?;
            }
            0x85..=0x87 => {
                let n = usize::from(self.op - 0x84);
                let items = self.pop_n(n)?;
                self.push_obj(Object::Tuple(items))?;
            }
            b']' => self.push_obj(Object::List(Vec::new()))?,
            b'l' => {
                let items = self.pop_mark()?;
                self.push_obj(Object::List(items))?;
            }
            b'a' => {
                let v = self.pop()?;
                self.extend_list(vec![v])?;
            }
            b'e' => {
                let items = self.pop_mark()?;
                self.extend_list(items)?;
            }
            b'}' => self.push_obj(Object::Dict(Vec::new()))?,
            b'd' => {
                let items = self.pop_mark()?;
                let pairs = self.pairs(items)?;
                self.push_obj(Object::Dict(pairs))?;
            }
            b's' => {
                let v = self.pop()?;
                let k = self.pop()?;
                self.extend_dict(vec![(k, v)])?;
            }
            b'u' => {
                let items = self.pop_mark()?;
                let pairs = self.pairs(items)?;
                self.extend_dict(pairs)?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The memo: PUT stores the top of the stack under an index, GET pushes it again; the
    /// index is a text line, one byte, four bytes, or (MEMOIZE) the memo's size.
    pub(super) fn memo(&mut self) -> Result<bool, Error> {
        let (put, what) = match self.op {
            b'p' => (true, "PUT"),
            b'q' => (true, "BINPUT"),
            b'r' => (true, "LONG_BINPUT"),
            0x94 => (true, "MEMOIZE"),
            b'g' => (false, "GET"),
            b'h' => (false, "BINGET"),
            b'j' => (false, "LONG_BINGET"),
            _ => return Ok(false),
        };
        let idx = match self.op {
            b'p' | b'g' => {
                let line = self.line(what)?;
                self.parse_index(line)?
            }
            b'q' | b'h' => self.take_u8(what)?.into(),
            b'r' | b'j' => u32::from_le_bytes(self.take_array::<4>(what)?),
            _ => u32::try_from(self.memo.len()).map_err(|_| self.bad("memo overflow"))?,
        };
        if put {
            self.memo_put(idx)?;
        } else {
            self.memo_get(idx)?;
        }
        Ok(true)
    }

    /// Globals (checked against the allowlist when named), calls of the allowed rebuild
    /// functions, BUILD, and persistent ids (a tensor's storage).
    pub(super) fn object(&mut self) -> Result<bool, Error> {
        match self.op {
            b'c' => {
                let module = self.line("GLOBAL")?;
                let name = self.line("GLOBAL")?;
                let (module, name) = (lossy(module), lossy(name));
                self.push_global(&module, &name)?;
            }
            0x93 => {
                let name = self.pop()?;
                let module = self.pop()?;
                let names = (self.arena.as_str(module), self.arena.as_str(name));
                let (Some(module), Some(name)) = names else {
                    return Err(self.bad("STACK_GLOBAL needs two strings"));
                };
                let (module, name) = (module.to_owned(), name.to_owned());
                self.push_global(&module, &name)?;
            }
            b'R' => {
                let args = self.pop()?;
                let callable = self.pop()?;
                let result = self.call_global(callable, args)?;
                self.push(result)?;
            }
            b'b' => {
                // The state (an OrderedDict's `_metadata`, a parameter's attributes) does
                // not change where a tensor's bytes are, so it is dropped.
                self.pop()?;
                let target = self.peek("BUILD")?;
                match self.arena.object(target) {
                    Some(Object::Dict(_) | Object::Tensor(_)) => {}
                    _ => {
                        let found = self.arena.describe(target);
                        return Err(self.bad(format!("BUILD on {found}; only dicts and tensors")));
                    }
                }
            }
            b'Q' => {
                let pid = self.pop()?;
                let storage = self.load_persistent(pid)?;
                self.push(storage)?;
            }
            b'P' => {
                let why = "a text persistent id (pickle protocol 0), which even torch.load cannot \
                           read: re-save with torch.save's default protocol";
                return Err(self.bad(why));
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
