// Text rules shared by search-ui.js (the search page) and search-hl.js (marks on arrival).
// A classic script, not a module: from file:// browsers refuse module scripts. Loaded
// before those two by search.js and site.js; it defines one global, `searchText`.
//
// fold is sitegen/search_records.py's `fold`, which folds the text Pagefind indexes;
// tests/unit/test_search_fold.py runs both over every code point and requires the same result.
(() => {
  "use strict";
  // Traditional → simplified for the characters of the site's text (search_records.fold_table),
  // set by search-ui.js from the search data with `use`; empty until then.
  let table = new Map();
  const use = (pairs) => {
    const cs = [...(pairs || "")];
    table = new Map();
    for (let i = 0; i + 1 < cs.length; i += 2) table.set(cs[i], cs[i + 1]);
  };
  // Per character: NFKC and lower case, unless that changes its UTF-16 length, so that an
  // offset in the folded text is the same offset in the real one; then the table.
  const fold = (s) => {
    let out = "";
    for (const c of s) {
      const f = c.normalize("NFKC").toLowerCase(), g = f.length === c.length ? f : c;
      out += table.get(g) || g;
    }
    return out;
  };
  // The text with traditional characters as the site writes them, nothing else changed.
  const simplify = (s) => [...s].map((c) => table.get(c) || c).join("");
  // A query's terms: folded, split at white space (an ideographic space counts), each once.
  const terms = (q) => [...new Set(fold(q || "").split(/\s+/).filter(Boolean))];
  // [start, end) of every match of every term in text, in order, overlapping matches merged.
  const spans = (text, ts) => {
    const f = fold(text), found = [], out = [];
    for (const t of ts) for (let i = f.indexOf(t); i >= 0; i = f.indexOf(t, i + t.length)) found.push([i, i + t.length]);
    found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    for (const s of found) {
      const last = out[out.length - 1];
      if (last && s[0] < last[1]) last[1] = Math.max(last[1], s[1]);
      else out.push(s);
    }
    return out;
  };
  window.searchText = Object.freeze({ fold, terms, spans, use, simplify });
})();
