// The text of `/pi-sdk.js` (spec/pi.md §6.1, §6.2): a classic, dependency-free script that defines `window.Pi`
// synchronously, so a Pi app's frontend runs on Plaza by changing its script URL. It is kept here as a string (not a
// separate .js asset) so `tsc` ships it to dist/ with no build step; test/browser/pi.sdk.test.ts runs it in a VM
// with fake timers and test/browser/pi.flow.test.ts in Chromium.
//
// What the script relies on (all internal to Plaza, §6.3):
//   * Plaza's API base is the script's own URL without `/pi-sdk.js` (so `/apps/<appkey>` is kept); the server's
//     public URL is only a fallback for a script whose `document.currentScript` is unknown.
//   * `/pi/authenticate` posts `{type: 'plaza:pi:authenticated', accessToken, user}` or `{type: 'plaza:pi:cancelled'}`
//     to the opener; `/pi/wallet` posts `{type: 'plaza:pi:wallet', payment, state}` as hints only — the SDK then asks
//     `GET /v2/payments/{id}`, whose answer is the only thing callbacks are based on.
//   * Messages count only from Plaza's origin and from the very window the SDK opened.
// The JavaScript is ES2017 without modules, backticks or `${` (it lives in a template literal).

/** Replaced by the JSON literal of the server's public URL. */
const FALLBACK_MARK = '__PLAZA_FALLBACK_BASE__';

const SOURCE = String.raw`/*! Plaza Pi SDK — window.Pi for apps written for Pi Network. Served by Plaza at /pi-sdk.js. */
(function () {
  'use strict';
  if (typeof window === 'undefined' || (window.Pi && window.Pi.plaza === true)) return;

  var FALLBACK_BASE = __PLAZA_FALLBACK_BASE__;
  var NOT_INITIALISED = 'Pi Network SDK was not initialized. Call init() before any other method.';
  var CONSENT_CANCELLED = 'User consent cancelled.';
  var KNOWN_SCOPES = ['username', 'payments', 'wallet_address', 'roles'];
  var POLL_MS = 2000;          // payment polling during a flow
  var RETRY_MS = 10000;        // onReadyForServerApproval / onReadyForServerCompletion repeats
  var MAX_CALLS = 6;           // 0, 10, ... 50 s: the 60 s approval window
  var WATCH_MS = 500;          // how often an opened window is checked for being closed
  var CLOSE_GRACE_MS = 800;    // a page posts its result and closes itself: let the message arrive first
  var MAX_POLL_FAILURES = 3;   // consecutive network failures (or 5xx/429) before onError

  // ---- where Plaza is ------------------------------------------------------------------------------------------
  function scriptUrl() {
    var s = document.currentScript;
    try {
      return new URL(s && s.src ? s.src : FALLBACK_BASE + '/pi-sdk.js', location.href);
    } catch (e) {
      return new URL(FALLBACK_BASE + '/pi-sdk.js');
    }
  }
  var here = scriptUrl();
  var plazaOrigin = here.origin;
  var apiBase = here.origin + here.pathname.replace(/\/pi-sdk\.js$/, '').replace(/\/+$/, '');
  var mount = /\/apps\/([^\/]+)$/.exec(apiBase);
  var scriptAppKey = here.searchParams.get('app') || (mount ? safeDecode(mount[1]) : null);

  function safeDecode(s) {
    try { return decodeURIComponent(s); } catch (e) { return null; }
  }

  var state = { initialised: false, appKey: null, accessToken: null, scopes: [], onIncomplete: null, auth: null };

  // ---- small helpers -------------------------------------------------------------------------------------------
  function later(fn, ms) { return setTimeout(fn, ms || 0); }

  // App callbacks run asynchronously, never awaited; a throw or a rejection is logged and changes nothing.
  function report(name, fn, args) {
    if (typeof fn !== 'function') return;
    later(function () {
      try {
        var r = fn.apply(undefined, args);
        if (r && typeof r.then === 'function') {
          r.then(undefined, function (e) { console.error('Pi SDK: the ' + name + ' callback failed', e); });
        }
      } catch (e) {
        console.error('Pi SDK: the ' + name + ' callback threw', e);
      }
    });
  }

  function request(method, path, token, body) {
    var headers = { Authorization: 'Bearer ' + token };
    var init = { method: method, headers: headers, credentials: 'omit', cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(apiBase + path, init).then(function (res) {
      return res.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        return { status: res.status, body: json };
      });
    }, function (e) {
      var err = new Error('Could not reach Plaza at ' + apiBase + ': ' + (e && e.message ? e.message : String(e)));
      err.code = 'network_error';
      throw err;
    });
  }

  // An error answer as an Error: message = error_message, code = error (Plaza extension).
  function apiError(res) {
    var b = res.body && typeof res.body === 'object' ? res.body : {};
    var err = new Error(typeof b.error_message === 'string' ? b.error_message : 'Plaza answered HTTP ' + res.status + '.');
    err.code = typeof b.error === 'string' ? b.error : 'http_' + res.status;
    err.status = res.status;
    return err;
  }

  function cacheKey() { return 'plaza.pi.accessToken ' + apiBase + ' ' + (state.appKey || ''); }
  function readCache() {
    try { return window.sessionStorage.getItem(cacheKey()); } catch (e) { return null; }
  }
  function writeCache(token) {
    try { window.sessionStorage.setItem(cacheKey(), token); } catch (e) { /* storage disabled: no cache */ }
  }

  function me(token) {
    return request('GET', '/v2/me', token).then(function (res) {
      if (res.status !== 200 || !res.body || typeof res.body.uid !== 'string') throw apiError(res);
      return res.body;
    });
  }

  // ---- windows and the blocked-popup overlay -------------------------------------------------------------------
  var popups = [];
  window.addEventListener('message', function (event) {
    if (event.origin !== plazaOrigin) return;
    var d = event.data;
    if (!d || typeof d !== 'object' || typeof d.type !== 'string' || d.type.indexOf('plaza:pi:') !== 0) return;
    popups.slice().forEach(function (p) { p.deliver(event); });
  });

  function openWindow(url, name) {
    var w = 480, h = 720;
    var left = Math.max(0, Math.round((window.screenX || 0) + ((window.outerWidth || w) - w) / 2));
    var top = Math.max(0, Math.round((window.screenY || 0) + ((window.outerHeight || h) - h) / 2));
    try {
      return window.open(url, name, 'popup=yes,width=' + w + ',height=' + h + ',left=' + left + ',top=' + top) || null;
    } catch (e) {
      return null;
    }
  }

  function css(el, styles) { for (var k in styles) el.style[k] = styles[k]; return el; }

  function button(label, primary) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    css(b, {
      font: 'inherit', fontWeight: '600', padding: '0.625rem 1rem', borderRadius: '8px', cursor: 'pointer', flex: '1 1 8rem',
      border: '1px solid #2458d3', background: primary ? '#2458d3' : '#fff', color: primary ? '#fff' : '#2458d3'
    });
    return b;
  }

  // One dialog in the app page when the browser blocked the window: its button is a user gesture, so the window
  // opens from there. Escape and Cancel cancel.
  function overlay(texts, onProceed, onCancel) {
    var root = document.createElement('div');
    var id = 'plaza-pi-overlay-' + Math.random().toString(36).slice(2);
    root.setAttribute('data-plaza-pi', 'overlay');
    root.setAttribute('role', 'dialog');
    root.setAttribute('aria-modal', 'true');
    root.setAttribute('aria-labelledby', id);
    css(root, {
      position: 'fixed', top: '0', left: '0', right: '0', bottom: '0', zIndex: '2147483647', display: 'flex',
      alignItems: 'center', justifyContent: 'center', padding: '1rem', boxSizing: 'border-box',
      background: 'rgba(0,0,0,0.45)', font: '16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif'
    });
    var box = css(document.createElement('div'), {
      background: '#fff', color: '#1c1f24', width: '100%', maxWidth: '22rem', padding: '1.25rem', borderRadius: '12px',
      boxShadow: '0 8px 30px rgba(0,0,0,0.25)'
    });
    var text = css(document.createElement('p'), { margin: '0 0 1rem' });
    text.id = id;
    text.textContent = texts.message;
    var row = css(document.createElement('div'), { display: 'flex', gap: '0.75rem', flexWrap: 'wrap' });
    var proceed = button(texts.proceed, true);
    var cancel = button('Cancel', false);
    proceed.setAttribute('data-plaza-pi', 'proceed');
    cancel.setAttribute('data-plaza-pi', 'cancel');
    proceed.addEventListener('click', function () { onProceed(); });
    cancel.addEventListener('click', function () { onCancel(); });
    root.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') { e.preventDefault(); onCancel(); }
    });
    row.appendChild(proceed);
    row.appendChild(cancel);
    box.appendChild(text);
    box.appendChild(row);
    root.appendChild(box);
    function show() {
      (document.body || document.documentElement).appendChild(root);
      proceed.focus();
    }
    if (document.body) show(); else document.addEventListener('DOMContentLoaded', show, { once: true });
    return { remove: function () { if (root.parentNode) root.parentNode.removeChild(root); } };
  }

  // A hosted page in its own window, with the overlay as fallback. Handlers: message(data), closed(), cancelled()
  // (the overlay's Cancel), failed(error) (blocked even from the overlay's button).
  function popup(url, name, texts, h) {
    var c = { win: null, watcher: null, overlay: null, done: false };
    function attach(win) {
      c.win = win;
      c.watcher = setInterval(function () {
        if (c.done || !c.win.closed) return;
        clearInterval(c.watcher);
        c.watcher = null;
        later(function () { if (!c.done) h.closed(); }, CLOSE_GRACE_MS);
      }, WATCH_MS);
    }
    c.deliver = function (event) {
      if (!c.done && c.win !== null && event.source === c.win) h.message(event.data);
    };
    c.stop = function (closeWindow) {
      c.done = true;
      if (c.watcher) clearInterval(c.watcher);
      c.watcher = null;
      if (c.overlay) c.overlay.remove();
      c.overlay = null;
      var i = popups.indexOf(c);
      if (i >= 0) popups.splice(i, 1);
      // A newer flow may have reused the window (same name): it is then that flow's to close.
      var reused = popups.some(function (o) { return o.win === c.win; });
      if (closeWindow && c.win && !c.win.closed && !reused) {
        try { c.win.close(); } catch (e) { /* already gone */ }
      }
    };
    popups.push(c);
    var win = openWindow(url, name);
    if (win && !win.closed) {
      attach(win);
    } else {
      c.overlay = overlay(texts, function () {
        if (c.done) return;
        var again = openWindow(url, name);
        c.overlay.remove();
        c.overlay = null;
        if (again) attach(again);
        else h.failed(new Error('The browser blocked the Plaza window. Allow pop-ups for this site and try again.'));
      }, function () {
        if (!c.done) h.cancelled();
      });
    }
    return c;
  }

  // ---- authenticate ---------------------------------------------------------------------------------------------
  function covers(user, wanted) {
    var granted = user && user.credentials && Array.isArray(user.credentials.scopes) ? user.credentials.scopes : [];
    return wanted.every(function (s) { return granted.indexOf(s) >= 0; });
  }

  function signIn(scopes) {
    if (state.auth) state.auth.abort();
    return new Promise(function (resolve, reject) {
      var flow = { done: false };
      var c = null;
      function finish(err, value) {
        if (flow.done) return;
        flow.done = true;
        if (state.auth === flow) state.auth = null;
        if (c) c.stop(false);
        if (err) reject(err); else resolve(value);
      }
      // A newer authenticate replaces this one; its window (same name) is reused, not closed.
      flow.abort = function () { finish(new Error(CONSENT_CANCELLED)); };
      state.auth = flow;
      var q = new URLSearchParams();
      if (state.appKey) q.set('app', state.appKey);
      q.set('scopes', scopes.join(','));
      q.set('origin', location.origin);
      c = popup(apiBase + '/pi/authenticate?' + q.toString(), 'plaza-pi-authenticate',
        { message: 'Sign in with Plaza to continue.', proceed: 'Continue' }, {
          message: function (d) {
            if (d.type === 'plaza:pi:authenticated' && typeof d.accessToken === 'string') {
              c.stop(false);
              me(d.accessToken).then(function (user) { finish(null, { accessToken: d.accessToken, user: user }); }, finish);
            } else if (d.type === 'plaza:pi:cancelled') {
              finish(new Error(CONSENT_CANCELLED));
            }
          },
          closed: function () { finish(new Error(CONSENT_CANCELLED)); },
          cancelled: function () { finish(new Error(CONSENT_CANCELLED)); },
          failed: function (e) { finish(e); }
        });
    });
  }

  function reportIncomplete(token) {
    request('GET', '/v2/payments/incomplete', token).then(function (res) {
      if (res.status === 200 && res.body && res.body.exists === true && res.body.payment) {
        report('onIncompletePaymentFound', state.onIncomplete, [res.body.payment]);
      }
    }, function () { /* the next authenticate or createPayment asks again */ });
  }

  function authenticate(scopes, onIncompletePaymentFound) {
    if (!state.initialised) return Promise.reject(new Error(NOT_INITIALISED));
    if (!Array.isArray(scopes) || !scopes.every(function (s) { return typeof s === 'string'; })) {
      return Promise.reject(new TypeError('Pi.authenticate(scopes, onIncompletePaymentFound): scopes must be an array of strings.'));
    }
    state.onIncomplete = typeof onIncompletePaymentFound === 'function' ? onIncompletePaymentFound : null;
    var asked = scopes.map(function (s) { return s.trim(); });
    var wanted = KNOWN_SCOPES.filter(function (s) { return asked.indexOf(s) >= 0; });
    var cached = readCache();
    // Without a cached token the window opens now, inside the caller's click handler (no popup blocker).
    var result = cached === null ? signIn(asked) : me(cached).then(function (user) {
      return covers(user, wanted) ? { accessToken: cached, user: user } : null;
    }, function () { return null; }).then(function (hit) { return hit || signIn(asked); });
    return result.then(function (auth) {
      state.accessToken = auth.accessToken;
      var creds = auth.user.credentials;
      state.scopes = creds && Array.isArray(creds.scopes) ? creds.scopes.slice() : [];
      writeCache(auth.accessToken);
      later(function () { reportIncomplete(auth.accessToken); });
      return auth;
    });
  }

  // ---- createPayment --------------------------------------------------------------------------------------------
  // created 0 < approved 1 < paid 2 < completed / cancelled 3: an older answer arriving late never moves a flow back.
  function rankOf(p) {
    var s = p.status || {};
    if (p.transaction && typeof p.transaction.txid === 'string') return s.developer_completed ? 3 : 2;
    if (s.cancelled || s.user_cancelled) return 3;
    return s.developer_approved ? 1 : 0;
  }

  function runPayment(data, cb, token) {
    var f = { id: null, last: null, rank: -1, ended: false, paid: false, txid: null, popup: null,
      timers: { poll: null, approval: null, completion: null }, approvalCalls: 0, completionCalls: 0, failures: 0 };

    function end(closeWindow) {
      if (f.ended) return false;
      f.ended = true;
      for (var k in f.timers) { if (f.timers[k]) clearTimeout(f.timers[k]); f.timers[k] = null; }
      if (f.popup) f.popup.stop(closeWindow);
      return true;
    }
    function fail(err, payment) {
      if (end(true)) report('onError', cb.onError, payment ? [err, payment] : [err]);
    }
    function observe(p) {
      var r = rankOf(p);
      if (r < f.rank) return;
      f.rank = r;
      f.last = p;
      var s = p.status || {};
      if (r >= 2 && p.transaction) {
        if (!f.paid) {
          f.paid = true;
          f.txid = p.transaction.txid;
          completionCall();
        }
        if (s.developer_completed) end(false);
      } else if (s.cancelled || s.user_cancelled) {
        if (end(true)) report('onCancel', cb.onCancel, [f.id]);
      }
    }
    function countFailure(err) {
      if (++f.failures >= MAX_POLL_FAILURES) fail(err, f.last);
    }
    function refresh() {
      if (f.ended) return Promise.resolve();
      return request('GET', '/v2/payments/' + encodeURIComponent(f.id), token).then(function (res) {
        if (res.status === 200 && res.body && typeof res.body === 'object') {
          f.failures = 0;
          observe(res.body);
        } else if (res.status >= 500 || res.status === 429) {
          countFailure(apiError(res));
        } else {
          fail(apiError(res), f.last);
        }
      }, countFailure);
    }
    function poll() {
      f.timers.poll = null;
      refresh().then(function () { if (!f.ended && !f.timers.poll) f.timers.poll = later(poll, POLL_MS); });
    }
    function approvalCall() {
      f.approvalCalls++;
      report('onReadyForServerApproval', cb.onReadyForServerApproval, [f.id]);
      if (f.approvalCalls < MAX_CALLS) f.timers.approval = later(approvalTick, RETRY_MS);
    }
    function approvalTick() {
      f.timers.approval = null;
      refresh().then(function () { if (!f.ended && f.rank === 0) approvalCall(); });
    }
    function completionCall() {
      if (f.timers.approval) clearTimeout(f.timers.approval);
      f.timers.approval = null;
      f.completionCalls++;
      report('onReadyForServerCompletion', cb.onReadyForServerCompletion, [f.id, f.txid]);
      // After the last call the flow takes one more look and then lets go: an uncompleted payment is reported by
      // onIncompletePaymentFound on the next authenticate or createPayment.
      f.timers.completion = later(f.completionCalls < MAX_CALLS ? completionTick : function () {
        refresh().then(function () { end(false); });
      }, RETRY_MS);
    }
    function completionTick() {
      f.timers.completion = null;
      refresh().then(function () { if (!f.ended) completionCall(); });
    }
    // The user closed the wallet window (or cancelled the overlay) before paying: that is the user's cancel.
    function userCancel() {
      if (f.ended || f.paid) return;
      request('POST', '/v2/payments/' + encodeURIComponent(f.id) + '/cancel', token).then(function (res) {
        if (res.status === 200 && res.body && typeof res.body === 'object') observe(res.body);
        else if (res.body && res.body.payment) observe(res.body.payment);
        else refresh();
      }, function () { refresh(); });
    }
    function openWallet() {
      var q = new URLSearchParams();
      q.set('payment', f.id);
      q.set('origin', location.origin);
      f.popup = popup(apiBase + '/pi/wallet?' + q.toString(), 'plaza-pi-wallet',
        { message: 'Continue to your Plaza wallet to review this payment.', proceed: 'Open the wallet' }, {
          message: function () { refresh(); },
          closed: userCancel,
          cancelled: userCancel,
          failed: function (err) {
            request('POST', '/v2/payments/' + encodeURIComponent(f.id) + '/cancel', token).then(undefined, function () {});
            fail(err, f.last);
          }
        });
    }

    if (!data || typeof data !== 'object') {
      fail(new TypeError('Pi.createPayment(data, callbacks): data must be an object with amount, memo and metadata.'));
      return;
    }
    request('GET', '/v2/payments/incomplete', token).then(function (res) {
      if (res.status !== 200 || !res.body) throw apiError(res);
      if (res.body.exists === true && res.body.payment) {
        report('onIncompletePaymentFound', state.onIncomplete, [res.body.payment]);
        var err = new Error('A payment of this user is paid but not completed yet; complete it before creating another.');
        err.code = 'ongoing_payment_found';
        fail(err, res.body.payment);
        return null;
      }
      return request('POST', '/v2/payments/user_to_app', token, { amount: data.amount, memo: data.memo, metadata: data.metadata });
    }).then(function (res) {
      if (!res || f.ended) return;
      if (res.status !== 200 || !res.body || typeof res.body.identifier !== 'string') {
        var err = apiError(res);
        var p = res.body && res.body.payment ? res.body.payment : null;
        if (err.code === 'ongoing_payment_found' && p) report('onIncompletePaymentFound', state.onIncomplete, [p]);
        fail(err, p);
        return;
      }
      f.id = res.body.identifier;
      observe(res.body);
      openWallet();
      approvalCall();
      f.timers.poll = later(poll, POLL_MS);
    }).then(undefined, function (e) { fail(e, f.last); });
  }

  function createPayment(data, callbacks) {
    if (!state.initialised) throw new Error(NOT_INITIALISED);
    if (!state.accessToken || state.scopes.indexOf('payments') < 0) {
      throw new Error('Cannot create a payment without the "payments" scope: call Pi.authenticate() with it first.');
    }
    var cb = callbacks && typeof callbacks === 'object' ? callbacks : {};
    var token = state.accessToken;
    later(function () { runPayment(data, cb, token); });
    return undefined;
  }

  // ---- window.Pi ------------------------------------------------------------------------------------------------
  var Pi = {
    plaza: true,
    init: function (config) {
      if (!config || typeof config !== 'object' || config.version !== '2.0') {
        return Promise.reject(new Error('Unrecognized version number'));
      }
      var key = typeof config.appKey === 'string' && config.appKey.trim() !== '' ? config.appKey.trim().toLowerCase() : scriptAppKey;
      if (key !== state.appKey) { state.accessToken = null; state.scopes = []; }
      state.appKey = key;
      state.initialised = true;
      return Promise.resolve();
    },
    authenticate: authenticate,
    createPayment: createPayment,
    openShareDialog: function (title, message) {
      try {
        if (navigator.share) navigator.share({ title: String(title), text: String(message) }).then(undefined, function () {});
      } catch (e) { /* not shareable here */ }
    },
    openUrlInSystemBrowser: function (url) {
      window.open(String(url), '_blank', 'noopener');
      return Promise.resolve();
    },
    nativeFeaturesList: function () { return Promise.resolve([]); },
    Ads: {
      isAdReady: function (type) { return Promise.resolve({ type: type, ready: false }); },
      requestAd: function (type) { return Promise.resolve({ type: type, result: 'ADS_NOT_SUPPORTED' }); },
      showAd: function (type) { return Promise.resolve({ type: type, result: 'ADS_NOT_SUPPORTED' }); }
    }
  };
  window.Pi = Pi;
})();
`;

/** `value` as a JavaScript literal safe inside any script (no `</script>`, no line separators). */
function jsLiteral(value: string): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The script, with `fallbackBase` (the server's public URL) for pages where the script cannot see its own URL. */
export function piSdkSource(fallbackBase: string): string {
  const literal = jsLiteral(fallbackBase.replace(/\/+$/, ''));
  return SOURCE.replace(FALLBACK_MARK, () => literal);
}
