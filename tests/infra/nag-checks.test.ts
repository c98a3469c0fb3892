// The checks the real app registers do catch findings: without this, "zero findings" in the stack tests
// could also mean "no checks ran". Small apps of their own, so this costs no bundling.
import { rmSync } from 'node:fs';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { addChecks } from '../../infra/cdk/create-app.ts';
import { readViolations, scratchOutdir } from './synth.ts';

const outdirs: string[] = [];
afterEach(() => {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function appWith(build: (stack: Stack) => void): App {
  const outdir = scratchOutdir();
  outdirs.push(outdir);
  const app = new App({ outdir });
  build(new Stack(app, 'Probe', { env: { account: '123456789012', region: 'eu-west-1' } }));
  addChecks(app);
  return app;
}

describe('cdk-nag as the app registers it', () => {
  it('stops synthesis on an unacknowledged error-level finding', () => {
    const app = appWith((stack) => new sns.Topic(stack, 'PlainTopic'));
    expect(() => app.synth()).toThrow(/AwsSolutions-SNS3/);
  });

  it('reports nothing once the finding is acknowledged with a reason', () => {
    const app = appWith((stack) => {
      const topic = new sns.Topic(stack, 'PlainTopic');
      Validations.of(topic).acknowledge({ id: 'AwsSolutions-SNS3', reason: 'A probe topic in a test, never deployed anywhere.' });
    });
    const assembly = app.synth();
    expect(readViolations(assembly.directory)).toEqual([]);
  });

  it('acknowledges one finding, not the rule: another resource with the same finding still fails', () => {
    const app = appWith((stack) => {
      const acknowledged = new sns.Topic(stack, 'Acknowledged');
      Validations.of(acknowledged).acknowledge({ id: 'AwsSolutions-SNS3', reason: 'A probe topic in a test, never deployed anywhere.' });
      new sns.Topic(stack, 'NotAcknowledged');
    });
    expect(() => app.synth()).toThrow(/NotAcknowledged/);
  });

  it('surfaces the findings of a bucket without the baseline (access logs, TLS)', () => {
    const app = appWith((stack) => new s3.Bucket(stack, 'Bare'));
    expect(() => app.synth()).toThrow(/AwsSolutions-S1[\s\S]*AwsSolutions-S10|AwsSolutions-S10[\s\S]*AwsSolutions-S1/);
  });
});
