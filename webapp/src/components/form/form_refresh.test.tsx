import {afterEach, beforeEach, describe, expect, it, jest} from '@jest/globals';
import {fireEvent, screen} from '@testing-library/react';

import type {RefreshOutcome} from '../../apps/controller';
import {deferred} from '../../test/helpers';
import {formOf, renderFormDialog, settle} from '../../test/form_dialog';

const kinds = [{label: 'Bug', value: 'bug'}, {label: 'Task', value: 'task'}];

const form = formOf({
    title: 'New issue',
    source: '/issue/form',
    submit: '/issue/create',
    fields: [
        {name: 'kind', type: 'static_select', label: 'Kind', refresh: true, options: kinds},
        {name: 'summary', type: 'text', label: 'Summary', refresh: true},
        {name: 'urgent', type: 'bool', label: 'Urgent'},
        {name: 'labels', type: 'static_select', label: 'Labels', multiselect: true, refresh: true, options: [{label: 'ui', value: 'ui'}, {label: 'api', value: 'api'}]},
    ],
});

// The app's answer to "kind = bug": one more field, one less, a new title.
const bugForm = formOf({
    title: 'New bug',
    source: '/issue/form',
    submit: {path: '/issue/create', state: {kind: 'bug'}},
    fields: [
        {name: 'kind', type: 'static_select', label: 'Kind', refresh: true, options: kinds},
        {name: 'summary', type: 'text', label: 'Summary', refresh: true},
        {name: 'steps', type: 'text', subtype: 'textarea', label: 'Steps', value: '1. '},
        {name: 'labels', type: 'static_select', label: 'Labels', multiselect: true, options: [{label: 'ui', value: 'ui'}]},
    ],
});

function setup(...answers: Array<RefreshOutcome | Promise<RefreshOutcome>>) {
    return renderFormDialog(form, {refresh: () => Promise.resolve(answers.length > 1 ? answers.shift() as RefreshOutcome : answers[0])});
}

const submitButton = () => screen.getByRole('button', {name: /^Submit/}) as HTMLButtonElement;

beforeEach(() => {
    jest.useFakeTimers();
});

afterEach(() => {
    jest.useRealTimers();
});

describe('refresh fields', () => {
    it('ask for an updated form with the current values and the changed field', async () => {
        const {onRefresh} = setup({kind: 'unchanged'});
        await settle();
        fireEvent.click(screen.getByLabelText('Urgent'));
        expect(onRefresh).not.toHaveBeenCalled();

        fireEvent.change(screen.getByLabelText('Kind'), {target: {value: 'bug'}});
        await settle();
        expect(onRefresh).toHaveBeenCalledTimes(1);
        expect(onRefresh).toHaveBeenCalledWith(form, 'kind', {kind: {label: 'Bug', value: 'bug'}, summary: '', urgent: true, labels: []});

        fireEvent.change(screen.getByLabelText('Labels'), {target: {value: 'api'}});
        await settle();
        expect(onRefresh).toHaveBeenLastCalledWith(form, 'labels', {kind: {label: 'Bug', value: 'bug'}, summary: '', urgent: true, labels: [{label: 'api', value: 'api'}]});
    });

    it('ask for text fields when the user leaves them changed, not on each keystroke', async () => {
        const {onRefresh} = setup({kind: 'unchanged'});
        await settle();
        const summary = screen.getByLabelText('Summary');
        fireEvent.change(summary, {target: {value: 'Cras'}});
        fireEvent.change(summary, {target: {value: 'Crash'}});
        expect(onRefresh).not.toHaveBeenCalled();
        fireEvent.blur(summary);
        await settle();
        expect(onRefresh.mock.calls.map(([, name, values]) => [name, values.summary])).toEqual([['summary', 'Crash']]);

        fireEvent.focus(summary);
        fireEvent.blur(summary);
        await settle();
        expect(onRefresh).toHaveBeenCalledTimes(1);
    });

    it('replace the form, keeping what the user entered in fields the new form gives no value', async () => {
        const {onRefresh, onSubmit} = setup({kind: 'unchanged'}, {kind: 'form', form: bugForm});
        await settle();
        fireEvent.change(screen.getByLabelText('Summary'), {target: {value: 'Crash on save'}});
        fireEvent.change(screen.getByLabelText('Labels'), {target: {value: 'api'}});
        await settle();
        fireEvent.change(screen.getByLabelText('Kind'), {target: {value: 'bug'}});
        await settle();
        expect(onRefresh.mock.calls.map(([, name]) => name)).toEqual(['labels', 'kind']);

        expect(screen.getByRole('dialog', {name: 'New bug'})).toBeTruthy();
        expect(screen.queryByLabelText('Urgent')).toBeNull();
        expect((screen.getByLabelText('Kind') as HTMLSelectElement).value).toBe('bug');
        expect((screen.getByLabelText('Summary') as HTMLInputElement).value).toBe('Crash on save');
        expect((screen.getByLabelText('Steps') as HTMLTextAreaElement).value).toBe('1. ');

        // "api" is no longer offered: the field starts empty.
        expect(screen.queryByRole('list', {name: 'Chosen for Labels'})).toBeNull();

        fireEvent.click(submitButton());
        await settle();
        expect(onSubmit).toHaveBeenCalledWith({kind: {label: 'Bug', value: 'bug'}, summary: 'Crash on save', steps: '1. ', labels: []}, bugForm);
    });

    it('still ask for a text field changed before the form was replaced, once the user leaves it', async () => {
        const {onRefresh} = setup({kind: 'form', form: bugForm}, {kind: 'unchanged'});
        await settle();
        const summary = screen.getByLabelText('Summary');
        fireEvent.change(summary, {target: {value: 'Crash'}});
        fireEvent.change(screen.getByLabelText('Kind'), {target: {value: 'bug'}});
        await settle();
        expect(screen.getByRole('dialog', {name: 'New bug'})).toBeTruthy();
        fireEvent.blur(screen.getByLabelText('Summary'));
        await settle();
        expect(onRefresh.mock.calls.map(([f, name, values]) => [f.title, name, values.summary])).toEqual([
            ['New issue', 'kind', 'Crash'],
            ['New bug', 'summary', 'Crash'],
        ]);
    });

    it('disable the submit while the call runs', async () => {
        const answer = deferred<RefreshOutcome>();
        const {onSubmit} = setup(answer.promise);
        await settle();
        fireEvent.change(screen.getByLabelText('Kind'), {target: {value: 'task'}});
        expect(submitButton().disabled).toBe(true);
        expect(screen.getByRole('status').textContent).toBe('Updating the form…');
        fireEvent.keyDown(screen.getByLabelText('Kind'), {key: 'Enter'});
        fireEvent.submit(screen.getByLabelText('Kind').closest('form') as HTMLFormElement);
        await settle();
        expect(onSubmit).not.toHaveBeenCalled();

        answer.resolve({kind: 'unchanged'});
        await settle();
        expect(submitButton().disabled).toBe(false);
        expect(screen.getByRole('status').textContent).toBe('');
        expect(screen.getByRole('dialog', {name: 'New issue'})).toBeTruthy();
    });

    it('drop the answer of a call that a newer one overtook', async () => {
        const first = deferred<RefreshOutcome>();
        const second = deferred<RefreshOutcome>();
        const {onRefresh} = setup(first.promise, second.promise);
        await settle();
        fireEvent.change(screen.getByLabelText('Kind'), {target: {value: 'bug'}});
        fireEvent.change(screen.getByLabelText('Kind'), {target: {value: 'task'}});
        expect(onRefresh.mock.calls.map(([, , values]) => values.kind)).toEqual([{label: 'Bug', value: 'bug'}, {label: 'Task', value: 'task'}]);

        first.resolve({kind: 'form', form: bugForm});
        await settle();
        expect(screen.getByRole('dialog', {name: 'New issue'})).toBeTruthy();
        expect(submitButton().disabled).toBe(true);

        second.resolve({kind: 'form', form: formOf({...bugForm, title: 'New task', fields: [{name: 'kind', type: 'static_select', options: kinds}]})});
        await settle();
        expect(screen.getByRole('dialog', {name: 'New task'})).toBeTruthy();
        expect((screen.getByLabelText('kind') as HTMLSelectElement).value).toBe('task');
        expect(submitButton().disabled).toBe(false);
    });

    it('show an error answer as the form error and keep the form', async () => {
        setup({kind: 'error', text: {kind: 'app', text: 'Cannot load bug fields.'}, fieldErrors: {summary: 'Too vague.'}});
        await settle();
        fireEvent.change(screen.getByLabelText('Kind'), {target: {value: 'bug'}});
        await settle();
        expect(screen.getByRole('alert').textContent).toBe('Cannot load bug fields.');
        expect(screen.getByRole('dialog', {name: 'New issue'})).toBeTruthy();
        expect((screen.getByLabelText('Kind') as HTMLSelectElement).value).toBe('bug');
        const summary = screen.getByLabelText('Summary');
        expect(document.getElementById(`${summary.id}-error`)?.textContent).toBe('Too vague.');
        expect(submitButton().disabled).toBe(false);
    });

    it('keep the keyboard in the dialog when the focused field goes away', async () => {
        setup({kind: 'form', form: bugForm});
        await settle();
        const urgent = screen.getByLabelText('Urgent');
        urgent.focus();
        fireEvent.change(screen.getByLabelText('Kind'), {target: {value: 'bug'}});
        await settle();
        expect(screen.queryByLabelText('Urgent')).toBeNull();
        expect(screen.getByRole('dialog').contains(document.activeElement)).toBe(true);
    });
});
