//! `scan_canonical` against serde_json on headers in the writers' layout and off it.

use proptest::prelude::*;

use super::header::scan_json;
use super::header_fast::scan_canonical;

/// Declares `Twist` and `TWISTS`, every variant once.
macro_rules! twists {
    ($($variant:ident),* $(,)?) => {
        /// One way a header can leave the writers' layout (`None`: it stays in it).
        #[derive(Clone, Copy, Debug, PartialEq)]
        enum Twist {
            $($variant,)*
        }
        const TWISTS: &[Twist] = &[$(Twist::$variant,)*];
    };
}

twists!(
    None,
    SpaceAfterColon,
    FieldsReordered,
    EscapedName,
    NonAsciiName,
    MetadataNumber,
    DuplicateName,
    LeadingZero,
    Float,
    Negative,
    Overflow,
    TrailingNewline,
    TrailingGarbage,
    ControlCharacter,
    Truncated,
);

/// Any twist, and `None` (the writers' layout) as often as three twists.
fn twist() -> impl Strategy<Value = Twist> {
    let mut all = TWISTS.to_vec();
    all.extend([Twist::None, Twist::None]);
    prop::sample::select(all)
}

/// A header with `tensors` (shape, length) entries and one twist applied somewhere.
fn header(tensors: &[(Vec<usize>, usize)], metadata: bool, twist: Twist, at: usize) -> String {
    let colon = if twist == Twist::SpaceAfterColon {
        ": "
    } else {
        ":"
    };
    let mut parts = Vec::new();
    if metadata || twist == Twist::MetadataNumber {
        let value = if twist == Twist::MetadataNumber {
            "1"
        } else {
            "\"pt\""
        };
        parts.push(format!("\"__metadata__\"{colon}{{\"format\"{colon}{value}}}"));
    }
    let mut offset = 0;
    for (i, (shape, len)) in tensors.iter().enumerate() {
        let here = i == at % tensors.len().max(1);
        let mut name = format!("layers.{i}.weight");
        match twist {
            Twist::EscapedName if here => name.push_str("\\\"q"),
            Twist::NonAsciiName if here => name.push('é'),
            Twist::ControlCharacter if here => name.push('\t'),
            Twist::DuplicateName if here && i > 0 => name = "layers.0.weight".into(),
            _ => {}
        }
        let mut dims: Vec<String> = shape.iter().map(usize::to_string).collect();
        let mut end = (offset + len).to_string();
        match twist {
            Twist::LeadingZero if here => end.insert(0, '0'),
            Twist::Float if here => end.push_str(".0"),
            Twist::Negative if here => dims.push("-1".into()),
            Twist::Overflow if here => dims.push("18446744073709551616".into()),
            _ => {}
        }
        let dtype = format!("\"dtype\"{colon}\"BF16\"");
        let shape = format!("\"shape\"{colon}[{}]", dims.join(","));
        let offsets = format!("\"data_offsets\"{colon}[{offset},{end}]");
        let fields = if twist == Twist::FieldsReordered && here {
            [shape, dtype, offsets]
        } else {
            [dtype, shape, offsets]
        };
        parts.push(format!("\"{name}\"{colon}{{{}}}", fields.join(",")));
        offset += len;
    }
    let mut h = format!("{{{}}}", parts.join(","));
    match twist {
        Twist::TrailingNewline => h.push('\n'),
        Twist::TrailingGarbage => h.push('x'),
        Twist::Truncated => h.truncate(h.len() / 2),
        _ => h.push_str("   "),
    }
    h
}

proptest! {
    /// On every header it accepts the fast scan gives serde_json's entries, and it accepts every
    /// header in the writers' layout.
    #[test]
    fn agrees_with_serde_json(
        tensors in proptest::collection::vec(
            (proptest::collection::vec(0usize..100_000, 0..4), 0usize..1 << 40),
            0..6,
        ),
        metadata in any::<bool>(),
        twist in twist(),
        at in 0usize..6,
    ) {
        let h = header(&tensors, metadata, twist, at);
        let fast = scan_canonical(&h);
        if let Some(fast) = &fast {
            let json = scan_json(&h).ok();
            prop_assert_eq!(Some(fast), json.as_ref(), "{}", h);
        }
        // A twist on an entry that does not exist leaves the layout canonical.
        let applied = match twist {
            Twist::None => false,
            Twist::DuplicateName => tensors.len() > 1 && at % tensors.len() > 0,
            Twist::MetadataNumber | Twist::TrailingGarbage | Twist::TrailingNewline => true,
            Twist::Truncated => true,
            Twist::SpaceAfterColon => metadata || !tensors.is_empty(),
            _ => !tensors.is_empty(),
        };
        // Only a name with 'é' stays in the layout: a '"' never occurs inside UTF-8.
        let canonical = !applied || twist == Twist::NonAsciiName;
        prop_assert_eq!(fast.is_some(), canonical, "{}", h);
    }
}

#[test]
fn reads_the_writers_layout() {
    let h = r#"{"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"a":{"dtype":"I64","shape":[],"data_offsets":[24,32]}}  "#;
    let entries = scan_canonical(h).unwrap();
    let json = scan_json(h).ok();
    assert_eq!(Some(&entries), json.as_ref());
    assert_eq!(entries[0].0, "b");
    assert_eq!(*entries[0].1.shape, [2, 3]);
    assert_eq!(entries[1].1.data_offsets, (24, 32));
    assert_eq!(scan_canonical("{}").unwrap().len(), 0);
    assert!(scan_canonical("{} x").is_none());
}
