//! `/metrics` text against hand-written expectations: names as dashboards know them, cumulative
//! buckets, escaped label values.

use super::*;

/// The lines of a scrape, sorted: a family's series come out in no fixed order.
fn sorted_lines(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    lines
}

#[test]
fn a_scrape_names_every_metric_as_before_with_its_values() {
    let http = HttpMetrics::default();
    http.observe("/repos/{owner}/{name}", 200, 0.003);
    http.observe("/repos/{owner}/{name}", 200, 0.02);
    let snapshot = Snapshot {
        cache: vec![("fresh", 4), ("stale", 1)],
        runs: vec![("succeeded".to_owned(), 3), ("failed".to_owned(), 1)],
        requests: 120,
        not_modified: 40,
        items_written: 900,
        failed_steps: 2,
        last_success: vec![("acme/widget".to_owned(), 1_767_323_045), ("acme/never".to_owned(), 0)],
        slices: crate::db::slices::CacheStats { slices: 3, bytes: 4096, hits: 9, misses: 3, evicted: 1 },
    };
    let text = encode(&snapshot, &http).expect("the text");
    let route = r#"route="/repos/{owner}/{name}",status="200""#;
    let mut expected = vec![
        "# HELP upkeep_render_cache_total Cached routes' answers, by how the render cache served them.".to_owned(),
        "# TYPE upkeep_render_cache_total counter".to_owned(),
        r#"upkeep_render_cache_total{outcome="fresh"} 4"#.to_owned(),
        r#"upkeep_render_cache_total{outcome="stale"} 1"#.to_owned(),
        "# HELP upkeep_sync_runs_total Collector runs, by final status.".to_owned(),
        "# TYPE upkeep_sync_runs_total counter".to_owned(),
        r#"upkeep_sync_runs_total{status="succeeded"} 3"#.to_owned(),
        r#"upkeep_sync_runs_total{status="failed"} 1"#.to_owned(),
        "# HELP upkeep_sync_requests_total Requests sent to GitHub by the collector.".to_owned(),
        "# TYPE upkeep_sync_requests_total counter".to_owned(),
        "upkeep_sync_requests_total 120".to_owned(),
        "# HELP upkeep_sync_not_modified_total Requests answered 304 Not Modified (free of quota).".to_owned(),
        "# TYPE upkeep_sync_not_modified_total counter".to_owned(),
        "upkeep_sync_not_modified_total 40".to_owned(),
        "# HELP upkeep_sync_items_written_total Rows written by the collector.".to_owned(),
        "# TYPE upkeep_sync_items_written_total counter".to_owned(),
        "upkeep_sync_items_written_total 900".to_owned(),
        "# HELP upkeep_sync_errors_total Sync steps that failed.".to_owned(),
        "# TYPE upkeep_sync_errors_total counter".to_owned(),
        "upkeep_sync_errors_total 2".to_owned(),
        "# HELP upkeep_repo_last_success_timestamp_seconds Last successful sync per tracked repository.".to_owned(),
        "# TYPE upkeep_repo_last_success_timestamp_seconds gauge".to_owned(),
        r#"upkeep_repo_last_success_timestamp_seconds{repo="acme/widget"} 1767323045"#.to_owned(),
        r#"upkeep_repo_last_success_timestamp_seconds{repo="acme/never"} 0"#.to_owned(),
        "# HELP upkeep_slice_cache_total Week slices a page needed, by whether memory held them (and those dropped past the budget).".to_owned(),
        "# TYPE upkeep_slice_cache_total counter".to_owned(),
        r#"upkeep_slice_cache_total{outcome="hit"} 9"#.to_owned(),
        r#"upkeep_slice_cache_total{outcome="miss"} 3"#.to_owned(),
        r#"upkeep_slice_cache_total{outcome="evicted"} 1"#.to_owned(),
        "# HELP upkeep_slice_cache_bytes Bytes of decoded week slices held in memory (estimated).".to_owned(),
        "# TYPE upkeep_slice_cache_bytes gauge".to_owned(),
        "upkeep_slice_cache_bytes 4096".to_owned(),
        "# HELP upkeep_http_request_duration_seconds Time to answer HTTP requests, by route and status.".to_owned(),
        "# TYPE upkeep_http_request_duration_seconds histogram".to_owned(),
    ];
    // 0.003 s falls in every bucket from 0.005 up, 0.02 s from 0.025 up: counts are cumulative.
    let cumulative = [0, 0, 1, 1, 2, 2, 2, 2, 2, 2, 2];
    for (le, n) in
        ["0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5"].iter().zip(cumulative)
    {
        expected.push(format!(r#"upkeep_http_request_duration_seconds_bucket{{{route},le="{le}"}} {n}"#));
    }
    expected.push(format!(r#"upkeep_http_request_duration_seconds_bucket{{{route},le="+Inf"}} 2"#));
    expected.push(format!("upkeep_http_request_duration_seconds_sum{{{route}}} 0.023"));
    expected.push(format!("upkeep_http_request_duration_seconds_count{{{route}}} 2"));
    let mut expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(sorted_lines(&text), expected, "{text}");
    // Families stay in registration order: a family's HELP comes before its series.
    let at = |needle: &str| text.find(needle).expect(needle);
    assert!(at("# HELP upkeep_render_cache_total") < at("upkeep_render_cache_total{"));
    assert!(at("upkeep_sync_errors_total 2") < at("# HELP upkeep_repo_last_success"));
}

#[test]
fn label_values_are_escaped() {
    let http = HttpMetrics::default();
    http.observe("unmatched", 404, 0.5);
    let snapshot = Snapshot { last_success: vec![("a\"b\\c\nd".to_owned(), 7)], ..Default::default() };
    let text = encode(&snapshot, &http).expect("the text");
    assert!(text.lines().any(|l| l == r#"upkeep_repo_last_success_timestamp_seconds{repo="a\"b\\c\nd"} 7"#), "{text}");
    assert!(
        text.lines()
            .any(|l| l == r#"upkeep_http_request_duration_seconds_bucket{route="unmatched",status="404",le="0.25"} 0"#)
    );
    assert!(
        text.lines()
            .any(|l| l == r#"upkeep_http_request_duration_seconds_bucket{route="unmatched",status="404",le="0.5"} 1"#)
    );
}

#[test]
fn an_empty_scrape_declares_the_plain_counters_and_leaves_out_families_without_series() {
    let text = encode(&Snapshot::default(), &HttpMetrics::default()).expect("the text");
    for name in ["requests", "not_modified", "items_written", "errors"] {
        assert!(text.lines().any(|l| l == format!("upkeep_sync_{name}_total 0")), "{name}: {text}");
    }
    // The crate writes no HELP/TYPE for a labelled family with no series yet (the hand-written
    // text did); Prometheus reads both the same. The real scrape always has the five cache outcomes.
    for name in ["upkeep_render_cache_total", "upkeep_sync_runs_total", "upkeep_http_request_duration_seconds"] {
        assert!(!text.contains(name), "{name}: {text}");
    }
}

#[test]
fn a_negative_count_from_sql_reads_as_zero() {
    assert_eq!((count(-3), count(0), count(41)), (0, 0, 41));
}
