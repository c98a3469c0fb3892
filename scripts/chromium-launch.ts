// How this project launches Chromium: the browser tests, the benchmarks and the icon script share it, so it
// lives outside tests/ (nothing but tests may import from there).
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** CHROME_PATH, else Debian's Chromium, else Playwright's own download (which cannot be fetched here). */
export function chromiumPath(): string {
  const fromEnv = process.env['CHROME_PATH'];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROME_PATH=${fromEnv} does not exist: fix it or unset it`);
    return fromEnv;
  }
  if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  const bundled = bundledChromiumPath();
  if (bundled && existsSync(bundled)) return bundled;
  throw new Error('No Chromium found: run "apt-get install -y chromium" or set CHROME_PATH');
}

function bundledChromiumPath(): string | undefined {
  try {
    return chromium.executablePath();
  } catch {
    return undefined; // no browser registry entry: treat as not installed
  }
}

/**
 * Flags for Web Bluetooth under emulation. Playwright adds --headless itself (headless is the
 * default). Chromium keeps only the LAST --enable-features, so this one replaces Playwright's
 * own (CDPScreenshotNewSurface, SkipListAccountsWithoutGaiaCookies); screenshots still work.
 */
export const launchArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // WebBluetooth exposes navigator.bluetooth on Linux; the new permissions backend adds getDevices(),
  // which sensor.notify() needs.
  '--enable-features=WebBluetooth,WebBluetoothNewPermissionsBackend',
];
