// Drives the web UI of a running `gongkai demo` — the bundled sample site
// really crawled twice — through sources → the source's documents → the
// corrected report → its diff, and the raw page and the Atom feed:
// what a newcomer sees after `go run ./cmd/gongkai demo`.
//
//   node demo.mjs http://127.0.0.1:PORT [screenshot-dir]
//
// Exit status 1 on any failed check.
import { launch, steps } from './lib.mjs';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const base = (process.argv[2] || '').replace(/\/$/, '');
if (!base) {
  console.error('usage: node demo.mjs BASE_URL [SCREENSHOT_DIR]');
  process.exit(2);
}
const shots = process.argv[3] || fs.mkdtempSync(path.join(os.tmpdir(), 'gongkai-demo-shots-'));
fs.mkdirSync(shots, { recursive: true });

// Must match the demo package and cmd/gongkai/cmd_demo.go.
const demo = {
  source: 'demo-ninghai',
  documents: 10,
  corrected: '温州市公安局鹿城区分局2024年法治政府建设年度报告',
  before: '全局成诉率80.80%,不诉率1.71%;',
  after: '全局成诉率81.08%,不诉率1.17%;',
  notice: '关于冬季道路交通安全管理工作的通告',
};

const { context, close } = await launch(base);

const { step, failures } = steps();
const shot = (page, name) => page.screenshot({ path: path.join(shots, name), fullPage: true });
const page = await context.newPage();
let docURL = '';

try {
  await step('the demo source is listed with its documents and last run', async () => {
    assert.equal((await page.goto(base + '/')).status(), 200);
    const row = page.locator('table.sources tbody tr', { has: page.locator(`a[href="/sources/${demo.source}"]`) });
    assert.equal(await row.count(), 1);
    const cells = await row.locator('td').allTextContents();
    assert.match(cells[3], new RegExp(`^\\s*${demo.documents}\\s*$`), `documents column: ${cells}`);
    assert.match(cells[5], /1 changed/, `last run: ${cells[5]}`);
    await shot(page, 'demo-1-sources.png');
  });

  await step('the source page lists the new notice and the corrected report', async () => {
    await page.click(`a[href="/sources/${demo.source}"]`);
    const titles = await page.locator('ol.docs li a.title').allTextContents();
    assert.ok(titles.includes(demo.notice), `new notice in ${titles}`);
    assert.ok(titles.includes(demo.corrected), `corrected report in ${titles}`);
    await shot(page, 'demo-2-source.png');
  });

  await step('the corrected report has two versions', async () => {
    await page.click(`ol.docs li a.title:text-is("${demo.corrected}")`);
    await page.waitForURL(/\/docs\/\d+$/);
    docURL = page.url();
    assert.equal((await page.locator('h1').textContent()).trim(), demo.corrected);
    assert.equal(await page.locator('section.timeline li.version').count(), 2);
    assert.match(await page.locator('section.body').textContent(), new RegExp(demo.after.replace(/[.%]/g, '\\$&')));
    await shot(page, 'demo-3-document.png');
  });

  await step('the diff shows exactly the corrected figures', async () => {
    await page.click('section.timeline a:has-text("对比 diff v1→v2")');
    await page.waitForURL(/\/diff\?a=1&b=2$/);
    const oldRow = page.locator('.sdiff .row.chg.old', { hasText: '全局成诉率' });
    const newRow = page.locator('.sdiff .row.chg.new', { hasText: '全局成诉率' });
    assert.equal(await oldRow.count(), 1, 'one changed sentence');
    assert.ok((await oldRow.locator('del').count()) >= 1 && (await newRow.locator('ins').count()) >= 1, 'characters highlighted');
    const ins = (await newRow.locator('ins').allTextContents()).join('');
    assert.ok(ins.length <= 6, `only the changed digits are marked, not the sentence: ${ins}`);
    assert.equal(await page.locator('table.fields-diff tbody tr').count(), 0, 'no metadata changed');
    await shot(page, 'demo-4-diff.png');
  });

  await step('the archived raw page is served sandboxed', async () => {
    const resp = await page.goto(docURL + '/v/1/raw');
    assert.equal(resp.status(), 200);
    assert.match(resp.headers()['content-security-policy'] || '', /^sandbox;/);
  });

  await step('the Atom feed lists the two alerts of the second crawl', async () => {
    const resp = await page.request.get(base + '/feed.atom');
    assert.equal(resp.status(), 200);
    const xml = await resp.text();
    assert.equal((xml.match(/<entry>/g) || []).length, 2, 'baseline events are not in the feed');
    assert.ok(xml.includes(demo.notice) && xml.includes(demo.corrected));
  });
} finally {
  await close();
}
console.log(`screenshots in ${shots}`);
if (failures() > 0) {
  console.log(`${failures()} check(s) failed`);
  process.exit(1);
}
