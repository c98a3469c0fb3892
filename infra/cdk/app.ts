// `cdk synth` / `cdk deploy` entry (cdk.json: npx tsx infra/cdk/app.ts). Options come from CDK context;
// see README "Deploy to AWS".
import { App } from 'aws-cdk-lib';
import { AppOptionsError, PLACEHOLDER_NOTICE, readAppOptions } from './app-options.ts';
import { createApp } from './create-app.ts';
import { REPO_ROOT } from './paths.ts';

const app = new App();
try {
  const options = readAppOptions((key) => app.node.tryGetContext(key), REPO_ROOT);
  if (options.adminIsPlaceholder) console.warn(`liveheartrate: ${PLACEHOLDER_NOTICE}`);
  const account = process.env['CDK_DEFAULT_ACCOUNT'];
  const region = process.env['CDK_DEFAULT_REGION'];
  createApp({ app, options, ...(account !== undefined || region !== undefined ? { env: { account, region } } : {}) });
  app.synth();
} catch (error) {
  if (error instanceof AppOptionsError) {
    console.error(`liveheartrate: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
