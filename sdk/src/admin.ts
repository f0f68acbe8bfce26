// The native admin API client (`/admin/v1`): one typed method per operation, generated from the server's route
// declarations (generated/admin.ts), plus sign-in helpers. Authenticates with a developer token
// (`Authorization: Bearer`); public operations (registerDeveloper, createSession) send none.
import { AdminApiError, isRecord, type PlazaHttpError } from './errors.js';
import { GeneratedAdminMethods, type CreateSessionResponse } from './generated/admin.js';
import { fillPath, HttpCore, queryString, type AdminTransport, type ClientOptions, type RawResponse, type RequestOptions } from './transport.js';

export * from './generated/admin.js';

export interface AdminClientOptions extends ClientOptions {
  /** A developer token (from `createSession`, `signIn`, or Ulord `/v1/users/login`). */
  token?: string;
}

function adminError(r: RawResponse): PlazaHttpError {
  const e = isRecord(r.json) && isRecord(r.json.error) ? r.json.error : null;
  const code = typeof e?.code === 'string' ? e.code : 'http_error';
  const message = typeof e?.message === 'string' ? e.message : `HTTP ${r.status}`;
  return new AdminApiError(code, message, r.status, r.text, r.headers);
}

export class AdminClient extends GeneratedAdminMethods {
  protected readonly transport: AdminTransport;
  private readonly http: HttpCore;
  /** The developer token sent on authenticated operations; `signIn` sets it, `signOut` clears it. */
  token: string | null;

  constructor(options: AdminClientOptions) {
    super();
    this.http = new HttpCore(options);
    this.token = options.token ?? null;
    this.transport = {
      call: async (_operationId, op, input, requestOptions) => {
        const path = fillPath(op.path, input?.params as Record<string, unknown> | undefined) + queryString(input?.query as Record<string, unknown> | undefined);
        const headers: Record<string, string> = {};
        if (op.access !== 'public' && this.token !== null) headers.authorization = `Bearer ${this.token}`;
        // Writes always carry a JSON object (the admin API reads `{}` for a body-less action such as a revoke).
        const body = op.method === 'GET' ? undefined : (input?.body ?? {});
        const r = await this.http.request(op.method, path, { body, headers, options: requestOptions }, adminError);
        return r.json;
      },
    };
  }

  /** Signs in (`createSession`) and keeps the token for the following calls. */
  async signIn(username: string, password: string, options?: RequestOptions): Promise<CreateSessionResponse> {
    const session = await this.createSession({ body: { username, password } }, options);
    this.token = session.token;
    return session;
  }

  /** Revokes the current token (`revokeCurrentSession`) and forgets it. */
  async signOut(options?: RequestOptions): Promise<void> {
    if (this.token === null) return;
    await this.revokeCurrentSession(options);
    this.token = null;
  }
}
