import React, {useEffect} from 'react';
import {useIntl} from 'react-intl';

import type {Notice} from '../apps/ui_store';
import {appMessages} from '../i18n/messages';
import {formatUIText} from '../i18n/ui_text';

import Markdown from './markdown';

// How long an information notice stays; errors stay until dismissed.
export const INFO_NOTICE_MS = 12000;

interface ItemProps {
    notice: Notice;
    onDismiss(id: number): void;
}

function NoticeItem({notice, onDismiss}: ItemProps) {
    const intl = useIntl();
    const isError = notice.kind === 'error';

    useEffect(() => {
        if (isError) {
            return undefined;
        }
        const timer = setTimeout(() => onDismiss(notice.id), INFO_NOTICE_MS);
        return () => clearTimeout(timer);
    }, [isError, notice.id, onDismiss]);

    const text = formatUIText(intl, notice.text);
    return (
        <div
            className={`lambda-apps-notice${isError ? ' lambda-apps-notice--error' : ''}`}
            role={isError ? 'alert' : 'status'}
            data-testid='lambda-apps-notice'
        >
            <div className='lambda-apps-notice__body'>
                {notice.appId && (
                    <div className='lambda-apps-notice__from'>
                        {intl.formatMessage(appMessages.noticeFrom, {appId: notice.appId})}
                    </div>
                )}
                {notice.markdown ? <Markdown text={text}/> : <div>{text}</div>}
            </div>
            <button
                type='button'
                className='lambda-apps-icon-button'
                aria-label={intl.formatMessage(appMessages.dismiss)}
                onClick={() => onDismiss(notice.id)}
            >
                {'×'}
            </button>
        </div>
    );
}

interface Props {
    notices: Notice[];
    onDismiss(id: number): void;
}

// What apps answer to clicks: a stack of small notices in the corner (the
// plugin's own "ephemeral messages").
export default function Notices({notices, onDismiss}: Props) {
    const intl = useIntl();
    if (notices.length === 0) {
        // No empty landmark; each notice is a live region of its own.
        return null;
    }
    return (
        <section
            className='lambda-apps-notices'
            aria-label={intl.formatMessage(appMessages.notices)}
        >
            {notices.map((notice) => (
                <NoticeItem
                    key={notice.id}
                    notice={notice}
                    onDismiss={onDismiss}
                />
            ))}
        </section>
    );
}
