// firstline: receiving a box at the lab tube by tube. A scanner types a code and Enter into the
// scan field; each code joins the list that is sent, and the count beside it follows.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const input = document.getElementById("scan-tube");
  const list = document.getElementById("tube-codes");
  const count = document.getElementById("scanned-count");
  if (!input || !list || !count) return;
  const update = () => { count.textContent = list.value.split(/\s+/).filter(Boolean).length; };
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    const code = input.value.trim();
    if (code) list.value = (list.value.trim() ? list.value.trim() + "\n" : "") + code;
    input.value = "";
    update();
  });
  list.addEventListener("input", update);
  update();
});
