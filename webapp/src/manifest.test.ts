import {describe, expect, it} from '@jest/globals';

import {pluginId, pluginVersion} from './manifest';

describe('manifest', () => {
    it('is plugin.json at the repository root', () => {
        expect(pluginId).toBe('lambda-apps');
        expect(pluginVersion).toMatch(/^\d+\.\d+\.\d+/);
    });
});
