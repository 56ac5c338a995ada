//! Hostile funding data: every text that reaches the funder pages from GitHub, Open Collective
//! or a funding.json or FUNDING.yml (listing and tier names, goal titles, link URLs, collective and
//! contributor names, manifest and FUNDING.yml messages and keys) is escaped, and no link can carry
//! a `javascript:` URL.

use crate::helpers::{Store, get, page, select, spawn_app};
use crate::report_seed;

const EVIL: &str = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";

async fn exec(store: &Store, sql: &'static str, binds: &[&str]) {
    let mut q = upkeep::db::sql::query(sql);
    for b in binds {
        q = q.bind(b.to_string());
    }
    q.execute(&store.db.pool).await.expect(sql);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_funding_text_is_escaped_everywhere_and_links_stay_safe() {
    let store = Store::new().await;
    report_seed::seed(&store, 0).await;
    let repo_id: i64 = upkeep::db::sql::query_scalar("SELECT id FROM repositories WHERE full_name = 'acme/widget'")
        .fetch_one(&store.db.pool)
        .await
        .unwrap();
    let id = repo_id.to_string();
    for sql in [
        "DELETE FROM funding_links",
        "DELETE FROM funding_manifests",
        "DELETE FROM funding_manifest_issues",
        "DELETE FROM sponsors_snapshots",
    ] {
        exec(&store, sql, &[]).await;
    }
    for (seq, platform, url) in [
        ("0", "GITHUB", "https://github.com/acme"),
        ("1", "CUSTOM", "javascript:alert(3)"),
        ("2", "SOME_NEW_PLATFORM", "https://example.org/<b>x</b>"),
        ("3", "OPEN_COLLECTIVE", "https://opencollective.com/evil"),
    ] {
        exec(
            &store,
            "INSERT INTO funding_links (repo_id, seq, platform, url) VALUES (CAST(? AS BIGINT), CAST(? AS BIGINT), ?, ?)",
            &[&id, seq, platform, url],
        )
        .await;
    }
    let tiers = serde_json::json!([{ "name": EVIL, "monthly_cents": 500, "one_time": false }]).to_string();
    let logins = serde_json::json!([EVIL]).to_string();
    exec(
        &store,
        "INSERT INTO sponsors_snapshots (login, fetched_at, last_seen_at, has_listing, listing_name, goal_kind,
             goal_target, goal_percent, goal_title, tiers, sponsor_count, sponsor_logins, active_sponsorships)
         VALUES ('acme', 1000, 2000, 1, ?, 'TOTAL_SPONSORS_COUNT', 10, 40, ?, ?, 4, ?, 4)",
        &[EVIL, EVIL, &tiers, &logins],
    )
    .await;
    exec(
        &store,
        "INSERT INTO open_collective_snapshots (slug, fetched_at, last_seen_at, name, currency, balance_cents,
             balance_currency, yearly_budget_cents, yearly_budget_currency, total_received_cents,
             total_received_currency)
         VALUES ('evil', 1000, 2000, ?, 'USD', 100, 'USD', 1200, 'USD', 5000, 'USD')",
        &[EVIL],
    )
    .await;
    exec(
        &store,
        "INSERT INTO open_collective_transactions (slug, id, created_at, amount_cents, currency, from_slug, from_name,
             fetched_at) VALUES ('evil', 't1', 1500, 500, 'USD', 'x', ?, 2000)",
        &[EVIL],
    )
    .await;
    exec(
        &store,
        "INSERT INTO funding_manifests (repo_id, url, raw, parsed, valid) VALUES (CAST(? AS BIGINT), 'javascript:alert(4)', '{', NULL, 0)",
        &[&id],
    )
    .await;
    exec(
        &store,
        "INSERT INTO funding_manifest_issues (repo_id, seq, severity, path, message) VALUES (CAST(? AS BIGINT), 0, 'error', ?, ?)",
        &[&id, EVIL, EVIL],
    )
    .await;
    exec(
        &store,
        "INSERT INTO funding_yml_files (repo_id, path, raw, valid) VALUES (CAST(? AS BIGINT), ?, ?, 1)",
        &[&id, EVIL, EVIL],
    )
    .await;
    exec(
        &store,
        "INSERT INTO funding_yml_issues (repo_id, seq, severity, key, message) VALUES (CAST(? AS BIGINT), 0, 'warning', ?, ?)",
        &[&id, EVIL, EVIL],
    )
    .await;
    let app = spawn_app(report_seed::config(&store), store.db.clone()).await;

    for path in ["/funding", "/funding/acme/widget", "/reports/acme/widget", "/reports/acme/widget?format=md"] {
        let (status, body) = get(&format!("{app}{path}")).await;
        assert_eq!(status, 200, "{path}: {body}");
        // Markdown escapes with a backslash (`\<` renders as a literal `<`); HTML with entities.
        let body = body.replace("\\<", "");
        assert!(!body.contains("<script>alert"), "{path} carries a raw script");
        assert!(!body.contains("<img src=x"), "{path} carries a raw tag");
    }
    for path in ["/funding", "/funding/acme/widget", "/reports/acme/widget"] {
        let doc = page(&format!("{app}{path}")).await;
        for a in select(&doc, "a[href]") {
            let href = a.value().attr("href").unwrap_or_default().to_ascii_lowercase();
            assert!(!href.trim_start().starts_with("javascript:"), "{path}: unsafe link {href}");
        }
        let text = doc.root_element().text().collect::<String>();
        if path != "/funding" {
            assert!(text.contains(EVIL), "{path} shows the hostile text as text");
        }
    }
    for path in ["/funding/acme/widget/goal.svg", "/badges/acme/widget/sponsors.svg"] {
        let (status, svg) = get(&format!("{app}{path}")).await;
        assert_eq!(status, 200);
        assert!(!svg.contains("<script") && !svg.contains("<img"), "{path}: {svg}");
    }
    let (status, json) = get(&format!("{app}/api/v1/funding/acme/widget")).await;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert!(v["listings"][0]["tiers"][0]["name"] == EVIL, "JSON keeps the text as data");
}
