// The help bar (templates/includes/help_bar.html) is fixed to the bottom of the screen on a phone.
// 1. The page keeps room for it below the footer: its height, whatever the text size or language,
//    goes to --help-bar-height, which site.css uses as the body's bottom padding.
// 2. When focus lands on something the bar covers (Tab to a link at the bottom of the screen),
//    scroll just enough to show it above the bar: focus is never hidden (WCAG 2.4.11).
"use strict";
(() => {
  const bar = document.querySelector(".help-bar");
  if (!bar) {
    return;
  }
  const GAP = 8;  // px between the focused element (and its outline) and the bar
  const SETTLE_MS = 1500;  // how long the browser's own scroll to the focus may take
  let pending = null;

  new ResizeObserver(() => {
    // Through the CSSOM, which the Content-Security-Policy allows (a style attribute it would not).
    const height = bar.getBoundingClientRect().height;
    document.documentElement.style.setProperty("--help-bar-height", `${height}px`);
  }).observe(bar);

  const uncover = (element) => {
    if (element !== document.activeElement) {
      return;
    }
    const barBox = bar.getBoundingClientRect();
    const box = element.getBoundingClientRect();
    // Hidden (wide screens), waiting at the end of the page, or clear of the element: done.
    if (barBox.height === 0 || box.bottom + GAP <= barBox.top || box.top >= barBox.bottom) {
      return;
    }
    // Never scroll the element's top out of view: a tall one shows from its top.
    const by = Math.min(box.bottom + GAP - barBox.top, Math.max(box.top - GAP, 0));
    window.scrollBy({ top: by, behavior: "instant" });
  };

  document.addEventListener("focusin", (event) => {
    const element = event.target;
    pending?.abort();
    if (!(element instanceof Element) || bar.contains(element)) {
      return;
    }
    // The browser scrolls a newly focused element into view after this event, and smoothly
    // (Bootstrap's scroll-behavior) unless motion is reduced: look on the next frame, and again
    // when that scroll ends.
    requestAnimationFrame(() => uncover(element));
    pending = new AbortController();
    document.addEventListener("scrollend", () => uncover(element), {
      once: true,
      signal: pending.signal,
    });
    setTimeout((controller) => controller.abort(), SETTLE_MS, pending);
  });
})();
