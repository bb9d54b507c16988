// lambda-local's runtime client for Node.js functions (nodejs* runtimes).
//
// lambda-local embeds this file, writes it to its own temporary folder and
// starts `node runtime.mjs` once per handler process, with the environment
// Lambda gives a function (AWS_LAMBDA_RUNTIME_API, _HANDLER,
// LAMBDA_TASK_ROOT, ...). It loads the handler named by _HANDLER
// ("dir/file.export", the export may be nested: "file.a.b"), then loops on
// the Lambda Runtime API: GET .../invocation/next, call the handler, POST
// .../response or .../error. Failures while loading go to .../init/error.
//
// Handlers may be CommonJS (.js, .cjs) or ES modules (.mjs, or .js under a
// package.json with "type": "module"), async (return a promise) or
// callback-style (event, context, callback). Errors are reported the way
// Lambda's Node.js runtime reports them:
// {"errorType", "errorMessage", "trace": [stack lines]}.
//
// Known differences from AWS: callbackWaitsForEmptyEventLoop is accepted but
// not honoured (the result is posted as soon as the callback is called), and
// the console is not structured (JSON) logging.

import fs from 'node:fs';
import http from 'node:http';
import {createRequire} from 'node:module';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import util from 'node:util';

const API = process.env.AWS_LAMBDA_RUNTIME_API;
const TASK_ROOT = path.resolve(process.env.LAMBDA_TASK_ROOT || process.cwd());
const HANDLER = process.env._HANDLER || '';
const PREFIX = '/2018-06-01/runtime';
const agent = new http.Agent({keepAlive: true, maxSockets: 1});

// The invocation being handled, for console output and uncaught errors.
let current = null;
// Whether the handler has loaded; later uncaught errors are not init errors.
let initialized = false;

// ---- Runtime API ----------------------------------------------------------

// request sends one Runtime API request and resolves to {status, headers, body}.
function request(method, urlPath, body, headers = {}) {
    return new Promise((resolve, reject) => {
        const [host, port] = splitHostPort(API);
        const data = body === undefined ? undefined : Buffer.from(body);
        const req = http.request({
            host, port, method, path: PREFIX + urlPath, agent,
            headers: data ? {...headers, 'Content-Type': 'application/json', 'Content-Length': data.length} : headers,
        }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => resolve({status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8')}));
            res.on('error', reject);
        });
        req.on('error', reject);
        req.end(data);
    });
}

function splitHostPort(hostPort) {
    const i = hostPort.lastIndexOf(':');
    return [hostPort.slice(0, i), Number(hostPort.slice(i + 1))];
}

// errorPayload turns anything thrown into Lambda's error shape.
function errorPayload(err, typeOverride) {
    if (err instanceof Error) {
        return {
            errorType: typeOverride || err.name || 'Error',
            errorMessage: err.message,
            trace: String(err.stack || '').split('\n'),
        };
    }
    let message;
    try {
        message = typeof err === 'string' ? err : JSON.stringify(err);
    } catch {
        message = String(err);
    }
    return {errorType: typeOverride || typeof err, errorMessage: message ?? String(err), trace: []};
}

async function postError(urlPath, err, typeOverride) {
    const payload = errorPayload(err, typeOverride);
    const res = await request('POST', urlPath, JSON.stringify(payload), {'Lambda-Runtime-Function-Error-Type': payload.errorType});
    if (res.status !== 202) {
        process.stderr.write(`lambda-local runtime: posting an error answered ${res.status}: ${res.body}\n`);
    }
}

// ---- console --------------------------------------------------------------

// Console lines carry a timestamp, the request ID and the level, as on AWS.
function patchConsole() {
    const levels = {log: 'INFO', info: 'INFO', debug: 'DEBUG', warn: 'WARN', error: 'ERROR', trace: 'TRACE'};
    for (const [method, level] of Object.entries(levels)) {
        const stream = level === 'WARN' || level === 'ERROR' || level === 'TRACE' ? process.stderr : process.stdout;
        console[method] = (...args) => {
            let text = util.format(...args);
            if (method === 'trace') {
                text = 'Trace: ' + text + '\n' + new Error().stack.split('\n').slice(2).join('\n');
            }
            const id = current ? current.id : 'undefined';
            stream.write(`${new Date().toISOString()}\t${id}\t${level}\t${text}\n`);
        };
    }
}

// ---- loading the handler --------------------------------------------------

class ImportModuleError extends Error {
    constructor(message) {
        super(message);
        this.name = 'Runtime.ImportModuleError';
    }
}

class HandlerNotFound extends Error {
    constructor(message) {
        super(message);
        this.name = 'Runtime.HandlerNotFound';
    }
}

class MalformedHandlerName extends Error {
    constructor(message) {
        super(message);
        this.name = 'Runtime.MalformedHandlerName';
    }
}

class UserCodeSyntaxError extends Error {
    constructor(cause) {
        super(`${cause.name}: ${cause.message}`);
        this.name = 'Runtime.UserCodeSyntaxError';
        this.stack = `${this.name}: ${this.message}\n` + String(cause.stack || '').split('\n').slice(1).join('\n');
    }
}

// splitHandler parses "dir/file.export.nested" into its parts.
function splitHandler(handler) {
    const slash = handler.lastIndexOf('/');
    const dir = handler.slice(0, slash + 1);
    const rest = handler.slice(slash + 1);
    const dot = rest.indexOf('.');
    if (dir.split('/').includes('..') || dot <= 0 || dot === rest.length - 1) {
        throw new MalformedHandlerName(`Bad handler ${handler}: want <file>.<export>, e.g. index.handler or dist/index.handler`);
    }
    return {dir, module: rest.slice(0, dot), exportPath: rest.slice(dot + 1).split('.')};
}

// isESM reports whether a .js file is an ES module: the nearest package.json
// (up to the task root) says "type": "module".
function isESM(file) {
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
        const pkg = path.join(dir, 'package.json');
        if (fs.existsSync(pkg)) {
            try {
                return JSON.parse(fs.readFileSync(pkg, 'utf8')).type === 'module';
            } catch {
                return false;
            }
        }
        if (dir === TASK_ROOT || dir === path.dirname(dir)) {
            return false;
        }
    }
}

async function loadFile(file) {
    const esm = file.endsWith('.mjs') || (file.endsWith('.js') && isESM(file));
    try {
        if (esm) {
            return await import(pathToFileURL(file).href);
        }
        return createRequire(file)(file);
    } catch (err) {
        if (err instanceof SyntaxError) {
            throw new UserCodeSyntaxError(err);
        }
        if (!esm && err && (err.code === 'ERR_REQUIRE_ESM' || err.code === 'ERR_REQUIRE_ASYNC_MODULE')) {
            return import(pathToFileURL(file).href);
        }
        throw err;
    }
}

// loadModule finds <dir>/<module>(.js|.mjs|.cjs) under the task root, else
// a package of that name in the task root's node_modules.
async function loadModule(dir, module) {
    const base = path.resolve(TASK_ROOT, dir, module);
    for (const ext of ['.js', '.mjs', '.cjs']) {
        if (fs.existsSync(base + ext)) {
            return loadFile(base + ext);
        }
    }
    if (dir === '') {
        try {
            return createRequire(path.join(TASK_ROOT, 'noop.js'))(module);
        } catch (err) {
            if (err instanceof SyntaxError) {
                throw new UserCodeSyntaxError(err);
            }
            if (!err || err.code !== 'MODULE_NOT_FOUND') {
                throw err;
            }
        }
    }
    throw new ImportModuleError(`Error: Cannot find module '${dir}${module}' (looked for ${dir}${module}.js, .mjs and .cjs in ${TASK_ROOT})`);
}

async function loadHandler() {
    const {dir, module, exportPath} = splitHandler(HANDLER);
    const mod = await loadModule(dir, module);
    let fn = mod;
    for (const name of exportPath) {
        fn = fn == null ? undefined : fn[name];
    }
    if (fn === undefined && mod && mod.default != null && typeof mod.default === 'object') {
        // A CommonJS module imported as ESM keeps its exports on default.
        fn = exportPath.reduce((o, name) => (o == null ? undefined : o[name]), mod.default);
    }
    if (fn === undefined) {
        throw new HandlerNotFound(`${HANDLER} is undefined or not exported`);
    }
    if (typeof fn !== 'function') {
        throw new HandlerNotFound(`${HANDLER} is not a function`);
    }
    return fn;
}

// ---- invocations ----------------------------------------------------------

function makeContext(inv, headers) {
    const deadline = Number(headers['lambda-runtime-deadline-ms']);
    const context = {
        callbackWaitsForEmptyEventLoop: true,
        awsRequestId: inv.id,
        invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
        functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
        functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
        memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
        logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
        logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
        getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
    };
    if (headers['lambda-runtime-client-context']) {
        try {
            context.clientContext = JSON.parse(headers['lambda-runtime-client-context']);
        } catch {
            // AWS leaves it undefined when it is not JSON.
        }
    }
    if (headers['lambda-runtime-cognito-identity']) {
        try {
            context.identity = JSON.parse(headers['lambda-runtime-cognito-identity']);
        } catch {
            // ignored, as above
        }
    }
    return context;
}

// run calls the handler for one invocation and resolves once its outcome is
// posted. An async handler's promise settles it; a callback-style handler
// settles it through the callback (held until the event loop is empty while
// context.callbackWaitsForEmptyEventLoop is true, as Lambda does); a handler
// that does neither returns null once the event loop is empty.
function run(handler, res) {
    let event;
    try {
        event = JSON.parse(res.body);
    } catch {
        event = res.body;
    }
    return new Promise((resolve) => {
        const inv = {id: res.headers['lambda-runtime-aws-request-id'], settled: false};
        let held = null; // a callback outcome waiting for the empty event loop
        const settle = (err, result) => {
            if (inv.settled) {
                return;
            }
            inv.settled = true;
            process.removeListener('beforeExit', onEmpty);
            post(inv.id, err, result).then(resolve, (e) => {
                process.stderr.write(`lambda-local runtime: posting the result failed: ${e}\n`);
                process.exit(1);
            });
        };
        const onEmpty = () => (held ? settle(...held) : settle(null, null));
        const context = makeContext(inv, res.headers);
        const callback = (err, result) => {
            if (inv.settled || held) {
                return;
            }
            if (context.callbackWaitsForEmptyEventLoop) {
                held = [err, result];
            } else {
                settle(err, result);
            }
        };
        context.done = callback;
        context.succeed = (result) => callback(null, result);
        context.fail = (err) => callback(err == null ? new Error('handled') : err);
        current = inv;
        process.on('beforeExit', onEmpty);
        try {
            const out = handler(event, context, callback);
            if (out && typeof out.then === 'function') {
                out.then((result) => settle(null, result), (err) => settle(err ?? new Error('the handler rejected with ' + err)));
            }
        } catch (err) {
            settle(err);
        }
    });
}

// outputBarrier writes the marker that tells lambda-local that every line
// the invocation printed is out (stdout and stderr share its pipe, and
// writes to pipes are synchronous): it then attributes them all to the
// invocation before answering it.
function outputBarrier(id) {
    process.stdout.write(`\u0000lambda-local:output-flushed:${id}\n`);
}

async function post(id, err, result) {
    outputBarrier(id);
    if (err != null) {
        await postError(`/invocation/${id}/error`, err);
        return;
    }
    let body;
    try {
        body = JSON.stringify(result === undefined ? null : result);
    } catch (e) {
        await postError(`/invocation/${id}/error`, new Error(`Unable to stringify response body: ${e.message}`), 'Runtime.MalformedHandlerResponse');
        return;
    }
    const res = await request('POST', `/invocation/${id}/response`, body);
    if (res.status !== 202) {
        // For example a response over the payload limit: lambda-local has
        // answered the invocation with the error already.
        process.stderr.write(`lambda-local runtime: the response was refused (${res.status}): ${res.body.slice(0, 500)}\n`);
    }
}

// fatal reports an uncaught error: to the running invocation if there is
// one, else as an initialization error; then the process exits, as Lambda's
// runtime does, and lambda-local starts a fresh one for the next invocation.
async function fatal(err, type) {
    process.stderr.write(`${new Date().toISOString()}\t${current ? current.id : 'undefined'}\tERROR\t${type || 'Uncaught Exception'} \t${util.inspect(err)}\n`);
    try {
        if (current && !current.settled) {
            current.settled = true;
            outputBarrier(current.id);
            await postError(`/invocation/${current.id}/error`, err, type);
        } else if (!initialized) {
            await postError('/init/error', err, type);
        }
    } finally {
        process.exit(129);
    }
}

async function main() {
    if (!API) {
        process.stderr.write('lambda-local runtime: AWS_LAMBDA_RUNTIME_API is not set; this script is started by lambda-local\n');
        process.exit(1);
    }
    patchConsole();
    process.on('uncaughtException', (err) => fatal(err));
    process.on('unhandledRejection', (reason) => {
        const err = reason instanceof Error ? reason : new Error(String(reason));
        fatal(err, 'Runtime.UnhandledPromiseRejection');
    });

    let handler;
    try {
        handler = await loadHandler();
    } catch (err) {
        console.error(util.inspect(err));
        await postError('/init/error', err);
        process.exit(1);
    }
    initialized = true;
    for (;;) {
        const res = await request('GET', '/invocation/next');
        if (res.status !== 200) {
            process.stderr.write(`lambda-local runtime: next invocation answered ${res.status}: ${res.body}\n`);
            process.exit(1);
        }
        await run(handler, res);
        current = null;
    }
}

main();
