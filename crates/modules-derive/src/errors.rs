//! The one error context of the derive and the call macros: every problem is collected with its
//! span and reported at once (serde_derive's `Ctxt`), so a user sees all of their mistakes in
//! one build and none twice.

use proc_macro2::{Span, TokenStream};

#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    pub fn push(&mut self, e: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }

    pub fn at(&mut self, span: Span, msg: impl std::fmt::Display) {
        self.push(syn::Error::new(span, msg));
    }

    /// An error underlining from `first` to `last` (`key = value`): stable proc macros cannot
    /// join spans, but an error spanned on two tokens covers both and what lies between.
    pub fn range(&mut self, first: Span, last: Span, msg: impl std::fmt::Display) {
        use proc_macro2::{Ident, Punct, Spacing, TokenTree};
        let mut end = Punct::new('=', Spacing::Alone);
        end.set_span(last);
        let tokens: TokenStream = [TokenTree::from(Ident::new("key", first)), TokenTree::from(end)]
            .into_iter()
            .collect();
        self.push(syn::Error::new_spanned(tokens, msg));
    }

    /// Moves every error of `other` into this context.
    pub fn append(&mut self, other: Errors) {
        if let Some(e) = other.0 {
            self.push(e);
        }
    }

    /// How many errors so far (a pass compares it before and after).
    pub fn count(&self) -> usize {
        self.0.as_ref().map_or(0, |e| e.into_iter().count())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    pub fn to_compile_error(&self) -> TokenStream {
        self.0
            .as_ref()
            .map(syn::Error::to_compile_error)
            .unwrap_or_default()
    }

    pub fn finish(self) -> Result<(), syn::Error> {
        self.0.map_or(Ok(()), Err)
    }
}

/// `" (did you mean `param`?)"` when one of `known` is a couple of edits from `given`, else
/// nothing. Levenshtein by hand: a dozen lines, where a crate would be a dependency for one
/// message.
pub fn did_you_mean(given: &str, known: &[&str]) -> String {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut prev = row[0];
            row[0] = i + 1;
            for (j, &cb) in b.iter().enumerate() {
                let next = (prev + usize::from(ca != cb)).min(row[j] + 1).min(row[j + 1] + 1);
                prev = row[j + 1];
                row[j + 1] = next;
            }
        }
        row[b.len()]
    }
    let best = known.iter().map(|k| (distance(given, k), *k)).min();
    match best {
        Some((d, k)) if d <= given.len().max(k.len()) / 3 + 1 && d > 0 => format!(" (did you mean `{k}`?)"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_only_close_names() {
        let keys = ["param", "buffer", "flatten", "skip", "skip_repr"];
        assert_eq!(did_you_mean("parma", &keys), " (did you mean `param`?)");
        assert_eq!(did_you_mean("flaten", &keys), " (did you mean `flatten`?)");
        assert_eq!(did_you_mean("skip_rep", &keys), " (did you mean `skip_repr`?)");
        assert_eq!(did_you_mean("constructor", &keys), "");
        assert_eq!(did_you_mean("param", &keys), "");
    }
}
