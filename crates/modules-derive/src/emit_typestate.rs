//! The arguments struct and its typestate builder: one type parameter per argument records
//! whether it was given, one inherent impl per position takes the next positional value, one
//! setter per keyword, and `finish` fills in the defaults. Misuse fails a bound whose wording
//! `emit_diagnostics` supplies.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Visibility;

use crate::names::Names;

pub fn emit(names: &Names<'_>, vis: &Visibility) -> TokenStream {
    let Names {
        ident,
        decls,
        args_ty,
        builder_ty,
        slots,
        a,
        ..
    } = names;
    let arg_names = names.arg_names();
    let tys = names.arg_types();
    let positional = (0..decls.len()).map(|i| positional(names, i));
    let overflow = overflow(names);
    let keyword_setters = (0..decls.len()).map(|i| keyword_setter(names, i));
    let (finish_bounds, finish_body) = finish(names);
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
                #finish_body
            }

            /// What `skip_init!` calls last: found before `FinishAny`'s, and its bounds name a
            /// missing argument.
            #[doc(hidden)]
            pub fn __finish(self) -> #args_ty
            where
                #(#finish_bounds,)*
            {
                self.finish()
            }
        }

        #[allow(non_camel_case_types)]
        #[diagnostic::do_not_recommend]
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

/// The slot list with slot `i` replaced.
fn slots_with(names: &Names<'_>, i: usize, replacement: &TokenStream) -> Vec<TokenStream> {
    let slots = names.slots.iter().enumerate();
    slots
        .map(|(j, s)| if j == i { replacement.clone() } else { quote!(#s) })
        .collect()
}

/// The builder value with slot `i` set to `value` (a struct literal's fields in any order).
fn builder_with_value(names: &Names<'_>, i: usize) -> TokenStream {
    let (a, builder_ty) = (&names.a, &names.builder_ty);
    let given = &names.decls[i].name;
    let others = names.decls.iter().map(|d| &d.name).filter(|n| *n != given);
    quote!(#builder_ty { __position: ::std::marker::PhantomData, #given: #a::Given(value), #(#others: self.#others),* })
}

/// Position `i`: argument i, with the other slots free. What `skip_init!` calls for a
/// positional: the bound names the argument when the value does not convert (`__N`, the call's
/// positional count, is for the overflow), and `x.into()`, which names no type of its own,
/// takes the declared type exactly.
fn positional(names: &Names<'_>, i: usize) -> TokenStream {
    let Names {
        krate, builder_ty, a, ..
    } = names;
    let ty = names.decls[i].ty.clone();
    let free = names
        .slots
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != i)
        .map(|(_, s)| s);
    let before = slots_with(names, i, &quote!(#a::NotGiven));
    let after = slots_with(names, i, &quote!(#a::Given<#ty>));
    let value = builder_with_value(names, i);
    let next = i + 1;
    let arg = names.diagnostic(&names.decls[i].name, "arg");
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
        }
    }
}

/// The position after the last: a value there is one positional too many.
fn overflow(names: &Names<'_>) -> TokenStream {
    let Names {
        builder_ty,
        names_mod,
        slots,
        a,
        ..
    } = names;
    let n = names.decls.len();
    quote! {
        #[allow(non_camel_case_types)]
        impl<#(#slots),*> #builder_ty<#a::Position<#n>, #(#slots),*> {
            #[doc(hidden)]
            pub fn __positional<const __N: usize, __V: #names_mod::too_many_positional<__N>>(
                self,
                _value: __V,
            ) -> Self {
                self
            }
        }
    }
}

/// The setter of argument `i` by keyword.
fn keyword_setter(names: &Names<'_>, i: usize) -> TokenStream {
    let Names {
        krate, builder_ty, a, ..
    } = names;
    let (name, ty, slot) = (&names.decls[i].name, &names.decls[i].ty, &names.slots[i]);
    let after = slots_with(names, i, &quote!(#a::Given<#ty>));
    let value = builder_with_value(names, i);
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
}

/// `finish`'s bounds (each required argument given) and body (defaults filled in).
fn finish(names: &Names<'_>) -> (Vec<TokenStream>, TokenStream) {
    let Names {
        decls, args_ty, p, ..
    } = names;
    let bounds = decls.iter().zip(&names.slots).map(|(d, s)| {
        let ty = &d.ty;
        if d.default.is_some() {
            quote!(#s: #p::Slot<#ty>)
        } else {
            let given = names.diagnostic(&d.name, "given");
            quote!(#s: #given<#ty>)
        }
    });
    let values = decls.iter().map(|d| {
        let (name, ty) = (&d.name, &d.ty);
        match &d.default {
            // The default is checked against the declared type on its own, at its span: a
            // wrong type is "the default of `bias` must be `bool`" there, not a `match` arm
            // error. Every token of the call carries the default's span, so the error
            // underlines only it.
            Some(default) => {
                let check = names.diagnostic(name, "default");
                let check = crate::args::respan(check, default.span());
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
    let arg_names = names.arg_names();
    let body = quote! {
        #(#values)*
        #args_ty { #(#arg_names),* }
    };
    (bounds.collect(), body)
}
