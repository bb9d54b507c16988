import {afterEach, describe, expect, it, jest} from '@jest/globals';
import {act, fireEvent, render, screen, within} from '@testing-library/react';
import React from 'react';

import type {PluginStatus} from '../client';

import StatusPanel from './status_panel';

function response(body: unknown, status = 200, statusText = 'OK'): Response {
    const text = JSON.stringify(body);
    return {
        ok: status >= 200 && status < 300,
        status,
        statusText,
        json: async () => JSON.parse(text),
        text: async () => text,
    } as Response;
}

const realFetch = globalThis.fetch;

function mockFetch(...answers: Array<Response | Promise<Response>>) {
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
    bucket: 'my-apps',
    bucket_reachable: true,
    bucket_error: '',
    catalog_size: 3,
    last_sync: '2024-05-01T12:00:00Z',
    last_error: '',
};

// The value cell next to the row header with the given label.
function valueOf(label: string): string {
    const table = screen.getByRole('table', {name: 'Lambda Apps status'});
    const header = within(table).getByRole('rowheader', {name: label});
    const row = header.closest('tr') as HTMLTableRowElement;
    return within(row).getByRole('cell').textContent ?? '';
}

describe('StatusPanel', () => {
    it('shows a loading state while the request is in flight', async () => {
        let answer: (r: Response) => void = () => undefined;
        mockFetch(new Promise<Response>((resolve) => {
            answer = resolve;
        }));

        render(<StatusPanel/>);

        expect(screen.getByRole('status').textContent).toBe('Loading status…');
        expect(screen.queryByRole('table')).toBeNull();
        expect((screen.getByRole('button', {name: 'Refresh'}) as HTMLButtonElement).disabled).toBe(true);

        await act(async () => {
            answer(response(fullStatus));
        });

        expect(screen.queryByRole('status')).toBeNull();
        expect(screen.getByRole('table')).toBeTruthy();
    });

    it('shows every status field once loaded', async () => {
        const fetchMock = mockFetch(response(fullStatus));

        render(<StatusPanel/>);

        expect(await screen.findByRole('table', {name: 'Lambda Apps status'})).toBeTruthy();
        expect(fetchMock).toHaveBeenCalledTimes(1);
        expect(fetchMock.mock.calls[0][0]).toBe('/plugins/lambda-apps/api/v1/status');

        expect(valueOf('Plugin version')).toBe('0.1.0');
        expect(valueOf('AWS credentials')).toBe('set');
        expect(valueOf('AWS region')).toBe('eu-west-1');
        expect(valueOf('S3 bucket')).toBe('my-apps');
        expect(valueOf('Bucket reachable')).toBe('yes');
        expect(valueOf('Apps in catalog')).toBe('3 apps');
        expect(valueOf('Last catalog sync')).toBe('2024-05-01T12:00:00Z');
        expect(valueOf('Last error')).toBe('none');
        expect(screen.queryByRole('alert')).toBeNull();
        expect((screen.getByRole('button', {name: 'Refresh'}) as HTMLButtonElement).disabled).toBe(false);
    });

    it('copes with missing fields and an unreachable bucket', async () => {
        mockFetch(response({
            credentials_set: false,
            bucket_reachable: false,
            bucket_error: 'AccessDenied',
            last_sync: '0001-01-01T00:00:00Z',
            last_error: 'list apps: AccessDenied',
        }));

        render(<StatusPanel/>);
        await screen.findByRole('table');

        expect(valueOf('Plugin version')).toBe('unknown');
        expect(valueOf('AWS credentials')).toBe('not set');
        expect(valueOf('AWS region')).toBe('not configured');
        expect(valueOf('S3 bucket')).toBe('not configured');
        expect(valueOf('Bucket reachable')).toBe('no: AccessDenied');
        expect(valueOf('Apps in catalog')).toBe('unknown');
        expect(valueOf('Last catalog sync')).toBe('never');
        expect(valueOf('Last error')).toBe('list apps: AccessDenied');
    });

    it('never renders fields outside the known status', async () => {
        mockFetch(response({...fullStatus, aws_secret_key: 'SUPERSECRET', access_key: 'AKIAEXAMPLE'}));

        const {container} = render(<StatusPanel/>);
        await screen.findByRole('table');

        expect(container.textContent).not.toContain('SUPERSECRET');
        expect(container.textContent).not.toContain('AKIAEXAMPLE');
        expect(screen.getAllByRole('row')).toHaveLength(8);
    });

    it('shows the server error when the request fails', async () => {
        mockFetch(response({error: 'not authorized'}, 403, 'Forbidden'));

        render(<StatusPanel/>);

        const alert = await screen.findByRole('alert');
        expect(alert.textContent).toBe('Could not load the status. Request failed: 403 Forbidden: not authorized');
        expect(screen.queryByRole('table')).toBeNull();
        expect(screen.queryByRole('status')).toBeNull();
    });

    it('reloads when Refresh is clicked, recovering from an error', async () => {
        const fetchMock = mockFetch(
            response({error: 'temporarily unavailable'}, 503, 'Service Unavailable'),
            response(fullStatus),
        );

        render(<StatusPanel/>);
        await screen.findByRole('alert');

        const refresh = screen.getByRole('button', {name: 'Refresh'});
        expect(refresh.getAttribute('type')).toBe('button');
        fireEvent.click(refresh);

        await screen.findByRole('table');
        expect(fetchMock).toHaveBeenCalledTimes(2);
        expect(screen.queryByRole('alert')).toBeNull();
        expect(valueOf('AWS credentials')).toBe('set');
    });

    it('keeps the last status visible while refreshing', async () => {
        let answer: (r: Response) => void = () => undefined;
        mockFetch(
            response(fullStatus),
            new Promise<Response>((resolve) => {
                answer = resolve;
            }),
        );

        render(<StatusPanel/>);
        await screen.findByRole('table');

        fireEvent.click(screen.getByRole('button', {name: 'Refresh'}));

        expect(screen.getByRole('status')).toBeTruthy();
        expect(valueOf('AWS region')).toBe('eu-west-1');

        await act(async () => {
            answer(response({...fullStatus, region: 'us-east-2'}));
        });
        expect(valueOf('AWS region')).toBe('us-east-2');
    });
});
