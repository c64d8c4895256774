// The sidebar's briefs. Each page lists the chapters itself (the contents without script); the
// briefs come from toc.js, written once for the whole site, so that no page repeats the book's
// briefs. In a small book every chapter shows its briefs; in a large one only the current
// chapter does, and a long chapter shows the briefs around the current one and a link to all.
(function () {
  "use strict";
  var toc = window.BRIEFBOOK_TOC;
  var nav = document.querySelector("nav.contents");
  if (!toc || !nav) { return; }
  var SMALL_BOOK = 60;  // briefs in all, up to which every chapter is opened
  var NEIGHBOURS = 5;   // briefs shown either side of the current one in a long chapter
  var LONG = 2 * NEIGHBOURS + 3;

  var root = document.body.getAttribute("data-root") || "./";
  var base = new URL(root, location.href).href;
  var here = location.href.split("#")[0].split("?")[0];
  if (here.slice(-1) === "/") { here += "index.html"; }
  var page = here.indexOf(base) === 0 ? here.slice(base.length) : "";

  var total = 0;
  toc.chapters.forEach(function (c) { total += c[1].length; });

  function link(title, url, current) {
    var a = document.createElement("a");
    a.href = root + url;
    a.textContent = title;
    if (current) { a.setAttribute("aria-current", "page"); }
    return a;
  }

  function item(children, className) {
    var li = document.createElement("li");
    if (className) { li.className = className; }
    children.forEach(function (c) { li.appendChild(c); });
    return li;
  }

  toc.chapters.forEach(function (chapter) {
    var url = chapter[0], briefs = chapter[1];
    var entry = nav.querySelector('li[data-chapter="' + url + '"]');
    if (!entry) { return; }
    // Marked here rather than in each page: a comparison per chapter on every page is the kind
    // of work that grows with the book.
    if (page === url) { entry.querySelector("a").setAttribute("aria-current", "page"); }
    if (briefs.length === 0) { return; }
    var at = -1;
    for (var i = 0; i < briefs.length; i++) {
      if (briefs[i][1] + "index.html" === page) { at = i; break; }
    }
    var inside = at >= 0 || page === url;
    if (inside) { entry.classList.add("current-chapter"); }
    if (!inside && total > SMALL_BOOK) { return; }
    var from = 0, to = briefs.length;
    if (briefs.length > LONG) {
      var centre = at < 0 ? NEIGHBOURS : at;
      from = Math.max(0, centre - NEIGHBOURS);
      to = Math.min(briefs.length, from + 2 * NEIGHBOURS + 1);
      from = Math.max(0, to - 2 * NEIGHBOURS - 1);
    }
    var list = document.createElement("ol");
    list.className = "chapter-briefs";
    if (from > 0) { list.appendChild(item([document.createTextNode("…")], "more")); }
    for (var k = from; k < to; k++) {
      list.appendChild(item([link(briefs[k][0], briefs[k][1] + "index.html", k === at)]));
    }
    if (to < briefs.length || from > 0) {
      list.appendChild(item([link("All " + briefs.length + " briefs", url, false)], "more"));
    }
    entry.appendChild(list);
  });
})();
