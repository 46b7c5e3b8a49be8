// Searches the demo archive (web/internal/demo) in headless Chromium the way
// an archivist would: types a quoted Chinese phrase into the search page and
// checks the hits, their highlighted snippets and titles, and a source filter.
//
//   node search.mjs http://127.0.0.1:PORT [screenshot-dir]
//
// Environment: CHROMIUM overrides /usr/bin/chromium. Exit status 1 on any
// failed check.
import { args, launch, steps } from './lib.mjs';
import assert from 'node:assert/strict';
import path from 'node:path';

const { base, shots } = args('search.mjs');

// Must match web/internal/demo.
const demo = {
  phrase: '法治政府建设',
  reportTitle: '宁海县公安局2024年法治政府建设年度报告',
  cixiTitle: '慈溪市公安局2022年法治政府建设工作情况',
  noticeTitle: '关于开展春季安全生产大检查的通知',
};

const { context, close } = await launch(base);
const { step, failures } = steps();
const page = await context.newPage();

try {
  await step('a quoted Chinese phrase finds exactly the documents holding it', async () => {
    await page.goto(base + '/search');
    await page.fill('form.filters input[name=q]', `"${demo.phrase}"`);
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/q=/);
    const titles = (await page.locator('ol.hits li a.title').allTextContents()).map(t => t.trim());
    assert.deepEqual([...titles].sort(), [demo.cixiTitle, demo.reportTitle].sort(), `hits: ${titles}`);
    assert.match(await page.locator('p.count').textContent(), /2 个文件/);
    await page.screenshot({ path: path.join(shots, 'search-phrase.png'), fullPage: true });
  });

  await step('snippets and titles highlight the phrase with <mark>', async () => {
    const marks = await page.locator('ol.hits li mark').allTextContents();
    assert.ok(marks.length >= 3, `expected marks in titles and a snippet, got ${marks}`);
    for (const m of marks) assert.equal(m, demo.phrase, 'every highlight is the phrase');
    const titleMarks = await page.locator('ol.hits li a.title mark').count();
    assert.equal(titleMarks, 2, 'both titles highlighted');
    const report = page.locator('ol.hits li').filter({ hasText: demo.reportTitle });
    const snippet = report.locator('p.snippet');
    assert.equal(await snippet.locator('mark').first().textContent(), demo.phrase, 'the report snippet marks the phrase');
    assert.match(await snippet.textContent(), /推进法治政府建设的总体情况/, 'the snippet is the text around the match');
    const bg = await snippet.locator('mark').first().evaluate(el => getComputedStyle(el).backgroundColor);
    assert.notEqual(bg, 'rgba(0, 0, 0, 0)', 'the highlight is visible');
    const html = await page.content();
    assert.ok(!html.includes('&lt;mark&gt;'), 'no escaped <mark> shown as text');
  });

  await step('a source filter narrows the hits and the hit opens its document', async () => {
    await page.selectOption('form.filters select[name=source]', 'cixi');
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/source=cixi/);
    const titles = (await page.locator('ol.hits li a.title').allTextContents()).map(t => t.trim());
    assert.deepEqual(titles, [demo.cixiTitle]);
    await page.click('ol.hits li a.title');
    await page.waitForURL(/\/docs\/\d+$/);
    assert.equal((await page.locator('h1').textContent()).trim(), demo.cixiTitle);
  });

  await step('a phrase that does not occur finds nothing', async () => {
    await page.goto(`${base}/search?q=${encodeURIComponent('"政府法治"')}`);
    assert.equal(await page.locator('ol.hits li').count(), 0);
    assert.match(await page.locator('p.empty').textContent(), /No matching documents/);
  });
} finally {
  await close();
}
if (failures()) {
  console.log(`${failures()} check(s) failed`);
  process.exit(1);
}
console.log('all search checks passed');
