// Builds the CDK app with its one stack and the cdk-nag AwsSolutions checks, for `cdk synth/deploy` (app.ts)
// and for the tests, which synthesize the same thing with their own options.
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { checkOptionsForRegion, type AppOptions } from './app-options.ts';
import { LiveHeartRateStack } from './liveheartrate-stack.ts';

export interface CreatedApp {
  app: App;
  stack: LiveHeartRateStack;
}

export interface CreateAppOptions {
  options: AppOptions;
  /** The app to build into (the CLI's, carrying its context); a new one otherwise. */
  app?: App;
  appProps?: AppProps;
  /** Concrete account/region; absent for an environment-agnostic template. */
  env?: { account?: string; region?: string };
}

export function createApp({ options, app = undefined, appProps, env }: CreateAppOptions): CreatedApp {
  checkOptionsForRegion(options, env?.region);
  app ??= new App(appProps);
  const stack = new LiveHeartRateStack(app, options.stackName, {
    options,
    description: 'liveheartrate: live heart rate from the browser through Kinesis to OpenSearch, S3/Athena and CloudFront',
    ...(env !== undefined ? { env } : {}),
  });
  addChecks(app);
  return { app, stack };
}

/**
 * cdk-nag's AwsSolutions pack. Every finding must be fixed or acknowledged with its reason next to the
 * resource it concerns; the report goes to the cloud assembly and unacknowledged errors stop synthesis.
 */
export function addChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
}
