//! `briefbook new` and `briefbook init`: files an editor starts from, written without ever
//! overwriting one.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::text::slugify;

/// A file to create, relative to the book root.
pub struct NewFile {
    pub path: PathBuf,
    pub text: String,
}

/// The files of a new brief `<chapter>/<slug>`: the brief, and its chapter's `_index.md` if missing.
pub fn new_brief(
    root: &Path,
    target: &str,
    title: Option<&str>,
    today: &str,
) -> Result<Vec<NewFile>, Diagnostic> {
    let usage = |message: String| Diagnostic::error(Code::Usage, message);
    let (chapter, slug) = target.trim_matches('/').rsplit_once('/').ok_or_else(|| {
        usage(format!(
            "`{target}` is not <chapter>/<slug>; for example `chips/h20-demand`"
        ))
    })?;
    for segment in chapter.split('/').chain([slug]) {
        if segment.is_empty() || slugify(segment) != segment {
            return Err(usage(format!("`{segment}` is not a slug: use lowercase letters, digits and hyphens, for example `{}`", slugify(segment))));
        }
    }
    let brief = PathBuf::from("content")
        .join(chapter)
        .join(format!("{slug}.md"));
    if root.join(&brief).exists()
        || root
            .join("content")
            .join(chapter)
            .join(slug)
            .join("index.md")
            .exists()
    {
        return Err(usage(format!(
            "{} already exists; briefbook never overwrites a file",
            brief.display()
        )));
    }
    let title = title
        .map(str::to_string)
        .unwrap_or_else(|| title_from_slug(slug));
    let yaml = prefers_yaml(&root.join("content"));
    let mut files = vec![NewFile {
        path: brief,
        text: brief_text(&title, today, yaml),
    }];
    let index = PathBuf::from("content").join(chapter).join("_index.md");
    if !root.join(&index).exists() {
        let name = chapter.rsplit('/').next().unwrap_or(chapter);
        files.push(NewFile {
            path: index,
            text: format!("+++\ntitle = \"{}\"\n+++\n", title_from_slug(name)),
        });
    }
    Ok(files)
}

/// `h20-demand` → `H20 demand`.
fn title_from_slug(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// Whether most existing briefs use YAML front matter (TOML otherwise, and by default).
fn prefers_yaml(content: &Path) -> bool {
    let (mut yaml, mut toml) = (0, 0);
    for entry in walkdir::WalkDir::new(content)
        .into_iter()
        .filter_map(Result::ok)
    {
        // Briefs only: chapters' `_index.md` files say nothing about the editors' choice.
        if entry.path().extension().is_some_and(|e| e == "md") && entry.file_name() != "_index.md" {
            match std::fs::read(entry.path())
                .ok()
                .as_deref()
                .map(|b| b.starts_with(b"---"))
            {
                Some(true) => yaml += 1,
                Some(false) => toml += 1,
                None => {}
            }
        }
    }
    yaml > toml
}

fn toml_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn brief_text(title: &str, today: &str, yaml: bool) -> String {
    let title = toml_escape(title);
    if yaml {
        return format!(
            "---\ntitle: \"{title}\"\ndate: {today}\nsummary: \"\"\n# tags: [export controls]\n# sources:\n#   - id: publisher-2025\n#     title: \"The report's title\"\n#     date: {today}\n#     url: https://example.org/report\n# claims:\n#   - id: main-claim\n#     text: \"One sentence someone asserts.\"\n#     attributed_to: \"Who says so\"\n#     sources: [publisher-2025]\n#     confidence: moderate\n# facts:\n#   - subject: \"Huawei\"\n#     metric: \"AI chip shipments\"\n#     value: 700000\n#     unit: units\n#     as_of: \"2025\"\n#     source: publisher-2025\n---\n\nWrite the brief here. Cite a source like this: `[@publisher-2025]`.\n"
        );
    }
    format!(
        "+++\ntitle = \"{title}\"\ndate = \"{today}\"\nsummary = \"\"\n# tags = [\"export controls\"]\n\n# [[sources]]\n# id = \"publisher-2025\"\n# title = \"The report's title\"\n# date = \"{today}\"\n# url = \"https://example.org/report\"\n\n# [[claims]]\n# id = \"main-claim\"\n# text = \"One sentence someone asserts.\"\n# attributed_to = \"Who says so\"\n# sources = [\"publisher-2025\"]\n# confidence = \"moderate\"\n\n# [[facts]]\n# subject = \"Huawei\"\n# metric = \"AI chip shipments\"\n# value = 700000\n# unit = \"units\"\n# as_of = \"2025\"\n# source = \"publisher-2025\"\n+++\n\nWrite the brief here. Cite a source like this: `[@publisher-2025]`.\n"
    )
}

/// The files of a new book, dated `today`.
pub fn init_files(today: &str) -> Vec<NewFile> {
    let file = |path: &str, text: String| NewFile {
        path: PathBuf::from(path),
        text,
    };
    vec![
        file("site.toml", "title = \"A new briefing book\"\nbase_url = \"https://example.org/\"\ndescription = \"\"\n\n[markdown]\nhighlight_theme = \"InspiredGitHub\"\n".into()),
        file(".gitignore", "/public\n".into()),
        file("content/_index.md", "+++\ntitle = \"A new briefing book\"\nsummary = \"What this book is for, in one or two sentences.\"\n+++\n\nAn introduction for readers: what the book covers and how to read it.\n".into()),
        file("content/sources.toml", format!("[[source]]\nid = \"example-report\"\ntitle = \"An example report\"\npublisher = \"Example Institute\"\ndate = \"{today}\"\nurl = \"https://example.org/report\"\nkind = \"report\"\nreliability = \"B\"\n")),
        file("content/first-chapter/_index.md", "+++\ntitle = \"First chapter\"\nsummary = \"What the briefs of this chapter cover.\"\n+++\n".into()),
        file(
            "content/first-chapter/first-brief.md",
            format!("+++\ntitle = \"A first brief\"\ndate = \"{today}\"\nsummary = \"The bottom line of this brief, up front.\"\ntags = [\"example\"]\n\n[[claims]]\nid = \"main-finding\"\ntext = \"The example report finds that briefs are easier to trust with their sources shown.\"\nattributed_to = \"Example Institute\"\nsources = [\"example-report\"]\nconfidence = \"moderate\"\n\n[[facts]]\nid = \"briefs\"\nsubject = \"This book\"\nmetric = \"Briefs\"\nvalue = 1\nunit = \"brief\"\nas_of = \"{today}\"\nsource = \"example-report\"\n+++\n\n## What we know\n\nState the finding and cite it [@example-report].\n"),
        ),
    ]
}

/// Writes `files` under `root`, refusing to replace any that exists.
pub fn write_new(root: &Path, files: &[NewFile]) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut written = Vec::new();
    for f in files {
        let path = root.join(&f.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| {
                Diagnostic::error(Code::Io, format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        // create_new: a file that appeared since we looked is still never overwritten.
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| {
                Diagnostic::error(Code::Io, format!("cannot create {}: {e}", path.display()))
            })?;
        std::io::Write::write_all(&mut out, f.text.as_bytes()).map_err(|e| {
            Diagnostic::error(Code::Io, format!("cannot write {}: {e}", path.display()))
        })?;
        written.push(f.path.clone());
    }
    Ok(written)
}
