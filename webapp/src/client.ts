import {parseCallResponse} from './apps/parse';
import type {CallRequest, CallResponse} from './apps/types';
import {pluginId} from './manifest';

// What GET /plugins/lambda-apps/api/v1/status returns. Every field may be
// missing (older servers, partial failures), so all are optional. The payload
// never carries credential values, only whether they are set.
export interface InstalledAppStatus {
    app_id?: string;
    version?: string;
    enabled?: boolean;
}

export interface PluginStatus {
    plugin_version?: string;
    credentials_set?: boolean;
    region?: string;
    region_source?: string;
    bucket?: string;
    bucket_source?: string;
    s3_endpoint?: string;
    lambda_endpoint?: string;
    bucket_reachable?: boolean;
    bucket_error?: string;
    problems?: string[];
    checked_at?: string;
    catalog_size?: number;
    catalog_manifests?: number;
    catalog_skipped?: number;

    // RFC 3339 times of the last successful catalog sync and the last try.
    last_sync?: string;
    last_sync_attempt?: string;
    last_error?: string;
    from_cache?: boolean;
    installed_apps?: InstalledAppStatus[];

    // Calls this server node made to each app (system admins' status only),
    // counted since app_calls_since (RFC 3339).
    app_calls?: AppCallStats[];
    app_calls_since?: string;
}

// Counts of calls, as server/callstats sends them.
export interface CallSummary {
    calls?: number;
    errors?: number;
    outcomes?: Record<string, number>;
    p50_ms?: number;
    p99_ms?: number;
}

export interface PathCallStats {
    path?: string;
    last_hour?: CallSummary;
    since_start?: CallSummary;
}

export interface AppCallStats {
    app_id?: string;
    since?: string;
    last_hour?: CallSummary;
    since_start?: CallSummary;
    paths?: PathCallStats[];
}

export const API_PATH = `/plugins/${pluginId}/api/v1`;

// Path prefix of the Mattermost site ('' or e.g. '/chat'), taken from the
// SiteURL in the webapp's config. Only the path is used, never the origin:
// requests stay on the page's origin, where the session cookie lives.
let sitePath = '';

export function setSiteURL(siteURL: unknown) {
    let path = '';
    if (typeof siteURL === 'string' && siteURL.trim()) {
        try {
            const url = new URL(siteURL.trim());
            if (url.protocol === 'http:' || url.protocol === 'https:') {
                path = url.pathname;
            }
        } catch {
            // Not an absolute URL: no subpath.
        }
    }
    sitePath = path.replace(/\/+$/, '');
}

export function getSitePath(): string {
    return sitePath;
}

// URL of a path on the Mattermost server (e.g. /api/v4/users/me).
export function siteURL(path: string): string {
    return `${sitePath}${path}`;
}

export function pluginURL(path: string): string {
    return siteURL(`${API_PATH}${path}`);
}

export interface RequestOptions {
    signal?: AbortSignal;
}

// Mattermost's CSRF token for cookie sessions (the MMCSRF cookie). POSTs
// without it are refused when the server enforces CSRF strictly.
function csrfToken(): string {
    if (typeof document === 'undefined') {
        return '';
    }
    for (const part of document.cookie.split(';')) {
        const [name, ...rest] = part.trim().split('=');
        if (name === 'MMCSRF') {
            return decodeURIComponent(rest.join('='));
        }
    }
    return '';
}

// The headers Mattermost wants on every XHR-style call: without
// X-Requested-With the server treats the request as a non-browser one and
// refuses to authenticate it from the session cookie.
function headers(method: string, hasBody: boolean): Record<string, string> {
    const h: Record<string, string> = {
        Accept: 'application/json',
        'X-Requested-With': 'XMLHttpRequest',
    };
    if (hasBody) {
        h['Content-Type'] = 'application/json';
    }
    if (method !== 'GET') {
        const token = csrfToken();
        if (token) {
            h['X-CSRF-Token'] = token;
        }
    }
    return h;
}

function send(url: string, method: 'GET' | 'POST', body: unknown, options: RequestOptions): Promise<Response> {
    const hasBody = body !== undefined;
    return fetch(url, {
        method,
        credentials: 'include',
        headers: headers(method, hasBody),
        body: hasBody ? JSON.stringify(body) : undefined,
        signal: options.signal,
    });
}

async function readBody(response: Response): Promise<{text: string; json: unknown}> {
    let text = '';
    try {
        text = await response.text();
    } catch {
        return {text: '', json: undefined};
    }
    try {
        return {text, json: JSON.parse(text)};
    } catch {
        return {text, json: undefined};
    }
}

function shorten(text: string): string {
    const trimmed = text.trim();
    return trimmed.length > 500 ? `${trimmed.slice(0, 500)}…` : trimmed;
}

async function errorFromResponse(response: Response): Promise<Error> {
    const {text, json} = await readBody(response);
    let detail = text;
    if (json && typeof json === 'object') {
        const body = json as {error?: unknown; message?: unknown};
        if (typeof body.error === 'string') {
            detail = body.error;
        } else if (typeof body.message === 'string') {
            // Mattermost's own API errors.
            detail = body.message;
        }
    }
    detail = shorten(detail);
    const statusText = response.statusText ? ` ${response.statusText}` : '';
    const prefix = `Request failed: ${response.status}${statusText}`;
    return new Error(detail ? `${prefix}: ${detail}` : prefix);
}

async function requestJSON(url: string, method: 'GET' | 'POST', body: unknown, options: RequestOptions = {}): Promise<unknown> {
    const response = await send(url, method, body, options);
    if (!response.ok) {
        throw await errorFromResponse(response);
    }
    const {json} = await readBody(response);
    if (json === undefined) {
        throw new Error('Request failed: the server did not return valid JSON');
    }
    return json;
}

export async function getStatus(options?: RequestOptions): Promise<PluginStatus> {
    const status = await requestJSON(pluginURL('/status'), 'GET', undefined, options);
    if (!status || typeof status !== 'object' || Array.isArray(status)) {
        throw new Error('Request failed: unexpected status payload');
    }
    return status as PluginStatus;
}

// POST /refresh: resyncs the catalog from S3 and returns what it did.
export async function refreshCatalog(options?: RequestOptions): Promise<unknown> {
    return requestJSON(pluginURL('/refresh'), 'POST', {}, options);
}

export interface BindingsQuery {
    channelId: string;
    teamId: string;
}

// GET /bindings for a channel; the raw body, parsed by apps/parse.ts.
export async function getBindings(query: BindingsQuery, options?: RequestOptions): Promise<unknown> {
    const params = new URLSearchParams({channel_id: query.channelId, team_id: query.teamId, user_agent_type: 'webapp'});
    return requestJSON(pluginURL(`/bindings?${params.toString()}`), 'GET', undefined, options);
}

// POST /call. Never throws for an HTTP error: 4xx/5xx bodies are
// CallResponse-shaped (or {"error": ...}) and become error responses. A
// network failure or an abort still rejects.
export async function postCall(request: CallRequest, options: RequestOptions = {}): Promise<CallResponse> {
    const response = await send(pluginURL('/call'), 'POST', request, options);
    const {text, json} = await readBody(response);
    if (response.ok) {
        if (json === undefined) {
            return parseCallResponse({type: 'error', text: 'The server did not return valid JSON.'});
        }
        return parseCallResponse(json);
    }
    if (json && typeof json === 'object' && !Array.isArray(json)) {
        const body = json as Record<string, unknown>;
        const parsed = parseCallResponse({...body, type: 'error'});
        if (parsed.text) {
            return parsed;
        }
    }
    const statusText = response.statusText ? ` ${response.statusText}` : '';
    const detail = shorten(text);
    return parseCallResponse({type: 'error', text: `Request failed: ${response.status}${statusText}${detail ? `: ${detail}` : ''}`});
}

export interface UserSuggestion {
    id: string;
    username: string;
}

// Mattermost's user autocomplete (for user fields of app forms).
export async function autocompleteUsers(term: string, teamId: string, options?: RequestOptions): Promise<UserSuggestion[]> {
    const params = new URLSearchParams({name: term, limit: '25'});
    if (teamId) {
        params.set('in_team', teamId);
    }
    const body = await requestJSON(siteURL(`/api/v4/users/autocomplete?${params.toString()}`), 'GET', undefined, options);
    const users = body && typeof body === 'object' ? (body as {users?: unknown}).users : undefined;
    if (!Array.isArray(users)) {
        return [];
    }
    return users.
        filter((u): u is {id: string; username: string} => Boolean(u) && typeof u.id === 'string' && typeof u.username === 'string').
        map((u) => ({id: u.id, username: u.username}));
}

export interface ChannelSuggestion {
    id: string;
    name: string;
    display_name: string;
}

// Mattermost's channel autocomplete in a team (for channel fields).
export async function autocompleteChannels(term: string, teamId: string, options?: RequestOptions): Promise<ChannelSuggestion[]> {
    if (!teamId) {
        return [];
    }
    const params = new URLSearchParams({name: term});
    const body = await requestJSON(siteURL(`/api/v4/teams/${encodeURIComponent(teamId)}/channels/autocomplete?${params.toString()}`), 'GET', undefined, options);
    if (!Array.isArray(body)) {
        return [];
    }
    return body.
        filter((c): c is ChannelSuggestion => Boolean(c) && typeof c.id === 'string' && typeof c.name === 'string').
        map((c) => ({id: c.id, name: c.name, display_name: typeof c.display_name === 'string' && c.display_name ? c.display_name : c.name}));
}
