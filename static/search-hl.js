// Marks the terms of a search (?hl=…) in the paragraphs of the page a search result
// led to; loaded by site.js only when the address has ?hl=. Same matching as search-ui.js.
(function () {
  "use strict";
  var q = new URLSearchParams(location.search).get("hl"), d = document;
  if (!q || d.querySelector("mark.hl")) return;
  function fold(s) {
    var out = "";
    for (var c of s) {
      var f = c.normalize("NFKC").toLowerCase();
      out += f.length === c.length ? f : c;
    }
    return out;
  }
  var terms = fold(q).split(/\s+/).filter(Boolean);
  function wrap(nodes, a, b) {  // put text offsets [a, b) of the paragraph into <mark class="hl">
    for (var k = nodes.length - 1; k >= 0; k--) {
      var node = nodes[k][0], start = nodes[k][1], end = start + node.data.length;
      if (end <= a || start >= b) continue;
      var mid = node.splitText(Math.max(a, start) - start);
      mid.splitText(Math.min(b, end) - Math.max(a, start));
      var m = d.createElement("mark");
      m.className = "hl";
      mid.replaceWith(m);
      m.append(mid);
    }
  }
  d.querySelectorAll("main .para").forEach(function (p) {
    var nodes = [], text = "", found = [], merged = [], n;
    var walk = d.createTreeWalker(p, NodeFilter.SHOW_TEXT, { acceptNode: function (t) {
      return t.parentNode.closest(".permalink, .para-tools") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
    } });
    while ((n = walk.nextNode())) { nodes.push([n, text.length]); text += n.data; }
    var f = fold(text);
    terms.forEach(function (t) {
      for (var i = f.indexOf(t); i >= 0; i = f.indexOf(t, i + t.length)) found.push([i, i + t.length]);
    });
    found.sort(function (x, y) { return x[0] - y[0]; }).forEach(function (s) {
      var last = merged[merged.length - 1];
      if (last && s[0] < last[1]) last[1] = Math.max(last[1], s[1]);
      else merged.push(s);
    });
    // From the last match back, so that the offsets of earlier text nodes stay valid.
    merged.reverse().forEach(function (s) { wrap(nodes, s[0], s[1]); });
  });
})();
