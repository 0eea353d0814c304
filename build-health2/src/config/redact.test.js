import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { REDACTED, redactConfig } from './redact.js';
import { loadConfigText } from './load.js';
const Secret = (o = {}) => Type.String({ 'x-secret': true, ...o });
const Schema = Type.Object({
    name: Type.String(),
    apiKeys: Type.Optional(Type.Array(Type.Object({ id: Type.String(), key: Secret() }))),
    jwt: Type.Optional(Type.Object({ issuer: Type.String(), hmacSecret: Type.Optional(Secret()) })),
    upstreams: Type.Optional(Type.Record(Type.String(), Type.Object({ url: Type.String(), password: Type.Optional(Secret()) }))),
    headers: Type.Optional(Type.Record(Type.String(), Secret())),
    tokens: Type.Optional(Type.Array(Secret())),
    wholeList: Type.Optional(Type.Array(Type.String(), { 'x-secret': true })),
    auth: Type.Optional(Type.Union([
        Type.Object({ kind: Type.Literal('basic'), user: Type.String(), pass: Secret() }, { additionalProperties: false }),
        Type.Object({ kind: Type.Literal('bearer'), token: Secret() }, { additionalProperties: false }),
        Type.Literal('none'),
    ])),
    tokenOrRef: Type.Optional(Type.Union([Secret(), Type.Object({ fromEnv: Type.String() })])),
    port: Type.Optional(Type.Integer({ 'x-secret': true })),
});
const CASES = [
    { desc: 'no secrets present', input: { name: 'a' }, expect: { name: 'a' } },
    {
        desc: 'array of objects',
        input: { name: 'a', apiKeys: [{ id: 'k1', key: 's1' }, { id: 'k2', key: 's2' }] },
        expect: { name: 'a', apiKeys: [{ id: 'k1', key: REDACTED }, { id: 'k2', key: REDACTED }] },
    },
    { desc: 'nested object', input: { name: 'a', jwt: { issuer: 'i', hmacSecret: 'h' } }, expect: { name: 'a', jwt: { issuer: 'i', hmacSecret: REDACTED } } },
    { desc: 'optional secret absent stays absent', input: { name: 'a', jwt: { issuer: 'i' } }, expect: { name: 'a', jwt: { issuer: 'i' } } },
    {
        desc: 'record of objects',
        input: { name: 'a', upstreams: { db: { url: 'u', password: 'p' }, cache: { url: 'v' } } },
        expect: { name: 'a', upstreams: { db: { url: 'u', password: REDACTED }, cache: { url: 'v' } } },
    },
    { desc: 'record of secret values', input: { name: 'a', headers: { authorization: 'Bearer x', 'x-k': 'y' } }, expect: { name: 'a', headers: { authorization: REDACTED, 'x-k': REDACTED } } },
    { desc: 'array of secret strings', input: { name: 'a', tokens: ['t1', 't2'] }, expect: { name: 'a', tokens: [REDACTED, REDACTED] } },
    { desc: 'secret array as a whole', input: { name: 'a', wholeList: ['x', 'y'] }, expect: { name: 'a', wholeList: REDACTED } },
    { desc: 'union: branch with the property (basic)', input: { name: 'a', auth: { kind: 'basic', user: 'u', pass: 'p' } }, expect: { name: 'a', auth: { kind: 'basic', user: 'u', pass: REDACTED } } },
    { desc: 'union: branch with the property (bearer)', input: { name: 'a', auth: { kind: 'bearer', token: 't' } }, expect: { name: 'a', auth: { kind: 'bearer', token: REDACTED } } },
    { desc: 'union: literal branch', input: { name: 'a', auth: 'none' }, expect: { name: 'a', auth: 'none' } },
    { desc: 'union: secret string branch', input: { name: 'a', tokenOrRef: 'raw' }, expect: { name: 'a', tokenOrRef: REDACTED } },
    { desc: 'union: non-secret object branch', input: { name: 'a', tokenOrRef: { fromEnv: 'TOKEN' } }, expect: { name: 'a', tokenOrRef: { fromEnv: 'TOKEN' } } },
    { desc: 'non-string secret', input: { name: 'a', port: 5 }, expect: { name: 'a', port: REDACTED } },
    { desc: 'unknown keys are copied', input: { name: 'a', extra: { key: 'v' } }, expect: { name: 'a', extra: { key: 'v' } } },
];
for (const c of CASES) {
    test(`redact: ${c.desc}`, () => {
        const before = JSON.stringify(c.input);
        assert.deepEqual(redactConfig(c.input, Schema), c.expect);
        assert.equal(JSON.stringify(c.input), before, 'input not modified');
    });
}
test('redact: returns a deep copy', () => {
    const input = { name: 'a', jwt: { issuer: 'i' }, tokens: [] };
    const out = redactConfig(input, Schema);
    assert.notEqual(out, input);
    assert.notEqual(out.jwt, input.jwt);
    assert.notEqual(out.tokens, input.tokens);
});
test('redact: the gateway schema (no secrets yet) copies the config unchanged', () => {
    const cfg = loadConfigText('listen: { port: 1 }\nservices: { a: { endpoints: ["a:1", { address: "b:2", weight: 2 }] } }\nroutes: [{ path: /, backendService: a }]', 'x.yaml', {});
    const out = redactConfig(cfg);
    assert.deepEqual(out, cfg);
    assert.notEqual(out, cfg);
});
//# sourceMappingURL=redact.test.js.map