// The SMTP mailer against a minimal in-process SMTP server: PLAZA_SMTP_URL set → mail leaves through the relay
// (and nothing lands in the development mailbox).
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { testConfig } from '../../src/config.js';
import { createMailer, listSandboxMail } from '../../src/core/events/mailer.js';
import { createTestStore, type TestStore } from '../support/stores.js';

/** Accepts one SMTP session at a time and records each message's envelope and data. */
function fakeSmtp(): { server: Server; messages: Array<{ from: string; to: string[]; data: string }> } {
  const messages: Array<{ from: string; to: string[]; data: string }> = [];
  const server = createServer((socket) => {
    let buffer = '';
    let inData = false;
    let current = { from: '', to: [] as string[], data: '' };
    socket.write('220 fake ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let i: number;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            messages.push(current);
            current = { from: '', to: [], data: '' };
            socket.write('250 queued\r\n');
          } else current.data += line + '\n';
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 fake\r\n');
        else if (verb === 'MAIL') (current.from = line), socket.write('250 ok\r\n');
        else if (verb === 'RCPT') current.to.push(line), socket.write('250 ok\r\n');
        else if (verb === 'DATA') (inData = true), socket.write('354 go\r\n');
        else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  return { server, messages };
}

describe('mailer over SMTP', () => {
  let store: TestStore;
  const smtp = fakeSmtp();
  before(async () => {
    store = await createTestStore('sqlite');
    await new Promise<void>((r) => smtp.server.listen(0, '127.0.0.1', r));
  });
  after(async () => {
    await new Promise<void>((r) => smtp.server.close(() => r()));
    await store.drop();
  });

  test('PLAZA_SMTP_URL set: the message goes to the relay, not to the development mailbox', async () => {
    const port = (smtp.server.address() as AddressInfo).port;
    const mailer = createMailer(testConfig({ smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'Plaza <plaza@example.com>' }), store.database.db);
    await mailer.send({ to: 'user@example.com', subject: 'Verify your email', text: 'Open https://plaza.example/verify?token=abc' });
    assert.equal(smtp.messages.length, 1);
    assert.match(smtp.messages[0]!.from, /plaza@example\.com/);
    assert.match(smtp.messages[0]!.to.join(), /user@example\.com/);
    assert.match(smtp.messages[0]!.data, /Subject: Verify your email/);
    assert.deepEqual(await listSandboxMail(store.database.db, { limit: 10 }), []);
  });
});
