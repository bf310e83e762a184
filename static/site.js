// Progressive enhancements; every page reads and navigates without this file: "/" to search,
// moved anchors, print date; on demand cite.js (copy link / citation / reference: the toolbar
// on the paragraph or 引用 line being read), popover.js (glossary) and search-hl.js.
(() => {
  "use strict";
  const d = document, body = d.body, root = body.dataset.root || "";
  let touch = false, loading = null, last = null, citing = null, wanted = null;
  const near = (e, sel) => e.target.closest?.(sel);
  const on = (type, fn) => d.addEventListener(type, fn);
  const script = (name) => {
    const s = d.createElement("script");
    s.src = `${root}static/${name}`;
    return d.head.appendChild(s);
  };

  // The copy toolbar: cite.js moves it to the paragraph or 引用 line being read (hover, focus, tap or
  // #target); loaded on a document's pages (data-ref) at the first hover or focus anywhere.
  const cite = (p) => {
    if (window.siteCite) return window.siteCite(p);
    if (p) wanted = p;
    if (!citing && body.dataset.ref) (citing = script("cite.js")).onload = () => window.siteCite(wanted);
  };

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
  on("mouseover", (e) => { cite(near(e, "[data-cite]")); popover(e); });
  on("focusin", (e) => { cite(near(e, "[data-cite]")); popover(e); });
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
    let id = location.hash.slice(1);
    try { id = decodeURIComponent(id); } catch (e) { /* a malformed %-escape: use it as written */ }
    const to = id && d.getElementById(id);
    const moved = body.dataset.moved ? JSON.parse(body.dataset.moved) : {};
    if (id && !to && moved[id]) location.replace(moved[id]);
    else if (to && to.classList.contains("para")) cite(to);
  };
  addEventListener("hashchange", arrive);
  arrive();

  // Arriving from a search result (?hl=…): search-hl.js marks the terms searched for.
  if (/[?&]hl=/.test(location.search)) script("search-text.js").onload = () => script("search-hl.js");

  // The reader's own date (local, not UTC: at 07:00 in Hangzhou the UTC date is still yesterday).
  addEventListener("beforeprint", () => {
    const f = d.querySelector(".print-url"), t = new Date(), z = (n) => String(n).padStart(2, "0");
    if (f && !f.dataset.done) { f.dataset.done = "1"; f.textContent += `　打印日期：${t.getFullYear()}-${z(t.getMonth() + 1)}-${z(t.getDate())}`; }
  });
})();
