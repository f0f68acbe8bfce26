// Configuration of the shared rate limiter and of the operator controls: PLAZA_REDIS_URL must be a redis:// URL,
// and the configuration file's IP deny list is checked like the admin API checks it.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'plaza-config-'));
const base = { PLAZA_DATA_DIR: dir, PLAZA_MASTER_KEY: '07'.repeat(32) };

function withFile(operator: unknown): Record<string, string> {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ operator }));
  return { ...base, PLAZA_CONFIG_FILE: file };
}

describe('PLAZA_REDIS_URL and operator controls in the configuration', () => {
  it('is optional; redis:// and rediss:// URLs are accepted', () => {
    assert.equal(loadConfig(base).redisUrl, null);
    assert.equal(loadConfig({ ...base, PLAZA_REDIS_URL: '' }).redisUrl, null);
    for (const url of ['redis://127.0.0.1:6379', 'rediss://user:pw@cache.example:6380/2', 'redis://localhost']) {
      assert.equal(loadConfig({ ...base, PLAZA_REDIS_URL: url }).redisUrl, url);
    }
  });

  it('refuses anything else, naming the variable', () => {
    for (const url of ['127.0.0.1:6379', 'http://127.0.0.1:6379', 'redis://', 'redis://host:6379/abc', 'not a url']) {
      assert.throws(() => loadConfig({ ...base, PLAZA_REDIS_URL: url }), (err: unknown) => err instanceof ConfigError && err.variable === 'PLAZA_REDIS_URL', url);
    }
  });

  it('checks the operator section of the configuration file (CIDR syntax, non-negative limits)', () => {
    const ok = loadConfig(withFile({ ipDenyList: ['10.0.0.0/8', '2001:db8::/32'], perIpPerMinute: 100 }));
    assert.deepEqual(ok.operator.ipDenyList, ['10.0.0.0/8', '2001:db8::/32']);
    assert.equal(ok.operator.perIpPerMinute, 100);
    for (const operator of [{ ipDenyList: ['10.0.0.0/40'] }, { ipDenyList: ['nope'] }, { perIpPerMinute: -1 }, { perKeyPerMinute: 2.5 }, { disabledEndpoints: [3] }]) {
      assert.throws(() => loadConfig(withFile(operator)), ConfigError, JSON.stringify(operator));
    }
  });
});
