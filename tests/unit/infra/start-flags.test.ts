import { describe, expect, it } from 'vitest';
import { parseStartFlags } from '../../../infra/local/lan/start-flags.ts';

describe('parseStartFlags', () => {
  it('keeps the LAN mode off without flags', () => {
    expect(parseStartFlags([])).toEqual({ lan: false });
  });

  it('reads --lan and its options, as separate words or with =', () => {
    expect(parseStartFlags(['--lan'])).toEqual({ lan: true });
    expect(parseStartFlags(['--lan', '--lan-address', '192.168.1.20'])).toEqual({ lan: true, address: '192.168.1.20' });
    expect(parseStartFlags(['--lan-address=10.0.0.2', '--lan', '--cert=a.pem', '--key', 'b.pem'])).toEqual({
      lan: true,
      address: '10.0.0.2',
      certificate: { certPath: 'a.pem', keyPath: 'b.pem' },
    });
  });

  it('refuses unknown options, missing values, halves of a pair and LAN options without --lan', () => {
    const cases: Array<[string[], string]> = [
      [['--lna'], 'unknown option "--lna" (known options: --lan, --lan-address <ip>, --cert <file> --key <file>)'],
      [['lan'], 'unknown option "lan"'],
      [['--lan=yes'], 'unknown option "--lan=yes"'],
      [['--lan', '--lan-address'], '--lan-address needs a value'],
      [['--lan', '--lan-address', '--cert', 'a'], '--lan-address needs a value'],
      [['--lan', '--cert', 'a.pem'], '--cert and --key go together'],
      [['--lan', '--key', 'a.pem'], '--cert and --key go together'],
      [['--lan', '--lan-address', '10.0.0.1', '--lan-address', '10.0.0.2'], '--lan-address is given twice'],
      [['--lan-address', '10.0.0.1'], '--lan-address is for the LAN mode: add --lan'],
    ];
    for (const [argv, message] of cases) expect(() => parseStartFlags(argv), argv.join(' ')).toThrow(message);
  });
});
