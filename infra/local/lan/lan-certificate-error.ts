/** A certificate problem the person must act on; the message says which file and what to do. */
export class LanCertificateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LanCertificateError';
  }
}
