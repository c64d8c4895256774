//! The docs list what the code has: every diagnostic code with its severity and exit status.

use briefbook::diagnostic::{Code, Severity};
use briefbook::model::index_pages::IndexPage;

fn doc(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The rows of the table under `heading`: each row's cells, trimmed.
fn table_rows(text: &str, heading: &str) -> Vec<Vec<String>> {
    let start = text
        .find(heading)
        .unwrap_or_else(|| panic!("no `{heading}` section"));
    text[start..]
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .skip(2)
        .map(|line| {
            line.trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn commands_md_lists_every_diagnostic_code_as_the_table_has_it() {
    let listed: Vec<(String, String, String)> =
        table_rows(&doc("commands.md"), "## Diagnostic codes")
            .into_iter()
            .map(|cells| (cells[0].clone(), cells[1].clone(), cells[2].clone()))
            .collect();
    let expected: Vec<(String, String, String)> = Code::ALL
        .iter()
        .map(|code| {
            let severity = match code.severity() {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            (
                format!("`{}`", code.name()),
                severity.to_string(),
                code.exit_status().to_string(),
            )
        })
        .collect();
    assert_eq!(listed, expected);
}

#[test]
fn format_md_lists_every_index_page() {
    let format = doc("format.md");
    for page in IndexPage::ALL {
        let path = format!("`{}index.html`", page.url());
        assert!(
            format.contains(&path),
            "docs/format.md does not list {path}"
        );
    }
}

#[test]
fn templates_md_lists_every_template_and_every_kind() {
    let templates = doc("templates.md");
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
    for entry in std::fs::read_dir(folder).expect("the default theme's templates") {
        let name = entry.expect("a readable entry").file_name();
        let name = format!("`{}`", name.to_string_lossy());
        assert!(
            templates.contains(&name),
            "docs/templates.md does not list {name}"
        );
    }
    let kinds = templates
        .lines()
        .find(|line| line.starts_with("| `kind` |"))
        .expect("a row for `kind`");
    let page_kinds = ["cover", "chapter", "brief", "tag", "404"];
    let index_kinds = IndexPage::ALL.iter().map(|page| page.name());
    for kind in page_kinds.into_iter().chain(index_kinds) {
        assert!(
            kinds.contains(&format!("`{kind}`")),
            "the `kind` row lacks {kind}"
        );
    }
}
