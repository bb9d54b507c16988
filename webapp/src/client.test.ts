import {afterEach, describe, expect, it, jest} from '@jest/globals';

import {autocompleteChannels, autocompleteUsers, getBindings, getStatus, postCall, refreshCatalog, setSiteURL} from './client';
import {jsonResponse} from './test/helpers';

const realFetch = globalThis.fetch;

function mockFetch(response: Response | Error) {
    const fn = jest.fn(async (..._args: Parameters<typeof fetch>) => {
        if (response instanceof Error) {
            throw response;
        }
        return response;
    });
    globalThis.fetch = fn as unknown as typeof fetch;
    return fn;
}

afterEach(() => {
    globalThis.fetch = realFetch;
    setSiteURL('');
    document.cookie = 'MMCSRF=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
});

const context = {app_id: 'hello-lambda', location: '/channel_header/send', channel_id: 'c', team_id: 't', user_agent: 'webapp' as const};

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

describe('site path', () => {
    it('prefixes every request with the path of the SiteURL, never its origin', async () => {
        const fetchMock = mockFetch(jsonResponse({}));
        setSiteURL('https://chat.example.com/mattermost/');
        await getStatus();
        expect(fetchMock.mock.calls[0][0]).toBe('/mattermost/plugins/lambda-apps/api/v1/status');

        setSiteURL('not a url');
        await getStatus();
        expect(fetchMock.mock.calls[1][0]).toBe('/plugins/lambda-apps/api/v1/status');

        setSiteURL(undefined);
        await getStatus();
        expect(fetchMock.mock.calls[2][0]).toBe('/plugins/lambda-apps/api/v1/status');
    });
});

describe('getBindings', () => {
    it('asks for the channel and team as the webapp', async () => {
        const fetchMock = mockFetch(jsonResponse({type: 'ok', data: []}));
        await expect(getBindings({channelId: 'c 1', teamId: 't1'})).resolves.toEqual({type: 'ok', data: []});
        expect(fetchMock.mock.calls[0][0]).toBe('/plugins/lambda-apps/api/v1/bindings?channel_id=c+1&team_id=t1&user_agent_type=webapp');
    });
});

describe('postCall', () => {
    it('POSTs the CallRequest as JSON with the CSRF token', async () => {
        document.cookie = 'MMCSRF=tok%3D1';
        const fetchMock = mockFetch(jsonResponse({type: 'ok', text: 'Hello, alice!'}));

        await expect(postCall({path: '/greet', context})).resolves.toMatchObject({type: 'ok', text: 'Hello, alice!'});

        const [url, init] = fetchMock.mock.calls[0];
        expect(url).toBe('/plugins/lambda-apps/api/v1/call');
        expect(init?.method).toBe('POST');
        expect(init?.credentials).toBe('include');
        expect(init?.headers).toMatchObject({'Content-Type': 'application/json', 'X-CSRF-Token': 'tok=1', 'X-Requested-With': 'XMLHttpRequest'});
        expect(JSON.parse(init?.body as string)).toEqual({path: '/greet', context});
    });

    it('turns 4xx/5xx bodies into error responses', async () => {
        mockFetch(jsonResponse({type: 'error', text: 'hello-lambda is disabled'}, 403, 'Forbidden'));
        await expect(postCall({path: '/greet', context})).resolves.toMatchObject({type: 'error', text: 'hello-lambda is disabled'});

        mockFetch(jsonResponse({error: 'app not installed'}, 404, 'Not Found'));
        await expect(postCall({path: '/greet', context})).resolves.toMatchObject({type: 'error', text: 'app not installed'});

        mockFetch(jsonResponse({type: 'ok', text: 'odd'}, 500, 'Internal Server Error'));
        await expect(postCall({path: '/greet', context})).resolves.toMatchObject({type: 'error', text: 'odd'});

        mockFetch(jsonResponse('<html>bad gateway</html>', 502, 'Bad Gateway'));
        await expect(postCall({path: '/greet', context})).resolves.toMatchObject({type: 'error', text: 'Request failed: 502 Bad Gateway: <html>bad gateway</html>'});

        mockFetch(jsonResponse('not json'));
        await expect(postCall({path: '/greet', context})).resolves.toMatchObject({type: 'error', text: 'The server did not return valid JSON.'});
    });

    it('rejects on a network failure', async () => {
        mockFetch(new TypeError('Failed to fetch'));
        await expect(postCall({path: '/greet', context})).rejects.toThrow('Failed to fetch');
    });
});

describe('refreshCatalog', () => {
    it('POSTs /refresh and returns the result', async () => {
        const fetchMock = mockFetch(jsonResponse({Apps: 1}));
        await expect(refreshCatalog()).resolves.toEqual({Apps: 1});
        expect(fetchMock.mock.calls[0][0]).toBe('/plugins/lambda-apps/api/v1/refresh');
        expect(fetchMock.mock.calls[0][1]?.method).toBe('POST');
    });
});

describe('autocomplete', () => {
    it('searches users in the team', async () => {
        const fetchMock = mockFetch(jsonResponse({users: [{id: 'u1', username: 'alice'}, {id: 2}], out_of_channel: []}));
        await expect(autocompleteUsers('al', 'team1')).resolves.toEqual([{id: 'u1', username: 'alice'}]);
        expect(fetchMock.mock.calls[0][0]).toBe('/api/v4/users/autocomplete?name=al&limit=25&in_team=team1');
    });

    it('searches channels in the team, and needs a team', async () => {
        const fetchMock = mockFetch(jsonResponse([{id: 'c1', name: 'town-square', display_name: 'Town Square'}, {id: 'c2', name: 'x', display_name: ''}, null]));
        await expect(autocompleteChannels('to', 'team1')).resolves.toEqual([
            {id: 'c1', name: 'town-square', display_name: 'Town Square'},
            {id: 'c2', name: 'x', display_name: 'x'},
        ]);
        expect(fetchMock.mock.calls[0][0]).toBe('/api/v4/teams/team1/channels/autocomplete?name=to');
        await expect(autocompleteChannels('to', '')).resolves.toEqual([]);
    });

    it('shows Mattermost API error messages', async () => {
        mockFetch(jsonResponse({id: 'api.context.permissions.app_error', message: 'You do not have the appropriate permissions.'}, 403, 'Forbidden'));
        await expect(autocompleteUsers('a', 't')).rejects.toThrow('Request failed: 403 Forbidden: You do not have the appropriate permissions.');
    });
});
