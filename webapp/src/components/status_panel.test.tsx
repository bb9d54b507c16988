import {afterEach, describe, expect, it, jest} from '@jest/globals';
import {act, fireEvent, screen, within} from '@testing-library/react';
import React from 'react';

import type {PluginStatus} from '../client';
import {deferred, jsonResponse as response, renderWithIntl} from '../test/helpers';

import StatusPanel from './status_panel';

const realFetch = globalThis.fetch;

type Answer = Response | Promise<Response>;

// Answers requests in order; the last answer repeats.
function mockFetch(...answers: Answer[]) {
    const fn = jest.fn((..._args: Parameters<typeof fetch>) => {
        const next = answers.length > 1 ? answers.shift() : answers[0];
        return Promise.resolve(next as Response);
    });
    globalThis.fetch = fn as unknown as typeof fetch;
    return fn;
}

afterEach(() => {
    globalThis.fetch = realFetch;
});

const fullStatus: PluginStatus = {
    plugin_version: '0.1.0',
    credentials_set: true,
    region: 'eu-west-1',
    region_source: 'environment',
    bucket: 'my-apps',
    bucket_source: 'System Console',
    s3_endpoint: 'http://127.0.0.1:5000',
    bucket_reachable: true,
    bucket_error: '',
    problems: [],
    checked_at: '2024-05-01T12:00:05Z',
    catalog_size: 3,
    catalog_manifests: 4,
    catalog_skipped: 1,
    last_sync: '2024-05-01T12:00:00Z',
    last_sync_attempt: '2024-05-01T12:00:00Z',
    last_error: '',
    from_cache: false,
    installed_apps: [
        {app_id: 'hello-lambda', version: '0.1.0', enabled: true},
        {app_id: 'servicenow', version: '0.2.0', enabled: false},
    ],
};

// The value cell next to the row header with the given label.
function valueOf(label: string): string {
    const table = screen.getByRole('table', {name: 'Lambda Apps status'});
    const header = within(table).getByRole('rowheader', {name: label});
    const row = header.closest('tr') as HTMLTableRowElement;
    return within(row).getByRole('cell').textContent ?? '';
}

function installedRows(): string[][] {
    const table = screen.getByRole('table', {name: 'Installed apps'});
    return within(table).getAllByRole('row').slice(1).map((row) => within(row).getAllByRole('cell').map((c) => c.textContent ?? ''));
}

describe('StatusPanel', () => {
    it('shows a loading state while the request is in flight', async () => {
        const answer = deferred<Response>();
        mockFetch(answer.promise);

        renderWithIntl(<StatusPanel/>);

        expect(screen.getByRole('status').textContent).toBe('Loading status…');
        expect(screen.queryByRole('table')).toBeNull();
        expect((screen.getByRole('button', {name: 'Reload status'}) as HTMLButtonElement).disabled).toBe(true);

        await act(async () => {
            answer.resolve(response(fullStatus));
        });

        expect(screen.queryByRole('status')).toBeNull();
        expect(screen.getByRole('table', {name: 'Lambda Apps status'})).toBeTruthy();
    });

    it('shows every status field once loaded', async () => {
        const fetchMock = mockFetch(response(fullStatus));

        renderWithIntl(<StatusPanel/>);

        expect(await screen.findByRole('table', {name: 'Lambda Apps status'})).toBeTruthy();
        expect(fetchMock).toHaveBeenCalledTimes(1);
        expect(fetchMock.mock.calls[0][0]).toBe('/plugins/lambda-apps/api/v1/status');

        expect(valueOf('Plugin version')).toBe('0.1.0');
        expect(valueOf('AWS credentials')).toBe('set');
        expect(valueOf('AWS region')).toBe('eu-west-1 (from environment)');
        expect(valueOf('S3 bucket')).toBe('my-apps (from System Console)');
        expect(valueOf('S3 endpoint')).toBe('http://127.0.0.1:5000');
        expect(valueOf('Lambda endpoint')).toBe('AWS default');
        expect(valueOf('Bucket reachable')).toBe('yes');
        expect(valueOf('Configuration problems')).toBe('none');
        expect(valueOf('Apps in catalog')).toBe('3 apps (4 manifests, 1 skipped)');
        expect(valueOf('Catalog source')).toBe('S3');
        expect(valueOf('Last catalog sync')).toBe('2024-05-01T12:00:00Z');
        expect(valueOf('Last sync attempt')).toBe('2024-05-01T12:00:00Z');
        expect(valueOf('Last error')).toBe('none');
        expect(valueOf('Status checked')).toBe('2024-05-01T12:00:05Z');
        expect(installedRows()).toEqual([
            ['hello-lambda', '0.1.0', 'enabled'],
            ['servicenow', '0.2.0', 'disabled'],
        ]);
        expect(screen.queryByRole('alert')).toBeNull();
        expect((screen.getByRole('button', {name: 'Reload status'}) as HTMLButtonElement).disabled).toBe(false);
    });

    it('copes with missing fields, problems, an unreachable bucket and a cached catalog', async () => {
        mockFetch(response({
            credentials_set: false,
            bucket_reachable: false,
            bucket_error: 'AccessDenied',
            problems: ['region "moon-1" is not an AWS region name like us-east-1; using us-east-1', 7],
            catalog_size: 1,
            from_cache: true,
            last_sync: '0001-01-01T00:00:00Z',
            last_error: 'list apps: AccessDenied',
            installed_apps: [null, {version: 'x'}],
        }));

        renderWithIntl(<StatusPanel/>);
        await screen.findByRole('table');

        expect(valueOf('Plugin version')).toBe('unknown');
        expect(valueOf('AWS credentials')).toBe('not set');
        expect(valueOf('AWS region')).toBe('not configured');
        expect(valueOf('S3 bucket')).toBe('not configured');
        expect(valueOf('Bucket reachable')).toBe('no: AccessDenied');
        expect(valueOf('Configuration problems')).toBe('region "moon-1" is not an AWS region name like us-east-1; using us-east-1');
        expect(valueOf('Apps in catalog')).toBe('1 app');
        expect(valueOf('Catalog source')).toBe('cached copy: S3 has not been read since the plugin started');
        expect(valueOf('Last catalog sync')).toBe('never');
        expect(valueOf('Last sync attempt')).toBe('never');
        expect(valueOf('Last error')).toBe('list apps: AccessDenied');
        expect(screen.getByText('No apps are installed. Type /apps install listed in a channel to install one.')).toBeTruthy();
    });

    it('never renders fields outside the known status', async () => {
        mockFetch(response({...fullStatus, aws_secret_key: 'SUPERSECRET', access_key: 'AKIAEXAMPLE'}));

        const {container} = renderWithIntl(<StatusPanel/>);
        await screen.findByRole('table', {name: 'Lambda Apps status'});

        expect(container.textContent).not.toContain('SUPERSECRET');
        expect(container.textContent).not.toContain('AKIAEXAMPLE');
        expect(within(screen.getByRole('table', {name: 'Lambda Apps status'})).getAllByRole('row')).toHaveLength(14);
    });

    it('shows the server error when the request fails', async () => {
        mockFetch(response({error: 'not authorized'}, 403, 'Forbidden'));

        renderWithIntl(<StatusPanel/>);

        const alert = await screen.findByRole('alert');
        expect(alert.textContent).toBe('Could not load the status. Request failed: 403 Forbidden: not authorized');
        expect(screen.queryByRole('table')).toBeNull();
        expect(screen.queryByRole('status')).toBeNull();
    });

    it('reloads when Reload status is clicked, recovering from an error', async () => {
        const fetchMock = mockFetch(
            response({error: 'temporarily unavailable'}, 503, 'Service Unavailable'),
            response(fullStatus),
        );

        renderWithIntl(<StatusPanel/>);
        await screen.findByRole('alert');

        const reload = screen.getByRole('button', {name: 'Reload status'});
        expect(reload.getAttribute('type')).toBe('button');
        fireEvent.click(reload);

        await screen.findByRole('table', {name: 'Lambda Apps status'});
        expect(fetchMock).toHaveBeenCalledTimes(2);
        expect(screen.queryByRole('alert')).toBeNull();
        expect(valueOf('AWS credentials')).toBe('set');
    });

    it('keeps the last status visible while reloading', async () => {
        const answer = deferred<Response>();
        mockFetch(response(fullStatus), answer.promise);

        renderWithIntl(<StatusPanel/>);
        await screen.findByRole('table', {name: 'Lambda Apps status'});

        fireEvent.click(screen.getByRole('button', {name: 'Reload status'}));

        expect(screen.getByRole('status')).toBeTruthy();
        expect(valueOf('AWS region')).toBe('eu-west-1 (from environment)');

        await act(async () => {
            answer.resolve(response({...fullStatus, region: 'us-east-2'}));
        });
        expect(valueOf('AWS region')).toBe('us-east-2 (from environment)');
    });

    it('Refresh catalog POSTs /refresh, shows the outcome and reloads the status', async () => {
        const refresh = deferred<Response>();
        const fetchMock = mockFetch(
            response({...fullStatus, catalog_size: 0}),
            refresh.promise,
            response(fullStatus),
        );

        renderWithIntl(<StatusPanel/>);
        await screen.findByRole('table', {name: 'Lambda Apps status'});
        expect(valueOf('Apps in catalog')).toBe('0 apps (4 manifests, 1 skipped)');

        const button = screen.getByRole('button', {name: 'Refresh catalog'}) as HTMLButtonElement;
        fireEvent.click(button);
        expect(button.disabled).toBe(true);
        expect(screen.getByTestId('refresh-outcome').textContent).toBe('Refreshing the catalog…');

        const [url, init] = fetchMock.mock.calls[1];
        expect(url).toBe('/plugins/lambda-apps/api/v1/refresh');
        expect(init?.method).toBe('POST');

        await act(async () => {
            refresh.resolve(response({Listed: 4, Fetched: 1, Reused: 3, Skipped: 1, Apps: 3, Changed: true, FetchErrs: 0}));
        });
        expect(screen.getByTestId('refresh-outcome').textContent).toBe('Catalog refreshed: 3 apps (4 manifests listed, 1 downloaded, 3 unchanged, 1 skipped).');
        expect(fetchMock).toHaveBeenCalledTimes(3);
        expect(valueOf('Apps in catalog')).toBe('3 apps (4 manifests, 1 skipped)');
        expect(button.disabled).toBe(false);
    });

    it('accepts snake_case or partial refresh results', async () => {
        mockFetch(response(fullStatus), response({apps: 1, listed: 1, fetched: 0, reused: 1, skipped: 0}), response(fullStatus), response({changed: false}), response(fullStatus));
        renderWithIntl(<StatusPanel/>);
        await screen.findByRole('table', {name: 'Lambda Apps status'});

        await act(async () => {
            fireEvent.click(screen.getByRole('button', {name: 'Refresh catalog'}));
        });
        expect(screen.getByTestId('refresh-outcome').textContent).toBe('Catalog refreshed: 1 app (1 manifest listed, 0 downloaded, 1 unchanged, 0 skipped).');

        await act(async () => {
            fireEvent.click(screen.getByRole('button', {name: 'Refresh catalog'}));
        });
        expect(screen.getByTestId('refresh-outcome').textContent).toBe('Catalog refreshed.');
    });

    it('shows a failed refresh and still reloads the status', async () => {
        const fetchMock = mockFetch(
            response(fullStatus),
            response({error: 'catalog refresh failed: list manifests/: AccessDenied'}, 502, 'Bad Gateway'),
            response({...fullStatus, last_error: 'list manifests/: AccessDenied'}),
        );
        renderWithIntl(<StatusPanel/>);
        await screen.findByRole('table', {name: 'Lambda Apps status'});

        await act(async () => {
            fireEvent.click(screen.getByRole('button', {name: 'Refresh catalog'}));
        });

        expect(screen.getByRole('alert').textContent).toBe('Catalog refresh failed. Request failed: 502 Bad Gateway: catalog refresh failed: list manifests/: AccessDenied');
        expect(fetchMock).toHaveBeenCalledTimes(3);
        expect(valueOf('Last error')).toBe('list manifests/: AccessDenied');
    });
});
