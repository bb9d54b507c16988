// Where the choices of a search-type form field come from: an app's lookup
// call for dynamic_select, Mattermost's own autocomplete for user and
// channel fields.
import type {ChannelSuggestion, RequestOptions, UserSuggestion} from '../client';

import type {Field, CallContext, SelectOption} from './types';

export interface ChoicesDeps {
    lookup(field: Field, context: CallContext, values: Record<string, unknown>, query: string, signal?: AbortSignal): Promise<SelectOption[]>;
    users(term: string, teamId: string, options?: RequestOptions): Promise<UserSuggestion[]>;
    channels(term: string, teamId: string, options?: RequestOptions): Promise<ChannelSuggestion[]>;
}

export async function loadChoices(
    deps: ChoicesDeps,
    field: Field,
    context: CallContext,
    values: Record<string, unknown>,
    query: string,
    signal: AbortSignal,
): Promise<SelectOption[]> {
    if (field.type === 'user') {
        const users = await deps.users(query.replace(/^@/, ''), context.team_id, {signal});
        return users.map((u) => ({label: `@${u.username}`, value: u.id}));
    }
    if (field.type === 'channel') {
        const channels = await deps.channels(query.replace(/^~/, ''), context.team_id, {signal});
        return channels.map((c) => ({label: `${c.display_name} (~${c.name})`, value: c.id}));
    }
    return deps.lookup(field, context, values, query, signal);
}
