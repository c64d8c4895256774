//! Typed reading of front-matter nodes, collecting every problem as a located diagnostic.

use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, SourceFile};
use crate::model::date::PartialDate;
use crate::read::frontmatter::{Key, Node, Value};

/// Reads values out of one file's node tree, keeping every problem it meets.
pub struct Decoder<'a> {
    pub file: &'a Arc<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The entries of a table whose keys have been checked against the known fields.
pub struct Fields<'n> {
    entries: &'n [(Key, Node)],
    at: usize,
    what: &'static str,
}

impl<'n> Fields<'n> {
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }

    /// Where the table starts, for problems with the table as a whole.
    pub fn at(&self) -> usize {
        self.at
    }
}

impl<'a> Decoder<'a> {
    pub fn new(file: &'a Arc<SourceFile>) -> Self {
        Decoder {
            file,
            diagnostics: Vec::new(),
        }
    }

    pub fn error(&mut self, code: Code, at: usize, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::error(code, message).at(self.file, at));
        self.diagnostics.last_mut().expect("just pushed")
    }

    fn wrong_type(&mut self, node: &Node, expected: &str) {
        self.error(
            Code::InvalidType,
            node.span.start,
            format!("expected {expected}, found {}", node.value.kind()),
        );
    }

    /// A table, with each unknown key reported and the nearest known one suggested.
    pub fn fields<'n>(
        &mut self,
        node: &'n Node,
        what: &'static str,
        known: &[&str],
    ) -> Option<Fields<'n>> {
        let Value::Map(entries) = &node.value else {
            self.wrong_type(node, &format!("{what} to be a table"));
            return None;
        };
        for (key, _) in entries {
            if !known.contains(&key.name.as_str()) {
                let mut d = Diagnostic::error(
                    Code::UnknownField,
                    format!("unknown field `{}` in {what}", key.name),
                )
                .at(self.file, key.span.start)
                .suggest(&key.name, known.iter().copied());
                if d.help.is_none() {
                    d = d.with_help(format!("known fields: {}", known.join(", ")));
                }
                self.diagnostics.push(d);
            }
        }
        Some(Fields {
            entries,
            at: node.span.start,
            what,
        })
    }

    /// A field that must be present; its absence is reported at the start of the table.
    pub fn required<'n>(&mut self, fields: &Fields<'n>, key: &str) -> Option<&'n Node> {
        let node = fields.get(key);
        if node.is_none() {
            self.error(
                Code::MissingField,
                fields.at,
                format!("{} is missing the required field `{key}`", fields.what),
            );
        }
        node
    }

    pub fn string(&mut self, node: &Node) -> Option<String> {
        match &node.value {
            Value::Str(s) => Some(s.clone()),
            _ => {
                self.wrong_type(node, "a string");
                None
            }
        }
    }

    /// A short text that editors often write as a number (`volume = 12`, `pages = "3-9"`).
    pub fn string_or_number(&mut self, node: &Node) -> Option<String> {
        match &node.value {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            _ => {
                self.wrong_type(node, "a string or a whole number");
                None
            }
        }
    }

    /// A bare DOI (`10.1000/xyz`); a DOI written as a link is refused with the bare form to use.
    pub fn doi(&mut self, node: &Node) -> Option<String> {
        let value = self.string(node)?;
        if is_bare_doi(&value) {
            return Some(value);
        }
        let bare = strip_doi_prefix(&value);
        let help = if is_bare_doi(bare) {
            format!("write the bare DOI: `{bare}`")
        } else {
            "a DOI starts with `10.`, a registrant code, and a slash: `10.1000/xyz`".to_string()
        };
        self.error(
            Code::InvalidValue,
            node.span.start,
            format!("`{value}` is not a DOI"),
        )
        .help = Some(help);
        None
    }

    pub fn bool(&mut self, node: &Node) -> Option<bool> {
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.wrong_type(node, "true or false");
                None
            }
        }
    }

    pub fn int(&mut self, node: &Node) -> Option<i64> {
        match node.value {
            Value::Int(i) => Some(i),
            _ => {
                self.wrong_type(node, "an integer");
                None
            }
        }
    }

    pub fn string_list(&mut self, node: &Node) -> Vec<String> {
        self.list(node, |d, item| d.string(item).map(|s| (s, item.span.start)))
            .into_iter()
            .map(|(s, _)| s)
            .collect()
    }

    /// Strings of a list with the offset of each, for later checks that must point at one item.
    pub fn located_strings(&mut self, node: &Node) -> Vec<(String, usize)> {
        self.list(node, |d, item| d.string(item).map(|s| (s, item.span.start)))
    }

    pub fn list<T>(
        &mut self,
        node: &Node,
        mut item: impl FnMut(&mut Self, &Node) -> Option<T>,
    ) -> Vec<T> {
        match &node.value {
            Value::Seq(items) => items.iter().filter_map(|i| item(self, i)).collect(),
            _ => {
                self.wrong_type(node, "a list");
                Vec::new()
            }
        }
    }

    /// `"2025-08-17"`, `"2025-08"`, `"2025"`, a TOML date or a bare year.
    pub fn date(&mut self, node: &Node) -> Option<PartialDate> {
        let result = match &node.value {
            Value::Str(s) => PartialDate::parse(s.trim()),
            Value::Datetime(s)
                if s.len() >= 10 && !s.contains(':') || s.get(10..11) == Some("T") =>
            {
                PartialDate::parse(&s[..10])
            }
            Value::Int(year) => i16::try_from(*year)
                .map_err(|_| format!("year {year} is out of range (1 to 9999)"))
                .and_then(|y| PartialDate::from_parts(y, None, None)),
            _ => Err(format!(
                "expected a date (\"YYYY-MM-DD\", \"YYYY-MM\" or \"YYYY\"), found {}",
                node.value.kind()
            )),
        };
        result
            .map_err(|message| {
                self.error(Code::InvalidDate, node.span.start, message).help =
                    Some("write dates as \"2025-08-17\", \"2025-08\" or \"2025\"".into());
            })
            .ok()
    }

    /// A string that must be one of a fixed set of words.
    pub fn one_of(&mut self, node: &Node, what: &str, allowed: &[&str]) -> Option<String> {
        let value = self.string(node)?;
        if allowed.contains(&value.as_str()) {
            return Some(value);
        }
        let d = Diagnostic::error(
            Code::InvalidValue,
            format!("`{value}` is not a valid {what}"),
        )
        .at(self.file, node.span.start)
        .suggest(&value, allowed.iter().copied());
        let d = if d.help.is_none() {
            d.with_help(format!("use one of: {}", allowed.join(", ")))
        } else {
            d
        };
        self.diagnostics.push(d);
        None
    }

    /// An identifier of the form `[a-z0-9][a-z0-9._:-]*`.
    pub fn id(&mut self, node: &Node, what: &str) -> Option<String> {
        let value = self.string(node)?;
        if is_valid_id(&value) {
            return Some(value);
        }
        self.error(Code::InvalidId, node.span.start, format!("`{value}` is not a valid {what} id"))
            .help = Some(format!(
            "ids start with a lowercase letter or digit and use only a-z, 0-9, `.`, `_`, `:` and `-`; for example `{}`",
            crate::text::slugify(&value)
        ));
        None
    }

    /// An `http` or `https` URL.
    pub fn web_url(&mut self, node: &Node) -> Option<String> {
        let value = self.string(node)?;
        let lower = value.to_ascii_lowercase();
        if (lower.starts_with("http://") || lower.starts_with("https://")) && value.len() > 8 {
            return Some(value);
        }
        self.error(
            Code::InvalidUrl,
            node.span.start,
            format!("`{value}` is not an http or https URL"),
        )
        .help = Some("source links must start with `https://` or `http://`".into());
        None
    }
}

pub fn is_valid_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'0'..=b'9'))
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b':' | b'-'))
}

/// `10.<registrant>/<suffix>`, with a registrant of digits and dots and a suffix without spaces.
pub fn is_bare_doi(value: &str) -> bool {
    let Some(rest) = value.strip_prefix("10.") else {
        return false;
    };
    let Some((registrant, suffix)) = rest.split_once('/') else {
        return false;
    };
    !registrant.is_empty()
        && registrant.chars().all(|c| c.is_ascii_digit() || c == '.')
        && !suffix.is_empty()
        && !suffix.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The DOI inside `https://doi.org/…` or `doi:…`, for the help of an error.
pub fn strip_doi_prefix(value: &str) -> &str {
    let trimmed = value.trim();
    [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
    ]
    .iter()
    .find_map(|prefix| trimmed.strip_prefix(prefix))
    .unwrap_or(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::frontmatter::{self, Format};

    fn decode_toml<T>(text: &str, f: impl FnOnce(&mut Decoder, &Node) -> T) -> (T, Vec<String>) {
        let file = SourceFile::new("content/a.md", format!("+++\n{text}+++\n"));
        let node = frontmatter::parse(Format::Toml, &file.text[4..file.text.len() - 4], 4).unwrap();
        let mut decoder = Decoder::new(&file);
        let out = f(&mut decoder, &node);
        (
            out,
            decoder.diagnostics.iter().map(|d| d.headline()).collect(),
        )
    }

    #[test]
    fn unknown_fields_are_located_with_a_suggestion() {
        let (_, diags) = decode_toml("title = \"A\"\ndtae = \"2025\"\n", |d, n| {
            d.fields(n, "a brief", &["title", "date"]).is_some()
        });
        assert_eq!(
            diags,
            ["content/a.md:3:1: error[unknown-field]: unknown field `dtae` in a brief"]
        );
    }

    #[test]
    fn every_bad_value_is_reported() {
        let (_, diags) = decode_toml(
            "a = \"2025-02-30\"\nb = 2025\nc = \"Big\"\nd = \"Bad Id\"\n",
            |d, n| {
                let f = d.fields(n, "x", &["a", "b", "c", "d"]).unwrap();
                let b = d.date(f.get("b").unwrap());
                d.date(f.get("a").unwrap());
                d.one_of(
                    f.get("c").unwrap(),
                    "confidence",
                    &["low", "moderate", "high"],
                );
                d.id(f.get("d").unwrap(), "source");
                b
            },
        );
        assert_eq!(diags.len(), 3, "{diags:?}");
        assert!(diags[0].starts_with("content/a.md:2:5: error[invalid-date]"));
        assert!(diags[1].starts_with("content/a.md:4:5: error[invalid-value]"));
        assert!(diags[2].starts_with("content/a.md:5:5: error[invalid-id]"));
    }

    #[test]
    fn toml_dates_and_missing_fields() {
        let (date, diags) = decode_toml("date = 2025-08-17\n", |d, n| {
            let f = d.fields(n, "a brief", &["title", "date"]).unwrap();
            d.required(&f, "title");
            d.date(f.get("date").unwrap())
        });
        assert_eq!(date.unwrap().to_string(), "2025-08-17");
        assert_eq!(diags, ["content/a.md:2:1: error[missing-field]: a brief is missing the required field `title`"]);
    }

    #[test]
    fn ids() {
        assert!(is_valid_id("bernstein-2025"));
        assert!(is_valid_id("cnn:2025.08_17"));
        assert!(!is_valid_id("Bernstein"));
        assert!(!is_valid_id("-x"));
        assert!(!is_valid_id(""));
    }

    #[test]
    fn dois_are_bare_and_a_link_form_is_refused_with_the_bare_one() {
        assert!(is_bare_doi("10.1000/xyz"));
        assert!(is_bare_doi("10.1007/978-3-030-29007-8_8"));
        assert!(!is_bare_doi("10.1000"));
        assert!(!is_bare_doi("11.1000/x"));
        assert!(!is_bare_doi("10.1000/a b"));
        let (doi, diags) = decode_toml("doi = \"https://doi.org/10.1000/xyz\"\n", |d, n| {
            let f = d.fields(n, "a source", &["doi"]).unwrap();
            d.doi(f.get("doi").unwrap())
        });
        assert_eq!(doi, None);
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0].starts_with("content/a.md:2:7: error[invalid-value]"),
            "{diags:?}"
        );
    }

    #[test]
    fn volumes_may_be_written_as_numbers() {
        let (volume, diags) = decode_toml("volume = 12\npages = true\n", |d, n| {
            let f = d.fields(n, "a source", &["volume", "pages"]).unwrap();
            d.string_or_number(f.get("pages").unwrap());
            d.string_or_number(f.get("volume").unwrap())
        });
        assert_eq!(volume.as_deref(), Some("12"));
        assert_eq!(diags.len(), 1, "{diags:?}");
    }
}
