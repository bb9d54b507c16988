import {describe, expect, it} from '@jest/globals';

import {parseForm} from '../../apps/parse';
import type {Form} from '../../apps/types';
import {formMessages} from '../../i18n/messages';

import {checkField, initialValues, requestValues} from './form_values';

const form = parseForm({
    submit: '/s',
    fields: [
        {name: 'text', type: 'text', value: 'hi'},
        {name: 'num', type: 'text', value: 3},
        {name: 'none', type: 'text', value: {x: 1}},
        {name: 'flag', type: 'bool', value: 'true'},
        {name: 'off', type: 'bool'},
        {name: 'pick', type: 'static_select', value: 'b', options: [{label: 'A', value: 'a'}, {label: 'B', value: 'b'}]},
        {name: 'pickObject', type: 'static_select', value: {label: 'A!', value: 'a'}, options: [{label: 'A', value: 'a'}]},
        {name: 'pickUnknown', type: 'static_select', value: 'zzz', options: [{label: 'A', value: 'a'}]},
        {name: 'dyn', type: 'dynamic_select', value: {label: 'Apollo', value: 'p1'}},
        {name: 'user', type: 'user', value: 'u1'},
        {name: 'channel', type: 'channel'},
        {name: 'md', type: 'markdown', description: 'text'},
    ],
}) as Form;

describe('form values', () => {
    it('start from the field values, normalised per type', () => {
        expect(initialValues(form)).toEqual({
            text: 'hi',
            num: '3',
            none: '',
            flag: true,
            off: false,
            pick: {label: 'B', value: 'b'},
            pickObject: {label: 'A', value: 'a'},
            pickUnknown: null,
            dyn: {label: 'Apollo', value: 'p1'},
            user: {label: 'u1', value: 'u1'},
            channel: null,
        });
    });

    it('are sent keyed by name, without markdown fields', () => {
        const values = requestValues(form, initialValues(form));
        expect(Object.keys(values)).not.toContain('md');
        expect(values).toMatchObject({text: 'hi', flag: true, off: false, pick: {label: 'B', value: 'b'}, channel: null});
    });

    it('are checked unless read-only', () => {
        const [text] = form.fields;
        expect(checkField({...text, is_required: true}, '  ')).toEqual({descriptor: formMessages.required});
        expect(checkField({...text, is_required: true, readonly: true}, '')).toBeNull();
        expect(checkField({...text, max_length: 2}, 'abc')).toEqual({descriptor: formMessages.tooLong, values: {max: 2}});
        expect(checkField({...text, min_length: 2}, '')).toBeNull();
        expect(checkField({...text, min_length: 2}, '🙂')).toEqual({descriptor: formMessages.tooShort, values: {min: 2}});
        expect(checkField({...form.fields[5], is_required: true}, null)).toEqual({descriptor: formMessages.required});
    });
});
