// A shorter consultation form for those who have JavaScript: a section that is needed only for
// one answer shows only once that answer is chosen, right after the question, next in the Tab
// order; nothing moves focus. So the questions about the person who needs help (how you are
// related, their first name) wait for "Someone I care about", and the insurer's name for
// "Another company". Without JavaScript every section shows, its label saying when it is
// needed. A section with an error in it is never hidden.
"use strict";
(() => {
  const form = document.getElementById("consultation-form");
  if (!form) {
    return;
  }
  const sections = Array.from(form.querySelectorAll("[data-shown-when][data-shown-for]")).filter(
    (section) => form.elements.namedItem(section.dataset.shownWhen) !== null,
  );

  const update = () => {
    for (const section of sections) {
      // A RadioNodeList's value is the checked button's; a <select>'s, the chosen option's.
      const answer = form.elements.namedItem(section.dataset.shownWhen).value;
      const hasError = section.querySelector("[aria-invalid='true'], .is-invalid") !== null;
      section.hidden = !(answer === section.dataset.shownFor || hasError);
    }
  };

  form.addEventListener("change", (event) => {
    if (sections.some((section) => section.dataset.shownWhen === event.target.name)) {
      update();
    }
  });
  // Emptied (forget-sent-form.js) or refilled from history by the browser, which sends no
  // "change": look again once the fields have their values.
  form.addEventListener("reset", () => setTimeout(update));
  window.addEventListener("pageshow", update);
  update();
})();
