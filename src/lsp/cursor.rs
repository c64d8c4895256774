//! Where the cursor stands, for completion: in a citation, an `@/` link, a fact quotation, or
//! the front matter (TOML or YAML) at a field name or at the value of a field. Read from the
//! text before the cursor alone, since what is being typed rarely parses yet.

use std::ops::Range;

/// What the table the cursor is in describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    Brief,
    Section,
    Source,
    Claim,
    Fact,
    /// Free values (`extra`) or lists of plain strings.
    Other,
}

/// What to complete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Want {
    SourceId,
    /// A page's path from `content/`; `prefix` goes before it (`@/` in `related`).
    Path {
        prefix: &'static str,
    },
    Anchor {
        path: String,
    },
    FactId,
    Field(Table),
    Value {
        field: String,
        table: Table,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub want: Want,
    /// The bytes the completion replaces: what has been typed of the name.
    pub replace: Range<usize>,
    /// Whether the inserted value needs double quotes around it (a TOML value not yet quoted).
    pub quote: bool,
}

impl Cursor {
    fn new(want: Want, replace: Range<usize>, quote: bool) -> Self {
        Cursor {
            want,
            replace,
            quote,
        }
    }
}

/// The completion context at `offset` of a content file (`path` from `content/`).
pub fn at(text: &str, offset: usize, path: &str) -> Option<Cursor> {
    let offset = floor_boundary(text, offset);
    if path == "sources.toml" {
        return toml(text, 0, offset, Table::Other);
    }
    match front_matter(text) {
        Some((delimiter, matter)) if offset >= matter.start && offset <= matter.end => {
            let top = if path.ends_with("_index.md") {
                Table::Section
            } else {
                Table::Brief
            };
            if delimiter == "+++" {
                toml(text, matter.start, offset, top)
            } else {
                yaml(text, matter.start, offset, top)
            }
        }
        _ => body(text, offset),
    }
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The front matter's delimiter and the bytes between its lines (to the end of the text while
/// the closing line is not written yet).
fn front_matter(text: &str) -> Option<(&'static str, Range<usize>)> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let first = text[start..].lines().next()?.trim_end();
    let delimiter = ["+++", "---"].into_iter().find(|d| first == *d)?;
    let matter_start = text[start..]
        .find('\n')
        .map_or(text.len(), |i| start + i + 1);
    let mut at = matter_start;
    for line in text[matter_start..].split_inclusive('\n') {
        if line.trim_end() == delimiter {
            return Some((delimiter, matter_start..at));
        }
        at += line.len();
    }
    Some((delimiter, matter_start..text.len()))
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':')
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Body contexts, from the line before the cursor.
fn body(text: &str, offset: usize) -> Option<Cursor> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    fact_quote(before, offset)
        .or_else(|| citation(before, offset))
        .or_else(|| link(before, offset))
}

/// Inside `{{ fact(id="…`.
fn fact_quote(before: &str, offset: usize) -> Option<Cursor> {
    let open = before.rfind("{{")?;
    let rest = before[open + 2..].trim_start().strip_prefix("fact")?;
    let rest = rest.trim_start().strip_prefix('(')?.trim_start();
    let rest = rest.strip_prefix("id")?.trim_start().strip_prefix('=')?;
    let typed = rest.trim_start().strip_prefix('"')?;
    if typed.contains('"') {
        return None;
    }
    Some(Cursor::new(
        Want::FactId,
        offset - typed.len()..offset,
        false,
    ))
}

/// Inside `[@…` (or after `;` in a citation of several sources), before any locator.
fn citation(before: &str, offset: usize) -> Option<Cursor> {
    let open = before.rfind('[')?;
    let inside = &before[open + 1..];
    if inside.contains(']') || !inside.trim_start().starts_with('@') {
        return None;
    }
    let part = inside.rsplit(';').next()?.trim_start();
    let typed = part.strip_prefix('@')?;
    if !typed.chars().all(is_id_char) {
        return None;
    }
    Some(Cursor::new(
        Want::SourceId,
        offset - typed.len()..offset,
        false,
    ))
}

/// Inside `(@/…` of a link: the path, or after `#` its anchor.
fn link(before: &str, offset: usize) -> Option<Cursor> {
    let open = before.rfind("(@/")?;
    let typed = &before[open + 3..];
    if typed.contains(|c: char| c == ')' || c.is_whitespace()) {
        return None;
    }
    Some(path_or_anchor(typed, offset, "", false))
}

fn path_or_anchor(typed: &str, offset: usize, prefix: &'static str, quote: bool) -> Cursor {
    match typed.split_once('#') {
        Some((path, anchor)) => Cursor::new(
            Want::Anchor {
                path: path.to_string(),
            },
            offset - anchor.len()..offset,
            false,
        ),
        None => Cursor::new(Want::Path { prefix }, offset - typed.len()..offset, quote),
    }
}

/// What a field's value completes to, if anything.
fn value_want(key: &str, table: Table, in_list: bool) -> Option<Want> {
    match key {
        "source" if table == Table::Fact => Some(Want::SourceId),
        "superseded_by" if table == Table::Source => Some(Want::SourceId),
        "sources" if table == Table::Claim && in_list => Some(Want::SourceId),
        "related" if table == Table::Brief && in_list => Some(Want::Path { prefix: "@/" }),
        "kind" | "reliability" | "status" | "confidence" | "likelihood" | "credibility"
            if !in_list =>
        {
            Some(Want::Value {
                field: key.to_string(),
                table,
            })
        }
        _ => None,
    }
}

/// The table a list of tables under `key` holds.
fn table_of_list(key: &str, outer: Table) -> Table {
    match (key, outer) {
        ("claims", Table::Brief) => Table::Claim,
        ("facts", Table::Brief) => Table::Fact,
        ("sources", Table::Brief) | ("source", Table::Other) => Table::Source,
        _ => Table::Other,
    }
}

/// A value being typed, quoted or not: the cursor for `want`.
fn value_cursor(want: Want, typed: &str, offset: usize, in_string: bool) -> Cursor {
    if let Want::Path { prefix } = want {
        if let Some(rest) = typed.strip_prefix(prefix) {
            return path_or_anchor(rest, offset, "", !in_string);
        }
        return Cursor::new(
            Want::Path { prefix },
            offset - typed.len()..offset,
            !in_string,
        );
    }
    Cursor::new(want, offset - typed.len()..offset, !in_string)
}

/// TOML front matter (or `sources.toml`) from `start` to the cursor.
fn toml(text: &str, start: usize, offset: usize, top: Table) -> Option<Cursor> {
    let before = &text[start..offset];
    let (table, from) = toml_table(before, top);
    let state = TomlState::read(&before[from..]);
    let table = match &state.inline {
        Some(outer) => table_of_list(outer, table),
        None => table,
    };
    match (&state.key, &state.string) {
        (Some(key), Some(typed)) => {
            let want = value_want(key, table, state.depth > 0)?;
            Some(value_cursor(want, typed, offset, true))
        }
        (Some(key), None) => {
            let typed = trailing(before, is_id_char);
            let want = value_want(key, table, state.depth > 0)?;
            Some(value_cursor(want, typed, offset, false))
        }
        (None, None) if table != Table::Other || state.inline.is_some() => {
            let typed = trailing(before, is_key_char);
            let lead = &before[..before.len() - typed.len()];
            let at_key = lead.ends_with(['\n', ' ', '\t', '{', ',']) || lead.is_empty();
            let line = lead.rsplit('\n').next().unwrap_or("");
            let only_space = line.trim().is_empty() || line.trim_end().ends_with(['{', ',']);
            (at_key && only_space)
                .then(|| Cursor::new(Want::Field(table), offset - typed.len()..offset, false))
        }
        _ => None,
    }
}

fn trailing(text: &str, keep: fn(char) -> bool) -> &str {
    let start = text
        .char_indices()
        .rev()
        .find(|(_, c)| !keep(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &text[start..]
}

/// The table the last header before the cursor opens (`[[claims]]`), and where its text
/// starts (after the header line).
fn toml_table(before: &str, top: Table) -> (Table, usize) {
    let mut found = (top, 0);
    let mut at = 0;
    for line in before.split_inclusive('\n') {
        at += line.len();
        let header = line.trim();
        if header.starts_with('[') && !header.contains('=') && line.ends_with('\n') {
            let name = header.trim_matches(|c| c == '[' || c == ']').trim();
            let table = if header.starts_with("[[") {
                let outer = if top == Table::Other {
                    top
                } else {
                    Table::Brief
                };
                table_of_list(name, outer)
            } else {
                Table::Other
            };
            found = (table, at);
        }
    }
    found
}

/// Where the cursor is in a TOML table's text: in the value of `key`, `depth` brackets deep,
/// in a string (what is typed of it), in an inline table of a list under `inline`.
#[derive(Default)]
struct TomlState {
    key: Option<String>,
    depth: usize,
    string: Option<String>,
    inline: Option<String>,
}

impl TomlState {
    fn read(text: &str) -> TomlState {
        let mut s = TomlState::default();
        // The last bare word, which `=` makes the key; white space ends it, and the next word
        // starts afresh.
        let mut word = String::new();
        let mut ended = false;
        let mut outer: Vec<(Option<String>, usize)> = Vec::new();
        let mut chars = text.char_indices().peekable();
        while let Some((_, c)) = chars.next() {
            if let Some(open) = s.string.as_mut() {
                match c {
                    '\\' if open.starts_with('"') => {
                        chars.next();
                    }
                    '"' | '\'' if open.starts_with(c) => s.string = None,
                    _ => open.push(c),
                }
                continue;
            }
            match c {
                '"' | '\'' => s.string = Some(c.to_string()),
                '#' => {
                    while chars.peek().is_some_and(|(_, c)| *c != '\n') {
                        chars.next();
                    }
                }
                '=' => {
                    s.key = Some(std::mem::take(&mut word));
                    s.depth = 0;
                }
                '[' if s.key.is_some() => s.depth += 1,
                ']' if s.depth > 0 => s.depth -= 1,
                '{' => {
                    outer.push((s.key.take(), s.depth));
                    s.inline = outer.last().and_then(|(k, _)| k.clone());
                }
                '}' => {
                    let (key, depth) = outer.pop().unwrap_or_default();
                    s.key = key;
                    s.depth = depth;
                    s.inline = outer.last().and_then(|(k, _)| k.clone());
                }
                ',' if s.depth == 0 && !outer.is_empty() => s.key = None,
                '\n' => {
                    word.clear();
                    if s.depth == 0 && outer.is_empty() {
                        s.key = None;
                    }
                }
                c if is_key_char(c) || c == '-' => {
                    if std::mem::take(&mut ended) {
                        word.clear();
                    }
                    word.push(c);
                }
                ' ' | '\t' => ended = true,
                _ => word.clear(),
            }
        }
        // What is typed of an open string, without its opening quote.
        if let Some(open) = s.string.as_mut() {
            open.remove(0);
        }
        s
    }
}

/// YAML front matter from `start` to the cursor.
fn yaml(text: &str, start: usize, offset: usize, top: Table) -> Option<Cursor> {
    let before = &text[start..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = &before[line_start..];
    let indent = line.len() - line.trim_start_matches(' ').len();
    let content = line.trim_start_matches(' ');
    let (item, rest) = match content.strip_prefix('-') {
        Some(r) if r.is_empty() || r.starts_with(' ') => (true, r.trim_start()),
        _ => (false, content),
    };
    let key_indent = indent + (content.len() - rest.len());
    let parents = yaml_parents(
        &before[..line_start],
        if item { indent } else { key_indent },
    );
    let table = yaml_table(&parents, top);
    if let Some((key, value)) = yaml_key_value(rest) {
        return yaml_value(key, value, table, offset);
    }
    let typed = unquote(rest);
    if item {
        let list_table = yaml_table(&parents[1.min(parents.len())..], top);
        match parents.first().map(String::as_str) {
            Some("sources") if list_table == Table::Claim => {
                return Some(value_cursor(Want::SourceId, typed, offset, true))
            }
            Some("related") if list_table == Table::Brief => {
                return Some(value_cursor(
                    Want::Path { prefix: "@/" },
                    typed,
                    offset,
                    true,
                ))
            }
            _ => {}
        }
    }
    (rest.chars().all(is_key_char) && table != Table::Other)
        .then(|| Cursor::new(Want::Field(table), offset - rest.len()..offset, false))
}

/// The value of `key` being typed on its line (`key: va`, `key: [a, b`).
fn yaml_value(key: &str, value: &str, table: Table, offset: usize) -> Option<Cursor> {
    match value.strip_prefix('[') {
        Some(list) => {
            let typed = unquote(list.rsplit(',').next().unwrap_or("").trim_start());
            let want = value_want(key, table, true)?;
            Some(value_cursor(want, typed, offset, true))
        }
        None => {
            let want = value_want(key, table, false)?;
            Some(value_cursor(want, unquote(value), offset, true))
        }
    }
}

fn unquote(typed: &str) -> &str {
    typed.strip_prefix(['"', '\'']).unwrap_or(typed)
}

/// `key: value` (the value possibly empty) on a line.
fn yaml_key_value(rest: &str) -> Option<(&str, &str)> {
    let (key, value) = rest.split_once(':')?;
    (!key.is_empty() && key.chars().all(is_key_char)).then(|| (key, value.trim_start()))
}

/// The keys of the maps that hold a line, nearest first, from the lines above it: a line less
/// indented than `threshold` that is a key alone (`claims:`) holds it.
fn yaml_parents(above: &str, mut threshold: usize) -> Vec<String> {
    let mut parents = Vec::new();
    for line in above.lines().rev() {
        if threshold == 0 {
            break;
        }
        let content = line.trim_start_matches(' ');
        if content.trim().is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = line.len() - content.len();
        let rest = match content.strip_prefix('-') {
            Some(r) if r.is_empty() || r.starts_with(' ') => r.trim_start(),
            _ => content,
        };
        let key_indent = indent + (content.len() - rest.len());
        if key_indent < threshold {
            if let Some((key, "")) = yaml_key_value(rest.trim_end()) {
                parents.push(key.to_string());
            }
        }
        if indent < threshold {
            threshold = indent;
        }
    }
    parents
}

/// The table a YAML line's keys belong to, from the keys that hold it.
fn yaml_table(parents: &[String], top: Table) -> Table {
    match parents {
        [] => top,
        [only] => table_of_list(only, top),
        _ => Table::Other,
    }
}

#[cfg(test)]
mod tests;
