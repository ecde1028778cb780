// The article editor's buttons: each writes Markdown around the selection (or at the cursor)
// and puts the cursor where the words go. Without JavaScript the toolbar stays hidden and the
// text is written by hand; the preview button is a plain submit button and works either way.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const editor of document.querySelectorAll("[data-markdown-editor]")) {
    const toolbar = editor.querySelector(".markdown-editor__toolbar");
    const text = editor.querySelector("textarea");
    const picker = editor.querySelector("[data-markdown-image]");
    toolbar.hidden = false;

    const replaceSelection = (before, after, placeholder) => {
      const start = text.selectionStart;
      const end = text.selectionEnd;
      const selected = text.value.slice(start, end) || placeholder;
      text.setRangeText(before + selected + after, start, end, "end");
      text.setSelectionRange(start + before.length, start + before.length + selected.length);
      text.focus();
      text.dispatchEvent(new Event("input", { bubbles: true }));
    };
    // Block syntax goes at the start of each selected line; with nothing selected, of the
    // line the cursor is on (or, on an empty line, around a placeholder).
    const prefixLines = (prefix, placeholder) => {
      const value = text.value;
      const start = value.lastIndexOf("\n", text.selectionStart - 1) + 1;
      let end = text.selectionEnd;
      if (end === text.selectionStart) {
        end = value.indexOf("\n", end);
        if (end === -1) end = value.length;
      }
      const selected = value.slice(start, end);
      const lines = (selected || placeholder).split("\n");
      const numbered = prefix === "1. ";
      const block = lines
        .map((line, index) => (numbered ? `${index + 1}. ` : prefix) + line)
        .join("\n");
      text.setRangeText(block, start, Math.max(start, end), "select");
      if (!selected) {
        // Only the placeholder selected: what is typed next replaces it, the syntax stays.
        text.setSelectionRange(start + prefix.length, start + block.length);
      }
      text.focus();
      text.dispatchEvent(new Event("input", { bubbles: true }));
    };

    const actions = {
      heading: () => prefixLines("## ", "Heading"),
      subheading: () => prefixLines("### ", "Subheading"),
      bold: () => replaceSelection("**", "**", "bold words"),
      italic: () => replaceSelection("_", "_", "words"),
      list: () => prefixLines("- ", "An item"),
      numbered: () => prefixLines("1. ", "A step"),
      quote: () => prefixLines("> ", "Quoted words"),
      link: () => {
        const wordsChosen = text.selectionStart !== text.selectionEnd;
        replaceSelection("[", "](https://)", "words to click");
        if (wordsChosen) {
          // The words are there already: the cursor waits where the address goes.
          const address = text.selectionEnd + "](https://".length;
          text.setSelectionRange(address, address);
        }
      },
      image: () => {
        const option = picker.selectedOptions[0];
        replaceSelection(`![${option.dataset.description}](image:${option.value})`, "", "");
      },
    };
    toolbar.addEventListener("click", (event) => {
      const button = event.target.closest("[data-markdown]");
      if (button) actions[button.dataset.markdown]();
    });
  }
});
