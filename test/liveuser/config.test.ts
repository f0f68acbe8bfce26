// The `liveuser` section of the configuration file (spec/liveuser.md §7.1): defaults, overrides, and refusals of
// values outside their ranges or of the wrong type.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError, defaultLiveuserSettings, loadConfig } from '../../src/config.js';

describe('liveuser configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plaza-lu-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const withFile = (section: unknown) => {
    const file = join(dir, `c${Math.random()}.json`);
    writeFileSync(file, JSON.stringify({ liveuser: section }));
    return loadConfig({ PLAZA_DATA_DIR: dir, PLAZA_MASTER_KEY: 'a'.repeat(64), PLAZA_CONFIG_FILE: file });
  };

  test('defaults: 3600 s access, 30 days refresh, 30 s grace, rotation on, 10 families, no default app', () => {
    assert.deepEqual(defaultLiveuserSettings(), {
      accessTokenTtlSeconds: 3600,
      refreshTokenTtlSeconds: 2592000,
      refreshGraceSeconds: 30,
      refreshRotation: true,
      maxFamiliesPerUser: 10,
      defaultAppkey: '',
    });
    assert.deepEqual(loadConfig({ PLAZA_DATA_DIR: dir, PLAZA_MASTER_KEY: 'a'.repeat(64) }).liveuser, defaultLiveuserSettings());
  });

  test('overrides are read and checked', () => {
    const cfg = withFile({ refreshTokenTtlSeconds: 0, refreshRotation: false, maxFamiliesPerUser: 3, defaultAppkey: 'ABCDEF0123456789ABCDEF0123456789' });
    assert.equal(cfg.liveuser.refreshTokenTtlSeconds, 0);
    assert.equal(cfg.liveuser.refreshRotation, false);
    assert.equal(cfg.liveuser.maxFamiliesPerUser, 3);
    assert.equal(cfg.liveuser.defaultAppkey, 'abcdef0123456789abcdef0123456789');
    for (const bad of [{ accessTokenTtlSeconds: 10 }, { refreshGraceSeconds: -1 }, { maxFamiliesPerUser: 0 }, { defaultAppkey: 'nope' }, { refreshRotation: 'yes' }, { unknown: 1 }, { accessTokenTtlSeconds: 1.5 }]) {
      assert.throws(() => withFile(bad), ConfigError, JSON.stringify(bad));
    }
  });
});
