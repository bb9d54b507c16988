// Identity of the plugin, read from ../plugin.json (bundled at build time),
// the one place it is written.
import manifest from '../../plugin.json';

export const pluginId: string = manifest.id;
export const pluginVersion: string = manifest.version;
