// firstline: the volunteer's desk, remembered on this device. A desk link (data-desk-point,
// data-desk-number) that is followed is kept in localStorage; a page with a "go to my desk" button
// (data-my-desk) shows it when today's round offers that desk again.
"use strict";

(() => {
  const KEY = "firstline.desk";
  const read = () => {
    try { return JSON.parse(localStorage.getItem(KEY) || "null"); } catch (error) { return null; }
  };
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[data-desk-point]");
    if (!link) return;
    try {
      localStorage.setItem(KEY, JSON.stringify({ point: link.dataset.deskPoint, desk: link.dataset.deskNumber }));
    } catch (error) { /* private mode: nothing remembered */ }
  });
  document.addEventListener("DOMContentLoaded", () => {
    const button = document.querySelector("[data-my-desk]");
    const mine = read();
    if (!button || !mine) return;
    const link = Array.from(document.querySelectorAll("a[data-desk-point]")).find(
      (a) => a.dataset.deskPoint === String(mine.point) && a.dataset.deskNumber === String(mine.desk),
    );
    if (!link) return;
    button.href = link.href;
    const label = button.querySelector("[data-my-desk-label]");
    if (label) label.textContent = link.dataset.deskLabel || link.textContent;
    button.hidden = false;
  });
})();
