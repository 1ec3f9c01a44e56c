// The example configuration shipped in the repository must stay valid, cloud blocks included
// (each validated by its adapter's own schema).
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { resolveAdapterConfigs } from '../src/cli/adapters.ts';
import { loadConfig } from '../src/config/load.ts';

describe('channelguard.example.yaml', () => {
  it('loads, and every cloud block passes its adapter schema', async () => {
    const file = fileURLToPath(new URL('../channelguard.example.yaml', import.meta.url));
    const config = await loadConfig({ file, env: {}, cwd: '/' });
    assert.equal(config.audit.deltaGuardShare, 0.05);
    assert.equal(config.audit.ownership.length, 2);
    const adapters = resolveAdapterConfigs(config, {});
    assert.deepEqual(Object.keys(adapters).sort(), ['aws', 'azure', 'gcp']);
  });
});
