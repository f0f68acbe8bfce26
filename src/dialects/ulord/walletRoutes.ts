// Ulord external endpoints X1–X3: createwallet, paytouser, balance (spec §7). Authorised by the app's key (§3.1);
// Idempotency-Key scope is the app. Handlers in wallet.ts.
import type { UlordRoute } from './routes.js';
import { WALLET_ERRCODES, balance, createWallet, payToUser } from './wallet.js';

export const WALLET_ROUTES: readonly UlordRoute[] = [
  { path: '/v1/transactions/createwallet', method: 'POST', auth: 'appkey', scope: 'app', walletErrcode: WALLET_ERRCODES.createwallet, prepare: createWallet },
  { path: '/v1/transactions/paytouser', method: 'POST', auth: 'appkey', scope: 'app', walletErrcode: WALLET_ERRCODES.paytouser, prepare: payToUser },
  { path: '/v1/transactions/balance', method: 'POST', auth: 'appkey', scope: 'app', walletErrcode: WALLET_ERRCODES.balance, prepare: balance },
];
