//! A brief's JSON-LD: the structured data a brief page carries for search engines and archives.

use serde_json::json;

use crate::read::book::{Book, BookBrief};

/// A brief's JSON-LD: a schema.org Article citing its sources, and a ClaimReview for each claim
/// whose status is a verdict (confirmed, disputed, retracted). Safe to place in a script element.
pub fn json_ld(book: &Book, brief: &BookBrief, cites: &[String]) -> String {
    let base = &book.config.base_url;
    let url = format!("{base}{}", brief.url);
    let b = &brief.brief;
    let organization = json!({"@type": "Organization", "name": book.config.title});
    let authors: Vec<serde_json::Value> = if b.authors.is_empty() {
        vec![organization.clone()]
    } else {
        b.authors
            .iter()
            .map(|a| json!({"@type": "Person", "name": a}))
            .collect()
    };
    let citations: Vec<serde_json::Value> = cites
        .iter()
        .filter_map(|id| book.sources.get(id))
        .map(|s| {
            let mut work = json!({"@type": "CreativeWork", "name": s.title, "datePublished": s.date.to_string()});
            if let Some(u) = &s.url {
                work["url"] = json!(u);
            }
            if let Some(p) = &s.publisher {
                work["publisher"] = json!({"@type": "Organization", "name": p});
            }
            work
        })
        .collect();
    let mut graph = vec![json!({
        "@type": "Article",
        "headline": b.header.title,
        "description": b.header.summary,
        "datePublished": b.date.to_string(),
        "dateModified": b.updated.unwrap_or(b.date).to_string(),
        "author": authors,
        "publisher": organization,
        "url": url,
        "keywords": b.tags,
        "citation": citations,
    })];
    for claim in b
        .claims
        .iter()
        .filter(|c| matches!(c.status.as_str(), "confirmed" | "disputed" | "retracted"))
    {
        let mut item = json!({"@type": "Claim"});
        if let Some(who) = &claim.attributed_to {
            item["author"] = json!({"@type": "Thing", "name": who});
        }
        graph.push(json!({
            "@type": "ClaimReview",
            "url": format!("{url}#{}", crate::model::claim_anchor(claim)),
            "claimReviewed": claim.text,
            "author": organization,
            "itemReviewed": item,
            "reviewRating": {"@type": "Rating", "alternateName": claim.status},
        }));
    }
    let document = json!({"@context": "https://schema.org", "@graph": graph});
    let bytes =
        crate::text::json_for_html(&serde_json::to_vec(&document).expect("JSON-LD serializes"));
    String::from_utf8(bytes).expect("JSON is UTF-8")
}
