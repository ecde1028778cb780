// Lighthouse on several pages with one Chromium (bench/lighthouse.py runs it): starting a browser
// and loading Lighthouse once, not once per page, takes a third off `make lighthouse`.
//
//   node run.mjs < jobs.json
//
// jobs.json: {"chromePath": "...", "chromeFlags": [...], "categories": [...],
//             "pages": [{"url": "...", "output": "...json", "skipAudits": [...]}, ...]}
// Each report is written to its output; a page Lighthouse fails to record (NO_NAVSTART and the
// like, now and then with headless Chromium) is run once more. Exits 1 if one still fails.
import { readFileSync, writeFileSync } from "node:fs";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const jobs = JSON.parse(readFileSync(0, "utf8"));
const chrome = await chromeLauncher.launch({
  chromePath: jobs.chromePath,
  chromeFlags: jobs.chromeFlags,
});
let failed = 0;
try {
  for (const page of jobs.pages) {
    const began = performance.now();
    let error = null;
    for (const attempt of [1, 2]) {
      try {
        const result = await lighthouse(page.url, {
          port: chrome.port,
          output: "json",
          logLevel: "error",
          onlyCategories: jobs.categories,
          skipAudits: page.skipAudits,
          // Screenshots are most of a report's bytes and count for no score: the reports are
          // kept in the repo, so they stay small.
          disableFullPageScreenshot: true,
        });
        if (result.lhr.runtimeError) {
          throw new Error(`${result.lhr.runtimeError.code}: ${result.lhr.runtimeError.message}`);
        }
        writeFileSync(page.output, result.report);
        const seconds = ((performance.now() - began) / 1000).toFixed(1);
        console.log(`Lighthouse: ${new URL(page.url).pathname}${new URL(page.url).search} (${seconds} s)`);
        error = null;
        break;
      } catch (caught) {
        error = caught;
        if (attempt === 1) {
          console.log(`  Lighthouse failed on ${page.url} (${caught.message}); once more`);
        }
      }
    }
    if (error) {
      failed += 1;
      console.error(`Lighthouse could not run on ${page.url}: ${error.message}`);
    }
  }
} finally {
  await chrome.kill();
}
process.exit(failed ? 1 : 0);
