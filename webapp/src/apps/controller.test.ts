import {describe, expect, it, jest} from '@jest/globals';

import {appMessages} from '../i18n/messages';

import {AppsController} from './controller';
import type {ControllerDeps} from './controller';
import {parseBindings, parseCallResponse} from './parse';
import type {AppBinding, CallRequest, Form} from './types';
import {UIStore} from './ui_store';

const binding: AppBinding = parseBindings({data: [{location: '/channel_header', bindings: [
    {app_id: 'hello-lambda', location: 'send', label: 'Say hello', submit: {path: '/greet', expand: {acting_user: 'summary'}, state: {n: 1}}},
]}]}).channelHeader[0];

const where = {channelId: 'ch1', teamId: 'team1'};

function setup(...answers: Array<unknown | Error>) {
    const ui = new UIStore();
    const call = jest.fn<ControllerDeps['call']>(async () => {
        const next = answers.length > 1 ? answers.shift() : answers[0];
        if (next instanceof Error) {
            throw next;
        }
        return parseCallResponse(next);
    });
    const navigate = jest.fn<ControllerDeps['navigate']>(() => 'done');
    const refreshBindings = jest.fn();
    const controller = new AppsController({call, ui, navigate, refreshBindings});
    return {ui, call, navigate, refreshBindings, controller};
}

describe('AppsController.invoke', () => {
    it('sends the binding call with the user-agent context', async () => {
        const {call, controller} = setup({type: 'ok'});
        await controller.invoke(binding, where);
        expect(call).toHaveBeenCalledWith({
            path: '/greet',
            expand: {acting_user: 'summary'},
            state: {n: 1},
            context: {app_id: 'hello-lambda', location: '/channel_header/send', channel_id: 'ch1', team_id: 'team1', user_agent: 'webapp'},
        } satisfies CallRequest);
    });

    it('adds post_id and root_post_id for post-menu clicks', async () => {
        const {call, controller} = setup({type: 'ok'});
        await controller.invoke(binding, {...where, postId: 'p2', rootPostId: 'p1'});
        await controller.invoke(binding, {...where, postId: 'p3'});
        expect(call.mock.calls[0][0].context).toMatchObject({post_id: 'p2', root_post_id: 'p1'});
        expect(call.mock.calls[1][0].context).toMatchObject({post_id: 'p3', root_post_id: 'p3'});
    });

    it('shows ok text as an info notice, and nothing for an empty ok', async () => {
        const {ui, controller} = setup({type: 'ok', text: 'Hello, alice!'}, {type: 'ok'});
        await controller.invoke(binding, where);
        await controller.invoke(binding, where);
        expect(ui.getState().notices).toEqual([
            {id: 1, kind: 'info', appId: 'hello-lambda', text: {kind: 'app', text: 'Hello, alice!'}, markdown: true},
        ]);
    });

    it('shows errors, with a default text when the app gives none', async () => {
        const {ui, controller} = setup({type: 'error', text: 'This call fails on purpose.'}, {type: 'error'});
        await controller.invoke(binding, where);
        await controller.invoke(binding, where);
        expect(ui.getState().notices.map((n) => [n.kind, n.text])).toEqual([
            ['error', {kind: 'app', text: 'This call fails on purpose.'}],
            ['error', {kind: 'message', descriptor: appMessages.appError, values: undefined}],
        ]);
    });

    it('reports a failed request', async () => {
        const {ui, controller} = setup(new TypeError('Failed to fetch'));
        await controller.invoke(binding, where);
        expect(ui.getState().notices[0]).toMatchObject({
            kind: 'error',
            text: {kind: 'message', descriptor: appMessages.callFailed, values: {error: 'Failed to fetch'}},
        });
    });

    it('opens a returned form with the call context', async () => {
        const {ui, controller} = setup({type: 'form', form: {title: 'Survey', submit: '/survey/submit', fields: [{name: 'c', type: 'text'}]}});
        await controller.invoke(binding, where);
        const dialog = ui.getState().dialog;
        expect(dialog?.form.title).toBe('Survey');
        expect(dialog?.context).toMatchObject({app_id: 'hello-lambda', channel_id: 'ch1'});
    });

    it('opens a binding form directly, or fetches it from its source', async () => {
        const {ui, call, controller} = setup({type: 'form', form: {title: 'From source', submit: '/s', fields: []}});
        const withForm: AppBinding = {...binding, submit: undefined, form: {title: 'Inline', header: '', footer: '', icon: '', submit: {path: '/s'}, fields: [{name: 'a', type: 'bool', is_required: false, readonly: false, description: '', label: '', modal_label: '', hint: '', options: [], subtype: 'input'}]}};
        await controller.invoke(withForm, where);
        expect(call).not.toHaveBeenCalled();
        expect(ui.getState().dialog?.form.title).toBe('Inline');

        const withSource: AppBinding = {...binding, submit: undefined, form: {title: '', header: '', footer: '', icon: '', source: {path: '/form'}, fields: []}};
        await controller.invoke(withSource, where);
        expect(call.mock.calls[0][0].path).toBe('/form');
        expect(ui.getState().dialog?.form.title).toBe('From source');
    });

    it('follows navigate responses and refuses unsafe URLs', async () => {
        const {ui, navigate, controller} = setup(
            {type: 'navigate', navigate_to_url: 'https://example.com', use_external_browser: true},
            {type: 'navigate', navigate_to_url: 'javascript:alert(1)'},
        );
        await controller.invoke(binding, where);
        expect(navigate).toHaveBeenCalledWith('https://example.com', true);

        navigate.mockReturnValue('invalid');
        await controller.invoke(binding, where);
        expect(ui.getState().notices[0]).toMatchObject({kind: 'error', text: {kind: 'message', descriptor: appMessages.badNavigate}});
    });

    it('refreshes the bindings when the response asks for it', async () => {
        const {refreshBindings, controller} = setup({type: 'ok', refresh_bindings: true});
        await controller.invoke(binding, where);
        expect(refreshBindings).toHaveBeenCalledTimes(1);
    });
});

const form: Form = parseCallResponse({type: 'form', form: {
    title: 'Survey',
    submit: {path: '/survey/submit', expand: {acting_user: 'summary'}},
    fields: [{name: 'comment', type: 'text'}],
}}).form as Form;
const context = {app_id: 'hello-lambda', location: '/channel_header/send', channel_id: 'ch1', team_id: 'team1', user_agent: 'webapp' as const};

describe('AppsController.submit', () => {
    it('sends the values to the form submit call and closes the dialog on ok', async () => {
        const {ui, call, controller} = setup({type: 'ok', text: 'Thanks!'});
        const id = ui.openForm(form, context);
        await expect(controller.submit(id, form, context, {comment: 'hi'})).resolves.toEqual({kind: 'done'});
        expect(call).toHaveBeenCalledWith({path: '/survey/submit', expand: {acting_user: 'summary'}, values: {comment: 'hi'}, context});
        expect(ui.getState().dialog).toBeNull();
        expect(ui.getState().notices[0].text).toEqual({kind: 'app', text: 'Thanks!'});
    });

    it('returns field errors and keeps the dialog open', async () => {
        const {ui, controller} = setup({type: 'error', data: {errors: {comment: 'Please write a comment.'}}});
        const id = ui.openForm(form, context);
        await expect(controller.submit(id, form, context, {})).resolves.toEqual({kind: 'error', text: undefined, fieldErrors: {comment: 'Please write a comment.'}});
        expect(ui.getState().dialog?.id).toBe(id);
    });

    it('replaces the dialog with a next form', async () => {
        const {ui, controller} = setup({type: 'form', form: {title: 'Step 2', submit: '/2', fields: []}});
        const id = ui.openForm(form, context);
        await controller.submit(id, form, context, {});
        expect(ui.getState().dialog?.form.title).toBe('Step 2');
        expect(ui.getState().dialog?.id).not.toBe(id);
    });

    it('reports a missing submit call and a failed request', async () => {
        const {controller} = setup(new Error('offline'));
        await expect(controller.submit(1, {...form, submit: undefined}, context, {})).resolves.toMatchObject({kind: 'error', text: {descriptor: appMessages.noSubmit}});
        await expect(controller.submit(1, form, context, {})).resolves.toMatchObject({kind: 'error', text: {values: {error: 'offline'}}});
    });
});

describe('AppsController.refresh', () => {
    const withSource: Form = parseCallResponse({type: 'form', form: {
        title: 'Issue',
        source: {path: '/issue/form', expand: {channel: 'summary'}, state: {step: 1}},
        submit: '/issue/create',
        fields: [{name: 'kind', type: 'static_select', refresh: true, options: [{label: 'Bug', value: 'bug'}]}],
    }}).form as Form;
    const values = {kind: {label: 'Bug', value: 'bug'}, tags: [{label: 'ui', value: 'ui'}]};

    it('calls the form source with the values, the changed field and the form context', async () => {
        const {call, controller} = setup({type: 'ok'});
        await controller.refresh(withSource, context, 'kind', values);
        expect(call).toHaveBeenCalledWith({
            path: '/issue/form',
            expand: {channel: 'summary'},
            state: {step: 1},
            values,
            selected_field: 'kind',
            context,
        } satisfies CallRequest);
    });

    it('never calls the submit call: without a source the form stays as it is', async () => {
        const {call, controller} = setup({type: 'ok'});
        await expect(controller.refresh(form, context, 'comment', {comment: 'x'})).resolves.toEqual({kind: 'unchanged'});
        expect(call).not.toHaveBeenCalled();
    });

    it.each([
        ['a form', {type: 'form', form: {title: 'Bug', submit: '/s', fields: [{name: 'steps', type: 'text'}]}}, {kind: 'form', form: expect.objectContaining({title: 'Bug', fields: [expect.objectContaining({name: 'steps'})]})}],
        ['an error', {type: 'error', text: 'No such kind.', data: {errors: {kind: 'Pick another.'}}}, {kind: 'error', text: {kind: 'app', text: 'No such kind.'}, fieldErrors: {kind: 'Pick another.'}}],
        ['an error without text', {type: 'error'}, {kind: 'error', text: {kind: 'message', descriptor: appMessages.appError, values: undefined}, fieldErrors: {}}],
        ['ok', {type: 'ok', text: 'fine'}, {kind: 'unchanged'}],
        ['navigate', {type: 'navigate', navigate_to_url: 'https://example.com'}, {kind: 'unchanged'}],
    ])('turns %s into what the dialog shows, and nothing else', async (_name, answer, outcome) => {
        const {ui, call, navigate, controller} = setup(answer);
        const id = ui.openForm(withSource, context);
        await expect(controller.refresh(withSource, context, 'kind', values)).resolves.toEqual(outcome);
        expect(call).toHaveBeenCalledTimes(1);
        expect(navigate).not.toHaveBeenCalled();
        expect(ui.getState().notices).toEqual([]);
        expect(ui.getState().dialog?.id).toBe(id);
    });

    it('reports a failed request, refreshes bindings when asked, and does nothing without a call', async () => {
        const {call, refreshBindings, controller} = setup(new Error('offline'), {type: 'ok', refresh_bindings: true});
        await expect(controller.refresh(withSource, context, 'kind', values)).resolves.toMatchObject({kind: 'error', text: {descriptor: appMessages.callFailed, values: {error: 'offline'}}});
        await expect(controller.refresh(withSource, context, 'kind', values)).resolves.toEqual({kind: 'unchanged'});
        expect(refreshBindings).toHaveBeenCalledTimes(1);
        await expect(controller.refresh({...withSource, source: undefined, submit: undefined}, context, 'kind', values)).resolves.toEqual({kind: 'unchanged'});
        expect(call).toHaveBeenCalledTimes(2);
    });
});

describe('AppsController.lookup', () => {
    it('calls the lookup call with the field name and query', async () => {
        const {call, controller} = setup({type: 'ok', data: {items: [{label: 'One', value: '1'}, {bad: true}, {value: '2'}]}});
        const field = {...form.fields[0], type: 'dynamic_select' as const, lookup: {path: '/lookup'}};
        await expect(controller.lookup(field, context, {comment: 'x'}, 'on')).resolves.toEqual([{label: 'One', value: '1'}, {label: '2', value: '2'}]);
        expect(call.mock.calls[0][0]).toMatchObject({path: '/lookup', selected_field: 'comment', query: 'on', values: {comment: 'x'}});
    });

    it('filters static options when there is no lookup call, and throws app errors', async () => {
        const {controller} = setup({type: 'error', text: 'nope'});
        const field = {...form.fields[0], type: 'dynamic_select' as const, options: [{label: 'Alpha', value: 'a'}, {label: 'Beta', value: 'b'}]};
        await expect(controller.lookup(field, context, {}, 'BE')).resolves.toEqual([{label: 'Beta', value: 'b'}]);
        await expect(controller.lookup({...field, lookup: {path: '/l'}}, context, {}, '')).rejects.toThrow('nope');
    });
});
