// Example: Kamiya billing from an app backend. The login page redirected the user back with a one-time token;
// verify it, then charge credits for a purchase with an Idempotency-Key so that a retried request charges once.
import { KamiyaApiError, KamiyaClient } from '../src/index.js';

export async function chargeForPurchase(kamiya: KamiyaClient, oneTimeToken: string, credits: string, purchaseId: string) {
  const user = await kamiya.verifyToken(oneTimeToken);
  try {
    await kamiya.charge({ id: user.id, credit: credits, allowNC: true }, { idempotencyKey: `purchase-${purchaseId}` });
  } catch (err) {
    if (err instanceof KamiyaApiError && err.kamiyaStatus === 403 && err.kamiyaMessage === 'insufficient credit') {
      return { user, charged: false, balance: await kamiya.detail(user.id) };
    }
    throw err;
  }
  return { user, charged: true, balance: await kamiya.detail(user.id) };
}
