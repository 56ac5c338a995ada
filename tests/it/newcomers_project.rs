//! The newcomer feeds, widget and project page over the dataset of [`crate::newcomers`]: the Atom
//! feeds (well-formed, newest first, per project), the SVG widget, and the project page with its
//! checklist, Newcomer Experience, cohorts and outcomes, and its JSON.

use crate::helpers::{get, json, page, select};
use crate::newcomers::{CONTRIBUTING_DOCS, DAY, HOSTILE_TITLE, HOUR, seeded_app, texts, within};
use chrono::DateTime;
use scraper::Html;
use std::collections::BTreeMap;

// ---- feeds and the widget ----

/// A parsed XML element; parsing fails (panics) on anything not well-formed.
#[derive(Debug, Default)]
pub(crate) struct Element {
    pub(crate) name: String,
    pub(crate) attrs: BTreeMap<String, String>,
    pub(crate) children: Vec<Element>,
    pub(crate) text: String,
}

impl Element {
    pub(crate) fn all<'a>(&'a self, name: &str) -> Vec<&'a Element> {
        self.children.iter().filter(|c| c.name == name).collect()
    }

    pub(crate) fn one(&self, name: &str) -> &Element {
        let found = self.all(name);
        assert_eq!(found.len(), 1, "exactly one <{name}> in <{}>", self.name);
        found[0]
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(';').expect("an entity ends with ;") + at;
        let entity = &rest[at + 1..end];
        out.push(match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            e if e.starts_with("#x") => char::from_u32(u32::from_str_radix(&e[2..], 16).unwrap()).unwrap(),
            e if e.starts_with('#') => char::from_u32(e[1..].parse().unwrap()).unwrap(),
            other => panic!("unknown entity &{other};"),
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

pub(crate) fn parse_xml(doc: &str) -> Element {
    let body = doc.trim_start().strip_prefix("<?xml").and_then(|r| r.split_once("?>")).map_or(doc, |(_, r)| r);
    let mut stack = vec![Element::default()];
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        assert!(!text.contains("]]>"), "]]> in text");
        stack.last_mut().unwrap().text.push_str(&unescape(text));
        let close = rest[open..].find('>').expect("a tag ends with >") + open;
        let tag = &rest[open + 1..close];
        rest = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let done = stack.pop().expect("an open element");
            assert_eq!(done.name, name.trim(), "mismatched closing tag");
            stack.last_mut().expect("a parent").children.push(done);
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (name, mut attrs_text) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
        let mut element = Element { name: name.to_owned(), ..Default::default() };
        while let Some((key, after)) = attrs_text.trim_start().split_once("=\"") {
            let (value, next) = after.split_once('"').expect("a quoted attribute");
            assert!(!value.contains('<'), "< in an attribute");
            assert!(element.attrs.insert(key.to_owned(), unescape(value)).is_none(), "duplicate attribute");
            attrs_text = next;
        }
        assert!(attrs_text.trim().is_empty(), "unparsed attribute text {attrs_text:?}");
        if self_closing {
            stack.last_mut().unwrap().children.push(element);
        } else {
            stack.push(element);
        }
    }
    assert!(rest.trim().is_empty(), "text after the root");
    let mut document = stack.pop().expect("the document");
    assert!(stack.is_empty(), "unclosed elements");
    assert_eq!(document.children.len(), 1, "one root element");
    document.children.pop().unwrap()
}

#[tokio::test]
async fn the_atom_feed_is_well_formed_and_lists_unclaimed_issues_newest_first() {
    let (_store, app, now) = seeded_app().await;
    let (status, body) = get(&format!("{app}/newcomers.atom")).await;
    assert_eq!(status, 200, "{body}");
    let feed = parse_xml(&body);
    assert_eq!(
        (feed.name.as_str(), feed.attrs.get("xmlns").map(String::as_str)),
        ("feed", Some("http://www.w3.org/2005/Atom"))
    );
    for required in ["id", "title", "updated", "author"] {
        feed.one(required);
    }
    let entries = feed.all("entry");
    let titles: Vec<String> = entries.iter().map(|e| e.one("title").text.clone()).collect();
    assert_eq!(
        titles,
        [
            "acme/onboard#1: an ordinary issue".to_owned(),
            "acme/onboard#6: an ordinary issue".to_owned(),
            format!("beta/tool#9: {HOSTILE_TITLE}"),
            "acme/onboard#5: an ordinary issue".to_owned(),
            "beta/tool#10: an ordinary issue".to_owned(),
        ]
    );
    assert_eq!(entries[0].one("id").text, "https://github.com/acme/onboard/issues/1");
    assert_eq!(entries[0].one("link").attrs["href"], "https://github.com/acme/onboard/issues/1");
    let expected_updated =
        DateTime::from_timestamp(now - DAY, 0).unwrap().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(entries[0].one("updated").text, expected_updated);
    let (status, _) = get(&format!("{app}/newcomers.atom?claimed=show")).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_project_feed_holds_only_that_project_and_unknown_projects_are_404() {
    let (_store, app, _) = seeded_app().await;
    let (status, body) = get(&format!("{app}/newcomers/beta/tool.atom")).await;
    assert_eq!(status, 200, "{body}");
    let feed = parse_xml(&body);
    let ids: Vec<String> = feed.all("entry").iter().map(|e| e.one("id").text.clone()).collect();
    assert_eq!(ids, ["https://github.com/beta/tool/issues/9", "https://github.com/beta/tool/issues/10"]);
    let (status, body) = get(&format!("{app}/newcomers/acme/onboard.atom?label=help-wanted")).await;
    assert_eq!(status, 200);
    assert_eq!(parse_xml(&body).all("entry").len(), 1);
    assert_eq!(get(&format!("{app}/newcomers/acme/nope.atom")).await.0, 404);
}

#[tokio::test]
async fn the_widget_is_an_svg_badge_with_a_title() {
    let (_store, app, _) = seeded_app().await;
    let (status, body) = get(&format!("{app}/newcomers/acme/onboard/widget.svg")).await;
    assert_eq!(status, 200);
    let svg = parse_xml(&body);
    assert_eq!(svg.name, "svg");
    assert_eq!(svg.one("title").text, "good first issues: 3 open · replies in 2 h");
    let (status, body) = get(&format!("{app}/newcomers/acme/nope/widget.svg")).await;
    assert_eq!((status, parse_xml(&body).one("title").text.as_str()), (404, "good first issues: repo not tracked"));
}

// ---- the project page ----

/// Expected cohorts: month → (first-timers, returned, did not return, pending), from the module doc.
fn expected_cohorts(now: i64) -> BTreeMap<String, [u64; 4]> {
    let month = |ts: i64| DateTime::from_timestamp(ts, 0).unwrap().format("%Y-%m").to_string();
    let mut out: BTreeMap<String, [u64; 4]> = BTreeMap::new();
    for (first, outcome) in [
        (now - 200 * DAY, 1),
        (now - 200 * DAY + HOUR, 2),
        (now - 180 * DAY, 2),
        (now - 150 * DAY, 2),
        (now - 20 * DAY, 3),
    ] {
        let e = out.entry(month(first)).or_default();
        e[0] += 1;
        e[outcome] += 1;
    }
    out
}

#[tokio::test]
async fn the_project_page_shows_the_checklist_experience_cohorts_and_outcomes() {
    let (_store, app, now) = seeded_app().await;
    let doc = page(&format!("{app}/newcomers/acme/onboard")).await;
    assert_eq!(
        texts(&doc, "#checklist li.missing .name"),
        ["CONTRIBUTING", "CODE_OF_CONDUCT", "Issue templates", "Pull request template"]
    );
    let docs: Vec<&str> =
        select(&doc, "#check-contributing.missing a.docs").iter().filter_map(|a| a.value().attr("href")).collect();
    assert_eq!(docs, [CONTRIBUTING_DOCS]);
    assert_eq!(texts(&doc, "#checklist li.present .name"), ["README", "Licence"]);

    let card = |id: &str| (texts(&doc, &format!("#card-{id} .value")), texts(&doc, &format!("#card-{id} .detail")));
    assert_eq!(card("second-contribution"), (vec!["25%".into()], vec!["1 of 4 first-timers · 1 pending".into()]));
    assert_eq!(card("time-to-second").0, ["50.0 d"]);
    assert_eq!(card("ttfr-first-timers").0, ["3.0 d"]);
    assert_eq!(
        card("first-timer-merge-rate"),
        (vec!["100%".into()], vec!["1 merged, 0 closed unmerged, 1 open".into()])
    );
    assert_eq!(select(&doc, "section.card details.explain").len(), 5, "every card explains itself");

    let cohorts: BTreeMap<String, [u64; 4]> = select(&doc, "#cohort-table tbody tr")
        .iter()
        .map(|r| within(r, "td"))
        .filter(|cells| cells[1] != "0")
        .map(|cells| (cells[0].clone(), [1, 2, 3, 4].map(|i| cells[i].parse().unwrap())))
        .collect();
    assert_eq!(cohorts, expected_cohorts(now));
    assert_eq!(select(&doc, "figure.chart svg").len(), 1);

    let table = |id: &str| -> Vec<Vec<String>> {
        select(&doc, &format!("#{id} tbody tr")).iter().map(|r| within(r, "td").into_iter().take(6).collect()).collect()
    };
    assert_eq!(
        table("outcomes-by-label"),
        [
            ["good first issue", "6", "1", "1", "1", "21.0 d"].map(String::from).to_vec(),
            ["easy", "1", "0", "0", "0", "—"].map(String::from).to_vec(),
            ["help wanted", "1", "0", "0", "0", "—"].map(String::from).to_vec(),
        ]
    );
    let mentors: Vec<(String, String)> =
        table("outcomes-by-mentor").into_iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    assert_eq!(mentors, [("alice".to_owned(), "1".to_owned()), ("(no mentor)".to_owned(), "7".to_owned())]);
}

#[tokio::test]
async fn a_project_without_a_community_profile_says_so() {
    let (_store, app, _) = seeded_app().await;
    let doc = page(&format!("{app}/newcomers/beta/tool")).await;
    assert_eq!(select(&doc, "#no-profile").len(), 1);
    assert!(select(&doc, "#checklist").is_empty());
}

#[tokio::test]
async fn the_project_json_mirrors_the_page_and_bad_requests_fail_cleanly() {
    let (_store, app, _) = seeded_app().await;
    let p = json(&format!("{app}/newcomers/acme/onboard?format=json")).await;
    let conversion = &p["experience"]["second_contribution"]["conversion"];
    assert_eq!([&conversion["returned"], &conversion["did_not_return"], &conversion["pending"]], [1, 3, 1]);
    assert_eq!(p["experience"]["second_contribution"]["median_time_to_second"], 50 * DAY);
    assert_eq!(p["checklist"]["items"][1]["key"], "contributing");
    assert_eq!(p["checklist"]["items"][1]["present"], false);
    // Items still waiting are censored at `now`, so two answers a second apart differ by a
    // second: compare an API answer and a page answer taken within the same second.
    // Both are asked for at once, so only a second's edge (or a loaded machine) parts them.
    let (api_url, page_url) =
        (format!("{app}/api/v1/newcomers/acme/onboard"), format!("{app}/newcomers/acme/onboard?format=json"));
    let mut pair = None;
    for _ in 0..20 {
        let before = chrono::Utc::now().timestamp();
        let answers = tokio::join!(json(&api_url), json(&page_url));
        if chrono::Utc::now().timestamp() == before {
            pair = Some(answers);
            break;
        }
    }
    let (api, page) = pair.expect("two answers within one second");
    assert_eq!((&api["checklist"], &api["outcomes"]), (&page["checklist"], &page["outcomes"]));
    let short = json(&format!("{app}/newcomers/acme/onboard?window=30&format=json")).await;
    assert_eq!(short["experience"]["second_contribution"]["conversion"]["first_timers"], 1, "only frank in 30 days");
    let (status, body) = get(&format!("{app}/newcomers/acme/onboard?window=7")).await;
    assert_eq!(status, 400);
    assert!(texts(&Html::parse_document(&body), ".error-message")[0].contains("30, 90 or 365"));
    let (status, body) = get(&format!("{app}/newcomers/acme/nope")).await;
    assert_eq!(status, 404);
    assert_eq!(select(&Html::parse_document(&body), ".error-message").len(), 1);
}
