//! The present state of a scope: the parts of its dashboard that depend on the data and the time
//! but not on the window. Those are the lifecycle, the release frequency, the open backlog's age,
//! the burnout signals, the inactive contributors and the unanswered items. Their reads grow with
//! the history (every open item, every contributor, two years of weeks).
//!
//! [`PresentCache`] computes them ahead for each scope a main page shows: every tracked
//! repository, every organisation, and all of them together (the overview's rollup). That
//! happens when the server starts (before it listens), after each sync, and again before they
//! are [`MAX_AGE`] old. A dashboard for any window then reads and computes only its window's rows
//! ([`super::rows::Parts::Window`]) and takes the rest from here. Anything else computes its
//! present state on the spot, from the same rows by the same [`compute`]: a scope not listed
//! above, bots included, a data version the cache has not caught up with, or a present state
//! too old. Each computation first reads the last [`WARM_WEEKS`] of every repository into the
//! slices' memory ([`crate::db::slices::warm`]), so that a main page's first visitor after it
//! decodes nothing.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::rows::{self, INACTIVE_SHOWN, Parts, ScopeRows};
use crate::db::dashboard::{PersonWeekRow, UnansweredRow};
use crate::metrics::{
    DAY,
    backlog::{BacklogAgeing, backlog_ageing},
    burnout::{BurnoutInput, BurnoutSignal, ContributionWeek, burnout_signals},
    inactive::{InactiveContributors, InactivityThresholds, inactive_contributors},
    release::{Lifecycle, LifecycleInput, ReleaseFrequency, WeekActivity, lifecycle_state, release_frequency},
};
use crate::web::inputs::{activity, response_times};

/// How old (seconds) a present state may be when a page uses it: the render cache's TTL, so a
/// page built on it is no older than a cached page may be.
pub const MAX_AGE: i64 = 5 * 60;
/// A present state this old (seconds) is computed again by the next look ([`PresentCache::is_due`]),
/// ahead of [`MAX_AGE`].
pub const RENEW_AFTER: i64 = 4 * 60;

/// Scopes computed ahead at most, each time: all repositories and the organisations first, then
/// the repositories in name order. A larger portfolio's other repositories compute their present
/// state on the spot (and a log line says how many were left out).
pub const MAX_SCOPES: usize = 200;

/// The window-free parts of one scope's dashboard, as of `at`.
#[derive(Debug, Clone, PartialEq)]
pub struct Present {
    pub at: i64,
    pub lifecycle: Lifecycle,
    pub releases: ReleaseFrequency,
    pub issue_ageing: BacklogAgeing,
    pub pr_ageing: BacklogAgeing,
    pub burnout: Vec<BurnoutSignal>,
    pub inactive: InactiveContributors,
    pub unanswered_count: i64,
    pub unanswered: Vec<UnansweredRow>,
}

/// The present state of `rows` (read with [`Parts::Full`] or [`Parts::Cards`]) as of `now`.
/// `archived` is true when every repository of the scope is archived.
pub fn compute(rows: &ScopeRows, archived: bool, include_bots: bool, now: i64) -> Present {
    let ageing = |pr: bool| -> BacklogAgeing {
        let created: Vec<i64> = rows
            .open_items
            .iter()
            .filter(|i| i.is_pull_request == pr && (include_bots || !i.author_is_bot))
            .map(|i| i.created_at)
            .collect();
        backlog_ageing(&created, now)
    };
    Present {
        at: now,
        lifecycle: lifecycle(rows, archived, now),
        releases: release_frequency(&rows.releases, now),
        issue_ageing: ageing(false),
        pr_ageing: ageing(true),
        burnout: burnout(rows, include_bots, now),
        inactive: inactive_contributors(&rows.last_seen, now, InactivityThresholds::default(), INACTIVE_SHOWN),
        unanswered_count: rows.unanswered_count,
        unanswered: rows.unanswered.clone(),
    }
}

fn burnout(rows: &ScopeRows, include_bots: bool, now: i64) -> Vec<BurnoutSignal> {
    let humans: Vec<&PersonWeekRow> = rows.recent_person_weeks.iter().filter(|w| !w.is_bot).collect();
    let contributions: Vec<ContributionWeek> = humans
        .iter()
        .map(|w| ContributionWeek {
            week: w.week,
            login: w.login.clone(),
            contributions: (w.issues_opened
                + w.prs_opened
                + w.comments
                + w.reviews
                + w.review_comments
                + w.merges
                + w.commits)
                .max(0) as u64,
        })
        .collect();
    let activity = activity(humans.iter().copied());
    let items = response_times(&rows.recent_response_items, include_bots);
    burnout_signals(&BurnoutInput { contributions: &contributions, activity: &activity, response_items: &items }, now)
}

fn lifecycle(rows: &ScopeRows, archived: bool, now: i64) -> Lifecycle {
    let weekly: Vec<WeekActivity> = rows
        .week_totals
        .iter()
        .filter(|w| w.week >= now - 2 * 365 * DAY)
        .map(|w| WeekActivity { week: w.week, contributions: w.contributions.max(0) as u64 })
        .collect();
    lifecycle_state(&LifecycleInput { archived, weekly_activity: &weekly, releases: &rows.releases }, now)
}

/// A scope's key: its repositories (sorted) and whether the scope counts as archived.
type ScopeKey = (Vec<i64>, bool);

fn key(repo_ids: &[i64], archived: bool) -> ScopeKey {
    let mut ids = repo_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    (ids, archived)
}

/// The present states computed at one data version, all as of one time.
struct Snapshot {
    version: i64,
    at: i64,
    scopes: HashMap<ScopeKey, Arc<Present>>,
}

/// The present states of the main pages' scopes, computed ahead (bots excluded, the default).
#[derive(Default)]
pub struct PresentCache {
    snapshot: RwLock<Option<Arc<Snapshot>>>,
}

/// Weeks back from the current one that [`PresentCache::rebuild`] reads into the slices' memory
/// ([`crate::db::slices::warm`]): the default 90-day window, and the impact report's period
/// before it, so that their first visitors decode nothing.
pub const WARM_WEEKS: i64 = 27;

/// Repositories warmed by one read.
const WARM_CHUNK: usize = 16;

/// Reads the last [`WARM_WEEKS`] of every tracked repository into the slices' memory, a few
/// repositories at a time, while it is less than half full (so that a large portfolio does not
/// push out what its pages read; the first repositories' weeks are read, the rest on demand).
async fn warm(pool: &sqlx::AnyPool, repos: &[crate::db::repos::RepositoryRow], now: i64) -> sqlx::Result<()> {
    let from_week = crate::metrics::week_start(now) - WARM_WEEKS * crate::metrics::WEEK;
    for (i, chunk) in repos.chunks(WARM_CHUNK).enumerate() {
        if crate::db::slices::cache_stats().bytes >= crate::db::slices::CACHE_BUDGET / 2 {
            tracing::info!(
                warmed = i * WARM_CHUNK,
                repositories = repos.len(),
                "the recent weeks of the first repositories are held in memory; the others are read on demand"
            );
            break;
        }
        let ids: Vec<i64> = chunk.iter().map(|r| r.id).collect();
        crate::db::slices::warm(pool, &crate::db::dashboard::scope_json(&ids), from_week, now + 1).await?;
    }
    Ok(())
}

impl PresentCache {
    /// The present state of the scope at data `version`, if computed ahead at that version and
    /// at most [`MAX_AGE`] before `now`.
    pub fn get(&self, version: i64, repo_ids: &[i64], archived: bool, now: i64) -> Option<Arc<Present>> {
        let snapshot = self.snapshot.read().ok()?.clone()?;
        if snapshot.version != version || now - snapshot.at > MAX_AGE || snapshot.at > now {
            return None;
        }
        snapshot.scopes.get(&key(repo_ids, archived)).cloned()
    }

    /// The present state a page may take from here: [`get`](Self::get)'s, for the default view
    /// (bots excluded: only that is computed ahead), none with bots included.
    pub fn for_page(
        &self,
        version: i64,
        repo_ids: &[i64],
        archived: bool,
        include_bots: bool,
        now: i64,
    ) -> Option<Arc<Present>> {
        if include_bots { None } else { self.get(version, repo_ids, archived, now) }
    }

    /// Whether the states should be computed (again): never computed, computed at another data
    /// version, or [`RENEW_AFTER`] old.
    pub fn is_due(&self, version: i64, now: i64) -> bool {
        let snapshot = self.snapshot.read().ok().and_then(|s| s.clone());
        snapshot.is_none_or(|s| s.version != version || now - s.at >= RENEW_AFTER || s.at > now)
    }

    /// Computes the present state of every tracked repository, every organisation and all of
    /// them, as of `now`, and keeps them if the data version did not move meanwhile. Returns the
    /// number of scopes computed (0 when the version moved: the next look tries again).
    pub async fn rebuild(&self, pool: &sqlx::AnyPool, now: i64) -> sqlx::Result<usize> {
        let version = crate::db::runs::data_version(pool).await?;
        let repos = crate::db::repos::list_tracked_repositories(pool).await?;
        // The overview's rollup counts as not archived whatever its repositories are.
        let mut scopes: Vec<ScopeKey> = vec![key(&repos.iter().map(|r| r.id).collect::<Vec<_>>(), false)];
        let mut owners: Vec<&str> = repos.iter().map(|r| r.owner.as_str()).collect();
        owners.sort_unstable_by_key(|o| o.to_ascii_lowercase());
        owners.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        for owner in owners {
            let of: Vec<_> = repos.iter().filter(|r| r.owner.eq_ignore_ascii_case(owner)).collect();
            let ids: Vec<i64> = of.iter().map(|r| r.id).collect();
            scopes.push(key(&ids, of.iter().all(|r| r.is_archived)));
        }
        scopes.extend(repos.iter().map(|r| key(&[r.id], r.is_archived)));
        let mut seen = std::collections::HashSet::new();
        scopes.retain(|s| seen.insert(s.clone()));
        if scopes.len() > MAX_SCOPES {
            tracing::info!(
                computed = MAX_SCOPES,
                scopes = scopes.len(),
                "dashboards' present state computed ahead for the first scopes only; the others compute it per page"
            );
            scopes.truncate(MAX_SCOPES);
        }
        warm(pool, &repos, now).await?;
        let mut computed = HashMap::with_capacity(scopes.len());
        for scope in scopes {
            // The window's reads of an empty window cost next to nothing.
            let rows = rows::load_rows(pool, &scope.0, (now, now), false, now, Parts::Full).await?;
            let present = compute(&rows, scope.1, false, now);
            computed.insert(scope, Arc::new(present));
        }
        if crate::db::runs::data_version(pool).await? != version {
            return Ok(0);
        }
        let n = computed.len();
        let snapshot = Arc::new(Snapshot { version, at: now, scopes: computed });
        if let Ok(mut slot) = self.snapshot.write() {
            *slot = Some(snapshot);
        }
        Ok(n)
    }
}
