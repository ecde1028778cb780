// The desk's list brings in new leads without a reload: every 20 seconds (ADMISSIONS_DESK_POLL_SECONDS) it asks the server how
// many leads arrived since the page was drawn (numbers only) and, when some did, redraws the rows
// in place — unless the person has rows selected or is working in the table, in which case a
// button offers to show them. Polls carry X-Desk-Poll so they never keep an idle session alive.
// Loaded in the page's head (admin's Media): start once the list is there.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const root = document.querySelector("[data-desk-poll-url]");
  if (!root || !window.fetch) return;
  const pollUrl = root.dataset.deskPollUrl;
  const live = document.getElementById("desk-live");
  const showButton = document.getElementById("desk-show-new");
  const INTERVAL_MS = (Number(root.dataset.pollSeconds) || 20) * 1000;
  const headers = { "X-Desk-Poll": "1", "X-Requested-With": "XMLHttpRequest" };
  let latest = Number(root.dataset.latestLead) || 0;
  let waiting = { count: 0, urgent: 0, latest: latest };

  function describe(count, urgent) {
    const leads = count === 1 ? "1 new lead" : count + " new leads";
    return urgent ? leads + " (" + urgent + " urgent)" : leads;
  }

  function isBusy() {
    const table = document.getElementById("result_list");
    if (!table) return false;
    return Boolean(table.querySelector("input.action-select:checked") || table.contains(document.activeElement));
  }

  async function redrawRows() {
    const response = await fetch(window.location.href, { headers: headers, credentials: "same-origin" });
    if (!response.ok) return false;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const freshRows = page.querySelector("#result_list tbody");
    const rows = document.querySelector("#result_list tbody");
    if (!freshRows || !rows) return false;
    rows.replaceWith(document.importNode(freshRows, true));
    const freshCount = page.querySelector(".paginator");
    const count = document.querySelector(".paginator");
    if (freshCount && count) count.replaceWith(document.importNode(freshCount, true));
    return true;
  }

  async function showNew() {
    showButton.hidden = true;
    if (await redrawRows()) {
      latest = waiting.latest;
      live.textContent = describe(waiting.count, waiting.urgent) + " added to the list.";
      waiting = { count: 0, urgent: 0, latest: latest };
    }
  }

  async function poll() {
    if (document.hidden) return schedule();
    let response;
    try {
      response = await fetch(pollUrl + "?after=" + latest, { headers: headers, credentials: "same-origin" });
    } catch (error) {
      return schedule(); // offline for a moment: try again later
    }
    if (response.status === 401 || response.status === 403 || response.redirected) {
      live.textContent = "You were signed out. Reload the page to sign in again.";
      return; // stop polling
    }
    if (response.ok) {
      const news = await response.json();
      if (news.new > 0) {
        waiting = { count: news.new, urgent: news.urgent, latest: news.latest };
        if (isBusy()) {
          showButton.textContent = "Show " + describe(news.new, news.urgent);
          showButton.hidden = false;
        } else {
          await showNew();
        }
      }
    }
    schedule();
  }

  function schedule() {
    window.setTimeout(poll, INTERVAL_MS);
  }

  showButton.addEventListener("click", showNew);
  schedule();
});
