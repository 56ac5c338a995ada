//! [`validate`]: every problem in a funding.json [`Manifest`], each named by its JSON path.
//!
//! Errors are what the v1 spec forbids or requires (a missing required field, a value outside an
//! enumeration, an invalid currency code, a negative amount, a plan pointing at a channel no
//! channel defines, a guid used twice in one list). Warnings are allowed but unhelpful to a funder
//! (no projects listed, a plan with no channels, history amounts without a currency). Unknown
//! fields are never issues: the spec lets files carry extra keys and the model keeps them.
//!
//! Guids are unique per list (projects, channels, plans), which is how plans refer to channels.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;
use serde_json::Number;

use super::manifest::{Channel, Entity, HistoryItem, Manifest, ManifestUrl, Plan, Project};
use super::money::Currency;

const ENTITY_TYPES: &[&str] = &["individual", "group", "organisation", "other"];
const ENTITY_ROLES: &[&str] = &["owner", "steward", "maintainer", "contributor", "other"];
const CHANNEL_TYPES: &[&str] = &["bank", "payment-provider", "cheque", "cash", "other"];
const PLAN_STATUSES: &[&str] = &["active", "inactive"];
const FREQUENCIES: &[&str] = &["one-time", "weekly", "fortnightly", "monthly", "yearly", "other"];

/// Whether an issue makes the manifest invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem: where (`path` like `funding.plans[2].currency`, or a line and column for JSON
/// that did not parse) and what, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestIssue {
    pub severity: Severity,
    pub path: String,
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl ManifestIssue {
    fn new(severity: Severity, path: &str, message: String) -> Self {
        Self { severity, path: path.to_owned(), message, line: None, column: None }
    }

    /// The single issue for text that is not JSON, or not shaped like the model.
    pub(crate) fn syntax(e: &serde_json::Error) -> Self {
        // serde_json appends " at line L column C" to its message; the fields carry it instead.
        let text = e.to_string();
        let message = text.rsplit_once(" at line ").map_or(text.as_str(), |(m, _)| m).to_owned();
        Self { severity: Severity::Error, path: String::new(), message, line: Some(e.line()), column: Some(e.column()) }
    }
}

/// `funding.plans[2].currency: missing`, or `line 3, column 13: expected value`.
impl fmt::Display for ManifestIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) if self.path.is_empty() => {
                write!(f, "line {line}, column {column}: {}", self.message)
            }
            _ => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// Collects issues for one document.
#[derive(Default)]
struct Issues(Vec<ManifestIssue>);

impl Issues {
    fn error(&mut self, path: &str, message: impl Into<String>) {
        self.0.push(ManifestIssue::new(Severity::Error, path, message.into()));
    }

    fn warn(&mut self, path: &str, message: impl Into<String>) {
        self.0.push(ManifestIssue::new(Severity::Warning, path, message.into()));
    }

    /// `missing` when absent or blank; returns the value when present.
    fn required<'a>(&mut self, path: &str, value: Option<&'a str>) -> Option<&'a str> {
        let value = value.filter(|v| !v.trim().is_empty());
        if value.is_none() {
            self.error(path, "missing");
        }
        value
    }

    fn one_of(&mut self, path: &str, value: Option<&str>, allowed: &[&str]) {
        if let Some(v) = self.required(path, value)
            && !allowed.contains(&v)
        {
            self.error(path, format!("expected one of {}; found {v:?}", allowed.join(", ")));
        }
    }

    fn url(&mut self, path: &str, value: Option<&ManifestUrl>) {
        self.required(&format!("{path}.url"), value.and_then(ManifestUrl::url));
    }

    fn currency(&mut self, path: &str, code: &str) {
        if let Err(e) = Currency::new(code) {
            self.error(path, e.to_string());
        }
    }

    fn not_negative(&mut self, path: &str, value: Option<&Number>) {
        match value.map(|n| (n, n.as_f64())) {
            Some((_, None)) => self.error(path, "not a finite number"),
            Some((n, Some(v))) if v < 0.0 => self.error(path, format!("negative ({n})")),
            _ => {}
        }
    }

    /// Flags every guid already used earlier in the same list.
    fn unique_guids<'a>(&mut self, list: &str, guids: impl Iterator<Item = Option<&'a str>>) {
        let mut first: HashMap<&str, usize> = HashMap::new();
        for (i, guid) in guids.enumerate() {
            let Some(guid) = guid else { continue };
            match first.get(guid) {
                Some(&j) => {
                    self.error(&format!("{list}[{i}].guid"), format!("duplicate {guid:?}, also at {list}[{j}]"))
                }
                None => {
                    first.insert(guid, i);
                }
            }
        }
    }
}

/// Every issue in `m`, errors and warnings, in document order.
pub fn validate(m: &Manifest) -> Vec<ManifestIssue> {
    let mut issues = Issues::default();
    if let Some(version) = issues.required("version", m.version.as_deref())
        && !(version == "v1" || version.starts_with("v1."))
    {
        issues.error("version", format!("expected v1.x, found {version:?}"));
    }
    match &m.entity {
        Some(entity) => check_entity(&mut issues, entity),
        None => issues.error("entity", "missing"),
    }
    match m.projects.as_deref() {
        None => issues.error("projects", "missing"),
        Some([]) => issues.warn("projects", "empty: funders cannot see what the money supports"),
        Some(projects) => {
            projects.iter().enumerate().for_each(|(i, p)| check_project(&mut issues, &format!("projects[{i}]"), p));
            issues.unique_guids("projects", projects.iter().map(|p| p.guid.as_deref()));
        }
    }
    let Some(funding) = &m.funding else {
        issues.error("funding", "missing");
        return issues.0;
    };
    let channels = funding.channels.as_deref().unwrap_or_default();
    if funding.channels.is_none() {
        issues.error("funding.channels", "missing");
    }
    for (i, c) in channels.iter().enumerate() {
        check_channel(&mut issues, &format!("funding.channels[{i}]"), c);
    }
    issues.unique_guids("funding.channels", channels.iter().map(|c| c.guid.as_deref()));
    let known: Vec<&str> = channels.iter().filter_map(|c| c.guid.as_deref()).collect();
    let plans = funding.plans.as_deref().unwrap_or_default();
    if funding.plans.is_none() {
        issues.error("funding.plans", "missing");
    }
    for (i, p) in plans.iter().enumerate() {
        check_plan(&mut issues, &format!("funding.plans[{i}]"), p, &known);
    }
    issues.unique_guids("funding.plans", plans.iter().map(|p| p.guid.as_deref()));
    for (i, h) in funding.history.as_deref().unwrap_or_default().iter().enumerate() {
        check_history(&mut issues, &format!("funding.history[{i}]"), h);
    }
    issues.0
}

fn check_entity(issues: &mut Issues, e: &Entity) {
    issues.one_of("entity.type", e.kind.as_deref(), ENTITY_TYPES);
    issues.one_of("entity.role", e.role.as_deref(), ENTITY_ROLES);
    issues.required("entity.name", e.name.as_deref());
    if let Some(email) = issues.required("entity.email", e.email.as_deref())
        && !email.contains('@')
    {
        issues.error("entity.email", format!("not an email address: {email:?}"));
    }
    issues.url("entity.webpageUrl", e.webpage_url.as_ref());
}

fn check_project(issues: &mut Issues, path: &str, p: &Project) {
    issues.required(&format!("{path}.guid"), p.guid.as_deref());
    issues.required(&format!("{path}.name"), p.name.as_deref());
    issues.url(&format!("{path}.repositoryUrl"), p.repository_url.as_ref());
}

fn check_channel(issues: &mut Issues, path: &str, c: &Channel) {
    issues.required(&format!("{path}.guid"), c.guid.as_deref());
    issues.one_of(&format!("{path}.type"), c.kind.as_deref(), CHANNEL_TYPES);
}

fn check_plan(issues: &mut Issues, path: &str, p: &Plan, channels: &[&str]) {
    issues.required(&format!("{path}.guid"), p.guid.as_deref());
    issues.one_of(&format!("{path}.status"), p.status.as_deref(), PLAN_STATUSES);
    issues.required(&format!("{path}.name"), p.name.as_deref());
    match &p.amount {
        None => issues.error(&format!("{path}.amount"), "missing"),
        amount => issues.not_negative(&format!("{path}.amount"), amount.as_ref()),
    }
    if let Some(code) = issues.required(&format!("{path}.currency"), p.currency.as_deref()) {
        issues.currency(&format!("{path}.currency"), code);
    }
    issues.one_of(&format!("{path}.frequency"), p.frequency.as_deref(), FREQUENCIES);
    let refs = p.channels.as_deref().unwrap_or_default();
    if refs.is_empty() {
        issues.warn(&format!("{path}.channels"), "none listed: funders cannot tell how to pay this plan");
    }
    for (j, guid) in refs.iter().enumerate() {
        if !channels.contains(&guid.as_str()) {
            issues.error(
                &format!("{path}.channels[{j}]"),
                format!("{guid:?} is not the guid of any funding.channels entry"),
            );
        }
    }
}

fn check_history(issues: &mut Issues, path: &str, h: &HistoryItem) {
    if h.year.is_none() {
        issues.error(&format!("{path}.year"), "missing");
    }
    issues.not_negative(&format!("{path}.income"), h.income.as_ref());
    issues.not_negative(&format!("{path}.expenses"), h.expenses.as_ref());
    issues.not_negative(&format!("{path}.taxes"), h.taxes.as_ref());
    match h.currency.as_deref() {
        Some(code) => issues.currency(&format!("{path}.currency"), code),
        None if h.income.is_some() || h.expenses.is_some() || h.taxes.is_some() => {
            issues.warn(&format!("{path}.currency"), "missing: the amounts cannot be shown in a currency")
        }
        None => {}
    }
}

/// Parses and validates a funding.json text. `Ok` when there is no [`Severity::Error`] (warnings
/// are dropped here; call `validate` to show them). Malformed JSON, or a value of the wrong JSON
/// type, gives a single issue carrying serde_json's line and column.
pub fn parse_manifest(text: &str) -> Result<Manifest, Vec<ManifestIssue>> {
    let manifest: Manifest = serde_json::from_str(text).map_err(|e| vec![ManifestIssue::syntax(&e)])?;
    let errors: Vec<ManifestIssue> =
        validate(&manifest).into_iter().filter(|i| i.severity == Severity::Error).collect();
    if errors.is_empty() { Ok(manifest) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funding::manifest::tests::VALID;
    use serde_json::{Value, json};

    /// The issues, as displayed, for the valid manifest with `edit` applied to its JSON.
    fn issues_after(edit: impl FnOnce(&mut Value)) -> Vec<String> {
        let mut doc: Value = serde_json::from_str(VALID).unwrap();
        edit(&mut doc);
        validate(&serde_json::from_value(doc).unwrap()).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn the_valid_manifest_has_no_issues() {
        assert_eq!(issues_after(|_| {}), Vec::<String>::new());
    }

    #[test]
    fn a_wrong_version_names_what_was_found() {
        assert_eq!(issues_after(|d| d["version"] = json!("2")), ["version: expected v1.x, found \"2\""]);
        assert_eq!(issues_after(|d| d["version"] = json!("v1.1.0")), Vec::<String>::new());
    }

    #[test]
    fn a_missing_plan_currency_is_named_by_its_path() {
        assert_eq!(
            issues_after(|d| d["funding"]["plans"][0].as_object_mut().unwrap().remove("currency").map(drop).unwrap()),
            ["funding.plans[0].currency: missing"]
        );
    }

    #[test]
    fn an_invalid_currency_code_is_an_error() {
        assert_eq!(
            issues_after(|d| d["funding"]["plans"][0]["currency"] = json!("eur")),
            ["funding.plans[0].currency: invalid currency code \"eur\", expected three uppercase letters (ISO 4217)"]
        );
    }

    #[test]
    fn negative_amounts_are_errors() {
        let issues = issues_after(|d| {
            d["funding"]["plans"][0]["amount"] = json!(-5);
            d["funding"]["history"][0]["expenses"] = json!(-1.5);
        });
        assert_eq!(issues, ["funding.plans[0].amount: negative (-5)", "funding.history[0].expenses: negative (-1.5)"]);
    }

    #[test]
    fn a_plan_channel_that_no_channel_defines_is_an_error() {
        assert_eq!(
            issues_after(|d| d["funding"]["plans"][0]["channels"] = json!(["bank", "paypal"])),
            ["funding.plans[0].channels[1]: \"paypal\" is not the guid of any funding.channels entry"]
        );
    }

    #[test]
    fn a_guid_used_twice_in_one_list_is_an_error() {
        let issues = issues_after(|d| {
            let channel = d["funding"]["channels"][0].clone();
            d["funding"]["channels"].as_array_mut().unwrap().push(channel);
        });
        assert_eq!(issues, ["funding.channels[1].guid: duplicate \"bank\", also at funding.channels[0]"]);
    }

    #[test]
    fn values_outside_an_enumeration_list_what_is_allowed() {
        assert_eq!(
            issues_after(|d| d["funding"]["plans"][0]["frequency"] = json!("daily")),
            [
                "funding.plans[0].frequency: expected one of one-time, weekly, fortnightly, monthly, yearly, other; found \"daily\""
            ]
        );
    }

    #[test]
    fn missing_sections_are_errors_and_an_empty_project_list_is_a_warning() {
        let issues = validate(&serde_json::from_str(r#"{"version": "v1.0.0", "projects": []}"#).unwrap());
        let shown: Vec<(Severity, String)> = issues.iter().map(|i| (i.severity, i.to_string())).collect();
        assert_eq!(
            shown,
            [
                (Severity::Error, "entity: missing".to_owned()),
                (Severity::Warning, "projects: empty: funders cannot see what the money supports".to_owned()),
                (Severity::Error, "funding: missing".to_owned()),
            ]
        );
    }

    #[test]
    fn a_plan_without_channels_is_only_a_warning() {
        let mut doc: Value = serde_json::from_str(VALID).unwrap();
        doc["funding"]["plans"][0]["channels"] = json!([]);
        let issues = validate(&serde_json::from_value(doc).unwrap());
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].severity, Severity::Warning);
        assert_eq!(issues[0].path, "funding.plans[0].channels");
    }

    #[test]
    fn unknown_fields_are_not_issues() {
        assert_eq!(
            issues_after(|d| d["funding"]["plans"][0]["x-anything"] = json!({"deep": [1]})),
            Vec::<String>::new()
        );
    }

    #[test]
    fn malformed_json_is_one_issue_with_its_line_and_column() {
        let issues = parse_manifest("{\n  \"version\": \"v1.0.0\",\n  \"entity\": }").unwrap_err();
        assert_eq!(issues.len(), 1);
        assert_eq!((issues[0].line, issues[0].column), (Some(3), Some(13)));
        assert_eq!(issues[0].to_string(), "line 3, column 13: expected value");
    }

    #[test]
    fn a_wrongly_typed_value_is_reported_with_its_position() {
        let issues = parse_manifest("{\"funding\": {\"plans\": [{\"amount\": \"ten\"}]}}").unwrap_err();
        assert_eq!(issues[0].line, Some(1));
        assert!(issues[0].message.starts_with("invalid type: string \"ten\""), "{}", issues[0].message);
    }

    #[test]
    fn parsing_fails_with_the_validation_errors() {
        let text = VALID.replace("\"v1.0.0\"", "\"2\"");
        let issues = parse_manifest(&text).unwrap_err();
        assert_eq!(issues.iter().map(ToString::to_string).collect::<Vec<_>>(), ["version: expected v1.x, found \"2\""]);
    }
}
