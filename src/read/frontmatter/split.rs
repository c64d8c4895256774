//! Splitting a content file into its front matter and its body, keeping byte offsets.

/// The front-matter language, chosen by the delimiter line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

impl Format {
    fn delimiter(self) -> &'static str {
        match self {
            Format::Toml => "+++",
            Format::Yaml => "---",
        }
    }
}

/// A file cut in two; offsets are byte offsets into the whole file.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub format: Format,
    pub matter: &'a str,
    pub matter_offset: usize,
    pub body: &'a str,
    pub body_offset: usize,
}

/// Why a file could not be split, with the byte offset to point at.
#[derive(Debug, PartialEq, Eq)]
pub struct SplitError {
    pub message: String,
    pub help: String,
    pub offset: usize,
}

/// Cuts `text` at its front-matter delimiters (`+++` for TOML, `---` for YAML).
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = lines_with_offsets(text, start);
    let format = match lines.next() {
        Some((_, line)) if line.trim_end() == "+++" => Format::Toml,
        Some((_, line)) if line.trim_end() == "---" => Format::Yaml,
        _ => {
            return Err(SplitError {
                message: if text[start..].trim().is_empty() {
                    "the file is empty".to_string()
                } else {
                    "the file does not start with front matter".to_string()
                },
                help: "start the file with a `+++` line, then `title = \"...\"` and `date = \"YYYY-MM-DD\"`, then a closing `+++` line".to_string(),
                offset: start,
            })
        }
    };
    let delimiter = format.delimiter();
    let matter_offset = start + delimiter.len() + line_ending_len(&text[start + delimiter.len()..]);
    for (offset, line) in lines {
        if line.trim_end() == delimiter {
            let after = offset + line.len();
            let body_offset = after + line_ending_len(&text[after..]);
            return Ok(Split {
                format,
                matter: &text[matter_offset..offset],
                matter_offset,
                body: &text[body_offset..],
                body_offset,
            });
        }
    }
    Err(SplitError {
        message: "the front matter opened here is never closed".to_string(),
        help: format!("add a line holding only `{delimiter}` after the last field"),
        offset: start,
    })
}

/// Lines without their endings, each with the byte offset where it starts.
fn lines_with_offsets(text: &str, start: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = start;
    text[start..].split_inclusive('\n').map(move |raw| {
        let line_start = offset;
        offset += raw.len();
        (line_start, raw.trim_end_matches(['\n', '\r']))
    })
}

/// Trailing spaces and the line ending that follow a delimiter.
fn line_ending_len(rest: &str) -> usize {
    let trimmed = rest.trim_start_matches([' ', '\t']);
    let spaces = rest.len() - trimmed.len();
    if trimmed.starts_with("\r\n") {
        spaces + 2
    } else if trimmed.starts_with('\n') {
        spaces + 1
    } else {
        spaces
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_toml() {
        let text = "+++\ntitle = \"A\"\n+++\n\nBody\n";
        let s = split(text).unwrap();
        assert_eq!(s.format, Format::Toml);
        assert_eq!(s.matter, "title = \"A\"\n");
        assert_eq!(s.matter_offset, 4);
        assert_eq!(s.body, "\nBody\n");
        assert_eq!(&text[s.body_offset..], "\nBody\n");
    }

    #[test]
    fn splits_yaml_with_crlf_and_bom() {
        let text = "\u{feff}---\r\ntitle: A\r\n---\r\nBody";
        let s = split(text).unwrap();
        assert_eq!(s.format, Format::Yaml);
        assert_eq!(s.matter, "title: A\r\n");
        assert_eq!(s.body, "Body");
    }

    #[test]
    fn empty_front_matter_and_body() {
        let s = split("+++\n+++").unwrap();
        assert_eq!(s.matter, "");
        assert_eq!(s.body, "");
    }

    #[test]
    fn a_delimiter_inside_a_value_line_does_not_close() {
        let s = split("+++\na = \"+++\"\n+++\nx").unwrap();
        assert_eq!(s.matter, "a = \"+++\"\n");
        assert_eq!(s.body, "x");
    }

    #[test]
    fn reports_missing_and_unclosed_front_matter() {
        assert_eq!(split("").unwrap_err().message, "the file is empty");
        assert_eq!(
            split("# Title\n").unwrap_err().message,
            "the file does not start with front matter"
        );
        let err = split("---\ntitle: x\n").unwrap_err();
        assert!(err.message.contains("never closed"));
        assert!(err.help.contains("`---`"));
    }
}
