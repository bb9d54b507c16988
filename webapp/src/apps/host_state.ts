// Read-only access to the parts of the Mattermost webapp's Redux state this
// plugin needs. The state's shape is not a stable API, so every read is
// defensive and falls back to '' / undefined.
import {isObject} from './parse_json';

function path(state: unknown, ...keys: string[]): unknown {
    let current = state;
    for (const key of keys) {
        if (!isObject(current)) {
            return undefined;
        }
        current = current[key];
    }
    return current;
}

function str(value: unknown): string {
    return typeof value === 'string' ? value : '';
}

export function currentChannelId(state: unknown): string {
    return str(path(state, 'entities', 'channels', 'currentChannelId'));
}

export function currentTeamId(state: unknown): string {
    return str(path(state, 'entities', 'teams', 'currentTeamId'));
}

export function configuredSiteURL(state: unknown): string {
    return str(path(state, 'entities', 'general', 'config', 'SiteURL'));
}

export function channelTeamId(state: unknown, channelId: string): string {
    return str(path(state, 'entities', 'channels', 'channels', channelId, 'team_id'));
}

export interface PostInfo {
    id: string;
    channelId: string;
    rootId: string;
    type: string;
}

export function postInfo(state: unknown, postId: string): PostInfo | undefined {
    const post = path(state, 'entities', 'posts', 'posts', postId);
    if (!isObject(post)) {
        return undefined;
    }
    return {id: postId, channelId: str(post.channel_id), rootId: str(post.root_id), type: str(post.type)};
}
