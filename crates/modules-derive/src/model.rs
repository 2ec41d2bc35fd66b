//! The validated model of a derived module's fields, which emission reads: what each field is
//! and how the generated constructor builds it.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::{Expr, Ident, Token, Type};

use crate::args::CallArgs;

/// One declared constructor argument: `name: Type` or `name: Type = default`.
pub struct ArgDecl {
    pub name: Ident,
    pub ty: Type,
    pub default: Option<Expr>,
}

impl Parse for ArgDecl {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let name: Ident = input.parse()?;
        input.parse::<Token![:]>()?;
        let ty: Type = input.parse()?;
        let default = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(input.parse()?)
        } else {
            None
        };
        Ok(ArgDecl { name, ty, default })
    }
}

/// How a field is built by the generated constructor.
pub enum Build {
    Param {
        shape: Expr,
        init: Expr,
        requires_grad: Option<Expr>,
    },
    Buffer {
        shape: Expr,
        init: Expr,
        dtype: Option<Expr>,
        persistent: Option<Expr>,
    },
    Child {
        span: Span,
        args: CallArgs,
        repeat: Option<Expr>,
    },
    /// `build = |options| ...`: a closure from `&TensorOptions` to `Result<T>`, for parts the
    /// grammar cannot declare. Such modules are checked after a meta construction.
    Custom(Expr),
}

/// What a field is.
pub enum FieldKind {
    /// A parameter, buffer or child: traversed, and built when `build` is declared.
    Part {
        build: Option<Box<Build>>,
        when: Option<Expr>,
        /// Its members are shown as the parent's own (no name prefix, not a child in the repr).
        flatten: bool,
    },
    /// Plain data computed from the constructor's arguments, shown in the default repr unless
    /// `skip_repr` is given.
    Config { value: Expr, shown: bool },
    /// Plain data the derive ignores (`Default` in generated constructors).
    Skip,
}

pub struct Field {
    pub member: syn::Member,
    pub ty: Type,
    /// The name in parameter paths and state dicts.
    pub name: String,
    pub span: Span,
    pub kind: FieldKind,
}

pub fn member_name(m: &syn::Member) -> String {
    match m {
        syn::Member::Named(id) => id.to_string(),
        syn::Member::Unnamed(i) => i.index.to_string(),
    }
}
