// A shorter consultation form for those who have JavaScript: the questions about the person who
// needs help (how you are related, their first name) show only once "Someone I care about" is
// chosen, right after the choice, next in the Tab order; nothing moves focus. Without JavaScript
// they always show, under a legend that says when they are needed. A field there with an error
// is never hidden. (The insurance section needs no script: it is a <details>.)
"use strict";
(() => {
  const form = document.getElementById("consultation-form");
  const section = form && form.querySelector("[data-shown-for]");
  if (!section) {
    return;
  }
  const choice = form.querySelector(
    `input[name="for_whom"][value="${CSS.escape(section.dataset.shownFor)}"]`,
  );
  if (!choice) {
    return;
  }

  const update = () => {
    const hasError = section.querySelector("[aria-invalid='true'], .is-invalid") !== null;
    section.hidden = !(choice.checked || hasError);
  };

  form.addEventListener("change", (event) => {
    if (event.target.name === "for_whom") {
      update();
    }
  });
  // Emptied (forget-sent-form.js) or refilled from history by the browser, which sends no
  // "change": look again once the fields have their values.
  form.addEventListener("reset", () => setTimeout(update));
  window.addEventListener("pageshow", update);
  update();
})();
