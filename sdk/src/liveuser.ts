// liveuser (`/liveuser/<Service>/<Method>`, spec/liveuser.md): WeChat mini-program sign-in, the user's record, orders
// and WeChat Pay prepay. Public methods (login, renew) name the app by `appkey` (mount prefix); the others use the
// user's access token. Types are hand-written from the spec (§4, §5).
import { isRecord, LiveuserApiError, type PlazaHttpError } from './errors.js';
import { HttpCore, type ClientOptions, type RawResponse, type RequestOptions } from './transport.js';

export interface LiveuserClientOptions extends ClientOptions {
  /** The app's appkey: requests go to `/apps/<appkey>/liveuser/...`. */
  appkey: string;
  /** The user's access token (from `login` / `renewToken`; `login` sets it). */
  accessToken?: string;
}

export interface LiveuserTokens {
  access_token: string;
  refresh_token: string;
  /** Unix seconds. */
  expiry: number;
}

export interface UserRecord {
  uid: string;
  name: string;
  agent: string;
  /** ms; set by Plaza. */
  update_at: number;
  avatar: string;
}

export interface OrderProduct {
  order_id: number;
  product_id: string;
  name: string;
  /** fen per unit. */
  price: number;
  count: number;
  product_snapshot: number;
  detail: string;
}

export interface OrderRecord {
  id: number;
  uid: string;
  /** 0 CREATED, 1 PAID. */
  state: 0 | 1;
  amount: number;
  discount: number;
  pay: number;
  pay_at: number;
  products: OrderProduct[];
  created_at: number;
  updated_at: number;
  deleted_at: number;
}

export interface PrepayResult {
  order_id: number;
  prepay_id: string;
  pay_params: { appId: string; timeStamp: string; nonceStr: string; package: string; signType: string; paySign: string };
}

function liveuserError(r: RawResponse): PlazaHttpError {
  const b = isRecord(r.json) ? r.json : {};
  return new LiveuserApiError(
    typeof b.id === 'string' ? b.id : 'E0000',
    typeof b.code === 'number' ? b.code : r.status,
    typeof b.detail === 'string' ? b.detail : `HTTP ${r.status}`,
    r.status,
    r.text,
    r.headers,
  );
}

export class LiveuserClient {
  private readonly http: HttpCore;
  private readonly prefix: string;
  accessToken: string | null;

  constructor(options: LiveuserClientOptions) {
    this.http = new HttpCore(options);
    this.prefix = `/apps/${encodeURIComponent(options.appkey)}/liveuser`;
    this.accessToken = options.accessToken ?? null;
  }

  private async call<T>(method: string, body: Record<string, unknown>, bearer: boolean, options?: RequestOptions): Promise<T> {
    const headers: Record<string, string> = {};
    if (bearer) {
      if (this.accessToken === null) throw new TypeError(`${method} needs an access token: call login first`);
      headers.authorization = `Bearer ${this.accessToken}`;
    }
    const r = await this.http.request('POST', `${this.prefix}/${method}`, { body, headers, options }, liveuserError);
    return r.json as T;
  }

  /** `Wx.Login` with a `wx.login()` code; keeps the access token. */
  async login(code: string, options?: RequestOptions): Promise<LiveuserTokens & { uid: string }> {
    const r = await this.call<LiveuserTokens & { uid: string }>('Wx/Login', { code }, false, options);
    this.accessToken = r.access_token;
    return r;
  }

  /** `Wx.RenewToken`: rotates the refresh token (use the new one next time); keeps the new access token. */
  async renewToken(refreshToken: string, options?: RequestOptions): Promise<LiveuserTokens> {
    const r = await this.call<LiveuserTokens>('Wx/RenewToken', { refresh_token: refreshToken }, false, options);
    this.accessToken = r.access_token;
    return r;
  }

  /** `User.Set` (the caller's own record). */
  async setUser(user: Partial<Pick<UserRecord, 'name' | 'agent' | 'avatar'>>, options?: RequestOptions): Promise<void> {
    await this.call('User/Set', { user }, true, options);
  }

  /** `User.Get`. */
  async getUser(options?: RequestOptions): Promise<UserRecord> {
    return (await this.call<{ user: UserRecord }>('User/Get', {}, true, options)).user;
  }

  /** `Order.Create` from products of the app. */
  async createOrder(products: ReadonlyArray<{ product_id: string; count: number }>, options?: RequestOptions): Promise<OrderRecord> {
    return (await this.call<{ order: OrderRecord }>('Order/Create', { products }, true, options)).order;
  }

  /** `Order.List`: newest first, ten at a time; pass the returned cursor for the next page (0 = done). */
  listOrders(cursor = 0, options?: RequestOptions): Promise<{ orders: OrderRecord[]; cursor: number }> {
    return this.call('Order/List', { cursor }, true, options);
  }

  /** `Wx.Prepay` for `orderId` (absent: the newest unpaid order). */
  prepay(orderId?: number, options?: RequestOptions): Promise<PrepayResult> {
    return this.call('Wx/Prepay', orderId === undefined ? {} : { order_id: orderId }, true, options);
  }
}
