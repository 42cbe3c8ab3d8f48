//! Floats as serde_json writes them (its zmij layout): the shortest digits
//! that read back as the same f64, plain from 1e-5 up to below 1e16
//! (`0.00001`, `12340000000.0`, `1.45`), exponential outside
//! (`1e+16`, `1.5e-7`).
//!
//! In the browser the digits are the browser's own
//! (`Number.prototype.toExponential()`, set by the page with
//! [`set_shortest_digits`]): both pick, of two shortest forms equally near
//! the value, the even one. A wasm module with float formatting of its own
//! would carry kilobytes of code and tables for the few floats a report
//! holds. Natively (tests, tools) zmij writes them.

use std::cell::Cell;

/// The shortest digits of a float, in exponential form (`1.45e+0`, `1e21`).
pub type ShortestDigits = fn(f64) -> String;

thread_local! {
    static SHORTEST: Cell<Option<ShortestDigits>> = const { Cell::new(None) };
}

/// Where the shortest digits of floats come from: the browser's, on the
/// page.
pub fn set_shortest_digits(digits: ShortestDigits) {
    SHORTEST.set(Some(digits));
}

/// A finite `x` as serde_json writes it.
pub(super) fn float_text(x: f64) -> String {
    let Some(digits) = SHORTEST.get() else {
        return native_text(x);
    };
    let mut out = String::new();
    if x.is_sign_negative() {
        out.push('-');
    }
    // The digits are the caller's; a form that does not read is written
    // as the JSON for "no number".
    match layout(&digits(x.abs()), &mut out) {
        Some(()) => out,
        None => "null".to_owned(),
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn native_text(x: f64) -> String {
    zmij::Buffer::new().format_finite(x).to_owned()
}

/// In the browser the page always sets the digits' source.
#[cfg(target_arch = "wasm32")]
fn native_text(_: f64) -> String {
    "null".to_owned()
}

/// `1.45e0` / `1.45e+0` / `1e21` / `2.5e-10` laid out as zmij does.
fn layout(exponential: &str, out: &mut String) -> Option<()> {
    let (mantissa, exp) = exponential.split_once(['e', 'E'])?;
    let exp: i32 = exp.strip_prefix('+').unwrap_or(exp).parse().ok()?;
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let zeros = |out: &mut String, n: i32| (0..n).for_each(|_| out.push('0'));
    let n = digits.len() as i32;
    if !(-5..=15).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        out.push_str(if exp < 0 { "e-" } else { "e+" });
        out.push_str(&exp.unsigned_abs().to_string());
    } else if n - 1 <= exp {
        out.push_str(&digits);
        zeros(out, exp - (n - 1));
        out.push_str(".0");
    } else if exp >= 0 {
        let (whole, fraction) = digits.split_at(exp as usize + 1);
        out.push_str(whole);
        out.push('.');
        out.push_str(fraction);
    } else {
        out.push_str("0.");
        zeros(out, -exp - 1);
        out.push_str(&digits);
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::layout;

    fn zmij(x: f64) -> String {
        zmij::Buffer::new().format_finite(x).to_owned()
    }

    fn laid_out(exponential: &str) -> Option<String> {
        let mut out = String::new();
        layout(exponential, &mut out).map(|()| out)
    }

    /// zmij's text of a non-negative float in the exponential form the
    /// browser gives (`1.45e+0`, `1e-7`): its digits and exponent.
    fn exponential(text: &str) -> String {
        let (mantissa, exp) = text.split_once('e').unwrap_or((text, "0"));
        let exp: i32 = exp.parse().unwrap();
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all = format!("{whole}{fraction}");
        let lead = all.len() - all.trim_start_matches('0').len();
        let digits = all.trim_start_matches('0').trim_end_matches('0');
        if digits.is_empty() {
            return "0e+0".into();
        }
        let exp = exp + whole.len() as i32 - 1 - lead as i32;
        let (first, rest) = digits.split_at(1);
        let point = if rest.is_empty() { "" } else { "." };
        format!(
            "{first}{point}{rest}e{}{exp}",
            if exp < 0 { "" } else { "+" }
        )
    }

    #[test]
    fn plain_and_exponential_where_zmij_puts_them() {
        for x in [
            0.0,
            1.0,
            10.0,
            0.1,
            1.45,
            0.9375,
            29.97,
            1e15,
            1e16,
            1.5e-5,
            1e-5,
            1e-6,
            1.2345e-7,
            1e21,
            1e22,
            12340000000.0,
            3.0e100,
            2.5e-10,
            0.00001234,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            123456789012345678.0,
            1907834582772101.2,
        ] {
            assert_eq!(laid_out(&exponential(&zmij(x))), Some(zmij(x)), "{x:e}");
        }
    }

    #[test]
    fn reads_the_browsers_exponential_form() {
        assert_eq!(laid_out("1.45e+0").as_deref(), Some("1.45"));
        assert_eq!(laid_out("1e+21").as_deref(), Some("1e+21"));
        assert_eq!(laid_out("2.5e-10").as_deref(), Some("2.5e-10"));
        assert_eq!(laid_out("0e+0").as_deref(), Some("0.0"));
        assert_eq!(laid_out("NaN"), None);
        assert_eq!(laid_out("1.x5e+0"), None);
    }

    proptest! {
        #[test]
        fn any_finite_float_as_zmij_writes_it(bits in any::<u64>()) {
            let x = f64::from_bits(bits).abs();
            prop_assume!(x.is_finite());
            prop_assert_eq!(laid_out(&exponential(&zmij(x))), Some(zmij(x)));
        }
    }
}
