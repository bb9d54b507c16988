import {pluginId} from './manifest';

// What GET /plugins/lambda-apps/api/v1/status returns. Every field may be
// missing (older servers, partial failures), so all are optional. The payload
// never carries credential values, only whether they are set.
export interface PluginStatus {
    plugin_version?: string;
    credentials_set?: boolean;
    region?: string;
    bucket?: string;
    bucket_reachable?: boolean;
    bucket_error?: string;
    catalog_size?: number;

    // RFC 3339 time of the last catalog sync.
    last_sync?: string;
    last_error?: string;
}

export const API_BASE = `/plugins/${pluginId}/api/v1`;
export const STATUS_PATH = `${API_BASE}/status`;

export interface RequestOptions {
    signal?: AbortSignal;
}

// The headers Mattermost wants on every XHR-style call: without
// X-Requested-With the server treats the request as a non-browser one and
// refuses to authenticate it from the session cookie.
const defaultHeaders: Record<string, string> = {
    Accept: 'application/json',
    'X-Requested-With': 'XMLHttpRequest',
};

async function errorFromResponse(response: Response): Promise<Error> {
    let detail = '';
    try {
        const text = await response.text();
        try {
            const body: unknown = JSON.parse(text);
            if (body && typeof body === 'object' && typeof (body as {error?: unknown}).error === 'string') {
                detail = (body as {error: string}).error;
            } else {
                detail = text;
            }
        } catch {
            detail = text;
        }
    } catch {
        // Body could not be read; the status line is all we have.
    }
    detail = detail.trim();
    if (detail.length > 500) {
        detail = `${detail.slice(0, 500)}…`;
    }
    const statusText = response.statusText ? ` ${response.statusText}` : '';
    const prefix = `Request failed: ${response.status}${statusText}`;
    return new Error(detail ? `${prefix}: ${detail}` : prefix);
}

async function getJSON<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const response = await fetch(path, {
        method: 'GET',
        credentials: 'include',
        headers: defaultHeaders,
        signal: options.signal,
    });
    if (!response.ok) {
        throw await errorFromResponse(response);
    }
    try {
        return (await response.json()) as T;
    } catch {
        throw new Error('Request failed: the server did not return valid JSON');
    }
}

export async function getStatus(options?: RequestOptions): Promise<PluginStatus> {
    const status = await getJSON<unknown>(STATUS_PATH, options);
    if (!status || typeof status !== 'object' || Array.isArray(status)) {
        throw new Error('Request failed: unexpected status payload');
    }
    return status as PluginStatus;
}
