// A "print" button on a public page, without inline script (the pages' CSP allows none).
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
