//! CSV cells the console writes, made safe to open in a spreadsheet. A cell that begins with
//! `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by Excel, LibreOffice
//! and Google Sheets ("CSV Injection", OWASP); such a cell gets a leading `'`, which those
//! programs show as text and do not evaluate. Shared by every CSV the console serves.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell` as it should be written: unchanged, or with a leading `'` when it would start a
/// formula.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_quoted_and_the_rest_left_alone() {
        for bad in [
            "=1+1",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "=HYPERLINK(\"http://x\")",
        ] {
            assert_eq!(neutralise(bad), format!("'{bad}"), "{bad:?}");
        }
        for fine in ["sensor-001", "", "a=b", "1-2", "'already", " =x"] {
            assert!(
                matches!(neutralise(fine), Cow::Borrowed(s) if s == fine),
                "{fine:?}"
            );
        }
    }
}
