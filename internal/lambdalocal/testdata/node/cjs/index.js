// A CommonJS handler for the lambdalocal tests. event.action selects what
// it does; see the switch below.
'use strict';

class HandlerFailure extends Error {
    constructor(message) {
        super(message);
        this.name = 'HandlerFailure';
    }
}

const reported = [
    'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
    'AWS_REGION', '_HANDLER', 'LAMBDA_TASK_ROOT', 'AWS_LAMBDA_RUNTIME_API', 'AWS_EXECUTION_ENV',
];

function describe(event, context, style) {
    const env = {};
    for (const k of Object.keys(process.env)) {
        if (k.startsWith('TEST_') || reported.includes(k)) {
            env[k] = process.env[k];
        }
    }
    return {
        style,
        module: 'cjs',
        pid: process.pid,
        event,
        env,
        context: {
            awsRequestId: context.awsRequestId,
            functionName: context.functionName,
            functionVersion: context.functionVersion,
            invokedFunctionArn: context.invokedFunctionArn,
            memoryLimitInMB: context.memoryLimitInMB,
            logGroupName: context.logGroupName,
            remainingMs: context.getRemainingTimeInMillis(),
            clientContext: context.clientContext,
        },
    };
}

exports.handler = async (event, context) => {
    switch (event.action) {
    case 'fail':
        throw new HandlerFailure('asked to fail');
    case 'throw-string':
        throw 'a plain string';
    case 'reject':
        return Promise.reject(new TypeError('rejected on purpose'));
    case 'exit':
        process.exit(event.code);
        break;
    case 'uncaught':
        setTimeout(() => {
            throw new RangeError('thrown from a timer');
        }, 5);
        return new Promise(() => {}); // never settles: the uncaught error ends it
    case 'unhandled-rejection':
        Promise.reject(new Error('nobody catches this'));
        return new Promise(() => {});
    case 'circular': {
        const o = {};
        o.self = o;
        return o;
    }
    case 'sleep':
        await new Promise((resolve) => setTimeout(resolve, event.ms));
        return {slept: event.ms};
    case 'log':
        console.log('hello from node', {n: 1});
        console.error('an error line');
        process.stdout.write('no newline at the end');
        return {logged: true};
    default:
        return describe(event, context, 'async');
    }
};

// callback is a callback-style handler (event, context, callback).
exports.callback = function (event, context, callback) {
    if (event.action === 'fail') {
        callback(new HandlerFailure('callback failure'));
        return;
    }
    if (event.action === 'no-wait') {
        // The result goes out at once although a timer is still pending.
        context.callbackWaitsForEmptyEventLoop = false;
        setTimeout(() => {}, 60000);
        callback(null, {waited: false});
        return;
    }
    setTimeout(() => callback(null, describe(event, context, 'callback')), 5);
};

// sync returns a value without a promise or a callback: Lambda answers null
// once the event loop is empty.
exports.sync = function (event) {
    return {ignored: true};
};

exports.nested = {
    deep: async (event, context) => describe(event, context, 'nested'),
};

exports.notAFunction = 42;
