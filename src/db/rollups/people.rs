//! `repo_people` brought up to date for the people the new rows touched, without reading all of a
//! prolific person's history: their first and last contribution and maintainer status follow from
//! their row before and their rows in the dirty weeks, and their total is the sum of their weeks in
//! `person_weeks`. People with changed or deleted rows, new people, and people whose second
//! engagement may move are recounted from all their rows instead.

use std::collections::{BTreeMap, BTreeSet};

use super::statements::{ENGAGEMENTS_OF, PEOPLE_IN_WEEKS, PEOPLE_TOTALS, REPO_PEOPLE_OF};
use crate::db::dashboard::json_list as json;

/// A person's `repo_people` row.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
struct Person {
    account_id: i64,
    first_at: i64,
    last_at: i64,
    contributions: i64,
    #[sqlx(try_from = "crate::db::Flag")]
    is_maintainer: bool,
    second_at: Option<i64>,
}

async fn read(
    tx: &mut sqlx::AnyConnection,
    repo_id: i64,
    people: &BTreeSet<i64>,
) -> sqlx::Result<BTreeMap<i64, Person>> {
    let rows: Vec<Person> = crate::db::sql::query_as(
        "SELECT account_id, first_at, last_at, contributions, is_maintainer, second_at FROM repo_people
         WHERE repo_id = ?1 AND account_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?2))",
    )
    .bind(repo_id)
    .bind(json(people))
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows.into_iter().map(|p| (p.account_id, p)).collect())
}

/// Splits the people with new rows only (`added`) into those brought up to date from their rows
/// in the dirty weeks (`stats`: their first and last contribution there, and whether any was made
/// as a maintainer) and those recounted from all their rows. A person's new rows all fall in the
/// dirty weeks and every engagement is a contribution, so when none of their contributions there
/// comes before their second engagement, it stays; a person without one yet is recounted.
fn split(
    added: impl Iterator<Item = i64>,
    candidates: &BTreeSet<i64>,
    before: &BTreeMap<i64, Person>,
    stats: &BTreeMap<i64, (i64, i64, bool)>,
) -> (BTreeSet<i64>, BTreeSet<i64>) {
    added.partition(|p| {
        let second = before.get(p).and_then(|b| b.second_at);
        candidates.contains(p) && second.is_some_and(|second| stats.get(p).is_none_or(|(first, ..)| *first >= second))
    })
}

/// Updates `repo_people` for `recount` (people with changed or deleted rows) and `added` (people
/// with new rows only, all in `weeks`; `person_weeks` must already be rebuilt for those weeks).
/// Returns the people whose first contribution or maintainer status changed, or who appeared or
/// disappeared: the slices show those.
pub(super) async fn update_people(
    tx: &mut sqlx::AnyConnection,
    repo_id: i64,
    maintainers: Option<&str>,
    recount: &BTreeSet<i64>,
    added: &BTreeSet<i64>,
    weeks: &BTreeSet<i64>,
) -> sqlx::Result<BTreeSet<i64>> {
    let everyone: BTreeSet<i64> = recount.union(added).copied().collect();
    if everyone.is_empty() {
        return Ok(BTreeSet::new());
    }
    let before = read(&mut *tx, repo_id, &everyone).await?;
    // People with new rows only, and a second engagement already: their first and last
    // contribution and maintainer status within the dirty weeks, per run of nearby weeks (an index
    // range each), merged.
    let candidates: BTreeSet<i64> =
        added.difference(recount).filter(|p| before.get(p).is_some_and(|b| b.second_at.is_some())).copied().collect();
    let mut stats: BTreeMap<i64, (i64, i64, bool)> = BTreeMap::new();
    if !candidates.is_empty() {
        let ids = json(&candidates);
        for run in super::weeks::Weeks::Some(weeks.clone()).runs() {
            let rows: Vec<(i64, i64, i64, crate::db::Flag)> = crate::db::sql::query_as(PEOPLE_IN_WEEKS)
                .bind(repo_id)
                .bind(run.from)
                .bind(run.weeks)
                .bind(&ids)
                .bind(maintainers)
                .bind(run.to)
                .fetch_all(&mut *tx)
                .await?;
            for (who, first, last, crate::db::Flag(maint)) in rows {
                let merged = stats.entry(who).or_insert((first, last, maint));
                *merged = (merged.0.min(first), merged.1.max(last), merged.2 || maint);
            }
        }
    }
    let (delta, mut full): (BTreeSet<i64>, BTreeSet<i64>) =
        split(added.difference(recount).copied(), &candidates, &before, &stats);
    full.extend(recount);
    if !delta.is_empty() {
        let ids = json(&delta);
        let totals: Vec<(i64, i64)> =
            crate::db::sql::query_as(PEOPLE_TOTALS).bind(repo_id).bind(&ids).fetch_all(&mut *tx).await?;
        for (who, total) in totals {
            let Some(old) = before.get(&who) else { continue };
            let (first, last, maint) = stats.get(&who).copied().unwrap_or((old.first_at, old.last_at, false));
            crate::db::sql::query(
                "UPDATE repo_people SET first_at = ?3, last_at = ?4, contributions = ?5, is_maintainer = ?6
                 WHERE repo_id = ?1 AND account_id = ?2",
            )
            .bind(repo_id)
            .bind(who)
            .bind(old.first_at.min(first))
            .bind(old.last_at.max(last))
            .bind(total)
            .bind(i64::from(old.is_maintainer || maint))
            .execute(&mut *tx)
            .await?;
        }
    }
    if !full.is_empty() {
        let ids = json(&full);
        crate::db::sql::query(
            "DELETE FROM repo_people WHERE repo_id = ?1 AND account_id IN (SELECT CAST(value AS BIGINT) FROM json_each(?2))",
        )
        .bind(repo_id)
        .bind(&ids)
        .execute(&mut *tx)
        .await?;
        crate::db::sql::query(REPO_PEOPLE_OF).bind(repo_id).bind(&ids).bind(maintainers).execute(&mut *tx).await?;
        crate::db::sql::query(ENGAGEMENTS_OF).bind(repo_id).bind(&ids).execute(&mut *tx).await?;
    }
    let after = read(&mut *tx, repo_id, &everyone).await?;
    let shown = |rows: &BTreeMap<i64, Person>, p: &i64| rows.get(p).map(|r| (r.first_at, r.is_maintainer));
    Ok(everyone.into_iter().filter(|p| shown(&before, p) != shown(&after, p)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: i64, second_at: Option<i64>) -> (i64, Person) {
        (id, Person { account_id: id, first_at: 10, last_at: 50, contributions: 3, is_maintainer: false, second_at })
    }

    #[test]
    fn only_people_whose_rows_in_the_dirty_weeks_all_follow_their_second_engagement_skip_the_recount() {
        // 1: second engagement at 20, new rows from 30 on: kept. 2: a row at 15 in the dirty
        // weeks (an old week made dirty by someone else can hold an earlier row): recounted.
        // 3: no second engagement yet: recounted. 4: a row exactly at its second engagement: kept.
        let before: BTreeMap<i64, Person> =
            [person(1, Some(20)), person(2, Some(20)), person(3, None), person(4, Some(20))].into();
        let stats: BTreeMap<i64, (i64, i64, bool)> =
            [(1, (30, 40, false)), (2, (15, 40, false)), (3, (30, 30, false)), (4, (20, 20, true))].into();
        let candidates: BTreeSet<i64> = [1, 2, 4].into();
        let (delta, full) = split([1, 2, 3, 4, 5].into_iter(), &candidates, &before, &stats);
        assert_eq!(delta, [1, 4].into());
        // 5 is new to the repository: no row before, recounted.
        assert_eq!(full, [2, 3, 5].into());
    }
}
