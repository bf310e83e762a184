// The GB/T 7714-2015 reference (docs/citations.md) of the paragraph, provision or document whose
// toolbar was used; site.js loads this file on the first "复制参考文献". The build writes what is
// known (the body's data-ref: 责任者. 题名{where}[EB/OL]. (日期)[{date}]. {url}; the element's
// data-where: ": 第七条第二款"); this adds only the URL and the reader's today (引用日期).
window.siteReference = (el, url) => {
  const t = new Date(), z = (n) => String(n).padStart(2, "0");
  const slots = { where: el.dataset.where || "", date: `${t.getFullYear()}-${z(t.getMonth() + 1)}-${z(t.getDate())}`, url };
  return document.body.dataset.ref.replace(/\{(where|date|url)\}/g, (_, k) => slots[k]);
};
