//! Every GraphQL query the collector sends is valid against GitHub's public schema.
//!
//! The queries come from `upkeep::github::graphql::ALL_QUERIES`; the schema is
//! `tests/fixtures/github/schema.graphql` (`@octokit/graphql-schema`, see `tests/fixtures/github/README.md`).
//! `apollo-compiler` parses the schema once and validates each query by the GraphQL spec's
//! rules: unknown fields, wrong argument types, fragments on impossible types, undeclared
//! variables.
//!
//! GitHub's published schema is not itself valid: `EnterpriseOwnerInfo` defines two fields twice.
//! The schema is checked to have exactly those defects (keeping each first definition), then
//! trusted; any other schema error fails. A negative test proves the validator bites. Whether
//! GitHub answers the queries as `github::graphql`'s response types expect is the collector
//! tests' business, not this module's.

use std::sync::LazyLock;

use apollo_compiler::validation::Valid;
use apollo_compiler::{ExecutableDocument, Schema};
use upkeep::github::graphql::ALL_QUERIES;

/// GitHub's schema, committed with its source and licence (see `tests/fixtures/github/README.md`).
const SCHEMA_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/github/schema.graphql");

/// The schema's known defects, as apollo-compiler words them. Each keeps its first definition.
const KNOWN_SCHEMA_DEFECTS: &[&str] = &[
    "duplicate definitions for the `repositoryDeployKeySetting` field of object type `EnterpriseOwnerInfo`",
    "duplicate definitions for the `repositoryDeployKeySettingOrganizations` field of object type `EnterpriseOwnerInfo`",
];

/// The schema as parsed and validated, with the messages of every error found.
struct LoadedSchema {
    schema: Valid<Schema>,
    errors: Vec<String>,
}

/// Parsing and validating 1.2 MB takes a moment, so the tests share one copy. A missing file is
/// kept as its message, so that every test fails naming the path (a panic would poison the lock).
static GITHUB_SCHEMA: LazyLock<Result<LoadedSchema, String>> = LazyLock::new(load_schema);

fn load_schema() -> Result<LoadedSchema, String> {
    let source = std::fs::read_to_string(SCHEMA_PATH).map_err(|e| {
        format!(
            "GitHub's GraphQL schema is missing: looked for {SCHEMA_PATH} (it is committed \
             under tests/fixtures/github; see its README.md): {e}"
        )
    })?;
    Ok(match Schema::parse_and_validate(source, "schema.graphql") {
        Ok(schema) => LoadedSchema { schema, errors: Vec::new() },
        Err(with_errors) => {
            let errors = with_errors.errors.iter().map(|d| d.error.to_string()).collect();
            // Trusted only after `github_schema` compares `errors` with the known defects.
            LoadedSchema { schema: Valid::assume_valid(with_errors.partial), errors }
        }
    })
}

fn loaded_schema() -> &'static LoadedSchema {
    GITHUB_SCHEMA.as_ref().unwrap_or_else(|message| panic!("{message}"))
}

/// The schema, once its errors are shown to be known defects only.
fn github_schema() -> &'static Valid<Schema> {
    let loaded = loaded_schema();
    let unexpected: Vec<&String> =
        loaded.errors.iter().filter(|e| !KNOWN_SCHEMA_DEFECTS.contains(&e.as_str())).collect();
    assert!(
        unexpected.is_empty(),
        "schema.graphql has errors beyond its known defects:\n{}",
        unexpected.iter().map(|e| format!("  - {e}")).collect::<Vec<_>>().join("\n")
    );
    &loaded.schema
}

/// Every validation error of `query`, rendered with its source location; empty when valid.
fn validation_errors(name: &str, query: &str) -> Vec<String> {
    match ExecutableDocument::parse_and_validate(github_schema(), query, format!("{name}.graphql")) {
        Ok(_) => Vec::new(),
        Err(with_errors) => with_errors.errors.iter().map(|d| d.to_string()).collect(),
    }
}

#[test]
fn githubs_schema_has_exactly_its_two_known_duplicate_field_defects() {
    let errors = &loaded_schema().errors;
    for error in errors {
        println!("schema.graphql: {error}");
    }
    assert_eq!(errors, KNOWN_SCHEMA_DEFECTS, "schema.graphql's errors changed");
    let owner_info = github_schema().get_object("EnterpriseOwnerInfo").expect("the type survives");
    assert!(owner_info.fields.contains_key("repositoryDeployKeySetting"));
}

#[test]
fn the_query_list_is_not_empty_and_each_name_matches_its_operation() {
    assert!(!ALL_QUERIES.is_empty(), "ALL_QUERIES lists no query");
    for (name, query) in ALL_QUERIES {
        let document = ExecutableDocument::parse(github_schema(), *query, format!("{name}.graphql"))
            .unwrap_or_else(|e| panic!("{name} does not parse:\n{e}"));
        let operations: Vec<Option<&str>> =
            document.operations.iter().map(|op| op.name.as_ref().map(|n| n.as_str())).collect();
        assert_eq!(operations, [Some(*name)], "{name} should hold one operation of that name");
    }
    let mut names: Vec<&str> = ALL_QUERIES.iter().map(|(name, _)| *name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), ALL_QUERIES.len(), "operation names repeat");
}

#[test]
fn every_query_the_collector_sends_is_valid_against_githubs_schema() {
    let failures: Vec<String> = ALL_QUERIES
        .iter()
        .flat_map(|(name, query)| validation_errors(name, query).into_iter().map(move |e| format!("{name}: {e}")))
        .collect();
    assert!(failures.is_empty(), "invalid GraphQL queries:\n{}", failures.join("\n"));
}

#[test]
fn a_query_with_a_misspelled_field_fails_validation() {
    let (name, query) = ALL_QUERIES[0];
    assert!(query.contains("mergedAt"), "{name} no longer selects `mergedAt`; misspell another field");
    let broken = query.replacen("mergedAt", "mergedAtt", 1);
    let errors = validation_errors(name, &broken);
    assert!(
        errors.iter().any(|e| e.contains("mergedAtt") && e.contains("PullRequest")),
        "the misspelled `mergedAtt` was not reported; errors: {errors:#?}"
    );
}
