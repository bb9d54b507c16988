// Entry point of the webapp bundle: defines the plugin and hands it to the
// Mattermost webapp.
import StatusPanel from './components/status_panel';
import {pluginId} from './manifest';
import type {PluginInstance, PluginRegistry, PluginStore} from './types/registry';

// Key of the custom setting in plugin.json's settings_schema.
export const STATUS_SETTING_KEY = 'Status';

export default class Plugin implements PluginInstance {
    public initialize(registry: PluginRegistry, _store: PluginStore): void {
        registry.registerAdminConsoleCustomSetting(STATUS_SETTING_KEY, StatusPanel, {showTitle: true});
    }
}

window.registerPlugin(pluginId, new Plugin());
