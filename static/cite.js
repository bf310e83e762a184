// The copy toolbar, loaded by site.js on the first hover, focus or tap on a paragraph or 引用 line
// (or on arriving at a paragraph's #link): 复制链接, 复制引用 (the legal form, docs/citations.md) and
// 复制参考文献 (GB/T 7714-2015, docs/citations.md). What is known comes from the build: the
// element's data-cite, data-where and data-url, and the body's data-ref (责任者. 题名{where}
// [EB/OL]. (日期)[{date}]. {url}); this adds only the URL and the reader's today (引用日期).
(() => {
  "use strict";
  const d = document, body = d.body;
  const el = (tag, cls, text) => {
    const e = d.createElement(tag);
    e.className = cls; e.textContent = text || "";
    return body.appendChild(e);
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

  const reference = (p, url) => {
    const t = new Date(), z = (n) => String(n).padStart(2, "0");
    const slots = { where: p.dataset.where || "", date: `${t.getFullYear()}-${z(t.getMonth() + 1)}-${z(t.getDate())}`, url };
    return body.dataset.ref.replace(/\{(where|date|url)\}/g, (_, k) => slots[k]);
  };

  // One small toolbar, moved to the paragraph or 引用 line being read.
  const tools = d.createElement("span");
  tools.className = "para-tools";
  tools.innerHTML = '<button type="button" data-copy="link">复制链接</button><button type="button" data-copy="cite">复制引用</button>'
    + (body.dataset.ref ? '<button type="button" data-copy="ref" title="GB/T 7714-2015">复制参考文献</button>' : "");
  tools.addEventListener("click", (e) => {
    const b = e.target.closest("button"), p = tools.closest("[data-cite]");
    if (!b || !p) return;
    const url = p.dataset.url || `${body.dataset.base}${body.dataset.page}#${p.id}`, c = b.dataset.copy;
    if (c === "link") copy(url, "已复制链接");
    else if (c === "cite") copy(`${p.dataset.cite} ${url}`, "已复制引用");
    else copy(reference(p, url), "已复制参考文献（GB/T 7714）");
  });

  window.siteCite = (p) => {
    const a = p && tools.parentNode !== p && p.querySelector(".permalink");
    if (a) a.after(tools);
  };
})();
