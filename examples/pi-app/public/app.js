// Kitten Shop's page: signs the visitor in with Pi.authenticate and buys a kitten with Pi.createPayment. Everything
// that needs the Server API Key happens on the backend (server.mjs); the page only forwards ids.
'use strict';

const $ = (id) => document.getElementById(id);

function log(text) {
  const li = document.createElement('li');
  li.textContent = text;
  $('log').appendChild(li);
}

function status(text) {
  $('status').textContent = text;
  log(text);
}

async function backend(path, body) {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.error ?? `HTTP ${res.status}`);
  return json;
}

// A payment paid earlier but never completed: let the backend finish it (Plaza blocks new payments until then).
function onIncompletePaymentFound(payment) {
  log(`Found an unfinished payment ${payment.identifier}; finishing it.`);
  backend('/incomplete', { payment }).then(
    (r) => log(r.completed ? `Payment ${payment.identifier} completed.` : `Payment ${payment.identifier} had nothing to complete.`),
    (err) => log(`Could not finish payment ${payment.identifier}: ${err.message}`),
  );
}

$('signin').addEventListener('click', async () => {
  try {
    const auth = await Pi.authenticate(['username', 'payments'], onIncompletePaymentFound);
    // The user object from the SDK is for display only; the backend asks Plaza who the token belongs to.
    const me = await backend('/signin', { accessToken: auth.accessToken });
    $('who').textContent = `Signed in as ${me.username ?? me.uid}.`;
    $('who').dataset.uid = me.uid;
    $('signin').hidden = true;
    $('shop').hidden = false;
    status('Signed in.');
  } catch (err) {
    status(`Sign-in failed: ${err.message}`);
  }
});

$('buy').addEventListener('click', () => {
  status('Waiting for the payment…');
  Pi.createPayment(
    { amount: 3.14, memo: 'Digital kitten', metadata: { productId: 'kitten' } },
    {
      onReadyForServerApproval: (paymentId) =>
        backend('/approve', { paymentId }).then(
          () => status('Approved by the shop. Confirm the payment in your Plaza wallet.'),
          (err) => status(`The shop could not approve the payment: ${err.message}`),
        ),
      onReadyForServerCompletion: (paymentId, txid) =>
        backend('/complete', { paymentId, txid }).then(
          () => status('Thank you! Your kitten is on its way.'),
          (err) => status(`The shop could not complete the payment: ${err.message}`),
        ),
      onCancel: (paymentId) => {
        status('Payment cancelled.');
        backend('/cancelled', { paymentId }).catch(() => undefined);
      },
      onError: (err, payment) => status(`Payment failed: ${err.message}${payment ? ` (payment ${payment.identifier})` : ''}`),
    },
  );
});
