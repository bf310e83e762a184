// Marks the terms of a search (?hl=…) in the paragraphs of the page a search result
// led to; loaded by site.js, after search-text.js, only when the address has ?hl=.
// Same matching as search-ui.js: searchText.terms and searchText.spans.
(() => {
  "use strict";
  const d = document, { terms, spans } = window.searchText, hl = terms(new URLSearchParams(location.search).get("hl"));
  if (!hl.length || d.querySelector("mark.hl")) return;
  const wrap = (nodes, a, b) => {  // put text offsets [a, b) of the paragraph into <mark class="hl">
    for (let k = nodes.length - 1; k >= 0; k--) {
      const [node, start] = nodes[k], end = start + node.data.length;
      if (end <= a || start >= b) continue;
      const mid = node.splitText(Math.max(a, start) - start);
      mid.splitText(Math.min(b, end) - Math.max(a, start));
      const m = d.createElement("mark");
      m.className = "hl";
      mid.replaceWith(m);
      m.append(mid);
    }
  };
  const skip = { acceptNode: (t) => (t.parentNode.closest(".permalink, .para-tools") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT) };
  for (const p of d.querySelectorAll("main .para")) {
    const nodes = [], walk = d.createTreeWalker(p, NodeFilter.SHOW_TEXT, skip);
    let text = "";
    for (let n = walk.nextNode(); n; n = walk.nextNode()) { nodes.push([n, text.length]); text += n.data; }
    // From the last match back, so that the offsets of earlier text nodes stay valid.
    for (const [a, b] of spans(text, hl).reverse()) wrap(nodes, a, b);
  }
})();
