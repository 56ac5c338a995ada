//! [`Money`], [`Currency`] and [`Totals`]: amounts that never mix currencies by accident.
//!
//! Owns the ISO 4217 code newtype, amounts in hundredths of a unit ("cents", for every currency,
//! so a JPY amount also carries two decimals), per-currency [`Totals`] and the one explicit way to
//! put different currencies on one line: [`convert`] with a caller-supplied [`Rates`] table, whose
//! result carries the note "converted at …" for display.
//!
//! Deliberately not here: fetching exchange rates (there is no rate source in this crate) and
//! locale-specific formatting. Display is always `1,234.56 USD`: plain, sortable, unambiguous.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An ISO 4217 currency code: exactly three ASCII uppercase letters (`USD`, `EUR`).
///
/// Only the shape is checked; whether the code is currently assigned is not, so a new or
/// historical code is still accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

/// Why a string is not a currency code, or why a conversion cannot be done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("invalid currency code {0:?}, expected three uppercase letters (ISO 4217)")]
    InvalidCurrency(String),
    #[error("no exchange rate from {from} to {to}")]
    NoRate { from: Currency, to: Currency },
}

impl Currency {
    pub const USD: Currency = Currency(*b"USD");
    pub const EUR: Currency = Currency(*b"EUR");

    /// Checks the shape of `code`; lowercase is rejected rather than fixed so typos surface.
    pub fn new(code: &str) -> Result<Self, MoneyError> {
        match code.as_bytes() {
            &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_uppercase) => Ok(Currency([a, b, c])),
            _ => Err(MoneyError::InvalidCurrency(code.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII uppercase bytes get in, see `new`.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::new(s)
    }
}

impl TryFrom<String> for Currency {
    type Error = MoneyError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Currency::new(&s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.as_str().to_owned()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount in hundredths of a unit of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub cents: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(cents: i64, currency: Currency) -> Self {
        Self { cents, currency }
    }

    /// From a decimal amount as written in funding.json or a config file (`12.5` → 1250 cents),
    /// rounded half away from zero. `None` for NaN, infinities and amounts beyond ±9e16 units.
    pub fn from_units(units: f64, currency: Currency) -> Option<Self> {
        let cents = (units * 100.0).round();
        (cents.is_finite() && cents.abs() < 9e18).then(|| Money::new(cents as i64, currency))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", format_cents(self.cents), self.currency)
    }
}

/// `123456` → `1,234.56`; `-5` → `-0.05`.
pub fn format_cents(cents: i64) -> String {
    let abs = cents.unsigned_abs();
    let digits = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(d);
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{grouped}.{:02}", abs % 100)
}

/// Amounts per currency. Adding money in a new currency adds a line; it is never summed into
/// another currency (use [`convert`] for that, explicitly).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals(BTreeMap<Currency, i64>);

impl Totals {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds to the line for `m.currency` (saturating, so absurd inputs cannot panic).
    pub fn add(&mut self, m: Money) {
        let line = self.0.entry(m.currency).or_insert(0);
        *line = line.saturating_add(m.cents);
    }

    /// Adds every line of `other`.
    pub fn merge(&mut self, other: &Totals) {
        for m in other.iter() {
            self.add(m);
        }
    }

    /// The amount in `currency`, if there is a line for it.
    pub fn get(&self, currency: Currency) -> Option<Money> {
        self.0.get(&currency).map(|&cents| Money::new(cents, currency))
    }

    /// The lines, ordered by currency code.
    pub fn iter(&self) -> impl Iterator<Item = Money> + '_ {
        self.0.iter().map(|(&currency, &cents)| Money::new(cents, currency))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every line divided by `n`, rounded half away from zero; `None` when `n` is zero.
    pub fn divided_by(&self, n: u64) -> Option<Totals> {
        (n > 0).then(|| Totals(self.0.iter().map(|(&c, &cents)| (c, div_round(cents as i128, n as i128))).collect()))
    }
}

impl FromIterator<Money> for Totals {
    fn from_iter<I: IntoIterator<Item = Money>>(iter: I) -> Self {
        let mut totals = Totals::new();
        iter.into_iter().for_each(|m| totals.add(m));
        totals
    }
}

/// `1,000.00 EUR and 250.00 USD`, or `nothing` when empty.
impl fmt::Display for Totals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.iter().map(|m| m.to_string()).collect();
        match lines.as_slice() {
            [] => f.write_str("nothing"),
            [one] => f.write_str(one),
            [rest @ .., last] => write!(f, "{} and {last}", rest.join(", ")),
        }
    }
}

/// `num / den` rounded half away from zero (`den > 0`), clamped into `i64`.
pub(crate) fn div_round(num: i128, den: i128) -> i64 {
    let q = (num.abs() + den / 2) / den;
    let q = if num < 0 { -q } else { q };
    q.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// Exchange rates into `base`: `rates[X]` is how many units of `base` one unit of `X` buys.
/// The caller says where they came from and when (`source`), and that text is in every note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    pub base: Currency,
    pub rates: BTreeMap<Currency, f64>,
    pub source: String,
}

/// A converted total and the note that must be shown next to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Converted {
    pub total: Money,
    /// e.g. `converted at 1 EUR = 1.0800 USD (ECB, 2026-03-01)`; empty when nothing was converted.
    pub note: String,
}

/// Puts every line of `totals` into `rates.base`. Fails, naming the currency, when a rate is
/// missing or not a positive finite number: a partial sum would silently drop money.
pub fn convert(totals: &Totals, rates: &Rates) -> Result<Converted, MoneyError> {
    let mut sum = 0i64;
    let mut used = Vec::new();
    for m in totals.iter() {
        if m.currency == rates.base {
            sum = sum.saturating_add(m.cents);
            continue;
        }
        let rate = rates.rates.get(&m.currency).copied().filter(|r| r.is_finite() && *r > 0.0);
        let rate = rate.ok_or(MoneyError::NoRate { from: m.currency, to: rates.base })?;
        sum = sum.saturating_add((m.cents as f64 * rate).round() as i64);
        used.push(format!("1 {} = {rate:.4} {}", m.currency, rates.base));
    }
    let note =
        if used.is_empty() { String::new() } else { format!("converted at {} ({})", used.join(", "), rates.source) };
    Ok(Converted { total: Money::new(sum, rates.base), note })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur() -> Currency {
        Currency::EUR
    }

    #[test]
    fn a_currency_code_is_three_uppercase_letters() {
        assert_eq!(Currency::new("GBP").unwrap().as_str(), "GBP");
        for bad in ["usd", "US", "USDT", "U$D", ""] {
            assert_eq!(Currency::new(bad), Err(MoneyError::InvalidCurrency(bad.to_owned())));
        }
        assert!(serde_json::from_str::<Currency>("\"eur\"").is_err());
        assert_eq!(serde_json::to_string(&Currency::USD).unwrap(), "\"USD\"");
    }

    #[test]
    fn money_displays_with_thousands_separators_and_its_code() {
        assert_eq!(Money::new(123_456, Currency::USD).to_string(), "1,234.56 USD");
        assert_eq!(Money::new(100_000_000, eur()).to_string(), "1,000,000.00 EUR");
        assert_eq!(Money::new(-5, eur()).to_string(), "-0.05 EUR");
        assert_eq!(Money::new(0, eur()).to_string(), "0.00 EUR");
    }

    #[test]
    fn decimal_units_round_to_the_nearest_cent() {
        assert_eq!(Money::from_units(12.5, eur()), Some(Money::new(1250, eur())));
        assert_eq!(Money::from_units(0.125, eur()), Some(Money::new(13, eur())));
        assert_eq!(Money::from_units(f64::NAN, eur()), None);
    }

    #[test]
    fn currencies_are_never_summed_together() {
        let totals: Totals = [Money::new(1000, Currency::USD), Money::new(250, eur()), Money::new(500, Currency::USD)]
            .into_iter()
            .collect();
        assert_eq!(totals.get(Currency::USD), Some(Money::new(1500, Currency::USD)));
        assert_eq!(totals.get(eur()), Some(Money::new(250, eur())));
        assert_eq!(totals.iter().count(), 2);
        assert_eq!(totals.to_string(), "2.50 EUR and 15.00 USD");
        assert_eq!(Totals::new().to_string(), "nothing");
    }

    #[test]
    fn dividing_totals_by_zero_gives_none() {
        let totals: Totals = [Money::new(1001, eur())].into_iter().collect();
        assert_eq!(totals.divided_by(0), None);
        assert_eq!(totals.divided_by(2).unwrap().get(eur()), Some(Money::new(501, eur())));
    }

    #[test]
    fn conversion_needs_an_explicit_rate_and_says_which_it_used() {
        let rates = Rates {
            base: Currency::USD,
            rates: [(eur(), 1.08)].into_iter().collect(),
            source: "ECB, 2026-03-01".to_owned(),
        };
        let totals: Totals = [Money::new(10_000, eur()), Money::new(500, Currency::USD)].into_iter().collect();
        let converted = convert(&totals, &rates).unwrap();
        assert_eq!(converted.total, Money::new(11_300, Currency::USD));
        assert_eq!(converted.note, "converted at 1 EUR = 1.0800 USD (ECB, 2026-03-01)");

        let gbp = Currency::new("GBP").unwrap();
        let with_gbp: Totals = [Money::new(1, gbp)].into_iter().collect();
        assert_eq!(convert(&with_gbp, &rates), Err(MoneyError::NoRate { from: gbp, to: Currency::USD }));
    }

    #[test]
    fn converting_only_the_base_currency_needs_no_note() {
        let rates = Rates { base: Currency::USD, rates: BTreeMap::new(), source: "none".to_owned() };
        let totals: Totals = [Money::new(700, Currency::USD)].into_iter().collect();
        assert_eq!(
            convert(&totals, &rates).unwrap(),
            Converted { total: Money::new(700, Currency::USD), note: String::new() }
        );
    }
}
