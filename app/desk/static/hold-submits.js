// A classic script, run while the page is parsed: until the desk's module has started, a form
// sent with Enter must not navigate away (the Content-Security-Policy allows no inline
// onsubmit). desk.js runs a search asked for this early once it is ready (data-pending).
for (const form of document.querySelectorAll("form")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    form.dataset.pending = "true";
  });
}
