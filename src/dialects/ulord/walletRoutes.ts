// Ulord external endpoints X1–X3: createwallet, paytouser, balance (spec §7).
import type { UlordRoute } from './routes.js';

export const WALLET_ROUTES: readonly UlordRoute[] = [];
