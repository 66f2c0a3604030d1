import type { IO } from '../../ui/io.ts';
export async function inspectCommand(_argv: Record<string, unknown>, io: IO): Promise<number> {
  io.stderr.write('inspect: not built yet\n');
  return 1;
}
