import {beforeEach, describe, expect, it, jest} from '@jest/globals';

import type {PluginInstance, PluginRegistry, PluginStore} from './types/registry';

// A registry that only records what the plugin asks of it.
function fakeRegistry() {
    const calls: Array<{method: string; args: unknown[]}> = [];
    const registry = new Proxy({}, {
        get: (_target, method: string) => (...args: unknown[]) => {
            calls.push({method, args});
            return `${method}-${calls.length}`;
        },
    }) as PluginRegistry;
    return {registry, calls};
}

const fakeStore: PluginStore = {
    getState: () => ({}),
    dispatch: (action) => action,
};

describe('plugin entry point', () => {
    let registered: Array<{id: string; plugin: PluginInstance}>;

    beforeEach(() => {
        registered = [];
        window.registerPlugin = (id, plugin) => {
            registered.push({id, plugin});
        };
        jest.resetModules();
    });

    it('registers itself with the webapp under the plugin id', async () => {
        const {default: Plugin} = await import('./index');

        expect(registered).toHaveLength(1);
        expect(registered[0].id).toBe('lambda-apps');
        expect(registered[0].plugin).toBeInstanceOf(Plugin);
    });

    it('registers only the Status System Console setting', async () => {
        await import('./index');
        const {default: StatusPanel} = await import('./components/status_panel');
        const {registry, calls} = fakeRegistry();

        await registered[0].plugin.initialize(registry, fakeStore);

        expect(calls).toEqual([
            {method: 'registerAdminConsoleCustomSetting', args: ['Status', StatusPanel, {showTitle: true}]},
        ]);
    });
});
