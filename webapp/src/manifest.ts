// Identity of the plugin. These constants must match ../plugin.json
// (src/manifest.test.ts checks that they do); nothing is generated at build time.
export const pluginId = 'lambda-apps';
export const pluginVersion = '0.1.0';
