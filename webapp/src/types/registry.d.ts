// The small part of the Mattermost webapp plugin API that this plugin uses.
// The full registry is documented at
// https://developers.mattermost.com/integrate/reference/webapp/webapp-reference/

import type React from 'react';

// Props the System Console passes to a custom setting component.
// Only the ones that are useful to a read-only component are listed.
export interface AdminConsoleCustomSettingProps {
    id?: string;
    label?: string;
    helpText?: React.ReactNode;
    disabled?: boolean;
}

export interface AdminConsoleCustomSettingOptions {
    showTitle?: boolean;
}

// What the webapp passes to a channel-header button's action.
export interface HostChannel {
    id?: string;
    team_id?: string;
}

export interface WebSocketMessage {
    event?: string;
    data?: unknown;
    broadcast?: unknown;
}

export interface PluginRegistry {
    registerAdminConsoleCustomSetting(
        key: string,
        component: React.ComponentType<AdminConsoleCustomSettingProps>,
        options?: AdminConsoleCustomSettingOptions,
    ): void;

    // Each register* call below returns the component id for unregisterComponent.
    registerRootComponent(component: React.ComponentType): string;
    registerChannelHeaderButtonAction(
        icon: React.ReactNode,
        action: (channel?: HostChannel, channelMember?: unknown) => void,
        dropdownText: React.ReactNode,
        tooltipText: React.ReactNode,
    ): string;
    registerPostDropdownMenuAction(
        text: React.ReactNode,
        action: (postId: string) => void,
        filter?: (postId: string) => boolean,
    ): string;
    // The App Bar (Mattermost 7 and later); absent on older web clients.
    registerAppBarComponent?(
        iconUrl: string,
        action: (channel?: HostChannel, channelMember?: unknown) => void,
        tooltipText: React.ReactNode,
    ): string;
    unregisterComponent(componentId: string): void;
    registerWebSocketEventHandler(event: string, handler: (message: WebSocketMessage) => void): void;
    unregisterWebSocketEventHandler(event: string): void;
}

// The webapp's Redux store. The state is read through src/apps/host_state.ts.
export interface PluginStore {
    getState(): unknown;
    dispatch(action: unknown): unknown;
    subscribe(listener: () => void): () => void;
}

export interface PluginInstance {
    initialize(registry: PluginRegistry, store: PluginStore): void | Promise<void>;
    uninitialize?(): void;
}
