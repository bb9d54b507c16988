import React, {useEffect, useRef, useState} from 'react';
import {useIntl} from 'react-intl';

import type {SelectOption} from '../../apps/types';
import {formMessages} from '../../i18n/messages';

import SelectOptions from './select_options';
import {useSearchResults} from './use_search_results';
import type {LoadChoices} from './use_search_results';

interface Props {
    id: string;
    label: string;
    value: SelectOption[];
    onChange(value: SelectOption[]): void;

    // The choices: a static list (static_select), or a search when `load`
    // is given (dynamic_select, user, channel).
    options: SelectOption[];
    load?: LoadChoices;
    placeholder?: string;
    disabled: boolean;
    readOnly: boolean;
    invalid: boolean;
    required: boolean;
    describedBy?: string;
}

const noSearch: LoadChoices = async () => [];

// Keys that move the selection of a closed native <select>. Some browsers
// fire `change` for each of them; those changes only mark an option, which
// Enter or the Add button then adds. A pick with the mouse adds at once.
function movesSelection(key: string): boolean {
    return key.length === 1 || key.startsWith('Arrow') || key.startsWith('Page') || key === 'Home' || key === 'End';
}

// A field that holds several options: the chosen ones as chips, each with a
// "Remove <option>" button, and below them a native <select> of the other
// choices (with a search box for search-type fields) to add one. Adding and
// removing are announced; removing moves focus to the next chip (or the
// previous one, or the select), so the keyboard never falls out of the form.
export default function MultiSelect(props: Props) {
    const {id, label, value, onChange, options, load, placeholder, disabled, readOnly, invalid, required, describedBy} = props;
    const intl = useIntl();
    const locked = disabled || readOnly;
    const search = useSearchResults(load ?? noSearch, locked || !load);
    const [pending, setPending] = useState('');
    const [announcement, setAnnouncement] = useState('');
    const keyMoved = useRef(false);
    const selectRef = useRef<HTMLSelectElement>(null);
    const searchRef = useRef<HTMLInputElement>(null);
    const chipRefs = useRef<Array<HTMLButtonElement | null>>([]);
    const focusChip = useRef<number | null>(null);

    const chosen = (o: SelectOption) => value.some((v) => v.value === o.value);
    const choices = (load ? search.options : options).filter((o) => !chosen(o));
    const pendingOption = choices.find((o) => o.value === pending);
    const statusId = `${id}-status`;

    useEffect(() => {
        const index = focusChip.current;
        if (index === null) {
            return;
        }
        focusChip.current = null;
        (chipRefs.current[Math.min(index, value.length - 1)] ?? searchRef.current ?? selectRef.current)?.focus();
    }, [value]);

    const add = (option: SelectOption | undefined) => {
        if (!option || chosen(option)) {
            return;
        }
        setPending('');
        onChange([...value, option]);
        setAnnouncement(intl.formatMessage(formMessages.added, {option: option.label}));
    };

    const remove = (index: number) => {
        const option = value[index];
        focusChip.current = index;
        onChange(value.filter((_, i) => i !== index));
        setAnnouncement(intl.formatMessage(formMessages.removed, {option: option.label}));
    };

    const onSelectChange = (event: React.ChangeEvent<HTMLSelectElement>) => {
        const option = choices.find((o) => o.value === event.target.value);
        if (keyMoved.current) {
            keyMoved.current = false;
            setPending(option?.value ?? '');
        } else {
            add(option);
        }
    };

    const onSelectKeyDown = (event: React.KeyboardEvent<HTMLSelectElement>) => {
        if (event.key === 'Enter' && pendingOption) {
            // Enter adds the marked option instead of submitting the form.
            event.preventDefault();
            event.stopPropagation();
            add(pendingOption);
            return;
        }
        keyMoved.current = movesSelection(event.key);
    };

    const onSearchKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
        // Enter in the search box adds the first result.
        if (event.key === 'Enter' && choices.length > 0 && !event.nativeEvent.isComposing) {
            event.preventDefault();
            event.stopPropagation();
            add(choices[0]);
        }
    };

    chipRefs.current.length = value.length;
    return (
        <div className='lambda-apps-multi'>
            {value.length > 0 && (
                <ul
                    className='lambda-apps-chips'
                    aria-label={intl.formatMessage(formMessages.chosen, {label})}
                >
                    {value.map((option, index) => (
                        <li
                            key={option.value}
                            className='lambda-apps-chip'
                        >
                            <span>{option.label}</span>
                            {!readOnly && (
                                <button
                                    ref={(el) => {
                                        chipRefs.current[index] = el;
                                    }}
                                    type='button'
                                    className='lambda-apps-icon-button'
                                    aria-label={intl.formatMessage(formMessages.remove, {option: option.label})}
                                    disabled={disabled}
                                    onClick={() => remove(index)}
                                >
                                    {'×'}
                                </button>
                            )}
                        </li>
                    ))}
                </ul>
            )}
            {load && (
                <input
                    ref={searchRef}
                    type='search'
                    id={`${id}-search`}
                    aria-label={intl.formatMessage(formMessages.search, {label})}
                    aria-controls={id}
                    placeholder={placeholder}
                    value={search.query}
                    disabled={locked}
                    autoComplete='off'
                    onChange={(e) => search.setQuery(e.target.value)}
                    onKeyDown={onSearchKeyDown}
                />
            )}
            <div className='lambda-apps-multi__add'>
                <select
                    ref={selectRef}
                    id={id}
                    value={pendingOption?.value ?? ''}
                    disabled={locked}
                    aria-required={required}
                    aria-invalid={invalid}
                    aria-describedby={[describedBy, load ? statusId : ''].filter(Boolean).join(' ') || undefined}
                    onChange={onSelectChange}
                    onKeyDown={onSelectKeyDown}
                    onMouseDown={() => {
                        keyMoved.current = false;
                    }}
                >
                    <SelectOptions
                        placeholder={intl.formatMessage(formMessages.chooseToAdd)}
                        options={choices}
                    />
                </select>
                <button
                    type='button'
                    className='lambda-apps-button'
                    aria-label={intl.formatMessage(formMessages.addTo, {label})}
                    disabled={locked || !pendingOption}
                    onClick={() => add(pendingOption)}
                >
                    {intl.formatMessage(formMessages.add)}
                </button>
            </div>
            {load && (
                <div
                    id={statusId}
                    className={search.failed ? 'lambda-apps-field__error' : 'lambda-apps-field__help'}
                    aria-live='polite'
                >
                    {search.statusText}
                </div>
            )}
            <div
                className='lambda-apps-sr-only'
                aria-live='polite'
            >
                {announcement}
            </div>
        </div>
    );
}
