// A client of the Apps KV store, through the URLs of the original Apps
// framework (mattermost-plugin-apps v1.2), the way the TypeScript apps of
// the ecosystem call it: <mattermost_site_url>/plugins/com.mattermost.apps/
// api/v1/kv/<key>, authenticated with the bot's access token. Values are
// JSON of at most 8 KB; reading a key that holds nothing answers {}.
// It uses Node's built-in fetch: the app has no production dependencies.

import type {Context} from './apps';

/** The largest value the KV store accepts, in bytes. */
export const MAX_VALUE_BYTES = 8192;

/** A failed KV request; the message never holds the access token. */
export class KVError extends Error {
    constructor(message: string, readonly status?: number) {
        super(message);
        this.name = 'KVError';
    }
}

export class KV {
    private readonly base: string;
    private readonly token: string;

    constructor(context: Context | undefined) {
        const site = context?.mattermost_site_url;
        const token = context?.bot_access_token;
        if (!site || !token) {
            throw new KVError('the call has no mattermost_site_url or bot_access_token: is the app installed with the act_as_bot permission?');
        }
        this.base = site.replace(/\/+$/, '') + '/plugins/com.mattermost.apps/api/v1/kv/';
        this.token = token;
    }

    /** get returns the stored value, or {} when there is none. */
    async get<T>(key: string): Promise<T | Record<string, never>> {
        return (await this.send('GET', key)) as T | Record<string, never>;
    }

    /** set stores value and says whether it changed. */
    async set(key: string, value: unknown): Promise<boolean> {
        const body = JSON.stringify(value);
        if (Buffer.byteLength(body) > MAX_VALUE_BYTES) {
            throw new KVError(`the value for ${key} is ${Buffer.byteLength(body)} bytes; the KV store keeps at most ${MAX_VALUE_BYTES}`);
        }
        const answer = (await this.send('PUT', key, body)) as {changed?: boolean};
        return answer?.changed === true;
    }

    async delete(key: string): Promise<void> {
        await this.send('DELETE', key);
    }

    private async send(method: string, key: string, body?: string): Promise<unknown> {
        const url = this.base + encodeURIComponent(key);
        let res: Response;
        try {
            res = await fetch(url, {
                method,
                headers: {'Authorization': 'Bearer ' + this.token, 'Content-Type': 'application/json'},
                body,
                signal: AbortSignal.timeout(10000),
            });
        } catch (err) {
            throw new KVError(`KV ${method} ${key}: cannot reach Mattermost: ${(err as Error).message}`);
        }
        const text = await res.text();
        if (!res.ok) {
            throw new KVError(`KV ${method} ${key}: Mattermost answered ${res.status}: ${text.trim().slice(0, 200)}`, res.status);
        }
        if (text.trim() === '') {
            return {};
        }
        try {
            return JSON.parse(text);
        } catch {
            throw new KVError(`KV ${method} ${key}: the answer is not JSON: ${text.slice(0, 200)}`);
        }
    }
}
