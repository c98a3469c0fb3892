import { startLocalStack, type LanOptions, type LocalStack, type LocalStackLan } from '../../../infra/local/local-stack.ts';

/** Stands in for the machine's LAN address: a loopback address other than the loopback server's own. */
export const LAN_ADDRESS = '127.0.0.2';

export interface LanStackOptions extends Pick<LanOptions, 'hostName' | 'certificate'> {
  distDir: string;
  dataDir: string;
  streamName?: string;
  log?: (line: string) => void;
}

/** The whole embedded stack on free ports with its LAN part on LAN_ADDRESS. */
export async function startLanStack(options: LanStackOptions): Promise<LocalStack & { lan: LocalStackLan }> {
  const { distDir, dataDir, streamName = 'liveheartrate', log, ...lan } = options;
  const stack = await startLocalStack({
    appPort: 0,
    kinesisPort: 0,
    streamName,
    region: 'us-east-1',
    distDir,
    dataDir,
    lan: { addresses: [LAN_ADDRESS], httpsPort: 0, setupPort: 0, ...lan },
    log,
  });
  const started = stack.lan;
  if (started === undefined) {
    await stack.stop();
    throw new Error('the stack started without its LAN part');
  }
  return { ...stack, lan: started };
}
