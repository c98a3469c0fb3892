import type { PublicReading } from '../../src/core/live-api-types.ts';
import type { StoredReading } from '../store/live-store.ts';

/**
 * A reading as viewers see it, for the live API's answers and pushed events alike: an explicit allow-list, so
 * whatever else a store keeps (kj, positions, receive times) stays out.
 */
export function toPublicReading(r: StoredReading): PublicReading {
  const out: PublicReading = { seq: r.seq, t: r.t, bpm: r.bpm };
  if (r.rr !== undefined) out.rr = r.rr;
  if (r.contact !== undefined) out.contact = r.contact;
  return out;
}
