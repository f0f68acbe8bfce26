// Every API Plaza documents, in the order `/docs` lists them: the native admin API, then each dialect. Each
// description is built from its route table at start-up (a route without a declaration fails here, not in a reader's
// hands); the documents and pages are rendered once and served from memory.
import { ADMIN_ROUTES } from '../../admin/routes.js';
import { kamiyaApi } from '../../dialects/kamiya/openapi.js';
import { liveuserApi } from '../../dialects/liveuser/openapi.js';
import { horizonApi } from '../../dialects/pi/horizon/openapi.js';
import { piApi } from '../../dialects/pi/openapi.js';
import { ulordApi } from '../../dialects/ulord/openapi.js';
import { yoyowApi } from '../../dialects/yoyow/openapi.js';
import { adminApi } from './admin.js';
import type { ApiDescription } from './model.js';

export function allApis(): ApiDescription[] {
  return [adminApi(ADMIN_ROUTES), piApi(), horizonApi(), kamiyaApi(), ulordApi(), liveuserApi(), yoyowApi()];
}
