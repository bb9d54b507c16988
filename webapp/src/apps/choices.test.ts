import {describe, expect, it, jest} from '@jest/globals';

import {loadChoices} from './choices';
import type {ChoicesDeps} from './choices';
import {parseField} from './parse';
import type {Field} from './types';

const context = {app_id: 'a', location: '/channel_header/x', channel_id: 'c', team_id: 'team1', user_agent: 'webapp' as const};

function deps() {
    return {
        lookup: jest.fn<ChoicesDeps['lookup']>(async () => [{label: 'Apollo', value: 'p1'}]),
        users: jest.fn<ChoicesDeps['users']>(async () => [{id: 'u1', username: 'alice'}]),
        channels: jest.fn<ChoicesDeps['channels']>(async () => [{id: 'c1', name: 'town-square', display_name: 'Town Square'}]),
    };
}

describe('loadChoices', () => {
    const signal = new AbortController().signal;

    it('searches users in the call team, without a leading @', async () => {
        const d = deps();
        await expect(loadChoices(d, parseField({name: 'u', type: 'user'}) as Field, context, {}, '@al', signal)).resolves.toEqual([{label: '@alice', value: 'u1'}]);
        expect(d.users).toHaveBeenCalledWith('al', 'team1', {signal});
    });

    it('searches channels in the call team, without a leading ~', async () => {
        const d = deps();
        await expect(loadChoices(d, parseField({name: 'c', type: 'channel'}) as Field, context, {}, '~town', signal)).resolves.toEqual([{label: 'Town Square (~town-square)', value: 'c1'}]);
        expect(d.channels).toHaveBeenCalledWith('town', 'team1', {signal});
    });

    it('asks the app for dynamic selects', async () => {
        const d = deps();
        const field = parseField({name: 'p', type: 'dynamic_select', lookup: '/projects'}) as Field;
        await expect(loadChoices(d, field, context, {x: 1}, 'ap', signal)).resolves.toEqual([{label: 'Apollo', value: 'p1'}]);
        expect(d.lookup).toHaveBeenCalledWith(field, context, {x: 1}, 'ap', signal);
    });
});
