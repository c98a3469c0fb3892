// onSubscribe handler of the `live` channel namespace (APPSYNC_JS; docs/deploy-aws.md "Push channel"). The API key
// that lets a page connect and subscribe is public, so this is what keeps a subscriber to the one session whose view
// id it holds: a channel must be exactly `/live/<32 lowercase hex digits>` (src/core/push-channel-name.ts), which
// refuses a wildcard (`/live/*`, `/*`), any other depth and any other spelling. Channels cannot be listed.
// APPSYNC_JS has no classic for loop; split and some() do the character check.
import { util } from '@aws-appsync/utils';

const HEX = '0123456789abcdef';

export function onSubscribe(ctx) {
  const segments = ctx.info.channel.segments;
  if (segments.length !== 2 || segments[0] !== 'live') util.unauthorized();
  const id = segments[1];
  if (id.length !== 32 || id.split('').some((c) => HEX.indexOf(c) === -1)) util.unauthorized();
}
