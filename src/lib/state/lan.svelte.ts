import type { LanConfig } from '../../core/runtime-config.ts';
import { chooseShareOrigin, meansUntrustedCertificate, offersPhoneCard, type ErrorName } from '../lan/lan-page.ts';

/** Where the page was loaded from; `location` in the browser, a plain object in tests. */
export interface PageLocation {
  readonly origin: string;
  readonly protocol: string;
}

/**
 * The embedded stack's LAN mode as a page sees it: null until config.json is read, and in every other world. The
 * decisions are lan-page.ts's; this only holds what they are made from.
 */
export class LanState {
  config = $state.raw<LanConfig | null>(null);
  private failure = $state<ErrorName>(null);

  constructor(private readonly page: PageLocation) {}

  // Getters, not $derived: they read the page, which a field initializer cannot; reading the runes keeps them reactive.
  get shareOrigin(): string {
    return chooseShareOrigin(this.page.origin, this.config);
  }

  get offersPhoneCard(): boolean {
    return offersPhoneCard(this.page.protocol, this.config);
  }

  get untrusted(): boolean {
    return meansUntrustedCertificate(this.page.protocol, this.config, this.failure);
  }

  configure(lan: LanConfig | undefined): void {
    this.config = lan ?? null;
  }

  /**
   * A browser API refused with this error name (errorNameOf). A SecurityError is kept, since it may mean this device
   * does not trust the certificate (lan-page.ts decides); anything later does not wipe it out.
   */
  observeFailure(name: ErrorName): void {
    if (name === 'SecurityError') this.failure = name;
  }
}
