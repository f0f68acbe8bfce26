// GET /api/v2/authPermissions (§4.3): the account's live consent to a platform, `[]` when none.
import { chainInt, consentView, INT64_MAX } from '../../../modules/yoyow/index.js';
import { parseUid } from '../parse.js';
import { platformParam, readRoute, type YoyowReadContext } from '../pipeline.js';
import { renderUid } from '../render.js';

async function authPermissions(ctx: YoyowReadContext): Promise<unknown> {
  const platform = platformParam(ctx);
  const accountText = ctx.query.account;
  if (accountText === undefined) return [];
  const account = parseUid(accountText, 'account');
  const c = await consentView(ctx.db, account, platform);
  if (!c) return [];
  return [
    {
      id: `2.22.${c.instance}`,
      account: renderUid(c.userUid),
      platform: renderUid(c.appUid),
      max_limit: chainInt(c.maxLimit ?? INT64_MAX),
      cur_used: chainInt(c.curUsed),
      is_active: !c.suspended && !c.userDisabled,
      permission_flags: c.permissionFlags,
      ...(c.memo !== null ? { memo: c.memo } : {}),
    },
  ];
}

export const AUTH_PERMISSION_ROUTES = [readRoute('/api/v2/authPermissions', authPermissions)];
