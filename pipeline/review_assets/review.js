/* The review page's behaviour. Untrusted strings only ever reach the page through
   textContent / option.value: no innerHTML, no inline handlers. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("review-data").textContent);
  var facts = {};
  data.facts.forEach(function (fact) { facts[fact.id] = fact; });
  var company = document.getElementById("filter-company");
  var status = document.getElementById("filter-status");
  var confidence = document.getElementById("filter-confidence");
  var confidenceValue = document.getElementById("confidence-value");
  var visibleCount = document.getElementById("visible-count");

  data.companies.forEach(function (name) {
    var option = document.createElement("option");
    option.value = name;
    option.textContent = name;
    company.appendChild(option);
  });

  function applyFilters() {
    var wanted = company.value, state = status.value, least = parseFloat(confidence.value);
    var shownDocs = {}, shown = 0;
    confidenceValue.textContent = least.toFixed(2);
    document.querySelectorAll("tr.fact").forEach(function (row) {
      var fact = facts[row.dataset.fact];
      var show = (!wanted || fact.companies.indexOf(wanted) >= 0) &&
        (!state || fact.status === state) && fact.confidence >= least;
      row.hidden = !show;
      if (show) { shownDocs[fact.doc] = true; shown += 1; }
    });
    var filtering = Boolean(wanted || state || least > 0);
    document.querySelectorAll("section.article").forEach(function (section) {
      section.hidden = filtering && !shownDocs[section.dataset.doc];
    });
    visibleCount.textContent = shown + " of " + data.facts.length + " facts shown";
  }

  function select(row) {
    document.querySelectorAll(".ev-active").forEach(function (el) { el.classList.remove("ev-active"); });
    document.querySelectorAll("tr.fact.selected").forEach(function (el) { el.classList.remove("selected"); });
    row.classList.add("selected");
    var id = row.dataset.fact;
    if (!/^f[0-9]+$/.test(id)) { return; }
    var spans = document.querySelectorAll('[data-facts~="' + id + '"]');
    spans.forEach(function (span) { span.classList.add("ev-active"); });
    if (spans.length) { spans[0].scrollIntoView({block: "center", behavior: "smooth"}); }
  }

  document.querySelectorAll("tr.fact").forEach(function (row) {
    row.addEventListener("click", function () { select(row); });
    row.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); select(row); }
    });
  });
  [company, status].forEach(function (el) { el.addEventListener("change", applyFilters); });
  confidence.addEventListener("input", applyFilters);
  applyFilters();
})();
