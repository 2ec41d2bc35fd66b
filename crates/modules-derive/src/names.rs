//! The names that every part of a constructor's emission shares (`emit_new`,
//! `emit_typestate`, `emit_diagnostics`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Ident, Path};

use crate::model::ArgDecl;

/// The names every part of the emission shares.
pub struct Names<'a> {
    pub ident: &'a Ident,
    pub krate: &'a Path,
    pub decls: &'a [ArgDecl],
    /// `LinearArgs`: the resolved arguments.
    pub args_ty: Ident,
    /// `LinearArgsBuilder`: the typestate builder.
    pub builder_ty: Ident,
    /// `Linear_arguments`: the module of per-argument diagnostic traits.
    pub names_mod: Ident,
    /// One type parameter of the builder per argument, named after it, so that errors read
    /// `LinearArgsBuilder::<P, in_features, out_features, bias>`: its slot, given or not.
    pub slots: Vec<Ident>,
    /// `::modules::__private_0_1`.
    pub p: TokenStream,
    /// `::modules::arguments`: the builder states, named in compile errors.
    pub a: TokenStream,
}

impl Names<'_> {
    pub fn arg_names(&self) -> Vec<&Ident> {
        self.decls.iter().map(|d| &d.name).collect()
    }

    pub fn arg_types(&self) -> Vec<&syn::Type> {
        self.decls.iter().map(|d| &d.ty).collect()
    }

    /// `Linear_arguments::bias_arg`: argument `name`'s diagnostic trait of `kind`
    /// (`emit_diagnostics`).
    pub fn diagnostic(&self, name: &Ident, kind: &str) -> TokenStream {
        let (m, t) = (&self.names_mod, format_ident!("{name}_{kind}"));
        quote!(#m::#t)
    }

    /// The builder type with nothing given, and its value.
    pub fn empty_builder(&self) -> (TokenStream, TokenStream) {
        let (a, builder_ty, names) = (&self.a, &self.builder_ty, self.arg_names());
        let not_given = self.slots.iter().map(|_| quote!(#a::NotGiven));
        (
            quote!(#builder_ty<#a::Position<0>, #(#not_given),*>),
            quote!(#builder_ty { __position: ::std::marker::PhantomData, #(#names: #a::NotGiven),* }),
        )
    }
}
