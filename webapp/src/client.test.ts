import {afterEach, describe, expect, it, jest} from '@jest/globals';

import {getStatus} from './client';

function jsonResponse(body: unknown, status = 200, statusText = 'OK'): Response {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return {
        ok: status >= 200 && status < 300,
        status,
        statusText,
        json: async () => JSON.parse(text),
        text: async () => text,
    } as Response;
}

const realFetch = globalThis.fetch;

function mockFetch(response: Response) {
    const fn = jest.fn(async (..._args: Parameters<typeof fetch>) => response);
    globalThis.fetch = fn as unknown as typeof fetch;
    return fn;
}

afterEach(() => {
    globalThis.fetch = realFetch;
});

describe('getStatus', () => {
    it('calls the status endpoint with the session cookie and the XHR header', async () => {
        const fetchMock = mockFetch(jsonResponse({plugin_version: '0.1.0', credentials_set: true}));

        await expect(getStatus()).resolves.toEqual({plugin_version: '0.1.0', credentials_set: true});

        expect(fetchMock).toHaveBeenCalledTimes(1);
        const [url, init] = fetchMock.mock.calls[0];
        expect(url).toBe('/plugins/lambda-apps/api/v1/status');
        expect(init?.method).toBe('GET');
        expect(init?.credentials).toBe('include');
        expect(init?.headers).toMatchObject({'X-Requested-With': 'XMLHttpRequest'});
    });

    it('puts the server error text in the thrown error', async () => {
        mockFetch(jsonResponse({error: 'bucket mattermost-apps-bucket: access denied'}, 500, 'Internal Server Error'));

        await expect(getStatus()).rejects.toThrow(
            'Request failed: 500 Internal Server Error: bucket mattermost-apps-bucket: access denied',
        );
    });

    it('falls back to the raw body when the error is not JSON', async () => {
        mockFetch(jsonResponse('Not Found\n', 404, 'Not Found'));

        await expect(getStatus()).rejects.toThrow('Request failed: 404 Not Found: Not Found');
    });

    it('rejects a 2xx answer that is not a JSON object', async () => {
        mockFetch(jsonResponse('<html></html>'));
        await expect(getStatus()).rejects.toThrow('did not return valid JSON');

        mockFetch(jsonResponse([1, 2]));
        await expect(getStatus()).rejects.toThrow('unexpected status payload');
    });
});
