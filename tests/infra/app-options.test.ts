// Deploy-time options are checked before anything is built: a wrong value fails synth with a message that
// says what to do, and there is no default that opens the OpenSearch domain.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOW_PLACEHOLDER_ADMIN, AppOptionsError, PLACEHOLDER_ADMIN_PRINCIPAL_ARN, readAppOptions } from '../../infra/cdk/app-options.ts';
import { REPO_ROOT } from '../../infra/cdk/paths.ts';

const ADMIN = 'arn:aws:iam::123456789012:role/Admin';
const SITE = 'tests/infra/fixtures/site';

function read(context: Record<string, unknown>) {
  return readAppOptions((key) => context[key], REPO_ROOT);
}

describe('readAppOptions', () => {
  it('requires the admin principal, with no default', () => {
    expect(() => read({ siteDir: SITE })).toThrow(AppOptionsError);
    expect(() => read({ siteDir: SITE })).toThrow(/Missing context adminPrincipalArn.*-c adminPrincipalArn=/);
  });

  it.each(['*', 'arn:aws:iam::123456789012:root', 'arn:aws:iam::*:role/Admin', 'arn:aws:sts::123456789012:assumed-role/A/b', 'Admin'])(
    'refuses %s as the admin principal (only a role or user ARN)',
    (arn) => {
      expect(() => read({ siteDir: SITE, adminPrincipalArn: arn })).toThrow(/must be an IAM role or user ARN/);
    },
  );

  it('tells to run the build when the site directory has no index.html', () => {
    expect(() => read({ adminPrincipalArn: ADMIN, siteDir: 'tests/infra/fixtures/no-such-build' })).toThrow(/run `npm run build` first/);
  });

  it('defaults to dist/ in the repository', () => {
    // Whatever the state of dist/, the message names it.
    try {
      expect(read({ adminPrincipalArn: ADMIN }).siteDir).toBe(`${REPO_ROOT}dist`);
    } catch (error) {
      expect(String(error)).toContain(`${REPO_ROOT}dist`);
    }
  });

  it('takes the defaults from DEFAULTS when only the required options are given', () => {
    expect(read({ adminPrincipalArn: ADMIN, siteDir: SITE })).toEqual({
      adminPrincipalArn: ADMIN,
      siteDir: `${REPO_ROOT}${SITE}`,
      stackName: 'LiveHeartRate',
      streamMode: 'on-demand',
      streamShards: 1,
      enhancedFanOut: true,
      reserveConcurrency: false,
      waf: false,
      speedRetentionDays: 7,
      rawRetentionDays: 365,
      openSearchDomainName: 'liveheartrate',
      openSearchEngineVersion: '3.7',
      openSearchInstanceType: 't3.small.search',
    });
  });

  it('reads strings from -c and JSON values from cdk.json alike', () => {
    const fromCli = read({ adminPrincipalArn: ADMIN, siteDir: SITE, streamMode: 'provisioned', streamShards: '3', enhancedFanOut: 'true', speedRetentionDays: '30' });
    const fromJson = read({ adminPrincipalArn: ADMIN, siteDir: SITE, streamMode: 'provisioned', streamShards: 3, enhancedFanOut: true, speedRetentionDays: 30 });
    expect(fromCli).toEqual(fromJson);
    expect(fromCli).toEqual(expect.objectContaining({ streamMode: 'provisioned', streamShards: 3, enhancedFanOut: true, speedRetentionDays: 30 }));
  });

  it.each([
    [{ streamMode: 'serverless' }, /streamMode must be/],
    [{ streamShards: '0' }, /streamShards must be a whole number from 1/],
    [{ streamShards: '2.5' }, /streamShards must be a whole number/],
    [{ enhancedFanOut: 'yes' }, /enhancedFanOut must be true or false/],
    [{ reserveConcurrency: '10' }, /reserveConcurrency must be true or false/],
    [{ waf: 'on' }, /waf must be true or false/],
    [{ speedRetentionDays: '-1' }, /speedRetentionDays/],
    [{ openSearchDomainName: 'Live_HR' }, /openSearchDomainName must be/],
    [{ alarmEmail: 'not-an-address' }, /alarmEmail must be an e-mail address/],
    [{ alertEmail: 'coach at example' }, /alertEmail must be an e-mail address/],
    [{ domainName: 'hr.example.com' }, /domainName and certificateArn go together/],
  ])('rejects %j', (extra, message) => {
    expect(() => read({ adminPrincipalArn: ADMIN, siteDir: SITE, ...extra })).toThrow(message);
  });

  it('accepts a custom domain with its certificate', () => {
    const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/abc';
    expect(read({ adminPrincipalArn: ADMIN, siteDir: SITE, domainName: 'hr.example.com', certificateArn }).customDomain).toEqual({
      domainName: 'hr.example.com',
      certificateArn,
    });
  });
});

describe('synth without an admin principal (a fresh clone)', () => {
  it('stands in the placeholder principal when synth allows it, and marks the options as such', () => {
    // Act
    const options = read({ siteDir: SITE, [ALLOW_PLACEHOLDER_ADMIN]: 'true' });

    // Assess
    expect(options.adminPrincipalArn).toBe(PLACEHOLDER_ADMIN_PRINCIPAL_ARN);
    expect(options.adminIsPlaceholder).toBe(true);
    expect(PLACEHOLDER_ADMIN_PRINCIPAL_ARN).toMatch(/^arn:aws:iam::000000000000:role\/PLACEHOLDER-/);
  });

  it('uses a real admin principal when one is given, even where the placeholder is allowed', () => {
    // Act
    const options = read({ siteDir: SITE, [ALLOW_PLACEHOLDER_ADMIN]: 'true', adminPrincipalArn: ADMIN });

    // Assess
    expect(options.adminPrincipalArn).toBe(ADMIN);
    expect(options).not.toHaveProperty('adminIsPlaceholder');
  });

  it('allows the placeholder from `npm run synth` only, never from `npm run deploy`', () => {
    // Prepare
    const { scripts } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

    // Assess
    expect(scripts['synth']).toContain('cdk synth');
    expect(scripts['synth']).toContain(`-c ${ALLOW_PLACEHOLDER_ADMIN}=true`);
    expect(scripts['deploy']).toContain('cdk deploy');
    expect(scripts['deploy']).not.toContain(ALLOW_PLACEHOLDER_ADMIN);
  });

  it('makes the CDK app refuse to build without an admin principal, as a deploy runs it', async () => {
    // Act: the app as `cdk deploy` runs it (cdk.json "app"), with the context the CLI would pass
    const run = await runCdkApp({ siteDir: SITE });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('liveheartrate: Missing context adminPrincipalArn');
  });
});

/** Runs infra/cdk/app.ts as the CDK CLI does: context in CDK_CONTEXT_JSON. */
async function runCdkApp(context: Record<string, unknown>): Promise<{ code: number | null; stderr: string }> {
  const outDir = mkdtempSync(join(tmpdir(), 'lhr-cdk-out-'));
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'infra/cdk/app.ts'], {
        cwd: REPO_ROOT,
        env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outDir },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, stderr }));
    });
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
