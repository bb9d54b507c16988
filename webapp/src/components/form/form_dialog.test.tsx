import {afterEach, beforeEach, describe, expect, it, jest} from '@jest/globals';
import {act, fireEvent, screen, waitFor, within} from '@testing-library/react';
import React from 'react';

import type {SubmitOutcome} from '../../apps/controller';
import {parseForm} from '../../apps/parse';
import type {Form} from '../../apps/types';
import {deferred, renderWithIntl} from '../../test/helpers';

import FormDialog from './form_dialog';
import type {Choices} from './form_dialog';

const survey = parseForm({
    title: 'Quick survey',
    header: 'Tell us how it went.',
    footer: 'Thanks for your time.',
    icon: 'https://example.com/icon.png',
    submit: {path: '/survey/submit'},
    fields: [
        {name: 'comment', type: 'text', subtype: 'textarea', label: 'comment', modal_label: 'Comment', is_required: true, max_length: 500, description: 'What did you think?'},
        {name: 'rating', type: 'static_select', label: 'Rating', is_required: true, options: [{label: 'Great', value: 'great'}, {label: 'Fine', value: 'fine'}]},
        {name: 'subscribe', type: 'bool', label: 'Send me updates', value: true},
        {name: 'email', type: 'text', subtype: 'email', label: 'Email', hint: 'you@example.com', min_length: 5},
        {name: 'age', type: 'text', subtype: 'number', label: 'Age'},
        {name: 'secret', type: 'text', subtype: 'password', label: 'Secret'},
        {name: 'ticket', type: 'text', label: 'Ticket', readonly: true, value: 'T-1'},
        {name: 'note', type: 'markdown', description: '**Note:** answers are anonymous.'},
        {name: 'assignee', type: 'user', label: 'Assignee'},
        {name: 'where', type: 'channel', label: 'Channel'},
        {name: 'project', type: 'dynamic_select', label: 'Project', lookup: {path: '/projects'}},
    ],
}) as Form;

function setup(outcomes: Array<SubmitOutcome | Promise<SubmitOutcome>> = [{kind: 'done'}], form: Form = survey) {
    const onSubmit = jest.fn((_values: Record<string, unknown>, _form: Form) => {
        const next = outcomes.length > 1 ? outcomes.shift() : outcomes[0];
        return Promise.resolve(next as SubmitOutcome);
    });
    const onClose = jest.fn();
    const choices = jest.fn<Choices>(async (field, _values, query) => {
        if (field.type === 'user') {
            return [{label: '@alice', value: 'u-alice'}, {label: '@bob', value: 'u-bob'}].filter((o) => o.label.includes(query));
        }
        if (field.type === 'channel') {
            return [{label: 'Town Square (~town-square)', value: 'c-town'}];
        }
        return [{label: 'Apollo', value: 'p1'}];
    });
    const view = renderWithIntl(
        <>
            <button type='button'>{'outside'}</button>
            <FormDialog
                form={form}
                onSubmit={onSubmit}
                onClose={onClose}
                choices={choices}
            />
        </>,
    );
    return {onSubmit, onClose, choices, view};
}

async function settle() {
    await act(async () => {
        await jest.advanceTimersByTimeAsync(300);
    });
}

beforeEach(() => {
    jest.useFakeTimers();
});

afterEach(() => {
    jest.useRealTimers();
});

describe('FormDialog', () => {
    it('is a modal dialog labelled by the form title, with header and footer', async () => {
        setup();
        await settle();
        const dialog = screen.getByRole('dialog', {name: 'Quick survey'});
        expect(dialog.getAttribute('aria-modal')).toBe('true');
        expect(dialog.getAttribute('aria-describedby')).toBeTruthy();
        expect(document.getElementById(dialog.getAttribute('aria-describedby') as string)?.textContent).toBe('Tell us how it went.');
        expect(within(dialog).getByText('Thanks for your time.')).toBeTruthy();
        expect(within(dialog).getByText('**Note:** answers are anonymous.')).toBeTruthy();
    });

    it('renders every field type with its label and initial value', async () => {
        setup();
        await settle();
        const comment = screen.getByLabelText(/^Comment/) as HTMLTextAreaElement;
        expect(comment.tagName).toBe('TEXTAREA');
        expect(comment.getAttribute('aria-required')).toBe('true');
        expect(comment.maxLength).toBe(500);
        expect(document.getElementById(comment.getAttribute('aria-describedby') as string)?.textContent).toBe('What did you think?');

        const rating = screen.getByLabelText(/^Rating/) as HTMLSelectElement;
        expect(Array.from(rating.options).map((o) => o.textContent)).toEqual(['Choose…', 'Great', 'Fine']);
        expect((screen.getByLabelText('Send me updates') as HTMLInputElement).checked).toBe(true);
        expect((screen.getByLabelText('Email') as HTMLInputElement).type).toBe('email');
        expect((screen.getByLabelText('Email') as HTMLInputElement).placeholder).toBe('you@example.com');
        expect((screen.getByLabelText('Age') as HTMLInputElement).type).toBe('number');
        expect((screen.getByLabelText('Secret') as HTMLInputElement).type).toBe('password');
        const ticket = screen.getByLabelText('Ticket') as HTMLInputElement;
        expect(ticket.value).toBe('T-1');
        expect(ticket.readOnly).toBe(true);

        const assignee = screen.getByLabelText('Assignee') as HTMLSelectElement;
        expect(Array.from(assignee.options).map((o) => o.textContent)).toEqual(['Choose…', '@alice', '@bob']);
        expect(screen.getByLabelText('Search Assignee')).toBeTruthy();
        expect(Array.from((screen.getByLabelText('Channel') as HTMLSelectElement).options).map((o) => o.value)).toEqual(['', 'c-town']);
        expect(Array.from((screen.getByLabelText('Project') as HTMLSelectElement).options).map((o) => o.value)).toEqual(['', 'p1']);
    });

    it('focuses the first field on open and traps Tab inside', async () => {
        setup();
        await settle();
        const comment = screen.getByLabelText(/^Comment/);
        expect(document.activeElement).toBe(comment);

        const submit = screen.getByRole('button', {name: 'Submit'});
        submit.focus();
        fireEvent.keyDown(submit, {key: 'Tab'});
        expect(document.activeElement).toBe(screen.getByRole('button', {name: 'Close'}));
        fireEvent.keyDown(document.activeElement as Element, {key: 'Tab', shiftKey: true});
        expect(document.activeElement).toBe(submit);

        screen.getByRole('button', {name: 'outside'}).focus();
        expect(screen.getByRole('dialog').contains(document.activeElement)).toBe(true);
    });

    it('closes on Escape, Cancel and the close button', async () => {
        const {onClose} = setup();
        await settle();
        fireEvent.keyDown(screen.getByLabelText(/^Comment/), {key: 'Escape'});
        fireEvent.click(screen.getByRole('button', {name: 'Cancel'}));
        fireEvent.click(screen.getByRole('button', {name: 'Close'}));
        expect(onClose).toHaveBeenCalledTimes(3);
    });

    it('checks required and length limits before sending', async () => {
        const {onSubmit} = setup();
        await settle();
        fireEvent.change(screen.getByLabelText('Email'), {target: {value: 'a@b'}});
        fireEvent.click(screen.getByRole('button', {name: 'Submit'}));
        await settle();

        expect(onSubmit).not.toHaveBeenCalled();
        expect(screen.getByRole('alert').textContent).toBe('Please fix the fields marked below.');
        const comment = screen.getByLabelText(/^Comment/);
        expect(comment.getAttribute('aria-invalid')).toBe('true');
        expect(comment.getAttribute('aria-describedby')).toContain('-error');
        expect(screen.getByText('This field is required.', {selector: `#${comment.id}-error`})).toBeTruthy();
        expect(screen.getByText('Enter at least 5 characters.')).toBeTruthy();
        expect(document.activeElement).toBe(comment);

        // Fixing a field clears its error.
        fireEvent.change(comment, {target: {value: 'ok'}});
        expect(comment.getAttribute('aria-invalid')).toBe('false');
    });

    it('submits the values keyed by field name, selects as {label, value}', async () => {
        const {onSubmit} = setup();
        await settle();
        fireEvent.change(screen.getByLabelText(/^Comment/), {target: {value: 'All good'}});
        fireEvent.change(screen.getByLabelText(/^Rating/), {target: {value: 'great'}});
        fireEvent.click(screen.getByLabelText('Send me updates'));
        fireEvent.change(screen.getByLabelText('Assignee'), {target: {value: 'u-bob'}});
        fireEvent.change(screen.getByLabelText('Age'), {target: {value: '42'}});
        fireEvent.click(screen.getByRole('button', {name: 'Submit'}));
        await settle();

        expect(onSubmit).toHaveBeenCalledWith({
            comment: 'All good',
            rating: {label: 'Great', value: 'great'},
            subscribe: false,
            email: '',
            age: '42',
            secret: '',
            ticket: 'T-1',
            assignee: {label: '@bob', value: 'u-bob'},
            where: null,
            project: null,
        }, survey);
    });

    it('submits with Enter from a text input and from a select, not from a textarea', async () => {
        const answer = deferred<SubmitOutcome>();
        const {onSubmit} = setup([answer.promise]);
        await settle();
        fireEvent.change(screen.getByLabelText(/^Comment/), {target: {value: 'x'}});
        fireEvent.change(screen.getByLabelText(/^Rating/), {target: {value: 'fine'}});

        fireEvent.keyDown(screen.getByLabelText(/^Comment/), {key: 'Enter'});
        expect(onSubmit).not.toHaveBeenCalled();

        fireEvent.keyDown(screen.getByLabelText(/^Rating/), {key: 'Enter'});
        await settle();
        expect(onSubmit).toHaveBeenCalledTimes(1);

        // While the call runs, the form is busy and cannot be sent twice.
        const submit = screen.getByRole('button', {name: 'Submitting…'}) as HTMLButtonElement;
        expect(submit.disabled).toBe(true);
        fireEvent.keyDown(screen.getByLabelText(/^Rating/), {key: 'Enter'});
        expect(onSubmit).toHaveBeenCalledTimes(1);
        await act(async () => {
            answer.resolve({kind: 'done'});
        });
    });

    it('sends a single-line form on submit (what Enter in its input does natively)', async () => {
        const simple = parseForm({title: 'Greet', submit: '/greet', fields: [{name: 'name', type: 'text', label: 'Name'}]}) as Form;
        const {onSubmit} = setup([{kind: 'done'}], simple);
        await settle();
        fireEvent.submit(screen.getByLabelText('Name').closest('form') as HTMLFormElement);
        await settle();
        expect(onSubmit).toHaveBeenCalledWith({name: ''}, simple);
    });

    it('shows the app field errors next to their fields and other errors above', async () => {
        setup([{kind: 'error', text: {kind: 'app', text: 'Some answers need work.'}, fieldErrors: {comment: 'Please keep it polite.', nosuch: 'Unknown field.'}}]);
        await settle();
        fireEvent.change(screen.getByLabelText(/^Comment/), {target: {value: 'x'}});
        fireEvent.change(screen.getByLabelText(/^Rating/), {target: {value: 'fine'}});
        fireEvent.click(screen.getByRole('button', {name: 'Submit'}));
        await settle();

        const comment = screen.getByLabelText(/^Comment/);
        expect(comment.getAttribute('aria-invalid')).toBe('true');
        expect(document.getElementById(`${comment.id}-error`)?.textContent).toBe('Please keep it polite.');
        expect(screen.getByRole('alert').textContent).toBe('Some answers need work.\nnosuch: Unknown field.');
        expect(document.activeElement).toBe(comment);
        expect((screen.getByRole('button', {name: 'Submit'}) as HTMLButtonElement).disabled).toBe(false);
    });

    it('searches as you type in search fields and picks the first match with Enter', async () => {
        const {choices, onSubmit} = setup();
        await settle();
        expect(choices).toHaveBeenCalledWith(expect.objectContaining({name: 'assignee'}), expect.anything(), '', expect.anything());

        const search = screen.getByLabelText('Search Assignee');
        fireEvent.change(search, {target: {value: 'al'}});
        fireEvent.change(search, {target: {value: 'ali'}});
        await settle();
        const assigneeCalls = choices.mock.calls.filter(([f]) => f.name === 'assignee').map(([, , q]) => q);
        expect(assigneeCalls).toEqual(['', 'ali']);
        expect(Array.from((screen.getByLabelText('Assignee') as HTMLSelectElement).options).map((o) => o.textContent)).toEqual(['Choose…', '@alice']);

        fireEvent.keyDown(search, {key: 'Enter'});
        expect((screen.getByLabelText('Assignee') as HTMLSelectElement).value).toBe('u-alice');
        expect(onSubmit).not.toHaveBeenCalled();

        fireEvent.change(search, {target: {value: 'zzz'}});
        await settle();
        expect(screen.getByText('No matches.')).toBeTruthy();

        // The chosen user stays selectable while other results show.
        expect((screen.getByLabelText('Assignee') as HTMLSelectElement).value).toBe('u-alice');
    });

    it('shows a failed lookup', async () => {
        const form = parseForm({submit: '/s', fields: [{name: 'p', type: 'dynamic_select', label: 'Project', lookup: '/l'}]}) as Form;
        const onSubmit = jest.fn(async () => ({kind: 'done'} as SubmitOutcome));
        renderWithIntl(
            <FormDialog
                form={form}
                onSubmit={onSubmit}
                onClose={jest.fn()}
                choices={async () => {
                    throw new Error('lookup exploded');
                }}
            />,
        );
        await settle();
        expect(screen.getByRole('dialog', {name: 'App form'})).toBeTruthy();
        await waitFor(() => expect(screen.getByText('Could not load the choices: lookup exploded')).toBeTruthy());
    });
});
