import {afterEach, describe, expect, it, jest} from '@jest/globals';
import {act, fireEvent, render, screen, waitFor} from '@testing-library/react';
import React from 'react';

import {getSitePath, setSiteURL} from '../client';
import {bindingsBody, FakeRegistry, FakeStore, withIntl} from '../test/helpers';

import {parseCallResponse} from './parse';
import {REFRESH_BINDINGS_EVENT, setupApps, showOnPost, whereForChannel, whereForPost} from './setup';
import type {AppsDeps} from './setup';
import type {CallRequest} from './types';

afterEach(() => {
    setSiteURL('');
});

function start(answers: unknown[] = [{type: 'ok', text: 'Hello, alice!'}], store = new FakeStore()) {
    const registry = new FakeRegistry();
    const deps = {
        fetchBindings: jest.fn<AppsDeps['fetchBindings']>(async (q) => bindingsBody(q.channelId === 'ch1' ? 'Say hello' : `Hello from ${q.channelId}`)),
        call: jest.fn<AppsDeps['call']>(async () => parseCallResponse(answers.length > 1 ? answers.shift() : answers[0])),
        navigate: jest.fn<AppsDeps['navigate']>(() => 'done'),
        users: jest.fn<AppsDeps['users']>(async () => []),
        channels: jest.fn<AppsDeps['channels']>(async () => []),
        debounceMs: 0,
    };
    const handle = setupApps(registry, store, deps);
    const Root = registry.roots[0];
    render(withIntl(<Root/>));
    return {registry, store, deps, handle};
}

async function headerButtons(registry: FakeRegistry, count = 1) {
    await waitFor(() => expect(registry.headerButtons).toHaveLength(count));
    return registry.headerButtons;
}

describe('setupApps', () => {
    it('registers a root component and the refresh_bindings websocket handler', () => {
        const {registry, handle} = start();
        expect(REFRESH_BINDINGS_EVENT).toBe('custom_lambda-apps_refresh_bindings');
        expect(registry.methods().slice(0, 2)).toEqual(['registerRootComponent', 'registerWebSocketEventHandler']);
        expect(registry.wsHandlers.has(REFRESH_BINDINGS_EVENT)).toBe(true);
        handle.stop();
    });

    it('registers the channel header button and post menu item of the current channel', async () => {
        const {registry, deps, handle} = start();
        const [button] = await headerButtons(registry);
        expect(deps.fetchBindings.mock.calls[0][0]).toEqual({channelId: 'ch1', teamId: 'team1'});
        expect(button.dropdownText).toBe('Say hello');
        expect(registry.postMenuItems.map((i) => i.text)).toEqual(['Echo post']);
        handle.stop();
    });

    it('clicking the header button calls the app and shows its answer', async () => {
        const {registry, deps, handle} = start();
        const [button] = await headerButtons(registry);

        await act(async () => {
            button.action({id: 'ch1', team_id: 'team1'});
        });

        expect(deps.call).toHaveBeenCalledWith({
            path: '/greet',
            expand: {acting_user: 'summary'},
            context: {app_id: 'hello-lambda', location: '/channel_header/send', channel_id: 'ch1', team_id: 'team1', user_agent: 'webapp'},
        } satisfies CallRequest);
        expect((await screen.findByRole('status')).textContent).toContain('Hello, alice!');
        handle.stop();
    });

    it('post menu items send the post, its thread root and the post channel', async () => {
        const store = new FakeStore();
        store.setState((s) => {
            s.entities.channels.channels.other = {id: 'other', team_id: 'team7'};
            s.entities.posts.posts.reply = {id: 'reply', channel_id: 'other', root_id: 'root', type: ''};
            s.entities.posts.posts.join = {id: 'join', channel_id: 'ch1', root_id: '', type: 'system_join_channel'};
        });
        const {registry, deps, handle} = start([{type: 'ok', text: '> quoted'}], store);
        await headerButtons(registry);
        const [item] = registry.postMenuItems;

        await act(async () => {
            item.action('reply');
        });
        expect(deps.call.mock.calls[0][0].context).toEqual({
            app_id: 'hello-lambda', location: '/post_menu/echo', channel_id: 'other', team_id: 'team7', post_id: 'reply', root_post_id: 'root', user_agent: 'webapp',
        });
        expect(item.filter?.('reply')).toBe(true);
        expect(item.filter?.('join')).toBe(false);
        expect(item.filter?.('unknown-post')).toBe(true);
        handle.stop();
    });

    it('a channel switch re-registers the new channel bindings', async () => {
        const {registry, store, deps, handle} = start();
        const [first] = await headerButtons(registry);

        act(() => store.switchChannel('ch2'));
        await waitFor(() => expect(registry.headerButtons[0]?.dropdownText).toBe('Hello from ch2'));
        expect(registry.unregistered).toContain(first.id);
        expect(deps.fetchBindings.mock.calls[1][0]).toEqual({channelId: 'ch2', teamId: 'team1'});
        handle.stop();
    });

    it('the websocket event and refresh_bindings answers refetch the bindings', async () => {
        const {registry, deps, handle} = start([{type: 'ok', refresh_bindings: true}]);
        const [button] = await headerButtons(registry);

        act(() => registry.wsHandlers.get(REFRESH_BINDINGS_EVENT)?.({event: REFRESH_BINDINGS_EVENT, data: {}}));
        await waitFor(() => expect(deps.fetchBindings).toHaveBeenCalledTimes(2));

        await act(async () => {
            button.action();
        });
        await waitFor(() => expect(deps.fetchBindings).toHaveBeenCalledTimes(3));
        handle.stop();
    });

    it('renders each response type: error notice, form dialog, navigate', async () => {
        const {registry, deps, handle} = start([
            {type: 'error', text: 'This call fails on purpose.'},
            {type: 'form', form: {title: 'Survey', submit: {path: '/survey/submit'}, fields: [{name: 'comment', type: 'text', label: 'Comment'}]}},
            {type: 'error', data: {errors: {comment: 'Please write a comment.'}}},
            {type: 'ok', text: 'Thanks!'},
            {type: 'navigate', navigate_to_url: 'https://example.com/', use_external_browser: true},
        ]);
        const [button] = await headerButtons(registry);

        await act(async () => {
            button.action();
        });
        expect(screen.getByRole('alert').textContent).toContain('This call fails on purpose.');

        await act(async () => {
            button.action();
        });
        const dialog = screen.getByRole('dialog', {name: 'Survey'});
        await act(async () => {
            fireEvent.click(screen.getByRole('button', {name: 'Submit'}));
        });
        expect(deps.call.mock.calls[2][0]).toMatchObject({path: '/survey/submit', values: {comment: ''}, context: {app_id: 'hello-lambda', channel_id: 'ch1'}});
        expect(screen.getByText('Please write a comment.')).toBeTruthy();
        expect(dialog.isConnected).toBe(true);

        fireEvent.change(screen.getByLabelText('Comment'), {target: {value: 'Nice'}});
        await act(async () => {
            fireEvent.click(screen.getByRole('button', {name: 'Submit'}));
        });
        expect(screen.queryByRole('dialog')).toBeNull();
        expect(screen.getByText('Thanks!')).toBeTruthy();

        await act(async () => {
            button.action();
        });
        expect(deps.navigate).toHaveBeenCalledWith('https://example.com/', true);
        handle.stop();
    });

    it('follows the SiteURL subpath from the store', async () => {
        const store = new FakeStore();
        store.setState((s) => {
            s.entities.general.config.SiteURL = 'https://chat.example.com/mm/';
        });
        const {handle} = start(undefined, store);
        expect(getSitePath()).toBe('/mm');
        act(() => store.setState((s) => {
            s.entities.general.config.SiteURL = 'https://chat.example.com';
        }));
        expect(getSitePath()).toBe('');
        handle.stop();
    });

    it('stop() drops the subscriptions, registrations and websocket handler', async () => {
        const {registry, store, handle} = start();
        await headerButtons(registry);
        handle.stop();
        expect(store.listenerCount()).toBe(0);
        expect(registry.headerButtons).toEqual([]);
        expect(registry.postMenuItems).toEqual([]);
        expect(registry.wsHandlers.size).toBe(0);
    });
});

describe('context helpers', () => {
    const store = new FakeStore();
    store.setState((s) => {
        s.entities.channels.channels.dm = {id: 'dm', team_id: ''};
    });

    it('fill in the team of a DM from the current team', () => {
        expect(whereForChannel(store.getState(), {id: 'dm', team_id: ''})).toEqual({channelId: 'dm', teamId: 'team1'});
        expect(whereForChannel(store.getState())).toEqual({channelId: 'ch1', teamId: 'team1'});
        expect(whereForChannel(undefined)).toEqual({channelId: '', teamId: ''});
    });

    it('use the post id as root for a root post and survive an unknown post', () => {
        expect(whereForPost(store.getState(), 'nope')).toEqual({channelId: 'ch1', teamId: 'team1', postId: 'nope', rootPostId: 'nope'});
        expect(showOnPost(null, 'x')).toBe(true);
    });
});
