//! The `profiles` step: GitHub profile `company` of the people the pages class (the repository's
//! maintainers and its contributors of commits, merged pull requests or reviews in the last
//! [`ACTIVE_DAYS`] days), an undated hint of their organisation used only where no dated
//! affiliation covers a day (`profile (undated)`).
//!
//! Why new requests: no payload the collector already reads carries `company` (REST listings'
//! users are the short form without it; the GraphQL queries select only logins). So profiles are
//! asked with GraphQL, [`PROFILE_BATCH`] logins a request (`user(login:)` aliases), after the
//! rollups (the step reads `repo_people` and `person_weeks`).
//!
//! Quota: a profile is asked at most once per `[people] profile_refresh_days` (an account shared
//! by several repositories is asked once), and at most `[people] profile_max_logins` per
//! repository per run, never-asked people and maintainers first; the rest wait for the next run,
//! and hitting that bound is logged. An unchanged re-sync within the interval asks nothing.
//! A login GitHub resolves to no user (gone, or an organisation) is recorded with no company,
//! so it is not asked again before the interval. The company is never logged.
//!
//! Failure policy: auxiliary, like the funding steps: a failure fails this step only; the
//! batches already stored stay.

use super::collector::{Collector, StepStatus, SyncError, now};
use super::context::RepoHandle;
use crate::db::profiles as store;
use crate::github::graphql::{PROFILE_BATCH, PROFILES_QUERY, ProfilesData};

/// The step's name in the run record.
pub const RESOURCE: &str = "profiles";

/// Days back a contributor's activity makes their profile wanted.
pub const ACTIVE_DAYS: i64 = 365;

const DAY: i64 = 86_400;

/// Asks and stores the due profiles of the repository's people (see the module doc).
pub async fn profiles(c: &Collector, scope: &str, repo: &RepoHandle) -> Result<(StepStatus, u64), SyncError> {
    let people = &c.config.people;
    let max = i64::from(people.profile_max_logins);
    if max == 0 {
        return Ok((StepStatus::Skipped, 0));
    }
    let t = now();
    let stale_before = t - i64::from(people.profile_refresh_days) * DAY + 1;
    // One more than the bound, to know whether it was hit.
    let mut due =
        store::list_due_profiles(&c.db.pool, repo.repo_id, t - ACTIVE_DAYS * DAY, stale_before, max + 1).await?;
    if due.len() as i64 > max {
        due.truncate(max as usize);
        tracing::warn!(
            repo = scope,
            asked = max,
            "more profiles are due than [people] profile_max_logins allows in one run: the rest are asked next run"
        );
    }
    if due.is_empty() {
        return Ok((StepStatus::Skipped, 0));
    }
    let mut written = 0;
    for batch in due.chunks(PROFILE_BATCH) {
        let data: ProfilesData = c.client.graphql(PROFILES_QUERY, variables(batch)).await?;
        let companies = companies(batch, &data);
        let mut tx = c.db.begin_write().await?;
        store::record_companies(&mut *tx, &companies, now()).await?;
        tx.commit().await?;
        written += companies.iter().filter(|(_, company)| company.is_some()).count() as u64;
    }
    Ok((StepStatus::Ok, written))
}

/// `$l0`…: the batch's logins, its last repeated in the unused variables (every one is `String!`).
fn variables(batch: &[String]) -> serde_json::Value {
    let last = batch.last().map(String::as_str).unwrap_or_default();
    let vars: serde_json::Map<String, serde_json::Value> =
        (0..PROFILE_BATCH).map(|i| (format!("l{i}"), batch.get(i).map_or(last, String::as_str).into())).collect();
    serde_json::Value::Object(vars)
}

/// Each login of the batch with the company its profile names (`None`: none, blank, or no user).
fn companies(batch: &[String], data: &ProfilesData) -> Vec<(String, Option<String>)> {
    (batch.iter().enumerate())
        .map(|(i, login)| {
            let company = data
                .user(i)
                .filter(|u| u.login.eq_ignore_ascii_case(login))
                .and_then(|u| u.company)
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty());
            (login.clone(), company)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_batch_repeats_its_last_login_and_answers_map_back_by_alias() {
        let batch = vec!["ana".to_owned(), "Bo".to_owned(), "gone".to_owned()];
        let vars = variables(&batch);
        assert_eq!(vars.as_object().unwrap().len(), PROFILE_BATCH);
        assert_eq!(
            (&vars["l0"], &vars["l1"], &vars["l2"], &vars["l49"]),
            (&"ana".into(), &"Bo".into(), &"gone".into(), &"gone".into())
        );
        let data: ProfilesData = serde_json::from_value(serde_json::json!({
            "rateLimit": {"cost": 1, "remaining": 4999, "resetAt": "2026-01-01T00:00:00Z"},
            "u0": {"login": "ana", "company": "  @acme "},
            "u1": {"login": "bo", "company": null},
            "u2": null,
            "u3": {"login": "gone", "company": "x"}
        }))
        .unwrap();
        assert_eq!(
            companies(&batch, &data),
            [("ana".to_owned(), Some("@acme".to_owned())), ("Bo".to_owned(), None), ("gone".to_owned(), None)]
        );
    }
}
