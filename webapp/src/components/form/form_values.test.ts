import {describe, expect, it} from '@jest/globals';

import {parseForm} from '../../apps/parse';
import type {Form} from '../../apps/types';
import {formMessages} from '../../i18n/messages';

import {checkField, checkForm, initialValues, mergeValues, requestValues} from './form_values';

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

    it('start multiselects from arrays of options or value strings', () => {
        const multi = parseForm({
            fields: [
                {name: 'colors', type: 'static_select', multiselect: true, options: [{label: 'Red', value: 'red'}, {label: 'Blue', value: 'blue'}], value: ['blue', {label: 'x', value: 'red'}, 'nope', 'blue']},
                {name: 'one', type: 'static_select', multiselect: true, options: [{label: 'Red', value: 'red'}], value: 'red'},
                {name: 'users', type: 'user', multiselect: true, value: [{label: '@a', value: 'u1'}, 'u2', 3, null]},
                {name: 'none', type: 'channel', multiselect: true},
                {name: 'junk', type: 'dynamic_select', multiselect: true, value: {no: 'value'}},
            ],
        }) as Form;
        expect(initialValues(multi)).toEqual({
            colors: [{label: 'Blue', value: 'blue'}, {label: 'Red', value: 'red'}],
            one: [{label: 'Red', value: 'red'}],
            users: [{label: '@a', value: 'u1'}, {label: 'u2', value: 'u2'}, {label: '3', value: '3'}],
            none: [],
            junk: [],
        });
    });

    it('send multiselects as arrays of {label, value}, [] when empty, and check them when required', () => {
        const multi = parseForm({
            submit_buttons: 'go',
            fields: [
                {name: 'tags', type: 'dynamic_select', multiselect: true, is_required: true},
                {name: 'go', type: 'static_select', multiselect: true, is_required: true, options: [{label: 'Go', value: 'go'}]},
            ],
        }) as Form;
        const extra = {label: 'A', value: 'a', icon_data: 'x'} as {label: string; value: string};
        expect(requestValues(multi, {tags: [extra], go: {label: 'Go', value: 'go'}})).toEqual({tags: [{label: 'A', value: 'a'}], go: {label: 'Go', value: 'go'}});
        expect(requestValues(multi, {tags: [], go: null})).toEqual({tags: [], go: null});
        expect(checkForm(multi, {tags: [], go: null})).toEqual({tags: {descriptor: formMessages.required}});
        expect(checkForm(multi, {tags: [extra], go: null})).toEqual({});
    });

    const before = parseForm({
        fields: [
            {name: 'text', type: 'text'},
            {name: 'given', type: 'text'},
            {name: 'retyped', type: 'text'},
            {name: 'pick', type: 'static_select', options: [{label: 'A', value: 'a'}, {label: 'B', value: 'b'}]},
            {name: 'many', type: 'static_select', multiselect: true, options: [{label: 'A', value: 'a'}, {label: 'B', value: 'b'}]},
            {name: 'user', type: 'user'},
            {name: 'gone', type: 'text'},
        ],
    }) as Form;
    const entered = {
        text: 'typed',
        given: 'typed',
        retyped: 'typed',
        pick: {label: 'B', value: 'b'},
        many: [{label: 'A', value: 'a'}, {label: 'B', value: 'b'}],
        user: {label: '@a', value: 'u1'},
        gone: 'typed',
    };

    it.each([
        ['keeps a value the new form does not give', {name: 'text', type: 'text'}, 'typed'],
        ['takes the value the new form gives', {name: 'given', type: 'text', value: 'app'}, 'app'],
        ['drops a value of another type', {name: 'retyped', type: 'bool'}, false],
        ['keeps an option still offered', {name: 'pick', type: 'static_select', options: [{label: 'B', value: 'b'}]}, {label: 'B', value: 'b'}],
        ['drops an option no longer offered', {name: 'pick', type: 'static_select', options: [{label: 'A', value: 'a'}]}, null],
        ['drops options when one is no longer offered', {name: 'many', type: 'static_select', multiselect: true, options: [{label: 'A', value: 'a'}]}, []],
        ['drops a value when multiselect changes', {name: 'many', type: 'static_select', options: [{label: 'A', value: 'a'}]}, null],
        ['keeps a search-type option', {name: 'user', type: 'user'}, {label: '@a', value: 'u1'}],
        ['starts a new field from its own value', {name: 'new', type: 'text', value: 'n'}, 'n'],
    ])('after a refresh, %s', (_name, field, expected) => {
        const after = parseForm({fields: [field]}) as Form;
        const merged = mergeValues(before, after, entered);
        expect(merged).toEqual({[field.name]: expected});
    });
});
