// Following a link in the error summary puts the cursor in the field, not just the page there,
// and brings the field's label or question into view with it.
"use strict";
document.addEventListener("click", (event) => {
  const link = event.target.closest(".error-summary a[href^='#']");
  const field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
  if (!field) {
    return;
  }
  event.preventDefault();
  const legend = field.type === "radio" || field.type === "checkbox"
    ? field.closest("fieldset")?.querySelector("legend")
    : null;
  const label = legend || document.querySelector(`label[for="${field.id}"]`) || field;
  label.scrollIntoView({ block: "start" });
  field.focus({ preventScroll: true });
});
