// The proof of work (ALTCHA) the consultation form asks for during a flood of requests.
//
// It starts by itself as the page loads: it fetches a challenge from our server, finds the
// solution in Web Workers (the official ALTCHA worker, vendored in static/vendor/altcha/), and
// puts the payload in the hidden field the server checks. It says what it is doing in a polite
// live region, once per change. There is nothing to press. A person who presses Send while it is
// still working waits a moment and the form is then sent by itself; if it cannot finish, the
// form is sent without it and the request is held for review. What they typed is never lost.
"use strict";
(() => {
  // Up to 4 workers: faster on phones with many cores, without heating them up.
  const WORKER_COUNT = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2));
  // Give up after this long: a server that does not answer, or a phone far slower than we
  // planned for (a few seconds at most).
  const FETCH_TIMEOUT_MS = 20_000;
  const SOLVE_TIMEOUT_MS = 60_000;
  // A person who pressed Send waits at most this long for the check, then the form is sent.
  const MAX_WAIT_AFTER_SEND_MS = 10_000;
  // Solve a new challenge this long before the current one runs out, so a form filled slowly
  // still carries a valid payload; and don't send one that runs out sooner than this.
  const RENEW_BEFORE_EXPIRY_MS = 60_000;
  const MIN_PAYLOAD_LIFE_MS = 15_000;

  function solveInWorkers(challenge, workerUrl) {
    return new Promise((resolve, reject) => {
      const workers = [];
      let unfinished = WORKER_COUNT;
      const finish = (settle, value) => {
        clearTimeout(timer);
        for (const worker of workers) {
          worker.terminate();
        }
        settle(value);
      };
      const timer = setTimeout(() => finish(reject, new Error("timed out")), SOLVE_TIMEOUT_MS);
      // Each worker tries every WORKER_COUNT-th counter, starting from its own.
      for (let index = 0; index < WORKER_COUNT; index += 1) {
        const worker = new Worker(workerUrl);
        workers.push(worker);
        worker.addEventListener("message", ({ data }) => {
          if (data && !data.error) {
            finish(resolve, data);
          } else if (data?.error || (unfinished -= 1) === 0) {
            finish(reject, new Error("no solution"));
          }
        });
        worker.addEventListener("error", () => finish(reject, new Error("worker failed")));
        worker.postMessage({
          type: "work",
          challenge,
          counterMode: "uint32",
          counterStart: index,
          counterStep: WORKER_COUNT,
          timeout: SOLVE_TIMEOUT_MS,
        });
      }
    });
  }

  async function fetchAndSolve(challengeUrl, workerUrl) {
    const abandon = new AbortController();
    const timer = setTimeout(() => abandon.abort(), FETCH_TIMEOUT_MS);
    const response = await fetch(challengeUrl, {
      cache: "no-store",
      credentials: "omit", // the challenge needs nothing about the visitor
      headers: { Accept: "application/json" },
      signal: abandon.signal,
    }).finally(() => clearTimeout(timer));
    if (!response.ok) {
      throw new Error(`challenge: HTTP ${response.status}`);
    }
    const { parameters, signature } = await response.json();
    const solution = await solveInWorkers({ parameters, signature }, workerUrl);
    // The payload the ALTCHA libraries verify: the signed challenge and its solution, in base64.
    return {
      payload: btoa(JSON.stringify({ challenge: { parameters, signature }, solution })),
      expiresAt: parameters.expiresAt * 1000,
    };
  }

  class ProofOfWork {
    constructor(root) {
      this.root = root;
      this.form = root.closest("form");
      this.field = root.querySelector("input[type='hidden']");
      this.status = root.querySelector("[role='status']");
      this.expiresAt = 0;
      this.solving = null;
      this.waitingToSend = false;
      this.sending = false;
      // A value restored by the browser (back button, reload) has been used or has run out.
      this.field.value = "";
      this.form?.addEventListener("submit", (event) => this.onSubmit(event));
      window.addEventListener("pageshow", (event) => {
        if (event.persisted) {
          // Back from the next page: the payload in the field was accepted once already.
          this.field.value = "";
          this.start();
        }
      });
      this.start();
    }

    canSolve() {
      return "Worker" in window && Boolean(window.crypto?.subtle) && "fetch" in window;
    }

    hasFreshPayload() {
      return Boolean(this.field.value) && this.expiresAt - Date.now() > MIN_PAYLOAD_LIFE_MS;
    }

    // Solve a new challenge, unless one is being solved already. `quietly` keeps the status as
    // it is while working: renewing a payload is nothing a person needs to hear about.
    start({ quietly = false } = {}) {
      if (this.solving) {
        return this.solving;
      }
      clearTimeout(this.renewal);
      if (!this.canSolve()) {
        this.show("failed");
        return Promise.resolve();
      }
      if (!quietly) {
        this.show("checking");
      }
      const startedAt = performance.now();
      this.solving = fetchAndSolve(this.root.dataset.challengeUrl, this.root.dataset.workerUrl)
        .then(({ payload, expiresAt }) => {
          this.field.value = payload;
          this.expiresAt = expiresAt;
          this.root.dataset.solvedInMs = String(Math.round(performance.now() - startedAt));
          this.renewal = setTimeout(
            () => this.start({ quietly: true }),
            Math.max(0, expiresAt - RENEW_BEFORE_EXPIRY_MS - Date.now()),
          );
          this.show("done");
        })
        .catch(() => {
          this.field.value = "";
          this.show("failed");
        })
        .finally(() => {
          this.solving = null;
        });
      return this.solving;
    }

    onSubmit(event) {
      if (this.sending || this.hasFreshPayload() || this.root.dataset.state === "failed") {
        return;
      }
      event.preventDefault();
      if (this.waitingToSend) {
        return; // a second press while waiting changes nothing
      }
      this.waitingToSend = true;
      this.show("waiting");
      const submitter = event.submitter;
      const timeUp = new Promise((resolve) => setTimeout(resolve, MAX_WAIT_AFTER_SEND_MS));
      Promise.race([this.start({ quietly: true }), timeUp]).then(() => this.send(submitter));
    }

    send(submitter) {
      this.waitingToSend = false;
      this.sending = true;
      try {
        if (this.form.requestSubmit) {
          this.form.requestSubmit(submitter || undefined);
        } else if (submitter) {
          submitter.click();
        } else {
          this.form.submit();
        }
      } finally {
        this.sending = false;
      }
    }

    show(state) {
      if (this.root.dataset.state === state) {
        return; // said already: a live region repeats whatever is written into it
      }
      this.root.dataset.state = state;
      const label = document.createElement("strong");
      label.textContent = this.root.dataset.label;
      this.status.replaceChildren(label, " ", this.root.dataset[state]);
    }
  }

  for (const root of document.querySelectorAll("[data-proof-of-work]")) {
    // Once per form, even if this script were included twice.
    root.proofOfWork ??= new ProofOfWork(root);
  }
})();
