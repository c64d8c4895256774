/* briefbook search: plain JavaScript over window.BRIEFBOOK_SEARCH (search_index.js), so it works
   from a web server and from disk alike. Titles and claims rank above summaries, tags and text. */
(function () {
  "use strict";
  var data = window.BRIEFBOOK_SEARCH;
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!data || !input || !list) { return; }
  var root = document.body.getAttribute("data-root") || "";
  var F = {}; data.fields.forEach(function (name, i) { F[name] = i; });
  var WEIGHTS = [["title", 10], ["claims", 6], ["tags", 4], ["summary", 3], ["chapter", 2], ["text", 1]];

  function fold(s) {
    return s.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }
  var docs = data.docs.map(function (d) {
    var folded = {};
    WEIGHTS.forEach(function (w) { folded[w[0]] = fold(d[F[w[0]]]); });
    return { raw: d, folded: folded };
  });

  function score(doc, terms) {
    var total = 0;
    for (var t = 0; t < terms.length; t++) {
      var best = 0;
      for (var w = 0; w < WEIGHTS.length; w++) {
        if (doc.folded[WEIGHTS[w][0]].indexOf(terms[t]) !== -1) { best = Math.max(best, WEIGHTS[w][1]); }
      }
      if (best === 0) { return 0; }
      total += best;
    }
    return total;
  }

  /* The text around the first match, with the match marked: built from DOM nodes, never HTML. */
  function snippet(doc, terms) {
    var fields = ["claims", "summary", "text", "title"];
    for (var i = 0; i < fields.length; i++) {
      var raw = doc.raw[F[fields[i]]];
      var at = fold(raw).indexOf(terms[0]);
      if (at === -1) { continue; }
      var start = Math.max(0, at - 60), end = Math.min(raw.length, at + terms[0].length + 90);
      var p = document.createElement("p");
      p.appendChild(document.createTextNode((start > 0 ? "…" : "") + raw.slice(start, at)));
      var mark = document.createElement("mark");
      mark.textContent = raw.slice(at, at + terms[0].length);
      p.appendChild(mark);
      p.appendChild(document.createTextNode(raw.slice(at + terms[0].length, end) + (end < raw.length ? "…" : "")));
      return p;
    }
    return null;
  }

  function run(query) {
    var terms = fold(query).split(/\s+/).filter(function (t) { return t.length > 0; });
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (terms.length === 0) { status.textContent = ""; return; }
    var hits = [];
    docs.forEach(function (doc) { var s = score(doc, terms); if (s > 0) { hits.push([s, doc]); } });
    hits.sort(function (a, b) { return b[0] - a[0] || a[1].raw[F.title].localeCompare(b[1].raw[F.title]); });
    status.textContent = hits.length === 0 ? "No brief matches." : hits.length + (hits.length === 1 ? " brief" : " briefs");
    hits.slice(0, 50).forEach(function (hit) {
      var doc = hit[1], li = document.createElement("li"), a = document.createElement("a");
      a.href = root + doc.raw[F.url];
      a.textContent = doc.raw[F.title];
      var chapter = document.createElement("span");
      chapter.className = "search-chapter";
      chapter.textContent = doc.raw[F.chapter];
      li.appendChild(a); li.appendChild(document.createTextNode(" ")); li.appendChild(chapter);
      var p = snippet(doc, terms);
      if (p) { li.appendChild(p); }
      list.appendChild(li);
    });
  }

  function remember(query) {
    try {
      var url = new URL(window.location.href);
      if (query) { url.searchParams.set("q", query); } else { url.searchParams.delete("q"); }
      window.history.replaceState(null, "", url.toString());
    } catch (e) { /* some browsers refuse history changes on file:// pages; searching still works */ }
  }

  input.addEventListener("input", function () { run(input.value); remember(input.value); });
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; run(initial); }
})();
