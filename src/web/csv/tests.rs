//! The CSV writer against hand-written documents: RFC 4180 quoting, CRLF record ends, the
//! formula guard on each trigger character, non-ASCII text and ragged records.

use super::*;

/// The document a list of records becomes, as text.
fn document(records: &[&[&str]]) -> String {
    let mut csv = Csv::default();
    for r in records {
        csv.row(r.iter());
    }
    String::from_utf8(csv.into_bytes().expect("a well-formed document")).expect("UTF-8")
}

#[test]
fn plain_fields_are_left_alone_and_records_end_with_crlf() {
    assert_eq!(document(&[&["repo", "count"], &["acme/widget", "12"]]), "repo,count\r\nacme/widget,12\r\n");
    assert_eq!(document(&[&["a", "", "c"]]), "a,,c\r\n", "an empty field stays empty");
}

#[test]
fn commas_quotes_and_line_breaks_are_quoted_with_quotes_doubled() {
    assert_eq!(document(&[&["a,b", "x"]]), "\"a,b\",x\r\n");
    assert_eq!(document(&[&["say \"hi\"", "x"]]), "\"say \"\"hi\"\"\",x\r\n");
    assert_eq!(document(&[&["two\nlines", "x"]]), "\"two\nlines\",x\r\n");
    assert_eq!(document(&[&["cr\rlf\r\n", "x"]]), "\"cr\rlf\r\n\",x\r\n");
}

#[test]
fn each_formula_trigger_is_defused() {
    assert_eq!(defuse("=1+2"), "'=1+2");
    assert_eq!(defuse("+SUM(A1)"), "'+SUM(A1)");
    assert_eq!(defuse("-2+3+cmd|' /C calc'!A0"), "'-2+3+cmd|' /C calc'!A0");
    assert_eq!(defuse("@cmd"), "'@cmd");
    assert_eq!(defuse("\t=1+2"), "'\t=1+2");
    assert_eq!(defuse("\r=1+2"), "'\r=1+2");
    // Inside a document the guard comes first, then quoting.
    assert_eq!(document(&[&["=HYPERLINK(\"x\")", "@a,b"]]), "\"'=HYPERLINK(\"\"x\"\")\",\"'@a,b\"\r\n");
    assert_eq!(document(&[&["\r=cmd|' /C calc'!A0", "x"]]), "\"'\r=cmd|' /C calc'!A0\",x\r\n");
}

#[test]
fn numbers_and_text_with_a_trigger_later_on_stay_as_they_are() {
    for kept in ["-12.5", "+1", "-0.05", "12000.00", "a=b", "x-y", "mail@example.org", ">86400"] {
        assert_eq!(defuse(kept), kept);
    }
}

#[test]
fn non_ascii_text_passes_through_unchanged() {
    assert_eq!(document(&[&["Zoë", "日本語, 語"], &["—=not first", "🦀"]]), "Zoë,\"日本語, 語\"\r\n—=not first,🦀\r\n");
}

#[test]
fn a_record_of_another_length_than_the_header_is_an_error_not_a_ragged_file() {
    let mut csv = Csv::default();
    csv.row(["a", "b"]).row(["only one"]).row(["c", "d"]);
    assert!(matches!(csv.into_bytes(), Err(WebError::Internal(_))));
}

#[test]
fn the_response_is_a_csv_attachment() {
    let mut csv = Csv::default();
    csv.row(["a", "b"]);
    let response = csv.response("acme-load.csv").expect("a response");
    assert_eq!(response.status(), 200);
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(header("content-type").as_deref(), Some("text/csv; charset=utf-8"));
    assert_eq!(header("content-disposition").as_deref(), Some("attachment; filename=\"acme-load.csv\""));
}
