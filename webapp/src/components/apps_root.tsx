import React, {useCallback} from 'react';
import {createPortal} from 'react-dom';

import type {AppsController} from '../apps/controller';
import type {CallContext, Field, SelectOption} from '../apps/types';
import type {UIStore} from '../apps/ui_store';

import FormDialog from './form/form_dialog';
import Notices from './notices';
import {appsCSS} from './styles';
import {useExternalStore} from './use_external_store';

export type ContextChoices = (field: Field, context: CallContext, values: Record<string, unknown>, query: string, signal: AbortSignal) => Promise<SelectOption[]>;

interface Props {
    ui: UIStore;
    controller: Pick<AppsController, 'submit' | 'refresh'>;
    choices: ContextChoices;
}

// The plugin's root component (registered with registerRootComponent): the
// notices that show app answers and the dialog of an open app form.
export default function AppsRoot({ui, controller, choices}: Props) {
    const state = useExternalStore(ui);
    const dialog = state.dialog;
    const dismiss = useCallback((id: number) => ui.dismiss(id), [ui]);

    let dialogElement: React.ReactNode = null;
    if (dialog) {
        dialogElement = createPortal(
            <FormDialog
                key={dialog.id}
                form={dialog.form}
                onSubmit={(values, form) => controller.submit(dialog.id, form, dialog.context, values)}
                onRefresh={(form, fieldName, values) => controller.refresh(form, dialog.context, fieldName, values)}
                onClose={() => ui.closeForm(dialog.id)}
                choices={(field, values, query, signal) => choices(field, dialog.context, values, query, signal)}
            />,
            document.body,
        );
    }

    return (
        <>
            <style>{appsCSS}</style>
            <Notices
                notices={state.notices}
                onDismiss={dismiss}
            />
            {dialogElement}
        </>
    );
}
