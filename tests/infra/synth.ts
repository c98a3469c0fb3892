// Synthesizes the real app (cdk.json feature flags, cdk-nag, CloudFormation validation) the way `cdk synth`
// does, but into a scratch directory inside the repo, and returns everything a test asserts on.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { readAppOptions } from '../../infra/cdk/app-options.ts';
import { createApp, type CreatedApp } from '../../infra/cdk/create-app.ts';
import { REPO_ROOT } from '../../infra/cdk/paths.ts';

// CDK stages bundles and assets under the system temp dir; keep them inside the repo (.tmp is ignored).
const SCRATCH = join(REPO_ROOT, '.tmp', 'cdk-tests');
mkdirSync(SCRATCH, { recursive: true });
process.env['TMPDIR'] = SCRATCH;

export const TEST_ENV = { account: '123456789012', region: 'eu-west-1' } as const;
export const ADMIN_ARN = 'arn:aws:iam::123456789012:role/LiveHeartRateAdmin';
export const FIXTURE_SITE = 'tests/infra/fixtures/site';

export interface ValidationViolation {
  ruleName: string;
  description: string;
  severity?: string;
  violatingConstructs?: Array<{ constructPath?: string }>;
}

export interface Synthesized extends CreatedApp {
  template: Template;
  /** Findings of every validation plugin (cdk-nag, CloudFormation validation, annotations) left unacknowledged. */
  violations: ValidationViolation[];
  /** Warnings and errors CDK attached to the stack while synthesizing. */
  problems: Array<{ level: string; id: string; text: string }>;
  cleanUp(): void;
}

/** Synthesizes the app with extra context, in TEST_ENV unless another environment is given. */
export function synthesize(context: Record<string, unknown> = {}, env: { account: string; region: string } = TEST_ENV): Synthesized {
  const outdir = scratchOutdir();
  const cleanUp = () => rmSync(outdir, { recursive: true, force: true });
  try {
    const flags = (JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
    const merged: Record<string, unknown> = { adminPrincipalArn: ADMIN_ARN, siteDir: FIXTURE_SITE, ...context };
    const options = readAppOptions((key) => merged[key], REPO_ROOT);
    const created = createApp({ options, appProps: { outdir, context: flags }, env });
    // Throws when a plugin reports an error; warnings are read from the report below.
    const assembly = created.app.synth();
    const violations = readViolations(assembly.directory);
    const problems = assembly
      .getStackArtifact(created.stack.artifactId)
      .messages.filter((message) => String(message.level) !== 'info')
      .map(({ level, id, entry }) => ({ level, id, text: typeof entry.data === 'string' ? entry.data : JSON.stringify(entry.data) }));
    return { ...created, template: Template.fromStack(created.stack), violations, problems, cleanUp };
  } catch (error) {
    cleanUp();
    throw error;
  }
}

/** Unacknowledged findings (any severity) in the validation report of a synthesized cloud assembly. */
export function readViolations(assemblyDir: string): ValidationViolation[] {
  const report = JSON.parse(readFileSync(join(assemblyDir, 'validation-report.json'), 'utf8')) as {
    pluginReports: Array<{ violations?: ValidationViolation[] }>;
  };
  return report.pluginReports.flatMap((plugin) => plugin.violations ?? []);
}

/** A scratch output directory for a small app of a test's own. */
export function scratchOutdir(): string {
  return mkdtempSync(join(SCRATCH, 'assembly-'));
}

/** The one resource of a type whose logical id starts with a prefix, e.g. the consumer's role. */
export function logicalIdStartingWith(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0] as string;
}
