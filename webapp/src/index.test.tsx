import {beforeEach, describe, expect, it, jest} from '@jest/globals';

import {FakeRegistry, FakeStore} from './test/helpers';
import type {PluginInstance} from './types/registry';

describe('plugin entry point', () => {
    let registered: Array<{id: string; plugin: PluginInstance}>;

    beforeEach(() => {
        registered = [];
        window.registerPlugin = (id, plugin) => {
            registered.push({id, plugin});
        };
        jest.resetModules();
        globalThis.fetch = jest.fn(() => new Promise<Response>(() => undefined)) as unknown as typeof fetch;
    });

    it('registers itself with the webapp under the plugin id', async () => {
        const {default: Plugin} = await import('./index');

        expect(registered).toHaveLength(1);
        expect(registered[0].id).toBe('lambda-apps');
        expect(registered[0].plugin).toBeInstanceOf(Plugin);
    });

    it('registers the Status setting, the root component and the bindings refresh handler', async () => {
        await import('./index');
        const {default: StatusPanel} = await import('./components/status_panel');
        const registry = new FakeRegistry();
        const store = new FakeStore();

        await registered[0].plugin.initialize(registry, store);

        expect(registry.calls[0]).toEqual({method: 'registerAdminConsoleCustomSetting', args: ['Status', StatusPanel, {showTitle: true}]});
        expect(registry.methods()).toEqual(['registerAdminConsoleCustomSetting', 'registerRootComponent', 'registerWebSocketEventHandler']);
        expect(registry.calls[2].args[0]).toBe('custom_lambda-apps_refresh_bindings');
        expect(store.listenerCount()).toBe(2);

        registered[0].plugin.uninitialize?.();
        expect(store.listenerCount()).toBe(0);
        expect(registry.wsHandlers.size).toBe(0);
    });
});
