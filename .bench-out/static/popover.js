// Glossary popovers, loaded by site.js on the first hover, focus or tap on a term.
// Definitions come from glossary/terms.js, a classic script, so this works from file:// too.
(() => {
  "use strict";
  const d = document, body = d.body;
  let pop = null, owner = null, loading = null;
  const definitions = () => {
    if (window.GLOSSARY) return Promise.resolve(window.GLOSSARY);
    if (!loading) loading = new Promise((ok, fail) => {
      const s = d.createElement("script");
      s.src = body.dataset.terms;
      s.onload = () => ok(window.GLOSSARY);
      s.onerror = fail;
      d.head.append(s);
    });
    return loading;
  };
  const hide = () => {
    if (!pop) return;
    pop.remove(); pop = null;
    if (owner) owner.removeAttribute("aria-describedby");
    owner = null;
  };
  const show = (a) => {
    if (owner === a) return;
    definitions().then((g) => {
      const t = g && g[a.dataset.term];
      if (!t) return;
      hide(); owner = a;
      pop = d.createElement("div");
      pop.className = "popover"; pop.id = "term-popover"; pop.setAttribute("role", "tooltip");
      pop.innerHTML = "<p><strong></strong> <span class=pinyin></span></p><p class=def></p><p><a></a></p>";
      pop.querySelector("strong").textContent = t.term;
      pop.querySelector(".pinyin").textContent = t.pinyin;
      pop.querySelector(".def").innerHTML = t.html;
      const more = pop.querySelector("a");
      more.href = a.getAttribute("href"); more.textContent = "查看术语页";
      body.append(pop);
      const r = a.getBoundingClientRect(), w = pop.offsetWidth;
      pop.style.top = `${scrollY + r.bottom + 6}px`;
      pop.style.left = `${Math.max(8, Math.min(scrollX + r.left, scrollX + d.documentElement.clientWidth - w - 8))}px`;
      a.setAttribute("aria-describedby", pop.id);
    }, () => { /* terms.js unavailable: the link still leads to the term page */ });
  };
  // site.js forwards mouseover, focusin, click and keydown, with the term link (or null).
  window.sitePopover = (e, a, touch) => {
    const away = !a && pop && !pop.contains(e.target);
    if (e.type === "keydown") {
      if (e.key === "Escape" && pop) { const o = owner; hide(); if (o) o.focus(); }
    } else if (e.type === "click") {
      if (a && touch && owner !== a) { e.preventDefault(); show(a); } else if (away) hide();
    } else if (a) show(a);
    else if (away) hide();
  };
})();
