import React from 'react';

import type {SelectOption} from '../../apps/types';

// The <option>s of a native select: an empty first one that says what to do,
// then one per choice.
export default function SelectOptions({placeholder, options}: {placeholder: string; options: SelectOption[]}) {
    return (
        <>
            <option value=''>{placeholder}</option>
            {options.map((option) => (
                <option
                    key={option.value}
                    value={option.value}
                >
                    {option.label}
                </option>
            ))}
        </>
    );
}
