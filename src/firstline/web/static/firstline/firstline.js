// firstline: small plain behaviours shared by the pages.
// The Content-Security-Policy allows no inline script and no onclick="..." attribute, so pages mark
// elements with data- attributes and the listeners here (delegated, so that they also work on what
// htmx swaps in) do the rest.
"use strict";

document.addEventListener("htmx:responseError", (event) => {
  const box = document.getElementById("htmx-error");
  if (box) box.textContent = event.detail.xhr.status === 403 ? box.dataset.forbidden : box.dataset.failed;
});

// <form data-confirm="..."> and <a data-confirm="...">: ask before sending or following.
// Listened to in the capture phase, so that a refusal stops the action before anything else sees it.
function confirmOrStop(event, element) {
  if (element && !window.confirm(element.dataset.confirm)) {
    event.preventDefault();
    event.stopPropagation();
  }
}
document.addEventListener("submit", (event) => confirmOrStop(event, event.target.closest("form[data-confirm]")), true);
document.addEventListener("click", (event) => confirmOrStop(event, event.target.closest("a[data-confirm]")), true);

// <button data-print>: print the page (posters, code cards).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

// <select data-autosubmit>: send its form when the choice changes (the language switch).
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) select.form.submit();
});

// <button data-copy="id" data-copied="Copied">: copy the text of that textarea (a call-down
// message, a notice) to paste into the building's chat group.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  const done = () => { button.textContent = button.dataset.copied; };
  const byHand = () => { source.focus(); source.select(); document.execCommand("copy"); done(); };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(source.value).then(done, byHand);
  } else {
    byHand();
  }
});
