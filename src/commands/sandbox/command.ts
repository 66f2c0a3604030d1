import type { IO } from '../../ui/io.ts';
export async function sandboxCommand(_argv: Record<string, unknown>, io: IO): Promise<number> {
  io.stderr.write('sandbox: not built yet\n');
  return 1;
}
