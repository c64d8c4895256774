//! The synthetic benchmark book: N briefs shaped like real ones, deterministic for a given N.
//!
//! Each brief has about 600 words under H2/H3 headings, emphasis, inline code, a bulleted list,
//! a small table, one fenced code block (eight languages in turn), a footnote, three `@/` links,
//! four citations, two claims, three facts and two to four tags; the registry has N/4 sources.

use std::fmt::Write as _;
use std::path::Path;

/// A small deterministic generator (SplitMix64): the same N always gives the same book.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.range(0, items.len() - 1)]
    }
}

const NOUNS: &[&str] = &[
    "tariff",
    "corridor",
    "reserve",
    "quota",
    "subsidy",
    "pipeline",
    "ledger",
    "mandate",
    "forecast",
    "harvest",
    "inventory",
    "leverage",
    "margin",
    "outlook",
    "posture",
    "runway",
    "safeguard",
    "shortfall",
    "surplus",
    "threshold",
    "treasury",
    "volatility",
    "workforce",
    "yield",
    "freight",
    "grid",
    "capacity",
    "embargo",
];
const ADJECTIVES: &[&str] = &[
    "regional", "fiscal", "modest", "sharp", "gradual", "durable", "fragile", "uneven", "elevated",
    "revised",
];
const VERBS: &[&str] = &[
    "signals",
    "offsets",
    "reshapes",
    "constrains",
    "supports",
    "undermines",
    "drives",
    "complicates",
];
const TOPICS: &[&str] = &[
    "grain exports",
    "port congestion",
    "grid reliability",
    "rare earths",
    "rail freight",
    "water rights",
    "chip supply",
    "housing credit",
    "fuel reserves",
    "shipping insurance",
    "labour supply",
    "food prices",
];
const LANGUAGES: &[&str] = &[
    "python",
    "rust",
    "javascript",
    "go",
    "bash",
    "json",
    "sql",
    "yaml",
];

fn code(language: &str, a: usize, b: usize, i: usize) -> String {
    match language {
        "python" => format!("def score(values, weights):\n    total = sum(weights)\n    return sum(v * w for v, w in zip(values, weights)) / total\n\nprint(score([{a}, {b}, 7], [0.5, 0.3, 0.2]))\n"),
        "rust" => format!("fn score(values: &[f64], weights: &[f64]) -> f64 {{\n    let total: f64 = weights.iter().sum();\n    values.iter().zip(weights).map(|(v, w)| v * w).sum::<f64>() / total\n}}\n\nfn main() {{\n    println!(\"{{}}\", score(&[{a}.0, {b}.0], &[0.6, 0.4]));\n}}\n"),
        "javascript" => format!("function score(values, weights) {{\n  const total = weights.reduce((a, b) => a + b, 0);\n  return values.reduce((s, v, i) => s + v * weights[i], 0) / total;\n}}\nconsole.log(score([{a}, {b}], [0.6, 0.4]));\n"),
        "go" => format!("package main\n\nimport \"fmt\"\n\nfunc main() {{\n\tvalues := []float64{{{a}, {b}}}\n\tsum := 0.0\n\tfor _, v := range values {{\n\t\tsum += v\n\t}}\n\tfmt.Println(sum / float64(len(values)))\n}}\n"),
        "bash" => format!("#!/usr/bin/env bash\nset -euo pipefail\nfor desk in north south east; do\n  echo \"$desk: threshold {a}\"\ndone\n"),
        "json" => format!("{{\n  \"brief\": \"brief-{i:05}\",\n  \"scores\": [{a}, {b}],\n  \"status\": \"draft\"\n}}\n"),
        "sql" => format!("SELECT desk, AVG(score) AS mean_score\nFROM indicators\nWHERE score > {a}\nGROUP BY desk\nORDER BY mean_score DESC\nLIMIT {b};\n"),
        _ => format!("brief: brief-{i:05}\nscores: [{a}, {b}]\nreview:\n  owner: desk-{a}\n"),
    }
}

/// How the briefs are spread over chapters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Every brief in one chapter, `briefs/` (a daily-brief archive).
    OneChapter,
    /// Chapters of `CHAPTER_SIZE` briefs each, `c-001/` onwards.
    Spread,
}

/// Briefs per chapter in the spread-out shape.
pub const CHAPTER_SIZE: usize = 100;

impl Shape {
    pub fn parse(text: &str) -> Option<Shape> {
        match text {
            "one-chapter" => Some(Shape::OneChapter),
            "spread" => Some(Shape::Spread),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Shape::OneChapter => "one-chapter",
            Shape::Spread => "spread",
        }
    }

    /// The chapter folder of brief `i` (1-based).
    pub fn chapter(self, i: usize) -> String {
        match self {
            Shape::OneChapter => "briefs".into(),
            Shape::Spread => format!("c-{:03}", (i - 1) / CHAPTER_SIZE + 1),
        }
    }

    /// Brief `i`'s path under `content/`.
    pub fn path(self, i: usize) -> String {
        format!("{}/brief-{i:05}.md", self.chapter(i))
    }
}

fn sentence(rng: &mut Rng, link: Option<&str>) -> String {
    let n = rng.range(9, 17);
    let mut words: Vec<String> = (0..n).map(|_| rng.pick(NOUNS).to_string()).collect();
    words[1] = rng.pick(ADJECTIVES).to_string();
    words[3] = rng.pick(VERBS).to_string();
    let k = rng.range(4, n - 1);
    words[k] = match rng.range(0, 3) {
        0 => format!("*{}*", words[k]),
        1 => format!("**{}**", words[k]),
        2 => format!("`{}`", words[k]),
        _ => words[k].clone(),
    };
    if let Some(path) = link {
        let k = rng.range(4, n - 1);
        let j = &path[path.len() - 8..path.len() - 3];
        words[k] = format!("[{} brief {j}](@/{path})", words[k]);
    }
    let mut s = words.join(" ");
    s[..1].make_ascii_uppercase();
    s + "."
}

fn paragraph(rng: &mut Rng, sentences: usize, link: Option<&str>, tail: &str) -> String {
    let mut out: Vec<String> = (0..sentences)
        .map(|i| sentence(rng, if i == 1 { link } else { None }))
        .collect();
    if let Some(last) = out.last_mut() {
        last.pop();
        last.push_str(tail);
        last.push('.');
    }
    out.join(" ")
}

fn source_id(i: usize, k: usize, sources: usize) -> String {
    format!("src-{:05}", (i * [1, 3, 7, 11][k] + 7 * k) % sources + 1)
}

/// The text of brief `i` (1-based) of a book of `n`.
pub fn brief(i: usize, n: usize, sources: usize, tags: usize, shape: Shape) -> String {
    let mut rng = Rng::new(i as u64 * 1_000_003);
    let links = [i % n + 1, (i + n / 3) % n + 1, (i * 7 + 3) % n + 1].map(|j| {
        if j == i {
            j % n + 1
        } else {
            j
        }
    });
    let links = links.map(|j| shape.path(j));
    let cite = |k: usize| format!(" [@{}]", source_id(i, k, sources));
    let topic = rng.pick(TOPICS);
    let language = LANGUAGES[i % LANGUAGES.len()];
    let (a, b) = (rng.range(2, 9), rng.range(10, 99));
    let mut fm = String::new();
    let _ = writeln!(fm, "+++\ntitle = \"Brief {i:05}: {topic} outlook\"");
    let _ = writeln!(
        fm,
        "date = \"{}-{:02}-{:02}\"",
        2020 + i % 6,
        1 + i % 12,
        1 + i % 28
    );
    let _ = writeln!(
        fm,
        "summary = \"What the {topic} indicators say for the coming quarter, and why.\""
    );
    let tag_list: Vec<String> = (0..rng.range(2, 4))
        .map(|t| format!("\"tag-{:03}\"", (i * 3 + t * 17) % tags))
        .collect();
    let _ = writeln!(fm, "tags = [{}]", tag_list.join(", "));
    for c in 0..2 {
        let _ = writeln!(
            fm,
            "\n[[claims]]\nid = \"c{}\"\ntext = \"Pressure on {topic} will {} next quarter.\"",
            c + 1,
            ["persist", "ease"][c]
        );
        let _ = writeln!(
            fm,
            "sources = [\"{}\"]\nconfidence = \"{}\"",
            source_id(i, c, sources),
            ["low", "moderate", "high"][(i + c) % 3]
        );
    }
    for f in 0..3 {
        let _ = writeln!(
            fm,
            "\n[[facts]]\nsubject = \"{topic}\"\nmetric = \"Indicator {}\"",
            f + 1
        );
        let _ = writeln!(
            fm,
            "value = {}.{}\nunit = \"%\"\nas_of = \"{}\"",
            (i * (f + 3)) % 97,
            i % 10,
            2020 + (i + f) % 6
        );
        let _ = writeln!(fm, "source = \"{}\"", source_id(i, f, sources));
    }
    fm.push_str("+++\n\n");
    let bullets: Vec<String> = (0..5)
        .map(|_| format!("- **{}**: {}", rng.pick(NOUNS), sentence(&mut rng, None)))
        .collect();
    let rows: Vec<String> = (1..=4)
        .map(|q| {
            format!(
                "| Q{q} | {} | {}.{}% | {} |",
                rng.pick(NOUNS),
                rng.range(0, 12),
                rng.range(0, 9),
                rng.pick(&["rising", "stable", "falling"])
            )
        })
        .collect();
    let body = [
        format!(
            "This brief covers {topic}. {}",
            paragraph(&mut rng, 4, Some(&links[0]), &cite(0))
        ),
        "## Background".into(),
        paragraph(&mut rng, 6, Some(&links[1]), &cite(1)),
        "Key points for the desk:".into(),
        bullets.join("\n"),
        "## Analysis".into(),
        paragraph(&mut rng, 6, Some(&links[2]), &format!("{}[^1]", cite(2))),
        format!(
            "| Quarter | Driver | Change | Direction |\n|---|---|---:|---|\n{}",
            rows.join("\n")
        ),
        "### Worked example".into(),
        format!("```{language}\n{}```", code(language, a, b, i)),
        "## Recommendations".into(),
        paragraph(&mut rng, 6, None, &cite(3)),
        paragraph(&mut rng, 5, None, ""),
        format!("[^1]: {}", sentence(&mut rng, None)),
    ];
    fm + &body.join("\n\n") + "\n"
}

/// How many sources and tags a book of `n` briefs has.
pub fn registry_sizes(n: usize) -> (usize, usize) {
    ((n / 4).max(4), (n / 25).max(16))
}

/// Writes the book of `n` briefs into `dir` (which must not exist yet).
pub fn write_book(dir: &Path, n: usize, shape: Shape) -> std::io::Result<()> {
    let (sources, tags) = registry_sizes(n);
    let content = dir.join("content");
    std::fs::create_dir_all(&content)?;
    std::fs::write(
        dir.join("site.toml"),
        format!("title = \"Benchmark book ({n} briefs)\"\nbase_url = \"https://example.org/\"\n\n[markdown]\nhighlight_theme = \"InspiredGitHub\"\n\n[check]\nreference_date = \"2026-01-01\"\n"),
    )?;
    std::fs::write(
        content.join("_index.md"),
        "+++\ntitle = \"Benchmark book\"\n+++\n\nA generated book for timing briefbook.\n",
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
    let mut registry = String::new();
    for k in 1..=sources {
        let _ = writeln!(
            registry,
            "[[source]]\nid = \"src-{k:05}\"\ntitle = \"Synthetic report {k:05}\"\npublisher = \"Publisher {:02}\"\ndate = \"{}-{:02}-01\"\nurl = \"https://example.org/reports/{k:05}\"\nkind = \"report\"\nreliability = \"{}\"\n",
            k % 37,
            2019 + k % 5,
            1 + k % 12,
            ["A", "B", "C", "D", "E", "F"][k % 6]
        );
    }
    std::fs::write(content.join("sources.toml"), registry)?;
    for i in 1..=n {
        std::fs::write(
            content.join(shape.path(i)),
            brief(i, n, sources, tags, shape),
        )?;
    }
    Ok(())
}

#[allow(dead_code)]
fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(n), Some(dir)) = (args.next().and_then(|n| n.parse().ok()), args.next()) else {
        eprintln!("usage: genbook N DIR [one-chapter|spread]");
        std::process::exit(2);
    };
    let shape = args
        .next()
        .map_or(Some(Shape::OneChapter), |s| Shape::parse(&s));
    let Some(shape) = shape else {
        eprintln!("genbook: the shape is one-chapter or spread");
        std::process::exit(2);
    };
    if let Err(e) = write_book(Path::new(&dir), n, shape) {
        eprintln!("genbook: {e}");
        std::process::exit(2);
    }
}
