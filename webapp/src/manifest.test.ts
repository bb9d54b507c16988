import {describe, expect, it} from '@jest/globals';

import manifest from '../../plugin.json';

import {pluginId, pluginVersion} from './manifest';

describe('manifest', () => {
    it('matches plugin.json at the repository root', () => {
        expect(pluginId).toBe('lambda-apps');
        expect(pluginId).toBe(manifest.id);
        expect(pluginVersion).toBe(manifest.version);
    });
});
