// Progressive enhancements; every page reads and navigates without this file.
// Copy link / citation, "/" to search, moved anchors, print date. Glossary
// popovers (popover.js) and search-term marks (search-hl.js) load when needed.
(function () {
  "use strict";
  var d = document, body = d.body, root = body.dataset.root || "", touch = false, loading, last;
  function el(tag, cls, text) {
    var e = d.createElement(tag);
    e.className = cls; e.textContent = text || "";
    return body.appendChild(e);
  }
  function near(e, sel) { return e.target.closest ? e.target.closest(sel) : null; }
  function on(type, fn) { d.addEventListener(type, fn); }
  function script(name) {
    var s = d.createElement("script");
    s.src = root + "static/" + name;
    return d.head.appendChild(s);
  }
  var live = el("div", "vh");
  live.setAttribute("role", "status"); live.setAttribute("aria-live", "polite");

  function announce(msg) {
    live.textContent = msg;
    var t = el("div", "toast", msg);
    t.setAttribute("aria-hidden", "true");
    setTimeout(function () { t.remove(); }, 2200);
  }

  function copy(text, done) {
    function fallback() {
      var ta = el("textarea", "vh"), ok = false;
      ta.value = text; ta.readOnly = true; ta.select();
      try { ok = d.execCommand("copy"); } catch (e) { /* not allowed */ }
      ta.remove();
      announce(ok ? done : "复制失败，请手动复制");
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { announce(done); }, fallback);
    } else fallback();
  }

  // One small toolbar, moved to the paragraph being read (hover, focus, tap or #target).
  var tools = d.createElement("span");
  tools.className = "para-tools";
  tools.innerHTML = '<button type="button" data-copy="link">复制链接</button><button type="button" data-copy="cite">复制引用</button>';
  function attach(p) {
    var a = p && tools.parentNode !== p && p.querySelector(".permalink");
    if (a) a.after(tools);
  }
  tools.addEventListener("click", function (e) {
    var b = near(e, "button"), p = tools.closest(".para");
    if (!b || !p) return;
    var url = body.dataset.base + body.dataset.page + "#" + p.id;
    if (b.dataset.copy === "link") copy(url, "已复制链接");
    else copy(p.dataset.cite + " " + url, "已复制引用");
  });

  // Glossary popovers: popover.js takes these events once loaded (first hover, focus or tap on a term).
  function popover(e) {
    var a = near(e, "a.term");
    if (window.sitePopover) return window.sitePopover(e, a, touch);
    if (!a || e.type === "keydown") return;
    if (e.type === "click" && touch) e.preventDefault(); // the first tap shows the definition
    last = [e, a];
    if (loading) return;
    loading = script("popover.js");
    loading.onload = function () { window.sitePopover(last[0], last[1], touch); };
  }
  on("mouseover", function (e) { attach(near(e, ".para")); popover(e); });
  on("focusin", function (e) { attach(near(e, ".para")); popover(e); });
  on("click", popover);
  on("pointerdown", function (e) { touch = e.pointerType === "touch"; });

  // "/" focuses the search box, as on most reference sites.
  on("keydown", function (e) {
    var t = e.target;
    popover(e);
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || /INPUT|TEXTAREA|SELECT/.test(t.tagName) || t.isContentEditable) return;
    var box = d.getElementById("q") || d.getElementById("q-header");
    if (box) { e.preventDefault(); box.focus(); }
  });

  // Moved anchors (see anchors.txt): follow an old address to its new place.
  function arrive() {
    var id = location.hash.slice(1), to;
    try { id = decodeURIComponent(id); } catch (e) { /* a malformed %-escape: use it as written */ }
    to = id && d.getElementById(id);
    var moved = body.dataset.moved ? JSON.parse(body.dataset.moved) : {};
    if (id && !to && moved[id]) location.replace(moved[id]);
    else if (to && to.classList.contains("para")) attach(to);
  }
  window.addEventListener("hashchange", arrive);
  arrive();

  // Arriving from a search result (?hl=…): search-hl.js marks the terms searched for.
  if (/[?&]hl=/.test(location.search)) script("search-hl.js");

  window.addEventListener("beforeprint", function () {
    var f = d.querySelector(".print-url");
    if (f && !f.dataset.done) { f.dataset.done = "1"; f.textContent += "　打印日期：" + new Date().toISOString().slice(0, 10); }
  });
})();
