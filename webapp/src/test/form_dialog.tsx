// Renders a FormDialog with recorded callbacks, for the form tests.
import {jest} from '@jest/globals';
import {act} from '@testing-library/react';
import React from 'react';

import type {RefreshOutcome, SubmitOutcome} from '../apps/controller';
import {parseForm} from '../apps/parse';
import type {Form} from '../apps/types';
import FormDialog from '../components/form/form_dialog';
import type {Choices} from '../components/form/form_dialog';
import type {Refresh} from '../components/form/use_form_refresh';

import {renderWithIntl} from './helpers';

export interface FormDialogOptions {
    submit?: (values: Record<string, unknown>) => Promise<SubmitOutcome>;
    refresh?: Refresh;
    choices?: Choices;
}

export function formOf(json: unknown): Form {
    const form = parseForm(json);
    if (!form) {
        throw new Error('not a form');
    }
    return form;
}

export function renderFormDialog(form: Form, options: FormDialogOptions = {}) {
    const onSubmit = jest.fn((values: Record<string, unknown>, _form: Form) => (options.submit ? options.submit(values) : Promise.resolve<SubmitOutcome>({kind: 'done'})));
    const onRefresh = jest.fn<Refresh>(options.refresh ?? (async () => ({kind: 'unchanged'} as RefreshOutcome)));
    const onClose = jest.fn();
    const choices = jest.fn<Choices>(options.choices ?? (async () => []));
    const view = renderWithIntl(
        <FormDialog
            form={form}
            onSubmit={onSubmit}
            onRefresh={onRefresh}
            onClose={onClose}
            choices={choices}
        />,
    );
    return {onSubmit, onRefresh, onClose, choices, view};
}

// Lets debounced searches and pending promises finish (fake timers).
export async function settle(ms = 300) {
    await act(async () => {
        await jest.advanceTimersByTimeAsync(ms);
    });
}
