//! GitHub profile `company` on `accounts` (`company`, `company_fetched_at`): which people's
//! profiles the collector's `profiles` step asks for, what it stores, and the companies the pages
//! use as undated hints (`metrics::affiliation::Affiliations::with_profile_hint`).

use sqlx::AnyExecutor;

/// The people of repository `repo_id` whose profile is due: non-bot user accounts that are its
/// maintainers or made commits, merged pull requests or reviews in a week starting at or after
/// `active_since`, never asked or last asked before `stale_before`; never-asked first, then
/// maintainers, then most contributions; at most `limit`.
pub async fn list_due_profiles<'e>(
    ex: impl AnyExecutor<'e>,
    repo_id: i64,
    active_since: i64,
    stale_before: i64,
    limit: i64,
) -> sqlx::Result<Vec<String>> {
    crate::db::sql::query_scalar(
        "SELECT a.login FROM repo_people rp JOIN accounts a ON a.id = rp.account_id
         WHERE rp.repo_id = ?1 AND a.is_bot = 0 AND a.kind = 'User'
           AND (a.company_fetched_at IS NULL OR a.company_fetched_at < ?3)
           AND (rp.is_maintainer = 1 OR rp.account_id IN (
               -- Not correlated: the active people of the repository are found once (person_weeks is
               -- keyed by repository and week first; per person, this scan took 76 s at `large`).
               SELECT pw.account_id FROM person_weeks pw
               WHERE pw.repo_id = ?1 AND pw.week >= ?2
                 AND (pw.commits > 0 OR pw.prs_merged > 0 OR pw.reviews > 0)))
         ORDER BY CASE WHEN a.company_fetched_at IS NULL THEN 0 ELSE 1 END, rp.is_maintainer DESC,
                  rp.contributions DESC, a.login
         LIMIT ?4",
    )
    .bind(repo_id)
    .bind(active_since)
    .bind(stale_before)
    .bind(limit)
    .fetch_all(ex)
    .await
}

/// Records the profiles asked at `at`: each login's company (`None`: the profile names none, or
/// GitHub resolved no user of that login). Accounts compare by login, ignoring case.
pub async fn record_companies<'e>(
    ex: impl AnyExecutor<'e>,
    companies: &[(String, Option<String>)],
    at: i64,
) -> sqlx::Result<()> {
    if companies.is_empty() {
        return Ok(());
    }
    let rows: Vec<(&str, Option<&str>)> = companies.iter().map(|(l, c)| (l.as_str(), c.as_deref())).collect();
    crate::db::sql::query(
        "UPDATE accounts SET company = (SELECT j.value->>1 FROM json_each(?1) j
                                        WHERE j.value->>0 = accounts.login COLLATE NOCASE LIMIT 1),
                             company_fetched_at = ?2
         WHERE login COLLATE NOCASE IN (SELECT j.value->>0 FROM json_each(?1) j)",
    )
    .bind(crate::db::dashboard::json_list(&rows))
    .bind(at)
    .execute(ex)
    .await?;
    Ok(())
}

/// `(login, company)` of the people of the repositories `repo_ids` (a JSON array) whose profile
/// names a company, by login.
pub async fn list_companies<'e>(ex: impl AnyExecutor<'e>, repo_ids: &str) -> sqlx::Result<Vec<(String, String)>> {
    crate::db::sql::query_as(
        // From the few accounts with a company (the partial index `accounts_with_company`), each
        // checked against the scope's people by key: one primary-key probe of `repo_people` per
        // repository of the scope, read once (MATERIALIZED). With the list inline, SQLite 3.51
        // built an automatic index on `repo_people (account_id)` over every person of the scope at
        // each read instead (35-42 ms of a page at `large`, against 4-5 ms).
        "WITH scope (id) AS MATERIALIZED (SELECT CAST(value AS BIGINT) FROM json_each(?))
         SELECT a.login, a.company FROM accounts a
         WHERE a.company IS NOT NULL AND a.company <> '' AND EXISTS (
             SELECT 1 FROM scope s JOIN repo_people rp ON rp.repo_id = s.id AND rp.account_id = a.id)
         ORDER BY a.login",
    )
    .bind(repo_ids)
    .fetch_all(ex)
    .await
}
