//! A small Open Collective GraphQL v2 at `POST /opencollective/graphql/v2`, answering the one
//! query the app sends, `UpkeepOpenCollective($slug)` (its `account`, and its top-level
//! `expenses(account: {slug}, status: PAID, limit: 100)` when asked), for two collectives: `upkeep-atlas`
//! (USD) and `upkeep-comet` (EUR), the `OPEN_COLLECTIVE` funding links of atlas and comet.
//!
//! Contributions are a pure function of the sim clock: contribution `k` arrives about `k`
//! steps after the collective opened (two years before the epoch), so the history has a trend
//! and `advance` adds more. `transactions(type: CREDIT, limit: 100)` lists the newest 100
//! (Open Collective's default order) with the full `totalCount`. `stats`: `totalAmountReceived`
//! sums every contribution so far, `yearlyBudget` the last 365 days, and `balance` what is left
//! after expenses (paid out of all but the last 60 days' income). Times carry milliseconds, as
//! Open Collective's do. Expenses are paid about monthly from the day the collective opened
//! (again a pure function of the clock): newest first, at most 100, with the full `totalCount`,
//! each with an id, a description, `amount` in cents and the collective's currency. An unknown slug is `{"data":{"account":null}}` with a `NotFound`
//! error; an unknown operation or a body that is not JSON is a `400` with `errors`.

use actix_web::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::answer::Answer;
use super::util::{DAY, Ts, mix, rfc3339};
use super::world::World;

struct Collective {
    slug: &'static str,
    name: &'static str,
    currency: &'static str,
    salt: u64,
    /// Hours between contributions (before jitter).
    step_hours: i64,
    /// Amounts in cents, picked by hash.
    amounts: &'static [u64],
}

static COLLECTIVES: [Collective; 2] = [
    Collective {
        slug: "upkeep-atlas",
        name: "atlas",
        currency: "USD",
        salt: 0x0c01,
        step_hours: 4 * 24,
        amounts: &[500, 1_000, 1_000, 2_000, 2_500, 5_000, 10_000, 25_000],
    },
    Collective {
        slug: "upkeep-comet",
        name: "comet",
        currency: "EUR",
        salt: 0x0c02,
        step_hours: 9 * 24,
        amounts: &[300, 500, 500, 1_000, 2_000, 5_000],
    },
];

/// The collective opened this long before the epoch.
const OPENED_DAYS: i64 = 730;

/// One credit transaction; `from` is a user index, or `None` for a guest contribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Credit {
    at: Ts,
    cents: u64,
    from: Option<u32>,
    k: u64,
}

/// Every contribution to `c` up to `at`, oldest first.
fn credits(world: &World, c: &Collective, at: Ts) -> Vec<Credit> {
    let opened = world.epoch - OPENED_DAYS * DAY;
    let step = c.step_hours * 3_600;
    if at < opened {
        return Vec::new();
    }
    let regulars = &world.people.regulars;
    let count = ((at - opened) / step + 1) as u64;
    let mut out: Vec<Credit> = (0..count)
        .map(|k| {
            let h = mix(world.seed ^ c.salt, k);
            let at = opened + k as Ts * step + (h % (step as u64 * 3 / 4)) as Ts;
            let cents = c.amounts[((h >> 24) % c.amounts.len() as u64) as usize];
            // A pool of about forty backers who give again and again; one in eight is a guest.
            let backer = (h >> 40) % 40;
            let from = (!(h >> 16).is_multiple_of(8) && !regulars.is_empty())
                .then(|| regulars[((c.salt + backer * 7_919) % regulars.len() as u64) as usize]);
            Credit { at, cents, from, k }
        })
        .filter(|credit| credit.at <= at)
        .collect();
    out.sort_by_key(|credit| (credit.at, credit.k));
    out
}

#[derive(Deserialize)]
struct Request {
    #[serde(default)]
    query: String,
    #[serde(default)]
    variables: Value,
    #[serde(rename = "operationName", default)]
    operation_name: Option<String>,
}

pub fn handle(world: &World, body: &[u8]) -> Answer {
    let Ok(request) = serde_json::from_slice::<Request>(body) else {
        return bad_request("Unexpected token in JSON body");
    };
    let named = request.operation_name.as_deref() == Some("UpkeepOpenCollective");
    if !named && !request.query.contains("UpkeepOpenCollective") {
        return bad_request("The simulated Open Collective only answers UpkeepOpenCollective");
    }
    let Some(slug) = request.variables.get("slug").and_then(Value::as_str) else {
        return bad_request("Variable \"$slug\" of required type \"String!\" was not provided.");
    };
    let Some(c) = COLLECTIVES.iter().find(|c| c.slug == slug) else {
        let error = json!({
            "message": "Account Not Found",
            "path": ["account"],
            "extensions": { "code": "NotFound" },
        });
        return Answer::ok(&json!({ "data": { "account": null }, "errors": [error] }));
    };
    #[derive(Serialize)]
    struct Body {
        data: Data,
    }
    #[derive(Serialize)]
    struct Data {
        account: Account,
        #[serde(skip_serializing_if = "Option::is_none")]
        expenses: Option<Expenses>,
    }
    let expenses = request.query.contains("expenses(").then(|| expenses(world, c));
    Answer::ok(&Body { data: Data { account: account(world, c), expenses } })
}

fn bad_request(message: &str) -> Answer {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": "BAD_USER_INPUT" } }] });
    Answer::json(StatusCode::BAD_REQUEST, &body)
}

#[derive(Serialize)]
struct Amount {
    #[serde(rename = "valueInCents")]
    value_in_cents: u64,
    currency: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Stats {
    balance: Amount,
    yearly_budget: Amount,
    total_amount_received: Amount,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Node {
    created_at: String,
    amount: Amount,
    from_account: From,
}

#[derive(Serialize)]
struct From {
    slug: String,
    name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Transactions {
    total_count: usize,
    nodes: Vec<Node>,
}

#[derive(Serialize)]
struct Account {
    slug: &'static str,
    name: &'static str,
    currency: &'static str,
    stats: Stats,
    transactions: Transactions,
}

fn account(world: &World, c: &Collective) -> Account {
    let now = world.now;
    let all = credits(world, c, now);
    let money = |value_in_cents| Amount { value_in_cents, currency: c.currency };
    let total: u64 = all.iter().map(|x| x.cents).sum();
    let yearly: u64 = all.iter().filter(|x| x.at > now - 365 * DAY).map(|x| x.cents).sum();
    let settled: u64 = all.iter().filter(|x| x.at <= now - 60 * DAY).map(|x| x.cents).sum();
    let spent = settled * 7 / 10;
    let nodes = all.iter().rev().take(100).map(|x| Node {
        created_at: rfc3339(x.at).replace('Z', ".000Z"),
        amount: money(x.cents),
        from_account: from_account(world, x),
    });
    Account {
        slug: c.slug,
        name: c.name,
        currency: c.currency,
        stats: Stats {
            balance: money(total - spent),
            yearly_budget: money(yearly),
            total_amount_received: money(total),
        },
        transactions: Transactions { total_count: all.len(), nodes: nodes.collect() },
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Expense {
    id: String,
    description: &'static str,
    created_at: String,
    amount: u64,
    currency: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Expenses {
    total_count: usize,
    nodes: Vec<Expense>,
}

const EXPENSE_CENTS: [u64; 5] = [4_000, 7_500, 12_000, 20_000, 30_000];
const EXPENSE_NOTES: [&str; 5] =
    ["Hosting and CI", "Contributor stipend", "Security audit", "Conference travel", "Domain and e-mail"];

/// Paid expenses up to now, newest first (at most 100): the `k`-th about `30 k` days after the
/// collective opened.
fn expenses(world: &World, c: &Collective) -> Expenses {
    let opened = world.epoch - OPENED_DAYS * DAY;
    let step = 30 * DAY;
    let count = if world.now < opened { 0 } else { ((world.now - opened) / step + 1) as u64 };
    let all: Vec<Expense> = (0..count)
        .filter_map(|k| {
            let h = mix(world.seed ^ c.salt ^ 0xe4e4, k);
            let at = opened + k as Ts * step + (h % (step as u64 / 2)) as Ts;
            (at <= world.now).then(|| Expense {
                id: format!("{}-{k}", c.slug),
                description: EXPENSE_NOTES[((h >> 20) % 5) as usize],
                created_at: rfc3339(at).replace('Z', ".000Z"),
                amount: EXPENSE_CENTS[((h >> 28) % 5) as usize],
                currency: c.currency,
            })
        })
        .collect();
    let total_count = all.len();
    Expenses { total_count, nodes: all.into_iter().rev().take(100).collect() }
}

/// A backer's Open Collective profile: their GitHub login as slug, a name made from it; guests
/// are `guest-…`/`Guest`.
fn from_account(world: &World, credit: &Credit) -> From {
    let Some(user) = credit.from else {
        return From { slug: format!("guest-{:08x}", mix(credit.at as u64, credit.k) >> 32), name: "Guest".into() };
    };
    let login = world.user(user).login.to_string();
    let name = login
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.trim_end_matches(|c: char| c.is_ascii_digit());
            let mut chars = w.chars();
            chars.next().map(|f| f.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ");
    From { slug: login, name }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DEFAULT_EPOCH, Scale, generate::generate};

    #[test]
    fn contributions_spread_over_two_years_and_keep_coming() {
        let mut world = generate(7, Scale::Small, DEFAULT_EPOCH);
        let atlas = &COLLECTIVES[0];
        let before = credits(&world, atlas, world.now);
        assert!(before.len() > 150, "{}", before.len());
        assert!(before[0].at < world.epoch - 700 * DAY && before.last().unwrap().at > world.epoch - 10 * DAY);
        assert!(before.iter().any(|c| c.from.is_none()) && before.iter().any(|c| c.from.is_some()));
        world.now += 30 * DAY;
        let after = credits(&world, atlas, world.now);
        assert!(after.len() > before.len() + 4);
        assert_eq!(after[..before.len()], before[..], "the past does not change");
        let a = account(&world, atlas);
        assert_eq!((a.transactions.total_count, a.transactions.nodes.len()), (after.len(), 100));
        assert!(a.stats.balance.value_in_cents < a.stats.total_amount_received.value_in_cents);
    }

    #[test]
    fn expenses_are_paid_monthly_newest_first_and_the_past_does_not_change() {
        let mut world = generate(7, Scale::Small, DEFAULT_EPOCH);
        let atlas = &COLLECTIVES[0];
        let before = expenses(&world, atlas);
        assert!((23..=25).contains(&before.total_count), "two years of months: {}", before.total_count);
        assert!(before.nodes.windows(2).all(|w| w[0].created_at > w[1].created_at), "newest first");
        assert!(before.nodes.iter().all(|e| e.currency == "USD" && EXPENSE_CENTS.contains(&e.amount)));
        world.now += 65 * DAY;
        let after = expenses(&world, atlas);
        assert!(after.total_count >= before.total_count + 2);
        let ids = |e: &Expenses| e.nodes.iter().map(|n| n.id.clone()).collect::<Vec<_>>();
        assert!(ids(&after).ends_with(&ids(&before)), "earlier expenses stay as they were");
    }
}
