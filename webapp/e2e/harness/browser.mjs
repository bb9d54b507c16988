// Starts Debian's Chromium through playwright-core (no browser download:
// e2e/install-browser.sh installs the apt package) with a fresh profile.
import {access, mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import {chromium} from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];

export async function launchBrowser() {
    try {
        await access(CHROMIUM);
    } catch {
        throw new Error(`${CHROMIUM} is missing: run webapp/e2e/install-browser.sh (apt-get install chromium)`);
    }

    // launchPersistentContext passes --user-data-dir=<this fresh directory>.
    const profile = await mkdtemp(path.join(os.tmpdir(), 'lambda-apps-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: {width: 1100, height: 720},
        timeout: 60000,
    });
    return {
        context,
        async close() {
            await context.close().catch(() => undefined);
            await rm(profile, {recursive: true, force: true});
        },
    };
}
