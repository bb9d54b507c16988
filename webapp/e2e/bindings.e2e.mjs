// Browser test of the plugin's webapp bundle against a running stack.
//
//   cd webapp && npm run test:browser      (builds dist/main.js first)
//
// Needs MM_URL, MM_ADMIN_TOKEN, MM_USER_TOKEN, MM_CHANNEL_ID, MM_TEAM_ID (as
// build/scripts exports them) and fails when any is missing. The Mattermost
// server has no web client here, so a local page stands in for the webapp
// (harness/host.js) and loads the built bundle; its requests go through a
// local proxy to the stack as the test user. Screenshots land in
// e2e/artifacts/.
import assert from 'node:assert/strict';
import {mkdir} from 'node:fs/promises';
import path from 'node:path';
import {after, before, describe, it, test} from 'node:test';
import {fileURLToPath} from 'node:url';

import {launchBrowser} from './harness/browser.mjs';
import {startHarnessServer} from './harness/server.mjs';
import {createPost, currentUser, ensureHelloInstalled, getPost, hasLeaf, HELLO_APP, postAlert, stackFromEnv, userBindings} from './harness/stack.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const artifacts = path.join(here, 'artifacts');
const REFRESH_EVENT = 'custom_lambda-apps_refresh_bindings';

// Lambda cold starts in the stack can take a while.
const CALL_TIMEOUT = 45000;

// Missing coordinates are a failure, never a skip.
let stack;
let stackError;
try {
    stack = stackFromEnv();
} catch (err) {
    stackError = err;
}

if (stackError) {
    test('the stack environment is set', () => {
        throw stackError;
    });
} else {
    describe('Lambda Apps webapp in a real browser', {timeout: 240000}, suite);
}

function suite() {
    let user;
    let server;
    let browser;
    let page;
    const consoleErrors = [];

    before(async () => {
        await mkdir(artifacts, {recursive: true});
    });

    after(async () => {
        await browser?.close();
        await server?.close();
    });

    it('the sample app is installed and offers "Say hello" in the channel header', async () => {
        await ensureHelloInstalled(stack);
        user = await currentUser(stack);
        const bindings = await userBindings(stack);
        assert.ok(hasLeaf(bindings, '/channel_header', 'Say hello'),
            `GET /bindings has no /channel_header binding "Say hello": ${JSON.stringify(bindings).slice(0, 800)}`);
    });

    it('the plugin registers its button, menu item, root component and handlers', async () => {
        assert.ok(user, 'the previous step failed');
        server = await startHarnessServer({
            mmURL: stack.url,
            tokens: {user: stack.userToken, admin: stack.adminToken},

            // SiteURL as the real config has it: the plugin must only use its
            // path, so requests stay on this page's origin.
            pageConfig: {siteURL: stack.url, channelId: stack.channelId, teamId: stack.teamId},
        });
        browser = await launchBrowser();
        page = await browser.context.newPage();
        page.on('console', (msg) => {
            if (msg.type() === 'error') {
                consoleErrors.push(`console: ${msg.text()}`);
            }
        });
        page.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));

        // Absolute URLs of the Mattermost server (app icons are built from
        // its SiteURL) are fetched by the test with the user's token, as the
        // session cookie would be sent on a real deployment.
        await page.route(`${stack.url}/**`, async (route) => {
            const request = route.request();
            const response = await route.fetch({headers: {...request.headers(), authorization: `Bearer ${stack.userToken}`}});
            await route.fulfill({response});
        });

        await page.goto(server.url, {waitUntil: 'load'});
        await page.waitForFunction(() => window.__host && window.__host.summary().channelHeader.some((b) => b.dropdownText === 'Say hello'), null, {timeout: 20000}).
            catch(async (err) => {
                const summary = await page.evaluate(() => window.__host && {...window.__host.summary(), initError: window.__host.initError});
                throw new Error(`no "Say hello" channel-header button was registered: ${JSON.stringify(summary)} (${err.message})`);
            });

        const summary = await page.evaluate(() => window.__host.summary());
        assert.deepEqual(summary.plugins, ['lambda-apps']);
        assert.ok(summary.roots >= 1, 'a root component is registered');
        assert.ok(summary.wsEvents.includes(REFRESH_EVENT), `websocket handlers: ${summary.wsEvents}`);
        assert.ok(summary.adminSettings.includes('Status'), 'the Status System Console setting is registered');
        assert.ok(summary.postMenu.some((i) => i.text === 'Echo post'), `post menu: ${JSON.stringify(summary.postMenu)}`);

        // The icon is the app's image, labelled with the binding label.
        const icon = page.locator('.header-button').filter({hasText: 'Say hello'}).getByRole('img', {name: 'Say hello'});
        await icon.waitFor({timeout: 10000});
        const tag = await icon.evaluate((el) => el.tagName);
        assert.equal(tag, 'IMG', 'the button shows the app icon (a text fallback means the icon did not load)');
        await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await icon.elementHandle(), {timeout: 10000});
    });

    it('clicking "Say hello" calls the app on Lambda and shows its answer', async () => {
        assert.ok(page, 'the previous step failed');
        await page.locator('.header-button').filter({hasText: 'Say hello'}).click();
        const notice = page.getByTestId('lambda-apps-notice').filter({hasText: `Hello, ${user.username}!`});
        await notice.waitFor({timeout: CALL_TIMEOUT}).catch(async (err) => {
            const shown = await page.getByTestId('lambda-apps-notice').allTextContents();
            throw new Error(`the app answer "Hello, ${user.username}!" was not shown; notices: ${JSON.stringify(shown)} (${err.message})`);
        });
        assert.equal(await notice.getAttribute('role'), 'status');
        assert.match(await notice.textContent(), new RegExp(`From ${HELLO_APP}`));
        await page.screenshot({path: path.join(artifacts, 'bindings.png'), fullPage: true});
    });

    it('the post-menu item sends the post to the app', async () => {
        assert.ok(page, 'an earlier step failed');
        const message = `browser test ${Date.now()}`;
        const post = await createPost(stack, message);
        await page.evaluate((p) => window.__host.addPost({id: p.id, channel_id: p.channel_id, root_id: p.root_id || '', type: p.type || '', message: p.message}), post);

        const menu = page.getByRole('menu', {name: `Actions for post ${post.id}`});
        await menu.getByRole('menuitem', {name: 'Echo post'}).click();
        const notice = page.getByTestId('lambda-apps-notice').filter({hasText: `> ${message}`});
        await notice.waitFor({timeout: CALL_TIMEOUT}).catch(async (err) => {
            const shown = await page.getByTestId('lambda-apps-notice').allTextContents();
            throw new Error(`the echo of the post was not shown; notices: ${JSON.stringify(shown)} (${err.message})`);
        });
    });

    it('a form from the app: choices looked up on Lambda, a multiselect, and the answer', async () => {
        assert.ok(page, 'an earlier step failed');
        await page.locator('.header-button').filter({hasText: 'Pick a topic'}).click();
        const dialog = page.getByRole('dialog', {name: 'Pick a topic'});
        await dialog.waitFor({timeout: CALL_TIMEOUT});

        // The topic is a dynamic_select: typing searches through the app's
        // lookup call.
        await dialog.getByRole('searchbox', {name: 'Search Topic'}).fill('ru');
        const topic = dialog.getByLabel('Topic', {exact: true});
        const offered = () => topic.locator('option').evaluateAll((options) => options.map((o) => o.value).filter(Boolean).join(','));
        await page.waitForFunction((el) => Array.from(el.options).map((o) => o.value).filter(Boolean).join(',') === 'rust,running',
            await topic.elementHandle(), {timeout: CALL_TIMEOUT}).
            catch(async (err) => {
                throw new Error(`the lookup did not answer the topics starting with "ru": offered ${await offered()} (${err.message})`);
            });
        await topic.selectOption('rust');

        // "Also interested in" is a multiselect: picks become chips.
        const also = dialog.getByLabel('Also interested in', {exact: true});
        await also.selectOption('go');
        await also.selectOption('cooking');
        await dialog.getByRole('button', {name: 'Remove Go'}).waitFor({timeout: 5000});
        await dialog.getByRole('button', {name: 'Remove Cooking'}).click();
        await page.screenshot({path: path.join(artifacts, 'form.png'), fullPage: true});

        await dialog.getByRole('button', {name: 'Submit'}).click();
        const notice = page.getByTestId('lambda-apps-notice').filter({hasText: 'You picked Rust. Also: Go.'});
        await notice.waitFor({timeout: CALL_TIMEOUT}).catch(async (err) => {
            const shown = await page.getByTestId('lambda-apps-notice').allTextContents();
            throw new Error(`the app's answer to the form was not shown; notices: ${JSON.stringify(shown)} (${err.message})`);
        });
        await dialog.waitFor({state: 'detached', timeout: 5000});
    });

    it('the App Bar shows the app icon; clicking it calls the app', async () => {
        assert.ok(page, 'an earlier step failed');
        const summary = await page.evaluate(() => window.__host.summary());
        const button = summary.appBar.find((b) => b.tooltipText === 'Hello Lambda');
        assert.ok(button, `App Bar: ${JSON.stringify(summary.appBar)}`);
        assert.match(button.iconUrl, /\/plugins\/lambda-apps\/api\/v1\/apps\/hello-lambda\/static\/icon\.png$/);
        assert.ok(!summary.channelHeader.some((b) => b.dropdownText === 'Hello Lambda'), 'no channel-header stand-in where the App Bar exists');
        const icon = page.getByRole('navigation', {name: 'App Bar'}).getByRole('img', {name: 'Hello Lambda'});
        await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await icon.elementHandle(), {timeout: 10000});

        const greeting = `Hello, ${user.username}!`;

        // Notices shown so far are marked, so that the answer is a new one.
        await page.evaluate(() => document.querySelectorAll('[data-testid="lambda-apps-notice"]').forEach((n) => {
            n.dataset.seen = 'yes';
        }));
        const calls = () => server.requests.filter((r) => r.path.startsWith('/plugins/lambda-apps/api/v1/call')).length;
        const callsBefore = calls();
        await page.getByRole('navigation', {name: 'App Bar'}).getByRole('button', {name: 'Hello Lambda'}).click();
        await page.waitForFunction((text) => Array.from(document.querySelectorAll('[data-testid="lambda-apps-notice"]')).
            some((el) => !el.dataset.seen && el.textContent.includes(text)), greeting, {timeout: CALL_TIMEOUT}).
            catch(async (err) => {
                const shown = await page.getByTestId('lambda-apps-notice').allTextContents();
                throw new Error(`the App Bar call's answer was not shown; notices: ${JSON.stringify(shown)} (${err.message})`);
            });
        assert.equal(calls(), callsBefore + 1, 'one call to the app');
    });

    it('an app post shows its in-post buttons, rendered by the server, and a click reaches the app', async () => {
        assert.ok(page, 'an earlier step failed');
        const post = await postAlert(stack);
        await page.evaluate((p) => window.__host.addPost(p), post);
        const attachment = page.getByRole('group', {name: 'Disk almost full'});
        await attachment.waitFor({timeout: 10000});
        assert.match(await attachment.textContent(), /db1: 91% of \/var used/);
        await attachment.getByRole('button', {name: 'Snooze'}).waitFor({timeout: 5000});
        await attachment.getByRole('combobox', {name: 'Severity'}).waitFor({timeout: 5000});
        await page.screenshot({path: path.join(artifacts, 'inpost.png'), fullPage: true});

        await attachment.getByRole('button', {name: 'Acknowledge'}).click();
        await page.waitForFunction(() => window.__host.summary().actionResults.length > 0, null, {timeout: CALL_TIMEOUT});
        const [result] = await page.evaluate(() => window.__host.summary().actionResults);
        assert.equal(result.status, 200, `POST /api/v4/posts/{id}/actions/{action_id}: ${result.body}`);
        const deadline = Date.now() + CALL_TIMEOUT;
        let message = '';
        while (Date.now() < deadline && !message.includes(`Acknowledged by @${user.username}.`)) {
            message = (await getPost(stack, post.id)).message;
            await new Promise((r) => setTimeout(r, 250));
        }
        assert.match(message, new RegExp(`Acknowledged by @${user.username}\\.`), 'the app updated its post');
    });

    it('the refresh_bindings websocket event refetches the bindings', async () => {
        assert.ok(page, 'an earlier step failed');
        const count = () => server.requests.filter((r) => r.path.startsWith('/plugins/lambda-apps/api/v1/bindings')).length;
        const before = count();
        await page.evaluate((event) => window.__host.emitWebSocket(event, {}), REFRESH_EVENT);
        const deadline = Date.now() + 5000;
        while (count() === before && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 50));
        }
        assert.equal(count(), before + 1, 'one GET /bindings after the event');
        const summary = await page.evaluate(() => window.__host.summary());
        assert.ok(summary.channelHeader.some((b) => b.dropdownText === 'Say hello'), 'the button is still registered');
    });

    it('the System Console status shows the stack and refreshes the catalog', async () => {
        assert.ok(page, 'an earlier step failed');
        server.setIdentity('admin');
        try {
            await page.evaluate(() => window.__host.showAdminSetting('Status'));
            const table = page.getByRole('table', {name: 'Lambda Apps status'});
            await table.waitFor({timeout: 20000});
            const row = (label) => table.getByRole('row').filter({has: page.getByRole('rowheader', {name: label, exact: true})}).getByRole('cell');
            assert.equal(await row('AWS credentials').textContent(), 'set');
            assert.equal(await row('Bucket reachable').textContent(), 'yes');
            const apps = page.getByRole('table', {name: 'Installed apps'});
            const hello = apps.getByRole('row').filter({hasText: HELLO_APP});
            assert.match(await hello.textContent(), /enabled/);

            await page.getByRole('button', {name: 'Refresh catalog'}).click();
            const outcome = page.getByTestId('refresh-outcome');
            await page.waitForFunction((el) => /Catalog refresh(ed| failed)/.test(el.textContent), await outcome.elementHandle(), {timeout: 60000});
            assert.match(await outcome.textContent(), /^Catalog refreshed/);
            await page.screenshot({path: path.join(artifacts, 'status.png'), fullPage: true});
        } finally {
            server.setIdentity('user');
        }
    });

    it('logged no console errors and no page errors', () => {
        assert.ok(page, 'an earlier step failed');
        assert.deepEqual(consoleErrors, []);
    });
}
