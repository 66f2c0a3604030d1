// Once per test run: the real kubectl 1.34 binary at .cache/bin/kubectl, and the bundled plugin in dist/.
import { ensureKubectl } from '../scripts/kubectl.mjs';

export default async function setup(): Promise<void> {
  await ensureKubectl();
}
