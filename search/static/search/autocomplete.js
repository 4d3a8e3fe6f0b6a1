// Title suggestions for the search box. Progressive enhancement: without this script the
// form submits as usual; with it, a <datalist> offers matching page titles while typing.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest-url]");
  if (!input || !window.fetch) { return; }
  var list = document.createElement("datalist");
  list.id = "search-suggestions";
  input.after(list);
  input.setAttribute("list", list.id);
  var timer = null;
  var lastQuery = "";
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var query = input.value.trim();
      if (query.length < 2 || query === lastQuery) { return; }
      lastQuery = query;
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          list.replaceChildren.apply(list, data.suggestions.map(function (item) {
            var option = document.createElement("option");
            option.value = item.title;
            return option;
          }));
        })
        .catch(function () { /* suggestions are optional */ });
    }, 200);
  });
})();
