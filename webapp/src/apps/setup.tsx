// Wires the app bindings UI into the Mattermost webapp: registers the root
// component (notices + form dialog), keeps channel-header buttons, App Bar
// buttons and post-menu items in step with the current channel's bindings, and listens
// for the plugin's refresh_bindings websocket event.
import React from 'react';

import * as client from '../client';
import AppsRoot from '../components/apps_root';
import {pluginId} from '../manifest';
import type {HostChannel, PluginRegistry, PluginStore} from '../types/registry';

import {BindingRegistrar} from './binding_registrar';
import {BindingsManager} from './bindings_manager';
import {loadChoices} from './choices';
import {AppsController} from './controller';
import type {Where} from './controller';
import {channelTeamId, configuredSiteURL, currentChannelId, currentTeamId, postInfo} from './host_state';
import {navigate} from './navigate';
import type {NavigateOutcome} from './navigate';
import type {CallRequest, CallResponse} from './types';
import {UIStore} from './ui_store';

export const REFRESH_BINDINGS_EVENT = `custom_${pluginId}_refresh_bindings`;

// Everything with side effects outside the webapp, replaceable in tests.
export interface AppsDeps {
    fetchBindings(query: client.BindingsQuery, options: client.RequestOptions): Promise<unknown>;
    call(request: CallRequest): Promise<CallResponse>;
    navigate(url: string, external: boolean): NavigateOutcome;
    users: typeof client.autocompleteUsers;
    channels: typeof client.autocompleteChannels;
    debounceMs?: number;
}

export const defaultDeps: AppsDeps = {
    fetchBindings: client.getBindings,
    call: (request) => client.postCall(request),
    navigate,
    users: client.autocompleteUsers,
    channels: client.autocompleteChannels,
};

export function whereForChannel(state: unknown, channel?: HostChannel): Where {
    const channelId = channel?.id || currentChannelId(state);
    return {channelId, teamId: channel?.team_id || channelTeamId(state, channelId) || currentTeamId(state)};
}

export function whereForPost(state: unknown, postId: string): Where {
    const post = postInfo(state, postId);
    const channelId = post?.channelId || currentChannelId(state);
    return {
        channelId,
        teamId: channelTeamId(state, channelId) || currentTeamId(state),
        postId,
        rootPostId: post?.rootId || postId,
    };
}

// System messages (joins, header changes...) get no app items.
export function showOnPost(state: unknown, postId: string): boolean {
    const post = postInfo(state, postId);
    return !post || !post.type.startsWith('system_');
}

export interface AppsHandle {
    ui: UIStore;
    controller: AppsController;
    registrar: BindingRegistrar;
    manager: BindingsManager;
    stop(): void;
}

export function setupApps(registry: PluginRegistry, store: PluginStore, deps: AppsDeps = defaultDeps): AppsHandle {
    // Requests go under the site's path (Mattermost may live in a subpath).
    let siteURL = configuredSiteURL(store.getState());
    client.setSiteURL(siteURL);
    const unsubscribeSite = store.subscribe(() => {
        const next = configuredSiteURL(store.getState());
        if (next !== siteURL) {
            siteURL = next;
            client.setSiteURL(next);
        }
    });

    const ui = new UIStore();
    const controller = new AppsController({
        call: deps.call,
        ui,
        navigate: deps.navigate,

        // Only called after setup, when `manager` exists.
        refreshBindings: () => manager.refresh(),
    });
    const registrar = new BindingRegistrar(registry, {
        channelHeader: (binding, channel) => {
            void controller.invoke(binding, whereForChannel(store.getState(), channel));
        },
        postMenu: (binding, postId) => {
            void controller.invoke(binding, whereForPost(store.getState(), postId));
        },
        appBar: (binding, channel) => {
            void controller.invoke(binding, whereForChannel(store.getState(), channel));
        },
        postFilter: (_binding, postId) => showOnPost(store.getState(), postId),
    });
    const manager = new BindingsManager({store, fetchBindings: deps.fetchBindings, target: registrar, debounceMs: deps.debounceMs});

    const choicesDeps = {
        lookup: controller.lookup.bind(controller),
        users: deps.users,
        channels: deps.channels,
    };
    function LambdaAppsRoot() {
        return (
            <AppsRoot
                ui={ui}
                controller={controller}
                choices={(field, context, values, query, signal) => loadChoices(choicesDeps, field, context, values, query, signal)}
            />
        );
    }
    registry.registerRootComponent(LambdaAppsRoot);
    registry.registerWebSocketEventHandler(REFRESH_BINDINGS_EVENT, () => manager.refresh());
    manager.start();

    return {
        ui,
        controller,
        registrar,
        manager,
        stop() {
            unsubscribeSite();
            manager.stop();
            try {
                registry.unregisterWebSocketEventHandler(REFRESH_BINDINGS_EVENT);
            } catch {
                // The webapp may already have dropped the plugin's handlers.
            }
        },
    };
}
