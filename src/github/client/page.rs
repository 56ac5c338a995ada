//! A page of a REST listing as it came: the body text and each item's identity, read in one
//! pass that builds no JSON tree ([`Page`]). The typed items are decoded later, straight from the
//! text (`sync::pages`); a tree is built only for an item kept aside (quarantined), or for a
//! whole page when one of its items does not decode.
//!
//! The pass accepts exactly the bodies `Vec<serde_json::Value>` accepts (the same parser entry,
//! nesting limit and number rules, an empty body read as `[]`), and fails with the same error
//! category, so an answer is retried or refused as before.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// A page of a listing: its body (a JSON array) and the identity of each item, index for index.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The body: a JSON array (`[]` for an empty body).
    pub body: String,
    /// Each item's identity (see [`identity`]); `None` for an item without one.
    pub ids: Vec<Option<String>>,
}

impl Page {
    /// Reads a page body: `Err` as `serde_json::from_str::<Vec<Value>>` would fail on it.
    pub fn parse(body: &str) -> Result<Page, serde_json::Error> {
        let body = if body.trim().is_empty() { "[]" } else { body };
        let items: Vec<Ident> = serde_json::from_str(body)?;
        Ok(Page { body: body.to_owned(), ids: items.into_iter().map(Ident::identity).collect() })
    }
}

/// An item's identity as the collector recognises it in a JSON value: its `id` when that is an
/// integer (as text), else its `sha`, else its `node_id` when those are strings.
pub fn identity(value: &serde_json::Value) -> Option<String> {
    if let Some(id) = value.get("id").and_then(serde_json::Value::as_i64) {
        return Some(id.to_string());
    }
    ["sha", "node_id"].iter().find_map(|k| value.get(*k).and_then(serde_json::Value::as_str)).map(str::to_owned)
}

/// The three members [`identity`] reads, kept as values (the last of repeated keys wins, as in
/// a JSON object read into a tree); every other member is checked and skipped.
#[derive(Default)]
struct Ident {
    id: Option<serde_json::Value>,
    sha: Option<serde_json::Value>,
    node_id: Option<serde_json::Value>,
}

impl Ident {
    fn identity(self) -> Option<String> {
        if let Some(id) = self.id.as_ref().and_then(serde_json::Value::as_i64) {
            return Some(id.to_string());
        }
        [self.sha, self.node_id].into_iter().flatten().find_map(|v| v.as_str().map(str::to_owned))
    }
}

impl<'de> de::Deserialize<'de> for Ident {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IdentVisitor)
    }
}

struct IdentVisitor;

impl<'de> Visitor<'de> for IdentVisitor {
    type Value = Ident;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ident, A::Error> {
        let mut ident = Ident::default();
        while let Some(key) = map.next_key::<Key>()? {
            let slot = match key {
                Key::Id => &mut ident.id,
                Key::Sha => &mut ident.sha,
                Key::NodeId => &mut ident.node_id,
                Key::Other => {
                    map.next_value::<Skip>()?;
                    continue;
                }
            };
            *slot = Some(map.next_value()?);
        }
        Ok(ident)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ident, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Ident::default())
    }

    fn visit_bool<E>(self, _: bool) -> Result<Ident, E> {
        Ok(Ident::default())
    }
    fn visit_i64<E>(self, _: i64) -> Result<Ident, E> {
        Ok(Ident::default())
    }
    fn visit_u64<E>(self, _: u64) -> Result<Ident, E> {
        Ok(Ident::default())
    }
    fn visit_f64<E>(self, _: f64) -> Result<Ident, E> {
        Ok(Ident::default())
    }
    fn visit_str<E>(self, _: &str) -> Result<Ident, E> {
        Ok(Ident::default())
    }
    fn visit_unit<E>(self) -> Result<Ident, E> {
        Ok(Ident::default())
    }
}

/// A member name: one of the three [`Ident`] keeps, or another.
enum Key {
    Id,
    Sha,
    NodeId,
    Other,
}

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E>(self, key: &str) -> Result<Key, E> {
                Ok(match key {
                    "id" => Key::Id,
                    "sha" => Key::Sha,
                    "node_id" => Key::NodeId,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Any JSON value, checked as a tree read would check it (through `deserialize_any`, so nesting
/// counts against the parser's limit) and dropped without being built. (`IgnoredAny` skips
/// faster, but past that limit.)
struct Skip;

impl<'de> de::Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SkipVisitor)
    }
}

struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = Skip;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_entry_seed(SkipSeed, SkipSeed)?.is_some() {}
        Ok(Skip)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element_seed(SkipSeed)?.is_some() {}
        Ok(Skip)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_str<E>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_unit<E>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
}

#[derive(Clone, Copy)]
struct SkipSeed;

impl<'de> DeserializeSeed<'de> for SkipSeed {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(SkipVisitor).map(|_| ())
    }
}

#[cfg(test)]
mod tests;
