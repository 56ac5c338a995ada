//! HTTP tests of the funding data: `UpkeepFunding` and `UpkeepSponsorable` (shapes, links per
//! repository, visibility of amounts, sponsorship history, counts moving with `advance`), `funding.json`
//! and `.github/FUNDING.yml` contents (base64, ETags, the malformed files, `404`s) and the simulated
//! Open Collective.

use serde_json::{Value, json};

use super::test_client::{get, get_with, post, request};
use super::util::base64;
use super::{Scale, SimOptions, SimServer};

const FUNDING: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../src/github/queries/funding.graphql"));
const SPONSORABLE: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../src/github/queries/sponsorable.graphql"));
const OPEN_COLLECTIVE: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../src/github/queries/open_collective.graphql"));

async fn start(opts: SimOptions) -> SimServer {
    SimServer::start(opts, 0).await.expect("simulator starts")
}

async fn graphql(sim: &SimServer, query: &str, variables: Value, token: Option<&str>) -> Value {
    let body = json!({ "query": query, "variables": variables }).to_string();
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("content-type", "application/json")];
    headers.extend(auth.as_deref().map(|a| ("authorization", a)));
    request("POST", &format!("{}/graphql", sim.url()), &headers, &body).await.expect("graphql").json()
}

async fn funding(sim: &SimServer, repo: &str, token: Option<&str>) -> Value {
    graphql(sim, FUNDING, json!({ "owner": "upkeep-sim", "name": repo }), token).await
}

async fn open_collective(sim: &SimServer, slug: &str) -> Value {
    let body = json!({ "query": OPEN_COLLECTIVE, "variables": { "slug": slug } }).to_string();
    post(&format!("{}/opencollective/graphql/v2", sim.url()), &body).await.expect("open collective").json()
}

fn platforms(answer: &Value) -> Vec<(String, String)> {
    let links = answer["data"]["repository"]["fundingLinks"].as_array().expect("fundingLinks");
    links.iter().map(|l| (l["platform"].as_str().unwrap().into(), l["url"].as_str().unwrap().into())).collect()
}

#[tokio::test]
async fn upkeep_funding_has_githubs_shapes_and_links_per_repository() {
    let sim = start(SimOptions::new(7, Scale::Small)).await;
    let atlas = funding(&sim, "atlas", None).await;
    assert!(atlas.get("errors").is_none(), "{atlas}");
    assert_eq!(atlas["data"]["rateLimit"]["cost"], 1);
    assert_eq!(
        platforms(&atlas),
        [
            ("GITHUB".into(), "https://github.com/upkeep-sim".into()),
            ("OPEN_COLLECTIVE".into(), "https://opencollective.com/upkeep-atlas".into()),
            ("CUSTOM".into(), "https://example.org/donate".into()),
        ]
    );
    let owner = &atlas["data"]["repository"]["owner"];
    assert_eq!((owner["__typename"].as_str(), owner["login"].as_str()), (Some("Organization"), Some("upkeep-sim")));
    assert_eq!(owner["hasSponsorsListing"], true);
    let listing = &owner["sponsorsListing"];
    assert_eq!(listing["name"], "sponsors-upkeep-sim");
    assert!(listing["shortDescription"].as_str().is_some_and(|d| !d.is_empty()));
    assert_eq!(listing["activeGoal"]["kind"], "MONTHLY_SPONSORSHIP_AMOUNT");
    assert!(listing["activeGoal"]["percentComplete"].as_u64().is_some_and(|p| p <= 100));
    let tiers = listing["tiers"]["nodes"].as_array().unwrap();
    assert!(tiers.len() >= 3 && tiers.iter().any(|t| t["isOneTime"] == true));
    let prices: Vec<u64> = tiers.iter().map(|t| t["monthlyPriceInCents"].as_u64().unwrap()).collect();
    assert!(prices.is_sorted(), "{prices:?}");
    let sponsors = &owner["sponsors"];
    let nodes = sponsors["nodes"].as_array().unwrap();
    assert!(nodes.len() > 20 && nodes.len() as u64 == sponsors["totalCount"].as_u64().unwrap());
    assert!(nodes.iter().all(|n| n["__typename"] == "User" && n["login"].is_string()));
    let totals = &owner["sponsorshipsAsMaintainer"];
    assert_eq!(totals["totalCount"], sponsors["totalCount"], "public sponsors only, both ways");
    assert_eq!(totals["totalRecurringMonthlyPriceInCents"], 0, "amounts hidden from third parties");

    let quasar = platforms(&funding(&sim, "quasar", None).await);
    assert_eq!((quasar[0].0.as_str(), quasar[1].0.as_str()), ("GITHUB", "CUSTOM"));
    assert!(quasar[1].1.starts_with("https://paypal.me/"));
    assert_eq!(platforms(&funding(&sim, "comet", None).await)[0].0, "OPEN_COLLECTIVE");
    for unfunded in ["pulsar", "halo"] {
        assert!(platforms(&funding(&sim, unfunded, None).await).is_empty(), "{unfunded}");
    }
    let missing = funding(&sim, "no-such-repo", None).await;
    assert!(missing["data"]["repository"].is_null());
    assert_eq!(missing["errors"][0]["type"], "NOT_FOUND");

    let again = funding(&sim, "atlas", None).await;
    assert_eq!(again["data"]["repository"], atlas["data"]["repository"], "deterministic");
    let other = start(SimOptions::new(7, Scale::Small)).await;
    assert_eq!(funding(&other, "atlas", None).await["data"]["repository"], atlas["data"]["repository"]);
    assert_eq!(sim.stats().graphql, 7);
    other.stop().await;
    sim.stop().await;
}

#[tokio::test]
async fn amounts_and_private_sponsors_need_the_maintainer_token() {
    let mut opts = SimOptions::new(7, Scale::Small);
    opts.sponsor_token = Some("maintainer-token".into());
    let sim = start(opts).await;
    let anyone = funding(&sim, "atlas", Some("someone-else")).await;
    let maintainer = funding(&sim, "atlas", Some("maintainer-token")).await;
    let (a, m) = (&anyone["data"]["repository"]["owner"], &maintainer["data"]["repository"]["owner"]);
    assert_eq!(a["sponsorshipsAsMaintainer"]["totalRecurringMonthlyPriceInCents"], 0);
    assert!(m["sponsorshipsAsMaintainer"]["totalRecurringMonthlyPriceInCents"].as_u64().unwrap() > 0);
    assert_eq!(a["sponsorshipsAsMaintainer"]["totalCount"], m["sponsorshipsAsMaintainer"]["totalCount"]);
    let count = |v: &Value| v["sponsors"]["totalCount"].as_u64().unwrap();
    assert!(count(m) > count(a), "the maintainer also sees private sponsors");
    assert_eq!(a["sponsorsListing"], m["sponsorsListing"], "the listing is public");
    let none = funding(&sim, "atlas", None).await;
    assert_eq!(none["data"]["repository"], anyone["data"]["repository"]);
    sim.stop().await;
}

#[tokio::test]
async fn sponsorship_history_lists_ended_and_one_time_sponsorships_newest_first() {
    let mut opts = SimOptions::new(7, Scale::Small);
    opts.sponsor_token = Some("maintainer-token".into());
    let sim = start(opts).await;
    let owner = |v: &Value| v["data"]["repository"]["owner"].clone();
    let anyone = owner(&funding(&sim, "atlas", None).await);
    let nodes = anyone["history"]["nodes"].as_array().expect("history.nodes").clone();
    let active = nodes.iter().filter(|n| n["isActive"] == true).count();
    assert!(nodes.len() < 100, "the small org's whole history fits one page ({})", nodes.len());
    assert_eq!(active as u64, anyone["sponsorshipsAsMaintainer"]["totalCount"].as_u64().unwrap(), "public only");
    assert!(nodes.len() > active, "ended sponsorships are listed too");
    assert!(nodes.iter().any(|n| n["isOneTimePayment"] == true && n["isActive"] == false));
    assert!(nodes.iter().any(|n| n["isOneTimePayment"] == false && n["isActive"] == false), "churned");
    let times: Vec<&str> = nodes.iter().map(|n| n["createdAt"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]) && times[0].ends_with('Z'), "newest first: {times:?}");
    assert!(nodes.iter().all(|n| n["tier"].is_null()), "tiers are hidden from third parties");

    let maintainer = owner(&funding(&sim, "atlas", Some("maintainer-token")).await);
    let theirs = maintainer["history"]["nodes"].as_array().unwrap();
    assert_eq!(theirs.len(), nodes.len(), "includePrivate: false hides private ones from the maintainer too");
    let prices: Vec<u64> = theirs.iter().map(|n| n["tier"]["monthlyPriceInCents"].as_u64().unwrap()).collect();
    assert!(prices.iter().all(|p| [500, 1_500, 2_500, 10_000, 50_000].contains(p)), "{prices:?}");
    assert_eq!(owner(&funding(&sim, "atlas", None).await)["history"], anyone["history"], "deterministic");

    let quasar = platforms(&funding(&sim, "quasar", None).await);
    let hero = quasar[0].1.trim_start_matches("https://github.com/").to_owned();
    let user = graphql(&sim, SPONSORABLE, json!({ "login": hero }), None).await;
    let hero_history = user["data"]["user"]["history"]["nodes"].as_array().unwrap().clone();
    assert!(!hero_history.is_empty() && hero_history.len() != nodes.len());
    let contributors = get(&format!("{}/repos/upkeep-sim/pulsar/contributors", sim.url())).await.unwrap().json();
    let someone = contributors[0]["login"].as_str().unwrap().to_owned();
    let plain = graphql(&sim, SPONSORABLE, json!({ "login": someone }), None).await;
    assert_eq!(plain["data"]["user"]["history"], json!({ "nodes": [] }), "no listing, no history");

    sim.advance(120.0, 0.0);
    let later = owner(&funding(&sim, "atlas", None).await);
    let later = later["history"]["nodes"].as_array().unwrap();
    assert!(later.len() > nodes.len(), "new sponsorships arrive: {} -> {}", nodes.len(), later.len());
    assert!(later.iter().any(|n| n["createdAt"] == nodes[0]["createdAt"]), "and the older ones stay");
    sim.stop().await;
}

#[tokio::test]
async fn sponsor_counts_move_with_the_clock() {
    let sim = start(SimOptions::new(7, Scale::Small)).await;
    let before = funding(&sim, "docs", None).await;
    sim.advance(60.0, 0.0);
    let after = funding(&sim, "docs", None).await;
    let owner = |v: &Value| v["data"]["repository"]["owner"].clone();
    assert_ne!(owner(&before)["sponsors"], owner(&after)["sponsors"]);
    let count = |v: &Value| owner(v)["sponsors"]["totalCount"].as_u64().unwrap();
    sim.advance(365.0, 0.0);
    let year = funding(&sim, "docs", None).await;
    assert!(count(&year) > count(&before), "{} -> {}", count(&before), count(&year));
    sim.stop().await;
}

#[tokio::test]
async fn only_the_quasar_hero_has_a_personal_listing() {
    let sim = start(SimOptions::new(7, Scale::Small)).await;
    let quasar = platforms(&funding(&sim, "quasar", None).await);
    let hero = quasar[0].1.trim_start_matches("https://github.com/").to_owned();
    let user = graphql(&sim, SPONSORABLE, json!({ "login": hero }), None).await;
    let user = &user["data"]["user"];
    assert_eq!((user["login"].as_str(), user["hasSponsorsListing"].as_bool()), (Some(hero.as_str()), Some(true)));
    assert_eq!(user["sponsorsListing"]["activeGoal"]["kind"], "TOTAL_SPONSORS_COUNT");
    assert!(user.get("__typename").is_none() && user["sponsorsListing"].get("shortDescription").is_none());
    let nodes = user["sponsors"]["nodes"].as_array().unwrap();
    assert!(nodes.iter().any(|n| n["__typename"] == "Organization" && n["login"] == "upkeep-sim"));
    assert_eq!(user["sponsorshipsAsMaintainer"]["totalRecurringMonthlyPriceInCents"], 0);

    let contributors = get(&format!("{}/repos/upkeep-sim/atlas/contributors", sim.url())).await.unwrap().json();
    let someone = contributors[0]["login"].as_str().unwrap().to_owned();
    let plain = graphql(&sim, SPONSORABLE, json!({ "login": someone }), None).await;
    let plain = &plain["data"]["user"];
    assert_eq!((plain["hasSponsorsListing"].as_bool(), plain["sponsorsListing"].is_null()), (Some(false), true));
    assert_eq!(plain["sponsors"], json!({ "totalCount": 0, "nodes": [] }));
    for login in ["nobody-at-all", "upkeep-sim"] {
        let missing = graphql(&sim, SPONSORABLE, json!({ "login": login }), None).await;
        assert!(missing["data"]["user"].is_null() && missing["errors"][0]["type"] == "NOT_FOUND", "{missing}");
    }
    sim.stop().await;
}

#[tokio::test]
async fn funding_json_is_served_as_contents() {
    let sim = start(SimOptions::new(7, Scale::Small)).await;
    let url = |repo: &str| format!("{}/repos/upkeep-sim/{repo}/contents/funding.json", sim.url());
    let first = get(&url("atlas")).await.unwrap();
    assert_eq!((first.status, first.header("x-ratelimit-resource")), (200, Some("core")));
    let body = first.json();
    let keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    for key in ["type", "encoding", "size", "name", "path", "content", "sha", "url", "git_url", "html_url"] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    assert_eq!((body["type"].as_str(), body["encoding"].as_str()), (Some("file"), Some("base64")));
    let content = body["content"].as_str().unwrap();
    assert!(content.lines().all(|l| l.len() <= 60));
    let text = decode(&content.replace('\n', ""));
    assert_eq!(body["size"].as_u64(), Some(text.len() as u64));
    let manifest: Value = serde_json::from_slice(&text).expect("atlas's manifest is JSON");
    assert_eq!(manifest["funding"]["plans"][0]["currency"], "USD");
    assert!(manifest["x-fiscal-host"].is_object(), "an unknown field to keep");
    let etag = first.header("etag").unwrap().to_owned();
    assert_eq!(get_with(&url("atlas"), &[("if-none-match", &etag)]).await.unwrap().status, 304);

    let comet: Value = serde_json::from_slice(&decode(&content_of(&url("comet")).await)).unwrap();
    assert_eq!(comet["funding"]["plans"][0]["currency"], "EUR");
    let nebula: Value = serde_json::from_slice(&decode(&content_of(&url("nebula")).await)).unwrap();
    assert!(nebula["funding"]["plans"][1].get("currency").is_none(), "a plan without a currency");
    assert!(serde_json::from_slice::<Value>(&decode(&content_of(&url("orbit")).await)).is_err());
    assert_eq!(get(&url("pulsar")).await.unwrap().status, 404);
    let stats = sim.stats();
    assert_eq!(stats.by_route["GET /repos/{o}/{r}/contents/{path}"], 6);
    assert_eq!(stats.not_modified, 1);
    sim.stop().await;
}

#[tokio::test]
async fn funding_yml_is_served_as_contents_where_there_are_funding_links() {
    let sim = start(SimOptions::new(7, Scale::Small)).await;
    let url = |repo: &str| format!("{}/repos/upkeep-sim/{repo}/contents/.github/FUNDING.yml", sim.url());
    let first = get(&url("atlas")).await.unwrap();
    assert_eq!(first.status, 200);
    let body = first.json();
    assert_eq!((body["name"].as_str(), body["path"].as_str()), (Some("FUNDING.yml"), Some(".github/FUNDING.yml")));
    assert!(body["html_url"].as_str().unwrap().ends_with("/upkeep-sim/atlas/blob/main/.github/FUNDING.yml"));
    let text = String::from_utf8(decode(&content_of(&url("atlas")).await)).unwrap();
    assert!(text.contains("\ngithub: upkeep-sim\nopen_collective: upkeep-atlas\n"), "{text}");
    let etag = first.header("etag").unwrap().to_owned();
    assert_eq!(get_with(&url("atlas"), &[("if-none-match", &etag)]).await.unwrap().status, 304);
    let halo = String::from_utf8(decode(&content_of(&url("halo")).await)).unwrap();
    assert!(halo.contains("custom: Donate to the lighting rig fund: https://"), "not YAML: {halo}");
    assert!(platforms(&funding(&sim, "halo", None).await).is_empty(), "so GitHub shows no links");
    for none in ["pulsar", "legacy-tools"] {
        assert_eq!(get(&url(none)).await.unwrap().status, 404, "{none}");
    }
    let stats = sim.stats();
    assert_eq!(stats.by_route["GET /repos/{o}/{r}/contents/{path}"], 6);
    sim.stop().await;
}

#[tokio::test]
async fn funding_json_is_also_served_as_a_plain_file_without_a_token() {
    let mut opts = SimOptions::new(7, Scale::Small);
    opts.require_token = Some("github-only".into());
    let sim = start(opts).await;
    let url = |name: &str| format!("{}/manifests/{name}/funding.json", sim.url());
    let first = get(&url("atlas")).await.unwrap();
    assert_eq!(first.status, 200, "no GitHub token needed");
    let contents = format!("{}/repos/upkeep-sim/atlas/contents/funding.json", sim.url());
    let auth = [("authorization", "Bearer github-only")];
    let encoded = get_with(&contents, &auth).await.unwrap().json()["content"].as_str().unwrap().replace('\n', "");
    assert_eq!(first.body, decode(&encoded), "the same text as the contents API's");
    let etag = first.header("etag").unwrap().to_owned();
    assert_eq!(get_with(&url("atlas"), &[("if-none-match", &etag)]).await.unwrap().status, 304);
    assert!(serde_json::from_slice::<Value>(&get(&url("orbit")).await.unwrap().body).is_err(), "orbit's is broken");
    assert_eq!(get(&url("pulsar")).await.unwrap().status, 404);
    assert_eq!(get(&url("no-such-repo")).await.unwrap().status, 404);
    assert_eq!(sim.stats().foreign_tokens, 0);
    let _ = get_with(&url("atlas"), &auth).await.unwrap();
    let stats = sim.stats();
    assert_eq!(stats.foreign_tokens, 1, "a token sent to a foreign host is noticed");
    assert_eq!(stats.by_route["GET /manifests/{name}/funding.json"], 6);
    sim.stop().await;
}

async fn content_of(url: &str) -> String {
    get(url).await.unwrap().json()["content"].as_str().unwrap().replace('\n', "")
}

/// Base64 back to bytes, checked against the encoder the simulator uses.
fn decode(text: &str) -> Vec<u8> {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0);
    for c in text.bytes().filter(|c| *c != b'=') {
        acc = (acc << 6) | B64.iter().position(|b| *b == c).expect("base64") as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    assert_eq!(base64(&out), text);
    out
}

#[tokio::test]
async fn open_collective_answers_two_collectives_and_grows() {
    let mut opts = SimOptions::new(7, Scale::Small);
    opts.require_token = Some("github-only".into());
    let sim = start(opts).await;
    let atlas = open_collective(&sim, "upkeep-atlas").await;
    let account = &atlas["data"]["account"];
    assert_eq!((account["slug"].as_str(), account["currency"].as_str()), (Some("upkeep-atlas"), Some("USD")));
    let stats = &account["stats"];
    for key in ["balance", "yearlyBudget", "totalAmountReceived"] {
        assert_eq!(stats[key]["currency"], "USD", "{key}");
        assert!(stats[key]["valueInCents"].as_u64().unwrap() > 0, "{key}");
    }
    let transactions = &account["transactions"];
    let nodes = transactions["nodes"].as_array().unwrap();
    assert!(nodes.len() == 100 && transactions["totalCount"].as_u64().unwrap() > 100);
    let times: Vec<&str> = nodes.iter().map(|n| n["createdAt"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]) && times[0].ends_with(".000Z"), "newest first");
    assert!(nodes.iter().all(|n| n["fromAccount"]["slug"].is_string() && n["amount"]["currency"] == "USD"));
    let comet = open_collective(&sim, "upkeep-comet").await;
    assert_eq!(comet["data"]["account"]["stats"]["balance"]["currency"], "EUR");
    let unknown = open_collective(&sim, "no-such-collective").await;
    assert!(unknown["data"]["account"].is_null());
    assert_eq!(unknown["errors"][0]["message"], "Account Not Found");

    let before = transactions["totalCount"].as_u64().unwrap();
    sim.advance(30.0, 0.0);
    let later = open_collective(&sim, "upkeep-atlas").await;
    assert!(later["data"]["account"]["transactions"]["totalCount"].as_u64().unwrap() > before);
    let again = open_collective(&sim, "upkeep-atlas").await;
    assert_eq!(again, later, "deterministic");
    let stats = sim.stats();
    assert_eq!(stats.by_route["POST /opencollective/graphql/v2"], 5);
    assert_eq!((stats.graphql, stats.faults), (0, 0));
    sim.set_fault_rate(1.0);
    let _ = post(&format!("{}/opencollective/graphql/v2", sim.url()), "{}").await;
    assert_eq!(sim.stats().faults, 1, "faults apply");
    sim.stop().await;
}
