// Unit tests of the handler against a fake Mattermost that serves the KV
// routes of the original Apps framework (node --test, see package.json).

import assert from 'node:assert/strict';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {after, before, beforeEach, describe, it} from 'node:test';

import type {LambdaEvent} from './apps';
import {handler} from './index';

const TOKEN = 'bot-token-secret';
const KV_PREFIX = '/plugins/com.mattermost.apps/api/v1/kv/';

// fakeMattermost keeps the values PUT to the KV routes.
class FakeMattermost {
    values = new Map<string, string>();
    requests: string[] = [];
    failWith = 0;
    server = http.createServer((req, res) => this.serve(req, res));
    url = '';

    async start() {
        await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/prefix`;
    }

    private serve(req: http.IncomingMessage, res: http.ServerResponse) {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
            this.requests.push(`${req.method} ${req.url}`);
            const send = (status: number, answer: string) => {
                res.writeHead(status, {'Content-Type': 'application/json'});
                res.end(answer);
            };
            if (!req.url?.startsWith('/prefix' + KV_PREFIX)) {
                return send(404, '{"error":"not found"}');
            }
            if (req.headers.authorization !== 'Bearer ' + TOKEN) {
                return send(401, '{"error":"bad token"}');
            }
            if (this.failWith) {
                return send(this.failWith, '{"error":"refused"}');
            }
            const key = decodeURIComponent(req.url.slice(('/prefix' + KV_PREFIX).length));
            switch (req.method) {
            case 'GET':
                return send(200, this.values.get(key) ?? '{}');
            case 'PUT': {
                const changed = this.values.get(key) !== body;
                this.values.set(key, body);
                return send(200, JSON.stringify({changed}));
            }
            case 'DELETE':
                this.values.delete(key);
                return send(200, '');
            default:
                return send(405, '{"error":"method"}');
            }
        });
    }
}

const mm = new FakeMattermost();

function event(path: string, values?: Record<string, unknown>, token = TOKEN): LambdaEvent {
    const creq = {
        path, values,
        context: {
            app_id: 'hello-node', mattermost_site_url: mm.url, bot_access_token: token,
            acting_user: {id: 'user1', username: 'alice'},
        },
    };
    return {path, httpMethod: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(creq)};
}

async function call(ev: LambdaEvent) {
    const res = await handler(ev);
    assert.equal(res.headers['Content-Type'], 'application/json');
    return {status: res.statusCode, body: JSON.parse(res.body)};
}

describe('hello-node', () => {
    before(() => mm.start());
    after(() => mm.server.close());
    beforeEach(() => {
        mm.values.clear();
        mm.requests = [];
        mm.failWith = 0;
    });

    it('answers ping', async () => {
        assert.deepEqual(await call(event('/ping')), {status: 200, body: {type: 'ok'}});
    });

    it('binds /hello-node with remember, recall and forget', async () => {
        const {body} = await call(event('/bindings'));
        assert.equal(body.type, 'ok');
        const command = body.data[0];
        assert.equal(command.location, '/command');
        assert.equal(command.bindings[0].label, 'hello-node');
        assert.deepEqual(command.bindings[0].bindings.map((b: {label: string}) => b.label), ['remember', 'recall', 'forget']);
        const field = command.bindings[0].bindings[0].form.fields[0];
        assert.equal(field.name, 'note');
        assert.equal(field.is_required, false, 'the command alone reaches the app, which answers the form');
    });

    it('answers the form when remember has no note', async () => {
        const {body} = await call(event('/remember', {}));
        assert.equal(body.type, 'form');
        assert.equal(body.form.submit.path, '/remember');
        assert.equal(body.form.fields[0].name, 'note');
        assert.equal(body.form.fields[0].is_required, true);
        assert.deepEqual(mm.requests, []);
    });

    it('keeps the note through the KV URLs of the original framework', async () => {
        let {body} = await call(event('/recall'));
        assert.match(body.text, /remember nothing/);

        ({body} = await call(event('/remember', {note: 'buy milk'})));
        assert.equal(body.type, 'ok');
        assert.match(body.text, /Remembered: "buy milk"/);
        const stored = JSON.parse(mm.values.get('note-user1') ?? '{}');
        assert.equal(stored.note, 'buy milk');

        ({body} = await call(event('/remember', {note: 'buy milk'})));
        assert.match(body.text, /buy milk/);

        ({body} = await call(event('/recall')));
        assert.match(body.text, /You asked me to remember: "buy milk"/);

        ({body} = await call(event('/forget')));
        assert.equal(body.text, 'Forgotten.');
        ({body} = await call(event('/recall')));
        assert.match(body.text, /remember nothing/);

        assert.deepEqual(mm.requests, [
            'GET /prefix' + KV_PREFIX + 'note-user1',
            'PUT /prefix' + KV_PREFIX + 'note-user1',
            'PUT /prefix' + KV_PREFIX + 'note-user1',
            'GET /prefix' + KV_PREFIX + 'note-user1',
            'DELETE /prefix' + KV_PREFIX + 'note-user1',
            'GET /prefix' + KV_PREFIX + 'note-user1',
        ]);
    });

    it('reports KV failures without the token', async () => {
        for (const [token, status] of [['wrong-token', 401], [TOKEN, 403]] as const) {
            mm.failWith = token === TOKEN ? status : 0;
            const {status: code, body} = await call(event('/remember', {note: 'x'}, token));
            assert.equal(code, 200);
            assert.equal(body.type, 'error');
            assert.match(body.text, new RegExp(`answered ${status}`));
            assert.doesNotMatch(body.text, /token-secret|wrong-token/);
        }
    });

    it('refuses notes over the limit before calling the KV store', async () => {
        const {body} = await call(event('/remember', {note: 'x'.repeat(1001)}));
        assert.equal(body.type, 'error');
        assert.ok(body.data.errors.note);
        assert.deepEqual(mm.requests, []);
    });

    it('answers 404 for unknown paths and 400 for bodies that are not CallRequests', async () => {
        assert.equal((await call(event('/nowhere'))).status, 404);
        assert.equal((await call({path: '/ping', body: 'not json'})).status, 400);
        const b64 = {...event('/ping'), isBase64Encoded: true};
        b64.body = Buffer.from(b64.body ?? '').toString('base64');
        assert.deepEqual(await call(b64), {status: 200, body: {type: 'ok'}});
    });
});
