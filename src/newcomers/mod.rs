//! The finder's facts: what each open newcomer-labelled issue's labels, assignees and stored
//! thread say, computed once per change and stored, so that the finder filters, sorts, counts
//! and pages them in SQL (`db::newcomer_facts`) instead of reading every open issue and its
//! thread on a visit.
//!
//! - [`thread`]: one stored timeline sorted into offers, claims, linked pull requests and the
//!   mentor (pure; the project page uses it too);
//! - [`facts`]: one issue's facts from its row and thread (pure);
//! - [`refresh`]: recomputes a repository's stale facts and stores them. The collector calls it
//!   after a repository's rollups (maintainers come from `repo_people`). Triggers mark each issue
//!   whose row or timeline is written, in the same transaction as the write (so a killed sync
//!   leaves the mark); each repository's facts remember the newcomer settings (labels, mentors)
//!   and the maintainers they were computed under, and are recomputed whole when those differ. A
//!   sync that changed a few issues recomputes those. [`refresh_stale`] does the same for every tracked
//!   repository when the server starts, so a changed configuration never lists by the old
//!   settings while waiting for a sync.
//!
//! Nothing stored depends on the clock. The one clock-dependent rule, a claim comment's claim
//! period, is applied when the finder reads ([`crate::metrics::newcomers::claim_status`] for the
//! issues shown, the same rule in SQL for the filter and the counts).
//!
//! May import `db`, `metrics` and `config`; `github` (the collector), `app` and `web` import it.

pub mod facts;
pub mod thread;

use crate::config::{NewcomersConfig, RepoName};
use crate::db::{
    self, Db,
    dashboard::scope_json,
    newcomer_facts::{self, Replace},
    newcomers,
};
use crate::metrics::newcomers::NewcomerLabels;

/// The configured mentors of `repo` (`owner/name`, any case).
pub fn configured_mentors<'a>(
    mentors: &'a std::collections::BTreeMap<RepoName, Vec<String>>,
    repo: &str,
) -> &'a [String] {
    mentors.iter().find(|(name, _)| name.to_string().eq_ignore_ascii_case(repo)).map_or(&[], |(_, v)| v.as_slice())
}

/// What a repository's facts depend on besides its rows, as stored next to them: the newcomer
/// labels, the repository's configured mentors and its maintainers.
pub fn settings_key(config: &NewcomersConfig, repo: &str, maintainers: &[String]) -> String {
    let mentors = configured_mentors(&config.mentors, repo);
    serde_json::json!({ "labels": config.labels, "mentors": mentors, "maintainers": maintainers }).to_string()
}

/// The repository's maintainers (`repo_people.is_maintainer`), by login.
async fn maintainers<'e>(ex: impl sqlx::AnyExecutor<'e>, repo_id: i64) -> sqlx::Result<Vec<String>> {
    let rows = newcomers::list_maintainer_logins(ex, &scope_json(&[repo_id])).await?;
    Ok(rows.into_iter().map(|m| m.login).collect())
}

/// What [`refresh`] recomputes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every fact of the repository.
    Whole,
    /// Only what is stale: nothing when nothing is, the marked issues when only issues are, and
    /// everything when the settings or the maintainers differ from those the facts were computed
    /// under, or they never were.
    Stale,
}

/// Recomputes and stores facts of one repository (`full_name` is how it is configured; its
/// mentors are looked up by it), in one write transaction that also reads what they are
/// computed from and the dirty marks, so no write can slip in between (the write lock is taken
/// only when a first look without it finds something stale). Returns how many facts it wrote,
/// or `None` when nothing was stale.
pub async fn refresh(
    db: &Db,
    repo_id: i64,
    full_name: &str,
    config: &NewcomersConfig,
    scope: Scope,
    now: i64,
) -> sqlx::Result<Option<u64>> {
    // A first look without the write lock (most runs find nothing stale), then again under it.
    if look(&mut *db.pool.acquire().await?, repo_id, full_name, config, scope).await?.is_none() {
        return Ok(None);
    }
    let mut tx = db.begin_write().await?;
    let Some(Stale { maintainers, settings, dirty, whole }) = look(&mut tx, repo_id, full_name, config, scope).await?
    else {
        return Ok(None);
    };
    let only = (!whole).then_some(dirty.as_slice());
    let labels = NewcomerLabels::new(&config.labels);
    let issues = newcomer_facts::list_open_labelled(&mut *tx, repo_id, only).await?;
    // Timelines only of the issues with a newcomer label (the others have no facts).
    let ids: Vec<i64> = issues
        .iter()
        .filter(|i| facts::parse_list(&i.labels).iter().any(|l| labels.matches(l).is_some()))
        .map(|i| i.id)
        .collect();
    let timelines = newcomers::list_timelines(&mut *tx, &ids).await?;
    let configured = configured_mentors(&config.mentors, full_name);
    let cx = facts::Context { repo_id, labels: &labels, maintainers: &maintainers, configured };
    let (rows, claims) = facts::repo_facts(&issues, &timelines, &cx);
    let replace = match only {
        None => Replace::Whole { settings: &settings },
        Some(ids) => Replace::Issues(ids),
    };
    newcomer_facts::replace_repo_facts(&mut tx, repo_id, replace, &rows, &claims, now).await?;
    tx.commit().await?;
    Ok(Some(rows.len() as u64))
}

/// What a refresh of one repository must recompute, and what it computes under.
struct Stale {
    maintainers: Vec<String>,
    settings: String,
    /// The marked issues.
    dirty: Vec<i64>,
    /// Everything, not only the marked issues.
    whole: bool,
}

/// Whether the facts of `repo_id` are stale under `scope`, and how; `None` when they are not.
async fn look(
    conn: &mut sqlx::AnyConnection,
    repo_id: i64,
    full_name: &str,
    config: &NewcomersConfig,
    scope: Scope,
) -> sqlx::Result<Option<Stale>> {
    let maintainers = maintainers(&mut *conn, repo_id).await?;
    let settings = settings_key(config, full_name, &maintainers);
    let dirty = newcomer_facts::list_dirty_issues(&mut *conn, repo_id).await?;
    let built = newcomer_facts::get_facts_settings(&mut *conn, repo_id).await?;
    let whole = scope == Scope::Whole || built.as_deref() != Some(settings.as_str());
    Ok((whole || !dirty.is_empty()).then_some(Stale { maintainers, settings, dirty, whole }))
}

/// Brings the facts of every tracked repository up to date ([`Scope::Stale`]). Returns how many
/// repositories it recomputed.
pub async fn refresh_stale(db: &Db, config: &NewcomersConfig, now: i64) -> sqlx::Result<usize> {
    let mut refreshed = 0;
    for repo in db::repos::list_tracked_repositories(&db.pool).await? {
        if refresh(db, repo.id, &repo.full_name, config, Scope::Stale, now).await?.is_some() {
            refreshed += 1;
        }
    }
    Ok(refreshed)
}
