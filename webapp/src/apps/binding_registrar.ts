// Keeps the webapp's channel-header buttons, post-menu items and App Bar
// buttons in step with the current bindings: when the bindings of a location change, its old
// registrations are removed and the new ones added (in the server's order).
// Unchanged bindings are left alone, so the header does not flicker.
import React from 'react';

import BindingIcon from '../components/binding_icon';
import type {HostChannel, PluginRegistry} from '../types/registry';

import type {AppBinding, BindingKind, ParsedBindings} from './types';

export interface BindingHandlers {
    channelHeader(binding: AppBinding, channel?: HostChannel): void;
    postMenu(binding: AppBinding, postId: string): void;
    appBar(binding: AppBinding, channel?: HostChannel): void;

    // Whether the post menu of this post shows the binding.
    postFilter(binding: AppBinding, postId: string): boolean;
}

type RegistryPart = Pick<PluginRegistry, 'registerChannelHeaderButtonAction' | 'registerPostDropdownMenuAction' | 'registerAppBarComponent' | 'unregisterComponent'>;

interface Registered {
    signature: string;
    ids: string[];
}

export class BindingRegistrar {
    private registered: Record<BindingKind, Registered> = {
        channel_header: {signature: '[]', ids: []},
        post_menu: {signature: '[]', ids: []},
        app_bar: {signature: '[]', ids: []},
    };

    constructor(private registry: RegistryPart, private handlers: BindingHandlers) {}

    update(bindings: ParsedBindings) {
        this.replace('channel_header', bindings.channelHeader);
        this.replace('post_menu', bindings.postMenu);
        this.replace('app_bar', bindings.appBar);
    }

    clear() {
        this.update({channelHeader: [], postMenu: [], appBar: []});
    }

    // Component ids currently registered, for tests and debugging.
    ids(kind: BindingKind): string[] {
        return [...this.registered[kind].ids];
    }

    private replace(kind: BindingKind, bindings: AppBinding[]) {
        const signature = JSON.stringify(bindings);
        if (signature === this.registered[kind].signature) {
            return;
        }
        for (const id of this.registered[kind].ids) {
            try {
                this.registry.unregisterComponent(id);
            } catch {
                // Already gone (e.g. the webapp is tearing the plugin down).
            }
        }
        const ids: string[] = [];
        for (const binding of bindings) {
            const id = this.register(kind, binding);
            if (typeof id === 'string' && id) {
                ids.push(id);
            }
        }
        this.registered[kind] = {signature, ids};
    }

    private register(kind: BindingKind, binding: AppBinding): string {
        switch (kind) {
        case 'channel_header':
            return this.registerHeaderButton(binding);
        case 'post_menu':
            return this.registerPostMenuItem(binding);
        default:
            return this.registerAppBarButton(binding);
        }
    }

    // An App Bar button with the app's icon; on web clients without an App
    // Bar (or a binding without an icon, which the App Bar cannot show) a
    // channel-header button stands in.
    private registerAppBarButton(binding: AppBinding): string {
        const action = (channel?: HostChannel) => this.handlers.appBar(binding, channel);
        if (this.registry.registerAppBarComponent && binding.icon) {
            return this.registry.registerAppBarComponent(binding.icon, action, binding.hint || binding.description || binding.label);
        }
        return this.registry.registerChannelHeaderButtonAction(
            React.createElement(BindingIcon, {icon: binding.icon, label: binding.label}),
            action,
            binding.label,
            binding.hint || binding.description || binding.label,
        );
    }

    private registerHeaderButton(binding: AppBinding): string {
        return this.registry.registerChannelHeaderButtonAction(
            React.createElement(BindingIcon, {icon: binding.icon, label: binding.label}),
            (channel?: HostChannel) => this.handlers.channelHeader(binding, channel),
            binding.label,
            binding.hint || binding.description || binding.label,
        );
    }

    private registerPostMenuItem(binding: AppBinding): string {
        return this.registry.registerPostDropdownMenuAction(
            binding.label,
            (postId: string) => this.handlers.postMenu(binding, postId),
            (postId: string) => this.handlers.postFilter(binding, postId),
        );
    }
}
