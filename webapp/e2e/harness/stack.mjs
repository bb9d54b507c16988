// What the browser test needs from the running stack: its coordinates (from
// the environment, as build/scripts exports them) and a few REST calls to
// Mattermost and the plugin.
import {readFileSync} from 'node:fs';

export const REQUIRED_ENV = ['MM_URL', 'MM_ADMIN_TOKEN', 'MM_USER_TOKEN', 'MM_CHANNEL_ID', 'MM_TEAM_ID'];
export const PLUGIN_ID = JSON.parse(readFileSync(new URL('../../../plugin.json', import.meta.url), 'utf8')).id;
export const HELLO_APP = 'hello-lambda';

// The stack's coordinates; throws (the test fails, never skips) when any is missing.
export function stackFromEnv(env = process.env) {
    const missing = REQUIRED_ENV.filter((name) => !env[name] || !env[name].trim());
    if (missing.length > 0) {
        throw new Error(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set. ` +
            'The browser test runs against a running stack: start one (`make dev`, or `KEEP_STACK=1 make e2e`), ' +
            'load its coordinates (`source .stack/<stack>-<mm version>/env.sh`, e.g. .stack/dev-11.4/env.sh), ' +
            'then run `npm run test:browser` in webapp/.');
    }
    return {
        url: env.MM_URL.replace(/\/+$/, ''),
        adminToken: env.MM_ADMIN_TOKEN,
        userToken: env.MM_USER_TOKEN,
        channelId: env.MM_CHANNEL_ID,
        teamId: env.MM_TEAM_ID,
    };
}

export async function mm(stack, token, method, path, body) {
    let response;
    try {
        response = await fetch(`${stack.url}${path}`, {
            method,
            headers: {
                Authorization: `Bearer ${token}`,
                'Content-Type': 'application/json',
                'X-Requested-With': 'XMLHttpRequest',
            },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: AbortSignal.timeout(60000),
        });
    } catch (err) {
        throw new Error(`${method} ${stack.url}${path}: ${err.cause?.message || err.message}`);
    }
    const text = await response.text();
    let json;
    try {
        json = JSON.parse(text);
    } catch {
        json = undefined;
    }
    return {status: response.status, text, json};
}

function describe(answer) {
    return `${answer.status}: ${answer.text.slice(0, 500)}`;
}

// Makes sure the sample app is installed and enabled (the Go e2e suite may
// have left it disabled). Installing needs it deployed to the stack's S3.
export async function ensureHelloInstalled(stack) {
    const plugin = (path, body) => mm(stack, stack.adminToken, 'POST', `/plugins/${PLUGIN_ID}/api/v1${path}`, body);
    let install = await plugin('/install-app', {app_id: HELLO_APP});
    if (install.status === 404) {
        // Not in the catalog yet: resync from S3 and try again.
        const refresh = await plugin('/refresh', {});
        if (refresh.status !== 200) {
            throw new Error(`catalog refresh failed (${describe(refresh)})`);
        }
        install = await plugin('/install-app', {app_id: HELLO_APP});
    }
    if (install.status !== 200 && install.status !== 409) {
        throw new Error(`installing ${HELLO_APP} failed (${describe(install)}). Deploy it to the stack first ` +
            '(`make bundle-example` and `appsctl aws deploy`, as the Go e2e suite does).');
    }
    const enable = await plugin('/enable-app', {app_id: HELLO_APP});
    if (enable.status !== 200 && enable.status !== 409) {
        throw new Error(`enabling ${HELLO_APP} failed (${describe(enable)})`);
    }
}

export async function currentUser(stack) {
    const me = await mm(stack, stack.userToken, 'GET', '/api/v4/users/me');
    if (me.status !== 200 || !me.json?.username) {
        throw new Error(`GET /api/v4/users/me with MM_USER_TOKEN failed (${describe(me)})`);
    }
    return me.json;
}

// The bindings the test user gets, straight from the plugin (to fail with a
// clear message before the browser starts if the server side is not ready).
export async function userBindings(stack) {
    const query = new URLSearchParams({channel_id: stack.channelId, team_id: stack.teamId, user_agent_type: 'webapp'});
    const answer = await mm(stack, stack.userToken, 'GET', `/plugins/${PLUGIN_ID}/api/v1/bindings?${query}`);
    if (answer.status !== 200 || !answer.json) {
        throw new Error(`GET /bindings failed (${describe(answer)})`);
    }
    return answer.json;
}

export function hasLeaf(bindings, location, label) {
    const top = Array.isArray(bindings?.data) ? bindings.data.find((b) => b?.location === location) : undefined;
    return Boolean(top && Array.isArray(top.bindings) && top.bindings.some((b) => b?.label === label));
}

export async function createPost(stack, message) {
    const answer = await mm(stack, stack.userToken, 'POST', '/api/v4/posts', {channel_id: stack.channelId, message});
    if (answer.status !== 201) {
        throw new Error(`creating a post failed (${describe(answer)})`);
    }
    return answer.json;
}

// The sample app's alert (examples/hello/alert.go).
export const ALERT_MESSAGE = 'Alert: disk almost full on db1';

// Has the sample app post its alert (a message with in-post bindings, as
// its bot) into the test channel, and returns the post as the test user
// sees it. The bot joins the team and channel first (as the admin).
export async function postAlert(stack) {
    const bot = await mm(stack, stack.adminToken, 'GET', `/api/v4/users/username/${HELLO_APP}`);
    if (bot.status !== 200) {
        throw new Error(`the app's bot ${HELLO_APP} was not found (${describe(bot)})`);
    }
    const team = await mm(stack, stack.adminToken, 'POST', `/api/v4/teams/${stack.teamId}/members`, {team_id: stack.teamId, user_id: bot.json.id});
    const channel = await mm(stack, stack.adminToken, 'POST', `/api/v4/channels/${stack.channelId}/members`, {user_id: bot.json.id});
    if (team.status !== 201 || channel.status !== 201) {
        throw new Error(`adding the bot to the team and channel failed (${describe(team)}; ${describe(channel)})`);
    }
    const since = Date.now();
    const run = await mm(stack, stack.userToken, 'POST', '/api/v4/commands/execute', {channel_id: stack.channelId, team_id: stack.teamId, command: '/hello alert'});
    if (run.status !== 200) {
        throw new Error(`/hello alert failed (${describe(run)})`);
    }
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline) {
        const posts = await mm(stack, stack.userToken, 'GET', `/api/v4/channels/${stack.channelId}/posts?since=${since - 1000}`);
        const found = Object.values(posts.json?.posts || {}).find((p) => p.user_id === bot.json.id && p.message === ALERT_MESSAGE);
        if (found) {
            return found;
        }
        await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('the alert post did not appear in the channel within 30 s');
}

export async function getPost(stack, postId) {
    const answer = await mm(stack, stack.userToken, 'GET', `/api/v4/posts/${postId}`);
    if (answer.status !== 200) {
        throw new Error(`GET /api/v4/posts/${postId} failed (${describe(answer)})`);
    }
    return answer.json;
}
