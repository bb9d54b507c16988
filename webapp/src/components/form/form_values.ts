// Values of an app form while it is being filled in, their checks before
// submitting, and the `values` map sent to the app (keyed by field name:
// text as a string, bool as a boolean, selects as {"label","value"} or null,
// multiselects as an array of {"label","value"}, [] when none is chosen).
import type {MessageDescriptor} from 'react-intl';

import {parseOption} from '../../apps/parse';
import type {Field, Form, SelectOption} from '../../apps/types';
import {formMessages} from '../../i18n/messages';

export type FieldValue = string | boolean | SelectOption | SelectOption[] | null;
export type FormValues = Record<string, FieldValue>;

export interface FieldProblem {
    descriptor: MessageDescriptor;
    values?: Record<string, number>;
}

export function isSelect(field: Field): boolean {
    return field.type === 'static_select' || field.type === 'dynamic_select' || field.type === 'user' || field.type === 'channel';
}

export function isMulti(field: Field): boolean {
    return field.multiselect === true && isSelect(field);
}

// One chosen option (not a list of them).
export function isOption(value: FieldValue | undefined): value is SelectOption {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optionList(value: FieldValue | undefined): SelectOption[] {
    return Array.isArray(value) ? value : [];
}

// An initial value as one of the field's options: a value string (or
// number), or an option object. Search-type fields also keep values that
// are not among their (usually empty) static options.
function toOption(field: Field, raw: unknown): SelectOption | null {
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

// A multiselect starts from an array of options or value strings (a single
// one is taken as a list of one); unknown and repeated ones are dropped.
function initialOptions(field: Field): SelectOption[] {
    let raw: unknown[] = [];
    if (Array.isArray(field.value)) {
        raw = field.value;
    } else if (field.value !== undefined && field.value !== null) {
        raw = [field.value];
    }
    const chosen: SelectOption[] = [];
    for (const item of raw) {
        const option = toOption(field, item);
        if (option && !chosen.some((o) => o.value === option.value)) {
            chosen.push(option);
        }
    }
    return chosen;
}

export function initialValue(field: Field): FieldValue {
    if (field.type === 'bool') {
        return field.value === true || field.value === 'true';
    }
    if (isMulti(field)) {
        return initialOptions(field);
    }
    if (isSelect(field)) {
        return toOption(field, field.value);
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

// Whether a value entered for one field still fits a field of the same name
// in another form: same kind of value, and a static select's option still
// offered.
function fits(before: Field, after: Field, value: FieldValue): boolean {
    if (before.type !== after.type || isMulti(before) !== isMulti(after)) {
        return false;
    }
    if (after.type !== 'static_select') {
        return true;
    }
    const offered = (o: SelectOption) => after.options.some((a) => a.value === o.value);
    return Array.isArray(value) ? value.every(offered) : !isOption(value) || offered(value);
}

// Values for a form that replaces the shown one (a refresh answer). A field
// of the new form with a value of its own starts from that value. One
// without keeps what the user entered in the field of the same name, when
// the old form had it with the same type (else it starts empty); the app
// cannot tell "no value" from "keep the user's", and keeping is what users
// expect from a form that only grew or shrank around their input.
export function mergeValues(before: Form, after: Form, values: FormValues): FormValues {
    const next = initialValues(after);
    for (const field of after.fields) {
        const old = before.fields.find((f) => f.name === field.name);
        const value = values[field.name];
        if (field.value === undefined && old && field.name in next && value !== undefined && fits(old, field, value)) {
            next[field.name] = value;
        }
    }
    return next;
}

// The field whose options are the form's submit buttons, if any.
export function submitButtonsField(form: Form): Field | undefined {
    return form.submit_buttons ? form.fields.find((f) => f.name === form.submit_buttons) : undefined;
}

// What is wrong with one field's value, if anything. Read-only fields are
// not checked: the user cannot change them.
export function checkField(field: Field, value: FieldValue): FieldProblem | null {
    if (field.readonly || field.type === 'markdown' || field.type === 'bool') {
        return null;
    }
    if (isMulti(field)) {
        return field.is_required && optionList(value).length === 0 ? {descriptor: formMessages.required} : null;
    }
    if (isSelect(field)) {
        return field.is_required && !isOption(value) ? {descriptor: formMessages.required} : null;
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

// Problems of the fields the user fills in; the submit_buttons field is set
// by the button pressed, so it is not checked.
export function checkForm(form: Form, values: FormValues): Record<string, FieldProblem> {
    const problems: Record<string, FieldProblem> = {};
    for (const field of form.fields) {
        const problem = field.name === form.submit_buttons ? null : checkField(field, values[field.name] ?? null);
        if (problem) {
            problems[field.name] = problem;
        }
    }
    return problems;
}

const plainOption = (o: SelectOption): SelectOption => ({label: o.label, value: o.value});

export function requestValues(form: Form, values: FormValues): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const field of form.fields) {
        if (field.type === 'markdown') {
            continue;
        }
        const value = values[field.name];
        if (field.type === 'bool') {
            out[field.name] = value === true;
        } else if (isMulti(field)) {
            out[field.name] = optionList(value).map(plainOption);
        } else if (isSelect(field)) {
            out[field.name] = isOption(value) ? plainOption(value) : null;
        } else {
            out[field.name] = typeof value === 'string' ? value : '';
        }
    }
    return out;
}
