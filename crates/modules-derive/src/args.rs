//! The one argument grammar: positional arguments in order, then `keyword = value`. Used by
//! `skip_init!`, by a child's `#[module(new(...))]`, and emitted as calls on the generated
//! typestate builder, so each mistake is a compile error at the argument it concerns.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Expr, Ident, Path, Token};

use crate::errors::Errors;

pub enum Arg {
    Positional(Expr),
    Keyword(Ident, Expr),
}

/// A parsed argument list, with problems (positional after keyword) kept as errors so the
/// rest still parses.
#[derive(Default)]
pub struct CallArgs {
    pub args: Vec<Arg>,
    pub errors: Errors,
}

impl Parse for CallArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut out = CallArgs::default();
        let mut seen_keyword = false;
        while !input.is_empty() {
            if input.peek(Ident) && input.peek2(Token![=]) && !input.peek2(Token![==]) {
                let name: Ident = input.call(syn::ext::IdentExt::parse_any)?;
                input.parse::<Token![=]>()?;
                let value: Expr = input.parse()?;
                seen_keyword = true;
                out.args.push(Arg::Keyword(name, value));
            } else {
                let value: Expr = input.parse()?;
                if seen_keyword {
                    // Reported here and left out of the expansion, so it is the only error.
                    out.errors.at(
                        value.span(),
                        "positional argument after a keyword argument; give it by name, or move it before the keywords",
                    );
                } else {
                    out.args.push(Arg::Positional(value));
                }
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(out)
    }
}

/// `x.into()`: a conversion whose target only the declared type can decide.
fn is_bare_into(e: &Expr) -> bool {
    matches!(e, Expr::MethodCall(m) if m.method == "into" && m.args.is_empty() && m.turbofish.is_none())
}

/// Whether `ty` names a type with no generic arguments and is not `Self`. A keyword is checked
/// by name in a constant, `<Type as SupportsDevice>::ARGUMENTS`, and a constant cannot use a
/// generic parameter (`Tagged<T>`, `Self` in a generic impl): for any other type the keyword
/// goes unchecked, and an unknown one is rustc's "no method" error.
pub fn names_a_concrete_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => {
            !p.path.is_ident("Self") && p.path.segments.iter().all(|s| s.arguments.is_none())
        }
        _ => false,
    }
}

impl CallArgs {
    /// Takes out the reserved keywords of `skip_init!`/`new!`: `device`, `dtype` and
    /// `generator`, in that order.
    pub fn take_reserved(&mut self) -> [Option<(Ident, Expr)>; 3] {
        const RESERVED: [&str; 3] = ["device", "dtype", "generator"];
        let mut out: [Option<(Ident, Expr)>; 3] = [None, None, None];
        let mut errors = Errors::default();
        self.args.retain(|a| match a {
            Arg::Keyword(k, v) => match RESERVED.iter().position(|r| k == r) {
                Some(i) => {
                    if out[i].is_some() {
                        errors.at(k.span(), format!("argument `{k}` is given twice"));
                    }
                    out[i] = Some((k.clone(), v.clone()));
                    false
                }
                None => true,
            },
            _ => true,
        });
        self.errors.append(errors);
        out
    }

    /// `device =` / `dtype =` / `generator =` in a child's `new(...)`: the options and the
    /// generator are passed on automatically.
    pub fn reject_reserved(&mut self) {
        let errors = &mut self.errors;
        self.args.retain(|a| match a {
            Arg::Keyword(k, _) if k == "device" || k == "dtype" || k == "generator" => {
                errors.at(
                    k.span(),
                    format!("`{k}` is passed to children automatically; remove `{k} = ...` here"),
                );
                false
            }
            _ => true,
        });
    }

    /// A closure `|b| b.__positional(x).__positional(y).kw(z).__finish()` for `__private_0_1::*_with`,
    /// building a `module`, whose keywords are checked by name when it is given (see
    /// [`names_a_concrete_type`]). `finish_span` is where a missing required argument is reported.
    pub fn builder_closure(
        &self,
        krate: &Path,
        module: Option<&dyn ToTokens>,
        finish_span: Span,
    ) -> TokenStream {
        // Each step is spanned at its argument, so "given twice", "too many", "no method" and
        // type errors point at the argument. Step `i` reads `__b{i}` and binds `__b{i+1}`; each
        // variable takes the span of the step that reads it, at its binding too, so binding
        // and use always share one hygiene context — also when the arguments come from
        // different contexts (a `macro_rules!` body mixing its own tokens with its caller's).
        let spans: Vec<Span> = self
            .args
            .iter()
            .map(|a| match a {
                Arg::Positional(e) => e.span(),
                Arg::Keyword(k, _) => k.span(),
            })
            .chain([finish_span])
            .collect();
        let var = |i: usize| Ident::new(&format!("__b{i}"), spans[i]);
        let positionals = self
            .args
            .iter()
            .filter(|a| matches!(a, Arg::Positional(_)))
            .count();
        let steps = self.args.iter().enumerate().map(|(i, a)| {
            let (cur, next) = (var(i), var(i + 1));
            match a {
                // `value.into()` names no type of its own: it gets the declared type, exactly,
                // as before conversions (so `3.into()` for a kernel size still compiles).
                Arg::Positional(e) if is_bare_into(e) => {
                    quote_spanned!(e.span()=> let #next = #cur.__positional::<#positionals, _>(#krate::__private_0_1::Exact(#e));)
                }
                // A method call, so that a derived builder's inherent `__positional` (whose bound
                // names the argument) is found before the trait's.
                Arg::Positional(e) => {
                    quote_spanned!(e.span()=> let #next = #cur.__positional::<#positionals, _>(#e);)
                }
                // Through `keyword_known`, so that an unknown keyword is one error in the user's
                // words (`construct/keyword.rs` in modules-core).
                Arg::Keyword(k, e) => {
                    let Some(module) = module else {
                        return quote_spanned!(k.span()=> let #next = #cur.#k(#e););
                    };
                    let name = k.unraw().to_string();
                    let checked = respan(
                        quote! {
                            #krate::__private_0_1::Keyword::<{
                                #krate::__private_0_1::keyword_known(
                                    <#module as #krate::SupportsDevice>::ARGUMENTS, #name
                                )
                            }>::this(#cur)
                        },
                        k.span(),
                    );
                    quote_spanned!(k.span()=> let #next = #checked.#k(#e);)
                }
            }
        });
        let (first, last) = (var(0), var(self.args.len()));
        // A method call: a derived builder's (or `SingleArg`'s) inherent `__finish`, whose bounds
        // name a missing argument, comes before `FinishAny`'s, which every other builder takes.
        let finish = quote_spanned!(finish_span=> #last.__finish());
        quote!(|#first| {
            #[allow(unused_imports)]
            use #krate::arguments::Positional as _;
            #[allow(unused_imports)]
            use #krate::__private_0_1::FinishAny as _;
            #(#steps)* #finish
        })
    }

    /// The argument-list errors, if any. When there are some, callers emit only them (and a
    /// diverging placeholder), so the user sees those errors and no cascade.
    pub fn compile_errors(&self) -> Option<TokenStream> {
        if self.errors.is_empty() {
            return None;
        }
        let errors = self.errors.to_compile_error();
        Some(quote!({ #errors ::std::panic!() }))
    }
}

/// `tokens` with every span set to `span`, inside groups too.
pub fn respan(tokens: TokenStream, span: proc_macro2::Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut t| {
            if let proc_macro2::TokenTree::Group(g) = &t {
                let mut inner = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                inner.set_span(span);
                return inner.into();
            }
            t.set_span(span);
            t
        })
        .collect()
}
