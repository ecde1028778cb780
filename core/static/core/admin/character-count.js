// Counts characters in admin fields that have a recommended length (SEO title, meta description).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const field of document.querySelectorAll("[data-recommended-length]")) {
    const recommended = Number(field.dataset.recommendedLength);
    const counter = document.createElement("div");
    counter.className = "help character-count";
    counter.id = `${field.id}-character-count`;
    field.setAttribute(
      "aria-describedby",
      [field.getAttribute("aria-describedby"), counter.id].filter(Boolean).join(" "),
    );
    field.insertAdjacentElement("afterend", counter);
    const update = () => {
      const used = field.value.length;
      counter.textContent =
        used > recommended
          ? `${used} characters: ${used - recommended} over the recommended ${recommended}; search engines may cut it short.`
          : `${used} of ${recommended} recommended characters.`;
    };
    field.addEventListener("input", update);
    update();
  }
});
