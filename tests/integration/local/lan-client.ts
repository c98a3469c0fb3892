import { request } from 'node:https';
import { connect, type DetailedPeerCertificate } from 'node:tls';
import type { RawResponse } from './raw-request.ts';

export interface TlsTarget {
  host: string;
  port: number;
  /** The CA to trust; without it only the system's CAs are (so the local CA's chain must fail). */
  ca?: string;
  /** SNI and the name checked against the certificate; the address itself when absent. */
  servername?: string;
}

/** A TLS handshake only: whether the chain was accepted, and what the server sent. */
export function handshake(target: TlsTarget): Promise<{ authorized: boolean; error?: string; peer: DetailedPeerCertificate; protocol: string | null }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.host, port: target.port, ca: target.ca, servername: target.servername, rejectUnauthorized: false }, () => {
      const result = {
        authorized: socket.authorized,
        error: socket.authorizationError?.toString(),
        peer: socket.getPeerCertificate(true),
        protocol: socket.getProtocol(),
      };
      socket.end();
      resolve(result);
    });
    socket.once('error', reject);
  });
}

/** An HTTPS request with the path sent as given (no normalising of ".."), trusting only `ca`. */
export function tlsRequest(target: TlsTarget, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: target.host, port: target.port, ca: target.ca, servername: target.servername, path, method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: raw.toString('utf8'), raw });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
