import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildRouter, RouterBuildError } from './index.js';
function build(routes, compileTree) {
    return buildRouter(routes.map((r, index) => ({ config: { backendService: 'svc', ...r }, index, value: r.name })), { compileTree });
}
/** find-my-way's tree walk and its compiled mode must give the same answers: every case runs on both. */
const MODES = [
    { label: 'tree walk', compileTree: false },
    { label: 'compiled tree', compileTree: true },
];
function req(r) {
    return { method: 'GET', host: '', path: '/', query: '', rawHeaders: [], ...r };
}
function run(cases) {
    for (const c of cases) {
        it(c.desc, () => {
            for (const mode of MODES) {
                const got = build(c.routes, mode.compileTree).match(req(c.request));
                if (c.expect === null) {
                    assert.equal(got, null, `${mode.label}: expected no match, got ${got?.value}`);
                    continue;
                }
                const e = typeof c.expect === 'string' ? { name: c.expect } : c.expect;
                assert.ok(got !== null, `${mode.label}: expected ${e.name}, got no match`);
                assert.equal(got.value, e.name, mode.label);
                if (e.params !== undefined)
                    assert.deepEqual(got.params, e.params, mode.label);
                if (e.matchedPath !== undefined)
                    assert.equal(got.matchedPath, e.matchedPath, mode.label);
            }
        });
    }
}
describe('router: path types', () => {
    const api = [{ name: 'api', path: '/api' }];
    run([
        { desc: 'PathPrefix is the default and matches the prefix itself', routes: api, request: { path: '/api' }, expect: { name: 'api', params: null, matchedPath: '/api' } },
        { desc: 'PathPrefix matches with a trailing slash', routes: api, request: { path: '/api/' }, expect: { name: 'api', matchedPath: '/api' } },
        { desc: 'PathPrefix matches below the prefix', routes: api, request: { path: '/api/v1/users' }, expect: { name: 'api', matchedPath: '/api' } },
        { desc: 'PathPrefix is segment-aware: /api does not match /apix', routes: api, request: { path: '/apix' }, expect: null },
        { desc: 'PathPrefix does not match a shorter path', routes: api, request: { path: '/ap' }, expect: null },
        { desc: 'PathPrefix is case-sensitive', routes: api, request: { path: '/API' }, expect: null },
        { desc: 'PathPrefix ignores the trailing slash of the config prefix', routes: [{ name: 'p', path: '/api/' }], request: { path: '/api' }, expect: { name: 'p', matchedPath: '/api' } },
        { desc: 'PathPrefix with trailing slash still segment-aware', routes: [{ name: 'p', path: '/api/' }], request: { path: '/apix' }, expect: null },
        { desc: 'PathPrefix / matches everything, matchedPath is empty', routes: [{ name: 'root', path: '/' }], request: { path: '/anything/at/all' }, expect: { name: 'root', matchedPath: '' } },
        { desc: 'PathPrefix / matches /', routes: [{ name: 'root', path: '/' }], request: { path: '/' }, expect: { name: 'root', matchedPath: '' } },
        { desc: 'Exact matches the exact path', routes: [{ name: 'e', path: '/api', pathType: 'Exact' }], request: { path: '/api' }, expect: { name: 'e', params: null, matchedPath: '/api' } },
        { desc: 'Exact does not match with a trailing slash', routes: [{ name: 'e', path: '/api', pathType: 'Exact' }], request: { path: '/api/' }, expect: null },
        { desc: 'Exact does not match below the path', routes: [{ name: 'e', path: '/api', pathType: 'Exact' }], request: { path: '/api/x' }, expect: null },
        { desc: 'Exact / matches only /', routes: [{ name: 'e', path: '/', pathType: 'Exact' }], request: { path: '/x' }, expect: null },
        { desc: 'Exact / matches /', routes: [{ name: 'e', path: '/', pathType: 'Exact' }], request: { path: '/' }, expect: 'e' },
        { desc: 'Exact with a trailing slash in config wants it', routes: [{ name: 'e', path: '/api/', pathType: 'Exact' }], request: { path: '/api/' }, expect: 'e' },
        {
            desc: 'RegularExpression matches the whole path',
            routes: [{ name: 're', path: '/v[0-9]+/.*', pathType: 'RegularExpression' }],
            request: { path: '/v2/users' },
            expect: { name: 're', params: null, matchedPath: '/v2/users' },
        },
        { desc: 'RegularExpression is anchored at the start', routes: [{ name: 're', path: '/v[0-9]+/.*', pathType: 'RegularExpression' }], request: { path: '/x/v2/users' }, expect: null },
        { desc: 'RegularExpression is anchored at the end', routes: [{ name: 're', path: '/a|/b', pathType: 'RegularExpression' }], request: { path: '/ab' }, expect: null },
        { desc: 'RegularExpression alternation is anchored as a whole', routes: [{ name: 're', path: '/a|/b', pathType: 'RegularExpression' }], request: { path: '/b' }, expect: 're' },
        { desc: 'RegularExpression can match a path that does not start with /', routes: [{ name: 're', path: '\\*', pathType: 'RegularExpression' }], request: { path: '*', method: 'OPTIONS' }, expect: 're' },
        { desc: 'a path not starting with / matches no PathPrefix route', routes: [{ name: 'root', path: '/' }], request: { path: '*' }, expect: null },
    ]);
});
describe('router: path parameters', () => {
    run([
        { desc: 'Exact param is captured', routes: [{ name: 'u', path: '/users/:id', pathType: 'Exact' }], request: { path: '/users/42' }, expect: { name: 'u', params: { id: '42' }, matchedPath: '/users/42' } },
        { desc: 'a param does not match an empty segment', routes: [{ name: 'u', path: '/users/:id', pathType: 'Exact' }], request: { path: '/users/' }, expect: null },
        { desc: 'Exact param does not match below', routes: [{ name: 'u', path: '/users/:id', pathType: 'Exact' }], request: { path: '/users/42/x' }, expect: null },
        {
            desc: 'PathPrefix param: matchedPath is the matched prefix',
            routes: [{ name: 'u', path: '/users/:id' }],
            request: { path: '/users/42/orders/7' },
            expect: { name: 'u', params: { id: '42' }, matchedPath: '/users/42' },
        },
        {
            desc: 'several params',
            routes: [{ name: 'r', path: '/orgs/:org/repos/:repo', pathType: 'Exact' }],
            request: { path: '/orgs/acme/repos/gw' },
            expect: { name: 'r', params: { org: 'acme', repo: 'gw' } },
        },
        {
            desc: 'param values are percent-decoded, matchedPath is not',
            routes: [{ name: 'f', path: '/files/:name' }],
            request: { path: '/files/a%2Fb%20c/raw' },
            expect: { name: 'f', params: { name: 'a/b c' }, matchedPath: '/files/a%2Fb%20c' },
        },
        { desc: 'a malformed escape in a param is kept as received', routes: [{ name: 'f', path: '/files/:name', pathType: 'Exact' }], request: { path: '/files/%zz' }, expect: { name: 'f', params: { name: '%zz' } } },
        { desc: '%2F does not split segments', routes: [{ name: 'f', path: '/files/:name', pathType: 'Exact' }], request: { path: '/files/a%2Fb' }, expect: { name: 'f', params: { name: 'a/b' } } },
        { desc: 'a param as first segment', routes: [{ name: 't', path: '/:tenant/api' }], request: { path: '/acme/api/x' }, expect: { name: 't', params: { tenant: 'acme' }, matchedPath: '/acme/api' } },
    ]);
});
describe('router: literal paths and odd requests', () => {
    run([
        { desc: 'percent-encoded config literal matches the same raw path', routes: [{ name: 'e', path: '/a%2Fb', pathType: 'Exact' }], request: { path: '/a%2Fb' }, expect: 'e' },
        { desc: 'percent-encoded config literal does not match the decoded path', routes: [{ name: 'e', path: '/a%2Fb', pathType: 'Exact' }], request: { path: '/a/b' }, expect: null },
        { desc: 'a literal path does not match its encoded form', routes: [{ name: 'e', path: '/a/b', pathType: 'Exact' }], request: { path: '/a%2Fb' }, expect: null },
        { desc: 'no decoding: /caf%C3%A9 is not /café', routes: [{ name: 'e', path: '/café', pathType: 'Exact' }], request: { path: '/caf%C3%A9' }, expect: null },
        { desc: '%25 stays literal', routes: [{ name: 'e', path: '/100%25', pathType: 'Exact' }], request: { path: '/100%25' }, expect: 'e' },
        { desc: 'a malformed escape in the path still routes (prefix /)', routes: [{ name: 'root', path: '/' }], request: { path: '/a%zz' }, expect: 'root' },
        { desc: 'a malformed escape matches a literal route literally', routes: [{ name: 'e', path: '/a%zz', pathType: 'Exact' }], request: { path: '/a%zz' }, expect: 'e' },
        { desc: 'duplicate slashes are an empty segment: //x is not under /x', routes: [{ name: 'x', path: '/x' }], request: { path: '//x' }, expect: null },
        { desc: 'duplicate slashes route to /', routes: [{ name: 'x', path: '/x' }, { name: 'root', path: '/' }], request: { path: '//x' }, expect: 'root' },
        { desc: 'literal colon inside a segment', routes: [{ name: 'c', path: '/v1/things:batch', pathType: 'Exact' }], request: { path: '/v1/things:batch' }, expect: 'c' },
        { desc: 'literal star inside a segment matches only itself', routes: [{ name: 's', path: '/files/a*b', pathType: 'Exact' }], request: { path: '/files/axb' }, expect: null },
        { desc: 'literal star inside a segment', routes: [{ name: 's', path: '/files/a*b', pathType: 'Exact' }], request: { path: '/files/a*b' }, expect: 's' },
        { desc: 'odd literal characters', routes: [{ name: 'o', path: '/a(b)/c:(d)/e%/f;g=h/ü', pathType: 'Exact' }], request: { path: '/a(b)/c:(d)/e%/f;g=h/ü' }, expect: 'o' },
        { desc: 'odd literal characters are literal', routes: [{ name: 'o', path: '/a(b)/c:(d)', pathType: 'Exact' }], request: { path: '/a(b)/c:d' }, expect: null },
        { desc: '? and # in the request path are literal characters', routes: [{ name: 'p', path: '/q/:x', pathType: 'Exact' }], request: { path: '/q/a?b#c' }, expect: { name: 'p', params: { x: 'a?b#c' } } },
    ]);
});
describe('router: method, host, headers, query', () => {
    run([
        { desc: 'method in config is case-insensitive', routes: [{ name: 'g', path: '/', method: 'get' }], request: { method: 'GET' }, expect: 'g' },
        { desc: 'method mismatch', routes: [{ name: 'g', path: '/', method: 'GET' }], request: { method: 'POST' }, expect: null },
        { desc: 'method list', routes: [{ name: 'g', path: '/', method: ['GET', 'post'] }], request: { method: 'POST' }, expect: 'g' },
        { desc: 'exact host, case-insensitive config', routes: [{ name: 'h', path: '/', host: 'API.Example.com' }], request: { host: 'api.example.com' }, expect: 'h' },
        { desc: 'exact host mismatch', routes: [{ name: 'h', path: '/', host: 'api.example.com' }], request: { host: 'www.example.com' }, expect: null },
        { desc: 'no host on the request', routes: [{ name: 'h', path: '/', host: 'api.example.com' }], request: { host: '' }, expect: null },
        { desc: 'wildcard host matches one label', routes: [{ name: 'w', path: '/', host: '*.example.com' }], request: { host: 'a.example.com' }, expect: 'w' },
        { desc: 'wildcard host matches several labels', routes: [{ name: 'w', path: '/', host: '*.example.com' }], request: { host: 'a.b.example.com' }, expect: 'w' },
        { desc: 'wildcard host does not match the bare suffix', routes: [{ name: 'w', path: '/', host: '*.example.com' }], request: { host: 'example.com' }, expect: null },
        { desc: 'wildcard host is label-aware', routes: [{ name: 'w', path: '/', host: '*.example.com' }], request: { host: 'badexample.com' }, expect: null },
        { desc: 'host list', routes: [{ name: 'h', path: '/', host: ['a.com', '*.b.com'] }], request: { host: 'x.b.com' }, expect: 'h' },
        { desc: 'header Exact, name case-insensitive', routes: [{ name: 'h', path: '/', headers: [{ name: 'X-Env', value: 'canary' }] }], request: { rawHeaders: ['x-env', 'canary'] }, expect: 'h' },
        { desc: 'header Exact, raw name in any case', routes: [{ name: 'h', path: '/', headers: [{ name: 'x-env', value: 'canary' }] }], request: { rawHeaders: ['Host', 'a', 'X-ENV', 'canary'] }, expect: 'h' },
        { desc: 'header Exact value is case-sensitive', routes: [{ name: 'h', path: '/', headers: [{ name: 'x-env', value: 'canary' }] }], request: { rawHeaders: ['x-env', 'Canary'] }, expect: null },
        { desc: 'header missing', routes: [{ name: 'h', path: '/', headers: [{ name: 'x-env', value: 'canary' }] }], request: { rawHeaders: ['x-other', 'canary'] }, expect: null },
        { desc: 'header Present (default without value)', routes: [{ name: 'h', path: '/', headers: [{ name: 'authorization' }] }], request: { rawHeaders: ['Authorization', 'Bearer x'] }, expect: 'h' },
        { desc: 'header Present, absent', routes: [{ name: 'h', path: '/', headers: [{ name: 'authorization', type: 'Present' }] }], request: { rawHeaders: [] }, expect: null },
        { desc: 'header RegularExpression', routes: [{ name: 'h', path: '/', headers: [{ name: 'x-v', type: 'RegularExpression', value: 'v[0-9]+' }] }], request: { rawHeaders: ['X-V', 'v12'] }, expect: 'h' },
        { desc: 'header RegularExpression is anchored', routes: [{ name: 'h', path: '/', headers: [{ name: 'x-v', type: 'RegularExpression', value: 'v[0-9]+' }] }], request: { rawHeaders: ['X-V', 'xv12'] }, expect: null },
        { desc: 'all headers must match', routes: [{ name: 'h', path: '/', headers: [{ name: 'a', value: '1' }, { name: 'b', value: '2' }] }], request: { rawHeaders: ['a', '1', 'b', '3'] }, expect: null },
        { desc: 'a repeated header is judged by its first value', routes: [{ name: 'h', path: '/', headers: [{ name: 'x-env', value: 'canary' }] }], request: { rawHeaders: ['x-env', 'prod', 'x-env', 'canary'] }, expect: null },
        { desc: 'query Exact', routes: [{ name: 'q', path: '/', query: [{ name: 'v', value: '2' }] }], request: { query: 'a=1&v=2' }, expect: 'q' },
        { desc: 'query value is compared percent-decoded', routes: [{ name: 'q', path: '/', query: [{ name: 'q', value: 'a b/c' }] }], request: { query: 'q=a%20b%2Fc' }, expect: 'q' },
        { desc: 'query: + is not a space', routes: [{ name: 'q', path: '/', query: [{ name: 'q', value: 'a b' }] }], request: { query: 'q=a+b' }, expect: null },
        { desc: 'query: a malformed escape does not match', routes: [{ name: 'q', path: '/', query: [{ name: 'q', value: '%zz' }] }], request: { query: 'q=%zz' }, expect: null },
        { desc: 'query: a malformed escape does not throw for regex', routes: [{ name: 'q', path: '/', query: [{ name: 'q', type: 'RegularExpression', value: '.*' }] }], request: { query: 'q=%zz' }, expect: null },
        { desc: 'query: Present with a malformed value', routes: [{ name: 'q', path: '/', query: [{ name: 'q' }] }], request: { query: 'q=%zz' }, expect: 'q' },
        { desc: 'query name is case-sensitive', routes: [{ name: 'q', path: '/', query: [{ name: 'v', value: '2' }] }], request: { query: 'V=2' }, expect: null },
        { desc: 'query name is not a prefix match', routes: [{ name: 'q', path: '/', query: [{ name: 'v', value: '2' }] }], request: { query: 'vv=2' }, expect: null },
        { desc: 'query Present without value', routes: [{ name: 'q', path: '/', query: [{ name: 'debug' }] }], request: { query: 'x=1&debug' }, expect: 'q' },
        { desc: 'query Exact empty value', routes: [{ name: 'q', path: '/', query: [{ name: 'debug', value: '' }] }], request: { query: 'debug' }, expect: 'q' },
        { desc: 'query key is compared decoded', routes: [{ name: 'q', path: '/', query: [{ name: 'a b', value: '1' }] }], request: { query: 'a%20b=1' }, expect: 'q' },
        { desc: 'query: UTF-8 escapes', routes: [{ name: 'q', path: '/', query: [{ name: 'q', value: 'café' }] }], request: { query: 'q=caf%C3%A9' }, expect: 'q' },
        { desc: 'query: lower-case hex escapes', routes: [{ name: 'q', path: '/', query: [{ name: 'q', value: 'a/b' }] }], request: { query: 'q=a%2fb' }, expect: 'q' },
        { desc: 'query: a raw non-ASCII value with escapes', routes: [{ name: 'q', path: '/', query: [{ name: 'q', value: 'café au lait' }] }], request: { query: 'q=café%20au%20lait' }, expect: 'q' },
        { desc: 'query: truncated UTF-8 does not match', routes: [{ name: 'q', path: '/', query: [{ name: 'q', value: 'caf\uFFFD' }] }], request: { query: 'q=caf%C3' }, expect: null },
        { desc: 'query: a truncated escape does not match', routes: [{ name: 'q', path: '/', query: [{ name: 'q', value: 'a%4' }] }], request: { query: 'q=a%4' }, expect: null },
        { desc: 'query: a UTF-8 escaped key', routes: [{ name: 'q', path: '/', query: [{ name: 'clé', value: '1' }] }], request: { query: 'cl%C3%A9=1' }, expect: 'q' },
        { desc: 'query: escapes in earlier values do not confuse later keys', routes: [{ name: 'q', path: '/', query: [{ name: 'a b', value: 'A' }] }], request: { query: 'k=%41&a%20b=%41' }, expect: 'q' },
        { desc: 'query: a long query of bare keys', routes: [{ name: 'q', path: '/', query: [{ name: 'b', value: '1' }] }], request: { query: `${'a&'.repeat(5000)}b=1` }, expect: 'q' },
        { desc: 'query: an empty key does not match', routes: [{ name: 'q', path: '/', query: [{ name: 'v' }] }], request: { query: '=v&&' }, expect: null },
        { desc: 'query RegularExpression (anchored)', routes: [{ name: 'q', path: '/', query: [{ name: 'id', type: 'RegularExpression', value: '[0-9]+' }] }], request: { query: 'id=12x' }, expect: null },
        { desc: 'query RegularExpression on the decoded value', routes: [{ name: 'q', path: '/', query: [{ name: 'id', type: 'RegularExpression', value: 'a b' }] }], request: { query: 'id=a%20b' }, expect: 'q' },
        { desc: 'a repeated query parameter is judged by its first value', routes: [{ name: 'q', path: '/', query: [{ name: 'v', value: '2' }] }], request: { query: 'v=1&v=2' }, expect: null },
        { desc: 'query absent', routes: [{ name: 'q', path: '/', query: [{ name: 'v' }] }], request: { query: '' }, expect: null },
    ]);
});
describe('router: precedence', () => {
    run([
        {
            desc: 'Exact beats PathPrefix on the same path, whatever the file order',
            routes: [{ name: 'prefix', path: '/a/b' }, { name: 'exact', path: '/a/b', pathType: 'Exact' }],
            request: { path: '/a/b' },
            expect: 'exact',
        },
        {
            desc: 'Exact beats a PathPrefix with more conditions',
            routes: [{ name: 'prefix', path: '/a', method: 'GET', headers: [{ name: 'x' }] }, { name: 'exact', path: '/a', pathType: 'Exact' }],
            request: { path: '/a', rawHeaders: ['x', '1'] },
            expect: 'exact',
        },
        {
            desc: 'longest prefix wins, whatever the file order',
            routes: [{ name: 'api', path: '/api' }, { name: 'v1', path: '/api/v1' }, { name: 'root', path: '/' }],
            request: { path: '/api/v1/users' },
            expect: { name: 'v1', matchedPath: '/api/v1' },
        },
        {
            desc: 'a literal segment beats a parameter (/users/me over /users/:id)',
            routes: [{ name: 'id', path: '/users/:id' }, { name: 'me', path: '/users/me' }],
            request: { path: '/users/me/settings' },
            expect: { name: 'me', params: null },
        },
        {
            desc: 'a literal segment beats a parameter (Exact)',
            routes: [{ name: 'id', path: '/users/:id', pathType: 'Exact' }, { name: 'me', path: '/users/me', pathType: 'Exact' }],
            request: { path: '/users/me' },
            expect: 'me',
        },
        { desc: 'a parameter route beats its shorter prefix', routes: [{ name: 'users', path: '/users' }, { name: 'id', path: '/users/:id' }], request: { path: '/users/42' }, expect: { name: 'id', params: { id: '42' } } },
        { desc: 'the shorter prefix takes what the parameter does not', routes: [{ name: 'users', path: '/users' }, { name: 'id', path: '/users/:id' }], request: { path: '/users/' }, expect: 'users' },
        {
            desc: 'a longer path with a parameter beats a shorter literal one',
            routes: [{ name: 'ab', path: '/a/b' }, { name: 'axc', path: '/a/:x/c' }],
            request: { path: '/a/b/c/d' },
            expect: { name: 'axc', params: { x: 'b' }, matchedPath: '/a/b/c' },
        },
        { desc: 'PathPrefix beats RegularExpression', routes: [{ name: 're', path: '.*', pathType: 'RegularExpression' }, { name: 'root', path: '/' }], request: { path: '/x' }, expect: 'root' },
        {
            desc: 'RegularExpression routes among themselves: conditions, then file order',
            routes: [
                { name: 're1', path: '/a.*', pathType: 'RegularExpression' },
                { name: 're2', path: '/.*', pathType: 'RegularExpression', method: 'GET' },
                { name: 're3', path: '/a.*', pathType: 'RegularExpression' },
            ],
            request: { path: '/ab' },
            expect: 're2',
        },
        {
            desc: 'a method match beats none on the same path',
            routes: [{ name: 'any', path: '/a' }, { name: 'get', path: '/a', method: 'GET' }],
            request: { path: '/a', method: 'GET' },
            expect: 'get',
        },
        { desc: 'method mismatch falls back to the route without method', routes: [{ name: 'any', path: '/a' }, { name: 'get', path: '/a', method: 'GET' }], request: { path: '/a', method: 'POST' }, expect: 'any' },
        {
            desc: 'method beats headers',
            routes: [{ name: 'hdr', path: '/a', headers: [{ name: 'x' }, { name: 'y' }] }, { name: 'get', path: '/a', method: 'GET' }],
            request: { path: '/a', rawHeaders: ['x', '1', 'y', '1'] },
            expect: 'get',
        },
        {
            desc: 'more header matches win',
            routes: [
                { name: 'none', path: '/a' },
                { name: 'one', path: '/a', headers: [{ name: 'x' }] },
                { name: 'two', path: '/a', headers: [{ name: 'x' }, { name: 'y' }] },
            ],
            request: { path: '/a', rawHeaders: ['x', '1', 'y', '1'] },
            expect: 'two',
        },
        {
            desc: 'duplicate header entries count once',
            routes: [
                { name: 'dup', path: '/a', headers: [{ name: 'x' }, { name: 'X' }] },
                { name: 'two', path: '/a', headers: [{ name: 'x' }, { name: 'y' }] },
            ],
            request: { path: '/a', rawHeaders: ['x', '1', 'y', '1'] },
            expect: 'two',
        },
        {
            desc: 'headers beat query',
            routes: [{ name: 'q', path: '/a', query: [{ name: 'a' }, { name: 'b' }] }, { name: 'h', path: '/a', headers: [{ name: 'x' }] }],
            request: { path: '/a', rawHeaders: ['x', '1'], query: 'a&b' },
            expect: 'h',
        },
        {
            desc: 'more query matches win',
            routes: [{ name: 'one', path: '/a', query: [{ name: 'a' }] }, { name: 'two', path: '/a', query: [{ name: 'a' }, { name: 'b' }] }],
            request: { path: '/a', query: 'a=1&b=2' },
            expect: 'two',
        },
        {
            desc: 'query beats host',
            routes: [{ name: 'host', path: '/a', host: 'x.com' }, { name: 'q', path: '/a', query: [{ name: 'a' }] }],
            request: { path: '/a', host: 'x.com', query: 'a' },
            expect: 'q',
        },
        {
            desc: 'exact host beats wildcard beats none',
            routes: [
                { name: 'none', path: '/a' },
                { name: 'wild', path: '/a', host: '*.example.com' },
                { name: 'exact', path: '/a', host: 'api.example.com' },
            ],
            request: { path: '/a', host: 'api.example.com' },
            expect: 'exact',
        },
        {
            desc: 'wildcard host beats none',
            routes: [{ name: 'none', path: '/a' }, { name: 'wild', path: '/a', host: '*.example.com' }],
            request: { path: '/a', host: 'www.example.com' },
            expect: 'wild',
        },
        {
            desc: 'longer wildcard first',
            routes: [{ name: 'short', path: '/a', host: '*.example.com' }, { name: 'long', path: '/a', host: '*.dev.example.com' }],
            request: { path: '/a', host: 'x.dev.example.com' },
            expect: 'long',
        },
        {
            desc: 'a route ranks by the host it matched: wildcard entry of a mixed list',
            routes: [{ name: 'mixed', path: '/a', host: ['api.example.com', '*.example.com'] }, { name: 'long', path: '/a', host: '*.dev.example.com' }],
            request: { path: '/a', host: 'x.dev.example.com' },
            expect: 'long',
        },
        {
            desc: 'a route ranks by the host it matched: exact entry of a mixed list',
            routes: [{ name: 'long', path: '/a', host: '*.dev.example.com' }, { name: 'mixed', path: '/a', host: ['api.dev.example.com', '*.example.com'] }],
            request: { path: '/a', host: 'api.dev.example.com' },
            expect: 'mixed',
        },
        { desc: 'path length beats host', routes: [{ name: 'host', path: '/a', host: 'x.com' }, { name: 'long', path: '/a/b' }], request: { path: '/a/b', host: 'x.com' }, expect: 'long' },
        { desc: 'file order breaks full ties', routes: [{ name: 'first', path: '/a' }, { name: 'second', path: '/a' }], request: { path: '/a' }, expect: 'first' },
        { desc: 'file order breaks ties with the same conditions', routes: [{ name: 'first', path: '/a/', method: 'GET' }, { name: 'second', path: '/a', method: 'get' }], request: { path: '/a' }, expect: 'first' },
    ]);
});
describe('router: fallback to less specific routes', () => {
    run([
        {
            desc: 'the longer prefix fails on a header: the shorter one wins',
            routes: [{ name: 'v1', path: '/api/v1', headers: [{ name: 'x-canary', value: '1' }] }, { name: 'api', path: '/api' }],
            request: { path: '/api/v1/x' },
            expect: { name: 'api', matchedPath: '/api' },
        },
        {
            desc: 'with the header the longer prefix wins',
            routes: [{ name: 'v1', path: '/api/v1', headers: [{ name: 'x-canary', value: '1' }] }, { name: 'api', path: '/api' }],
            request: { path: '/api/v1/x', rawHeaders: ['X-Canary', '1'] },
            expect: { name: 'v1', matchedPath: '/api/v1' },
        },
        { desc: 'Exact fails on method: PathPrefix wins', routes: [{ name: 'exact', path: '/a', pathType: 'Exact', method: 'POST' }, { name: 'prefix', path: '/a' }], request: { path: '/a' }, expect: 'prefix' },
        {
            desc: 'the literal route fails on method: the parameter route wins',
            routes: [{ name: 'me', path: '/users/me', method: 'POST' }, { name: 'id', path: '/users/:id' }],
            request: { path: '/users/me/x' },
            expect: { name: 'id', params: { id: 'me' }, matchedPath: '/users/me' },
        },
        {
            desc: 'every path route fails: a RegularExpression route wins',
            routes: [{ name: 'a', path: '/a', method: 'POST' }, { name: 're', path: '/a/.*', pathType: 'RegularExpression' }],
            request: { path: '/a/x' },
            expect: 're',
        },
        {
            desc: 'overlapping parameter routes: the route from another tree branch is found',
            routes: [{ name: 'lit', path: '/a/b', host: 'x.com' }, { name: 'param', path: '/:x/b/c' }],
            request: { path: '/a/b/c', host: 'y.com' },
            expect: { name: 'param', params: { x: 'a' } },
        },
        {
            desc: 'overlapping routes: the longer parameter route ranks first',
            routes: [{ name: 'param', path: '/a/:x/c' }, { name: 'lit', path: '/a/b' }],
            request: { path: '/a/b/c' },
            expect: 'param',
        },
        { desc: 'nothing matches', routes: [{ name: 'a', path: '/a' }, { name: 'b', path: '/b', pathType: 'Exact' }], request: { path: '/c' }, expect: null },
        { desc: 'no routes at all', routes: [], request: { path: '/' }, expect: null },
    ]);
});
describe('router: table', () => {
    it('lists the routes in match order with their conditions', () => {
        const router = build([
            { name: 're', path: '/x.*', pathType: 'RegularExpression' },
            { name: 'root', path: '/' },
            { name: 'api', path: '/api', method: ['get', 'POST'], headers: [{ name: 'a' }, { name: 'b' }], query: [{ name: 'q' }] },
            { name: 'exact', path: '/api', pathType: 'Exact', backendService: 'other' },
            { name: 'me', path: '/users/me' },
            { name: 'id', path: '/users/:id' },
            { name: 'mixed', path: '/h', host: ['*.example.com', 'a.example.com'] },
        ]);
        const rows = router.table();
        assert.deepEqual(rows.map((r) => r.name), ['exact', 'me', 'id', 'api', 'mixed', 'mixed', 'root', 're']);
        assert.deepEqual(rows.map((r) => r.order), [1, 2, 3, 4, 5, 6, 7, 8]);
        assert.deepEqual(rows[0], {
            order: 1,
            index: 3,
            name: 'exact',
            pathType: 'Exact',
            path: '/api',
            methods: null,
            hosts: null,
            headers: 0,
            query: 0,
            backendService: 'other',
        });
        assert.deepEqual(rows[3].methods, ['GET', 'POST']);
        assert.equal(rows[3].pathType, 'PathPrefix');
        assert.equal(rows[3].headers, 2);
        assert.equal(rows[3].query, 1);
        assert.deepEqual(rows[4].hosts, ['a.example.com']);
        assert.deepEqual(rows[5].hosts, ['*.example.com']);
        assert.equal(rows[7].pathType, 'RegularExpression');
        assert.ok(Object.isFrozen(rows));
        assert.ok(Object.isFrozen(rows[0]));
    });
    it('names unnamed routes route-<index>', () => {
        const router = buildRouter([{ config: { path: '/', backendService: 's' }, index: 4, value: 1 }]);
        assert.equal(router.table()[0].name, 'route-4');
    });
    it('has no way to add a route after the build', () => {
        const router = build([{ name: 'a', path: '/a' }]);
        for (const m of ['add', 'on', 'addRoute', 'insert'])
            assert.equal(router[m], undefined);
        assert.deepEqual(Object.keys(router), []);
    });
});
describe('router: build errors', () => {
    const cases = [
        { desc: 'invalid path regex', route: { name: 'bad', path: '/(a', pathType: 'RegularExpression' }, keyPath: 'routes[0].path', message: /"bad".*invalid regular expression/ },
        { desc: 'invalid header regex', route: { name: 'bad', path: '/', headers: [{ name: 'x', type: 'RegularExpression', value: '[' }] }, keyPath: 'routes[0].headers[0].value', message: /invalid regular expression/ },
        { desc: 'invalid query regex', route: { name: 'bad', path: '/', query: [{ name: 'x', type: 'RegularExpression', value: '*' }] }, keyPath: 'routes[0].query[0].value', message: /invalid regular expression/ },
        { desc: 'Exact value missing', route: { name: 'bad', path: '/', headers: [{ name: 'x', type: 'Exact' }] }, keyPath: 'routes[0].headers[0].value', message: /required/ },
        { desc: 'Present with value', route: { name: 'bad', path: '/', query: [{ name: 'x', type: 'Present', value: '1' }] }, keyPath: 'routes[0].query[0].value', message: /Present/ },
        { desc: 'path without leading slash', route: { name: 'bad', path: 'api' }, keyPath: 'routes[0].path', message: /must start with "\/"/ },
        { desc: 'malformed parameter', route: { name: 'bad', path: '/users/:1d' }, keyPath: 'routes[0].path', message: /invalid path parameter/ },
        { desc: 'repeated parameter', route: { name: 'bad', path: '/a/:id/b/:id' }, keyPath: 'routes[0].path', message: /twice/ },
        { desc: 'star segment', route: { name: 'bad', path: '/static/*' }, keyPath: 'routes[0].path', message: /not a wildcard/ },
        { desc: 'query string in path', route: { name: 'bad', path: '/a?b=1', pathType: 'Exact' }, keyPath: 'routes[0].path', message: /"\?"/ },
        { desc: 'bare * host', route: { name: 'bad', path: '/', host: '*' }, keyPath: 'routes[0].host', message: /invalid host/ },
        { desc: 'malformed wildcard host', route: { name: 'bad', path: '/', host: ['a.com', '*.*.com'] }, keyPath: 'routes[0].host[1]', message: /invalid wildcard host/ },
    ];
    for (const c of cases) {
        it(c.desc, () => {
            assert.throws(() => build([c.route]), (err) => {
                assert.ok(err instanceof RouterBuildError);
                assert.equal(err.keyPath, c.keyPath);
                assert.equal(err.routeIndex, 0);
                assert.match(err.message, c.message);
                assert.match(err.message, /route "bad"/);
                return true;
            });
        });
    }
});
describe('router: robustness', () => {
    const routers = MODES.map((m) => build([
        { name: 'root', path: '/' },
        { name: 'id', path: '/users/:id' },
        { name: 'exact', path: '/a/b', pathType: 'Exact' },
        { name: 're', path: '/re/.*', pathType: 'RegularExpression' },
        { name: 'q', path: '/q', query: [{ name: 'x', value: 'y' }], headers: [{ name: 'h' }] },
    ], m.compileTree));
    const paths = ['', '/', '//', '///x', '%', '/%', '/%zz', '/%E0%A4%A', '/users/%', '/users/%ZZ/x', '/a/b?', '/#', '/\u0000', '/\uD800', '/' + 'x'.repeat(100_000), '/users/' + '%'.repeat(1000), 'http://h/x', '*', ' '];
    for (const path of paths) {
        it(`does not throw on ${JSON.stringify(path.length > 40 ? `${path.slice(0, 40)}...` : path)}`, () => {
            for (const router of routers) {
                const got = router.match(req({ path, query: '&&=&x&x=%&%=', rawHeaders: ['h'] }));
                if (path.startsWith('/'))
                    assert.ok(got !== null, 'a path starting with / has the root route');
            }
        });
    }
});
/** Differential test: the router against a naive reference that tries every route in table order. */
describe('router: agrees with a naive matcher', () => {
    let seed = 12345;
    const rnd = () => {
        seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
        return seed / 0x7fffffff;
    };
    const pick = (a) => a[Math.floor(rnd() * a.length)];
    const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const reference = (cfg) => {
        const type = cfg.pathType ?? 'PathPrefix';
        if (type === 'RegularExpression')
            return new RegExp(`^(?:${cfg.path})$`);
        let p = cfg.path;
        if (type === 'PathPrefix' && p.endsWith('/'))
            p = p.slice(0, -1);
        const segs = p === '' ? [] : p.slice(1).split('/');
        const body = segs.map((s) => `/${s.startsWith(':') ? '([^/]+)' : escapeRe(s)}`).join('');
        return new RegExp(`^${body}${type === 'PathPrefix' ? '(?:/.*)?' : ''}$`);
    };
    for (const mode of MODES)
        it(`on random route sets and requests (${mode.label})`, () => {
            seed = 12345;
            let checks = 0;
            for (let iter = 0; iter < 400; iter++) {
                const routes = [];
                const n = 1 + Math.floor(rnd() * 14);
                for (let i = 0; i < n; i++) {
                    const pathType = pick(['PathPrefix', 'PathPrefix', 'Exact', 'Exact', 'RegularExpression']);
                    let path;
                    if (pathType === 'RegularExpression')
                        path = pick(['/a.*', '/[ab]+/.*', '.*b', '/a/[^/]+']);
                    else {
                        const segs = [];
                        const len = Math.floor(rnd() * 4);
                        for (let j = 0; j < len; j++)
                            segs.push(rnd() < 0.35 ? `:p${j}` : pick(['a', 'b', 'ab', '', 'x*y', 'c:d', 'a%2Fb', '%25', 'a(b']));
                        path = `/${segs.join('/')}${rnd() < 0.15 ? '/' : ''}`;
                    }
                    const r = { name: `r${i}`, path, pathType };
                    if (rnd() < 0.2)
                        r.method = pick(['GET', ['post', 'GET']]);
                    if (rnd() < 0.2)
                        r.headers = [{ name: 'X-A', value: '1' }];
                    if (rnd() < 0.15)
                        r.query = [{ name: 'q', value: 'a b' }];
                    if (rnd() < 0.2)
                        r.host = pick(['a.com', '*.a.com', ['x.a.com', '*.a.com'], '*.b.a.com']);
                    routes.push(r);
                }
                const router = build(routes, mode.compileTree);
                const rows = router.table();
                const refs = routes.map(reference);
                for (let k = 0; k < 50; k++) {
                    const segs = [];
                    const len = Math.floor(rnd() * 5);
                    for (let j = 0; j < len; j++)
                        segs.push(pick(['a', 'b', 'ab', '', 'zz', 'x*y', 'c:d', 'a%2Fb', '%zz', '%25', 'a(b', 'a?b']));
                    const input = req({
                        path: `/${segs.join('/')}`,
                        method: pick(['GET', 'POST']),
                        host: pick(['', 'a.com', 'x.a.com', 'y.b.a.com']),
                        query: pick(['', 'q=a%20b', 'q=a+b', 'q=%zz']),
                        rawHeaders: pick([[], ['x-a', '1'], ['X-A', '2']]),
                    });
                    let expected = null;
                    let captures = null;
                    for (const row of rows) {
                        const cfg = routes[row.index];
                        const m = refs[row.index].exec(input.path);
                        if (m === null)
                            continue;
                        if (cfg.method !== undefined && ![cfg.method].flat().some((x) => x.toUpperCase() === input.method))
                            continue;
                        if (row.hosts !== null && !row.hosts.some((h) => (h.startsWith('*.') ? input.host.endsWith(h.slice(1)) && input.host.length > h.length - 1 : h === input.host)))
                            continue;
                        if (cfg.headers !== undefined && !(input.rawHeaders[0]?.toLowerCase() === 'x-a' && input.rawHeaders[1] === '1'))
                            continue;
                        if (cfg.query !== undefined && input.query !== 'q=a%20b')
                            continue;
                        expected = cfg;
                        captures = m;
                        break;
                    }
                    const got = router.match(input);
                    checks++;
                    const ctx = JSON.stringify({ mode: mode.label, routes, input });
                    if (expected === null) {
                        assert.equal(got, null, ctx);
                        continue;
                    }
                    assert.equal(got?.value, expected.name, ctx);
                    if ((expected.pathType ?? 'PathPrefix') === 'PathPrefix') {
                        const prefix = expected.path.endsWith('/') ? expected.path.slice(0, -1) : expected.path;
                        const k = prefix === '' ? 0 : prefix.split('/').length - 1;
                        assert.equal(got.matchedPath, input.path.split('/').slice(0, k + 1).join('/'), ctx);
                    }
                    else {
                        assert.equal(got.matchedPath, input.path, ctx);
                    }
                    const names = (expected.pathType === 'RegularExpression' ? [] : expected.path.split('/')).filter((s) => s.startsWith(':')).map((s) => s.slice(1));
                    if (names.length === 0)
                        assert.equal(got.params, null, ctx);
                    else {
                        const params = {};
                        names.forEach((nm, i) => {
                            const raw = captures[i + 1];
                            let v = raw;
                            try {
                                v = decodeURIComponent(raw);
                            }
                            catch {
                                v = raw;
                            }
                            params[nm] = v;
                        });
                        assert.deepEqual(got.params, params, ctx);
                    }
                }
            }
            assert.ok(checks > 10_000);
        });
});
//# sourceMappingURL=router.test.js.map