/**
 * The name put in the server certificate beside the addresses: "<hostname>.local", the multicast-DNS name many
 * systems answer to, so a device that resolves it can use a link that survives the address changing. Undefined
 * when the machine's name has nothing usable in DNS.
 */
export function lanHostName(machineName: string): string | undefined {
  const label = (machineName.split('.')[0] ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return label === '' ? undefined : `${label}.local`;
}
