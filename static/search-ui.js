// The search interface of search.html, loaded by search.js after search-text.js (the
// text rules: fold, terms, spans). See docs/search.md.
// Candidates come from Pagefind (web) or window.SEARCH_INDEX (search-index.js, file://);
// one code path keeps the records whose text contains every term, and shows them.
(() => {
  "use strict";
  const d = document, root = d.body.dataset.root || "", $ = (id) => d.getElementById(id);
  const form = $("search-form"), box = $("q"), list = $("search-results"), status = $("search-status"),
    help = $("search-help");
  if (!form || !box || !list) return;
  const { fold, terms: parse, spans } = window.searchText;
  const PAGE = 20, WAIT = 30, WIDTH = 110, WORD = /[\p{L}\p{N}]/u, docNames = {};
  for (const r of form.elements.doc) if (r.value) docNames[r.value] = r.dataset.name;

  const words = (terms) => {  // what Pagefind is asked: each letter or digit a word; null = every record
    const w = [...new Set([...terms.join("")].filter((c) => WORD.test(c)))];
    return w.length ? w.join(" ") : null;
  };
  // Meta values come from Pagefind shifted into plane 15, so that it does not index them
  // (sitegen/search_records.py, `hide`); search-index.js has them in clear, which this leaves alone.
  const reveal = (s) => String.fromCodePoint(...[...s].map((c) => c.codePointAt(0)).map((n) => (n >= 0xF0000 && n < 0xFFFFE ? n - 0xF0000 : n)));
  const decode = (r) => {  // a Pagefind fragment or a search-index.js record: both carry `meta`
    const m = {};
    for (const k in r.meta) m[k] = reveal(r.meta[k]);
    // A provision's paragraphs come with their anchors (art-7-p2) and names (第二款), one a line.
    return m.s ? { term: 1, order: +m.o, slug: m.s, forms: m.f.split("\n"), docs: (m.d || "").split(" "), count: m.c }
      : { order: +m.o, url: m.u, doc: m.u.split("/")[0], label: m.l, heading: m.h, paras: m.p.split("\n"),
        anchors: m.a.split("\n"), names: m.n.split("\n") };
  };
  const match = (r, terms) => {  // the record if it contains every term, with its matching paragraphs
    if (r.term) return terms.every((t) => r.forms.some((f) => fold(f).includes(t))) ? r : null;
    const paras = r.paras.map(fold), n = paras.map((p) => terms.filter((t) => p.includes(t)).length);
    if (!terms.every((t) => paras.some((p) => p.includes(t)))) return null;
    r.hits = n.flatMap((k, i) => (k ? [i] : []));
    r.best = n.indexOf(Math.max(...n));  // the paragraph with the most terms, the first of them
    return r;
  };
  const collect = (raw, terms, doc) => {
    const res = { terms: [], provisions: [], counts: {} }, whole = terms.join(" ");
    for (const x of raw) {
      const r = match(decode(x), terms);
      if (!r) continue;
      if (r.term) { if (!doc || r.docs.includes(doc)) res.terms.push(r); continue; }
      res.counts[r.doc] = (res.counts[r.doc] || 0) + 1;
      if (!doc || r.doc === doc) res.provisions.push(r);
    }
    // Terms: the one named exactly, then the shortest, then glossary order. Provisions: document order.
    const exact = (r) => (r.forms.some((f) => fold(f) === whole) ? 0 : 1);
    res.terms.sort((a, b) => exact(a) - exact(b) || a.forms[0].length - b.forms[0].length || a.order - b.order);
    res.provisions.sort((a, b) => a.order - b.order);
    return res;
  };

  // Backends. From disk browsers block module imports and fetch: use the script index at once.
  let backend = null;
  const pagefind = () => import(new URL(root + "pagefind/pagefind.js", location.href).href).then(async (pf) => {
    await pf.options({ noWorker: true });
    return { name: "pagefind", find: async (w) => Promise.all((await pf.search(w)).results.map((x) => x.data())) };
  });
  const offline = () => new Promise((ok, fail) => {
    if (window.SEARCH_INDEX) return ok();
    const s = d.createElement("script");
    s.src = root + "search-index.js";
    s.onload = ok;
    s.onerror = fail;
    d.head.append(s);
  }).then(() => ({ name: "offline", find: async () => window.SEARCH_INDEX }));
  const engine = () => backend || (backend = (location.protocol === "file:" ? Promise.reject() : pagefind()).catch(offline));
  const candidates = (w) => engine().then((b) => b.find(w).catch((err) => {
    if (b.name === "offline") throw err;
    backend = offline();  // Pagefind loaded but its index did not
    return candidates(w);
  }));

  // Rendering.
  const el = (tag, cls, text) => {
    const e = d.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  };
  const link = (href, text, cls) => { const a = el("a", cls, text); a.href = href; return a; };
  const marked = (p, text, terms, from = 0, to = text.length) => {  // text[from:to], matches in <mark>
    let pos = from;
    for (const [s, e] of spans(text, terms)) {
      const a = Math.max(s, from), b = Math.min(e, to);
      if (b <= a) continue;
      if (a > pos) p.append(text.slice(pos, a));
      p.append(el("mark", "", text.slice(a, b)));
      pos = b;
    }
    if (pos < to) p.append(text.slice(pos, to));
    return p;
  };
  const excerpt = (p, text, terms) => {
    const first = spans(text, terms)[0] || [0];
    const from = text.length > WIDTH ? Math.max(0, Math.min(first[0] - 24, text.length - WIDTH)) : 0;
    const to = Math.min(text.length, from + WIDTH);
    if (from) p.append("…");
    marked(p, text, terms, from, to);
    if (to < text.length) p.append("…");
    return p;
  };
  const href = (r, i, q) => `${root}${r.url}?hl=${encodeURIComponent(q)}#${r.anchors[i]}`;  // paragraph i

  const provisionItem = (r, terms, q) => {
    const li = el("li", "result"), a = link(href(r, r.best, q), "", "result-title");
    a.append(el("span", "where", (docNames[r.doc] || "") + r.label), " ", el("span", "", r.heading));
    li.append(a);
    for (const i of r.hits.slice(0, 3)) {
      const p = el("p", "snip");
      if (r.paras.length > 1) p.append(link(href(r, i, q), r.names[i]), "　");
      li.append(excerpt(p, r.paras[i], terms));
    }
    if (r.hits.length > 3) {  // the other matching paragraphs, by name: 另有第四款、第五款含检索词。
      const p = li.appendChild(el("p", "snip", "另有"));
      r.hits.slice(3).forEach((i, k) => { if (k) p.append("、"); p.append(link(href(r, i, q), r.names[i])); });
      p.append("含检索词。");
    }
    return li;
  };
  const termItem = (r, terms) => {
    const li = el("li", "result result-term"), p = el("p", "snip");
    li.append(marked(link(`${root}glossary/index.html#${r.slug}`, "", "result-title"), r.forms[0], terms), " ",
      el("span", "tag", "术语"));
    if (r.forms.length > 1) {
      p.append("文中又作：");
      r.forms.slice(1).forEach((f, i) => { if (i) p.append("、"); marked(p, f, terms); });
      p.append("。");
    }
    p.append(link(`${root}glossary/${r.slug}.html`, `释义及 ${r.count} 处出处`));
    li.append(p);
    return li;
  };

  let pending = [], more = null;
  const showMore = (focus) => {  // the next page of results; the button goes when none is left
    let first = null;
    for (const make of pending.splice(0, PAGE)) {
      const li = make();
      list.append(li);
      first = first || li.querySelector("a");
    }
    if (pending.length) {
      if (!more) {
        more = el("button", "more");
        more.type = "button";
        more.dataset.action = "more";
        more.onclick = () => showMore(true);
        list.after(more);
      }
      more.textContent = `显示更多结果（还有 ${pending.length} 条）`;
    } else if (more) { more.remove(); more = null; }
    if (focus && first) first.focus();
  };
  const quote = (s) => `“${s}”`;
  const describe = (res, s, raw) => {
    const n = res.provisions.length, m = res.terms.length, where = s.doc ? `在${docNames[s.doc]}中，` : "";
    const what = (raw.length > 1 ? "同时包含" + raw.map(quote).join("") : "包含" + quote(raw[0])) + "的条文";
    if (!n && !m) return `${where}没有找到${what}。`;
    return where + (n ? `${what}共 ${n} 条` : `没有找到${what}`) + (m ? `${n ? "，另有 " : "，找到 "}${m} 个相关术语` : "")
      + "。" + (n + m > PAGE ? `先显示前 ${PAGE} 条。` : "");
  };

  // The empty state: say so (status), and offer what may help.
  const suggest = (res, s, terms, raw) => {
    const ul = el("ul"), others = Object.values(res.counts).reduce((a, b) => a + b, 0);
    help.replaceChildren(el("p", "", "可以试试："), ul);
    if (s.doc && others) {
      const b = el("button", "more", "检索全部文件");
      b.type = "button";
      b.onclick = () => form.querySelector("input[name=doc][value='']").click();
      ul.append(el("li", "", `在全部文件中有 ${others} 条结果。`));
      ul.lastChild.append(" ", b);
    }
    if (raw.length > 1) ul.append(el("li", "", "减少检索词：以空格分隔的各个词须在同一条文中同时出现。"));
    const short = ul.appendChild(el("li", "", "换用较短的检索词，或只保留其中的关键部分"));
    (res.shorter || []).forEach(([q, n], i) => {
      short.append(i ? "、" : "，例如：", link(`search.html?q=${encodeURIComponent(q)}${s.doc ? "&doc=" + s.doc : ""}`, q), `（${n} 条）`);
    });
    short.append("。");
    ul.append(el("li", "", "检索按字面逐字匹配，不识别同义词；文件用语可能与日常说法不同。"));
    const chars = [...terms.join("")].filter((c) => WORD.test(c));
    const related = [...d.querySelectorAll("#search-terms option")].filter((o) => chars.some((c) => o.value.includes(c))).slice(0, 8);
    const g = ul.appendChild(el("li", "", "查阅术语表中的说法"));
    related.forEach((o, i) => g.append(i ? "、" : "：", link(`${root}glossary/${o.dataset.slug}.html`, o.value)));
    g.append(related.length ? "；或浏览" : "，或浏览", link(root + "glossary/index.html", "术语表"), "与",
      link(root + "topics/index.html", "主题"), "。");
    help.hidden = false;
  };
  // Shorter strings of a one-term query that do occur: the longest first, two characters at least.
  const shorter = async (term, doc) => {
    for (let n = Math.min(term.length - 1, 6); n >= 2; n--) {
      const subs = [...new Set(Array.from({ length: term.length - n + 1 }, (_, i) => term.slice(i, i + n)))];
      const found = await Promise.all(subs.map(async (q) => [q, collect(await candidates(words([q])), [q], doc).provisions.length]));
      const hits = found.filter((x) => x[1]).slice(0, 3);
      if (hits.length) return hits;
    }
    return [];
  };

  let seq = 0;
  const clear = () => {
    list.replaceChildren();
    pending = [];
    if (more) { more.remove(); more = null; }
    help.hidden = true;
    help.replaceChildren();
  };
  const finish = (text) => {  // the list answers the box again; the status says for which query
    status.textContent = text;
    list.setAttribute("aria-busy", "false");
  };
  const run = async (s) => {
    const my = ++seq, terms = parse(s.q), raw = s.q.split(" ").filter(Boolean);
    if (!terms.length) { clear(); return finish(""); }
    list.setAttribute("aria-busy", "true");
    try {
      const recs = await candidates(words(terms));
      const res = collect(recs, terms, s.doc);
      if (!res.provisions.length && !res.terms.length && terms.length === 1 && terms[0].length > 2) {
        res.shorter = await shorter(terms[0], s.doc);
      }
      if (my !== seq) return;
      clear();
      pending = res.terms.map((r) => () => termItem(r, terms)).concat(res.provisions.map((r) => () => provisionItem(r, terms, s.q)));
      showMore(false);
      if (!list.children.length) suggest(res, s, terms, raw);
      finish(describe(res, s, raw));
    } catch (e) {
      if (my === seq) { clear(); finish("检索暂时无法使用，请刷新页面后重试。"); }
    }
  };

  // The query in the address (search.html?q=…&doc=…). Typing replaces the history entry
  // it started; a submit or a filter change ends it, so Back returns to the previous search.
  const tidy = (q) => (q || "").trim().replace(/\s+/g, " ");
  const fromUrl = () => {
    const p = new URLSearchParams(location.search), doc = p.get("doc");
    return { q: tidy(p.get("q")), doc: docNames[doc] ? doc : "" };
  };
  const fromForm = () => ({ q: tidy(box.value), doc: form.elements.doc.value });
  let typing = false, timer = 0;
  const remember = (s, push) => {
    const p = new URLSearchParams();
    if (s.q) p.set("q", s.q);
    if (s.doc) p.set("doc", s.doc);
    const url = location.pathname + (String(p) ? "?" + p : "");
    if (url !== location.pathname + location.search) {
      try { history[push ? "pushState" : "replaceState"](null, "", url); } catch (e) { /* file:// may refuse */ }
    }
  };
  const now = (push, keep) => {
    clearTimeout(timer);
    const s = fromForm();
    remember(s, push);
    typing = keep;
    run(s);
  };
  const schedule = () => {
    list.setAttribute("aria-busy", "true");  // what is shown no longer answers the box
    clearTimeout(timer);
    timer = setTimeout(() => now(!typing, true), WAIT);
  };
  box.addEventListener("input", (e) => { if (!e.isComposing) schedule(); });
  box.addEventListener("compositionend", schedule);
  form.addEventListener("change", (e) => { if (e.target.name === "doc") now(true, false); });
  form.addEventListener("submit", (e) => { e.preventDefault(); now(!typing, false); });
  addEventListener("popstate", () => {
    clearTimeout(timer);
    typing = false;
    const s = fromUrl();
    box.value = s.q;
    form.elements.doc.value = s.doc;
    run(s);
  });

  const start = fromUrl();
  if (tidy(box.value) && tidy(box.value) !== start.q) schedule();  // typed before this script arrived
  else if (start.q) { box.value = start.q; form.elements.doc.value = start.doc; run(start); }
  engine();  // load Pagefind (or the script index) now, so the first query is quick
})();
