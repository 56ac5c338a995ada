//! The ids, time units and hostile strings of the dataset in [`crate::seed`] (which re-exports
//! them): a leaf both the seed and the tests that read it share.

pub const MINUTE: i64 = 60;
pub const HOUR: i64 = 3_600;
pub const DAY: i64 = 86_400;

pub const WIDGET: i64 = 100;
pub const GADGET: i64 = 200;

pub const ALICE: i64 = 1;
pub const BOB: i64 = 2;
pub const CAROL: i64 = 3;
pub const DAVE: i64 = 4;
pub const BOT: i64 = 5;
pub const HOSTILE: i64 = 6;

pub const HOSTILE_LOGIN: &str = "<img src=x onerror=alert(1)>";
pub const HOSTILE_TITLE: &str = r#"<script>alert("x")</script> & "quotes""#;
pub const HOSTILE_LABEL: &str = "<b onmouseover=alert(1)>bug</b>";
pub const HOSTILE_URL: &str = "javascript:alert(document.cookie)";
