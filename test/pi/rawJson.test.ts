// The exact-text cut of a body member (src/dialects/pi/rawJson.ts) and Pi amount parsing (amounts.ts): pure
// functions, checked against tricky but valid JSON.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePiAmount } from '../../src/dialects/pi/amounts.js';
import { memberJson, minifyJson } from '../../src/dialects/pi/rawJson.js';
import { JsonNumber } from '../../src/http/body.js';

test('memberJson cuts the member\'s text exactly, minified, through strings holding braces, quotes and escapes', () => {
  const raw = ' {\n "memo" : "a } \\" { ] ,", "payment": { "x": [1, {"metadata": 0}], "metadata" : { "9" : 1.50 , "a" : "b \\\\ \\"c\\" }" , "e": [ ] } } , "metadata": {"top":true}}';
  assert.equal(memberJson(raw, ['payment', 'metadata']), '{"9":1.50,"a":"b \\\\ \\"c\\" }","e":[]}');
  assert.equal(memberJson(raw, ['metadata']), '{"top":true}');
  assert.equal(memberJson(raw, ['memo']), '"a } \\" { ] ,"');
  assert.equal(memberJson(raw, ['missing']), null);
  assert.equal(memberJson(raw, ['memo', 'metadata']), null, 'a string is not an object');
  assert.equal(memberJson('{}', ['metadata']), null);
  // An escaped key is compared by its value.
  assert.equal(memberJson('{"meta\\u0064ata":{"k":1}}', ['metadata']), '{"k":1}');
});

test('minifyJson keeps whitespace inside strings only', () => {
  assert.equal(minifyJson('{ "a b" : [ 1 ,\t2 ]\r\n}'), '{"a b":[1,2]}');
});

test('parsePiAmount: exact, bounded, numbers and decimal strings only', () => {
  const n = (t: string) => parsePiAmount(new JsonNumber(t));
  assert.equal(n('3.14'), 31_400_000n);
  assert.equal(n('1e-7'), 1n);
  assert.equal(n('99999999.9999999'), 999_999_999_999_999n);
  assert.equal(n('1.00000000000000000000'), 10_000_000n);
  assert.equal(parsePiAmount('0.5'), 5_000_000n);
  for (const bad of ['100000000', '0', '-1', '1e-8', '0.00000001', '1e400']) assert.equal(n(bad), null, bad);
  for (const bad of [true, null, 3.14, '', ' 1', '1.', '.5', '+1', '0x1', {}, []]) assert.equal(parsePiAmount(bad), null, String(bad));
});
