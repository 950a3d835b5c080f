// The import page shows its result (the rejected rows) when the import has
// finished: portal.js marks the progress box finished, and this reloads the
// page once so the server renders the result. Without JS, the page has a link.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-import-progress]");
    if (!box || !window.MutationObserver) return;
    new MutationObserver(function () {
      if (box.getAttribute("data-finished") === "true") window.location.reload();
    }).observe(box, { attributes: true, attributeFilter: ["data-finished"] });
  });
})();
