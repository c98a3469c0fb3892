// `npm start -- <flags>`: the LAN mode is opt-in, and every flag is checked, so a typo is an error instead of a
// stack that silently starts without what was asked for.

export type StartFlags =
  | { lan: false }
  | { lan: true; address?: string; certificate?: { certPath: string; keyPath: string } };

const USAGE = 'known options: --lan, --lan-address <ip>, --cert <file> --key <file>';
const VALUE_FLAGS = ['--lan-address', '--cert', '--key'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

export function parseStartFlags(argv: readonly string[]): StartFlags {
  let lan = false;
  const values = new Map<ValueFlag, string>();
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    const [name = '', inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (name === '--lan' && inline === undefined) {
      lan = true;
      continue;
    }
    const flag = VALUE_FLAGS.find((candidate) => candidate === name);
    if (flag === undefined) throw new Error(`unknown option "${arg}" (${USAGE})`);
    const value = inline ?? argv[(index += 1)];
    if (value === undefined || value === '' || value.startsWith('--')) throw new Error(`${flag} needs a value (${USAGE})`);
    if (values.has(flag)) throw new Error(`${flag} is given twice`);
    values.set(flag, value);
  }
  return lan ? withLan(values) : withoutLan(values);
}

function withLan(values: Map<ValueFlag, string>): StartFlags {
  const certPath = values.get('--cert');
  const keyPath = values.get('--key');
  if ((certPath === undefined) !== (keyPath === undefined)) throw new Error('--cert and --key go together: the certificate (PEM, with its chain) and its private key');
  const address = values.get('--lan-address');
  return {
    lan: true,
    ...(address === undefined ? {} : { address }),
    ...(certPath === undefined || keyPath === undefined ? {} : { certificate: { certPath, keyPath } }),
  };
}

function withoutLan(values: Map<ValueFlag, string>): StartFlags {
  const [first] = values.keys();
  if (first !== undefined) throw new Error(`${first} is for the LAN mode: add --lan`);
  return { lan: false };
}
