//! YAML front matter into the node tree, through serde-saphyr's span-aware values.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

use super::node::{Key, Node, Value};

pub fn parse(text: &str, offset: usize) -> Result<Node, (String, usize)> {
    if text.trim().is_empty() {
        return Ok(Node {
            value: Value::Map(Vec::new()),
            span: offset..offset,
        });
    }
    let root: Spanned<Raw> = serde_saphyr::from_str(text).map_err(|err| {
        let at = err.location().map_or(0, |loc| byte_offset(text, &loc));
        (first_line(&err.without_snippet().to_string()), offset + at)
    })?;
    Ok(convert(root, text, offset))
}

/// The error's message without the location suffix and snippet the crate adds.
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or("invalid YAML");
    let line = line.split(" at line ").next().unwrap_or(line);
    line.trim().to_string()
}

/// A YAML value as serde-saphyr hands it over, children still wrapped with their locations.
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<String>, Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
        Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Raw>>()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let value = map.next_value::<Spanned<Raw>>()?;
            entries.push((key, value));
        }
        Ok(Raw::Map(entries))
    }
}

fn convert(raw: Spanned<Raw>, text: &str, offset: usize) -> Node {
    let start = offset + byte_offset(text, &raw.referenced);
    let value = match raw.value {
        Raw::Null => Value::Null,
        Raw::Bool(b) => Value::Bool(b),
        Raw::Int(i) => Value::Int(i),
        Raw::Float(f) => Value::Float(f),
        Raw::Str(s) => Value::Str(s),
        Raw::Seq(items) => Value::Seq(
            items
                .into_iter()
                .map(|i| convert(i, text, offset))
                .collect(),
        ),
        Raw::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(key, value)| {
                    let key_start = offset + byte_offset(text, &key.referenced);
                    let key_end = key_start + key.value.len();
                    let key = Key {
                        name: key.value,
                        span: key_start..key_end,
                    };
                    (key, convert(value, text, offset))
                })
                .collect(),
        ),
    };
    Node {
        value,
        span: start..start,
    }
}

/// Byte offset of a 1-based (line, character column) location in `text`.
fn byte_offset(text: &str, location: &Location) -> usize {
    if let Some(b) = location.span().byte_offset() {
        return (b as usize).min(text.len());
    }
    let line = location.line().max(1) as usize;
    let column = location.column().max(1) as usize;
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let rest = text.get(line_start..).unwrap_or("");
    let within: usize = rest.chars().take(column - 1).map(char::len_utf8).sum();
    (line_start + within).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let text = "title: A\ndate: 2025-08-17\nclaims:\n  - id: c1\n    text: \"x\"\n";
        let node = parse(text, 4).unwrap();
        let Value::Map(entries) = node.value else {
            panic!("not a map")
        };
        assert_eq!(entries[0].0.name, "title");
        assert_eq!(entries[0].0.span.start, 4);
        assert_eq!(entries[1].1.value, Value::Str("2025-08-17".into()));
        assert_eq!(entries[1].1.span.start, 4 + text.find("2025").unwrap());
        let Value::Seq(claims) = &entries[2].1.value else {
            panic!("not a list")
        };
        let Value::Map(claim) = &claims[0].value else {
            panic!("not a map")
        };
        assert_eq!(claim[0].0.span.start, 4 + text.find("id:").unwrap());
    }

    #[test]
    fn numbers_and_booleans_are_typed() {
        let node = parse("a: 2025\nb: 1.5\nc: true\nd: ~\n", 0).unwrap();
        let Value::Map(entries) = node.value else {
            panic!("not a map")
        };
        let values: Vec<&Value> = entries.iter().map(|(_, v)| &v.value).collect();
        assert_eq!(
            values,
            [
                &Value::Int(2025),
                &Value::Float(1.5),
                &Value::Bool(true),
                &Value::Null
            ]
        );
    }

    #[test]
    fn syntax_errors_have_offsets() {
        let text = "title: A\ntags: [a, b\n";
        let (message, at) = parse(text, 10).unwrap_err();
        assert!(!message.is_empty());
        assert!(at >= 10, "{at}");
    }
}
