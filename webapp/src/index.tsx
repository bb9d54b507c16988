// Entry point of the webapp bundle: defines the plugin and hands it to the
// Mattermost webapp.
import {setupApps} from './apps/setup';
import type {AppsHandle} from './apps/setup';
import StatusPanel from './components/status_panel';
import {pluginId} from './manifest';
import type {PluginInstance, PluginRegistry, PluginStore} from './types/registry';

// Key of the custom setting in plugin.json's settings_schema.
export const STATUS_SETTING_KEY = 'Status';

export default class Plugin implements PluginInstance {
    private apps?: AppsHandle;

    public initialize(registry: PluginRegistry, store: PluginStore): void {
        registry.registerAdminConsoleCustomSetting(STATUS_SETTING_KEY, StatusPanel, {showTitle: true});
        this.apps = setupApps(registry, store);
    }

    public uninitialize(): void {
        this.apps?.stop();
        this.apps = undefined;
    }
}

window.registerPlugin(pluginId, new Plugin());
