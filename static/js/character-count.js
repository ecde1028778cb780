// Shows, as people type, how many characters they have used of a field's limit: a maximum
// (data-max-length, checked again on the server) or a recommendation (data-recommended-length,
// for search-engine titles in admin). A public form gives the words in the visitor's language
// (data-count-within, data-count-over-one, data-count-over-other, with {used}, {limit}, {over}).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const fields = document.querySelectorAll("[data-max-length], [data-recommended-length]");
  const plural = new Intl.PluralRules(document.documentElement.lang || "en");
  const said = (words, numbers) =>
    words.replace(/\{(used|limit|over)\}/g, (_, name) => String(numbers[name]));
  for (const field of fields) {
    const maximum = Number(field.dataset.maxLength) || null;
    const limit = maximum || Number(field.dataset.recommendedLength);
    const counter = document.createElement("div");
    counter.className = "form-text help character-count";
    counter.id = `${field.id}-character-count`;
    field.setAttribute(
      "aria-describedby",
      [field.getAttribute("aria-describedby"), counter.id].filter(Boolean).join(" "),
    );
    field.insertAdjacentElement("afterend", counter);
    const update = () => {
      // As the server counts: `value` has each line break as one "\n" (the server normalises the
      // "\r\n" browsers send to that), and Array.from counts an emoji as one character, not two.
      // As the server counts: without spaces and line breaks at either end, one per character.
      const used = Array.from(field.value.trim()).length;
      const over = used - limit;
      const words =
        over > 0
          ? field.dataset[plural.select(over) === "one" ? "countOverOne" : "countOverOther"]
          : field.dataset.countWithin;
      if (words) {
        counter.textContent = said(words, { used, limit, over });
      } else if (used <= limit) {
        counter.textContent = maximum
          ? `${used} of ${limit} characters.`
          : `${used} of ${limit} recommended characters.`;
      } else {
        counter.textContent = maximum
          ? `${used - limit} characters too many: please shorten it to ${limit}.`
          : `${used} characters: ${used - limit} over the recommended ${limit}; search engines may cut it short.`;
      }
    };
    field.addEventListener("input", update);
    update();
  }
});
