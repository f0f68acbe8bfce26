// Successful Ulord management writes are audited in the transaction that made them; refusals are not; passwords
// never reach the log.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listAudit } from '../../src/core/events/audit.js';
import { STORES } from '../support/stores.js';
import { ADMIN, setup, type Ctx, type Dev } from './helpers.js';

for (const kind of STORES) {
  describe(`ulord management audit [${kind}]`, () => {
    let c: Ctx;
    let admin: Dev;
    before(async () => {
      c = await setup(kind);
      admin = await c.dev('root', { roleId: ADMIN });
    });
    after(() => c.close());

    test('reg, login, type/add and app/add are logged with their actor; a refused app/add and GETs are not', async () => {
      assert.equal((await c.call('/v1/users/reg', { username: 'carol', password: 'carol-secret-1' })).json.errcode, 0);
      const login = await c.call('/v1/users/login', { username: 'carol', password: 'carol-secret-1' });
      assert.equal(login.json.errcode, 0);
      const typeId = (await c.call('/v1/type/add', { name: 'tools' }, { token: admin.token })).json.result.id;
      assert.equal((await c.call('/v1/app/add', { appname: 'Hammer', apptype_id: typeId }, { token: login.json.result.token })).json.errcode, 0);
      assert.equal((await c.call('/v1/app/add', { appname: 'Hammer', apptype_id: typeId }, { token: login.json.result.token })).json.errcode, 20002);
      assert.equal((await c.call('/v1/role/list', undefined, { token: admin.token, method: 'GET' })).json.errcode, 0);

      const entries = (await listAudit(c.server.services.db, { limit: 50 })).reverse();
      assert.deepEqual(
        entries.map((e) => e.action),
        ['ulord:/v1/users/reg', 'ulord:/v1/users/login', 'ulord:/v1/type/add', 'ulord:/v1/app/add'],
      );
      assert.match(entries[0]!.actor, /^ip:/);
      assert.equal(entries[2]!.actor, `developer:${admin.id}`);
      assert.equal(entries[3]!.actor, `developer:${login.json.result.id}`);
      assert.equal(entries[3]!.details.appname, 'Hammer');
      const all = JSON.stringify(entries);
      assert.ok(!all.includes('carol-secret-1'), 'no password in the audit log');
      assert.equal(entries[0]!.details.password, '[redacted]');
    });
  });
}
