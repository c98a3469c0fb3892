import type { HeartRateReading, PacketError } from '../../core/hr-packet.ts';

/** What the person sees about the sensor link. */
export type SourceStatus = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'lost';

export type SourceProblemKind =
  | 'no-web-bluetooth'
  | 'chooser-cancelled'
  | 'bluetooth-off'
  | 'connection-failed'
  | 'no-heart-rate-service'
  | 'timeout'
  | 'not-allowed'
  /** Refused with a SecurityError: an insecure page, or (LAN mode) one opened past a certificate warning. */
  | 'not-secure';

export interface SourceProblem {
  kind: SourceProblemKind;
  message: string;
}

export interface DeviceInfo {
  name: string;
  batteryPercent?: number;
}

/** A reading with the only clock a sensor has: the time this device received it. */
export interface TimedReading {
  reading: HeartRateReading;
  receivedAt: number;
}

export interface SourceListener {
  reading(r: TimedReading): void;
  status(s: SourceStatus, problem?: SourceProblem): void;
  info(info: DeviceInfo): void;
  packetError(e: PacketError): void;
}

export interface HeartRateSource {
  readonly kind: 'bluetooth' | 'demo';
  /** Stops the source for good; no reconnect follows. */
  stop(): Promise<void>;
}
