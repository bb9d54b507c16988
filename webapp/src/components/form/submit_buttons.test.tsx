import {afterEach, beforeEach, describe, expect, it, jest} from '@jest/globals';
import {fireEvent, screen} from '@testing-library/react';

import type {SubmitOutcome} from '../../apps/controller';
import {deferred} from '../../test/helpers';
import {formOf, renderFormDialog, settle} from '../../test/form_dialog';

const form = formOf({
    title: 'Review',
    submit: '/review',
    submit_buttons: 'action',
    fields: [
        {name: 'note', type: 'text', label: 'Note', is_required: true},
        {name: 'action', type: 'static_select', label: 'Action', is_required: true, options: [{label: 'Approve', value: 'approve'}, {label: 'Reject', value: 'reject'}]},
        {name: 'level', type: 'static_select', label: 'Level', options: [{label: 'Low', value: 'low'}]},
    ],
});

const buttonNames = () => Array.from(document.querySelectorAll('.lambda-apps-dialog__actions button')).map((b) => b.textContent);

beforeEach(() => {
    jest.useFakeTimers();
});

afterEach(() => {
    jest.useRealTimers();
});

describe('submit_buttons', () => {
    it('turns the named field options into the submit buttons and does not show the field', async () => {
        renderFormDialog(form);
        await settle();
        expect(buttonNames()).toEqual(['Cancel', 'Approve', 'Reject']);
        expect(screen.queryByRole('button', {name: 'Submit'})).toBeNull();
        expect(screen.queryByLabelText(/^Action/)).toBeNull();
        expect(screen.getByLabelText('Level')).toBeTruthy();
    });

    it.each([
        ['Approve', {label: 'Approve', value: 'approve'}],
        ['Reject', {label: 'Reject', value: 'reject'}],
    ])('sends the form with the option of the pressed button (%s)', async (name, option) => {
        const {onSubmit} = renderFormDialog(form);
        await settle();
        fireEvent.change(screen.getByLabelText(/^Note/), {target: {value: 'looks good'}});
        fireEvent.click(screen.getByRole('button', {name}));
        await settle();
        expect(onSubmit).toHaveBeenCalledTimes(1);
        expect(onSubmit).toHaveBeenCalledWith({note: 'looks good', action: option, level: null}, form);
    });

    it('still checks the other fields', async () => {
        const {onSubmit} = renderFormDialog(form);
        await settle();
        fireEvent.click(screen.getByRole('button', {name: 'Reject'}));
        await settle();
        expect(onSubmit).not.toHaveBeenCalled();
        expect(screen.getByRole('alert').textContent).toBe('Please fix the fields marked below.');
        expect(document.activeElement).toBe(screen.getByLabelText(/^Note/));
    });

    it('sends nothing on Enter: the user has to press one of the buttons', async () => {
        const {onSubmit} = renderFormDialog(form);
        await settle();
        fireEvent.change(screen.getByLabelText(/^Note/), {target: {value: 'x'}});
        fireEvent.keyDown(screen.getByLabelText('Level'), {key: 'Enter'});
        await settle();
        fireEvent.submit(screen.getByLabelText(/^Note/).closest('form') as HTMLFormElement);
        await settle();
        expect(onSubmit).not.toHaveBeenCalled();
        fireEvent.click(screen.getByRole('button', {name: 'Approve'}));
        await settle();
        expect(onSubmit.mock.calls.map(([values]) => values.action)).toEqual([{label: 'Approve', value: 'approve'}]);
    });

    it('disables every button while the form is sent', async () => {
        const answer = deferred<SubmitOutcome>();
        const {onSubmit} = renderFormDialog(form, {submit: () => answer.promise});
        await settle();
        fireEvent.change(screen.getByLabelText(/^Note/), {target: {value: 'x'}});
        fireEvent.click(screen.getByRole('button', {name: 'Approve'}));
        await settle();
        expect((screen.getByRole('button', {name: 'Approve'}) as HTMLButtonElement).disabled).toBe(true);
        expect((screen.getByRole('button', {name: 'Reject'}) as HTMLButtonElement).disabled).toBe(true);
        fireEvent.click(screen.getByRole('button', {name: 'Reject'}));
        expect(onSubmit).toHaveBeenCalledTimes(1);

        // An app error about the hidden field shows above the fields.
        answer.resolve({kind: 'error', fieldErrors: {action: 'Not allowed.'}});
        await settle();
        expect(screen.getByRole('alert').textContent).toBe('action: Not allowed.');
        expect((screen.getByRole('button', {name: 'Reject'}) as HTMLButtonElement).disabled).toBe(false);
    });

    it('falls back to a single Submit button when the named field cannot be buttons', async () => {
        const plain = formOf({submit: '/s', submit_buttons: 'note', fields: [{name: 'note', type: 'text', label: 'Note'}]});
        const {onSubmit} = renderFormDialog(plain);
        await settle();
        expect(buttonNames()).toEqual(['Cancel', 'Submit']);
        fireEvent.click(screen.getByRole('button', {name: 'Submit'}));
        await settle();
        expect(onSubmit).toHaveBeenCalledWith({note: ''}, plain);
    });
});
