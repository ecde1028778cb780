// After a request has been sent, the Back button must not bring back what was typed: the phone
// may be shared (a waiting room, a family's tablet). The thank-you page leaves a mark for this
// tab; the form page, shown again by Back or Forward (from the back-forward cache, or reloaded
// and refilled by the browser), empties itself when it finds the mark. A re-sent copy of the
// same request would find its lead already made (admissions.services), never a second one.
(function () {
  "use strict";
  var MARK = "resilience:request-sent";

  function storage() {
    try {
      return window.sessionStorage;
    } catch (error) {
      return null; // storage refused (private mode settings): nothing to remember with
    }
  }

  if (document.querySelector("[data-request-sent]")) {
    var marks = storage();
    if (marks) marks.setItem(MARK, "1");
    return;
  }

  var form = document.getElementById("consultation-form");
  if (!form) return;

  function cameBackInHistory(event) {
    if (event.persisted) return true;
    var entries = performance.getEntriesByType ? performance.getEntriesByType("navigation") : [];
    return entries.length > 0 && entries[0].type === "back_forward";
  }

  window.addEventListener("pageshow", function (event) {
    var marks = storage();
    if (!marks || !marks.getItem(MARK)) return;
    if (!cameBackInHistory(event)) {
      marks.removeItem(MARK); // a new visit to the form: a new request, kept as typed
      return;
    }
    form.reset();
    Array.prototype.forEach.call(form.elements, function (field) {
      // Let the character count and the sections that follow a choice catch up.
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
    });
    marks.removeItem(MARK);
  });
})();
