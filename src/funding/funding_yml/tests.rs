//! Realistic FUNDING.yml files: GitHub's template, files in use, each mistake, hostile text.

use super::*;

/// GitHub's template as it ships: every key empty, each with its comment.
const TEMPLATE: &str = "\
# These are supported funding model platforms

github: # Replace with up to 4 GitHub Sponsors-enabled usernames e.g., [user1, user2]
patreon: # Replace with a single Patreon username
open_collective: # Replace with a single Open Collective username
ko_fi: # Replace with a single Ko-fi username
tidelift: # Replace with a single Tidelift platform-name/package-name e.g., npm/babel
community_bridge: # Replace with a single Community Bridge project-name e.g., cloud-foundry
liberapay: # Replace with a single Liberapay username
issuehunt: # Replace with a single IssueHunt username
lfx_crowdfunding: # Replace with a single LFX Crowdfunding project-name e.g., cloud-foundry
polar: # Replace with a single Polar username
buy_me_a_coffee: # Replace with a single Buy Me a Coffee username
thanks_dev: # Replace with a single thanks.dev username
custom: # Replace with up to 4 custom sponsorship URLs e.g., ['link1', 'link2']
";

fn summary(text: &str) -> Vec<(Severity, String, Option<usize>, Option<usize>)> {
    validate_funding_yml(text).into_iter().map(|i| (i.severity, i.key, i.line, i.column)).collect()
}

fn only(text: &str) -> FundingYmlIssue {
    let issues = validate_funding_yml(text);
    assert_eq!(issues.len(), 1, "{text:?}: {issues:#?}");
    issues.into_iter().next().unwrap()
}

#[test]
fn githubs_template_with_every_key_empty_has_no_issue() {
    assert_eq!(validate_funding_yml(TEMPLATE), vec![]);
    let keys: Vec<&str> = TEMPLATE.lines().filter_map(|l| l.split_once(':')).map(|(k, _)| k).collect();
    assert_eq!(keys, KEYS, "every documented key, in the template's order");
}

#[test]
fn empty_files_and_comments_only_have_no_issue() {
    for text in ["", "\n", "# funding: later\n", "---\n", "~\n", "github:\n"] {
        assert_eq!(validate_funding_yml(text), vec![], "{text:?}");
    }
}

#[test]
fn files_in_use_have_no_issue() {
    let files = [
        "github: octocat\n",
        "github: [octocat, hubot]\npatreon: octocat\nko_fi: octocat\n",
        "github:\n  - octocat\n  - hubot\n  - monalisa\n  - mona\ncustom:\n  - https://paypal.me/octocat\n  - 'https://example.org/donate?via=github'\n",
        "open_collective: babel\ntidelift: npm/@babel/core\ncustom: [\"https://babeljs.io/donate\"]\n",
        "liberapay: octocat\nissuehunt: octocat\ncommunity_bridge: cloud-foundry\nlfx_crowdfunding: cloud-foundry\n",
        "polar: octocat\nbuy_me_a_coffee: octocat\nthanks_dev: u/gh/octocat\ntidelift: pypi/requests\n",
        "custom: \"https://www.buymeacoffee.com/octocat\" # a comment\n",
        "---\ngithub: octocat\n...\n",
        "github: [octocat, ]\ncustom: []\n",
    ];
    for text in files {
        assert_eq!(validate_funding_yml(text), vec![], "{text}");
    }
}

#[test]
fn text_that_is_not_yaml_is_an_error_with_its_line_and_column() {
    let issue = only("github: octocat\npatreon: [octocat\nko_fi: octocat\n");
    assert_eq!((issue.severity, issue.key.as_str()), (Severity::Error, ""));
    assert!(issue.message.starts_with("not valid YAML ("), "{}", issue.message);
    assert!(issue.message.ends_with("GitHub shows no funding links from a file it cannot parse"));
    assert!(issue.line.is_some_and(|l| l >= 2) && issue.column.is_some(), "{issue:?}");

    let issue = only("github: octocat\ncustom: https://example.org: donate\n");
    assert_eq!((issue.line, issue.column), (Some(2), Some(28)), "{issue:?}");
    assert!(issue.message.contains("mapping values are not allowed"), "{}", issue.message);
    assert_eq!(issue.to_string(), format!("line 2, column 28: {}", issue.message));

    let tabs = only("github:\n\t- octocat\n");
    assert_eq!((tabs.severity, tabs.line), (Severity::Error, Some(2)), "{tabs:?}");
}

#[test]
fn a_top_level_that_is_not_a_mapping_is_an_error() {
    for (text, what) in [("- github: octocat\n", "a list"), ("octocat\n", "a single value"), ("42\n", "a number")] {
        let issue = only(text);
        assert_eq!((issue.severity, issue.key.as_str(), issue.line), (Severity::Error, "", Some(1)), "{text}");
        assert!(issue.message.starts_with(&format!("the file is {what}, not a mapping")), "{}", issue.message);
    }
}

#[test]
fn a_value_of_the_wrong_type_is_an_error_on_its_key() {
    let mapping = only("github: octocat\npatreon:\n  name: octocat\n");
    assert_eq!((mapping.severity, mapping.key.as_str()), (Severity::Error, "patreon"));
    assert_eq!(mapping.message, "a mapping, but GitHub expects a username");
    assert_eq!((mapping.line, mapping.column), (Some(3), Some(3)));
    assert_eq!(mapping.to_string(), "`patreon`: a mapping, but GitHub expects a username");

    let number = only("ko_fi: 12345\n");
    assert_eq!((number.key.as_str(), number.message.as_str()), ("ko_fi", "a number, but GitHub expects a username"));
    let boolean = only("liberapay: true\n");
    assert_eq!(boolean.message, "true or false, but GitHub expects a username");
    let quoted = validate_funding_yml("ko_fi: '12345'\nliberapay: !!str true\n");
    assert_eq!(quoted, vec![], "quoted or tagged, a number is a name");

    let list = only("patreon: [octocat, hubot]\n");
    assert_eq!((list.severity, list.key.as_str()), (Severity::Error, "patreon"));
    assert_eq!(list.message, "a list, but `patreon` takes a single username");
    let tidelift = only("tidelift:\n  - npm/babel\n");
    assert_eq!(tidelift.message, "a list, but `tidelift` takes a single platform-name/package-name");

    let nested = only("github:\n  - octocat\n  - { login: hubot }\n");
    assert_eq!((nested.key.as_str(), nested.line), ("github", Some(3)));
    assert_eq!(nested.message, "entry 2: a mapping, but GitHub expects a username");
    let deeper = only("custom: [[https://example.org]]\n");
    assert_eq!(deeper.message, "entry 1: a list, but GitHub expects a URL");
}

#[test]
fn more_than_four_usernames_or_urls_is_an_error() {
    let five = only("github: [a, b, c, d, e]\n");
    assert_eq!((five.severity, five.key.as_str()), (Severity::Error, "github"));
    assert_eq!(five.message, "5 entries; GitHub allows at most 4");
    let urls: String = (1..=6).map(|i| format!("  - https://example.org/{i}\n")).collect();
    let six = only(&format!("custom:\n{urls}"));
    assert_eq!((six.key.as_str(), six.message.as_str()), ("custom", "6 entries; GitHub allows at most 4"));
    assert_eq!(validate_funding_yml("github: [a, b, c, d]\n"), vec![]);
}

#[test]
fn an_unknown_key_is_a_warning_and_a_near_miss_names_the_key() {
    let old = only("github: octocat\notechie: octocat\n");
    assert_eq!((old.severity, old.key.as_str(), old.line), (Severity::Warning, "otechie", Some(2)));
    assert!(old.message.starts_with("not a platform GitHub documents"), "{}", old.message);
    let typo = only("Ko-Fi: octocat\n");
    assert_eq!(typo.message, "not a key GitHub knows; did you mean `ko_fi`?");
    let number = only("1: octocat\n");
    assert_eq!((number.severity, number.key.as_str()), (Severity::Warning, "1"));
    let complex = only("? [github, patreon]\n: octocat\n");
    assert_eq!((complex.severity, complex.key.as_str()), (Severity::Error, ""));
    assert!(complex.message.starts_with("a key is a list"), "{}", complex.message);
}

#[test]
fn a_doubtful_tidelift_or_custom_value_is_a_warning() {
    for value in ["babel", "cargo/serde", "npm/", "npm/ ", "https://tidelift.com/subscription/npm/babel"] {
        let issue = only(&format!("tidelift: {value}\n"));
        assert_eq!((issue.severity, issue.key.as_str()), (Severity::Warning, "tidelift"), "{value}");
        assert!(issue.message.contains("with a platform among npm, pypi, rubygems"), "{}", issue.message);
    }
    let custom = summary("custom: [paypal.me/octocat, 'javascript:alert(1)', https://example.org, ftp://x.org]\n");
    let on = |column| (Severity::Warning, "custom".to_owned(), Some(1), Some(column));
    assert_eq!(custom, [on(10), on(29), on(73)]);
    let issue = &validate_funding_yml("custom: paypal.me/octocat\n")[0];
    assert_eq!(issue.message, "\"paypal.me/octocat\" is not an http(s) URL");
    let listed = &validate_funding_yml("custom:\n  - https://example.org\n  - example.org/donate\n")[0];
    assert_eq!(listed.message, "entry 2: \"example.org/donate\" is not an http(s) URL");
}

#[test]
fn a_repeated_key_and_an_alias_are_warnings() {
    let twice = only("github: octocat\ngithub: hubot\n");
    assert_eq!((twice.severity, twice.key.as_str(), twice.line), (Severity::Warning, "github", Some(2)));
    let alias = only("patreon: &me octocat\nko_fi: *me\n");
    assert_eq!((alias.severity, alias.key.as_str()), (Severity::Warning, "ko_fi"));
    assert!(alias.message.contains("alias"), "{}", alias.message);
}

#[test]
fn issues_keep_document_order_and_every_mistake_is_reported() {
    let text = "github: [a, b, c, d, e]\npatreon: [x, y]\nflattr: octocat\ntidelift: babel\ncustom: example.org\n";
    let keys: Vec<(Severity, String)> = validate_funding_yml(text).into_iter().map(|i| (i.severity, i.key)).collect();
    let expected = [
        (Severity::Error, "github"),
        (Severity::Error, "patreon"),
        (Severity::Warning, "flattr"),
        (Severity::Warning, "tidelift"),
        (Severity::Warning, "custom"),
    ];
    assert_eq!(keys, expected.map(|(s, k)| (s, k.to_owned())));
}

#[test]
fn hostile_text_is_checked_without_blowing_the_stack_or_the_memory() {
    // Deep block and flow nesting: yaml-rust2's own loader recurses once per level.
    let deep = format!("github:\n{}x\n", "- ".repeat(20_000));
    let issue = only(&deep);
    assert_eq!((issue.severity, issue.key.as_str()), (Severity::Error, "github"), "{issue:?}");
    let flow = format!("github: {}\n", "[".repeat(10_000));
    assert_eq!(only(&flow).severity, Severity::Error);
    // A billion laughs: aliases are never expanded.
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..30 {
        bomb.push_str(
            &format!("a{i}: &a{i} [*a{}, *a{}, *a{}, *a{}]\n", i - 1, i - 1, i - 1, i - 1).replace("*a0", "*a"),
        );
    }
    let issues = validate_funding_yml(&bomb);
    assert!(issues.iter().all(|i| i.severity == Severity::Warning), "{issues:#?}");
    // Too large to be a FUNDING.yml.
    let huge = format!("github: octocat\n# {}\n", "x".repeat(MAX_BYTES));
    let issue = only(&huge);
    assert_eq!(issue.severity, Severity::Warning);
    assert!(issue.message.contains("too large"), "{}", issue.message);
    // Thousands of unknown keys: a readable list, then a count.
    let many: String = (0..1_000).map(|i| format!("k{i}: v\n")).collect();
    let issues = validate_funding_yml(&many);
    assert_eq!(issues.len(), MAX_ISSUES + 1);
    assert_eq!(issues[MAX_ISSUES].message, format!("{} more issues are not listed", 1_000 - MAX_ISSUES));
    // Markup, control characters and long values are quoted and cut short in messages.
    let markup = format!("custom: \"<script>alert(1)</script>\\u0000{}\"\n", "y".repeat(200));
    let issue = only(&markup);
    assert!(issue.message.starts_with("\"<script>alert(1)</script>\\0yyy"), "{}", issue.message);
    assert!(issue.message.len() < 120, "{}", issue.message);
    // Only the first document counts, as GitHub reads it.
    assert_eq!(validate_funding_yml("github: octocat\n---\n- not: [read\n"), vec![]);
    // Bytes that are not text become replacement characters before this check; they are names.
    assert_eq!(validate_funding_yml("github: \u{fffd}\u{fffd}\n"), vec![]);
}

#[test]
fn entries_count_the_accounts_and_urls_under_documented_keys() {
    assert_eq!(count_entries(TEMPLATE), 0, "the template names nobody");
    assert_eq!(count_entries("github: [octocat, hubot]\npatreon: octocat\ncustom: ~\n"), 3);
    assert_eq!(count_entries("otechie: octocat\n"), 0, "GitHub does not read unknown keys");
    assert_eq!(count_entries("github: [octocat\n"), 0, "not YAML");
    assert_eq!(count_entries("- github: octocat\n"), 0, "not a mapping");
}
