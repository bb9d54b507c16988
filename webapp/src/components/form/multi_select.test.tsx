import {afterEach, beforeEach, describe, expect, it, jest} from '@jest/globals';
import {fireEvent, screen, within} from '@testing-library/react';

import type {SubmitOutcome} from '../../apps/controller';
import {deferred} from '../../test/helpers';
import {formOf, renderFormDialog, settle} from '../../test/form_dialog';

const colors = [{label: 'Red', value: 'red'}, {label: 'Green', value: 'green'}, {label: 'Blue', value: 'blue'}];

const form = formOf({
    title: 'Pick',
    submit: '/pick',
    fields: [
        {name: 'colors', type: 'static_select', label: 'Colors', multiselect: true, options: colors, value: ['green', {label: 'ignored', value: 'red'}, 'nope']},
        {name: 'people', type: 'user', label: 'People', multiselect: true, is_required: true},
        {name: 'projects', type: 'dynamic_select', label: 'Projects', multiselect: true, lookup: '/projects', value: [{label: 'Apollo', value: 'p1'}]},
        {name: 'fixed', type: 'channel', label: 'Fixed', multiselect: true, readonly: true, value: [{label: 'Town Square', value: 'c1'}]},
    ],
});

const users = [{label: '@alice', value: 'u-alice'}, {label: '@bob', value: 'u-bob'}, {label: '@carol', value: 'u-carol'}];

function setup(submit?: () => Promise<SubmitOutcome>) {
    return renderFormDialog(form, {
        submit,
        choices: async (field, _values, query) => {
            if (field.type === 'user') {
                return users.filter((u) => u.label.includes(query));
            }
            return [{label: 'Apollo', value: 'p1'}, {label: 'Gemini', value: 'p2'}];
        },
    });
}

const chips = (label: string) => {
    const list = screen.queryByRole('list', {name: `Chosen for ${label}`});
    return list ? within(list).getAllByRole('listitem').map((li) => li.firstChild?.textContent) : [];
};
const choicesOf = (label: string) => Array.from((screen.getByLabelText(new RegExp(`^${label}`)) as HTMLSelectElement).options).map((o) => o.textContent);

beforeEach(() => {
    jest.useFakeTimers();
});

afterEach(() => {
    jest.useRealTimers();
});

describe('multiselect fields', () => {
    it('show the initial options as chips with a remove button each, and offer only the others', async () => {
        setup();
        await settle();
        expect(chips('Colors')).toEqual(['Green', 'Red']);
        expect(choicesOf('Colors')).toEqual(['Choose one to add…', 'Blue']);
        expect(screen.getByRole('button', {name: 'Remove Green'})).toBeTruthy();
        expect(screen.getByRole('button', {name: 'Remove Red'})).toBeTruthy();
        expect(chips('People')).toEqual([]);
        expect(screen.getByLabelText(/^People/).getAttribute('aria-required')).toBe('true');
        expect(chips('Projects')).toEqual(['Apollo']);
        expect(choicesOf('Projects')).toEqual(['Choose one to add…', 'Gemini']);

        // Read-only: chips without remove buttons, nothing to add.
        expect(chips('Fixed')).toEqual(['Town Square']);
        expect(screen.queryByRole('button', {name: 'Remove Town Square'})).toBeNull();
        expect((screen.getByLabelText('Fixed') as HTMLSelectElement).disabled).toBe(true);
    });

    it('add an option picked with the mouse at once', async () => {
        setup();
        await settle();
        fireEvent.change(screen.getByLabelText('Colors'), {target: {value: 'blue'}});
        expect(chips('Colors')).toEqual(['Green', 'Red', 'Blue']);
        expect(choicesOf('Colors')).toEqual(['Choose one to add…']);
        expect(screen.getByText('Blue added.')).toBeTruthy();
    });

    it('mark an option with the arrow keys and add it with Enter or the Add button, without submitting', async () => {
        const {onSubmit} = setup();
        await settle();
        const select = screen.getByLabelText(/^People/) as HTMLSelectElement;
        const add = screen.getByRole('button', {name: 'Add to People'}) as HTMLButtonElement;
        expect(add.disabled).toBe(true);

        fireEvent.keyDown(select, {key: 'ArrowDown'});
        fireEvent.change(select, {target: {value: 'u-bob'}});
        expect(chips('People')).toEqual([]);
        expect(select.value).toBe('u-bob');
        expect(add.disabled).toBe(false);

        fireEvent.keyDown(select, {key: 'Enter'});
        expect(chips('People')).toEqual(['@bob']);
        expect(select.value).toBe('');

        fireEvent.keyDown(select, {key: 'ArrowDown'});
        fireEvent.change(select, {target: {value: 'u-carol'}});
        fireEvent.click(add);
        expect(chips('People')).toEqual(['@bob', '@carol']);
        expect(choicesOf('People')).toEqual(['Choose one to add…', '@alice']);
        await settle();
        expect(onSubmit).not.toHaveBeenCalled();
    });

    it('add the first search result with Enter in the search box', async () => {
        const {choices} = setup();
        await settle();
        const search = screen.getByLabelText('Search People');
        fireEvent.change(search, {target: {value: 'a'}});
        await settle();
        expect(choices).toHaveBeenLastCalledWith(expect.objectContaining({name: 'people'}), expect.anything(), 'a', expect.anything());
        fireEvent.keyDown(search, {key: 'Enter'});
        expect(chips('People')).toEqual(['@alice']);

        // The next Enter adds the next result not chosen yet.
        fireEvent.keyDown(search, {key: 'Enter'});
        expect(chips('People')).toEqual(['@alice', '@carol']);
    });

    it('remove a chip with its button and keep the keyboard on the next one', async () => {
        setup();
        await settle();
        fireEvent.change(screen.getByLabelText('Colors'), {target: {value: 'blue'}});
        fireEvent.click(screen.getByRole('button', {name: 'Remove Green'}));
        expect(chips('Colors')).toEqual(['Red', 'Blue']);
        expect(screen.getByText('Green removed.')).toBeTruthy();
        expect(document.activeElement).toBe(screen.getByRole('button', {name: 'Remove Red'}));

        fireEvent.click(screen.getByRole('button', {name: 'Remove Blue'}));
        expect(document.activeElement).toBe(screen.getByRole('button', {name: 'Remove Red'}));
        fireEvent.click(screen.getByRole('button', {name: 'Remove Red'}));
        expect(chips('Colors')).toEqual([]);
        expect(document.activeElement).toBe(screen.getByLabelText('Colors'));
        expect(choicesOf('Colors')).toEqual(['Choose one to add…', 'Red', 'Green', 'Blue']);
    });

    it('are sent as arrays of {label, value}, [] when none is chosen', async () => {
        const {onSubmit} = setup();
        await settle();
        fireEvent.click(screen.getByRole('button', {name: 'Remove Apollo'}));
        fireEvent.change(screen.getByLabelText(/^People/), {target: {value: 'u-alice'}});
        fireEvent.change(screen.getByLabelText(/^People/), {target: {value: 'u-carol'}});
        fireEvent.click(screen.getByRole('button', {name: 'Submit'}));
        await settle();
        expect(onSubmit).toHaveBeenCalledTimes(1);
        expect(onSubmit.mock.calls[0][0]).toEqual({
            colors: [{label: 'Green', value: 'green'}, {label: 'Red', value: 'red'}],
            people: [{label: '@alice', value: 'u-alice'}, {label: '@carol', value: 'u-carol'}],
            projects: [],
            fixed: [{label: 'Town Square', value: 'c1'}],
        });
    });

    it('count as empty when nothing is chosen: a required one blocks the submit', async () => {
        const {onSubmit} = setup();
        await settle();
        fireEvent.click(screen.getByRole('button', {name: 'Submit'}));
        await settle();
        expect(onSubmit).not.toHaveBeenCalled();
        const people = screen.getByLabelText(/^People/);
        expect(people.getAttribute('aria-invalid')).toBe('true');
        expect(document.getElementById(`${people.id}-error`)?.textContent).toBe('This field is required.');
        expect(document.activeElement).toBe(people);
    });

    it('lock their chips while the form is sent', async () => {
        const answer = deferred<SubmitOutcome>();
        setup(() => answer.promise);
        await settle();
        fireEvent.change(screen.getByLabelText(/^People/), {target: {value: 'u-bob'}});
        fireEvent.click(screen.getByRole('button', {name: 'Submit'}));
        await settle();
        expect((screen.getByRole('button', {name: 'Remove @bob'}) as HTMLButtonElement).disabled).toBe(true);
        expect((screen.getByLabelText('Search People') as HTMLInputElement).disabled).toBe(true);
        answer.resolve({kind: 'error', fieldErrors: {}, text: {kind: 'app', text: 'no'}});
        await settle();
        expect((screen.getByRole('button', {name: 'Remove @bob'}) as HTMLButtonElement).disabled).toBe(false);
    });
});
