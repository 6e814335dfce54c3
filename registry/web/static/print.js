// Receipts: a "Print" button for browsers with JavaScript. Without it the page says how to print
// (Ctrl+P); the button stays hidden, so nothing on the page depends on this file.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button.print-button")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
