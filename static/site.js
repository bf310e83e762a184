// Progressive enhancements; every page reads and navigates without this file: copy link /
// citation / reference, "/" to search, moved anchors, print date; popover.js, cite.js and
// search-hl.js on demand.
(() => {
  "use strict";
  const d = document, body = d.body, root = body.dataset.root || "";
  let touch = false, loading = null, last = null;
  const el = (tag, cls, text) => {
    const e = d.createElement(tag);
    e.className = cls; e.textContent = text || "";
    return body.appendChild(e);
  };
  const near = (e, sel) => e.target.closest?.(sel);
  const on = (type, fn) => d.addEventListener(type, fn);
  const script = (name) => {
    const s = d.createElement("script");
    s.src = `${root}static/${name}`;
    return d.head.appendChild(s);
  };
  const live = el("div", "vh");
  live.setAttribute("role", "status"); live.setAttribute("aria-live", "polite");

  const announce = (msg) => {
    live.textContent = msg;
    const t = el("div", "toast", msg);
    t.setAttribute("aria-hidden", "true");
    setTimeout(() => t.remove(), 2200);
  };

  const copy = (text, done) => {
    const fallback = () => {
      const ta = el("textarea", "vh");
      let ok = false;
      ta.value = text; ta.readOnly = true; ta.select();
      try { ok = d.execCommand("copy"); } catch (e) { /* not allowed */ }
      ta.remove();
      announce(ok ? done : "复制失败，请手动复制");
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(() => announce(done), fallback);
    else fallback();
  };

  // One small toolbar, moved to the paragraph (or 引用 line) being read (hover, focus, tap or #target).
  const tools = d.createElement("span");
  tools.className = "para-tools";
  tools.innerHTML = '<button type="button" data-copy="link">复制链接</button><button type="button" data-copy="cite">复制引用</button><button type="button" data-copy="ref" title="GB/T 7714-2015">复制参考文献</button>';
  const attach = (p) => {
    const a = p && tools.parentNode !== p && p.querySelector(".permalink");
    if (a) a.after(tools);
  };
  tools.addEventListener("click", (e) => {
    const b = near(e, "button"), p = tools.closest("[data-cite]");
    if (!b || !p) return;
    const url = p.dataset.url || `${body.dataset.base}${body.dataset.page}#${p.id}`, c = b.dataset.copy;
    const ref = () => copy(window.siteReference(p, url), "已复制参考文献（GB/T 7714）");
    if (c === "link") copy(url, "已复制链接");
    else if (c === "cite") copy(`${p.dataset.cite} ${url}`, "已复制引用");
    else if (window.siteReference) ref();
    else script("cite.js").onload = ref;
  });

  // Glossary popovers: popover.js takes these events once loaded (first hover, focus or tap on a term).
  const popover = (e) => {
    const a = near(e, "a.term");
    if (window.sitePopover) return window.sitePopover(e, a, touch);
    if (!a || e.type === "keydown") return;
    if (e.type === "click" && touch) e.preventDefault(); // the first tap shows the definition
    last = [e, a];
    if (loading) return;
    loading = script("popover.js");
    loading.onload = () => window.sitePopover(last[0], last[1], touch);
  };
  on("mouseover", (e) => { attach(near(e, "[data-cite]")); popover(e); });
  on("focusin", (e) => { attach(near(e, "[data-cite]")); popover(e); });
  on("click", popover);
  on("pointerdown", (e) => { touch = e.pointerType === "touch"; });

  // "/" focuses the search box, as on most reference sites.
  on("keydown", (e) => {
    const t = e.target;
    popover(e);
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || /INPUT|TEXTAREA|SELECT/.test(t.tagName) || t.isContentEditable) return;
    const box = d.getElementById("q") || d.getElementById("q-header");
    if (box) { e.preventDefault(); box.focus(); }
  });

  // Moved anchors (see anchors.txt): follow an old address to its new place.
  const arrive = () => {
    const id = decodeURIComponent(location.hash.slice(1)), to = id && d.getElementById(id);
    const moved = body.dataset.moved ? JSON.parse(body.dataset.moved) : {};
    if (id && !to && moved[id]) location.replace(moved[id]);
    else if (to && to.classList.contains("para")) attach(to);
  };
  addEventListener("hashchange", arrive);
  arrive();

  // Arriving from a search result (?hl=…): search-hl.js marks the terms searched for.
  if (/[?&]hl=/.test(location.search)) script("search-text.js").onload = () => script("search-hl.js");

  addEventListener("beforeprint", () => {
    const f = d.querySelector(".print-url");
    if (f && !f.dataset.done) { f.dataset.done = "1"; f.textContent += `　打印日期：${new Date().toISOString().slice(0, 10)}`; }
  });
})();
