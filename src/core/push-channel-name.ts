// The AWS push channel (AppSync Events, docs/deploy-aws.md "Push channel") has one channel per session, named from
// its view id. A channel segment may hold only letters, digits and '-', and a view id is base64url (it holds '_'
// too), so the segment is the view id's 16 bytes in lowercase hex: one channel per view id and back, a fixed length,
// and a shape the namespace's onSubscribe handler checks exactly (infra/cdk/push/on-subscribe.js).
import { isViewId } from './session-key.ts';

/** The channel namespace: every session channel is `/live/<32 hex digits>`, nothing else exists under it. */
export const PUSH_NAMESPACE = 'live';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The session's channel path; throws on anything but a canonical view id (callers hold validated ones). */
export function pushChannelOf(viewId: string): string {
  if (!isViewId(viewId)) throw new TypeError('not a view id');
  // 22 characters carry 132 bits: the 128 of the id, then 4 zero bits (isViewId checks the last character).
  let bits = 0n;
  for (const char of viewId) bits = (bits << 6n) | BigInt(BASE64URL.indexOf(char));
  return `/${PUSH_NAMESPACE}/${(bits >> 4n).toString(16).padStart(32, '0')}`;
}
