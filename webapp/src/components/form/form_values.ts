// Values of an app form while it is being filled in, their checks before
// submitting, and the `values` map sent to the app (keyed by field name:
// text as a string, bool as a boolean, selects as {"label","value"} or null).
import type {MessageDescriptor} from 'react-intl';

import {parseOption} from '../../apps/parse';
import type {Field, Form, SelectOption} from '../../apps/types';
import {formMessages} from '../../i18n/messages';

export type FieldValue = string | boolean | SelectOption | null;
export type FormValues = Record<string, FieldValue>;

export interface FieldProblem {
    descriptor: MessageDescriptor;
    values?: Record<string, number>;
}

export function isSelect(field: Field): boolean {
    return field.type === 'static_select' || field.type === 'dynamic_select' || field.type === 'user' || field.type === 'channel';
}

function initialOption(field: Field): SelectOption | null {
    const raw = field.value;
    const wanted = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : parseOption(raw)?.value;
    if (wanted === undefined || wanted === '') {
        return null;
    }
    const known = field.options.find((o) => o.value === wanted);
    if (known) {
        return known;
    }
    if (field.type === 'static_select') {
        // A static select can only hold one of its options.
        return null;
    }
    return parseOption(raw) ?? {label: wanted, value: wanted};
}

export function initialValue(field: Field): FieldValue {
    if (field.type === 'bool') {
        return field.value === true || field.value === 'true';
    }
    if (isSelect(field)) {
        return initialOption(field);
    }
    if (typeof field.value === 'string') {
        return field.value;
    }
    if (typeof field.value === 'number') {
        return String(field.value);
    }
    return '';
}

export function initialValues(form: Form): FormValues {
    const values: FormValues = {};
    for (const field of form.fields) {
        if (field.type !== 'markdown') {
            values[field.name] = initialValue(field);
        }
    }
    return values;
}

// What is wrong with one field's value, if anything. Read-only fields are
// not checked: the user cannot change them.
export function checkField(field: Field, value: FieldValue): FieldProblem | null {
    if (field.readonly || field.type === 'markdown' || field.type === 'bool') {
        return null;
    }
    if (isSelect(field)) {
        return field.is_required && !value ? {descriptor: formMessages.required} : null;
    }
    const text = typeof value === 'string' ? value : '';
    if (field.is_required && !text.trim()) {
        return {descriptor: formMessages.required};
    }
    const length = Array.from(text).length;
    if (field.min_length !== undefined && length > 0 && length < field.min_length) {
        return {descriptor: formMessages.tooShort, values: {min: field.min_length}};
    }
    if (field.max_length !== undefined && length > field.max_length) {
        return {descriptor: formMessages.tooLong, values: {max: field.max_length}};
    }
    return null;
}

export function checkForm(form: Form, values: FormValues): Record<string, FieldProblem> {
    const problems: Record<string, FieldProblem> = {};
    for (const field of form.fields) {
        const problem = checkField(field, values[field.name] ?? null);
        if (problem) {
            problems[field.name] = problem;
        }
    }
    return problems;
}

export function requestValues(form: Form, values: FormValues): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const field of form.fields) {
        if (field.type === 'markdown') {
            continue;
        }
        const value = values[field.name];
        if (field.type === 'bool') {
            out[field.name] = value === true;
        } else if (isSelect(field)) {
            out[field.name] = value && typeof value === 'object' ? {label: value.label, value: value.value} : null;
        } else {
            out[field.name] = typeof value === 'string' ? value : '';
        }
    }
    return out;
}
