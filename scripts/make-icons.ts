// Run with `npx tsx scripts/make-icons.ts` after changing the icon.
// Renders public/icons/icon.svg to the PNG sizes the web app manifest lists, in headless Chromium.
import { chromium } from '@playwright/test';
import { readFile, writeFile } from 'node:fs/promises';
import { chromiumPath, launchArgs } from './chromium-launch.ts';

const svg = await readFile('public/icons/icon.svg', 'utf8');
const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...launchArgs] });
try {
  for (const [size, file, pad] of [
    [192, 'icon-192.png', 0],
    [512, 'icon-512.png', 0],
    [512, 'icon-maskable-512.png', 0.1],
  ] as const) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const inner = Math.round(size * (1 - 2 * pad));
    await page.setContent(
      `<body style="margin:0;background:#0f1115;display:grid;place-items:center;height:${size}px">` +
        `<img src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}" width="${inner}" height="${inner}"></body>`,
    );
    await writeFile(`public/icons/${file}`, await page.screenshot({ omitBackground: false }));
    await page.close();
  }
} finally {
  await browser.close();
}
