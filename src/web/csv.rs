//! The one CSV writer of the web layer: every `?format=csv` answer (the maintainer tables, the
//! overview, the impact report) is built here, so quoting and the formula guard live in one place.
//!
//! Quoting is the `csv` crate's (RFC 4180: a field holding a comma, a double quote, CR or LF is
//! quoted and its quotes doubled; records end with CRLF). On top of it sits the guard against
//! spreadsheet formula injection: a field that a spreadsheet would run as a formula (`=`, `+`,
//! `-`, `@`, tab or carriage return first; OWASP's CSV-injection list) is prefixed with `'`, while
//! plain numbers such as `-12.5` or `+1` stay numbers. Every record must have as many fields as
//! the first (the header); a shorter or longer one is a bug and answers a 500, never a ragged file.
//!
//! What each export's columns mean is documented by its caller (`maintainers::export`,
//! `maintainers::overview`, `reports::export`).

use actix_web::HttpResponse;

use crate::web::error::WebError;

/// A CSV document built record by record, then sent as an attachment.
pub struct Csv {
    writer: ::csv::Writer<Vec<u8>>,
    /// The first error met while writing; [`Csv::response`] reports it.
    failed: Option<::csv::Error>,
}

impl Default for Csv {
    fn default() -> Self {
        let writer = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .quote_style(::csv::QuoteStyle::Necessary)
            .flexible(false)
            .from_writer(Vec::new());
        Csv { writer, failed: None }
    }
}

impl Csv {
    /// Appends one record; each field passes the formula guard first.
    pub fn row<I, S>(&mut self, fields: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        if self.failed.is_none() {
            let record: Vec<String> = fields.into_iter().map(|f| defuse(f.as_ref()).into_owned()).collect();
            if let Err(e) = self.writer.write_record(&record) {
                self.failed = Some(e);
            }
        }
        self
    }

    /// The document's bytes, or the first error met while writing it.
    pub fn into_bytes(self) -> Result<Vec<u8>, WebError> {
        if let Some(e) = self.failed {
            return Err(WebError::Internal(anyhow::Error::new(e).context("writing a CSV record")));
        }
        self.writer.into_inner().map_err(|e| WebError::Internal(anyhow::anyhow!("finishing a CSV document: {e}")))
    }

    /// `200 text/csv`, offered for download as `filename`.
    pub fn response(self, filename: &str) -> Result<HttpResponse, WebError> {
        let body = self.into_bytes()?;
        Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(("content-disposition", format!("attachment; filename=\"{filename}\"")))
            .body(body))
    }
}

/// The formula guard: `'` before a field a spreadsheet would evaluate, unless it is a number.
pub fn defuse(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) && value.parse::<f64>().is_err() {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

#[cfg(test)]
mod tests;
