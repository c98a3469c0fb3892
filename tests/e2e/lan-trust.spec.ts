// How the LAN mode's browser tests trust the generated CA without touching the system: Chromium's own option
// --ignore-certificate-errors-spki-list with the CA's key hash (docs/testing.md, "LAN mode and TLS"). A probe of
// that way, kept small; the whole phone path over TLS is in its own spec.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test, type Browser } from '@playwright/test';
import { chromiumPath, launchArgs } from '../../scripts/chromium-launch.ts';
import { startLocalStack, type LocalStack } from '../../infra/local/local-stack.ts';

const LAN_ADDRESS = '127.0.0.2';
const HOST_NAME = 'lhr-probe.local';

let stack: LocalStack;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lhr-lan-trust-'));
  stack = await startLocalStack({
    appPort: 0,
    kinesisPort: 0,
    streamName: 'liveheartrate',
    region: 'us-east-1',
    distDir: 'dist',
    dataDir,
    lan: { addresses: [LAN_ADDRESS], httpsPort: 0, setupPort: 0, hostName: HOST_NAME },
  });
});

test.afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function launch(extraArgs: string[]): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: [...launchArgs, ...extraArgs] });
}

test('Chromium trusting the CA by its key loads the app over TLS, by address and by host name', async () => {
  // Prepare
  const lan = stack.lan;
  if (lan?.caSpkiSha256 === undefined) throw new Error('no generated CA');
  const port = new URL(lan.appUrl).port;
  const browser = await launch([`--ignore-certificate-errors-spki-list=${lan.caSpkiSha256}`, `--host-resolver-rules=MAP ${HOST_NAME} ${LAN_ADDRESS}`]);
  try {
    const page = await browser.newPage();

    // Act
    const byAddress = await page.goto(`${lan.appUrl}/`);
    const details = await byAddress?.securityDetails();
    const protocol = await page.evaluate(() => location.protocol);
    const byName = await page.goto(`https://${HOST_NAME}:${port}/`);

    // Assess: TLS itself, not only a secure context (127.0.0.0/8 is one even over http).
    expect(byAddress?.status()).toBe(200);
    expect(details?.issuer).toMatch(/^liveheartrate local CA \(/);
    expect(details?.protocol).toBe('TLS 1.3');
    expect(protocol).toBe('https:');
    expect(byName?.status()).toBe(200);
    expect((await byName?.securityDetails())?.subjectName).toBe(HOST_NAME);
  } finally {
    await browser.close();
  }
});

test('Chromium without that option refuses the certificate', async () => {
  const lan = stack.lan;
  if (lan === undefined) throw new Error('no LAN part');
  const browser = await launch([]);
  try {
    const page = await browser.newPage();
    await expect(page.goto(`${lan.appUrl}/`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
  } finally {
    await browser.close();
  }
});
