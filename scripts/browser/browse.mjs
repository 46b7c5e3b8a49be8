// Drives a running gongkai web server (serving the demo archive of
// web/internal/demo) through sources → a source's documents → a document →
// the diff of its two versions, asserting what an archivist would see, and
// checks that an archived raw page cannot run its scripts.
//
//   node browse.mjs http://127.0.0.1:PORT [screenshot-dir]
//
// Screenshots go to screenshot-dir (default: a new temp dir, printed).
// Environment: CHROMIUM overrides /usr/bin/chromium. Exit status 1 on any
// failed check.
import { launch, steps } from './lib.mjs';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const base = (process.argv[2] || '').replace(/\/$/, '');
if (!base) {
  console.error('usage: node browse.mjs BASE_URL [SCREENSHOT_DIR]');
  process.exit(2);
}
const shots = process.argv[3] || fs.mkdtempSync(path.join(os.tmpdir(), 'gongkai-shots-'));
fs.mkdirSync(shots, { recursive: true });

// Must match web/internal/demo.
const demo = {
  source: 'ninghai',
  reportTitle: '宁海县公安局2024年法治政府建设年度报告',
  noticeTitle: '关于开展春季安全生产大检查的通知',
  changedBefore: '全县警情同比下降14.83%',
  changedAfter: '全县警情同比下降14.88%',
  addedSentence: '三是落实负面清单制度，明确社区民警9项日常工作任务。',
  hostileTitle: 'pwned',
};

const { context, close } = await launch(base);
const { step, failures } = steps();
const shot = async (page, name) => {
  const file = path.join(shots, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`     screenshot ${file}`);
};

const page = await context.newPage();
const consoleErrors = [];
page.on('console', msg => { if (msg.type() === 'error') consoleErrors.push(`${page.url()}: ${msg.text()}`); });

let docURL = '';
let diffURL = '';

try {
  await step('sources page lists the sources with their last run', async () => {
    const resp = await page.goto(base + '/');
    assert.equal(resp.status(), 200);
    assert.equal((await page.locator('h1').textContent()).trim(), '来源 Sources');
    const row = page.locator('table.sources tbody tr', { has: page.locator(`a[href="/sources/${demo.source}"]`) });
    assert.equal(await row.count(), 1, 'one row for the source');
    const cells = await row.locator('td').allTextContents();
    assert.match(cells[3], /^\s*4\s*$/, 'documents column');
    assert.match(cells[4], /^\s*1\s*$/, 'withdrawn column');
    assert.match(cells[5], /1 changed/, 'last run stats');
    assert.match(await page.locator('table.sources').textContent(), /HTTP 412/, 'the other source shows its last error');
    await shot(page, '1-sources.png');
  });

  await step('source page lists its documents and searches them', async () => {
    await page.click(`a[href="/sources/${demo.source}"]`);
    await page.waitForURL(`**/sources/${demo.source}`);
    const titles = await page.locator('ol.docs li a.title').allTextContents();
    assert.ok(titles.includes(demo.reportTitle), `report listed in ${titles}`);
    assert.ok(titles.includes(demo.noticeTitle), `notice listed in ${titles}`);
    assert.match(await page.locator('p.count').textContent(), /4 个文件/);
    await shot(page, '2-source.png');

    await page.fill('form.filters input[name=q]', '安全');
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/q=/);
    const found = await page.locator('ol.docs li a.title').allTextContents();
    assert.deepEqual(found, [demo.noticeTitle], 'a two-character search finds only the notice');
    await shot(page, '3-source-search.png');

    await page.goto(`${base}/sources/${demo.source}`);
  });

  await step('document page shows metadata, body and the version timeline', async () => {
    await page.click(`ol.docs li a.title:text-is("${demo.reportTitle}")`);
    await page.waitForURL(/\/docs\/\d+$/);
    docURL = page.url();
    assert.equal((await page.locator('h1').textContent()).trim(), demo.reportTitle);
    const meta = page.locator('table.meta-table');
    assert.equal((await meta.locator('tr:has(th:text-is("索引号 Index No.")) td').textContent()).trim(), '002966124/2025-41880');
    assert.equal((await meta.locator('tr:has(th:text-is("发布日期 Published")) td').textContent()).trim(), '2025-01-24');
    assert.equal((await meta.locator('tr:has(th:text-is("发布机构 Publisher")) td').textContent()).trim(), '宁海县公安局');
    assert.match(await page.locator('section.body').textContent(), new RegExp(demo.addedSentence), 'latest body shown');
    const versions = page.locator('section.timeline li.version');
    assert.equal(await versions.count(), 2, 'two versions in the timeline');
    assert.match(await versions.first().textContent(), /v2/);
    const raw = page.locator('section.timeline a:text-is("原始网页 raw")').first();
    assert.equal(await raw.getAttribute('target'), '_blank');
    assert.equal(await page.locator('iframe, script, object, embed').count(), 0, 'nothing embedded or scripted in the UI');
    await shot(page, '4-document.png');
  });

  await step('diff page highlights the changed characters', async () => {
    await page.click('section.timeline a:has-text("对比 diff v1→v2")');
    await page.waitForURL(/\/diff\?a=1&b=2$/);
    diffURL = page.url();
    const oldRow = page.locator('.sdiff .row.chg.old', { hasText: '全县警情同比下降' });
    const newRow = page.locator('.sdiff .row.chg.new', { hasText: '全县警情同比下降' });
    assert.equal(await oldRow.locator('del').allTextContents().then(t => t.join('|')), '3', 'only the old digit is struck out');
    assert.equal(await newRow.locator('ins').allTextContents().then(t => t.join('|')), '8', 'only the new digit is marked');
    assert.match(await oldRow.textContent(), new RegExp(demo.changedBefore.replace('.', '\\.')));
    assert.match(await newRow.textContent(), new RegExp(demo.changedAfter.replace('.', '\\.')));
    assert.equal((await page.locator('.sdiff .row.ins ins').first().textContent()).trim(), demo.addedSentence);
    assert.equal(await page.locator('.sdiff .row.del del').count(), 1, 'one removed sentence');
    const insColor = await newRow.locator('ins').evaluate(el => getComputedStyle(el).backgroundColor);
    assert.notEqual(insColor, 'rgba(0, 0, 0, 0)', 'inserted characters have a background');
    const field = page.locator('table.fields-diff tbody tr');
    assert.equal(await field.count(), 1, 'one field changed');
    assert.equal((await field.locator('del').textContent()).trim(), '2025-01-23');
    assert.equal((await field.locator('ins').textContent()).trim(), '2025-01-24');
    assert.ok(await page.locator('.sdiff .row.skip').count() >= 1, 'unchanged runs are folded');
    await shot(page, '5-diff.png');
  });

  await step('the archived raw page is sandboxed: its scripts do not run', async () => {
    const rawURL = docURL + '/v/1/raw';
    const resp = await page.goto(rawURL);
    assert.equal(resp.status(), 200);
    const csp = resp.headers()['content-security-policy'] || '';
    assert.match(csp, /^sandbox;/);
    assert.match(csp, /default-src 'none'/);
    assert.equal(resp.headers()['x-content-type-options'], 'nosniff');
    assert.equal(await page.title(), demo.reportTitle, 'the page title was not rewritten by its script');
    assert.notEqual(await page.title(), demo.hostileTitle);
    await shot(page, '6-raw.png');
  });

  await step('pages fit a phone screen', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    for (const [name, url] of [['7-phone-document.png', docURL], ['8-phone-diff.png', diffURL]]) {
      await phone.goto(url);
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${url} scrolls sideways by ${overflow}px on a phone`);
      await shot(phone, name);
    }
    await phone.close();
  });

  await step('UI pages log no errors (no CSP violations)', async () => {
    const ui = consoleErrors.filter(e => !e.includes('/raw:') && !/\/raw\b/.test(e.split(': ')[0]));
    assert.deepEqual(ui, []);
  });
} finally {
  await close();
}

console.log(`screenshots in ${shots}`);
if (failures() > 0) {
  console.log(`${failures()} check(s) failed`);
  process.exit(1);
}
