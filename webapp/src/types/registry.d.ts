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

export interface PluginRegistry {
    registerAdminConsoleCustomSetting(
        key: string,
        component: React.ComponentType<AdminConsoleCustomSettingProps>,
        options?: AdminConsoleCustomSettingOptions,
    ): void;
}

// The webapp's Redux store; not used yet, so kept opaque.
export interface PluginStore {
    getState(): unknown;
    dispatch(action: unknown): unknown;
}

export interface PluginInstance {
    initialize(registry: PluginRegistry, store: PluginStore): void | Promise<void>;
    uninitialize?(): void;
}
