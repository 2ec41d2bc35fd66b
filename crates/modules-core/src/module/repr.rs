//! `print(model)` in PyTorch's format.

use super::ext::ModuleExt;
use super::visit::Module;

/// PyTorch's `_addindent`: every line after the first gets `n` spaces; blank lines stay empty.
fn add_indent(s: &str, n: usize) -> String {
    let mut lines = s.split('\n');
    let mut out = String::from(lines.next().unwrap_or(""));
    for line in lines {
        out.push('\n');
        if !line.trim().is_empty() {
            out.extend(std::iter::repeat_n(' ', n));
            out.push_str(line);
        }
    }
    out
}

/// The child lines: `(name): Child(...)`, grouping runs of identical children as
/// `(0-2): 3 x Linear(...)` where the module asks for it (`ModuleList`).
fn child_lines(children: Vec<(String, &dyn Module)>, grouped: bool) -> Vec<String> {
    let children: Vec<(String, String)> = children
        .into_iter()
        .map(|(name, c)| (name, module_repr(c)))
        .collect();
    if !grouped {
        return children
            .into_iter()
            .map(|(name, r)| format!("({name}): {}", add_indent(&r, 2)))
            .collect();
    }
    let mut lines = Vec::new();
    let mut i = 0;
    while i < children.len() {
        let mut j = i + 1;
        while j < children.len() && children[j].1 == children[i].1 {
            j += 1;
        }
        let r = add_indent(&children[i].1, 2);
        if j - i > 1 {
            lines.push(format!(
                "({}-{}): {} x {r}",
                children[i].0,
                children[j - 1].0,
                j - i
            ));
        } else {
            lines.push(format!("({}): {r}", children[i].0));
        }
        i = j;
    }
    lines
}

/// The module as PyTorch's `repr(module)` prints it.
///
/// ```
/// use modules_core::{module_repr, Module, Visitor};
/// struct Relu;
/// impl Module for Relu {
///     fn type_name(&self) -> &str { "ReLU" }
///     fn visit<'a>(&'a self, _: &mut dyn Visitor<'a>) {}
/// }
/// assert_eq!(module_repr(&Relu), "ReLU()");
/// assert_eq!(module_repr(&vec![Relu, Relu]), "ModuleList(\n  (0-1): 2 x ReLU()\n)");
/// ```
pub fn module_repr<M: Module + ?Sized>(m: &M) -> String {
    let children = child_lines(m.children(), m.groups_repeated_children());
    render(m.type_name(), &m.extra_repr(), &children)
}

/// `Name(extra)` on one line, or the extra lines and the children indented.
fn render(type_name: &str, extra: &str, children: &[String]) -> String {
    let extra_lines: Vec<&str> = if extra.is_empty() {
        Vec::new()
    } else {
        extra.split('\n').collect()
    };
    let mut s = format!("{type_name}(");
    if extra_lines.len() == 1 && children.is_empty() {
        s.push_str(extra_lines[0]);
    } else if !extra_lines.is_empty() || !children.is_empty() {
        let lines: Vec<&str> = extra_lines
            .iter()
            .copied()
            .chain(children.iter().map(|s| s.as_str()))
            .collect();
        s.push_str("\n  ");
        s.push_str(&lines.join("\n  "));
        s.push('\n');
    }
    s.push(')');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indent_leaves_blank_lines_empty() {
        assert_eq!(add_indent("A(\n  x\n\n)", 2), "A(\n    x\n\n  )");
        assert_eq!(add_indent("one line", 2), "one line");
    }
}
