import {describe, expect, it} from '@jest/globals';

import {bindingsBody} from '../test/helpers';

import {fieldErrors, parseBindings, parseCall, parseCallResponse, parseForm} from './parse';

describe('parseBindings', () => {
    it('keeps channel-header and post-menu leaves and ignores /command', () => {
        const parsed = parseBindings(bindingsBody());

        expect(parsed.channelHeader).toEqual([{
            key: 'hello-lambda\u0000/channel_header/send',
            kind: 'channel_header',
            appId: 'hello-lambda',
            location: '/channel_header/send',
            label: 'Say hello',
            icon: 'http://localhost/plugins/lambda-apps/api/v1/apps/hello-lambda/static/icon.png',
            hint: 'Greets you',
            description: '',
            submit: {path: '/greet', expand: {acting_user: 'summary'}},
            form: undefined,
        }]);
        expect(parsed.postMenu.map((b) => [b.location, b.label, b.submit?.path])).toEqual([['/post_menu/echo', 'Echo post', '/echo']]);
    });

    it('never throws on malformed input', () => {
        for (const body of [null, undefined, 42, 'x', [], {}, {data: 'nope'}, {data: [null, 1, 'x', {location: 5}]}]) {
            expect(parseBindings(body)).toEqual({channelHeader: [], postMenu: [], appBar: []});
        }
    });

    it('skips leaves without app, label or call and keeps the valid ones', () => {
        const parsed = parseBindings({
            type: 'ok',
            data: [{
                location: '/channel_header',
                bindings: [
                    {location: 'no-app', label: 'No app', submit: {path: '/x'}},
                    {app_id: 'a', location: 'no-label', submit: {path: '/x'}},
                    {app_id: 'a', label: 'No call'},
                    {app_id: 'a', label: 'Empty path', submit: {path: '  '}},
                    {app_id: 'a', label: 'Form without submit', form: {fields: [{name: 'x', type: 'text'}]}},
                    'garbage',
                    {app_id: 'a', label: 'Good', submit: '/good'},
                ],
            }],
        });
        expect(parsed.channelHeader.map((b) => b.label)).toEqual(['Good']);
        expect(parsed.channelHeader[0].location).toBe('/channel_header/Good');
        expect(parsed.channelHeader[0].submit).toEqual({path: '/good'});
    });

    it('drops unsafe icons and duplicate locations', () => {
        const parsed = parseBindings({
            data: [{
                location: 'channel_header',
                bindings: [
                    {app_id: 'a', location: 'one', label: 'One', icon: 'javascript:alert(1)', submit: {path: '/1'}},
                    {app_id: 'a', location: 'one', label: 'Again', submit: {path: '/2'}},
                    {app_id: 'b', location: 'one', label: 'Other app', icon: '/plugins/lambda-apps/api/v1/apps/b/static/i.png', submit: {path: '/3'}},
                ],
            }],
        });
        expect(parsed.channelHeader.map((b) => [b.appId, b.label, b.icon])).toEqual([
            ['a', 'One', ''],
            ['b', 'Other app', '/plugins/lambda-apps/api/v1/apps/b/static/i.png'],
        ]);
    });

    it('flattens sub-menus into "Parent › Child" items that inherit the app id', () => {
        const parsed = parseBindings({
            data: [{
                location: '/post_menu',
                bindings: [{
                    app_id: 'jira',
                    location: 'issue',
                    label: 'Jira',
                    bindings: [
                        {location: 'create', label: 'Create issue', submit: {path: '/create'}},
                        {location: '/post_menu/issue/attach', label: 'Attach', form: {title: 'Attach', submit: {path: '/attach'}, fields: []}},
                    ],
                }],
            }],
        });
        expect(parsed.postMenu.map((b) => [b.appId, b.location, b.label])).toEqual([
            ['jira', '/post_menu/issue/create', 'Jira › Create issue'],
            ['jira', '/post_menu/issue/attach', 'Jira › Attach'],
        ]);
        expect(parsed.postMenu[1].form?.submit).toEqual({path: '/attach'});
    });
});

describe('parseCall', () => {
    it('accepts a path string or an object and drops non-string expand levels', () => {
        expect(parseCall('/p')).toEqual({path: '/p'});
        expect(parseCall({path: '/p', expand: {post: 'all', bad: 3}, state: {n: 1}})).toEqual({path: '/p', expand: {post: 'all'}, state: {n: 1}});
        expect(parseCall({expand: {}})).toBeUndefined();
        expect(parseCall(7)).toBeUndefined();
    });
});

describe('parseForm', () => {
    it('keeps known field types, defaults and unique names', () => {
        const form = parseForm({
            title: ' Survey ',
            icon: 'data:text/html,<script>alert(1)</script>',
            submit: {path: '/survey/submit'},
            fields: [
                {name: 'comment', type: 'text', subtype: 'textarea', is_required: true, max_length: 500, min_length: -1},
                {name: 'rating', type: 'static_select', options: [{label: 'Great', value: 'great'}, {value: 'ok'}, {label: 'dup', value: 'great'}, 'x']},
                {name: 'comment', type: 'bool'},
                {name: 'weird', type: 'rich_text'},
                {type: 'text'},
                {name: 'plain'},
                {name: 'odd', type: 'text', subtype: 'color'},
            ],
        });
        expect(form?.title).toBe('Survey');
        expect(form?.icon).toBe('');
        expect(form?.fields.map((f) => [f.name, f.type, f.subtype])).toEqual([
            ['comment', 'text', 'textarea'],
            ['rating', 'static_select', 'input'],
            ['plain', 'text', 'input'],
            ['odd', 'text', 'input'],
        ]);
        expect(form?.fields[0]).toMatchObject({is_required: true, max_length: 500, min_length: undefined});
        expect(form?.fields[1].options).toEqual([{label: 'Great', value: 'great'}, {label: 'ok', value: 'ok'}]);
    });
});

describe('parseForm: multiselect, refresh and submit_buttons', () => {
    const options = [{label: 'A', value: 'a'}];

    it.each([
        ['static_select', true, true],
        ['dynamic_select', true, true],
        ['user', true, true],
        ['channel', true, true],
        ['text', true, false],
        ['bool', true, false],
        ['static_select', 'yes', false],
    ])('%s with multiselect %p is multiselect: %p', (type, multiselect, expected) => {
        expect(parseForm({fields: [{name: 'f', type, multiselect}]})?.fields[0].multiselect).toBe(expected);
    });

    it('keeps refresh only when it is true', () => {
        const form = parseForm({fields: [{name: 'a', type: 'text', refresh: true}, {name: 'b', type: 'bool', refresh: 'true'}, {name: 'c', type: 'user'}]});
        expect(form?.fields.map((f) => f.refresh)).toEqual([true, false, false]);
    });

    it.each([
        ['a static_select with options', 'pick', 'pick'],
        ['with spaces', ' pick ', 'pick'],
        ['a missing field', 'nope', undefined],
        ['a text field', 'text', undefined],
        ['a static_select without options', 'empty', undefined],
        ['a dynamic_select', 'dyn', undefined],
        ['not a string', 7, undefined],
    ])('submit_buttons naming %s gives %p', (_name, submitButtons, expected) => {
        const form = parseForm({
            submit_buttons: submitButtons,
            fields: [
                {name: 'pick', type: 'static_select', options},
                {name: 'text', type: 'text'},
                {name: 'empty', type: 'static_select'},
                {name: 'dyn', type: 'dynamic_select', options},
            ],
        });
        expect(form?.submit_buttons).toBe(expected);
    });
});

describe('parseCallResponse', () => {
    it('treats an empty type as ok', () => {
        expect(parseCallResponse({text: 'hi'})).toMatchObject({type: 'ok', text: 'hi'});
    });

    it('turns unknown types and incomplete answers into errors', () => {
        expect(parseCallResponse({type: 'call'})).toMatchObject({type: 'error', text: expect.stringContaining('"call"')});
        expect(parseCallResponse({type: 'form'})).toMatchObject({type: 'error'});
        expect(parseCallResponse({type: 'navigate'})).toMatchObject({type: 'error'});
        expect(parseCallResponse('nope')).toMatchObject({type: 'error'});
    });

    it('reads the plugin error shape and the flags', () => {
        expect(parseCallResponse({type: 'error', error: 'app not installed'})).toMatchObject({type: 'error', text: 'app not installed'});
        expect(parseCallResponse({type: 'navigate', navigate_to_url: 'https://x', use_external_browser: true, refresh_bindings: true})).toMatchObject({
            type: 'navigate', navigate_to_url: 'https://x', use_external_browser: true, refresh_bindings: true,
        });
    });

    it('parses a form response', () => {
        const response = parseCallResponse({type: 'form', form: {title: 'T', submit: '/s', fields: [{name: 'a', type: 'bool'}]}});
        expect(response.form?.fields[0]).toMatchObject({name: 'a', type: 'bool'});
    });
});

describe('fieldErrors', () => {
    it('keeps string messages from data.errors only', () => {
        expect(fieldErrors({errors: {a: 'bad', b: 3, c: ' '}})).toEqual({a: 'bad'});
        expect(fieldErrors(undefined)).toEqual({});
        expect(fieldErrors({errors: ['x']})).toEqual({});
    });
});
