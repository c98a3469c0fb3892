// X.509 name constraints for the local CA (RFC 5280 4.2.1.10): it may vouch only for private IPv4 addresses,
// `localhost` and names under `.local`. A CA key stolen from the data folder then cannot make a phone that trusts
// it accept a certificate for a public site. node-forge parses this extension but does not build it, so the
// ASN.1 is written here.
import forge from 'node-forge';
import { privateIpv4Ranges } from './lan-addresses.ts';

// Without a leading dot a dNSName constraint permits the name itself and every name under it (RFC 5280).
const PERMITTED_DNS_NAMES = ['local', 'localhost'];

const { asn1 } = forge;

export function nameConstraintsExtension(): { id: string; critical: boolean; value: forge.asn1.Asn1 } {
  const subtrees = [...privateIpv4Ranges().map(([network, bits]) => ipSubtree(network, bits)), ...PERMITTED_DNS_NAMES.map(dnsSubtree)];
  const permitted = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, subtrees);
  // Critical, as RFC 5280 asks of conforming CAs.
  return { id: '2.5.29.30', critical: true, value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [permitted]) };
}

/** GeneralSubtree with base iPAddress [7]: the network's 4 bytes followed by the mask's 4. */
function ipSubtree(network: string, bits: number): forge.asn1.Asn1 {
  const mask = 2 ** 32 - 2 ** (32 - bits);
  const bytes = [...network.split('.').map(Number), ...[24, 16, 8, 0].map((shift) => Math.floor(mask / 2 ** shift) % 256)];
  return subtree(asn1.create(asn1.Class.CONTEXT_SPECIFIC, 7, false, String.fromCharCode(...bytes)));
}

/** GeneralSubtree with base dNSName [2]. */
function dnsSubtree(name: string): forge.asn1.Asn1 {
  return subtree(asn1.create(asn1.Class.CONTEXT_SPECIFIC, 2, false, name));
}

function subtree(base: forge.asn1.Asn1): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [base]);
}
