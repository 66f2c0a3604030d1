// Process and environment: true, false, sleep, hostname, env, printenv, id, whoami, pwd, date, uname.

import { dispatch } from '../interpreter.ts';
import type { Builtin } from '../types.ts';

export const SYSTEM_COMMANDS: Record<string, Builtin> = {
  true: async () => 0,
  false: async () => 1,

  async sleep(args, io, st) {
    const secs = args.reduce((s, a) => s + parseDuration(a), 0);
    if (Number.isNaN(secs)) {
      io.err(`sleep: invalid time interval '${args[0]}'\n`);
      return 1;
    }
    await st.host.sleep(secs * 1000, io.signal);
    return io.signal.aborted ? 130 : 0;
  },

  async hostname(args, io, st) {
    if (args.includes('-f') || args.includes('--fqdn')) io.out(`${st.host.fqdn}\n`);
    else if (args.includes('-i') || args.includes('-I')) io.out(`${st.host.podIP}${args.includes('-I') ? ' ' : ''}\n`);
    else io.out(`${st.host.hostname}\n`);
    return 0;
  },

  async env(args, io, st) {
    if (args.length) {
      const env = { ...st.env };
      let i = 0;
      for (; i < args.length && args[i]!.includes('='); i++) {
        const a = args[i]!;
        env[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
      }
      if (i < args.length) return dispatch(args.slice(i), io, { ...st, env }, false);
      io.out(
        Object.entries(env)
          .map(([k, v]) => `${k}=${v}\n`)
          .join(''),
      );
      return 0;
    }
    io.out(
      Object.entries(st.env)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    return 0;
  },

  async printenv(args, io, st) {
    if (!args.length) {
      io.out(
        Object.entries(st.env)
          .map(([k, v]) => `${k}=${v}\n`)
          .join(''),
      );
      return 0;
    }
    let status = 0;
    for (const a of args) {
      const v = st.env[a];
      if (v === undefined) status = 1;
      else io.out(`${v}\n`);
    }
    return status;
  },

  async id(args, io, st) {
    const { uid, gid } = st.host;
    const name = (n: number) => (n === 0 ? '(root)' : '');
    if (args.includes('-u')) io.out(`${args.includes('-n') ? (uid === 0 ? 'root' : uid) : uid}\n`);
    else if (args.includes('-g')) io.out(`${gid}\n`);
    else io.out(`uid=${uid}${name(uid)} gid=${gid}${name(gid)} groups=${gid}${name(gid)}\n`);
    return 0;
  },

  async whoami(_args, io, st) {
    if (st.host.uid === 0) {
      io.out('root\n');
      return 0;
    }
    io.err(`whoami: cannot find name for user ID ${st.host.uid}\n`);
    return 1;
  },

  async pwd(_args, io, st) {
    io.out(`${st.cwd}\n`);
    return 0;
  },

  async date(args, io, st) {
    const d = st.host.now();
    const plus = args.find((a) => a.startsWith('+'));
    if (plus === '+%s') io.out(`${Math.floor(d.getTime() / 1000)}\n`);
    else
      io.out(
        `${d.toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, (_m, wd: string, day: string, mon: string, y: string, t: string) => `${wd} ${mon} ${day.padStart(2, ' ')} ${t} UTC ${y}`)}\n`,
      );
    return 0;
  },

  async uname(args, io, st) {
    if (args.includes('-a')) io.out(`Linux ${st.host.hostname} 6.8.0-sandbox #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n`);
    else if (args.includes('-r')) io.out('6.8.0-sandbox\n');
    else if (args.includes('-m')) io.out('x86_64\n');
    else io.out('Linux\n');
    return 0;
  },
};

function parseDuration(a: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(a);
  if (!m) return NaN;
  const n = Number(m[1]);
  return n * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2]!] ?? 1);
}
