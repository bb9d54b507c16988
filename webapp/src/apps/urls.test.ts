import {describe, expect, it} from '@jest/globals';

import {navigationURL, safeImageURL} from './urls';

describe('safeImageURL', () => {
    it('allows http(s) URLs, paths on this server and inline images only', () => {
        expect(safeImageURL('https://cdn.example.com/i.png')).toBe('https://cdn.example.com/i.png');
        expect(safeImageURL('data:image/png;base64,iVBORw0KGgo=')).toBe('data:image/png;base64,iVBORw0KGgo=');
        expect(safeImageURL('data:image/svg+xml,%3Csvg%3E')).toBe('data:image/svg+xml,%3Csvg%3E');
        expect(safeImageURL('/plugins/lambda-apps/api/v1/apps/a/static/i.png')).toBe('/plugins/lambda-apps/api/v1/apps/a/static/i.png');
        for (const bad of ['javascript:alert(1)', 'data:text/html;base64,AA', '//evil.example/i.png', 'icon.png', '', 42, null]) {
            expect(safeImageURL(bad)).toBe('');
        }
    });
});

describe('navigationURL', () => {
    it('resolves relative URLs and refuses other schemes', () => {
        expect(navigationURL('/team/channels/town-square', 'https://mm.example.com/')?.href).toBe('https://mm.example.com/team/channels/town-square');
        expect(navigationURL('https://example.com/x')?.href).toBe('https://example.com/x');
        expect(navigationURL('javascript:alert(1)')).toBeNull();
        expect(navigationURL('mailto:a@b.c')).toBeNull();
        expect(navigationURL('')).toBeNull();
    });
});
