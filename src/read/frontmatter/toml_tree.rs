//! TOML front matter into the node tree, through toml's spanned `DeTable`.

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::node::{Key, Node, Value};

pub fn parse(text: &str, offset: usize) -> Result<Node, (String, usize)> {
    let table = DeTable::parse(text).map_err(|err| {
        let at = err.span().map_or(0, |s| s.start);
        (
            err.message().trim_end_matches('\n').to_string(),
            offset + at,
        )
    })?;
    let span = table.span();
    let entries = convert_table(table.into_inner(), offset);
    Ok(Node {
        value: Value::Map(entries),
        span: offset + span.start..offset + span.end,
    })
}

fn convert_table(table: DeTable<'_>, offset: usize) -> Vec<(Key, Node)> {
    let mut entries: Vec<(Key, Node)> = table
        .into_iter()
        .map(|(key, value)| {
            let key_span = key.span();
            let key = Key {
                name: key.into_inner().into_owned(),
                span: offset + key_span.start..offset + key_span.end,
            };
            (key, convert(value, offset))
        })
        .collect();
    // Source order, whatever order the map keeps.
    entries.sort_by_key(|(key, _)| key.span.start);
    entries
}

fn convert(value: Spanned<DeValue<'_>>, offset: usize) -> Node {
    let span = value.span();
    let span = offset + span.start..offset + span.end;
    let value = match value.into_inner() {
        DeValue::String(s) => Value::Str(s.into_owned()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Value::Int(n),
            Err(_) => Value::Str(i.as_str().to_string()),
        },
        DeValue::Float(f) => Value::Float(f.as_str().replace('_', "").parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => Value::Bool(b),
        DeValue::Datetime(d) => Value::Datetime(d.to_string()),
        DeValue::Array(items) => {
            Value::Seq(items.into_iter().map(|v| convert(v, offset)).collect())
        }
        DeValue::Table(table) => Value::Map(convert_table(table, offset)),
    };
    Node { value, span }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_and_order() {
        let text = "title = \"A\"\ndate = 2025-08-17\n[[claims]]\nid = \"c1\"\n";
        let node = parse(text, 4).unwrap();
        let Value::Map(entries) = node.value else {
            panic!("not a map")
        };
        let names: Vec<&str> = entries.iter().map(|(k, _)| k.name.as_str()).collect();
        assert_eq!(names, ["title", "date", "claims"]);
        assert_eq!(entries[0].0.span, 4..9);
        assert_eq!(entries[1].1.value, Value::Datetime("2025-08-17".into()));
        let Value::Seq(claims) = &entries[2].1.value else {
            panic!("not a list")
        };
        let Value::Map(claim) = &claims[0].value else {
            panic!("not a table")
        };
        assert_eq!(claim[0].1.value, Value::Str("c1".into()));
        assert_eq!(
            &text[claim[0].1.span.start - 4..claim[0].1.span.end - 4],
            "\"c1\""
        );
    }

    #[test]
    fn syntax_errors_have_offsets() {
        let (message, at) = parse("title = \"A\"\ndate = \n", 4).unwrap_err();
        assert!(!message.is_empty());
        assert!(at >= 4 + 12, "offset {at} should be on line 2");
    }
}
