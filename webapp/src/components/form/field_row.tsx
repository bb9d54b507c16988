import React from 'react';
import {useIntl} from 'react-intl';

import type {Field, SelectOption} from '../../apps/types';
import {formMessages} from '../../i18n/messages';
import Markdown from '../markdown';

import {isMulti, isOption, optionList} from './form_values';
import type {FieldValue} from './form_values';
import MultiSelect from './multi_select';
import SearchSelect from './search_select';
import SelectOptions from './select_options';
import type {LoadChoices} from './search_select';

interface Props {
    id: string;
    field: Field;
    value: FieldValue;
    error?: string;
    disabled: boolean;
    onChange(name: string, value: FieldValue): void;

    // The user left a text field (its value is complete).
    onCommit?(name: string): void;
    load: LoadChoices;
}

export function fieldLabel(field: Field): string {
    return field.modal_label || field.label || field.name;
}

function RequiredMark() {
    const intl = useIntl();
    return (
        <span className='lambda-apps-required'>
            <span aria-hidden='true'>{'*'}</span>
            <span style={{position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0 0 0 0)'}}>
                {` ${intl.formatMessage(formMessages.requiredMark)}`}
            </span>
        </span>
    );
}

function defaultHint(field: Field, intl: ReturnType<typeof useIntl>): string {
    if (field.hint) {
        return field.hint;
    }
    if (field.type === 'user') {
        return intl.formatMessage(formMessages.userHint);
    }
    if (field.type === 'channel') {
        return intl.formatMessage(formMessages.channelHint);
    }
    return '';
}

// One field of an app form: its label, control, help text and error.
export default function FieldRow({id, field, value, error, disabled, onChange, onCommit, load}: Props) {
    const intl = useIntl();
    const label = fieldLabel(field);
    const helpId = `${id}-help`;
    const errorId = `${id}-error`;
    const describedBy = [field.description ? helpId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
    const locked = disabled || field.readonly;
    const required = field.is_required && !field.readonly;

    if (field.type === 'markdown') {
        return (
            <div className='lambda-apps-field lambda-apps-field--markdown'>
                <Markdown text={field.description || (typeof field.value === 'string' ? field.value : '')}/>
            </div>
        );
    }

    let control: React.ReactNode;
    if (field.type === 'bool') {
        control = (
            <div className='lambda-apps-field__check'>
                <input
                    id={id}
                    type='checkbox'
                    checked={value === true}
                    disabled={locked}
                    aria-invalid={Boolean(error)}
                    aria-describedby={describedBy}
                    onChange={(e) => onChange(field.name, e.target.checked)}
                />
                <label
                    htmlFor={id}
                    style={{margin: 0}}
                >
                    {label}
                </label>
            </div>
        );
    } else if (isMulti(field)) {
        const searchable = field.type !== 'static_select';
        control = (
            <MultiSelect
                id={id}
                label={label}
                value={optionList(value)}
                onChange={(v) => onChange(field.name, v)}
                options={field.options}
                load={searchable ? load : undefined}
                placeholder={searchable ? defaultHint(field, intl) : undefined}
                disabled={disabled}
                readOnly={field.readonly}
                invalid={Boolean(error)}
                required={required}
                describedBy={describedBy}
            />
        );
    } else if (field.type === 'static_select') {
        const selected = isOption(value) ? value.value : '';
        control = (
            <select
                id={id}
                value={selected}
                disabled={locked}
                required={required}
                aria-required={required}
                aria-invalid={Boolean(error)}
                aria-describedby={describedBy}
                onChange={(e) => onChange(field.name, field.options.find((o) => o.value === e.target.value) ?? null)}
            >
                <SelectOptions
                    placeholder={field.hint || intl.formatMessage(formMessages.choose)}
                    options={field.options}
                />
            </select>
        );
    } else if (field.type === 'dynamic_select' || field.type === 'user' || field.type === 'channel') {
        control = (
            <SearchSelect
                id={id}
                label={label}
                value={isOption(value) ? value : null}
                onChange={(v: SelectOption | null) => onChange(field.name, v)}
                load={load}
                placeholder={defaultHint(field, intl)}
                disabled={locked}
                invalid={Boolean(error)}
                required={required}
                describedBy={describedBy}
            />
        );
    } else {
        const common = {
            id,
            value: typeof value === 'string' ? value : '',
            readOnly: field.readonly,
            disabled,
            required,
            'aria-required': required,
            'aria-invalid': Boolean(error),
            'aria-describedby': describedBy,
            placeholder: field.hint || undefined,
            minLength: field.min_length,
            maxLength: field.max_length,
            onBlur: onCommit ? () => onCommit(field.name) : undefined,
        };
        control = field.subtype === 'textarea' ? (
            <textarea
                {...common}
                onChange={(e) => onChange(field.name, e.target.value)}
            />
        ) : (
            <input
                {...common}
                type={field.subtype === 'input' ? 'text' : field.subtype}
                autoComplete={field.subtype === 'password' ? 'new-password' : 'off'}
                onChange={(e) => onChange(field.name, e.target.value)}
            />
        );
    }

    return (
        <div className='lambda-apps-field'>
            {field.type !== 'bool' && (
                <label htmlFor={id}>
                    {label}
                    {required && <RequiredMark/>}
                </label>
            )}
            {control}
            {field.description && (
                <div
                    id={helpId}
                    className='lambda-apps-field__help'
                >
                    {field.description}
                </div>
            )}
            {error && (
                <div
                    id={errorId}
                    className='lambda-apps-field__error'
                >
                    {error}
                </div>
            )}
        </div>
    );
}
