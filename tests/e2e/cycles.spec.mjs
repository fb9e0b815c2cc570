// The add-and-remove test: six elements at a time, added to a host page and removed again, 50
// times (a notebook removes an element on every re-run of its cell). Each cycle must leave nothing
// behind; the memory after cycles 10 and 50 is written to test-results/cycles-memory.json, and
// `make bench` reports its growth.
import { test, expect } from '@playwright/test';
import { writeFileSync, mkdirSync } from 'node:fs';
import { openHost, runCycles, MEMORY_ARGS } from './cycles.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;

test.use({ launchOptions: { executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', ...MEMORY_ARGS] } });

test('50 cycles of six elements added and removed: each leaves nothing behind', async ({ page }) => {
  test.setTimeout(600_000);
  await openHost(page, '/lifecycle-cycles.html');
  const { leftOver, memory } = await runCycles(page, 50, [10, 50]);
  for (const left of leftOver) {
    expect(left, `cycle ${left.cycle}`).toEqual({ cycle: left.cycle, open: 0, handles: 0, pageModels: 0, workerModels: 0,
      errorListeners: 0, attached: 0 });
  }
  // The figures (make bench reports their growth): written for the record, not judged here.
  mkdirSync(`${ROOT}test-results`, { recursive: true });
  writeFileSync(`${ROOT}test-results/cycles-memory.json`, `${JSON.stringify(memory, null, 2)}\n`);
  expect(memory.map((m) => m.cycle)).toEqual([10, 50]);
  for (const m of memory) expect(m.heap).toBeGreaterThan(0);
});
