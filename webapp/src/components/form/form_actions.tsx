import React from 'react';
import {useIntl} from 'react-intl';

import type {SelectOption} from '../../apps/types';
import {formMessages} from '../../i18n/messages';

interface Props {
    // The options of the form's submit_buttons field, one button each;
    // without them the form has a single Submit button.
    buttons?: SelectOption[];
    submitting: boolean;
    refreshing: boolean;
    onCancel(): void;
    onChoose(option: SelectOption): void;
}

// The dialog's buttons: Cancel, then Submit or the app's submit buttons,
// all disabled while the form is sent or refreshed. A polite status says
// when the form is being refreshed.
export default function FormActions({buttons, submitting, refreshing, onCancel, onChoose}: Props) {
    const intl = useIntl();
    const busy = submitting || refreshing;
    return (
        <div className='lambda-apps-dialog__actions'>
            <span
                className='lambda-apps-dialog__status'
                role='status'
            >
                {refreshing ? intl.formatMessage(formMessages.refreshing) : ''}
            </span>
            <button
                type='button'
                className='lambda-apps-button'
                onClick={onCancel}
            >
                {intl.formatMessage(formMessages.cancel)}
            </button>
            {/* The app's buttons are plain buttons, so Enter never presses
                one for the user; each click sends the form with its option. */}
            {buttons ? buttons.map((option) => (
                <button
                    key={option.value}
                    type='button'
                    className='lambda-apps-button lambda-apps-button--primary'
                    disabled={busy}
                    onClick={() => onChoose(option)}
                >
                    {option.label}
                </button>
            )) : (
                <button
                    type='submit'
                    className='lambda-apps-button lambda-apps-button--primary'
                    disabled={busy}
                >
                    {intl.formatMessage(submitting ? formMessages.submitting : formMessages.submit)}
                </button>
            )}
        </div>
    );
}
