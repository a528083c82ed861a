// The printable quote's "Print or save as PDF" button (the browser's print dialog offers
// "Save as PDF"; the page's print stylesheet lays it out on A4).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print-quote]")) {
    window.print();
  }
});
