// The search interface of search.html, loaded by search.js after search-text.js (the
// text rules: fold, terms, spans, and the traditional-character table). See docs/search.md.
// Candidates come from search-index.js (the whole record set: from file://, and on the web
// when the site is small) or from Pagefind (a large site on the web: form data-index=pagefind,
// with the glossary and the table in search-terms.json); one code path keeps the records
// whose text contains every term, and shows them.
(() => {
  "use strict";
  const d = document, root = d.body.dataset.root || "", $ = (id) => d.getElementById(id);
  const form = $("search-form"), box = $("q"), list = $("search-results"), status = $("search-status"),
    help = $("search-help");
  if (!form || !box || !list) return;
  const { fold, terms: parse, spans, use, simplify } = window.searchText;
  // SETTLE: the status line (a live region) speaks once typing has paused this long.
  // TRIES, BUSY: the "shorter strings" suggestions check at most this many strings, for this long.
  const PAGE = 20, WAIT = 30, SETTLE = 800, TRIES = 40, BUSY = 120, WIDTH = 110, WORD = /[\p{L}\p{N}]/u;
  const radios = [...form.querySelectorAll("input[name=doc]")], docNames = {}, docIndex = {};
  radios.filter((r) => r.value).forEach((r, i) => { docNames[r.value] = r.dataset.name; docIndex[r.value] = i; });
  // A term's documents: hex digits, document 4k+j in bit j of digit k (search_records.document_mask).
  const inDoc = (r, doc) => (parseInt(r.docs[docIndex[doc] >> 2] || "0", 16) >> (docIndex[doc] & 3)) & 1;

  const words = (terms) => {  // what Pagefind is asked: each letter or digit a word; null = every record
    const w = [...new Set([...terms.join("")].filter((c) => WORD.test(c)))];
    return w.length ? w.join(" ") : null;
  };
  // Meta values come from Pagefind shifted into plane 15, so that it does not index them
  // (sitegen/search_records.py, `hide`); search-index.js has them in clear, which this leaves alone.
  const reveal = (s) => String.fromCodePoint(...[...s].map((c) => c.codePointAt(0)).map((n) => (n >= 0xF0000 && n < 0xFFFFE ? n - 0xF0000 : n)));
  const decoded = new WeakMap();
  const decode = (x) => {  // a Pagefind fragment or a search-index.js record, read and folded once
    let r = decoded.get(x);
    if (r) return r;
    const m = {};
    for (const k in x.meta) m[k] = reveal(x.meta[k]);
    // A provision's paragraphs come with their anchors (art-7-p2) and names (第二款), one a line.
    r = m.s ? { term: 1, order: +m.o, slug: m.s, forms: m.f.split("\n"), docs: m.d || "", count: m.c,
      pinyin: m.y || "", en: m.e || "", page: m.g, entry: m.i }
      : { order: +m.o, url: m.u, doc: m.u.split("/")[0], label: m.l, heading: m.h, paras: m.p.split("\n"),
        anchors: m.a.split("\n"), names: m.n.split("\n") };
    r.folded = (r.term ? r.forms : r.paras).map(fold);
    decoded.set(x, r);
    return r;
  };
  const has = (r, t) => r.folded.some((p) => p.includes(t));
  const match = (r, terms) => {  // a provision with every term: its matching paragraphs and the best one
    if (!terms.every((t) => has(r, t))) return null;
    const n = r.folded.map((p) => terms.filter((t) => p.includes(t)).length);
    return { ...r, hits: n.flatMap((k, i) => (k ? [i] : [])), best: n.indexOf(Math.max(...n)) };
  };
  // A glossary term is also found by its pinyin (toneless, spaces optional, from the start of
  // a syllable: jiebang, kechuang feidi) or its English gloss (every word begins one of its words).
  const toneless = (s) => s.normalize("NFD").replace(/\p{M}/gu, "");
  const latinQuery = (q) => {  // the query as pinyin or English words, or null
    const t = toneless(fold(q)).trim();
    return /^[a-z0-9\s]+$/.test(t) && t.replace(/\s+/g, "").length > 1 ? t : null;
  };
  const latin = (r, t) => {
    const joined = t.replace(/\s+/g, ""), syl = r.pinyin.split(" ");
    if (syl.some((_, i) => syl.slice(i).join("").startsWith(joined))) return true;
    const en = toneless(r.en.toLowerCase()).match(/[a-z0-9]+/g) || [];
    return t.split(/\s+/).every((w) => en.some((x) => x.startsWith(w)));
  };
  const provisionsOf = (raw, terms, doc) => raw.map((x) => match(decode(x), terms)).filter((r) => r && (!doc || r.doc === doc));
  const collect = (b, raw, terms, s) => {
    const all = provisionsOf(raw, terms, ""), counts = {}, whole = terms.join(" ");
    for (const r of all) counts[r.doc] = (counts[r.doc] || 0) + 1;
    const res = { counts, provisions: all.filter((r) => !s.doc || r.doc === s.doc).sort((a, b) => a.order - b.order) };
    const lq = latinQuery(s.q), joined = lq && lq.replace(/\s+/g, "");
    res.terms = b.terms.map(decode).filter((r) => !s.doc || inDoc(r, s.doc))
      .map((r) => (terms.every((t) => has(r, t)) ? r : lq && latin(r, lq) ? { ...r, latin: 1 } : null)).filter(Boolean);
    // Terms: the one named exactly, then the shortest, then glossary order. Provisions: document order.
    const exact = (r) => (r.folded.includes(whole) || r.pinyin.replace(/ /g, "") === joined ? 0 : 1);
    res.terms.sort((a, b) => exact(a) - exact(b) || a.forms[0].length - b.forms[0].length || a.order - b.order);
    return res;
  };

  // Backends. search-index.js from disk (browsers block module imports and fetch there) and on
  // a small site; Pagefind on a large one, falling back to search-index.js when it fails.
  // A failure is never an empty result: it reaches run(), which says so and offers a retry.
  const NO_WORDS = new Error("no letters or digits");  // Pagefind would have to send every record
  let backend = null;
  const whole = () => new Promise((ok, fail) => {
    if (window.SEARCH_INDEX) return ok();
    const s = d.createElement("script");
    s.src = form.dataset.records;
    s.onload = ok;
    s.onerror = fail;
    d.head.append(s);
  }).then(() => {
    const data = window.SEARCH_INDEX;
    if (!data || !Array.isArray(data.records)) throw new Error("search-index.js did not load");
    use(data.fold);
    const provs = data.records.filter((x) => !x.meta.s);
    return { name: "index", terms: data.records.filter((x) => x.meta.s), find: async () => provs };
  });
  const pagefind = async () => {
    const [data, pf] = await Promise.all([
      fetch(root + "search-terms.json").then((r) => { if (!r.ok) throw new Error(r.status); return r.json(); }),
      import(new URL(form.dataset.pagefind, location.href).href)]);
    await pf.options({ noWorker: true });
    use(data.fold);
    return { name: "pagefind", terms: data.records, find: async (w) => {
      if (w === null) throw NO_WORDS;
      return Promise.all((await pf.search(w)).results.map((x) => x.data()));
    } };
  };
  const web = form.dataset.index === "pagefind" && location.protocol !== "file:";
  const engine = () => backend || (backend = (web ? pagefind() : Promise.reject()).catch(whole));
  const candidates = async (w) => {
    const b = await engine();
    try {
      return await b.find(w);
    } catch (e) {
      if (e === NO_WORDS || b.name !== "pagefind") throw e;
      backend = whole();  // Pagefind loaded, but a part of its index did not
      return (await backend).find(w);
    }
  };

  // Rendering.
  const el = (tag, cls, text) => {
    const e = d.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  };
  const link = (href, text, cls) => { const a = el("a", cls, text); a.href = href; return a; };
  const button = (text, action, onclick) => {
    const b = el("button", "more", text);
    b.type = "button";
    b.dataset.action = action;
    b.onclick = onclick;
    return b;
  };
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
  // Paragraph i; hl= names the text as the page writes it (數字 → 数字), so search-hl.js needs no table.
  const href = (r, i, q) => `${root}${r.url}?hl=${encodeURIComponent(simplify(q))}#${r.anchors[i]}`;

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
    li.append(marked(link(root + r.entry, "", "result-title"), r.forms[0], terms), " ",
      el("span", "tag", "术语"));
    if (r.latin) {  // found by its pinyin or English: show them
      const y = p.appendChild(el("span", "", r.pinyin)), e = el("span", "", r.en);
      y.lang = "zh-Latn-pinyin";
      e.lang = "en";
      p.append("；", e, "。");
    }
    if (r.forms.length > 1) {
      p.append("文中又作：");
      r.forms.slice(1).forEach((f, i) => { if (i) p.append("、"); marked(p, f, terms); });
      p.append("。");
    }
    p.append(link(root + r.page, `释义及 ${r.count} 处出处`));
    li.append(p);
    return li;
  };

  // The status line is a live region: it speaks when typing has paused (not for every prefix),
  // and again when "more" shows the rest.
  let lastKey = 0, sayTimer = 0, shown = null;
  const say = (text) => {
    clearTimeout(sayTimer);
    const wait = lastKey + SETTLE - performance.now();
    if (wait > 0) sayTimer = setTimeout(() => { status.textContent = text; }, wait);
    else status.textContent = text;
  };
  const quote = (s) => `“${s}”`;
  const named = (q) => {  // each distinct term once, as typed; a long one shortened
    const seen = new Set(), out = [];
    for (const t of q.split(" ").filter(Boolean)) {
      const f = fold(t), cs = [...t];
      if (!seen.has(f)) { seen.add(f); out.push(cs.length > 16 ? cs.slice(0, 10).join("") + "…" : t); }
    }
    return out;
  };
  const describe = ({ res, s, names }) => {
    const n = res.provisions.length, m = res.terms.length, all = n + m, on = list.children.length;
    const where = s.doc ? `在${docNames[s.doc]}中，` : "";
    const what = (names.length > 1 ? "同时包含" + names.map(quote).join("") : "包含" + quote(names[0])) + "的条文";
    if (!all) return `${where}没有找到${what}。`;
    return where + (n ? `${what}共 ${n} 条` : `没有找到${what}`) + (m ? `${n ? "，另有 " : "，找到 "}${m} 个相关术语` : "")
      + "。" + (all <= PAGE ? "" : on >= all ? "已全部显示。" : on > PAGE ? `已显示前 ${on} 条。` : `先显示前 ${PAGE} 条。`);
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
        more = button("", "more", () => showMore(true));
        list.after(more);
      }
      more.textContent = `显示更多结果（还有 ${pending.length} 条）`;
    } else if (more) { more.remove(); more = null; }
    if (focus && first) first.focus();
    if (focus && shown) say(describe(shown));
  };

  // The empty state: say so (status), and offer what may help.
  const suggest = ({ res, s, names }, terms) => {
    const ul = el("ul"), others = Object.values(res.counts).reduce((a, b) => a + b, 0);
    help.replaceChildren(el("p", "", "可以试试："), ul);
    if (s.doc && others) {
      ul.append(el("li", "", `在全部文件中有 ${others} 条结果。`));
      ul.lastChild.append(" ", button("检索全部文件", "all", () => form.querySelector("input[name=doc][value='']").click()));
    }
    if (names.length > 1) ul.append(el("li", "", "减少检索词：以空格分隔的各个词须在同一条文中同时出现。"));
    const short = ul.appendChild(el("li", "", "换用较短的检索词，或只保留其中的关键部分"));
    (res.shorter || []).forEach(([q, n], i) => {
      short.append(i ? "、" : "，例如：", link(`search.html?q=${encodeURIComponent(q)}${s.doc ? "&doc=" + s.doc : ""}`, q), `（${n} 条）`);
    });
    short.append("。");
    ul.append(el("li", "", "检索按字面逐字匹配，不识别同义词；文件用语可能与日常说法不同。"));
    const chars = [...terms.join("")].filter((c) => WORD.test(c));
    const related = [...d.querySelectorAll("#search-terms option")].filter((o) => chars.some((c) => o.value.includes(c))).slice(0, 8);
    const g = ul.appendChild(el("li", "", "查阅术语表中的说法"));
    related.forEach((o, i) => g.append(i ? "、" : "：", link(o.dataset.href, o.value)));
    g.append(related.length ? "；或浏览" : "，或浏览", link(help.dataset.glossary, "术语表"), "与",
      link(help.dataset.topics, "主题"), "。");
    help.hidden = false;
  };
  // Shorter strings of a one-term query that do occur, as the reader wrote them: the longest
  // first, two characters at least; at most TRIES strings and BUSY ms, so that a long pasted
  // query does not hold the page.
  const shorter = async (term, doc) => {
    const cs = [...term], tried = new Set(), start = performance.now();
    for (let n = Math.min(cs.length - 1, 6); n >= 2; n--) {
      const hits = [];
      for (let i = 0; i + n <= cs.length && hits.length < 3; i++) {
        const q = cs.slice(i, i + n).join(""), f = fold(q);
        if (tried.has(f) || !WORD.test(f)) continue;
        if (tried.add(f).size > TRIES || performance.now() - start > BUSY) return hits;
        const k = provisionsOf(await candidates(words([f])), [f], doc).length;
        if (k) hits.push([q, k]);
      }
      if (hits.length) return hits;
    }
    return [];
  };

  let seq = 0;
  const clear = () => {
    list.replaceChildren();
    pending = [];
    shown = null;
    if (more) { more.remove(); more = null; }
    help.hidden = true;
    help.replaceChildren();
  };
  const finish = (text) => {  // the list answers the box again; the status says for which query
    list.setAttribute("aria-busy", "false");
    say(text);
  };
  const run = async (s) => {
    const my = ++seq;
    if (!s.q) { clear(); return finish(""); }
    list.setAttribute("aria-busy", "true");
    let names = [s.q];
    try {
      const b = await engine(), terms = parse(s.q), w = words(terms);
      names = named(s.q);
      if (w === null && b.name === "pagefind") {  // nothing narrows the index: do not fetch all of it
        if (my !== seq) return;
        clear();
        return finish(`${names.map(quote).join("")}中没有文字或数字，无法单独检索：请连同前后的文字一起输入，例如“发展，”。`);
      }
      const res = collect(b, await candidates(w), terms, s);
      if (!res.provisions.length && !res.terms.length && terms.length === 1 && [...terms[0]].length > 2) {
        res.shorter = await shorter(s.q.split(" ")[0], s.doc);
      }
      if (my !== seq) return;
      clear();
      pending = res.terms.map((r) => () => termItem(r, terms)).concat(res.provisions.map((r) => () => provisionItem(r, terms, s.q)));
      shown = { res, s, names };
      showMore(false);
      if (!list.children.length) suggest(shown, terms);
      finish(describe(shown));
    } catch (e) {
      if (my !== seq) return;
      backend = null;  // the next search, or the retry button, loads again
      clear();
      help.replaceChildren(el("p", "", "检索数据没有载入，可能是网络中断或服务器出错。"),
        button("重试", "retry", () => now(false, false)));
      help.hidden = false;
      finish(`检索失败：未能载入检索数据，无法检索${names.map(quote).join("")}。`);
    }
  };

  // The query in the address (search.html?q=…&doc=…). Typing replaces the history entry
  // it started; a submit or a filter change ends it, so Back returns to the previous search.
  const tidy = (q) => (q || "").trim().replace(/\s+/g, " ");
  const fromUrl = () => {
    const p = new URLSearchParams(location.search), doc = p.get("doc");
    return { q: tidy(p.get("q")), doc: docNames[doc] ? doc : "" };
  };
  const fromForm = () => ({ q: tidy(box.value), doc: (radios.find((r) => r.checked) || {}).value || "" });
  const toForm = (s) => {  // box and filter show the search (RadioNodeList.value = "" checks nothing)
    box.value = s.q;
    for (const r of radios) r.checked = r.value === s.doc;
  };
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
    list.setAttribute("aria-busy", "true");  // what is shown no longer answers the box,
    seq++;  // nor will a search under way for what it held
    lastKey = performance.now();
    clearTimeout(sayTimer);
    status.textContent = "";
    clearTimeout(timer);
    timer = setTimeout(() => now(!typing, true), WAIT);
  };
  box.addEventListener("input", (e) => { if (!e.isComposing) schedule(); });
  box.addEventListener("compositionend", schedule);
  form.addEventListener("change", (e) => { if (e.target.name === "doc") now(true, false); });
  form.addEventListener("submit", (e) => { e.preventDefault(); lastKey = 0; now(!typing, false); });
  addEventListener("popstate", () => {
    clearTimeout(timer);
    typing = false;
    lastKey = 0;
    const s = fromUrl();
    toForm(s);
    run(s);
  });

  const start = fromUrl();
  if (tidy(box.value) && tidy(box.value) !== start.q) schedule();  // typed before this script arrived
  else if (start.q) { toForm(start); run(start); }
  engine().catch(() => {});  // load the index now, so the first query is quick; run() reports a failure
})();
