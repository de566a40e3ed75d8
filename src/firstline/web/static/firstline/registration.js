// firstline: the public self-registration form. "Add a person" copies the member template (its
// fields named m-__i__-...) as the next numbered row, up to data-max rows.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("add-member");
  if (!button) return;
  button.addEventListener("click", () => {
    const next = Number(button.dataset.next);
    if (next >= Number(button.dataset.max)) return;
    const html = document.getElementById("member-template").innerHTML.replaceAll("__i__", String(next));
    document.getElementById("members").insertAdjacentHTML("beforeend", html);
    button.dataset.next = String(next + 1);
  });
});
