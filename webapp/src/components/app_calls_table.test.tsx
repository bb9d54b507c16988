import {afterEach, describe, expect, it, jest} from '@jest/globals';
import {screen, within} from '@testing-library/react';
import React from 'react';

import type {AppCallStats} from '../client';
import {jsonResponse, renderWithIntl} from '../test/helpers';

import {AppCallsTable, errorClasses, formatLatency, latencies} from './app_calls_table';
import StatusPanel from './status_panel';

const hello: AppCallStats = {
    app_id: 'hello-lambda',
    since: '2026-11-30T12:00:00Z',
    last_hour: {calls: 3, errors: 1, outcomes: {ok: 2, timeout: 1}, p50_ms: 5.66, p99_ms: 30000},
    since_start: {calls: 10, errors: 3, outcomes: {ok: 7, timeout: 1, app_error: 2}, p50_ms: 4.76, p99_ms: 30000},
    paths: [
        {path: '/greet', last_hour: {calls: 2, errors: 0, outcomes: {ok: 2}, p50_ms: 4.76, p99_ms: 5.66}, since_start: {calls: 8, errors: 2, outcomes: {ok: 6, app_error: 2}, p50_ms: 4.76, p99_ms: 123.4}},
        {path: '/slow', last_hour: {calls: 0, errors: 0, p50_ms: 0, p99_ms: 0}, since_start: {calls: 2, errors: 1, outcomes: {ok: 1, timeout: 1}, p50_ms: 1.5, p99_ms: 30000}},
    ],
};

function rows(): string[][] {
    const table = screen.getByRole('table', {name: /App calls on this server node/});
    return within(table).getAllByRole('row').slice(1).map((row) => Array.from(row.children).map((c) => c.textContent ?? ''));
}

describe('formatting', () => {
    it.each([
        [0.42, '0.42 ms'],
        [9.999, '10.00 ms'],
        [10, '10 ms'],
        [123.4, '123 ms'],
        [999.4, '999 ms'],
        [1000, '1.00 s'],
        [30000, '30.00 s'],
    ])('formats %p ms as %p', (ms, want) => {
        expect(formatLatency(ms)).toBe(want);
    });

    it('shows no latency without calls', () => {
        expect(latencies({calls: 0, p50_ms: 3, p99_ms: 4})).toBe('–');
        expect(latencies({calls: 1, p50_ms: 3, p99_ms: 4})).toBe('3.00 ms / 4.00 ms');
        expect(latencies({})).toBe('–');
    });

    it('lists error classes, most frequent first, without ok', () => {
        expect(errorClasses({outcomes: {ok: 9, timeout: 1, app_error: 2, throttled: 1}})).toBe('app_error 2, throttled 1, timeout 1');
        expect(errorClasses({outcomes: {ok: 9}})).toBe('–');
        expect(errorClasses({})).toBe('–');
    });
});

describe('AppCallsTable', () => {
    it('shows a row per app and per path', () => {
        renderWithIntl(
            <AppCallsTable
                apps={[hello]}
                since='2026-11-30T12:00:00Z'
            />,
        );
        expect(screen.getByRole('table', {name: 'App calls on this server node since 2026-11-30T12:00:00Z'})).toBeTruthy();
        expect(rows()).toEqual([
            ['hello-lambda (all paths)', '3', '1', '5.66 ms / 30.00 s', '10', '3', '4.76 ms / 30.00 s', 'app_error 2, timeout 1'],
            ['/greet', '2', '0', '4.76 ms / 5.66 ms', '8', '2', '4.76 ms / 123 ms', 'app_error 2'],
            ['/slow', '0', '0', '–', '2', '1', '1.50 ms / 30.00 s', 'timeout 1'],
        ]);
        expect(screen.getByText(/Each node of a cluster counts the calls it makes/)).toBeTruthy();
    });

    it('says when there were no calls', () => {
        const {container} = renderWithIntl(
            <AppCallsTable
                apps={[]}
                since='2026-11-30T12:00:00Z'
            />,
        );
        expect(screen.queryByRole('table')).toBeNull();
        expect(container.textContent).toBe('App calls on this server node since 2026-11-30T12:00:00Z: no calls yet.');
    });

    it('renders nothing when the server does not count calls', () => {
        const {container} = renderWithIntl(
            <AppCallsTable
                apps={undefined}
                since={undefined}
            />,
        );
        expect(container.textContent).toBe('');
    });

    it('skips malformed entries and shows only known fields', () => {
        const {container} = renderWithIntl(
            <AppCallsTable
                apps={[null, {calls: 3}, {app_id: 'x', last_hour: 'bad', since_start: {calls: -1, secret: 'SUPERSECRET'}, paths: [{}, 7]}]}
                since='0001-01-01T00:00:00Z'
            />,
        );
        expect(screen.getByRole('table', {name: 'App calls on this server node'})).toBeTruthy();
        expect(rows()).toEqual([['x (all paths)', '0', '0', '–', '0', '0', '–', '–']]);
        expect(container.textContent).not.toContain('SUPERSECRET');
    });
});

describe('StatusPanel with app calls', () => {
    const realFetch = globalThis.fetch;
    afterEach(() => {
        globalThis.fetch = realFetch;
    });

    it('shows the calls from the status', async () => {
        globalThis.fetch = jest.fn(() => Promise.resolve(jsonResponse({plugin_version: '0.1.0', app_calls: [hello], app_calls_since: '2026-11-30T12:00:00Z'}))) as unknown as typeof fetch;
        renderWithIntl(<StatusPanel/>);
        expect(await screen.findByRole('table', {name: /App calls on this server node/})).toBeTruthy();
        expect(rows()[0][0]).toBe('hello-lambda (all paths)');
    });
});
