//! The arguments struct and its typestate builder: one type parameter per argument records
//! whether it was given, one `Positional` impl per position takes the next positional value,
//! one setter per keyword, and `finish` fills in the defaults. Misuse fails a bound whose
//! wording `emit_diagnostics` supplies.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Visibility;

use crate::emit_new::Names;

pub fn emit(names: &Names<'_>, vis: &Visibility) -> TokenStream {
    let Names {
        ident,
        krate,
        decls,
        args_ty,
        builder_ty,
        names_mod,
        slots,
        p,
        a,
    } = names;
    let arg_names = names.arg_names();
    let tys = names.arg_types();
    let n = decls.len();

    // The slot list with slot `i` replaced, and the builder value with slot `i` set to `value`.
    let slots_with = |i: usize, replacement: TokenStream| -> Vec<TokenStream> {
        slots
            .iter()
            .enumerate()
            .map(|(j, s)| if j == i { replacement.clone() } else { quote!(#s) })
            .collect()
    };
    let builder_with_value = |i: usize| {
        let moves = arg_names.iter().enumerate().map(|(j, nm)| {
            if j == i {
                quote!(#nm: #a::Given(value))
            } else {
                quote!(#nm: self.#nm)
            }
        });
        quote!(#builder_ty { __position: ::std::marker::PhantomData, #(#moves),* })
    };

    // One `Positional` impl per position: argument i, with the other slots free.
    let positional = (0..n).map(|i| {
        let ty = tys[i];
        let free = slots.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, s)| s);
        let before = slots_with(i, quote!(#a::NotGiven));
        let after = slots_with(i, quote!(#a::Given<#ty>));
        let value = builder_with_value(i);
        let next = i + 1;
        let free: Vec<_> = free.collect();
        let arg = names.diagnostic(arg_names[i], "arg");
        // What `skip_init!` calls for a positional: the bound names the argument when the value
        // does not convert (`__N`, the call's positional count, is for the overflow), and
        // `x.into()`, which names no type of its own, takes the declared type exactly.
        quote! {
            #[allow(non_camel_case_types)]
            impl<#(#free),*> #builder_ty<#a::Position<#i>, #(#before),*> {
                #[doc(hidden)]
                pub fn __positional<const __N: usize, __V: #arg<#ty>>(
                    self,
                    value: __V,
                ) -> #builder_ty<#a::Position<#next>, #(#after),*> {
                    let value: #ty = #krate::IntoArg::into_arg(value);
                    #value
                }

                #[doc(hidden)]
                pub fn __positional_exact(self, value: #ty) -> #builder_ty<#a::Position<#next>, #(#after),*> {
                    #value
                }
            }
        }
    });

    // The position after the last: values there are one positional too many.
    let overflow = quote! {
        #[allow(non_camel_case_types)]
        impl<#(#slots),*> #builder_ty<#a::Position<#n>, #(#slots),*> {
            #[doc(hidden)]
            pub fn __positional<const __N: usize, __V: #names_mod::too_many_positional<__N>>(
                self,
                _value: __V,
            ) -> Self {
                self
            }

            #[doc(hidden)]
            pub fn __positional_exact(self, value: #krate::TooManyPositionalArguments) -> Self {
                match value {}
            }
        }
    };

    let keyword_setters = (0..n).map(|i| {
        let (name, ty, slot) = (arg_names[i], tys[i], &slots[i]);
        let after = slots_with(i, quote!(#a::Given<#ty>));
        let value = builder_with_value(i);
        let doc = format!("Sets `{name}`.");
        let (arg, not_given) = (names.diagnostic(name, "arg"), names.diagnostic(name, "not_given"));
        quote! {
            #[doc = #doc]
            pub fn #name<__V: #arg<#ty>>(self, value: __V) -> #builder_ty<P, #(#after),*>
            where
                #slot: #not_given,
            {
                let value: #ty = #krate::IntoArg::into_arg(value);
                #value
            }
        }
    });

    let finish_bounds = decls.iter().zip(slots).map(|(d, s)| {
        let (name, ty) = (&d.name, &d.ty);
        if d.default.is_some() {
            quote!(#s: #p::Slot<#ty>)
        } else {
            let given = names.diagnostic(name, "given");
            quote!(#s: #given<#ty>)
        }
    });
    let finish_bounds: Vec<TokenStream> = finish_bounds.collect();
    let finish_values = decls.iter().map(|d| {
        let (name, ty) = (&d.name, &d.ty);
        match &d.default {
            // The default is checked against the declared type on its own, at its span: a
            // wrong type is "the default of `bias` must be `bool`" there, not a `match` arm error.
            Some(default) => {
                // Every token of the call at the default, so the error underlines only it.
                // Every token of the call at the default, so the error underlines only it.
                let check = names.diagnostic(name, "default");
                let check = crate::emit_new::respan(check, default.span());
                let checked = quote_spanned!(default.span()=> <_ as #check<#ty>>::check(#default));
                quote! {
                    let #name = match #p::Slot::into_option(self.#name) {
                        ::std::option::Option::Some(v) => v,
                        ::std::option::Option::None => #checked,
                    };
                }
            }
            None => {
                let given = names.diagnostic(name, "given");
                quote!(let #name = #given::<#ty>::value(self.#name);)
            }
        }
    });

    let arg_docs = decls
        .iter()
        .map(|d| format!("Constructor argument `{}`.", d.name));
    let args_doc = format!("The arguments of [`{ident}`]'s constructor, resolved (defaults filled in).");
    let builder_doc = format!(
        "Builds [`{args_ty}`] one argument at a time; `skip_init!` and child declarations use it. \
         Which arguments are set is tracked in the type, so a missing, repeated or unknown argument \
         is a compile error."
    );
    quote! {
        #[doc = #args_doc]
        #[derive(Clone, Debug)]
        #vis struct #args_ty {
            #( #[doc = #arg_docs] pub #arg_names: #tys, )*
        }

        #[doc = #builder_doc]
        #[must_use = "call `.finish()` to get the arguments"]
        #[allow(non_camel_case_types)]
        #vis struct #builder_ty<P, #(#slots),*> {
            __position: ::std::marker::PhantomData<P>,
            #( #arg_names: #slots, )*
        }

        #(#positional)*
        #overflow

        #[allow(non_camel_case_types)]
        impl<P, #(#slots),*> #builder_ty<P, #(#slots),*> {
            #(#keyword_setters)*

            /// The arguments, with defaults for those not given.
            pub fn finish(self) -> #args_ty
            where
                #(#finish_bounds,)*
            {
                #(#finish_values)*
                #args_ty { #(#arg_names),* }
            }
        }

        #[allow(non_camel_case_types)]
        impl<P, #(#slots),*> #a::Finish<#args_ty> for #builder_ty<P, #(#slots),*>
        where
            #(#finish_bounds,)*
        {
            fn finish(self) -> #args_ty {
                #builder_ty::finish(self)
            }
        }
    }
}
