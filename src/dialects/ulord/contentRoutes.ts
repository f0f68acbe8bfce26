// Ulord external endpoints X4–X13: publish, check, consume, bills, aggregates, content lists (spec §7).
import type { UlordRoute } from './routes.js';

export const CONTENT_ROUTES: readonly UlordRoute[] = [];
