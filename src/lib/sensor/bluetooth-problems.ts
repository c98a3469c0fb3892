import type { SourceProblem } from './heart-rate-source.ts';

export const NO_WEB_BLUETOOTH: SourceProblem = {
  kind: 'no-web-bluetooth',
  message:
    'This browser cannot talk to Bluetooth sensors. Use Chrome or Edge on a computer or Android phone; on iPhone and iPad, use a Web Bluetooth browser such as Bluefy. You can still try the demo sensor.',
};

/** Turns what Web Bluetooth rejects with into a message a person can act on. */
export function describeBluetoothError(error: unknown): SourceProblem {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  const text = error instanceof Error || error instanceof DOMException ? error.message : String(error);
  if (name === 'NotFoundError' && /cancel/i.test(text)) {
    return { kind: 'chooser-cancelled', message: 'No sensor was chosen. Tap “Connect sensor” to try again.' };
  }
  if (/adapter|bluetooth is off|powered/i.test(text)) {
    return {
      kind: 'bluetooth-off',
      message: 'Bluetooth is off or unavailable. Turn Bluetooth on for this device, then try again.',
    };
  }
  if (name === 'SecurityError' || name === 'NotAllowedError') {
    return {
      // Kept apart: in LAN mode a SecurityError may mean the certificate is not trusted (lib/lan/lan-page.ts).
      kind: name === 'SecurityError' ? 'not-secure' : 'not-allowed',
      message: 'The browser did not allow Bluetooth here. Open the app over https (or localhost) and tap the button again.',
    };
  }
  if (name === 'TimeoutError') {
    return { kind: 'timeout', message: `The sensor stopped answering (${text}). Move closer and try again.` };
  }
  if (name === 'NotFoundError' || name === 'NotSupportedError') {
    return {
      kind: 'no-heart-rate-service',
      message:
        'This device does not offer the standard heart-rate service. On a Garmin watch, turn on “Broadcast Heart Rate” first.',
    };
  }
  return {
    kind: 'connection-failed',
    message: 'Could not connect to the sensor. Make sure it is on, close by and not connected to another app, then try again.',
  };
}
