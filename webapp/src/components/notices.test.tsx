import {afterEach, describe, expect, it, jest} from '@jest/globals';
import {act, fireEvent, screen} from '@testing-library/react';
import React from 'react';

import {parseForm} from '../apps/parse';
import type {Form} from '../apps/types';
import {UIStore} from '../apps/ui_store';
import {appMessages} from '../i18n/messages';
import {appText, messageText} from '../i18n/ui_text';
import {renderWithIntl} from '../test/helpers';

import AppsRoot from './apps_root';
import Markdown from './markdown';
import {INFO_NOTICE_MS} from './notices';

afterEach(() => {
    jest.useRealTimers();
    delete (window as unknown as {PostUtils?: unknown}).PostUtils;
});

function renderRoot(ui = new UIStore()) {
    const controller = {
        submit: jest.fn(async (..._args: unknown[]) => ({kind: 'done' as const})),
        refresh: jest.fn(async (..._args: unknown[]) => ({kind: 'unchanged' as const})),
    };
    renderWithIntl(
        <AppsRoot
            ui={ui}
            controller={controller}
            choices={async () => []}
        />,
    );
    return {ui, controller};
}

describe('notices', () => {
    it('shows app text as a status and our errors as an alert, in the user language', () => {
        const {ui} = renderRoot();
        expect(screen.queryByRole('region')).toBeNull();
        act(() => {
            ui.notify({kind: 'info', appId: 'hello-lambda', text: appText('Hello, alice!'), markdown: true});
            ui.notify({kind: 'error', appId: 'hello-lambda', text: messageText(appMessages.callFailed, {error: 'offline'}), markdown: false});
        });

        expect(screen.getByRole('region', {name: 'App messages'})).toBeTruthy();
        const status = screen.getByRole('status');
        expect(status.textContent).toContain('From hello-lambda');
        expect(status.textContent).toContain('Hello, alice!');
        expect(screen.getByRole('alert').textContent).toContain('The app could not be called: offline');
    });

    it('dismisses on click, and info notices by themselves after a while', () => {
        jest.useFakeTimers();
        const {ui} = renderRoot();
        act(() => {
            ui.notify({kind: 'info', appId: 'a', text: appText('one'), markdown: true});
            ui.notify({kind: 'error', appId: 'a', text: appText('two'), markdown: true});
        });

        act(() => {
            jest.advanceTimersByTime(INFO_NOTICE_MS);
        });
        expect(screen.queryByText('one')).toBeNull();
        expect(screen.getByText('two')).toBeTruthy();

        fireEvent.click(screen.getByRole('button', {name: 'Dismiss'}));
        expect(screen.queryByText('two')).toBeNull();
    });

    it('keeps only the newest notices', () => {
        const {ui} = renderRoot();
        act(() => {
            for (let i = 1; i <= 6; i++) {
                ui.notify({kind: 'error', appId: 'a', text: appText(`n${i}`), markdown: false});
            }
        });
        expect(screen.getAllByRole('alert').map((n) => n.textContent?.replace('From a', '').replace('×', ''))).toEqual(['n3', 'n4', 'n5', 'n6']);
    });
});

describe('AppsRoot dialog', () => {
    it('renders the open form as a dialog and closes it', () => {
        const {ui} = renderRoot();
        act(() => {
            ui.openForm({title: 'Survey', header: '', footer: '', icon: '', submit: {path: '/s'}, fields: []}, {app_id: 'a', location: '/l', channel_id: 'c', team_id: 't', user_agent: 'webapp'});
        });
        expect(screen.getByRole('dialog', {name: 'Survey'})).toBeTruthy();
        fireEvent.keyDown(screen.getByRole('dialog'), {key: 'Escape'});
        expect(screen.queryByRole('dialog')).toBeNull();
        expect(ui.getState().dialog).toBeNull();
    });

    it('submits through the controller with the dialog context', async () => {
        const {ui, controller} = renderRoot();
        const context = {app_id: 'a', location: '/l', channel_id: 'c', team_id: 't', user_agent: 'webapp' as const};
        let id = 0;
        act(() => {
            id = ui.openForm({title: 'Survey', header: '', footer: '', icon: '', submit: {path: '/s'}, fields: []}, context);
        });
        await act(async () => {
            fireEvent.click(screen.getByRole('button', {name: 'Submit'}));
        });
        expect(controller.submit).toHaveBeenCalledWith(id, expect.objectContaining({title: 'Survey'}), context, {});
    });
});

describe('AppsRoot refresh', () => {
    it('refreshes through the controller and submits the refreshed form', async () => {
        const {ui, controller} = renderRoot();
        const context = {app_id: 'a', location: '/l', channel_id: 'c', team_id: 't', user_agent: 'webapp' as const};
        const first = parseForm({title: 'One', source: '/src', submit: '/s1', fields: [{name: 'k', type: 'bool', label: 'K', refresh: true}]}) as Form;
        const second = parseForm({title: 'Two', submit: '/s2', fields: [{name: 'k', type: 'bool', label: 'K'}]}) as Form;
        controller.refresh.mockResolvedValueOnce({kind: 'form', form: second} as never);
        let id = 0;
        act(() => {
            id = ui.openForm(first, context);
        });
        await act(async () => {
            fireEvent.click(screen.getByLabelText('K'));
        });
        expect(controller.refresh).toHaveBeenCalledWith(first, context, 'k', {k: true});
        expect(screen.getByRole('dialog', {name: 'Two'})).toBeTruthy();
        await act(async () => {
            fireEvent.click(screen.getByRole('button', {name: 'Submit'}));
        });
        expect(controller.submit).toHaveBeenCalledWith(id, second, context, {k: true});
    });
});

describe('Markdown', () => {
    it('shows plain text (never HTML) without the host renderer', () => {
        renderWithIntl(<Markdown text={'<b>bold</b>\n> quote'}/>);
        expect(screen.getByText(/<b>bold<\/b>/).textContent).toBe('<b>bold</b>\n> quote');
        expect(document.querySelector('b')).toBeNull();
    });

    it('uses the host formatter when the webapp provides it', () => {
        const formatText = jest.fn((text: string, _options: unknown) => `<p>${text}</p>`);
        const messageHtmlToComponent = jest.fn((html: string) => <span data-testid='host'>{html}</span>);
        (window as unknown as {PostUtils: unknown}).PostUtils = {formatText, messageHtmlToComponent};
        renderWithIntl(<Markdown text='**hi**'/>);
        expect(screen.getByTestId('host').textContent).toBe('<p>**hi**</p>');
        expect(formatText).toHaveBeenCalledWith('**hi**', expect.objectContaining({singleline: false}));
    });

    it('falls back to plain text when what the host renders fails', () => {
        const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
        function Broken(): React.ReactElement {
            throw new Error('host component failed');
        }
        (window as unknown as {PostUtils: unknown}).PostUtils = {
            formatText: (text: string) => text,
            messageHtmlToComponent: () => <Broken/>,
        };
        renderWithIntl(<Markdown text='still readable'/>);
        expect(screen.getByText('still readable')).toBeTruthy();
        consoleError.mockRestore();
    });

    it('falls back to plain text when the host formatter throws', () => {
        (window as unknown as {PostUtils: unknown}).PostUtils = {
            formatText: () => {
                throw new Error('boom');
            },
            messageHtmlToComponent: () => null,
        };
        renderWithIntl(<Markdown text='plain'/>);
        expect(screen.getByText('plain')).toBeTruthy();
    });
});
