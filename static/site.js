// Progressive enhancements; every page reads and navigates without this file.
// Copy link / citation for paragraphs, glossary popovers, "/" to search, moved anchors.
(function () {
  "use strict";
  var body = document.body, root = body.dataset.root || "";
  var live = document.createElement("div");
  live.className = "vh"; live.setAttribute("role", "status"); live.setAttribute("aria-live", "polite");
  body.appendChild(live);

  function announce(msg) {
    live.textContent = msg;
    var t = document.createElement("div");
    t.className = "toast"; t.textContent = msg; t.setAttribute("aria-hidden", "true");
    body.appendChild(t);
    setTimeout(function () { t.remove(); }, 2200);
  }

  function copy(text, done) {
    function fallback() {
      var ta = document.createElement("textarea");
      ta.value = text; ta.setAttribute("readonly", ""); ta.className = "vh";
      body.appendChild(ta); ta.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      ta.remove();
      announce(ok ? done : "复制失败，请手动复制");
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { announce(done); }, fallback);
    } else { fallback(); }
  }

  // One small toolbar, moved to the paragraph being read (hover, focus, tap or #target).
  var tools = document.createElement("span");
  tools.className = "para-tools";
  tools.innerHTML = '<button type="button" data-copy="link">复制链接</button><button type="button" data-copy="cite">复制引用</button>';
  function attach(p) {
    if (!p || tools.parentNode === p) return;
    var a = p.querySelector(".permalink");
    if (a) a.after(tools);
  }
  tools.addEventListener("click", function (e) {
    var b = e.target.closest("button"), p = tools.closest(".para");
    if (!b || !p) return;
    var url = body.dataset.base + body.dataset.page + "#" + p.id;
    if (b.dataset.copy === "link") copy(url, "已复制链接");
    else copy(p.dataset.cite + " " + url, "已复制引用");
  });
  document.addEventListener("mouseover", function (e) { attach(e.target.closest && e.target.closest(".para")); });
  document.addEventListener("focusin", function (e) { attach(e.target.closest(".para")); });

  // Moved anchors (see anchors.txt): follow an old address to its new place.
  function arrive() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var el = document.getElementById(id);
    var moved = body.dataset.moved ? JSON.parse(body.dataset.moved) : {};
    if (!el && moved[id]) { location.replace(moved[id]); return; }
    if (el && el.classList.contains("para")) attach(el);
  }
  window.addEventListener("hashchange", arrive);
  arrive();

  // "/" focuses the search box, as on most reference sites.
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || /INPUT|TEXTAREA|SELECT/.test(t.tagName) || t.isContentEditable) return;
    var box = document.getElementById("q") || document.getElementById("q-header");
    if (box) { e.preventDefault(); box.focus(); }
  });

  // Glossary popovers, with definitions loaded on first use from a classic script (works from file://).
  var pop = null, owner = null, loading = null;
  function definitions() {
    if (window.GLOSSARY) return Promise.resolve(window.GLOSSARY);
    if (!loading) loading = new Promise(function (ok, fail) {
      var s = document.createElement("script");
      s.src = root + "glossary/terms.js";
      s.onload = function () { ok(window.GLOSSARY); }; s.onerror = fail;
      document.head.appendChild(s);
    });
    return loading;
  }
  function hide() {
    if (!pop) return;
    pop.remove(); pop = null;
    if (owner) owner.removeAttribute("aria-describedby");
    owner = null;
  }
  function show(a) {
    if (owner === a) return;
    definitions().then(function (g) {
      var d = g && g[a.dataset.term];
      if (!d) return;
      hide(); owner = a;
      pop = document.createElement("div");
      pop.className = "popover"; pop.id = "term-popover"; pop.setAttribute("role", "tooltip");
      pop.innerHTML = "<p><strong></strong> <span class=pinyin></span></p><p class=def></p><p><a></a></p>";
      pop.querySelector("strong").textContent = d.term;
      pop.querySelector(".pinyin").textContent = d.pinyin;
      pop.querySelector(".def").innerHTML = d.html;
      var more = pop.querySelector("a");
      more.href = a.getAttribute("href"); more.textContent = "查看术语页";
      body.appendChild(pop);
      var r = a.getBoundingClientRect(), w = pop.offsetWidth;
      pop.style.top = (window.scrollY + r.bottom + 6) + "px";
      pop.style.left = Math.max(8, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - w - 8)) + "px";
      a.setAttribute("aria-describedby", pop.id);
    });
  }
  document.addEventListener("mouseover", function (e) {
    var a = e.target.closest && e.target.closest("a.term");
    if (a) show(a); else if (pop && !pop.contains(e.target)) hide();
  });
  document.addEventListener("focusin", function (e) {
    var a = e.target.closest("a.term");
    if (a) show(a); else if (pop && !pop.contains(e.target)) hide();
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && pop) { var o = owner; hide(); if (o) o.focus(); }
  });
  var touch = false;
  document.addEventListener("pointerdown", function (e) { touch = e.pointerType === "touch"; });
  document.addEventListener("click", function (e) {
    var a = e.target.closest("a.term");
    if (a && touch && owner !== a) { e.preventDefault(); show(a); }
    else if (!a && pop && !pop.contains(e.target)) hide();
  });

  window.addEventListener("beforeprint", function () {
    var f = document.querySelector(".print-url");
    if (f && !f.dataset.done) { f.dataset.done = "1"; f.textContent += "　打印日期：" + new Date().toISOString().slice(0, 10); }
  });
})();
