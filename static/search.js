// search.html: loads the search interface (search-ui.js) once a query is in the
// address or the reader turns to the form, so opening the page costs almost nothing.
(function () {
  var d = document, f = d.getElementById("search-form"), go = function () {
    if (go.done) return;
    go.done = 1;
    var s = d.createElement("script");
    s.src = (d.body.dataset.root || "") + "static/search-ui.js";
    d.head.appendChild(s);
  };
  if (!f) return;
  if (/[?&]q=[^&]/.test(location.search)) go();
  ["focusin", "input", "pointerdown"].forEach(function (t) { f.addEventListener(t, go); });
})();
