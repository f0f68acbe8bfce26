// Token lifetimes in the configuration: the OIDC provider's access token, refresh token and authorization code, and
// the Pi dialect's access token. Each has a default; a value that is not a whole number in range stops start-up
// with an error naming the variable.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, defaultPiSettings, loadConfig, testConfig } from '../../src/config.js';
import { defaultOidcSettings } from '../../src/oidc/constants.js';

const dir = mkdtempSync(join(tmpdir(), 'plaza-config-'));
const base = { PLAZA_DATA_DIR: dir, PLAZA_MASTER_KEY: '07'.repeat(32) };

const VARIABLES = [
  'PLAZA_OIDC_ACCESS_TOKEN_TTL_SECONDS',
  'PLAZA_OIDC_REFRESH_TOKEN_TTL_SECONDS',
  'PLAZA_OIDC_CODE_TTL_SECONDS',
  'PLAZA_PI_ACCESS_TOKEN_TTL_SECONDS',
] as const;

describe('token lifetimes in the configuration', () => {
  it('default to the provider defaults and 24 h for Pi, in loadConfig and testConfig alike', () => {
    const config = loadConfig(base);
    assert.deepEqual(config.oidc, defaultOidcSettings());
    assert.equal(config.oidc.accessTokenTtlSeconds, 600);
    assert.equal(config.oidc.authorizationCodeTtlSeconds, 60);
    assert.equal(config.oidc.refreshTokenTtlSeconds, 14 * 86400);
    assert.deepEqual(config.pi, defaultPiSettings());
    assert.equal(config.pi.accessTokenTtlSeconds, 86400);
    assert.deepEqual(testConfig().oidc, config.oidc);
    assert.deepEqual(testConfig().pi, defaultPiSettings());
    assert.deepEqual(loadConfig({ ...base, PLAZA_OIDC_CODE_TTL_SECONDS: '' }).oidc, defaultOidcSettings(), 'empty means unset');
  });

  it('map each variable to its setting', () => {
    const config = loadConfig({
      ...base,
      PLAZA_OIDC_ACCESS_TOKEN_TTL_SECONDS: '300',
      PLAZA_OIDC_REFRESH_TOKEN_TTL_SECONDS: '86400',
      PLAZA_OIDC_CODE_TTL_SECONDS: '30',
      PLAZA_PI_ACCESS_TOKEN_TTL_SECONDS: '3600',
    });
    assert.deepEqual(config.oidc, { ...defaultOidcSettings(), accessTokenTtlSeconds: 300, refreshTokenTtlSeconds: 86400, authorizationCodeTtlSeconds: 30 });
    assert.equal(config.pi.accessTokenTtlSeconds, 3600);
  });

  it('keep the OIDC grant at least as long as a refresh token (the library refuses refreshes past the grant)', () => {
    const config = loadConfig({ ...base, PLAZA_OIDC_REFRESH_TOKEN_TTL_SECONDS: String(30 * 86400) });
    assert.equal(config.oidc.refreshTokenTtlSeconds, 30 * 86400);
    assert.equal(config.oidc.grantTtlSeconds, 30 * 86400);
  });

  it('refuse anything but a whole number in range, naming the variable', () => {
    for (const variable of VARIABLES) {
      for (const value of ['abc', '-5', '1.5', '0', '1e3', '99999999999']) {
        assert.throws(
          () => loadConfig({ ...base, [variable]: value }),
          (err: unknown) => err instanceof ConfigError && err.variable === variable && err.message.startsWith(`${variable}: `),
          `${variable}=${value}`,
        );
      }
    }
    assert.throws(() => loadConfig({ ...base, PLAZA_OIDC_CODE_TTL_SECONDS: '601' }), /PLAZA_OIDC_CODE_TTL_SECONDS: must be between 10 and 600/);
  });
});
