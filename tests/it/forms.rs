//! Every form on every page, submitted as a browser submits it (HTML's form-submission rules:
//! every named control, empty text fields included, checkboxes only when checked, a select's
//! selected or first option), untouched and then with each field changed in turn. Each
//! submission must answer 200: an empty optional field means "any".

use std::collections::BTreeSet;

use crate::helpers::{get, select, synced_app};

/// Pages that carry forms (any other page's forms are found too: every page below is scanned).
const PAGES: &[&str] = &[
    "/",
    "/repos/upkeep-sim/atlas",
    "/orgs/upkeep-sim",
    "/funding",
    "/funding/upkeep-sim/atlas",
    "/reports/upkeep-sim/atlas",
    "/newcomers",
    "/newcomers/upkeep-sim/atlas",
    "/status",
];

/// One control of a form: its name, what the browser sends untouched, and the other values a
/// person could choose (select options, a checked box, a typed number or date).
struct Control {
    name: String,
    untouched: Option<String>,
    choices: Vec<Option<String>>,
}

struct Form {
    page: String,
    action: String,
    controls: Vec<Control>,
}

/// A date a person might type: 60 days ago for `from`, today for `to`.
fn typed_date(name: &str) -> String {
    let today = chrono::Utc::now().date_naive();
    let day = if name == "from" { today - chrono::Days::new(60) } else { today };
    day.format("%Y-%m-%d").to_string()
}

fn forms_of(page: &str, html: &str) -> Vec<Form> {
    let doc = scraper::Html::parse_document(html);
    let mut forms = Vec::new();
    for form in select(&doc, "form") {
        let method = form.value().attr("method").unwrap_or("get").to_ascii_lowercase();
        assert_eq!(method, "get", "{page}: forms here only read");
        let action = form.value().attr("action").unwrap_or(page).to_owned();
        let mut controls = Vec::new();
        let fields = scraper::Selector::parse("input[name], select[name], textarea[name]").unwrap();
        for field in form.select(&fields) {
            let el = field.value();
            if el.attr("disabled").is_some() {
                continue;
            }
            let name = el.attr("name").unwrap().to_owned();
            let value = el.attr("value").map(str::to_owned);
            let control = match (el.name(), el.attr("type").unwrap_or("text")) {
                ("select", _) => {
                    let options: Vec<String> = field
                        .select(&scraper::Selector::parse("option").unwrap())
                        .map(|o| o.value().attr("value").map(str::to_owned).unwrap_or_else(|| o.text().collect()))
                        .collect();
                    let selected = field
                        .select(&scraper::Selector::parse("option[selected]").unwrap())
                        .next()
                        .map(|o| o.value().attr("value").map(str::to_owned).unwrap_or_else(|| o.text().collect()))
                        .or_else(|| options.first().cloned());
                    Control { name, untouched: selected, choices: options.into_iter().map(Some).collect() }
                }
                ("input", "checkbox" | "radio") => {
                    let on = value.unwrap_or_else(|| "on".to_owned());
                    let checked = el.attr("checked").is_some();
                    let untouched = checked.then(|| on.clone());
                    Control { name, untouched, choices: vec![Some(on), None] }
                }
                ("input", "submit" | "button" | "reset" | "image") => continue,
                ("input", "hidden") => Control { name, untouched: value.clone(), choices: vec![] },
                ("input", "number") => {
                    Control { name, untouched: Some(value.unwrap_or_default()), choices: vec![Some("30".into())] }
                }
                ("input", "date") => {
                    let typed = typed_date(&name);
                    Control {
                        name,
                        untouched: Some(value.unwrap_or_default()),
                        choices: vec![Some(typed), Some(String::new())],
                    }
                }
                _ => Control { name, untouched: Some(value.unwrap_or_default()), choices: vec![Some(String::new())] },
            };
            controls.push(control);
        }
        forms.push(Form { page: page.to_owned(), action, controls });
    }
    forms
}

/// The URL a browser requests: the action with every sent pair, URL-encoded as forms are.
fn submission(form: &Form, changed: Option<(usize, &Option<String>)>) -> String {
    let mut pairs = url::form_urlencoded::Serializer::new(String::new());
    for (i, c) in form.controls.iter().enumerate() {
        let value = match changed {
            Some((j, v)) if j == i => v,
            _ => &c.untouched,
        };
        if let Some(v) = value {
            pairs.append_pair(&c.name, v);
        }
    }
    format!("{}?{}", form.action, pairs.finish())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_form_submitted_as_a_browser_does_answers_200() {
    let (app, _sim, _store) = synced_app(|_| {}).await;

    let mut forms = Vec::new();
    for page in PAGES {
        let (status, html) = get(&format!("{app}{page}")).await;
        assert_eq!(status, 200, "{page}");
        forms.extend(forms_of(page, &html));
    }
    let with_forms: BTreeSet<&str> = forms.iter().map(|f| f.page.as_str()).collect();
    for page in ["/repos/upkeep-sim/atlas", "/orgs/upkeep-sim", "/reports/upkeep-sim/atlas", "/newcomers"] {
        assert!(with_forms.contains(page), "{page} has its form");
    }

    let mut failures = Vec::new();
    let mut submitted = 0;
    for form in &forms {
        let mut urls = vec![submission(form, None)];
        for (i, control) in form.controls.iter().enumerate() {
            for choice in &control.choices {
                urls.push(submission(form, Some((i, choice))));
            }
        }
        for url in urls {
            submitted += 1;
            let (status, body) = get(&format!("{app}{url}")).await;
            if status != 200 {
                let message = body.split("<p").nth(1).unwrap_or(&body).chars().take(200).collect::<String>();
                failures.push(format!("{} → {url}: {status} {message}", form.page));
            }
        }
    }
    println!("{submitted} form submissions over {} forms", forms.len());
    assert!(submitted > 40, "only {submitted} submissions");
    assert!(failures.is_empty(), "{} of {submitted} submissions failed:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untouched_date_form_keeps_the_period_shown() {
    let (app, _sim, _store) = synced_app(|_| {}).await;
    let (_, html) = get(&format!("{app}/repos/upkeep-sim/atlas?window=30")).await;
    let forms = forms_of("/repos/upkeep-sim/atlas", &html);
    let url = submission(&forms[0], None);
    let (status, body) = get(&format!("{app}{url}")).await;
    assert_eq!(status, 200, "{url}");
    assert!(body.contains("(30 days)"), "the 30-day window is kept: {url}");
}
