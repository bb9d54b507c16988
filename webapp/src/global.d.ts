import type {PluginInstance} from './types/registry';

declare global {
    interface Window {
        registerPlugin(pluginId: string, plugin: PluginInstance): void;
    }
}
