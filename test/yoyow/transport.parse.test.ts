// The YOYOW input parsers and renderers (spec/yoyow.md §3.2, §3.3, §3.4) as unit tests: every kind of §3.2 with its
// accepted forms and its refusal (code and exact text), the stage helpers, the int64 rule and chain timestamps.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { uidFromSequence } from '../../src/core/identity/uid.js';
import { YOYOW_ERRORS, YoyowRefusal } from '../../src/dialects/yoyow/errors.js';
import {
  checkAccountsExist,
  checkPlatform,
  checkUids,
  optional,
  parseBigInteger,
  parseBool,
  parseInteger,
  parseObjectId,
  parseString,
  parseUid,
  required,
} from '../../src/dialects/yoyow/parse.js';
import { chainInt, chainTime, renderData, yoyowOk } from '../../src/dialects/yoyow/render.js';
import { JsonNumber } from '../../src/http/body.js';

function refusal(run: () => unknown, code: number, message: string): void {
  assert.throws(run, (err: unknown) => err instanceof YoyowRefusal && err.code === code && err.message === message);
}

const n = (text: string) => new JsonNumber(text);
const UID = uidFromSequence(120); // 30833

describe('yoyow §3.2 parsers', () => {
  test('the catalogue has the byte-exact texts', () => {
    assert.equal(UID, 30833);
    assert.deepEqual(YOYOW_ERRORS.requestExpired, [1003, '请求已过期.']);
    assert.deepEqual(YOYOW_ERRORS.postPidMismatch, [3001, '文章ID必须为该平台该发文人的上一篇文章ID +1']);
    assert.deepEqual(YOYOW_ERRORS.rewardInsufficient, [2012, '打赏失败，零钱/余额不足']);
  });

  test('uid: number or string with a valid checksum; else 2002; missing 2000', () => {
    assert.equal(parseUid('30833', 'uid'), 30833);
    assert.equal(parseUid(n('30833'), 'uid'), 30833);
    for (const bad of ['30834', '', '-30833', 'abc', '30833.0', n('30833.0'), n('-1'), '9007199254740992', true, {}, [30833]]) refusal(() => parseUid(bad, 'uid'), 2002, '无效的账号');
    refusal(() => parseUid(undefined, 'uid'), 2000, 'missing parameter: uid');
  });

  test('integer: JSON integers up to 2^53−1, digit strings of any size, within range', () => {
    assert.equal(parseInteger(n('5'), 'limit', 1, 100), 5);
    assert.equal(parseInteger('100', 'limit', 1, 100), 100);
    assert.equal(parseBigInteger('9223372036854775807', 'x', 0n, 2n ** 63n - 1n), 2n ** 63n - 1n);
    for (const bad of ['0', '101', n('1.5'), n('1e2'), '1.0', ' 5', '-5', '', n('9007199254740993'), true]) refusal(() => parseInteger(bad, 'limit', 1, 100), 2000, 'invalid parameter: limit');
    refusal(() => parseBigInteger(n('9007199254740992'), 'x', 0n, 2n ** 63n), 2000, 'invalid parameter: x');
    refusal(() => parseInteger(undefined, 'limit', 1, 100), 2000, 'missing parameter: limit');
  });

  test('boolean: true/false, "true"/"false", 1/0, "1"/"0"', () => {
    for (const v of [true, 'true', n('1'), '1']) assert.equal(parseBool(v, 'b'), true);
    for (const v of [false, 'false', n('0'), '0']) assert.equal(parseBool(v, 'b'), false);
    for (const v of ['yes', 'TRUE', n('2'), '']) refusal(() => parseBool(v, 'b'), 2000, 'invalid parameter: b');
  });

  test('string: numbers become their text; limits in bytes and characters', () => {
    assert.equal(parseString(n('1.50'), 's'), '1.50');
    assert.equal(parseString('中文', 's', { maxChars: 2 }), '中文');
    refusal(() => parseString('中文', 's', { maxBytes: 5 }), 2000, 'invalid parameter: s');
    refusal(() => parseString('', 's', { nonEmpty: true }), 2000, 'invalid parameter: s');
    refusal(() => parseString(true, 's'), 2000, 'invalid parameter: s');
  });

  test('object id', () => {
    assert.deepEqual(parseObjectId('2.16.3', 'id'), { space: 2, type: 16, instance: 3 });
    refusal(() => parseObjectId('2.16', 'id'), 2000, 'invalid parameter: id');
    refusal(() => parseObjectId('1.2.3', 'id', { space: 2, type: 16 }), 2000, 'invalid parameter: id');
    refusal(() => parseObjectId(n('2.16'), 'id'), 2000, 'invalid parameter: id');
  });

  test('stages: A missing before B checksum; C existence in order; D platform', async () => {
    const body = { platform: '30834', uid: undefined };
    refusal(() => required(body, 'uid'), 2000, 'missing parameter: uid');
    assert.equal(optional({ memo: null }, 'memo'), undefined);
    refusal(() => checkUids([[UID, 'uid'], ['30834', 'platform']]), 2002, '无效的账号');
    await assert.rejects(checkAccountsExist([UID, 31479], async (u) => u === UID), (e: unknown) => e instanceof YoyowRefusal && e.code === 2001 && e.message === '账号不存在');
    refusal(() => checkPlatform(UID, 33313), 1007, '未授权该平台');
    checkPlatform(UID, UID);
  });
});

describe('yoyow §3.2 rendering', () => {
  test('int64 rule', () => {
    assert.equal(chainInt(4294967295), 4294967295);
    assert.equal(chainInt(4294967296n), '4294967296');
    assert.equal(chainInt(-4294967295n), -4294967295);
    assert.equal(chainInt(200000000000000), '200000000000000');
    assert.equal(renderData({ a: 2n ** 63n - 1n, b: [0n] }), '{"a":"9223372036854775807","b":[0]}');
  });

  test('chain time: whole seconds, no zone; 0 is "not set"', () => {
    assert.equal(chainTime(Date.UTC(2026, 0, 5, 8, 0, 3, 999)), '2026-01-05T08:00:03');
    assert.equal(chainTime(0), '1970-01-01T00:00:00');
  });

  test('success envelope key order', () => {
    assert.equal(yoyowOk(null).body, '{"code":0,"data":null,"message":"操作成功"}');
    assert.equal(yoyowOk(undefined).body, '{"code":0,"data":null,"message":"操作成功"}');
    assert.equal(yoyowOk([true]).body, '{"code":0,"data":[true],"message":"操作成功"}');
  });
});
