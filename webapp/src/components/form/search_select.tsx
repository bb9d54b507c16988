import React from 'react';
import {useIntl} from 'react-intl';

import type {SelectOption} from '../../apps/types';
import {formMessages} from '../../i18n/messages';

import SelectOptions from './select_options';
import {useSearchResults} from './use_search_results';
import type {LoadChoices} from './use_search_results';

export type {LoadChoices};
export {SEARCH_DEBOUNCE_MS} from './use_search_results';

interface Props {
    id: string;
    label: string;
    value: SelectOption | null;
    onChange(value: SelectOption | null): void;
    load: LoadChoices;
    placeholder?: string;
    disabled: boolean;
    invalid: boolean;
    required: boolean;
    describedBy?: string;
}

// A select whose choices come from a search: a search box (typing runs the
// search) and a native <select> with the results, which keeps keyboard and
// screen-reader support simple. Used for dynamic_select, user and channel
// fields.
export default function SearchSelect(props: Props) {
    const {id, label, value, onChange, load, placeholder, disabled, invalid, required, describedBy} = props;
    const intl = useIntl();
    const {query, setQuery, options, failed, statusText} = useSearchResults(load, disabled);

    // The chosen value stays in the list while other results come and go.
    const shown = value && !options.some((o) => o.value === value.value) ? [value, ...options] : options;
    const statusId = `${id}-status`;

    const onSearchKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
        // Enter in the search box picks the first result instead of
        // submitting the form.
        if (event.key === 'Enter' && options.length > 0 && !event.nativeEvent.isComposing) {
            event.preventDefault();
            event.stopPropagation();
            onChange(options[0]);
        }
    };

    return (
        <div>
            <input
                type='search'
                id={`${id}-search`}
                aria-label={intl.formatMessage(formMessages.search, {label})}
                aria-controls={id}
                placeholder={placeholder}
                value={query}
                disabled={disabled}
                autoComplete='off'
                onChange={(e) => setQuery(e.target.value)}
                onKeyDown={onSearchKeyDown}
            />
            <select
                id={id}
                value={value?.value ?? ''}
                disabled={disabled}
                required={required}
                aria-required={required}
                aria-invalid={invalid}
                aria-describedby={[describedBy, statusId].filter(Boolean).join(' ')}
                onChange={(e) => onChange(shown.find((o) => o.value === e.target.value) ?? null)}
            >
                <SelectOptions
                    placeholder={intl.formatMessage(formMessages.choose)}
                    options={shown}
                />
            </select>
            <div
                id={statusId}
                className={failed ? 'lambda-apps-field__error' : 'lambda-apps-field__help'}
                aria-live='polite'
            >
                {statusText}
            </div>
        </div>
    );
}
