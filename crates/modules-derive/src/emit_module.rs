//! `impl Module` (traversal, name, extra_repr) and `impl Display` for a derived struct.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::{DeriveInput, Path};

use crate::attr::{Field, FieldKind, StructAttrs};

pub fn emit(input: &DeriveInput, attrs: &StructAttrs, fields: &[Field], krate: &Path) -> TokenStream {
    let ident = &input.ident;
    let name = attrs
        .name
        .as_ref()
        .map(|n| n.value())
        .unwrap_or_else(|| ident.to_string());

    let visits = fields.iter().filter_map(|f| {
        let FieldKind::Part { flatten, .. } = f.kind else {
            return None;
        };
        let (member, name, ty) = (&f.member, &f.name, &f.ty);
        // Located at the field, so "not a part of a module" points at it, but resolved where the
        // derive is, like `visit`'s own `self` and `__visitor`: the field may come from another
        // hygiene context (a `macro_rules!` that takes the struct body as tokens).
        let at = proc_macro2::Span::call_site().located_at(f.span);
        if flatten {
            return Some(quote_spanned!(at=> <#ty as #krate::Module>::visit(&self.#member, __visitor);));
        }
        Some(quote_spanned!(at=> <#ty as #krate::Part>::visit_part(&self.#member, #name, __visitor);))
    });

    let extra_repr = match &attrs.extra_repr {
        Some(path) => quote!(#path(self)),
        None => {
            let shown: Vec<TokenStream> = fields
                .iter()
                .filter_map(|f| match f.kind {
                    FieldKind::Config { shown: true, .. } => {
                        let (member, name) = (&f.member, &f.name);
                        Some(quote!(format!("{}={:?}", #name, &self.#member)))
                    }
                    _ => None,
                })
                .collect();
            quote!({
                let shown: ::std::vec::Vec<::std::string::String> = ::std::vec![#(#shown),*];
                shown.join(", ")
            })
        }
    };

    let reset = attrs.reset.as_ref().map(|path| {
        quote! {
            fn reset_in_pass(&self, pass: &mut #krate::ResetPass) -> #krate::Result<()> {
                #path(self, pass)
            }
        }
    });

    module_impl(
        input,
        krate,
        &name,
        quote! {
            fn visit<'__a>(&'__a self, __visitor: &mut dyn #krate::Visitor<'__a>) {
                #(#visits)*
            }

            fn extra_repr(&self) -> ::std::string::String {
                #extra_repr
            }

            #reset
        },
    )
}

/// `impl Module` with `type_name` and `members`, then `Display` and `Debug`.
fn module_impl(input: &DeriveInput, krate: &Path, name: &str, members: TokenStream) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let formatting = formatting(input, krate);
    quote! {
        #[automatically_derived]
        #[diagnostic::do_not_recommend]
        impl #impl_generics #krate::Module for #ident #ty_generics #where_clause {
            fn type_name(&self) -> &str {
                #name
            }

            #members
        }

        #formatting
    }
}

/// `Display` and `Debug`: PyTorch's `print(module)`.
fn formatting(input: &DeriveInput, krate: &Path) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::std::fmt::Display for #ident #ty_generics #where_clause {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&#krate::module_repr(self))
            }
        }

        #[automatically_derived]
        impl #impl_generics ::std::fmt::Debug for #ident #ty_generics #where_clause {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&#krate::module_repr(self))
            }
        }
    }
}

/// What a failed derive still emits beside its `compile_error!`: `Module`, `Display` and
/// `Debug` with no members, so that code using the type reports nothing more than the
/// derive's own errors (thiserror's `fallback.rs`).
pub fn fallback(input: &DeriveInput, krate: &Path) -> TokenStream {
    let members = quote!(fn visit<'__a>(&'__a self, _: &mut dyn #krate::Visitor<'__a>) {});
    module_impl(input, krate, &input.ident.to_string(), members)
}
