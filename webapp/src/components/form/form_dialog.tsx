import React, {useCallback, useEffect, useRef, useState} from 'react';
import {useIntl} from 'react-intl';

import type {SubmitOutcome} from '../../apps/controller';
import type {Field, Form, SelectOption} from '../../apps/types';
import {formMessages} from '../../i18n/messages';
import {appText, formatUIText, messageText} from '../../i18n/ui_text';
import type {UIText} from '../../i18n/ui_text';
import Markdown from '../markdown';
import {useUniqueId} from '../use_unique_id';

import FieldRow from './field_row';
import {checkForm, initialValues, requestValues} from './form_values';
import type {FieldValue, FieldProblem, FormValues} from './form_values';
import {useFocusTrap} from './use_focus_trap';

export type Choices = (field: Field, values: Record<string, unknown>, query: string, signal: AbortSignal) => Promise<SelectOption[]>;

interface Props {
    form: Form;
    onSubmit(values: Record<string, unknown>): Promise<SubmitOutcome>;
    onClose(): void;
    choices: Choices;
}

type Errors = Record<string, FieldProblem | string>;

// Field errors the app returned for fields this form does not have are
// shown with the form's error, so none is lost.
function splitErrors(form: Form, errors: Record<string, string>): {known: Errors; unknown: string[]} {
    const known: Errors = {};
    const unknown: string[] = [];
    for (const [name, message] of Object.entries(errors)) {
        const field = form.fields.find((f) => f.name === name && f.type !== 'markdown');
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
// app's) are shown under their fields, other errors above them.
export default function FormDialog({form, onSubmit, onClose, choices}: Props) {
    const intl = useIntl();
    const titleId = useUniqueId('form-title');
    const headerId = useUniqueId('form-header');
    const fieldIdPrefix = useUniqueId('field');
    const dialogRef = useRef<HTMLDivElement>(null);
    const mounted = useRef(true);
    const [values, setValues] = useState<FormValues>(() => initialValues(form));
    const valuesRef = useRef(values);
    valuesRef.current = values;
    const [errors, setErrors] = useState<Errors>({});
    const [formError, setFormError] = useState<UIText | null>(null);
    const [submitting, setSubmitting] = useState(false);
    const [focusInvalid, setFocusInvalid] = useState(0);
    const onTrapKeyDown = useFocusTrap(dialogRef);

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

    const onChange = useCallback((name: string, value: FieldValue) => {
        setValues((prev) => ({...prev, [name]: value}));
        setErrors((prev) => {
            if (!(name in prev)) {
                return prev;
            }
            const next = {...prev};
            delete next[name];
            return next;
        });
    }, []);

    const submit = async () => {
        if (submitting) {
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
        const outcome = await onSubmit(requestValues(form, values));
        if (!mounted.current) {
            return;
        }
        setSubmitting(false);
        if (outcome.kind === 'error') {
            const {known, unknown} = splitErrors(form, outcome.fieldErrors);
            setErrors(known);
            const lines = [outcome.text ? formatUIText(intl, outcome.text) : '', ...unknown].filter(Boolean);
            if (lines.length > 0) {
                setFormError(appText(lines.join('\n')));
            } else {
                setFormError(Object.keys(known).length > 0 ? messageText(formMessages.formHasErrors) : null);
            }
            setFocusInvalid((n) => n + 1);
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
                    aria-busy={submitting}
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
                        {form.fields.map((field, index) => (
                            <FieldRow
                                key={field.name}
                                id={`${fieldIdPrefix}-${index}`}
                                field={field}
                                value={values[field.name] ?? null}
                                error={errorText(field.name)}
                                disabled={submitting}
                                onChange={onChange}
                                load={(query, signal) => choices(field, requestValues(form, valuesRef.current), query, signal)}
                            />
                        ))}
                        {form.footer && <Markdown text={form.footer}/>}
                    </div>
                    <div className='lambda-apps-dialog__actions'>
                        <button
                            type='button'
                            className='lambda-apps-button'
                            onClick={onClose}
                        >
                            {intl.formatMessage(formMessages.cancel)}
                        </button>
                        <button
                            type='submit'
                            className='lambda-apps-button lambda-apps-button--primary'
                            disabled={submitting}
                        >
                            {intl.formatMessage(submitting ? formMessages.submitting : formMessages.submit)}
                        </button>
                    </div>
                </form>
            </div>
        </div>
    );
}

