// Names: getent hosts, nslookup and host against cluster DNS (bind's nslookup wording), /etc/hosts first.

import { resolveWithSearch, type NameAnswer } from '../dns.ts';
import type { Builtin, ShellState } from '../types.ts';

export const NETWORK_COMMANDS: Record<string, Builtin> = {
  async getent(args, io, st) {
    const [db, ...keys] = args;
    if (db !== 'hosts' && db !== 'ahosts' && db !== 'ahostsv4') {
      io.err(`Unknown database: ${db ?? ''}\nTry \`getent --help' or \`getent --usage' for more information.\n`);
      return 1;
    }
    if (!keys.length) {
      io.out(
        await st.host.fs
          .readFile('/etc/hosts')
          .then(
            (b) =>
              b
                .toString('utf8')
                .split('\n')
                .filter((l) => l && !l.startsWith('#'))
                .join('\n') + '\n',
          )
          .catch(() => ''),
      );
      return 0;
    }
    let status = 0;
    for (const key of keys) {
      const fromHosts = await hostsFileLookup(key, st);
      const ans = fromHosts ?? resolveWithSearch(key, st.host);
      if (!ans) {
        status = 2;
        continue;
      }
      for (const ip of ans.ips) io.out(`${ip.padEnd(15)} ${ans.name}${ans.aliases?.length ? ` ${ans.aliases.join(' ')}` : ''}\n`);
    }
    return status;
  },

  async nslookup(args, io, st) {
    const name = args.find((a) => !a.startsWith('-'));
    if (!name) {
      io.err('nslookup: interactive mode is not supported here\n');
      return 1;
    }
    const ns = st.host.nameserver;
    let out = `Server:\t\t${ns}\nAddress:\t${ns}#53\n\n`;
    const ans = resolveWithSearch(name, st.host);
    if (!ans) {
      out += `** server can't find ${name}: NXDOMAIN\n\n`;
      io.out(out);
      return 1;
    }
    for (const ip of ans.ips) out += `Name:\t${ans.name}\nAddress: ${ip}\n`;
    io.out(`${out}\n`);
    return 0;
  },

  async host(args, io, st) {
    const name = args.find((a) => !a.startsWith('-'));
    if (!name) return 1;
    const ans = resolveWithSearch(name, st.host);
    if (!ans) {
      io.out(`Host ${name} not found: 3(NXDOMAIN)\n`);
      return 1;
    }
    for (const ip of ans.ips) io.out(`${ans.name} has address ${ip}\n`);
    return 0;
  },
};

async function hostsFileLookup(key: string, st: ShellState): Promise<NameAnswer | undefined> {
  let text: string;
  try {
    text = (await st.host.fs.readFile('/etc/hosts')).toString('utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const l = line.replace(/#.*/, '').trim();
    if (!l) continue;
    const [ip, ...names] = l.split(/\s+/);
    if (!ip || ip.includes(':')) continue;
    if (names.includes(key) || ip === key) return { name: names[0]!, ips: [ip], aliases: names.slice(1) };
  }
  return undefined;
}
