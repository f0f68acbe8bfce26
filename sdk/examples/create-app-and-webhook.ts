// Example: sign in as a developer, create an app (its secret is shown once: store it), and register a webhook for
// its payment events. Run: PLAZA_URL=http://localhost:3000 PLAZA_USER=alice PLAZA_PASSWORD=... \
//   node --import tsx sdk/examples/create-app-and-webhook.ts
import { pathToFileURL } from 'node:url';
import { AdminApiError, AdminClient, newIdempotencyKey, type FetchLike } from '../src/index.js';

export interface CreateAppWithWebhookInput {
  baseUrl: string;
  username: string;
  password: string;
  appName: string;
  webhookUrl: string;
  fetch?: FetchLike;
}

export async function createAppWithWebhook(input: CreateAppWithWebhookInput) {
  const admin = new AdminClient({ baseUrl: input.baseUrl, ...(input.fetch ? { fetch: input.fetch } : {}) });
  await admin.signIn(input.username, input.password);
  try {
    // One Idempotency-Key per intended effect: a network retry with the same key replays the first answer (with the
    // same secret) instead of failing with app_name_taken or creating a second app.
    const key = newIdempotencyKey();
    const app = await admin.createApp({ body: { name: input.appName, description: 'created by the SDK example' } }, { idempotencyKey: key });
    const webhook = await admin.createWebhookEndpoint(
      { params: { id: app.id }, body: { url: input.webhookUrl, events: ['payment.completed', 'payment.cancelled'] } },
      { idempotencyKey: newIdempotencyKey() },
    );
    return { app, webhook };
  } finally {
    await admin.signOut();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  createAppWithWebhook({
    baseUrl: process.env.PLAZA_URL ?? 'http://localhost:3000',
    username: process.env.PLAZA_USER ?? '',
    password: process.env.PLAZA_PASSWORD ?? '',
    appName: process.env.PLAZA_APP_NAME ?? 'My app',
    webhookUrl: process.env.PLAZA_WEBHOOK_URL ?? 'https://example.com/plaza/webhooks',
  }).then(
    ({ app, webhook }) => console.log(`app ${app.id} appkey=${app.appkey} secret=${app.secret}\nwebhook ${webhook.id} signing secret=${webhook.secret}`),
    (err: unknown) => {
      console.error(err instanceof AdminApiError ? `${err.status} ${err.code}: ${err.message}` : err);
      process.exitCode = 1;
    },
  );
}
