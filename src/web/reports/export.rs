//! The impact report as CSV, JSON and Markdown, from the same [`Report`] as the page.
//!
//! - **CSV** (`?format=csv`): one row per figure under the header
//!   `section,measure,unit,before,value`. `section` is `period`, `window`, `outputs`,
//!   `before_after` or `money_received`; `value` is the figure for the period (for `before_after`
//!   rows: the window from the period start, "during"), `before` the same measure over the
//!   equal-length window before the period start (empty where it does not apply). Empty means
//!   not enough data. A first-response median starting with `>` is a lower bound (more than
//!   half of the items were still unanswered). Money rows name the source in `measure` and the
//!   currency in `unit`, one row per currency, amounts as plain decimals (`12000.00`).
//! - **JSON** (`?format=json`, `/api/v1/reports/{owner}/{name}`): see [`super::json`]; its names are
//!   the CSV's `measure` names.
//! - **Markdown** (`?format=md`): for pasting into a grant report; see [`markdown`].

use super::compute::Report;
use super::json::money;
use super::params::ReportScope;
use super::text::EXCLUDED;
use super::view::{self, compare, day, outputs};
use crate::funding::report::BeforeAfter;
use crate::metrics::{Quantile, Window};
use crate::web::csv::Csv;
use crate::web::funding::entries::Note;

/// The CSV document (see the module doc for its columns).
pub fn csv(r: &Report, scope: &ReportScope) -> Csv {
    let n = &r.numbers;
    let mut csv = Csv::default();
    csv.row(["section", "measure", "unit", "before", "value"]);
    let window_day = |w: Window, last: bool| match (w.duration() > 0, last) {
        (false, _) => String::new(),
        (true, false) => day(w.from),
        (true, true) => day(w.to - 1),
    };
    csv.row(["period", "from", "date", "", &day(n.period.from)]);
    csv.row(["period", "to", "date", "", &day(n.period.to - 1)]);
    csv.row(["period", "basis", "text", "", scope.basis.as_str()]);
    csv.row(["window", "from", "date", &window_day(n.before, false), &window_day(n.after, false)]);
    csv.row(["window", "to", "date", &window_day(n.before, true), &window_day(n.after, true)]);
    let o = [
        ("merged_prs", n.merged_prs),
        ("closed_issues", n.closed_issues),
        ("releases", n.releases),
        ("new_contributors", n.new_contributors),
        ("returning_first_timers", n.returning_first_timers),
    ];
    for (measure, value) in o {
        csv.row(["outputs", measure, "count", "", &value.to_string()]);
    }
    let opt = |v: Option<String>| v.unwrap_or_default();
    let secs = |q: Option<Quantile>| opt(q.map(|q| format!("{}{}", if q.is_exact() { "" } else { ">" }, q.secs())));
    let both = |b: BeforeAfter<String>| [b.before, b.after];
    let rows: [(&str, &str, [String; 2]); 5] = [
        ("first_response_median", "seconds", both(n.first_response.map(|q| secs(*q)))),
        ("open_issues_at_window_start", "count", both(n.open_issues.map(|o| opt(o.map(|o| o.start.to_string()))))),
        ("open_issues_at_window_end", "count", both(n.open_issues.map(|o| opt(o.map(|o| o.end.to_string()))))),
        ("change_request_closure_ratio", "ratio", both(n.closure_ratio.map(|r| opt(r.map(|r| format!("{r:.2}")))))),
        ("active_maintainers", "count", both(n.active_maintainers.map(|m| opt(m.map(|m| m.to_string()))))),
    ];
    for (measure, unit, [before, after]) in rows {
        csv.row(["before_after", measure, unit, &before, &after]);
    }
    for m in money(&n.received) {
        csv.row(["money_received", m.source, &m.currency, "", &m.amount]);
    }
    csv
}

/// Escapes text for Markdown: punctuation that could start markup is backslash-escaped, and
/// line breaks become spaces, so a name cannot open a link, an HTML tag or a table cell.
pub fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The report as Markdown: title, period, summary, outputs, before/during, money by source,
/// releases, data notes and where it came from (`source_url`, already checked by the caller).
pub fn markdown(r: &Report, scope: &ReportScope, repo: &str, notes: &[Note], source_url: &str) -> String {
    let n = &r.numbers;
    let mut out = format!("# Impact report: {}\n\n", md(repo));
    out += &format!("**Period:** {} ({}).\n\n", view::dates(n.period), md(&view::basis(scope)));
    out += &format!(
        "**Compared windows:** before {}; during {}.\n\n{}\n\n",
        view::dates(n.before),
        view::dates(n.after),
        md(&r.summary)
    );
    out += "## Outputs in the period\n\n| Output | Count |\n|---|---:|\n";
    for o in outputs(r) {
        out += &format!("| {} | {} |\n", o.label, o.value);
    }
    out += "\n## Before and during the period\n\n| Measure | Before | During |\n|---|---:|---:|\n";
    for c in compare(r) {
        out += &format!("| {} | {} | {} |\n", c.label, md(&c.before), md(&c.after));
    }
    out += "\n## Money received\n\n";
    if n.received.is_empty() {
        out += "No money received is recorded for this period.\n";
    } else {
        out += "| Source | Received |\n|---|---|\n";
        for (source, totals) in &n.received {
            out += &format!("| {source} | {totals} |\n");
        }
    }
    if !r.releases.is_empty() {
        out += "\n## Releases in the period\n\n";
        for rel in &r.releases {
            let name = rel.name.as_deref().filter(|name| *name != rel.tag_name).map(md);
            let name = name.map_or(String::new(), |name| format!(": {name}"));
            out += &format!("- {} ({}){name}\n", md(&rel.tag_name), day(rel.published_at));
        }
    }
    out += "\n## Data notes\n\n";
    out += &format!("- {}\n", md(EXCLUDED));
    for note in notes {
        out += &format!("- {}\n", md(&note.text));
    }
    let generated = crate::web::format::datetime(Some(r.generated_at));
    out += &format!(
        "\n---\n\nSource: Upkeep impact report, {source_url}, generated {generated} from GitHub data and the funding sources above.\n"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escaping_defuses_links_tags_and_cells() {
        assert_eq!(md("[x](javascript:y) <b>|a|</b>\nnext"), r"\[x\](javascript:y) \<b\>\|a\|\</b\> next");
        assert_eq!(md("plain text, 1.5 - ok"), "plain text, 1.5 - ok");
    }
}
