//! Every page type of a synced simulator, opened in headless Chromium at 1280 and 375 px and
//! checked by axe-core (WCAG 2 A/AA and best practice), for horizontal overflow, duplicate ids
//! and the rendered size of chart text.
//!
//! A small proxy on 127.0.0.1 stands between Chromium and the app. It passes every request
//! through unchanged and, into HTML answers only, adds two scripts from `/__axe/`: axe-core
//! (vendored under `tests/fixtures/axe`, MPL-2.0) and `run.js`, which writes a JSON report into
//! the page. The page's own Content-Security-Policy is kept, with `script-src 'self'` added so the
//! two scripts may run and `frame-ancestors` dropped (see below): the stylesheet must still load
//! under the product's policy (the report counts the stylesheets that applied).
//!
//! A headless Chromium window is never narrower than 500 px, so each page is opened inside an
//! iframe of exactly the width checked, in a wrapper page the proxy serves (`/__axe/frame`); the
//! page's media queries and `innerWidth` see that width. `frame.js` copies the report out of the
//! frame, and Chromium's `--dump-dom` hands it back. (That pages refuse framing in production is
//! checked in `web_http`.)
//!
//! Fails on any critical, serious or moderate violation, any page wider than the viewport, any
//! duplicate id, chart text under 11 px on a phone, or two chart text sizes on one page. The
//! report (per page and width) is printed; run with `--nocapture` to see it.

use std::path::Path;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use upkeep::funding::Grant;

use crate::helpers::{request, run_chromium, synced_app};

const AXE: &str = include_str!("../fixtures/axe/axe.min.js");
const RUNNER: &str = include_str!("../fixtures/axe/run.js");
const FRAME: &str = include_str!("../fixtures/axe/frame.js");
/// The smallest chart text allowed on a phone, in CSS pixels.
const MIN_CHART_TEXT_PX: f64 = 11.0;

/// Every page type, by the name the report uses.
const PAGES: &[(&str, &str)] = &[
    ("overview", "/"),
    ("repository", "/repos/upkeep-sim/atlas"),
    ("organisation", "/orgs/upkeep-sim"),
    ("funding", "/funding"),
    ("ledger", "/funding/upkeep-sim/atlas"),
    ("impact report", "/reports/upkeep-sim/atlas"),
    ("grant", "/funding/upkeep-sim/atlas/grants/demo"),
    ("finder", "/newcomers"),
    ("onboarding", "/newcomers/upkeep-sim/atlas"),
    ("status", "/status"),
    ("not found", "/no/such/page"),
];

fn grant() -> Grant {
    let toml = "id = \"demo\"\nfunder = \"Demo Foundation\"\namount = 60000\ncurrency = \"USD\"\nstart = \"2026-01-01\"\n\
                end = \"2026-12-31\"\nrepos = [\"upkeep-sim/atlas\"]\npurpose = \"Maintenance\"\n\
                [[milestones]]\ntitle = \"Triage\"\ndue = \"2026-06-30\"\nitems = [\"upkeep-sim/atlas#1\", \"upkeep-sim/atlas#2\"]\n\
                [[budget_spent]]\ndate = \"2026-02-01\"\namount = 1000\nnote = \"Travel\"\n";
    toml::from_str(toml).expect("grant")
}

/// One exchange with the app: status line, headers and the (de-chunked) body.
async fn fetch(app: &str, path: &str) -> (String, Vec<(String, String)>, Vec<u8>) {
    let answer = request(&format!("http://{app}"), "GET", path, &[]).await;
    (format!("{} Upstream", answer.status), answer.headers, answer.body)
}

/// The proxy: serves `/__axe/*.js`, passes everything else to `app`, injecting the scripts into HTML.
async fn proxy(app: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else { return };
            let app = app.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match client.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf).into_owned();
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let (status, mut headers, mut body) = match path.as_str() {
                    "/__axe/axe.min.js" => ("200 OK".into(), js(), AXE.as_bytes().to_vec()),
                    "/__axe/run.js" => ("200 OK".into(), js(), RUNNER.as_bytes().to_vec()),
                    "/__axe/frame.js" => ("200 OK".into(), js(), FRAME.as_bytes().to_vec()),
                    p if p.starts_with("/__axe/frame?") => ("200 OK".into(), html_type(), wrapper(p).into_bytes()),
                    _ => fetch(&app, &path).await,
                };
                let wrapper_page = path.starts_with("/__axe/");
                let html = headers.iter().any(|(k, v)| k == "content-type" && v.starts_with("text/html"));
                if html && !wrapper_page {
                    let page = String::from_utf8_lossy(&body).into_owned();
                    let scripts = "<script src=\"/__axe/axe.min.js\"></script><script src=\"/__axe/run.js\"></script>";
                    body = page.replacen("</body>", &format!("{scripts}</body>"), 1).into_bytes();
                    for (k, v) in headers.iter_mut() {
                        if k == "content-security-policy" {
                            *v = v.replace("; frame-ancestors 'none'", "") + "; script-src 'self'";
                        }
                    }
                }
                let mut out = format!("HTTP/1.1 {status}\r\n");
                for (k, v) in &headers {
                    if !matches!(k.as_str(), "transfer-encoding" | "content-length" | "connection" | "x-frame-options")
                    {
                        out.push_str(&format!("{k}: {v}\r\n"));
                    }
                }
                out.push_str(&format!("content-length: {}\r\nconnection: close\r\n\r\n", body.len()));
                let _ = client.write_all(out.as_bytes()).await;
                let _ = client.write_all(&body).await;
            });
        }
    });
    address
}

fn js() -> Vec<(String, String)> {
    vec![("content-type".into(), "text/javascript; charset=utf-8".into())]
}

fn html_type() -> Vec<(String, String)> {
    vec![("content-type".into(), "text/html; charset=utf-8".into())]
}

/// `/__axe/frame?w=375&path=/repos/o/n`: the checked page in an iframe `w` px wide.
fn wrapper(request: &str) -> String {
    let query = request.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let pairs: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let width: u32 = pairs.get("w").and_then(|w| w.parse().ok()).unwrap_or(375);
    let path = pairs.get("path").cloned().unwrap_or_else(|| "/".into()).replace('"', "%22");
    format!(
        "<!doctype html><html><head><title>frame</title><style>body{{margin:0}}iframe{{border:0;display:block}}</style>\
         </head><body><iframe id=\"checked\" title=\"checked page\" src=\"{path}\" width=\"{width}\" height=\"900\"></iframe>\
         <script src=\"/__axe/frame.js\"></script></body></html>"
    )
}

/// Opens `url` in headless Chromium at `width` px and returns the report `run.js` wrote.
async fn check(url: &str, width: u32, dir: &Path) -> serde_json::Value {
    let profile = tempfile::tempdir_in(dir).expect("a profile folder");
    let extra = [
        "--hide-scrollbars".to_owned(),
        format!("--window-size={},1000", width.max(500) + 40),
        "--virtual-time-budget=60000".to_owned(),
        "--dump-dom".to_owned(),
    ];
    let output = run_chromium(url, profile.path(), &extra, url).await;
    let dom = String::from_utf8_lossy(&output.stdout);
    let doc = scraper::Html::parse_document(&dom);
    let report = crate::helpers::select(&doc, "#upkeep-axe-report");
    let Some(pre) = report.first() else {
        panic!(
            "{url} at {width} px: no report in the page (exit {:?}); stderr:\n{}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        )
    };
    serde_json::from_str(&pre.text().collect::<String>()).expect("the report is JSON")
}

/// What is wrong on one page at one width, as readable lines (empty when all is well).
fn problems(name: &str, width: u32, r: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    let at = format!("{name} at {width} px");
    if let Some(e) = r.get("error") {
        return vec![format!("{at}: axe failed: {e}")];
    }
    if r["viewport"].as_u64() != Some(u64::from(width)) {
        out.push(format!("{at}: the viewport is {} px, not {width}", r["viewport"]));
    }
    if r["widest"].as_u64().unwrap_or(0) > u64::from(width) {
        out.push(format!("{at}: the page is {} px wide; overflowing: {}", r["widest"], r["overflowing"]));
    }
    if r["stylesheets"].as_u64().unwrap_or(0) == 0 {
        out.push(format!("{at}: the stylesheet did not apply (blocked by the Content-Security-Policy?)"));
    }
    if !r["has_skip_link"].as_bool().unwrap_or(false) {
        out.push(format!("{at}: no skip link to #main"));
    }
    for id in r["duplicate_ids"].as_array().into_iter().flatten() {
        out.push(format!("{at}: duplicate id {id}"));
    }
    for v in r["violations"].as_array().into_iter().flatten() {
        if matches!(v["impact"].as_str(), Some("critical" | "serious" | "moderate")) {
            out.push(format!(
                "{at}: {} {} ({}, {} nodes): {}",
                v["impact"], v["id"], v["help"], v["count"], v["nodes"]
            ));
        }
    }
    let sizes: Vec<f64> = r["chart_text_px"].as_array().into_iter().flatten().filter_map(|v| v.as_f64()).collect();
    if let Some(min) = sizes.iter().copied().reduce(f64::min) {
        let max = sizes.iter().copied().fold(min, f64::max);
        if width <= 375 && min < MIN_CHART_TEXT_PX {
            out.push(format!("{at}: chart text renders at {min} px (at least {MIN_CHART_TEXT_PX} wanted)"));
        }
        if max - min > 0.5 {
            out.push(format!("{at}: chart text sizes differ on one page: {min} to {max} px"));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_type_is_accessible_fits_a_phone_and_has_unique_ids() {
    let (app, _sim, _store) = synced_app(|c| c.funding.grants = vec![grant()]).await;
    let proxy = proxy(app.trim_start_matches("http://").to_owned()).await;
    let dir = tempfile::tempdir().unwrap();

    let mut all = Vec::new();
    let mut widest_phone = (0u64, "");
    let mut smallest_text = f64::INFINITY;
    println!("page | width | critical/serious/moderate/minor | widest px | chart text px");
    for &(name, path) in PAGES {
        for width in [1280u32, 375] {
            let wrapped = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("w", &width.to_string())
                .append_pair("path", path)
                .finish();
            let r = check(&format!("http://{proxy}/__axe/frame?{wrapped}"), width, dir.path()).await;
            let count = |impact: &str| {
                r["violations"].as_array().into_iter().flatten().filter(|v| v["impact"] == impact).count()
            };
            let sizes: Vec<f64> =
                r["chart_text_px"].as_array().into_iter().flatten().filter_map(|v| v.as_f64()).collect();
            let (lo, hi) = sizes.iter().fold((f64::INFINITY, 0f64), |(lo, hi), &s| (lo.min(s), hi.max(s)));
            println!(
                "{name} | {width} | {}/{}/{}/{} | {} | {}",
                count("critical"),
                count("serious"),
                count("moderate"),
                count("minor"),
                r["widest"],
                if sizes.is_empty() { "-".to_owned() } else { format!("{lo}–{hi}") }
            );
            if width == 375 {
                let w = r["widest"].as_u64().unwrap_or(0);
                if w > widest_phone.0 {
                    widest_phone = (w, name);
                }
                smallest_text = smallest_text.min(lo);
            }
            all.extend(problems(name, width, &r));
        }
    }
    println!(
        "widest page at 375 px: {} ({} px); smallest chart text at 375 px: {smallest_text} px",
        widest_phone.1, widest_phone.0
    );
    assert!(all.is_empty(), "{} problems:\n{}", all.len(), all.join("\n"));
}

/// What axe cannot judge: the sorted column says so (`aria-sort` and a visible arrow), every
/// disclosure is named after its metric, and the lifecycle rules are text on the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sort_state_disclosure_names_and_rules_are_visible_to_everyone() {
    let (app, _sim, _store) = synced_app(|_| {}).await;
    let doc = crate::helpers::page(&format!("{app}/?sort=backlog&dir=desc")).await;
    let sorted = crate::helpers::select(&doc, "#repos th[aria-sort]");
    assert_eq!(sorted.len(), 1, "exactly one sorted column");
    assert_eq!(sorted[0].value().attr("aria-sort"), Some("descending"));
    assert!(crate::helpers::text(&sorted[0]).starts_with("Open backlog▼"), "{}", crate::helpers::text(&sorted[0]));
    let default = crate::helpers::page(&format!("{app}/")).await;
    let by_name = crate::helpers::select(&default, "#repos th[aria-sort]");
    assert_eq!(by_name[0].value().attr("aria-sort"), Some("ascending"), "A–Z by name by default");
    assert!(!crate::helpers::select(&default, "#lifecycle-rules").is_empty(), "the lifecycle rules are text");
    assert!(crate::helpers::select(&default, "[title]").is_empty(), "nothing lives only in a title");

    let repo = crate::helpers::page(&format!("{app}/repos/upkeep-sim/atlas")).await;
    let names: Vec<String> =
        crate::helpers::select(&repo, "details.explain summary").iter().map(crate::helpers::text).collect();
    assert!(names.len() > 10);
    assert!(names.iter().all(|n| n.starts_with("How is ") && n != "How is this computed?"), "{names:?}");
    let unique: std::collections::BTreeSet<&String> = names.iter().collect();
    assert!(unique.len() > 5, "disclosures are told apart by name: {names:?}");
    let queue = crate::helpers::select(&repo, "#unanswered-table th[aria-sort]");
    assert_eq!(queue.len(), 1, "the queue shows its default order (oldest first)");
}
