// Shared by the browser checks: launch Debian's Chromium the way this
// machine needs it, keep every request on the server under test, and run
// named steps that report ok/FAIL and keep going.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export async function launch(base) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongkai-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  // Nothing may leave the machine (archived pages reference remote images).
  await context.route(url => !url.href.startsWith(base) && !url.href.startsWith('data:'), route => route.abort());
  const close = async () => {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, close };
}

export function steps() {
  let failures = 0;
  async function step(name, fn) {
    try {
      await fn();
      console.log(`ok   ${name}`);
    } catch (err) {
      failures++;
      console.log(`FAIL ${name}\n     ${String(err && err.message || err).split('\n').join('\n     ')}`);
    }
  }
  return { step, failures: () => failures };
}

// args reads a script's command line: the server's base URL and where to
// put screenshots (default: a new temp dir).
export function args(script) {
  const base = (process.argv[2] || '').replace(/\/$/, '');
  if (!base) {
    console.error(`usage: node ${script} BASE_URL [SCREENSHOT_DIR]`);
    process.exit(2);
  }
  const shots = process.argv[3] || fs.mkdtempSync(path.join(os.tmpdir(), 'gongkai-shots-'));
  fs.mkdirSync(shots, { recursive: true });
  return { base, shots };
}
