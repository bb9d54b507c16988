import {afterEach, beforeEach, describe, expect, it, jest} from '@jest/globals';

import type {BindingsQuery, RequestOptions} from '../client';
import {bindingsBody, deferred, FakeStore, hostState} from '../test/helpers';

import {BindingsManager} from './bindings_manager';
import type {ParsedBindings} from './types';

type Fetch = (query: BindingsQuery, options: RequestOptions) => Promise<unknown>;

function setup(fetchBindings: Fetch, store = new FakeStore()) {
    const updates: Array<ParsedBindings | 'clear'> = [];
    const target = {
        update: (b: ParsedBindings) => updates.push(b),
        clear: () => updates.push('clear'),
    };
    const manager = new BindingsManager({store, fetchBindings, target, debounceMs: 100});
    return {store, manager, updates};
}

function labels(update: ParsedBindings | 'clear' | undefined): string[] | 'clear' | undefined {
    return update === 'clear' || update === undefined ? update : update.channelHeader.map((b) => b.label);
}

beforeEach(() => {
    jest.useFakeTimers();
});

afterEach(() => {
    jest.useRealTimers();
});

async function flush() {
    await jest.advanceTimersByTimeAsync(150);
}

describe('BindingsManager', () => {
    it('fetches the current channel on start', async () => {
        const fetchBindings = jest.fn<Fetch>(async () => bindingsBody());
        const {manager, updates} = setup(fetchBindings);

        manager.start();
        expect(fetchBindings).not.toHaveBeenCalled();
        await flush();

        expect(fetchBindings).toHaveBeenCalledTimes(1);
        expect(fetchBindings.mock.calls[0][0]).toEqual({channelId: 'ch1', teamId: 'team1'});
        expect(labels(updates[0])).toEqual(['Say hello']);
    });

    it('refetches on a channel switch, debounced, and not on unrelated store changes', async () => {
        const fetchBindings = jest.fn<Fetch>(async (q) => bindingsBody(`Hello ${q.channelId}`));
        const {store, manager, updates} = setup(fetchBindings);
        manager.start();
        await flush();

        store.setState((s) => {
            s.entities.posts.posts.p1 = {id: 'p1', channel_id: 'ch1', root_id: '', type: ''};
        });
        await flush();
        expect(fetchBindings).toHaveBeenCalledTimes(1);

        store.switchChannel('ch2');
        store.switchChannel('ch3');
        store.switchChannel('ch4', 'team2');
        await flush();

        expect(fetchBindings).toHaveBeenCalledTimes(2);
        expect(fetchBindings.mock.calls[1][0]).toEqual({channelId: 'ch4', teamId: 'team2'});
        expect(labels(updates[updates.length - 1])).toEqual(['Hello ch4']);
    });

    it('ignores a stale answer that arrives after a newer one, and aborts it', async () => {
        const first = deferred<unknown>();
        const second = deferred<unknown>();
        const signals: AbortSignal[] = [];
        const fetchBindings = jest.fn<Fetch>((_q, options): Promise<unknown> => {
            signals.push(options.signal as AbortSignal);
            return signals.length === 1 ? first.promise : second.promise;
        });
        const {store, manager, updates} = setup(fetchBindings);
        manager.start();
        await flush();

        store.switchChannel('ch2');
        await flush();
        expect(signals[0].aborted).toBe(true);

        second.resolve(bindingsBody('Channel two'));
        await flush();
        first.resolve(bindingsBody('Channel one'));
        await flush();

        expect(updates.map(labels)).toEqual([['Channel two']]);
    });

    it('refresh() refetches the same channel (websocket event)', async () => {
        const fetchBindings = jest.fn<Fetch>(async () => bindingsBody());
        const {manager} = setup(fetchBindings);
        manager.start();
        await flush();

        manager.refresh();
        manager.refresh();
        await flush();
        expect(fetchBindings).toHaveBeenCalledTimes(2);
    });

    it('keeps the buttons when a refresh fails, clears them when a new channel fails', async () => {
        let fail = false;
        const fetchBindings = jest.fn<Fetch>(async () => {
            if (fail) {
                throw new Error('Request failed: 500');
            }
            return bindingsBody();
        });
        const {store, manager, updates} = setup(fetchBindings);
        manager.start();
        await flush();

        fail = true;
        manager.refresh();
        await flush();
        expect(updates).toHaveLength(1);
        expect(manager.lastError).toBe('Request failed: 500');

        store.switchChannel('ch2');
        await flush();
        expect(updates[1]).toBe('clear');
    });

    it('shows nothing while there is no current channel', async () => {
        const fetchBindings = jest.fn<Fetch>(async () => bindingsBody());
        const {store, manager, updates} = setup(fetchBindings, new FakeStore(hostState('', '')));
        manager.start();
        await flush();
        expect(fetchBindings).not.toHaveBeenCalled();
        expect(updates).toEqual(['clear']);

        store.switchChannel('ch1', 'team1');
        await flush();
        expect(fetchBindings).toHaveBeenCalledTimes(1);
    });

    it('stop() unsubscribes, cancels pending work and clears the registrations', async () => {
        const pending = deferred<unknown>();
        const fetchBindings = jest.fn<Fetch>(() => pending.promise);
        const {store, manager, updates} = setup(fetchBindings);
        manager.start();
        await flush();

        manager.stop();
        expect(store.listenerCount()).toBe(0);
        pending.resolve(bindingsBody());
        store.switchChannel('ch2');
        manager.refresh();
        await flush();

        expect(fetchBindings).toHaveBeenCalledTimes(1);
        expect(updates).toEqual(['clear']);
    });
});
