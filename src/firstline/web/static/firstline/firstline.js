// firstline: small plain behaviours shared by the pages.
document.addEventListener("htmx:responseError", (event) => {
  const box = document.getElementById("htmx-error");
  if (box) box.textContent = event.detail.xhr.status === 403 ? box.dataset.forbidden : box.dataset.failed;
});
