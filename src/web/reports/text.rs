//! What every export of the report writes the same way: the note on bots, the money sources'
//! keys and plain decimal amounts. A leaf, which the CSV, Markdown and JSON exports import.

use crate::funding::Source;

/// What every export says about bots.
pub const EXCLUDED: &str = "Issues and pull requests opened by bots are not counted anywhere in this report; releases \
                            count whoever published them.";

/// A stable key per money source, for scripts.
pub fn source_key(s: Source) -> &'static str {
    match s {
        Source::GitHubSponsors => "github_sponsors",
        Source::OpenCollective => "open_collective",
        Source::FundingJson => "funding_json",
        Source::Grant => "grants",
        Source::Other => "other",
    }
}

/// `1234567` → `12345.67`: no grouping, so spreadsheets read it as a number.
pub fn plain(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.unsigned_abs() / 100, cents.unsigned_abs() % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_plain_decimals() {
        assert_eq!(plain(1_200_000), "12000.00");
        assert_eq!(plain(-5), "-0.05");
    }
}
