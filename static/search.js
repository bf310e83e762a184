// search.html: loads search-text.js and search-ui.js once a query is in the address or
// the reader turns to the form, so opening the page costs almost nothing.
(() => {
  "use strict";
  const d = document, form = d.getElementById("search-form");
  let loaded = false;
  const load = () => {
    if (loaded) return;
    loaded = true;
    for (const name of ["search-text.js", "search-ui.js"]) {
      const s = d.createElement("script");
      s.src = `${d.body.dataset.root || ""}static/${name}`;
      s.async = false;  // in this order
      d.head.append(s);
    }
  };
  if (!form) return;
  if (/[?&]q=[^&]/.test(location.search)) load();
  for (const type of ["focusin", "input", "pointerdown"]) form.addEventListener(type, load);
})();
