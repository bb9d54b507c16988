import {useEffect, useRef, useState} from 'react';
import {useIntl} from 'react-intl';

import type {SelectOption} from '../../apps/types';
import {formMessages} from '../../i18n/messages';

export type LoadChoices = (query: string, signal: AbortSignal) => Promise<SelectOption[]>;

// Delay between the last keystroke and the search.
export const SEARCH_DEBOUNCE_MS = 250;

type Status = {kind: 'idle'} | {kind: 'loading'} | {kind: 'error'; message: string};

export interface SearchResults {
    query: string;
    setQuery(query: string): void;
    options: SelectOption[];
    failed: boolean;

    // What the search is doing, for a live region: searching, failed, no
    // matches, or nothing.
    statusText: string;
}

// The results of a search box: searches at once on mount (empty query),
// then SEARCH_DEBOUNCE_MS after the last keystroke. An older search's late
// answer is dropped. Nothing is searched while disabled.
export function useSearchResults(load: LoadChoices, disabled: boolean): SearchResults {
    const intl = useIntl();
    const [query, setQuery] = useState('');
    const [options, setOptions] = useState<SelectOption[]>([]);
    const [status, setStatus] = useState<Status>({kind: 'idle'});
    const loadRef = useRef(load);
    loadRef.current = load;
    const firstSearch = useRef(true);

    useEffect(() => {
        if (disabled) {
            return undefined;
        }
        const controller = new AbortController();
        const delay = firstSearch.current ? 0 : SEARCH_DEBOUNCE_MS;
        firstSearch.current = false;
        const timer = setTimeout(() => {
            setStatus({kind: 'loading'});
            loadRef.current(query, controller.signal).then(
                (found) => {
                    if (!controller.signal.aborted) {
                        setOptions(found);
                        setStatus({kind: 'idle'});
                    }
                },
                (err: unknown) => {
                    if (!controller.signal.aborted) {
                        setOptions([]);
                        setStatus({kind: 'error', message: err instanceof Error ? err.message : String(err)});
                    }
                },
            );
        }, delay);
        return () => {
            clearTimeout(timer);
            controller.abort();
        };
    }, [query, disabled]);

    let statusText = '';
    if (status.kind === 'loading') {
        statusText = intl.formatMessage(formMessages.searching);
    } else if (status.kind === 'error') {
        statusText = intl.formatMessage(formMessages.lookupFailed, {error: status.message});
    } else if (query && options.length === 0) {
        statusText = intl.formatMessage(formMessages.noResults);
    }
    return {query, setQuery, options, failed: status.kind === 'error', statusText};
}
