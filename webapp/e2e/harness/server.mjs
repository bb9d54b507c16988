// The browser test's local web server (127.0.0.1, random port). It serves a
// page that stands in for the Mattermost webapp (React/ReactDOM/react-intl
// from node_modules, harness/host.js, then the BUILT plugin bundle) and
// reverse-proxies /plugins/* and /api/* to the real Mattermost server with
// a bearer token, so the plugin's requests are same-origin and authenticated
// as the test user.
import {readFile} from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const webapp = path.resolve(here, '..', '..');

const files = {
    '/vendor/react.js': path.join(webapp, 'node_modules/react/umd/react.development.js'),
    '/vendor/react-dom.js': path.join(webapp, 'node_modules/react-dom/umd/react-dom.development.js'),
    '/vendor/react-intl.js': path.join(webapp, 'node_modules/react-intl/react-intl.iife.js'),
    '/host.js': path.join(here, 'host.js'),
    '/plugin/main.js': path.join(webapp, 'dist/main.js'),
};

// Headers passed on to Mattermost; cookies never are (auth is the token).
const FORWARDED_REQUEST_HEADERS = ['accept', 'content-type', 'x-requested-with', 'x-csrf-token', 'content-length'];
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'cache-control', 'etag', 'last-modified', 'content-length', 'x-content-type-options'];

function page(config) {
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Lambda Apps: webapp test host</title>
<link rel="icon" href="data:,">
<style>
  body { margin: 0; font: 14px/20px system-ui, sans-serif; color: #3f4350; }
  .channel-header { display: flex; align-items: center; gap: 12px; padding: 8px 16px; border-bottom: 1px solid #ddd; }
  .header-buttons { display: flex; gap: 4px; }
  .header-button { display: inline-flex; align-items: center; gap: 6px; padding: 4px 8px; border: 1px solid #ccc; border-radius: 4px; background: #fff; cursor: pointer; }
  .center { padding: 16px; }
  .posts { list-style: none; padding: 0; margin: 0 0 16px; }
  .post { padding: 8px; border-bottom: 1px solid #eee; }
  .post__menu button { margin-right: 4px; }
</style>
</head>
<body>
<div id="app"></div>
<script>window.__HOST_CONFIG__ = ${JSON.stringify(config).replace(/</g, '\\u003c')};</script>
<script src="/vendor/react.js"></script>
<script src="/vendor/react-dom.js"></script>
<script src="/vendor/react-intl.js"></script>
<script src="/host.js"></script>
<script src="/plugin/main.js"></script>
</body>
</html>
`;
}

function proxy(req, res, target, token) {
    const url = new URL(req.url, target);
    const headers = {};
    for (const name of FORWARDED_REQUEST_HEADERS) {
        if (req.headers[name] !== undefined) {
            headers[name] = req.headers[name];
        }
    }
    headers.authorization = `Bearer ${token}`;
    const client = url.protocol === 'https:' ? https : http;
    const upstream = client.request(url, {method: req.method, headers}, (answer) => {
        const out = {};
        for (const name of FORWARDED_RESPONSE_HEADERS) {
            if (answer.headers[name] !== undefined) {
                out[name] = answer.headers[name];
            }
        }
        res.writeHead(answer.statusCode || 502, out);
        answer.pipe(res);
    });
    upstream.on('error', (err) => {
        if (!res.headersSent) {
            res.writeHead(502, {'content-type': 'application/json'});
        }
        res.end(JSON.stringify({error: `test proxy: ${err.message}`}));
    });
    req.pipe(upstream);
}

// Starts the server. `tokens` maps identities to Mattermost tokens;
// setIdentity() picks the one the proxy uses (the test user by default).
export async function startHarnessServer({mmURL, tokens, pageConfig}) {
    let identity = 'user';
    const requests = [];
    const server = http.createServer((req, res) => {
        const pathname = new URL(req.url, 'http://127.0.0.1').pathname;
        if (pathname.startsWith('/plugins/') || pathname.startsWith('/api/')) {
            requests.push({method: req.method, path: req.url, identity});
            proxy(req, res, mmURL, tokens[identity]);
            return;
        }
        if (pathname === '/' || pathname === '/index.html') {
            res.writeHead(200, {'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store'});
            res.end(page(pageConfig));
            return;
        }
        const file = files[pathname];
        if (!file) {
            res.writeHead(404, {'content-type': 'text/plain'});
            res.end('not found');
            return;
        }
        readFile(file).then(
            (body) => {
                res.writeHead(200, {'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store'});
                res.end(body);
            },
            (err) => {
                res.writeHead(500, {'content-type': 'text/plain'});
                res.end(String(err));
            },
        );
    });
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
    });
    const {port} = server.address();
    return {
        url: `http://127.0.0.1:${port}`,
        requests,
        setIdentity(name) {
            if (!tokens[name]) {
                throw new Error(`unknown identity ${name}`);
            }
            identity = name;
        },
        close: () => new Promise((resolve) => {
            server.closeAllConnections?.();
            server.close(() => resolve());
        }),
    };
}

export {files as harnessFiles};
