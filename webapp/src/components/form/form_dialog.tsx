import React, {useCallback, useEffect, useRef, useState} from 'react';
import {useIntl} from 'react-intl';

import type {RefreshOutcome, SubmitOutcome} from '../../apps/controller';
import type {Field, Form, SelectOption} from '../../apps/types';
import {formMessages} from '../../i18n/messages';
import {appText, formatUIText, messageText} from '../../i18n/ui_text';
import type {UIText} from '../../i18n/ui_text';
import Markdown from '../markdown';
import {useUniqueId} from '../use_unique_id';

import FieldRow from './field_row';
import FormActions from './form_actions';
import {checkForm, initialValues, mergeValues, requestValues, submitButtonsField} from './form_values';
import type {FieldValue, FieldProblem, FormValues} from './form_values';
import {useFocusTrap} from './use_focus_trap';
import {useFormRefresh} from './use_form_refresh';
import type {Refresh} from './use_form_refresh';

export type Choices = (field: Field, values: Record<string, unknown>, query: string, signal: AbortSignal) => Promise<SelectOption[]>;

interface Props {
    // The form first shown; a refresh may replace it.
    form: Form;

    // Sends the values to the shown form's submit call.
    onSubmit(values: Record<string, unknown>, form: Form): Promise<SubmitOutcome>;

    // Asks for an updated form after a `refresh` field changed.
    onRefresh?: Refresh;
    onClose(): void;
    choices: Choices;
}

type Errors = Record<string, FieldProblem | string>;

// Field errors the app returned for fields this form does not show are
// shown with the form's error, so none is lost.
function splitErrors(form: Form, errors: Record<string, string>): {known: Errors; unknown: string[]} {
    const known: Errors = {};
    const unknown: string[] = [];
    for (const [name, message] of Object.entries(errors)) {
        const field = form.fields.find((f) => f.name === name && f.type !== 'markdown' && f.name !== form.submit_buttons);
        if (field) {
            known[name] = message;
        } else {
            unknown.push(`${name}: ${message}`);
        }
    }
    return {known, unknown};
}

// An app's form as a modal dialog: labelled by its title, keyboard focus
// kept inside, Escape closes, Enter submits. Field errors (ours or the
// app's) are shown under their fields, other errors above them. A change of
// a `refresh` field replaces the form with the app's updated one.
export default function FormDialog({form: firstForm, onSubmit, onRefresh, onClose, choices}: Props) {
    const intl = useIntl();
    const titleId = useUniqueId('form-title');
    const headerId = useUniqueId('form-header');
    const fieldIdPrefix = useUniqueId('field');
    const dialogRef = useRef<HTMLDivElement>(null);
    const mounted = useRef(true);
    const [form, setForm] = useState(firstForm);
    const formRef = useRef(form);
    formRef.current = form;
    const [values, setValues] = useState<FormValues>(() => initialValues(form));
    const valuesRef = useRef(values);
    valuesRef.current = values;
    const [errors, setErrors] = useState<Errors>({});
    const [formError, setFormError] = useState<UIText | null>(null);
    const [submitting, setSubmitting] = useState(false);
    const [focusInvalid, setFocusInvalid] = useState(0);
    const onTrapKeyDown = useFocusTrap(dialogRef);
    const buttonsField = submitButtonsField(form);

    const showError = (outcome: {text?: UIText; fieldErrors: Record<string, string>}) => {
        const {known, unknown} = splitErrors(formRef.current, outcome.fieldErrors);
        setErrors(known);
        const lines = [outcome.text ? formatUIText(intl, outcome.text) : '', ...unknown].filter(Boolean);
        if (lines.length > 0) {
            setFormError(appText(lines.join('\n')));
        } else {
            setFormError(Object.keys(known).length > 0 ? messageText(formMessages.formHasErrors) : null);
        }
        setFocusInvalid((n) => n + 1);
    };

    const refresher = useFormRefresh(values, onRefresh, (outcome: RefreshOutcome) => {
        if (outcome.kind === 'error') {
            showError(outcome);
        } else if (outcome.kind === 'form') {
            const next = mergeValues(formRef.current, outcome.form, valuesRef.current);
            refresher.reset(next, valuesRef.current);
            valuesRef.current = next;
            setForm(outcome.form);
            setValues(next);
            setErrors({});
            setFormError(null);
        }
    });

    useEffect(() => {
        mounted.current = true;
        return () => {
            mounted.current = false;
        };
    }, []);

    // After a failed submit, take the keyboard to the first invalid field.
    useEffect(() => {
        if (focusInvalid > 0) {
            dialogRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
        }
    }, [focusInvalid]);

    // Keep the keyboard in the dialog when a new form dropped the focused field.
    useEffect(() => {
        const root = dialogRef.current;
        if (root && !root.contains(document.activeElement)) {
            root.focus();
        }
    }, [form]);

    const refreshIfNeeded = refresher.changed;
    const onCommit = useCallback((name: string) => {
        const field = formRef.current.fields.find((f) => f.name === name);
        if (field) {
            refreshIfNeeded(formRef.current, field, valuesRef.current);
        }
    }, [refreshIfNeeded]);

    const onChange = useCallback((name: string, value: FieldValue) => {
        const next = {...valuesRef.current, [name]: value};
        valuesRef.current = next;
        setValues(next);
        const field = formRef.current.fields.find((f) => f.name === name);

        // Text fields ask for a refresh when the user leaves them (onCommit),
        // not on every keystroke.
        if (field && field.type !== 'text') {
            refreshIfNeeded(formRef.current, field, next);
        }
        setErrors((prev) => {
            if (!(name in prev)) {
                return prev;
            }
            const next = {...prev};
            delete next[name];
            return next;
        });
    }, [refreshIfNeeded]);

    // With submit_buttons, `choice` is the pressed button's option. Enter
    // sends nothing on such forms: the buttons may be "Approve" and
    // "Reject", so the user has to press one.
    const submit = async (choice?: SelectOption) => {
        if (submitting || refresher.refreshing || (buttonsField && !choice)) {
            return;
        }
        const problems = checkForm(form, values);
        if (Object.keys(problems).length > 0) {
            setErrors(problems);
            setFormError(messageText(formMessages.formHasErrors));
            setFocusInvalid((n) => n + 1);
            return;
        }
        setSubmitting(true);
        setFormError(null);
        const sent = buttonsField && choice ? {...values, [buttonsField.name]: choice} : values;
        const outcome = await onSubmit(requestValues(form, sent), form);
        if (!mounted.current) {
            return;
        }
        setSubmitting(false);
        if (outcome.kind === 'error') {
            showError(outcome);
        }
    };

    const onFormSubmit = (event: React.FormEvent) => {
        event.preventDefault();
        void submit();
    };

    const onKeyDown = (event: React.KeyboardEvent) => {
        if (event.key === 'Escape') {
            event.preventDefault();
            event.stopPropagation();
            onClose();
            return;
        }

        // Enter submits from any control, not only text inputs (selects and
        // checkboxes do not submit natively). Not in a textarea, and not on
        // a button, which acts on its own.
        if (event.key === 'Enter' && !event.nativeEvent.isComposing && !event.defaultPrevented) {
            const target = event.target as HTMLElement;
            const tag = target.tagName;
            if (tag === 'SELECT' || (tag === 'INPUT' && (target as HTMLInputElement).type === 'checkbox')) {
                event.preventDefault();
                void submit();
                return;
            }
        }
        onTrapKeyDown(event);
    };

    const errorText = (name: string): string | undefined => {
        const error = errors[name];
        if (!error) {
            return undefined;
        }
        return typeof error === 'string' ? error : intl.formatMessage(error.descriptor, error.values);
    };

    const title = form.title || intl.formatMessage(formMessages.defaultTitle);
    return (
        <div className='lambda-apps-backdrop'>
            <div
                ref={dialogRef}
                className='lambda-apps-dialog'
                role='dialog'
                aria-modal='true'
                aria-labelledby={titleId}
                aria-describedby={form.header ? headerId : undefined}
                tabIndex={-1}
                onKeyDown={onKeyDown}
            >
                <form
                    noValidate={true}
                    onSubmit={onFormSubmit}
                    aria-busy={submitting || refresher.refreshing}
                >
                    <div className='lambda-apps-dialog__head'>
                        {form.icon && (
                            <img
                                src={form.icon}
                                alt=''
                            />
                        )}
                        <h2 id={titleId}>{title}</h2>
                        <button
                            type='button'
                            className='lambda-apps-icon-button'
                            aria-label={intl.formatMessage(formMessages.close)}
                            onClick={onClose}
                        >
                            {'×'}
                        </button>
                    </div>
                    <div className='lambda-apps-dialog__body'>
                        {form.header && (
                            <Markdown
                                id={headerId}
                                text={form.header}
                            />
                        )}
                        {formError && (
                            <div
                                className='lambda-apps-form-error'
                                role='alert'
                            >
                                {formError.kind === 'app' ? <Markdown text={formError.text}/> : formatUIText(intl, formError)}
                            </div>
                        )}
                        {form.fields.map((field, index) => field !== buttonsField && (
                            <FieldRow
                                key={field.name}
                                id={`${fieldIdPrefix}-${index}`}
                                field={field}
                                value={values[field.name] ?? null}
                                error={errorText(field.name)}
                                disabled={submitting}
                                onChange={onChange}
                                onCommit={onCommit}
                                load={(query, signal) => choices(field, requestValues(form, valuesRef.current), query, signal)}
                            />
                        ))}
                        {form.footer && <Markdown text={form.footer}/>}
                    </div>
                    <FormActions
                        buttons={buttonsField?.options}
                        submitting={submitting}
                        refreshing={refresher.refreshing}
                        onCancel={onClose}
                        onChoose={(option) => void submit(option)}
                    />
                </form>
            </div>
        </div>
    );
}

