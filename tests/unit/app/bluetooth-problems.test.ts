import { describe, expect, it } from 'vitest';
import { describeBluetoothError } from '../../../src/lib/sensor/bluetooth-problems.ts';

describe('Bluetooth refusals', () => {
  it('keeps a SecurityError apart from a NotAllowedError, since in LAN mode it may mean an untrusted certificate', () => {
    // Act
    const security = describeBluetoothError(new DOMException('Origin is not allowed to access Bluetooth.', 'SecurityError'));
    const notAllowed = describeBluetoothError(new DOMException('Must be handling a user gesture.', 'NotAllowedError'));

    // Assess
    expect(security.kind).toBe('not-secure');
    expect(notAllowed.kind).toBe('not-allowed');
    expect(security.message).toBe(notAllowed.message);
  });
});
