import React from 'react';

// Mattermost puts its markdown renderer on window.PostUtils for plugins.
interface PostUtils {
    formatText(text: string, options: Record<string, unknown>): string;
    messageHtmlToComponent(html: string, options: Record<string, unknown>): React.ReactNode;
}

function hostPostUtils(): PostUtils | undefined {
    const utils = (window as unknown as {PostUtils?: Partial<PostUtils>}).PostUtils;
    if (utils && typeof utils.formatText === 'function' && typeof utils.messageHtmlToComponent === 'function') {
        return utils as PostUtils;
    }
    return undefined;
}

function renderWithHost(text: string): React.ReactNode | undefined {
    const utils = hostPostUtils();
    if (!utils) {
        return undefined;
    }
    try {
        const html = utils.formatText(text, {singleline: false, mentionHighlight: false, atMentions: true, markdown: true});
        return utils.messageHtmlToComponent(html, {mentionHighlight: false});
    } catch {
        return undefined;
    }
}

class Fallback extends React.Component<{fallback: React.ReactNode; children: React.ReactNode}, {failed: boolean}> {
    state = {failed: false};

    static getDerivedStateFromError() {
        return {failed: true};
    }

    render() {
        return this.state.failed ? this.props.fallback : this.props.children;
    }
}

interface Props {
    text: string;
    id?: string;
    className?: string;
}

// Markdown from an app: rendered by the Mattermost webapp's own formatter
// when it is there (same look as posts, and it sanitizes), else shown as
// plain text with its line breaks. Never rendered as raw HTML by us.
export default function Markdown({text, id, className}: Props) {
    const plain = (
        <div
            id={id}
            className={`lambda-apps-markdown${className ? ` ${className}` : ''}`}
        >
            {text}
        </div>
    );
    const rendered = React.useMemo(() => renderWithHost(text), [text]);
    if (rendered === undefined || rendered === null) {
        return plain;
    }
    return (
        <Fallback fallback={plain}>
            <div
                id={id}
                className={`lambda-apps-markdown lambda-apps-markdown--host${className ? ` ${className}` : ''}`}
            >
                {rendered}
            </div>
        </Fallback>
    );
}
