//! The benchmark book as a Hugo site, so that `bench` can time a peer on the same briefs: the
//! same front matter (Hugo keeps `claims` and `facts` as page parameters, and its templates here
//! show them as tables, as briefbook's do), the same bodies with `@/` links made `ref`
//! shortcodes (checked by Hugo as briefbook checks them), and templates for the pages both
//! write: the cover, chapters, briefs with previous and next, tags, the feed and the sitemap.
//! Citations stay as text: Hugo has no reference lists.

use std::path::Path;

use crate::genbook::{self, Shape};

const CONFIG: &str = r#"baseURL = "https://example.org/"
title = "Benchmark book"
languageCode = "en"
disableKinds = ["robotsTXT"]

[taxonomies]
tag = "tags"

[markup.highlight]
style = "github"
noClasses = true

[markup.goldmark.renderer]
unsafe = false
"#;

const BASEOF: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
<nav>{{ range .Site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
"#;

const SINGLE: &str = r#"{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p>{{ .Date.Format "2 January 2006" }}</p><p>{{ .Params.summary }}</p>
{{ .Content }}
{{ with .Params.claims }}<h2>Claims</h2><table><tr><th>Claim</th><th>Confidence</th><th>Sources</th></tr>
{{ range . }}<tr id="claim-{{ .id }}"><td>{{ .text }}</td><td>{{ .confidence }}</td><td>{{ delimit .sources ", " }}</td></tr>{{ end }}</table>{{ end }}
{{ with .Params.facts }}<h2>Facts</h2><table><tr><th>Subject</th><th>Metric</th><th>Value</th><th>As of</th><th>Source</th></tr>
{{ range . }}<tr><td>{{ .subject }}</td><td>{{ .metric }}</td><td>{{ .value }} {{ .unit }}</td><td>{{ .as_of }}</td><td>{{ .source }}</td></tr>{{ end }}</table>{{ end }}
<p>{{ range .Params.tags }}<a href="{{ "tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a> {{ end }}</p>
<nav>{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav></article>{{ end }}
"#;

const LIST: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.summary }}</li>{{ end }}</ul>{{ end }}
"#;

/// Writes the Hugo site of the benchmark book of `n` briefs into `dir` (which must not exist).
pub fn write_site(dir: &Path, n: usize, shape: Shape) -> std::io::Result<()> {
    let (sources, tags) = genbook::registry_sizes(n);
    let layouts = dir.join("layouts/_default");
    std::fs::create_dir_all(&layouts)?;
    std::fs::write(dir.join("config.toml"), CONFIG)?;
    std::fs::write(layouts.join("baseof.html"), BASEOF)?;
    std::fs::write(layouts.join("single.html"), SINGLE)?;
    std::fs::write(layouts.join("list.html"), LIST)?;
    let content = dir.join("content");
    std::fs::create_dir_all(&content)?;
    std::fs::write(
        content.join("_index.md"),
        "+++\ntitle = \"Benchmark book\"\n+++\n\nA generated book for timing.\n",
    )?;
    let mut chapters: Vec<String> = (1..=n).map(|i| shape.chapter(i)).collect();
    chapters.dedup();
    for chapter in &chapters {
        std::fs::create_dir_all(content.join(chapter))?;
        std::fs::write(
            content.join(chapter).join("_index.md"),
            format!("+++\ntitle = \"Briefs {chapter}\"\n+++\n\nThe briefs of {chapter}.\n"),
        )?;
    }
    for i in 1..=n {
        let text = genbook::brief(i, n, sources, tags, shape);
        std::fs::write(content.join(shape.path(i)), hugo_links(&text))?;
    }
    Ok(())
}

/// `](@/c/b.md)` made `]({{< ref "/c/b.md" >}})`.
fn hugo_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(at) = rest.find("](@/") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 4..];
        let end = after.find(')').unwrap_or(after.len());
        out.push_str(&format!("]({{{{< ref \"/{}\" >}}}})", &after[..end]));
        rest = &after[(end + 1).min(after.len())..];
    }
    out.push_str(rest);
    out
}
