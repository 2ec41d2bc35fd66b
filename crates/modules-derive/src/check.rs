//! The validation pass: which combinations of keys make sense on one field. Parsing (`attr`)
//! only records what was written and where; every error here points at the offending key.

use proc_macro2::Span;
use syn::Type;

use crate::attr::{Attr, Build, Errors, FieldKind, RawField};

/// Whether the field's type is a `Parameter` or `Buffer` (or an `Option` of one): a tensor,
/// which has no members to flatten.
fn is_tensor(ty: &Type) -> Option<&'static str> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    match last.ident.to_string().as_str() {
        "Parameter" => Some("Parameter"),
        "Buffer" => Some("Buffer"),
        "Option" => match &last.arguments {
            syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|arg| match arg {
                syn::GenericArgument::Type(t) => is_tensor(t),
                _ => None,
            }),
            _ => None,
        },
        _ => None,
    }
}

fn only<T>(errors: &mut Errors, a: &Attr<T>, allowed: &str) {
    if let Some((key, end)) = a.range() {
        errors.range(key, end, format!("`{}` only applies to {allowed}", a.key()));
    }
}

/// The last path segment of a type, and its first generic type argument: `Option<Linear>`.
fn outer(ty: &Type) -> Option<(String, Option<&Type>)> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let arg = match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().find_map(|arg| match arg {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    };
    Some((last.ident.to_string(), arg))
}

fn type_name(ty: &Type) -> String {
    quote::ToTokens::to_token_stream(ty)
        .to_string()
        .replace(" < ", "<")
        .replace(" >", ">")
        .replace("< ", "<")
}

/// `when` needs an `Option` field and `repeat` a `Vec` one: checked on the written type, so the
/// mistake is one error here instead of trait errors in generated code. (A type alias for an
/// `Option` or `Vec` must be written out.)
fn container(errors: &mut Errors, at: Option<(Span, Span)>, key: &str, ty: &Type, want: &str, what: &str) {
    if let Some((first, last)) = at {
        if outer(ty).map(|(name, _)| name) != Some(want.to_string()) {
            errors.range(
                first,
                last,
                format!(
                    "`{key}` needs {} `{want}<...>` field ({what}), found `{}`",
                    if want.starts_with('O') { "an" } else { "a" },
                    type_name(ty)
                ),
            );
        }
    }
}

/// With `new(...)` on the struct, every part must say how it is built.
pub fn constructors(fields: &[crate::attr::Field], errors: &mut Errors) {
    for f in fields {
        if let FieldKind::Part { build: None, .. } = f.kind {
            let at = match &f.member {
                syn::Member::Named(id) => id.span(),
                syn::Member::Unnamed(i) => i.span,
            };
            errors.at(
                at,
                format!(
                    "field `{}` has no constructor declaration: add `param = [dims], init = ...`, \
                     `buffer = [dims], init = ...`, `new(args...)`, `build = |options| ...`, `config = expr` or `skip`",
                    crate::attr::member_name(&f.member)
                ),
            );
        }
    }
}

/// Checks the combination of keys on one field and turns it into a [`FieldKind`].
pub fn field_kind(raw: RawField, ty: &Type, errors: &mut Errors) -> FieldKind {
    // What the field is: at most one of these. The second one written is the error.
    let kinds: [(&str, Option<(Span, Span)>); 5] = [
        ("param", raw.param.range()),
        ("buffer", raw.buffer.range()),
        ("new(...)", raw.new.range()),
        ("build", raw.build.range()),
        ("config", raw.config.range()),
    ];
    let given: Vec<(&str, (Span, Span))> = kinds.iter().filter_map(|(k, s)| s.map(|s| (*k, s))).collect();
    if let [(first, _), (second, (key, end)), ..] = given[..] {
        errors.range(
            key,
            end,
            format!(
                "`{second}` cannot be combined with `{first}`: a field is one of `param`, `buffer`, `new(...)`, `build` or `config`"
            ),
        );
    }
    if raw.skip.is_set() {
        let others = [
            ("rename", raw.rename.range()),
            ("when", raw.when.range()),
            ("flatten", raw.flatten.range()),
            ("init", raw.init.range()),
            ("repeat", raw.repeat.range()),
            ("skip_repr", raw.skip_repr.range()),
        ];
        for (key, at) in given.iter().map(|(k, s)| (*k, Some(*s))).chain(others) {
            if let Some((first, last)) = at {
                errors.range(
                    first,
                    last,
                    format!("`{key}` cannot be combined with `skip`: a skipped field is plain data the derive ignores"),
                );
            }
        }
        return FieldKind::Skip;
    }
    if !raw.config.is_set() {
        only(errors, &raw.skip_repr, "`config = ...` fields");
    }
    if raw.param.span().is_none() && raw.buffer.span().is_none() {
        only(errors, &raw.init, "`param = ...` and `buffer = ...` fields");
    }
    if raw.param.span().is_none() {
        only(errors, &raw.requires_grad, "`param = ...` fields");
    }
    if raw.buffer.span().is_none() {
        only(errors, &raw.dtype, "`buffer = ...` fields");
        only(errors, &raw.persistent, "`buffer = ...` fields");
    }
    if raw.new.span().is_none() {
        only(errors, &raw.repeat, "child fields built with `new(...)`");
    }
    container(
        errors,
        raw.when.range(),
        "when",
        ty,
        "Option",
        "present when the condition holds",
    );
    container(
        errors,
        raw.repeat.range(),
        "repeat",
        ty,
        "Vec",
        "one child per repetition",
    );
    let flatten = raw.flatten.span();
    if let Some(span) = flatten {
        if raw.when.is_set() {
            errors.at(
                span,
                "`flatten` applies to a plain module field, not an optional one",
            );
        } else if let Some(tensor) = is_tensor(ty) {
            errors.at(
                span,
                format!("`flatten` applies to a child module; a `{tensor}` is one tensor, with no members to flatten"),
            );
        }
    }
    if raw.config.is_set() {
        only(
            errors,
            &raw.when,
            "`param`, `buffer`, `new(...)` and `build` fields",
        );
        return FieldKind::Config {
            shown: !raw.skip_repr.is_set(),
            value: raw.config.take().expect("set"),
        };
    }
    let init = raw.init;
    let (param_at, buffer_at) = (raw.param.range(), raw.buffer.range());
    let build = if let (Some((first, last)), Some(shape)) = (param_at, raw.param.take()) {
        match init.take() {
            Some(init) => Some(Build::Param {
                shape,
                init,
                requires_grad: raw.requires_grad.take(),
            }),
            None => {
                errors.range(
                    first,
                    last,
                    "a `param` needs `init = ...` (for example `init = init::zeros()`)",
                );
                // Reported: nothing more is said about this field.
                return FieldKind::Skip;
            }
        }
    } else if let (Some((first, last)), Some(shape)) = (buffer_at, raw.buffer.take()) {
        match init.take() {
            Some(init) => Some(Build::Buffer {
                shape,
                init,
                dtype: raw.dtype.take(),
                persistent: raw.persistent.take(),
            }),
            None => {
                errors.range(
                    first,
                    last,
                    "a `buffer` needs `init = ...` (for example `init = init::zeros()`)",
                );
                // Reported: nothing more is said about this field.
                return FieldKind::Skip;
            }
        }
    } else if let Some(e) = raw.build.take() {
        Some(Build::Custom(e))
    } else {
        raw.new.take_spanned().map(|(span, args)| Build::Child {
            span,
            args,
            repeat: raw.repeat.take(),
        })
    };
    if build.is_none() {
        only(
            errors,
            &raw.when,
            "`param`, `buffer`, `new(...)` and `build` fields",
        );
    }
    FieldKind::Part {
        build: build.map(Box::new),
        when: raw.when.take(),
        flatten: flatten.is_some(),
    }
}
