// search.html: loads search-text.js and search-ui.js for ?q= (on load, Back or Forward)
// or when the reader turns to the form.
(() => {
  "use strict";
  const d = document, form = d.getElementById("search-form");
  let done = 0;
  const load = () => {
    if (done++) return;
    for (const n of ["search-text.js", "search-ui.js"]) {
      const s = d.createElement("script");
      s.src = `${d.body.dataset.root || ""}static/${n}`;
      s.async = false;  // in this order
      d.head.append(s);
    }
  };
  const q = () => /[?&]q=[^&]/.test(location.search) && load();
  if (!form) return;
  q();
  addEventListener("popstate", q);
  for (const t of ["focusin", "input", "pointerdown"]) form.addEventListener(t, load);
})();
