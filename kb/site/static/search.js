// The static site's search: Pagefind's interface in the box, the words of ?q= searched
// on arrival. Opened from the disk (file:), a browser refuses to load the search index:
// a note says so instead.
window.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("search");
  if (!box) return;
  if (window.location.protocol === "file:" || typeof PagefindUI === "undefined") {
    document.getElementById("search-offline").hidden = false;
    return;
  }
  // The site's root, wherever it is hosted: the bundle's folder is in it.
  var bundle = new URL(box.dataset.bundle, window.location.href);
  var root = new URL("../", bundle);
  var ui = new PagefindUI({
    element: "#search",
    bundlePath: bundle.pathname,
    baseUrl: root.pathname,
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    pageSize: 10,
  });
  // The hint under the box, above the results (Pagefind puts them right under it).
  var input = box.querySelector(".pagefind-ui__search-input");
  var hint = document.getElementById("search-hint");
  if (input && hint) input.parentElement.insertBefore(hint, input.nextSibling.nextSibling);
  var words = new URLSearchParams(window.location.search).get("q");
  if (words) ui.triggerSearch(words);
});
