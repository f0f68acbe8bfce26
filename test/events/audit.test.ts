import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactDetails } from '../../src/core/events/audit.js';
import { JsonNumber } from '../../src/http/body.js';

test('secrets are redacted at every depth; settings that merely mention a secret stay readable', () => {
  const out = redactDetails({
    username: 'alice',
    password: 'p1',
    new_password: 'p2',
    pay_passwrod: 'p3',
    nested: [{ customer_pay_password: 'p4', secret: 's', refresh_token: 't', passwordHash: 'h', key: 'k', api_key: 'a' }],
    settings: { ulord: { requireSecretForDeveloperWallet: false } },
    appkey: '0123',
    amount: new JsonNumber('12.5'),
    big: 10n,
  });
  assert.deepEqual(out, {
    username: 'alice',
    password: '[redacted]',
    new_password: '[redacted]',
    pay_passwrod: '[redacted]',
    nested: [
      {
        customer_pay_password: '[redacted]',
        secret: '[redacted]',
        refresh_token: '[redacted]',
        passwordHash: '[redacted]',
        key: '[redacted]',
        api_key: '[redacted]',
      },
    ],
    settings: { ulord: { requireSecretForDeveloperWallet: false } },
    appkey: '0123',
    amount: '12.5',
    big: '10',
  });
});
