// Stock-take: the variance of each row as it is typed, and its reason asked for when it is not zero.
(function () {
  "use strict";
  function cents(text) {
    var value = String(text || "").replace(/,/g, "").trim();
    if (!/^-?\d+(\.\d{1,2})?$/.test(value)) return null;
    return Math.round(parseFloat(value) * 100);
  }
  function show(row) {
    var input = row.querySelector(".count-input");
    var out = row.querySelector(".variance");
    var reason = row.querySelector(".count-reason");
    var counted = cents(input.value);
    var expected = cents(row.getAttribute("data-expected"));
    if (counted === null || expected === null) {
      out.textContent = "—";
      row.classList.remove("has-variance");
      reason.required = false;
      return;
    }
    var diff = counted - expected;
    var text = (diff > 0 ? "+" : "") + (diff / 100).toString();
    out.textContent = text;
    row.classList.toggle("has-variance", diff !== 0);
    reason.required = diff !== 0;
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".count-row").forEach(function (row) {
      row.querySelector(".count-input").addEventListener("input", function () { show(row); });
      show(row);
    });
  });
})();
