// Shared fakes for the unit tests: a registry that records what the plugin
// registers, a Redux-like store, fetch answers and an IntlProvider wrapper.
import {render} from '@testing-library/react';
import type {RenderOptions} from '@testing-library/react';
import React from 'react';
import {IntlProvider} from 'react-intl';

import type {HostChannel, PluginRegistry, PluginStore, WebSocketMessage} from '../types/registry';

export function withIntl(ui: React.ReactElement) {
    return (
        <IntlProvider
            locale='en'
            defaultLocale='en'
        >
            {ui}
        </IntlProvider>
    );
}

export function renderWithIntl(ui: React.ReactElement, options?: RenderOptions) {
    return render(ui, {wrapper: ({children}) => withIntl(<>{children}</>), ...options});
}

export interface HeaderButton {
    id: string;
    icon: React.ReactNode;
    action: (channel?: HostChannel) => void;
    dropdownText: React.ReactNode;
    tooltipText: React.ReactNode;
}

export interface PostMenuItem {
    id: string;
    text: React.ReactNode;
    action: (postId: string) => void;
    filter?: (postId: string) => boolean;
}

export interface AppBarButton {
    id: string;
    iconUrl: string;
    action: (channel?: HostChannel) => void;
    tooltipText: React.ReactNode;
}

export class FakeRegistry implements PluginRegistry {
    calls: Array<{method: string; args: unknown[]}> = [];
    headerButtons: HeaderButton[] = [];
    postMenuItems: PostMenuItem[] = [];
    appBarButtons: AppBarButton[] = [];
    roots: Array<React.ComponentType> = [];
    unregistered: string[] = [];
    wsHandlers = new Map<string, (message: WebSocketMessage) => void>();
    private next = 0;

    private id(kind: string) {
        this.next++;
        return `${kind}-${this.next}`;
    }

    registerAdminConsoleCustomSetting(...args: unknown[]) {
        this.calls.push({method: 'registerAdminConsoleCustomSetting', args});
    }

    registerRootComponent(component: React.ComponentType) {
        this.calls.push({method: 'registerRootComponent', args: [component]});
        this.roots.push(component);
        return this.id('root');
    }

    registerChannelHeaderButtonAction(icon: React.ReactNode, action: (channel?: HostChannel) => void, dropdownText: React.ReactNode, tooltipText: React.ReactNode) {
        const id = this.id('header');
        this.calls.push({method: 'registerChannelHeaderButtonAction', args: [icon, action, dropdownText, tooltipText]});
        this.headerButtons.push({id, icon, action, dropdownText, tooltipText});
        return id;
    }

    registerPostDropdownMenuAction(text: React.ReactNode, action: (postId: string) => void, filter?: (postId: string) => boolean) {
        const id = this.id('post');
        this.calls.push({method: 'registerPostDropdownMenuAction', args: [text, action, filter]});
        this.postMenuItems.push({id, text, action, filter});
        return id;
    }

    // A property, so that a test can remove it (web clients without an App Bar).
    registerAppBarComponent?: (iconUrl: string, action: (channel?: HostChannel) => void, tooltipText: React.ReactNode) => string = (iconUrl, action, tooltipText) => {
        const id = this.id('appbar');
        this.calls.push({method: 'registerAppBarComponent', args: [iconUrl, action, tooltipText]});
        this.appBarButtons.push({id, iconUrl, action, tooltipText});
        return id;
    };

    unregisterComponent(id: string) {
        this.calls.push({method: 'unregisterComponent', args: [id]});
        this.unregistered.push(id);
        this.appBarButtons = this.appBarButtons.filter((b) => b.id !== id);
        this.headerButtons = this.headerButtons.filter((b) => b.id !== id);
        this.postMenuItems = this.postMenuItems.filter((b) => b.id !== id);
    }

    registerWebSocketEventHandler(event: string, handler: (message: WebSocketMessage) => void) {
        this.calls.push({method: 'registerWebSocketEventHandler', args: [event, handler]});
        this.wsHandlers.set(event, handler);
    }

    unregisterWebSocketEventHandler(event: string) {
        this.calls.push({method: 'unregisterWebSocketEventHandler', args: [event]});
        this.wsHandlers.delete(event);
    }

    methods(): string[] {
        return this.calls.map((c) => c.method);
    }
}

export interface HostState {
    entities: {
        general: {config: {SiteURL?: string}};
        channels: {currentChannelId: string; channels: Record<string, {id: string; team_id: string}>};
        teams: {currentTeamId: string};
        posts: {posts: Record<string, {id: string; channel_id: string; root_id: string; type: string}>};
    };
}

export function hostState(channelId = 'ch1', teamId = 'team1'): HostState {
    return {
        entities: {
            general: {config: {SiteURL: 'http://localhost'}},
            channels: {currentChannelId: channelId, channels: {[channelId]: {id: channelId, team_id: teamId}}},
            teams: {currentTeamId: teamId},
            posts: {posts: {}},
        },
    };
}

export class FakeStore implements PluginStore {
    private listeners = new Set<() => void>();

    constructor(public state: HostState = hostState()) {}

    getState = () => this.state;

    dispatch = (action: unknown) => action;

    subscribe = (listener: () => void) => {
        this.listeners.add(listener);
        return () => {
            this.listeners.delete(listener);
        };
    };

    listenerCount() {
        return this.listeners.size;
    }

    setState(update: (state: HostState) => void) {
        const next = JSON.parse(JSON.stringify(this.state)) as HostState;
        update(next);
        this.state = next;
        for (const listener of Array.from(this.listeners)) {
            listener();
        }
    }

    switchChannel(channelId: string, teamId = this.state.entities.teams.currentTeamId) {
        this.setState((s) => {
            s.entities.channels.currentChannelId = channelId;
            s.entities.channels.channels[channelId] = {id: channelId, team_id: teamId};
            s.entities.teams.currentTeamId = teamId;
        });
    }
}

export function jsonResponse(body: unknown, status = 200, statusText = 'OK'): Response {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return {
        ok: status >= 200 && status < 300,
        status,
        statusText,
        json: async () => JSON.parse(text),
        text: async () => text,
    } as Response;
}

// A promise with its resolve function, to answer a request when the test wants.
export function deferred<T>() {
    let resolve: (value: T) => void = () => undefined;
    let reject: (err: unknown) => void = () => undefined;
    const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
    });
    return {promise, resolve, reject};
}

// Sample bindings in the shape GET /bindings returns.
export function bindingsBody(label = 'Say hello', extra: unknown[] = []) {
    return {
        type: 'ok',
        data: [
            {location: '/command', bindings: [{app_id: 'hello-lambda', label: 'hello', bindings: [{label: 'greet', submit: {path: '/greet'}}]}]},
            {
                location: '/channel_header',
                bindings: [{
                    app_id: 'hello-lambda',
                    location: 'send',
                    label,
                    icon: 'http://localhost/plugins/lambda-apps/api/v1/apps/hello-lambda/static/icon.png',
                    hint: 'Greets you',
                    submit: {path: '/greet', expand: {acting_user: 'summary'}},
                }],
            },
            {
                location: '/post_menu',
                bindings: [{app_id: 'hello-lambda', location: 'echo', label: 'Echo post', submit: {path: '/echo', expand: {post: 'summary'}}}],
            },
            ...extra,
        ],
    };
}
