// The setup server's whole surface: the page and the CA certificate, by GET (or HEAD); everything else is 404.
// Links are built from the address the request came in on, not its Host header, which the client chooses.
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { CA_CERT_FILE } from './lan-files.ts';
import { renderSetupPage } from './setup-page.ts';

export const CA_DOWNLOAD_PATH = `/${CA_CERT_FILE}`;

// The page runs no script and loads nothing: its own inline style, links, and no framing by another page.
const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export interface SetupHandlerOptions {
  httpsPort: number;
  /** The generated CA's certificate (public); absent with a person's own certificate. */
  caCertPem?: string;
}

export function createSetupHandler(options: SetupHandlerOptions): RequestListener {
  const ca = options.caCertPem === undefined ? undefined : new X509Certificate(options.caCertPem);
  return (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(req, res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { Allow: 'GET, HEAD' });
    if (path === '/') {
      const appUrl = `https://${req.socket.localAddress}:${options.httpsPort}/`;
      const page = renderSetupPage({ appUrl, ca: ca && { downloadPath: CA_DOWNLOAD_PATH, fingerprint256: ca.fingerprint256 } });
      return send(req, res, 200, 'text/html; charset=utf-8', page, { 'Content-Security-Policy': PAGE_POLICY });
    }
    // DER: Android's certificate installer and every desktop store take it.
    if (path === CA_DOWNLOAD_PATH && ca !== undefined) return send(req, res, 200, 'application/x-x509-ca-cert', ca.raw, { 'Content-Disposition': `attachment; filename="${CA_CERT_FILE}"` });
    send(req, res, 404, 'text/plain; charset=utf-8', 'not found\n', {});
  };
}

function send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(req.method === 'HEAD' ? undefined : body);
}
